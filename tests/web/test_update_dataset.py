"""The administrator's WITH, USING and USING NAMED updates on the engine (whose default graph is the union
of its graphs), with the meaning SPARQL 1.1 gives them: each runs through /update on the real engine, and
what it leaves is compared with the same text run by an in-memory Oxigraph store (whose default graph is
its own, where WITH and USING run as written), and with the update written with GRAPH instead."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat
from pyoxigraph import Store as Memory
from werkzeug.test import TestResponse

from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.guard import check_update
from isic_graph.sparql.terms import iris
from isic_graph.sparql.update_dataset import for_engine
from isic_graph.store.base import Store
from isic_graph.web.services import services
from tests.conftest import ADMIN, bearer

GRAPHS = ("A", "B", "C", "R", "NEW")
DATA = """
GRAPH <urn:x:A> { <urn:x:a> <urn:x:p> 1 . <urn:x:a> <urn:x:q> "x" . <urn:x:b> <urn:x:p> 2 . }
GRAPH <urn:x:B> { <urn:x:c> <urn:x:p> 3 . <urn:x:a> <urn:x:p> 10 . }
GRAPH <urn:x:C> { <urn:x:d> <urn:x:p> 4 . <urn:x:a> <urn:x:q> "y" . }
"""
Outcome = frozenset[tuple[str, str, str, str]]

CASES = {
    "with-insert": "WITH <urn:x:A> INSERT { ?s <urn:x:r> ?o } WHERE { ?s <urn:x:p> ?o }",
    "with-delete-insert": "WITH <urn:x:A> DELETE { ?s <urn:x:p> ?o } INSERT { ?s <urn:x:p2> ?o } "
                          "WHERE { ?s <urn:x:p> ?o FILTER(?o > 1) }",
    "with-delete": "WITH <urn:x:A> DELETE { ?s ?p ?o } WHERE { ?s <urn:x:q> ?x ; ?p ?o }",
    "with-a-graph-that-does-not-exist": "WITH <urn:x:NEW> INSERT { <urn:x:n> <urn:x:m> 1 } WHERE {}",
    "with-values-only": "WITH <urn:x:NEW> INSERT { ?s <urn:x:m> 2 } WHERE { VALUES ?s { <urn:x:v> } }",
    "with-named-graphs-stay-all": "WITH <urn:x:A> INSERT { GRAPH <urn:x:R> { ?g <urn:x:holds> ?s } } "
                                  "WHERE { GRAPH ?g { ?s <urn:x:p> ?o } FILTER(STRSTARTS(STR(?g), 'urn:x:')) }",
    "with-template-mixing-graph-blocks": "WITH <urn:x:A> INSERT { ?s <urn:x:r1> ?o . GRAPH <urn:x:R> { ?s <urn:x:r2> "
                                         "?o } "
                                        ". ?s <urn:x:r3> ?o ; <urn:x:r4> ?o } WHERE { ?s <urn:x:p> ?o }",
    "with-subquery": "WITH <urn:x:A> INSERT { ?s <urn:x:count> ?n } WHERE { { SELECT ?s (COUNT(*) AS ?n) "
                     "WHERE { ?s ?p ?o } GROUP BY ?s } }",
    "with-optional-and-filter-not-exists": "WITH <urn:x:B> INSERT { ?s <urn:x:alone> true } WHERE { ?s <urn:x:p> ?o "
                                           "OPTIONAL { ?s <urn:x:q> ?q } FILTER NOT EXISTS { ?s <urn:x:q> ?q } }",
    "with-and-using": "WITH <urn:x:A> INSERT { ?s <urn:x:fromB> ?o } USING <urn:x:B> WHERE { ?s <urn:x:p> ?o }",
    "with-and-using-named": "WITH <urn:x:A> DELETE { ?s <urn:x:q> ?o } USING NAMED <urn:x:C> "
                            "WHERE { GRAPH ?g { ?s <urn:x:q> ?x } BIND(\"x\" AS ?o) }",
    "using": "INSERT { GRAPH <urn:x:R> { ?s <urn:x:p> ?o } } USING <urn:x:A> WHERE { ?s <urn:x:p> ?o }",
    "using-two-graphs-merged": "INSERT { GRAPH <urn:x:R> { ?s <urn:x:both> true } } USING <urn:x:A> USING <urn:x:B> "
                               "WHERE { ?s <urn:x:p> 1 . ?s <urn:x:p> 10 }",
    "using-named": "INSERT { GRAPH <urn:x:R> { ?g <urn:x:holds> ?s } } USING NAMED <urn:x:A> "
                   "WHERE { GRAPH ?g { ?s <urn:x:p> ?o } }",
    "using-named-only-leaves-an-empty-default-graph": "INSERT { GRAPH <urn:x:R> { <urn:x:rows> <urn:x:are> ?n } } "
                                                      "USING NAMED <urn:x:A> WHERE { { SELECT (COUNT(*) AS ?n) "
                                                      "WHERE { ?s <urn:x:p> ?o } } }",
    "using-only-leaves-no-named-graph": "INSERT { GRAPH <urn:x:R> { <urn:x:rows> <urn:x:are> ?n } } USING <urn:x:A> "
                                        "WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <urn:x:p> ?o } } } }",
    "using-and-using-named": "DELETE { GRAPH <urn:x:B> { ?s ?p ?o } } USING <urn:x:B> USING NAMED <urn:x:A> "
                             "WHERE { GRAPH <urn:x:A> { ?s <urn:x:q> ?x } ?s ?p ?o }",
    "delete-insert-using": "DELETE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o } } INSERT { GRAPH <urn:x:A> { ?s <urn:x:p> "
                           "?n } } USING <urn:x:A> WHERE { ?s <urn:x:p> ?o BIND(?o * 100 AS ?n) }",
    "prefixed-names-and-lower-case": "PREFIX x: <urn:x:> with x:A insert { ?s x:r ?o } using x:C where { ?s x:p ?o }",
    "a-base-declared": "BASE <urn:x:> PREFIX x: <urn:x:> WITH <urn:x:C> DELETE { ?s x:q ?o } "
                       "USING <urn:x:A> WHERE { ?s x:q ?x BIND(\"y\" AS ?o) }",
    "several-operations-with-the-same-using": "PREFIX x: <urn:x:> INSERT { GRAPH <urn:x:R> { ?s <urn:x:p> ?o } } "
                                              "USING <urn:x:B> WHERE { ?s <urn:x:p> ?o } ; INSERT DATA { GRAPH "
                                              "<urn:x:R> { <urn:x:z> <urn:x:p> 0 } } ; DELETE { GRAPH x:B { ?s x:p ?o "
                                              "} } "
                                              "USING x:B WHERE { ?s x:p ?o FILTER(?o > 5) }",
    "several-operations-with-with": "WITH <urn:x:A> INSERT { ?s <urn:x:r> ?o } WHERE { ?s <urn:x:p> ?o } ; "
                                    "WITH <urn:x:C> DELETE { ?s ?p ?o } WHERE { ?s <urn:x:q> ?o ; ?p ?o } ; "
                                    "DELETE WHERE { GRAPH <urn:x:B> { <urn:x:c> ?p ?o } }",
}

EQUIVALENTS = {  # the same, written with GRAPH
    "with-insert": "INSERT { GRAPH <urn:x:A> { ?s <urn:x:r> ?o } } WHERE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o } }",
    "with-delete-insert": "DELETE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o } } INSERT { GRAPH <urn:x:A> { ?s <urn:x:p2> ?o "
                          "} } "
                          "WHERE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o FILTER(?o > 1) } }",
    "with-a-graph-that-does-not-exist": "INSERT DATA { GRAPH <urn:x:NEW> { <urn:x:n> <urn:x:m> 1 } }",
    "using": "INSERT { GRAPH <urn:x:R> { ?s <urn:x:p> ?o } } WHERE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o } }",
    "using-named": "INSERT { GRAPH <urn:x:R> { ?g <urn:x:holds> ?s } } WHERE { GRAPH ?g { ?s <urn:x:p> ?o } "
                   "FILTER(?g = <urn:x:A>) }",
    "with-and-using": "INSERT { GRAPH <urn:x:A> { ?s <urn:x:fromB> ?o } } WHERE { GRAPH <urn:x:B> { ?s <urn:x:p> ?o "
                      "} }",
    "delete-insert-using": "DELETE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o } } INSERT { GRAPH <urn:x:A> { ?s <urn:x:p> ?n "
                           "} } "
                           "WHERE { GRAPH <urn:x:A> { ?s <urn:x:p> ?o BIND(?o * 100 AS ?n) } }",
}


def post(client: FlaskClient, update: str, **protocol: str) -> TestResponse:
    return client.post("/update", data={"update": update, **{k.replace("_", "-"): v for k, v in protocol.items()}},
                       headers=bearer(ADMIN))


def x_quads(store: Store) -> Outcome:
    """Every quad of the graphs whose name starts with urn:x: (those of the cases, whichever an update made): the
    names of the store's graphs, empty ones included, are listed, and the quads read from those graphs alone, not
    every quad of the store filtered by its graph's name."""
    names = [row["g"].value for row in store.select("SELECT ?g WHERE { GRAPH ?g {} }").rows
             if row["g"].value.startswith("urn:x:")]
    if not names:
        return frozenset()
    rows = store.select(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {iris(names)} }} GRAPH ?g {{ ?s ?p ?o }} }}").rows
    return frozenset((str(r["g"]), str(r["s"]), str(r["p"]), str(r["o"])) for r in rows)


