"""/sparql: the SPARQL 1.1 Protocol query operation, against a real engine process."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from werkzeug.datastructures import MultiDict

from isic_graph.cli import main
from isic_graph.store.engine import Engine
from tests.conftest import ADMIN
from tests.support import paths
from tests.support.queries import BASE, COUNT_LESSONS

SHIPPED = sorted((paths.ROOT / "queries").glob("*.rq"))


def lesson_count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_get_query_answers_json_results_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_LESSONS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert lesson_count(response.data) >= 20


def test_post_form_and_post_sparql_query_give_the_same_answer(client: FlaskClient) -> None:
    form = client.post("/sparql", data={"query": COUNT_LESSONS})
    direct = client.post("/sparql", data=COUNT_LESSONS, content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert lesson_count(form.data) == lesson_count(direct.data)


@pytest.mark.parametrize("accept, media_type", [
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
])
def test_select_results_in_the_format_the_accept_header_prefers(
        client: FlaskClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_LESSONS}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media_type


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_LESSONS, "format": "csv"},
                          headers={"Accept": "application/sparql-results+json"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["n"] and int(rows[1][0]) >= 20


@pytest.mark.parametrize("accept, marker", [("text/turtle", b"isic:"), ("application/ld+json", b"@id"),
                                            ("application/n-triples", b"<https://w3id.org/isic/ontology#Lesson>")])
def test_construct_results_as_rdf(client: FlaskClient, accept: str, marker: bytes) -> None:
    query = ("CONSTRUCT { ?l a <https://w3id.org/isic/ontology#Lesson> } WHERE { ?l a "
             "<https://w3id.org/isic/ontology#Lesson> }")
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert b"Lesson" in response.data and (marker in response.data or accept == "text/turtle")


@pytest.mark.parametrize("accept", ["application/ld+json", "text/turtle", "application/n-triples"])
def test_a_construct_of_a_triple_term_is_a_400_in_the_clients_language_not_an_engine_stop(client: FlaskClient,
                                                                                         accept: str) -> None:
    query = "CONSTRUCT { <http://a> <http://b> <<( <http://a> <http://b> <http://c> )>> } {}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept,
                                                                              "Accept-Language": "fr"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "triplet cité" in response.get_json()["detail"]


def test_syntax_error_is_400_with_the_parser_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o FILTER(?o = ) }"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "error at line 1, column 42" in response.json["detail"] and response.json["status"] == 400
    french = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o FILTER(?o = ) }"},
                        headers={"Accept-Language": "fr"})
    assert french.status_code == 400 and "detail_en" not in french.json
    assert french.json["detail"].startswith("le serveur SPARQL a refusé la requête (ses mots, en anglais) : ")
    assert french.json["detail"].endswith(response.json["detail"].partition(": ")[2])  # the engine's words, with where



@pytest.mark.parametrize(("text", "at", "meant"), [
    ("SELEKT * WHERE { ?s ?p ?o }", "line 1, column 1", "SELECT"),
    ("selct ?s { ?s ?p ?o }", "line 1, column 1", "SELECT"),
    ("PREFIX e: <http://e/>\n# a comment\n  DESCRIBEE e:x", "line 3, column 3", "DESCRIBE"),
    ("ASKK {}", "line 1, column 1", "ASK"),
    ("CONSTRUKT { ?s ?p ?o } WHERE { ?s ?p ?o }", "line 1, column 1", "CONSTRUCT")])
def test_a_misspelt_query_form_is_named_where_it_is_written(client: FlaskClient, text: str, at: str,
                                                            meant: str) -> None:
    """The engine names the first form it expected further on (`SELEKT *`: "error at line 1, column 10: expected
    CONSTRUCT"); the word a query starts with is named where it is, with the form it is closest to."""
    for lang, words in (("en", f"did you mean {meant}?"), ("fr", f"vouliez-vous dire {meant} ?")):
        answer = client.post("/sparql", data={"query": text}, headers={"Accept-Language": lang})
        assert answer.status_code == 400, answer.data[:300]
        detail = answer.json["detail"]
        assert detail.startswith(at if lang == "en" else at.replace("line", "ligne").replace("column", "colonne"))
        assert words in detail and "SELECT, CONSTRUCT, ASK" in detail, detail


XSD_DECLARED = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


@pytest.mark.parametrize("query, prefix, suggested", [
    ('SELECT * WHERE { ?s ?p "1"^^xsd:integer }', "xsd", "<http://www.w3.org/2001/XMLSchema#>"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(xsd:integer(?o) > 1) }", "xsd", "<http://www.w3.org/2001/XMLSchema#>"),
    ("SELECT ?p WHERE { ?p a foaf:Person }", "foaf", "<http://xmlns.com/foaf/0.1/>"),
    ("select ?t where { ?s dcterms:title ?t }", "dcterms", "<http://purl.org/dc/terms/>"),
    ("SELECT * WHERE { ?s :p ?o }", "", "<…>"),
    ("SELECT * WHERE { ?s ex:p ?o } # ex: is not declared", "ex", "<…>"),
    (XSD_DECLARED + 'SELECT * WHERE { ?s ?p "1"^^XSD:integer }', "XSD", "<…>"),
    ("ASK { ?s isic:learnedFrom/dcterms:title ?t }", "isic", "<https://w3id.org/isic/ontology#>"),
])
def test_an_undeclared_prefix_is_refused_naming_the_declaration_to_add(client: FlaskClient, query: str, prefix: str,
                                                                       suggested: str) -> None:
    """The engine's own words for an undeclared prefix name what it expected instead (`ENCODE_FOR_URI`): the
    analyst is told which declaration to add, in French when asked."""
    for lang, words in (("en", "is not declared: add `PREFIX"), ("fr", "n'est pas déclaré : ajoutez `PREFIX")):
        answer = client.get("/sparql", query_string={"query": query},
                            headers={"Accept": "application/sparql-results+json", "Accept-Language": lang})
        assert answer.status_code == 400, answer.get_data(as_text=True)
        detail = answer.get_json()["detail"]
        assert words in detail and f"PREFIX {prefix}: {suggested}" in detail, detail


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "xsd:integer" }',  # in a string
    "SELECT * WHERE { ?s ?p <xsd:integer> }",  # an IRI whose scheme reads as a prefix
    "SELECT * WHERE { ?s ?p ?o } # xsd:integer in a comment",
    "prefix xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { ?s ?p 1 FILTER(xsd:integer(?p)) }",
    "BASE <http://e.org/> PREFIX x: <ns#> SELECT * WHERE { ?s x:p _:b }",
])
def test_a_declared_prefix_or_a_prefix_like_text_elsewhere_passes(client: FlaskClient, query: str) -> None:
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)


