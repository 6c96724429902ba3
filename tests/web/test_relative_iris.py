"""A query, an administrator's update and the command line's query resolve their relative IRIs (`<x>`, `<>`, IRI("x"),
URI("x"), a relative FROM or GRAPH) against the service's own IRI, `{base}sparql`, unless they declare a BASE first;
never against the engine's internal address, which no answer ever shows."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from isic_graph.store.engine import Engine
from tests.conftest import ADMIN, BASE, bearer

SERVICE = BASE + "sparql"
# query -> the one value of ?x it answers
ANSWERS = {
    'SELECT (IRI("x") AS ?x) {}': BASE + "x",
    'SELECT (URI("x") AS ?x) {}': BASE + "x",
    "SELECT * WHERE { BIND(<rel> AS ?x) }": BASE + "rel",
    "SELECT ?x WHERE { VALUES ?x { <> } }": SERVICE,
    "SELECT ?x WHERE { VALUES ?x { <id/project/../network/anas> } }": BASE + "id/network/anas",
    'PREFIX r: <id/> SELECT ?x WHERE { VALUES ?x { r:y } }': BASE + "id/y",
    'BASE <http://example.org/a/> SELECT (IRI("x") AS ?x) { }': "http://example.org/a/x",  # its own BASE is kept
    "BASE <http://example.org/a/> SELECT ?x WHERE { VALUES ?x { <> } }": "http://example.org/a/",
    'BASE <b/> SELECT (IRI("x") AS ?x) {}': BASE + "b/x",  # a relative BASE resolved against the service's
}


def values(body: str) -> list[str]:
    return [row["x"] for row in csv.DictReader(io.StringIO(body))]


def ask(client: FlaskClient, query: str, method: str) -> str:
    if method == "GET":
        answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    elif method == "POST":
        answer = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    else:
        answer = client.post("/sparql", data=query, content_type="application/sparql-query",
                             headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST", "POST-direct"])
@pytest.mark.parametrize("query", list(ANSWERS))
def test_relative_iris_of_a_query_resolve_against_the_service(client: FlaskClient, engine: Engine, query: str,
                                                              method: str) -> None:
    body = ask(client, query, method)
    assert values(body) == [ANSWERS[query]]
    assert "127.0.0.1" not in body and f":{engine.port}" not in body


def test_a_relative_graph_name_reads_the_store_graph_it_resolves_to(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?x) WHERE { GRAPH <graph/ontology> { ?s ?p ?o } }"
    whole = f"SELECT (COUNT(*) AS ?x) WHERE {{ GRAPH <{BASE}graph/ontology> {{ ?s ?p ?o }} }}"
    assert int(values(ask(client, query, "POST"))[0]) == int(values(ask(client, whole, "POST"))[0]) > 0
    named = "SELECT (COUNT(*) AS ?x) FROM <graph/ontology> WHERE { ?s ?p ?o }"
    assert int(values(ask(client, named, "GET"))[0]) == int(values(ask(client, whole, "POST"))[0])


@pytest.mark.parametrize("clause", ["FROM <graph/nulle-part>", "FROM NAMED <graph/nulle-part>",
                                    "FROM <../graph/nulle-part>"])
def test_a_relative_from_is_held_to_the_stores_graphs_as_it_resolves(client: FlaskClient, clause: str) -> None:
    answer = client.post("/sparql", data={"query": f"SELECT * {clause} WHERE {{ ?s ?p ?o }}"})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    detail = answer.get_json()["detail"]
    assert f"<{BASE}graph/nulle-part> is not a graph of this store" in detail and "127.0.0.1" not in detail


def test_an_engine_error_keeps_the_positions_of_the_clients_text(client: FlaskClient) -> None:
    answer = client.post("/sparql", data={"query": 'SELECT (IRI("x") AS ?x)\nWHERE { ?s ?p }'})
    assert answer.status_code == 400
    detail = answer.get_json()["detail"]
    assert "line 2" in detail and "127.0.0.1" not in detail and "BASE" not in detail


def test_an_administrators_update_writes_relative_iris_under_the_service(client: FlaskClient,
                                                                         engine: Engine) -> None:
    graph = BASE + "graph/essai-relatif"
    updates = ('INSERT DATA { GRAPH <graph/essai-relatif> { <id/thing/essai> <http://purl.org/dc/terms/title> "x" } }',
               'INSERT { GRAPH <graph/essai-relatif> { ?s <http://purl.org/dc/terms/source> ?o } } '
               'WHERE { BIND(IRI("id/thing/essai") AS ?s) BIND(<> AS ?o) }')  # a WHERE after another operation: its own
    try:
        for update in updates:
            written = client.post("/update", data={"update": update}, headers=bearer(ADMIN))
            assert written.status_code == 204, written.get_data(as_text=True)
        body = ask(client, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?x ?p ?o }} }}", "POST")
        assert values(body) == [BASE + "id/thing/essai"] * 2
        objects = ask(client, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?s <http://purl.org/dc/terms/source> ?x }} }}",
                      "POST")
        assert values(objects) == [SERVICE] and f":{engine.port}" not in objects
    finally:
        client.post("/update", data={"update": f"DROP SILENT GRAPH <{graph}>"}, headers=bearer(ADMIN))

