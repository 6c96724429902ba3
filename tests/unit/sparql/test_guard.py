"""The query guard: SERVICE and LOAD never reach the engine, however they are spelled; nor do deep nests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.errors import UpdateNotAccepted, UsageError
from isic_graph.sparql.guard import (
    JSON_DEPTH,
    Limits,
    NestedTooDeep,
    QueryTooLarge,
    check_query,
    check_update,
    json_within,
    nesting_depth,
)
from tests.support import paths

QUERIES = sorted((paths.ROOT / "queries").glob("*.rq"))


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/> { ?s ?p ?o } }",
    "SELECT * WHERE { service ?endpoint { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { { SELECT * WHERE { SERVICE e:x { ?s ?p ?o } } } }",
], ids=["iri", "silent", "variable", "nested"])
def test_service_is_refused_however_written(query: str) -> None:
    with pytest.raises(UsageError, match="SERVICE is not allowed"):
        check_query(query)


def test_load_and_service_in_updates_are_refused() -> None:
    with pytest.raises(UsageError, match="LOAD is not allowed"):
        check_update("LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:g>")
    with pytest.raises(UsageError, match="SERVICE"):
        check_update("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_words_inside_strings_iris_and_comments_are_not_keywords() -> None:
    check_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/> {" . ?s <http://x/SERVICE> ?o } # SERVICE {{{{')


def test_nesting_is_measured_outside_strings_iris_and_comments() -> None:
    assert nesting_depth('SELECT * WHERE { ?s ?p "{{{{" FILTER((1 < 2)) } # ((((') == 3
    with pytest.raises(UsageError, match="nests 65 levels"):
        check_query("SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    with pytest.raises(UsageError, match="nests"):
        check_query("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }")


def test_size_limit() -> None:
    with pytest.raises(QueryTooLarge):
        check_query("ASK { }" + " " * 100, Limits(max_bytes=50))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_analyst_queries_pass(path: Path) -> None:
    check_query(path.read_text(encoding="utf-8"))


def test_endpoint_refuses_service_with_400_before_the_engine(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o "
                                                            "} }"})
    assert response.status_code == 400 and "SERVICE" in response.json["detail"]


def test_endpoint_survives_a_deep_nest_and_keeps_answering(client: FlaskClient) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    assert client.post("/sparql", data={"query": deep}).status_code == 400
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_too_large_query_is_413(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}" + " " * (70 * 1024)})
    assert response.status_code == 413 and response.json["code"] == "query-too-large"


def test_concurrent_checks_do_not_corrupt_the_parser() -> None:
    """Regression: rdflib's grammar broke for good when parsed from several threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"SELECT ?x{i} WHERE {{ ?x{i} a <urn:c{i}> FILTER(?x{i} != <urn:n{i}>) }}" for i in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(check_query, texts))
    check_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")


def test_long_flat_patterns_are_read_and_their_dataset_resolved() -> None:
    flat = "SELECT * WHERE { " + " ".join(f"?s{i} <http://e/p> ?o{i} ." for i in range(450)) + " }"  # under the
    # limit of 500: the engine joins them one by one (5,000 overflowed its stack)
    assert check_query(flat).form == "SELECT"
    checked = check_query("PREFIX g: <http://localhost:5000/graph/> SELECT * FROM g:x FROM NAMED <y> WHERE { ?s ?p "
                          "?o }")
    assert checked.dataset == ("http://localhost:5000/graph/x", "y")
    based = check_query("BASE <http://localhost:5000/graph/> SELECT * FROM <network/anas> WHERE { ?s ?p ?o }")
    assert based.dataset == ("http://localhost:5000/graph/network/anas",)


def test_a_long_chain_is_refused_at_once_not_after_seconds_of_parsing() -> None:
    """What held a parser for seconds (a 60 kB chain of alternatives) is one pass of a tokenizer now."""
    slow = ("SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(6000)))[:60_000] + ") }"
    with pytest.raises(UsageError, match="combines"):
        check_query(slow)
    listed = "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ", ".join(str(i) for i in range(6000)) + ")) }"
    assert check_query(listed).form == "SELECT"  # the same test as a list: flat


@pytest.mark.parametrize("text, word", [
    ("INSERT DATA { <a:a> <a:a> <a:a> }", "INSERT"), ("PREFIX a: <urn:a#> BASE <urn:b> delete where { ?s ?p ?o }",
                                                       "DELETE"),
    ("# SELECT\nwith <urn:g> insert { ?s ?p 1 } where { ?s ?p ?o }", "WITH"), ("clear default", "CLEAR"),
    ("Load <urn:x>", "LOAD"), ("move default to <urn:g>", "MOVE"),
])
def test_an_update_read_as_a_query_is_refused_by_its_first_word_naming_update(text: str, word: str) -> None:
    with pytest.raises(UpdateNotAccepted, match=f"starts with {word}") as refused:
        check_query(text)
    assert "/update" in refused.value.text("en") and "/update" in refused.value.text("fr")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p 'INSERT DATA {}' }", "SELECT * WHERE { <urn:drop> ?p ?o } # CLEAR ALL",
    "PREFIX delete: <urn:d#> ASK { ?s delete:x ?o }", "SELECT ?insert WHERE { BIND(1 AS ?insert) }",
])
def test_an_updates_word_in_a_string_iri_name_or_comment_of_a_query_is_no_update(text: str) -> None:
    assert check_query(text).form in ("SELECT", "ASK")