def reset(store: Store) -> None:
    """The case graphs as DATA has them."""
    store.update(" ; ".join(f"DROP SILENT GRAPH <urn:x:{g}>" for g in GRAPHS) + f" ; INSERT DATA {{ {DATA} }}",
                 written=Written(graphs=[f"urn:x:{g}" for g in GRAPHS]))  # the default graph kept for these alone


def on_engine(app: Flask, client: FlaskClient, update: str) -> Outcome:
    store = services(app).store
    reset(store)
    answer = post(client, update)
    assert answer.status_code == 204, answer.get_data(as_text=True)
    outcome = x_quads(store)
    default = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'urn:x:')) }").rows
    assert {(str(r["s"]), str(r["p"]), str(r["o"])) for r in default} == {q[1:] for q in outcome}, \
        f"the default graph is not the union of the named graphs after {update!r}"
    return outcome


def in_memory(update: str) -> Outcome:
    """What Oxigraph does with the text as written, its default graph its own."""
    memory = Memory()
    memory.load(DATA.encode(), RdfFormat.TRIG)
    memory.update(update)
    return frozenset((str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)) for q in memory)


@pytest.mark.parametrize("update", CASES.values(), ids=CASES.keys())
def test_with_and_using_updates_mean_what_sparql_says(app: Flask, client: FlaskClient, update: str) -> None:
    expected = in_memory(update)
    assert expected != in_memory("INSERT DATA {}"), "the case changes nothing: it would prove nothing"
    assert on_engine(app, client, update) == expected