def test_an_update_with_an_undeclared_prefix_is_refused_and_changes_nothing(client: FlaskClient) -> None:
    update = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> owl:sameAs <urn:x:o> } }"
    answer = client.post("/update", data={"update": update},
                         headers={"Authorization": f"Bearer {ADMIN}", "Accept-Language": "fr"})
    assert answer.status_code == 400
    assert "ajoutez `PREFIX owl: <http://www.w3.org/2002/07/owl#>` au début de la mise à jour" in \
        answer.get_json()["detail"]
    asked = client.get("/sparql", query_string={"query": "ASK { GRAPH <urn:x:g> { ?s ?p ?o } }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert asked.get_json()["boolean"] is False


def test_unacceptable_format_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_LESSONS}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/csv" in response.json["detail"]


def test_wrong_media_type_is_415_and_wrong_method_405(client: FlaskClient) -> None:
    assert client.post("/sparql", data=COUNT_LESSONS, content_type="text/plain").status_code == 415
    response = client.put("/sparql", data=COUNT_LESSONS)
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


def test_updates_are_refused_on_the_query_endpoint(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"update": "DROP ALL"})
    assert response.status_code == 400 and "/update" in response.json["detail"]
    assert lesson_count(client.get("/sparql", query_string={"query": COUNT_LESSONS}).data) >= 20


