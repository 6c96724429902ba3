"""A literal with a base direction (RDF 1.2: "…"@ar--rtl) was stored by the administrator's /update, and the
whole store's N-Quads dump could then no longer be read by an RDF 1.1 reader (rdflib), while the Graph Store and the
networks' submissions refused it. The store holds none: an update or a query writing one is refused (400), in the
client's language, as triple terms are."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import ADMIN, BASE, bearer
from tests.support.oxigraph_server import Watched

GRAPH = f"<{BASE}graph/reference/directions>"
UPDATES = [
    f'INSERT DATA {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> "x"@fr--ltr }} }}',
    f'INSERT DATA {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> "x"@AR--RTL }} }}',
    f'insert data {{ graph {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> """x"""@en-GB--ltr }} }}',
    f'INSERT {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> ?o }} }} WHERE {{ BIND(STRLANGDIR("x", "ar", "rtl") '
    "AS ?o) }",
    f'INSERT {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> ?o }} }} WHERE {{ BIND(strLangDir("x", "ar", "rtl") '
    "AS ?o) }",
]
QUERIES = ['CONSTRUCT { <http://a> <http://b> "x"@fr--ltr } {}',
           'SELECT (STRLANGDIR("x", "fr", "ltr") AS ?o) {}']


@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize(("lang", "words"), [("fr", "sens d'écriture"), ("en", "base direction")])
def test_an_update_writing_a_base_direction_is_refused_and_stores_nothing(client: FlaskClient, seen: Watched,
                                                                         update: str, lang: str, words: str) -> None:
    before = seen.now()
    for answer in (client.post("/update", data={"update": update}, headers={**bearer(ADMIN), "Accept-Language": lang}),
                   client.post("/update", data=update, content_type="application/sparql-update",
                               headers={**bearer(ADMIN), "Accept-Language": lang})):
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert words in answer.get_json()["detail"]
    assert before.unchanged()


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_writing_a_base_direction_is_refused(client: FlaskClient, query: str) -> None:
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept-Language": "fr"})
    assert answer.status_code == 400 and "sens d'écriture" in answer.get_json()["detail"], answer.get_data(as_text=True)


def test_a_language_tag_alone_is_still_written(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": 'SELECT ?o { BIND("x"@en-GB AS ?o) }'},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json["results"]["bindings"][0]["o"]["xml:lang"].lower() == "en-gb"


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LANGUAGE_DATATYPED = [
    f'CONSTRUCT {{ <http://a> <http://b> ?l }} WHERE {{ BIND(STRDT("x", <{RDF}langString>) AS ?l) }}',
    f'CONSTRUCT {{ <http://a> <http://b> ?l }} WHERE {{ BIND(STRDT("x", <{RDF}dirLangString>) AS ?l) }}',
    f'PREFIX r: <{RDF}> SELECT ?l WHERE {{ BIND(STRDT("x", r:langString) AS ?l) }}',
    'CONSTRUCT { <http://a> <http://b> ?l } WHERE { BIND(STRDT("y", DATATYPE("x"@fr)) AS ?l) }',
    'SELECT ?l WHERE { BIND(DATATYPE("x"@fr) AS ?d) BIND(strdt("y", ?d) AS ?l) }',
    f'CONSTRUCT {{ <http://a> <http://b> "x"^^<{RDF}langString> }} {{}}',
]


@pytest.mark.parametrize("query", LANGUAGE_DATATYPED)
@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/sparql-results+json"])
def test_a_query_typing_a_literal_as_a_language_tags_is_refused_in_words(client: FlaskClient, query: str,
                                                                         accept: str) -> None:
    """It answered 503 "the query engine stopped (it is being restarted)", which it had not, or 200 with an
    N-Triples answer no reader takes."""
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept, "Accept-Language": "fr"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:500]
    assert "lecteur RDF" in answer.get_json()["detail"]


@pytest.mark.parametrize("update", [
    f'INSERT DATA {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> "x"^^<{RDF}langString> }} }}',
    f'INSERT {{ GRAPH {GRAPH} {{ <{BASE}id/thing/d> <http://ex/p> ?l }} }} WHERE {{ BIND(STRDT("x", <{RDF}'
    'dirLangString>) AS ?l) }',
])
def test_an_update_typing_a_literal_as_a_language_tags_is_refused(client: FlaskClient, seen: Watched,
                                                                 update: str) -> None:
    """It answered 500, with a traceback in the log."""
    before = seen.now()
    answer = client.post("/update", data={"update": update}, headers={**bearer(ADMIN), "Accept-Language": "en"})
    assert answer.status_code == 400 and "no RDF reader" in answer.get_json()["detail"], answer.get_data(as_text=True)
    assert before.unchanged()


def test_strdt_with_a_datatype_written_as_an_iri_still_types(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={
        "query": 'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?d { BIND(STRDT("2024-01-02", xsd:date) '
                 'AS ?d) }'}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert answer.json["results"]["bindings"][0]["d"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