NAMING = {  # updates that name the graphs they write (the default graph kept for those), and some that do not
    "insert-data": "INSERT DATA { GRAPH <urn:x:A> { <urn:x:new> <urn:x:p> 5 } }",
    "a-triple-another-graph-still-holds": "INSERT DATA { GRAPH <urn:x:C> { <urn:x:a> <urn:x:p> 1 } } ; "
                                          "DELETE DATA { GRAPH <urn:x:A> { <urn:x:a> <urn:x:p> 1 } }",
    "moved-between-graphs": "DELETE { GRAPH <urn:x:A> { ?s ?p ?o } } INSERT { GRAPH <urn:x:B> { ?s ?p ?o } } "
                            "WHERE { GRAPH <urn:x:A> { ?s ?p ?o } }",
    "cleared-and-dropped": "CLEAR GRAPH <urn:x:A> ; DROP GRAPH <urn:x:B>",
    "created-then-written": "CREATE GRAPH <urn:x:NEW> ; INSERT DATA { GRAPH <urn:x:NEW> { <urn:x:n> <urn:x:p> 0 } }",
    "an-escaped-graph-name": r"INSERT DATA { GRAPH <urn:x:\u0041> { <urn:x:e> <urn:x:p> 7 } }",
    "delete-where": "DELETE WHERE { GRAPH <urn:x:C> { ?s ?p ?o } }",
    "copy": "COPY <urn:x:A> TO <urn:x:B>",
    "move": "MOVE <urn:x:B> TO <urn:x:R>",
    "add": "ADD <urn:x:A> TO <urn:x:C>",
}