def test_two_query_parameters_are_refused(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_get_without_query_is_the_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    text = response.get_data(as_text=True)
    assert "sparql-service-description#endpoint" in text and f"{BASE}sparql" in text  # the base IRI, not the Host
    assert "UnionDefaultGraph" in text


def test_cors_lets_browser_clients_elsewhere_query(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.options("/sparql").status_code == 204


def test_protocol_dataset_restricts_the_default_graph(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/isic/ontology#Lesson> }"
    anas = client.get("/sparql", query_string={"query": query, "default-graph-uri": BASE + "graph/network/anas"})
    everything = client.get("/sparql", query_string={"query": query})
    assert 0 < lesson_count(anas.data) < lesson_count(everything.data)


@pytest.mark.parametrize("asked", ["from", "from-named", "default-graph-uri", "named-graph-uri"])
def test_a_dataset_may_name_only_graphs_of_the_store_however_it_is_given(client: FlaskClient, asked: str) -> None:
    known, unknown = BASE + "graph/network/anas", BASE + "graph/network/nobody"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def ask(graphs: list[str]) -> tuple[int, str]:
        text = query.replace("WHERE", " ".join(f"FROM {'NAMED ' if asked == 'from-named' else ''}<{g}>"
                                               for g in graphs) + " WHERE") if asked.startswith("from") else query
        protocol = [] if asked.startswith("from") else [(asked, g) for g in graphs]
        answer = client.get("/sparql", query_string=MultiDict([("query", text), *protocol]))
        return answer.status_code, answer.get_data(as_text=True)

    assert ask([known])[0] == 200
    status, said = ask([known, unknown])
    assert status == 400 and f"<{unknown}> is not a graph of this store" in said
    assert f"<{known}> is not" not in said


GRAPH_NAMED_TWICE = {  # a query counting the triples of the network graph of anas, each way of naming it twice
    "from": "SELECT (COUNT(*) AS ?n) FROM <{g}> FROM <{g}> WHERE {{ ?s ?p ?o }}",
    "from-prefixed": "PREFIX n: <{base}graph/network/> SELECT (COUNT(*) AS ?n) FROM <{g}> FROM n:anas "
                     "WHERE {{ ?s ?p ?o }}",
    "from-relative": "BASE <{base}graph/network/> SELECT (COUNT(*) AS ?n) FROM <{g}> FROM <anas> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT (COUNT(*) AS ?n) FROM NAMED <{g}> FROM NAMED <{g}> WHERE {{ GRAPH ?x {{ ?s ?p ?o }} }}",
    "default-graph-uri": "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}",
    "named-graph-uri": "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?x {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("asked", sorted(GRAPH_NAMED_TWICE))
def test_a_graph_named_twice_in_a_dataset_counts_once(client: FlaskClient, asked: str) -> None:
    graph = BASE + "graph/network/anas"
    once = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> "
                                                        "{ ?s ?p ?o } }"})
    text = GRAPH_NAMED_TWICE[asked].format(g=graph, base=BASE)
    protocol = [(asked, graph)] * 3 if asked.endswith("-uri") else []
    twice = client.post("/sparql", data=MultiDict([("query", text), *protocol]))
    assert once.status_code == twice.status_code == 200, twice.get_data(as_text=True)
    assert lesson_count(twice.data) == lesson_count(once.data) > 0


FROM_TWICE = {  # the FROM forms of GRAPH_NAMED_TWICE, and more spellings of the same IRI
    **{name: text for name, text in GRAPH_NAMED_TWICE.items() if name.startswith("from")},
    "from-escaped": "SELECT (COUNT(*) AS ?n) FROM <{g}> FROM <{base}graph/network/\\u0061nas> WHERE {{ ?s ?p ?o }}",
    "from-three-times-and-named": "PREFIX n: <{base}graph/network/> SELECT (COUNT(*) AS ?n) FROM n:anas FROM <{g}> "
                                  "FROM NAMED <{g}> FROM n:anas FROM NAMED n:anas "
                                  "WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?x {{ ?s ?p ?o }} }} }}",
}


@pytest.mark.parametrize("asked", sorted(FROM_TWICE))
def test_the_command_line_counts_a_graph_named_twice_once_as_sparql_does(app: Flask, engine: Engine,
                                                                          client: FlaskClient, asked: str) -> None:
    """`isic-graph query` and /sparql answer the same query over the same store the same: a graph its FROM or
    FROM NAMED clauses name twice, in any spelling of its IRI, is read once by both."""
    graph = BASE + "graph/network/anas"
    text = FROM_TWICE[asked].format(g=graph, base=BASE)
    answer = client.post("/sparql", data={"query": text})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": "", "ISIC_STORE_URL": f"{engine.url}/query",
           "ISIC_STORE_UPDATE_URL": f"{engine.url}/update", "ISIC_STORE_GSP_URL": f"{engine.url}/store"}
    ran = CliRunner().invoke(main, ["query", text, "--format", "csv"], env=env, catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    once = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> "
                                                        "{ ?s ?p ?o } }"})
    expected = lesson_count(once.data) * (2 if "-named" in asked and "three" in asked else 1)
    assert int(ran.output.splitlines()[1]) == lesson_count(answer.data) == expected > 0