def test_a_query_read_as_an_update_is_refused_naming_sparql() -> None:
    with pytest.raises(UsageError, match="send it to /sparql") as refused:
        check_update("PREFIX a: <urn:a#> select * where { ?s a:p ?o }")
    assert "envoyez-la à /sparql" in refused.value.text("fr")


@pytest.mark.parametrize("opening", ['"""', "'''", '"', "'"])
@pytest.mark.parametrize("inside", ["ab cd ", 'a"b ', "a\\\"b "])
def test_a_text_ending_inside_a_string_is_read_to_its_end_once(opening: str, inside: str) -> None:
    """A string left open by a lone backslash at the end of the text: its characters could be split into runs
    in exponentially many ways, each tried again before giving up (a 40-character Turtle document held a
    process for minutes); now read once, to the end. Braces inside it do not count, those after a closed one do."""
    for count in (10, 40, 4000):
        assert nesting_depth(opening + inside * count + "{ ( \\") == 0
    assert nesting_depth(opening + "x" + opening + " { [ ( ) ] }" + "\\") == 3


def test_a_prologue_opening_with_version_is_read_as_sparql_1_2_writes_it() -> None:
    checked = check_query('VERSION "1.2" PREFIX g: <http://localhost:5000/graph/network/> '
                          "BASE <http://localhost:5000/> ASK FROM g:anas FROM <graph/x> { ?s ?p ?o }")
    assert checked.form == "ASK"
    assert checked.dataset == ("http://localhost:5000/graph/network/anas", "http://localhost:5000/graph/x")
    with pytest.raises(UsageError, match="SERVICE is not allowed"):
        check_query("VERSION '1.2' PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x:y { ?s ?p ?o } }")
    with pytest.raises(UpdateNotAccepted):
        check_query('VERSION "1.2" PREFIX x: <urn:x:> INSERT DATA { x:s x:p x:o }')


SERVICE_IRI = "http://localhost:5000/sparql"


@pytest.mark.parametrize("query", [
    'SELECT (IRI("x") AS ?x) {}', 'SELECT (uri("x") AS ?x) {}', "SELECT * WHERE { BIND(<rel> AS ?x) }",
    "SELECT ?x WHERE { VALUES ?x { <> } }", "PREFIX r: <id/> SELECT * { ?s a r:X }",
    "BASE <b/> SELECT * { ?s a <X> }", "PREFIX r: <http://x/> BASE <http://y/> SELECT * { ?s a <X> }",
])
def test_a_text_that_leans_on_a_base_is_sent_with_the_services_first(query: str) -> None:
    checked = check_query(query, base=SERVICE_IRI)
    assert checked.text.startswith(f"BASE <{SERVICE_IRI}> ") and checked.source == query
    assert checked.tokens[0].start == checked.tokens[1].start == -1 and checked.prologue >= 2


@pytest.mark.parametrize("query", ["SELECT * { ?s a <http://x/X> }", "BASE <http://y/> SELECT * { ?s a <X> }",
                                   'BASE <http://y/> SELECT (IRI("x") AS ?x) {}'])
def test_a_text_that_needs_no_base_or_declares_an_absolute_one_first_is_sent_as_read(query: str) -> None:
    assert not check_query(query, base=SERVICE_IRI).text.startswith(f"BASE <{SERVICE_IRI}>")


def test_the_checks_read_the_iris_the_engine_resolves() -> None:
    checked = check_query("SELECT * FROM <graph/a> FROM NAMED <../graph/b> WHERE { ?s ?p ?o }", base=SERVICE_IRI)
    assert checked.dataset == ("http://localhost:5000/graph/a", "http://localhost:5000/graph/b")
    assert check_query("SELECT * FROM <graph/a> WHERE { ?s ?p ?o }", base=None).dataset == ("graph/a",)
    with pytest.raises(UsageError, match=r"SERVICE is not allowed here \(http://localhost:5000/peer\)"):
        check_query("SELECT * WHERE { SERVICE <peer> { ?s ?p ?o } }", base=SERVICE_IRI)
    update = check_update('INSERT DATA { GRAPH <g> { <a> <b> "c" } }', base=SERVICE_IRI)
    assert update.text == f'BASE <{SERVICE_IRI}> INSERT DATA {{ GRAPH <g> {{ <a> <b> "c" }} }}'


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000, "[" * (JSON_DEPTH + 1) + "]" * (JSON_DEPTH + 1),
                                  '{"a": "]]]", "b": ' + "[" * 65 + "]" * 65 + "}"])
def test_json_nested_past_the_limit_is_refused_before_it_is_read(text: str) -> None:
    for sent in (text, text.encode("utf-8"), text.encode("utf-16")):
        with pytest.raises(NestedTooDeep):
            json_within(sent)


@pytest.mark.parametrize("text, read", [("[" * JSON_DEPTH + "]" * JSON_DEPTH, None),
                                        ('{"reason": "[[[[{{{{" , "n": [[1]]}', {"reason": "[[[[{{{{", "n": [[1]]}),
                                        (r'["\\", "\"[[["]', ["\\", '"[[['])])
def test_json_within_the_limit_is_read_as_json_reads_it(text: str, read: object) -> None:
    for sent in (text, text.encode("utf-8"), text.encode("utf-16")):
        assert json_within(sent) == json.loads(text)
    if read is not None:
        assert json_within(text) == read


@pytest.mark.parametrize("text", ["", "[1,", "{'a': 1}", "\udcff", "# [[[["])
def test_what_is_no_json_is_a_value_error_as_json_loads_says(text: str) -> None:
    with pytest.raises(ValueError):
        json_within(text)