@pytest.mark.parametrize("update", NAMING.values(), ids=NAMING.keys())
def test_updates_without_a_dataset_keep_the_default_graph_the_union_of_the_named_graphs(
        app: Flask, client: FlaskClient, update: str) -> None:
    expected = in_memory(update)
    assert expected != in_memory("INSERT DATA {}"), "the case changes nothing: it would prove nothing"
    assert on_engine(app, client, update) == expected  # on_engine checks the default graph too


@pytest.mark.parametrize("name", EQUIVALENTS)
def test_each_form_does_what_its_graph_form_does(app: Flask, client: FlaskClient, name: str) -> None:
    assert on_engine(app, client, CASES[name]) == on_engine(app, client, EQUIVALENTS[name])


def test_a_join_across_two_using_graphs_needs_their_merge(app: Flask, client: FlaskClient) -> None:
    left = on_engine(app, client, CASES["using-two-graphs-merged"])
    assert ("<urn:x:R>", "<urn:x:a>", "<urn:x:both>", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>') in left


@pytest.fixture(scope="module")
def unwritten(app: Flask) -> Outcome:
    """The urn:x: graphs after an update that writes nothing, from the case graphs as DATA has them (on_engine, its
    answer and the default graph checked): each refusal below starts from them again (reset) and is compared with
    them, an immutable set the module reads."""
    return on_engine(app, app.test_client(), "INSERT DATA {}")


def problem(answer: TestResponse) -> dict[str, Any]:
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json", answer.get_data(as_text=True)
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("update, protocol", [
    ("INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:A> WHERE { ?s ?p ?o }", {"using_graph_uri": "urn:x:B"}),
    ("WITH <urn:x:A> INSERT { ?s <urn:x:r> ?o } WHERE { ?s <urn:x:p> ?o }", {"using_named_graph_uri": "urn:x:B"}),
], ids=["using", "with"])
def test_a_dataset_named_both_in_the_text_and_the_protocol_is_refused(client: FlaskClient, update: str,
                                                                      protocol: dict[str, str]) -> None:
    assert "using-graph-uri" in problem(post(client, update, **protocol))["detail"]


@pytest.mark.parametrize("update", [
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:A> WHERE { ?s ?p ?o } ; "
    "DELETE WHERE { GRAPH <urn:x:B> { ?s ?p ?o } }",
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:A> WHERE { ?s ?p ?o } ; "
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:A> WHERE { ?s ?p ?o } ; "
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:B> WHERE { ?s ?p ?o }",
    "WITH <urn:x:A> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o } ; "
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING NAMED <urn:x:B> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING <urn:x:A> WHERE { ?s ?p ?o } ; COPY <urn:x:B> TO <urn:x:C>",
], ids=["delete-where", "no-using", "other-using", "with", "copy"])
def test_a_request_mixing_using_with_other_reading_operations_is_refused(app: Flask, client: FlaskClient,
                                                                         unwritten: Outcome, update: str) -> None:
    reset(services(app).store)
    assert "request of its own" in problem(post(client, update))["detail"]
    assert x_quads(services(app).store) == unwritten


@pytest.mark.parametrize("update", [
    "WITH ?g INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "WITH undeclared:g INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } USING ?g WHERE { ?s ?p ?o }",
    "WITH <urn:x:A> INSERT DATA { <urn:x:a> <urn:x:b> 1 }",
    "INSERT DATA { <urn:x:a> <urn:x:b> 1 } USING <urn:x:A>",
    "WITH <urn:x:A> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1",
])
def test_a_with_or_using_that_is_no_sparql_is_refused_with_a_message(client: FlaskClient, update: str) -> None:
    assert problem(post(client, update))["detail"]