def test_a_dataset_naming_a_graph_the_store_lacks_is_refused_in_french_too(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK FROM <urn:x:nowhere> { ?s ?p ?o }"},
                        headers={"Accept-Language": "fr"})
    assert answer.status_code == 400
    assert "<urn:x:nowhere> n'est pas un graphe de cette base" in answer.get_json()["detail"]


NESTED = "ASK { " + "{ " * 70 + "}" * 70 + " }"
SPARQL_REFUSALS = {  # one of each of the query endpoint's own refusals: (method, arguments)
    "unknown-graph": ("get", {"query_string": {"query": "ASK FROM <urn:x:nowhere> { ?s ?p ?o }"}}),
    "scope-and-dataset": ("get", {"query_string": {"query": "ASK { ?s ?p ?o }", "scope": "local",
                                                   "default-graph-uri": BASE + "graph/network/anas"}}),
    "unknown-scope": ("get", {"query_string": {"query": "ASK { ?s ?p ?o }", "scope": "partout"}}),
    "two-queries": ("get", {"query_string": MultiDict([("query", "ASK {}"), ("query", "ASK {}")])}),
    "dataset-without-query": ("get", {"query_string": {"default-graph-uri": BASE + "graph/network/anas"}}),
    "charset": ("post", {"data": "ASK {}", "content_type": "application/sparql-query; charset=latin-1"}),
    "not-utf8": ("post", {"data": b"ASK { ?s ?p \"caf\xe9\" }", "content_type": "application/sparql-query"}),
    "media-type": ("post", {"data": "ASK {}", "content_type": "text/plain"}),
    "format-name": ("get", {"query_string": {"query": "ASK {}", "format": "pdf"}}),
    "accept": ("get", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}),
    "nesting": ("post", {"data": {"query": NESTED}}),
    "combined": ("post", {"data": {"query": "ASK { FILTER(" + "1 + " * 600 + "1) }"}}),
    "load": ("post", {"data": {"query": "SELECT * WHERE { ?s ?p ?o } LOAD <http://example.org/>"}}),
}


@pytest.mark.parametrize("kind", sorted(SPARQL_REFUSALS))
def test_each_refusal_of_the_query_endpoint_is_said_in_french_too(client: FlaskClient, kind: str) -> None:
    method, arguments = SPARQL_REFUSALS[kind]
    send = getattr(client, method)
    english = send("/sparql", **arguments)
    french = send("/sparql", **{**arguments, "headers": {**arguments.get("headers", {}), "Accept-Language": "fr"}})
    assert 400 <= english.status_code < 500 and french.status_code == english.status_code
    said, dit = english.get_json(), french.get_json()
    assert "detail_en" not in dit, (kind, dit)  # a French message of its own, not the class's words
    assert dit["detail"] != said["detail"] and dit["code"] == said["code"]


