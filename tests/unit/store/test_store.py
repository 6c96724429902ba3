"""The store interface behaves the same on the embedded and the remote backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from isic_graph.config import Settings
from isic_graph.errors import StoreError, StoreLocked, StoreUnavailable, UsageError
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore

G = "http://example.org/g"


def test_default_graph_is_the_union_of_named_graphs(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}1> {{ <urn:a> <urn:p> "1" }} GRAPH <{G}2> {{ <urn:b> <urn:p> "2" }} }}')
    assert sorted(store.select("SELECT ?o WHERE { ?s <urn:p> ?o }").values("o")) == ["1", "2"]


def test_select_ask_and_construct_results(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> "x"@fr }} }}')
    result = store.select("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    assert result.variables == ("o",) and result.rows[0]["o"].language == "fr"
    assert store.query("ASK { <urn:a> <urn:p> ?o }") is True
    triples = store.query("CONSTRUCT { ?s <urn:q> ?o } WHERE { ?s <urn:p> ?o }")
    assert isinstance(triples, list) and str(triples[0]) == '<urn:a> <urn:q> "x"@fr'


def test_graph_names_triples_count_and_dump(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> <urn:b> . <urn:b> <urn:p> <urn:c> }} }}')
    assert G in store.graph_names()
    assert store.count(G) == 2 and len(store.graph_triples(G)) == 2
    assert f"<urn:a> <urn:p> <urn:b> <{G}> .".encode() in store.dump(RdfFormat.N_QUADS, [G])


def test_graphs_among_names_are_those_graph_names_lists(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}1> {{ <urn:a> <urn:p> 1 }} GRAPH <{G}2> {{ <urn:b> <urn:p> 2 }} }}')
    store.update(f"DELETE DATA {{ GRAPH <{G}2> {{ <urn:b> <urn:p> 2 }} }}")  # emptied: as graph_names has it
    asked = [f"{G}1", f"{G}2", f"{G}3", G, "not an iri", "relative", f"{G}1"]
    among = store.graphs_among(asked)
    assert among == set(asked) & set(store.graph_names()) and f"{G}1" in among and f"{G}3" not in among
    assert store.graphs_among([]) == set()


def test_a_graph_named_twice_in_an_updates_dataset_counts_once(store: Store) -> None:
    if isinstance(store, EmbeddedStore):
        pytest.skip("an embedded store takes no protocol dataset (the server's /update does)")
    store.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1 . <urn:x:b> <urn:x:p> 2 } }')
    counted = ('INSERT { GRAPH <urn:x:n> { <urn:x:count> <urn:x:is> ?n } } '
               'WHERE { SELECT (COUNT(*) AS ?n) { ?s ?p ?o } }')
    store.update(counted, using_graphs=["urn:x:g", "urn:x:g"])
    store.update(counted.replace("{ ?s ?p ?o }", "{ GRAPH ?g { ?s ?p ?o } }").replace("<urn:x:n>", "<urn:x:m>"),
                 using_named_graphs=["urn:x:g", "urn:x:g"])
    rows = store.select("SELECT ?g ?n WHERE { GRAPH ?g { <urn:x:count> <urn:x:is> ?n } } ORDER BY ?g").rows
    assert [(r["g"].value, int(r["n"].value)) for r in rows] == [("urn:x:m", 2), ("urn:x:n", 2)]


def test_syntax_error_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError):
        store.query("SELECT WHERE")


@pytest.mark.parametrize("operation", [f"DROP GRAPH <{G}9>", f"CLEAR GRAPH <{G}9>", f"CREATE GRAPH <{G}>",
                                       f"MOVE <{G}9> TO <{G}>"], ids=["drop", "clear", "create", "move"])
def test_an_operation_naming_a_graph_that_exists_or_not_is_refused_whole(store: Store, operation: str) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> 1 }} }}")
    with pytest.raises(UsageError, match="not applied: the graph <http://example.org/g9?> (does not|already) exist"):
        store.update(f"INSERT DATA {{ GRAPH <{G}2> {{ <urn:a> <urn:p> 2 }} }} ; {operation}")
    assert f"{G}2" not in store.graph_names() and store.count(G) == 1


def test_unreachable_remote_store_is_a_store_error() -> None:
    from tests.support.oxigraph_server import free_port

    port = free_port()
    remote = open_store(Settings(store_path=None, store_url=f"http://127.0.0.1:{port}/query", query_timeout=2))
    with pytest.raises(StoreUnavailable, match="not reachable"):
        remote.query("ASK {}")
    assert not isinstance(StoreError("x"), StoreLocked)


# ---------------------------------------------------------------- answers of SPARQL servers that differ (Virtuoso 7)

@pytest.mark.parametrize("text, form", [
    ("PREFIX ask: <urn:x:> # SELECT in a comment\nASK {}", "ASK"),
    ("# a comment\n  construct { } where { }", "CONSTRUCT"),
    ("BASE <urn:x:> PREFIX : <urn:y:> SELECT * {}", "SELECT"),
    ("DESCRIBE <urn:x>", "DESCRIBE"),
    ("INSERT DATA { }", None),
])
def test_the_form_of_a_query_is_read_past_its_prologue(text: str, form: str | None) -> None:
    from isic_graph.store.remote import query_form

    assert query_form(text) == form


def test_accept_keeps_only_the_media_types_that_fit_the_query_form() -> None:
    from isic_graph.store.remote import fitting_accept

    client = "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"
    assert fitting_accept(client, "CONSTRUCT") == "text/turtle;q=0.9, */*;q=0.1"
    assert fitting_accept(client, "SELECT") == "application/sparql-results+json, */*;q=0.1"
    assert fitting_accept("text/turtle", "ASK") == "text/turtle"  # nothing fits: the server says 406
    assert fitting_accept(client, None) == client


def test_an_ask_answered_as_a_table_is_a_boolean() -> None:
    from pyoxigraph import Literal, NamedNode

    from isic_graph.store.remote import as_boolean
    from isic_graph.store.results import SelectResult

    one = Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert as_boolean(SelectResult(("__ASK_RETVAL",), ({"__ASK_RETVAL": one},))) is True
    assert as_boolean(SelectResult(("__ASK_RETVAL",), ())) is False
    other = SelectResult(("x",), ({"x": one},))
    assert as_boolean(other) is other


@pytest.mark.parametrize("content_type, table, expected", [
    ("application/sparql-results+json",
     b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "distinct": false, "ordered": true, '
     b'"bindings": [ { "__ASK_RETVAL": { "type": "typed-literal", "datatype": '
     b'"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }',
     b'{"head": {}, "boolean": true}'),
    ("application/sparql-results+xml; charset=UTF-8",
     b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="__ASK_RETVAL"/></head>'
     b'<results distinct="false" ordered="true"></results></sparql>',
     b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head>'
     b'<boolean>false</boolean></sparql>'),
    ("text/csv; charset=UTF-8", b'"__ASK_RETVAL"\n1\n', b"true"),
])
def test_an_ask_answered_as_a_table_is_sent_on_as_a_boolean(content_type: str, table: bytes,
                                                            expected: bytes) -> None:
    from isic_graph.store.remote import boolean_body

    assert boolean_body(table, content_type) == expected
    assert boolean_body(b'{"head": {}, "boolean": true}', "application/sparql-results+json") == \
        b'{"head": {}, "boolean": true}'


def test_the_engine_lists_the_graphs_holding_a_triple_as_any_sparql_server_lists_them(tmp_path: Path) -> None:
    """The store of the server's own engine lists the graphs from the engine's index of them, not from every quad;
    the graphs a CLEAR or a DELETE emptied, which stay in that index, are left out, as a SPARQL server's listing of
    the graphs its quads name leaves them out."""
    engine = Engine(tmp_path / "store")
    engine.start()
    try:
        urls = (f"{engine.url}/query", f"{engine.url}/update", None)
        own, any_server = RemoteStore(*urls, timeout=30, engine=engine), RemoteStore(*urls, timeout=30)
        own.update("INSERT DATA { GRAPH <urn:x:b> { <urn:x:s> <urn:x:p> 1 } GRAPH <urn:x:a> { <urn:x:s> <urn:x:p> 2 } "
                   "GRAPH <urn:x:c> { <urn:x:s> <urn:x:p> 3 } GRAPH <urn:x:d> { <urn:x:s> <urn:x:p> 4 } }")
        own.update("CLEAR GRAPH <urn:x:c>")
        own.update("DELETE DATA { GRAPH <urn:x:d> { <urn:x:s> <urn:x:p> 4 } }")
        indexed = {row["g"].value for row in own.select("SELECT ?g WHERE { GRAPH ?g {} }").rows}
        assert {"urn:x:c", "urn:x:d"} <= indexed  # what the listing must leave out is there to be left out
        assert own.graph_names() == any_server.graph_names() == ["urn:x:a", "urn:x:b"]
    finally:
        engine.stop()