@pytest.mark.parametrize("update, protocol", [
    ("INSERT {{ GRAPH <urn:x:R> {{ ?s ?p ?o }} }} USING {graph} WHERE {{ ?s ?p ?o }}", {}),
    ("INSERT {{ GRAPH <urn:x:R> {{ ?s ?p ?o }} }} USING <urn:x:A> USING {graph} WHERE {{ ?s ?p ?o }}", {}),
    ("INSERT {{ GRAPH <urn:x:R> {{ ?g <urn:x:holds> ?s }} }} USING NAMED {graph} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
     {}),
    ("WITH <urn:x:A> DELETE {{ ?s ?p ?o }} USING {graph} WHERE {{ ?s ?p ?o }}", {}),
    ("WITH {graph} DELETE {{ ?s ?p ?o }} USING NAMED {graph} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ("INSERT {{ GRAPH <urn:x:R> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}", {"using_graph_uri": "{iri}"}),
    ("INSERT {{ GRAPH <urn:x:R> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
     {"using_named_graph_uri": "{iri}"}),
], ids=["using", "using-one-of-two", "using-named", "with-using", "with-new-graph-using-named", "using-graph-uri",
        "using-named-graph-uri"])
@pytest.mark.parametrize("graph, iri", [
    ("<http://127.0.0.1:5181/using>", "http://127.0.0.1:5181/using"),
    ("<urn:x:nowhere>", "urn:x:nowhere"),
    ("<urn:x:a>", "urn:x:a"),  # a look-alike of <urn:x:A>
    ("<urn:x:A/>", "urn:x:A/"),
    ("<urn:x:\\u0041#>", "urn:x:A#"),
    ("<http://localhost:5000/graph/network/nobody>", "http://localhost:5000/graph/network/nobody"),
], ids=["canary", "unknown", "case", "slash", "escaped", "no-such-network"])
def test_an_update_may_read_only_graphs_of_this_store(app: Flask, client: FlaskClient, unwritten: Outcome,
                                                       update: str, protocol: dict[str, str], graph: str,
                                                       iri: str) -> None:
    reset(services(app).store)
    refused = problem(post(client, update.format(graph=graph), **{k: v.format(iri=iri) for k, v in protocol.items()}))
    assert f"<{iri}> is not a graph of this store" in refused["detail"]
    assert x_quads(services(app).store) == unwritten


def test_with_may_name_a_new_graph_to_write_and_using_the_graphs_of_the_store(app: Flask, client: FlaskClient) -> None:
    written = on_engine(app, client, "WITH <urn:x:NEW> INSERT { ?s <urn:x:copied> ?o } USING <urn:x:A> "
                                     "WHERE { ?s <urn:x:p> ?o }")
    assert ("<urn:x:NEW>", "<urn:x:a>", "<urn:x:copied>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>') in written
    assert post(client, "INSERT { GRAPH <urn:x:R> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
                using_graph_uri="urn:x:B").status_code == 204


def test_what_the_engine_receives_is_written_from_tokens() -> None:
    written = for_engine(check_update("with <urn:x:A> # a comment\n insert { ?s <urn:x:r> '''it''' } "
                                      "USING <urn:x:B> where { ?s ?p ?o }"))
    assert written.checked.text == "insert { GRAPH <urn:x:A> { ?s <urn:x:r> \"it\" } } where { ?s ?p ?o }"
    assert (written.using, written.using_named) == (("urn:x:B",), ())