def test_construct_without_accept_is_turtle(client: FlaskClient) -> None:
    query = "CONSTRUCT WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }"
    assert client.get("/sparql", query_string={"query": query}).mimetype == "text/turtle"
    assert client.get("/sparql", query_string={"query": query}, headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_service_description_in_an_unknown_format_is_406(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/sparql", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"


@pytest.mark.parametrize("text,named", [
    ("SELECT * WHERE { BIND(<http://e.example/f>(1) AS ?x) }", "<http://e.example/f>"),
    ("SELECT * WHERE { FILTER(<urn:x>(1)) }", "<urn:x>"),
    ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { ?s ?p ?o FILTER(xsd:foo(?o)) }", "xsd:foo"),
    ("BASE <http://e.example/> SELECT (<f> (1) AS ?x) {}", "<http://e.example/f>"),
    ("SELECT * { ?s ?p ?o } ORDER BY <http://e.example/\\u0066>(?o)", "<http://e.example/f>"),
])
def test_a_function_the_engine_has_not_is_400_naming_it(client: FlaskClient, text: str, named: str) -> None:
    for answer in (client.get("/sparql", query_string={"query": text}), client.post("/sparql", data={"query": text}),
                   client.post("/sparql", data=text, content_type="application/sparql-query",
                               headers={"Accept-Language": "fr"})):
        assert answer.status_code == 400 and answer.json["code"] == "bad-request", answer.json
        assert named in answer.json["detail"]
    cast = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer('7') AS ?x) {}"
    assert client.get("/sparql", query_string={"query": cast}).json["results"]["bindings"][0]["x"]["value"] == "7"


@pytest.mark.parametrize("name,values", [("scope", ("local", "live")), ("scope", ("all", "local")),
                                         ("format", ("json", "csv")), ("format", ("tsv", "text/csv")),
                                         ("query", ("ASK {}", "ASK { ?s ?p ?o }")), ("lang", ("en", "fr"))])
def test_a_single_valued_parameter_given_twice_is_refused_naming_it(client: FlaskClient, name: str,
                                                                     values: tuple[str, str]) -> None:
    query = {"query": "ASK {}"} if name != "query" else {}
    first, second = ({**query, name: value} for value in values)
    doubled = MultiDict([*query.items(), (name, values[0]), (name, values[1])])
    for answer in (client.get("/sparql", query_string=doubled), client.post("/sparql", data=doubled),
                   client.post("/sparql", query_string={name: values[0]}, data=second),  # the URL and the form
                   client.get("/sparql?" + "&".join(f"{k}={v}" for k, v in first.items()) + f"&%{ord(name[0]):x}"
                              f"{name[1:]}={values[1]}")):  # its name percent-encoded
        assert answer.status_code == 400 and f"'{name}' was given more than once" in answer.json["detail"]
    fr = client.get("/sparql", query_string=doubled, headers={"Accept-Language": "fr"})
    assert f"le paramètre « {name} » est donné plusieurs fois" in fr.json["detail"] or name == "lang"  # ?lang=en


@pytest.mark.parametrize("pairs", [
    [("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv"),
     ("output", "text/tab-separated-values")],  # as SPARQLWrapper asks for TSV
    [("format", "csv"), ("format", "text/csv")], [("scope", "local"), ("scope", "local")],
    [("lang", "fr"), ("lang", "fr")],
])
def test_a_parameter_given_again_with_the_same_value_is_read(client: FlaskClient, pairs: list[tuple[str, str]]) -> None:
    answer = client.get("/sparql", query_string=MultiDict([("query", COUNT_LESSONS), *pairs]))
    assert answer.status_code == 200, answer.json


@pytest.mark.parametrize("form,pairs,expected", [
    ("CONSTRUCT", [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
     "application/ld+json"),  # as SPARQLWrapper asks for JSONLD
    ("DESCRIBE", [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
     "application/ld+json"),
    ("CONSTRUCT", [("format", "rdf+xml"), ("format", "application/rdf+xml")], "application/rdf+xml"),
    ("CONSTRUCT", [("format", "turtle"), ("format", "text/turtle")], "text/turtle"),
    ("CONSTRUCT", [("format", "n3"), ("format", "text/n3;charset=utf-8,text/rdf+n3")], "text/turtle"),
    ("SELECT", [("format", "xml"), ("format", "application/sparql-results+xml")], "application/sparql-results+xml"),
    ("SELECT", [("format", "json"), ("format", "application/sparql-results+json,application/json")],
     "application/sparql-results+json"),
])
def test_a_format_named_and_listed_by_its_media_types_is_one_format(client: FlaskClient, form: str,
                                                                    pairs: list[tuple[str, str]],
                                                                    expected: str) -> None:
    text = {"CONSTRUCT": "CONSTRUCT WHERE { ?s a ?o } LIMIT 3", "DESCRIBE": "DESCRIBE ?s WHERE { ?s a ?o } LIMIT 1",
            "SELECT": "SELECT ?s WHERE { ?s a ?o } LIMIT 3"}[form]
    for answer in (client.get("/sparql", query_string=MultiDict([("query", text), *pairs])),
                   client.post("/sparql", data=MultiDict([("query", text), *pairs]))):
        assert answer.status_code == 200 and answer.mimetype == expected, answer.get_data(as_text=True)[:300]


def test_a_format_the_query_form_cannot_take_is_406_not_a_parameter_conflict(client: FlaskClient) -> None:
    pairs = [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")]
    answer = client.get("/sparql", query_string=MultiDict([("query", "SELECT * { ?s ?p ?o } LIMIT 1"), *pairs]))
    assert answer.status_code == 406
    tsv = [("format", "tsv"), ("format", "text/tab-separated-values")]
    answer = client.get("/sparql", query_string=MultiDict([("query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"), *tsv]))
    assert answer.status_code == 406


@pytest.mark.parametrize("route,media_type,field", [("/sparql", "application/sparql-query", "query"),
                                                    ("/update", "application/sparql-update", "update")])
def test_a_body_and_a_parameter_naming_the_same_operation_are_refused(client: FlaskClient, route: str,
                                                                     media_type: str, field: str) -> None:
    other = "ASK {}" if field == "query" else "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    answer = client.post(route, query_string={field: other}, data="ASK { ?s ?p ?o }" if field == "query" else
                         "INSERT DATA { <urn:x> <urn:y> <urn:z> }", content_type=media_type,
                         headers={"Authorization": f"Bearer {ADMIN}", "Accept-Language": "fr"})
    assert answer.status_code == 400 and f"{field}=" in answer.json["detail"], answer.json
    assert client.get("/sparql", query_string={"query": "ASK { <urn:x> ?p ?o }"}).json["boolean"] is False


def test_the_dataset_parameters_take_several_values(client: FlaskClient) -> None:
    graphs = services_graphs(client)
    answer = client.get("/sparql", query_string=MultiDict([("query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
                                                           ("default-graph-uri", graphs[0]),
                                                           ("default-graph-uri", graphs[1])]))
    assert answer.status_code == 200, answer.json


def services_graphs(client: FlaskClient) -> list[str]:
    rows = client.get("/sparql", query_string={"query": "SELECT DISTINCT ?g { GRAPH ?g {} } ORDER BY ?g LIMIT 2"})
    return [row["g"]["value"] for row in rows.json["results"]["bindings"]]


def test_head_answers_as_get_without_a_body(client: FlaskClient) -> None:
    asked = {"query": "ASK {}"}
    get = client.get("/sparql", query_string=asked, headers={"Accept": "application/sparql-results+json"})
    head = client.head("/sparql", query_string=asked, headers={"Accept": "application/sparql-results+json"})
    assert get.status_code == head.status_code == 200 and json.loads(get.data)["boolean"] is True, get.data
    assert head.data == b"" and head.headers["Content-Type"] == get.headers["Content-Type"], head.headers
    assert client.head("/sparql", query_string={"query": "ASK {"}).status_code == 400


def sparqlwrapper_request(query: str, fmt: str) -> tuple[str, dict[str, str]]:
    """The path and headers SPARQLWrapper (its defaults: GET) sends for a query and a return format, built by it."""
    wrapper = SPARQLWrapper("http://localhost/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    with warnings.catch_warnings():  # it warns when it takes the query for a form the format does not fit
        warnings.simplefilter("ignore", RuntimeWarning)
        built = wrapper._createRequest()
    return built.get_full_url()[len("http://localhost"):], dict(built.header_items())


@pytest.mark.parametrize("fmt", [TSV, CSV, JSON, XML])
@pytest.mark.parametrize("name", SHIPPED, ids=[p.stem[:4] for p in SHIPPED])
def test_sparqlwrapper_gets_every_shipped_query_in_every_results_format(client: FlaskClient, name: Path,
                                                                        fmt: str) -> None:
    """cq06 says "construction": SPARQLWrapper takes it for a CONSTRUCT and sends `format=tsv&format=` (and so for
    output= and results=), an empty value beside the format, which was refused as a format given twice."""
    path, headers = sparqlwrapper_request(name.read_text(encoding="utf-8"), fmt)
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == {TSV: "text/tab-separated-values", CSV: "text/csv",
                               JSON: "application/sparql-results+json", XML: "application/sparql-results+xml"}[fmt]


def test_sparqlwrapper_asking_a_construct_for_tsv_is_told_406(client: FlaskClient) -> None:
    path, headers = sparqlwrapper_request("CONSTRUCT WHERE { ?s a ?o } LIMIT 3", TSV)
    answer = client.get(path, headers=headers)
    assert answer.status_code == 406 and answer.json["code"] == "not-acceptable", answer.get_data(as_text=True)


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv; charset=utf-8", "text/csv"),
    ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("text/tab-separated-values;charset=UTF-8, */*;q=0.1", "text/tab-separated-values"),
    ("application/sparql-results+xml; q=0.5; charset=utf-8, text/csv;q=0.4", "application/sparql-results+xml"),
])
def test_an_accept_with_parameters_gets_its_format(client: FlaskClient, accept: str, expected: str) -> None:
    answer = client.get("/sparql", query_string={"query": COUNT_LESSONS}, headers={"Accept": accept})
    assert answer.status_code == 200 and answer.mimetype == expected, answer.get_data(as_text=True)[:300]


def test_a_values_table_of_thousands_of_rows_is_answered(client: FlaskClient) -> None:
    """As flat as the engine reads it: 600 rows of two variables were refused as too combined."""
    rows = " ".join(f'({i} "x")' for i in range(4000))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?a ?b) {{ {rows} }} }}"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.json["results"]["bindings"][0]["n"]["value"] == "4000"


@pytest.mark.parametrize("pairs", [[("format", "json"), ("output", "xml")], [("output", "csv"), ("results", "tsv")],
                                   [("format", "application/sparql-results+json"), ("results", "text/csv")]])
def test_format_output_and_results_naming_different_formats_are_refused(client: FlaskClient,
                                                                       pairs: list[tuple[str, str]]) -> None:
    """`format=json&output=xml` was answered in JSON, whichever the client meant."""
    answer = client.get("/sparql", query_string=MultiDict([("query", COUNT_LESSONS), *pairs]),
                        headers={"Accept-Language": "fr"})
    assert answer.status_code == 400 and "nomment des formats différents" in answer.json["detail"], answer.json
