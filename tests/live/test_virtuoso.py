"""Virtuoso 7 as the remote store: the samples and the analyst queries give what they give on Oxigraph.

Opt-in: skipped unless Debian's virtuoso-opensource is installed (`virtuoso-t` and `isql-vt` on PATH).
A real Virtuoso runs on 127.0.0.1 (free ports, a temporary folder), set up as docs/operations.md says.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Iterator

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    Triple,
    parse_query_results,
)

from isic_graph.admin.bootstrap import init_store, replace_graph
from isic_graph.errors import UsageError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.remote import RemoteStore
from isic_graph.store.results import SelectResult, from_pyoxigraph
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.support.live import LiveServer, query, request
from tests.support.virtuoso_server import VirtuosoServer, installed

if not installed():
    pytest.skip("Virtuoso is not installed (virtuoso-t and isql-vt not on PATH; Debian: apt-get install "
                "virtuoso-opensource)", allow_module_level=True)
# Installed, every test here errors at `init` (Virtuoso 7.2.5: "SP031: No plain default graph specified"): the store
# keeps its default graph itself since the engine's union counts a triple once per graph, and Virtuoso has none to
# keep. Until that is solved (a named graph given as default-graph-uri to every query), it is not supported.
pytest.skip("Virtuoso is not supported at present: it has no default graph of its own for the store to keep "
            "(docs/operations.md, Virtuoso 7)", allow_module_level=True)

ROOT = paths.ROOT
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
CONCATENATED = re.compile(r"GROUP_CONCAT\((?:[^()]|\([^()]*\))*\)\s+AS\s+\?(\w+)", re.IGNORECASE)
WORD = re.compile(r"[^\s,;|()]+")
Rows = list[tuple[str, ...]]
ADMIN = "virtuoso-admin-token"


@pytest.fixture(scope="module")
def virtuoso(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> VirtuosoServer:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="module")
def remote(virtuoso: VirtuosoServer, graphs: Graphs, validator: Validator) -> RemoteStore:
    """Virtuoso with the ontology, thesauri and sample networks, loaded as `isic-graph init --samples` does."""
    store = RemoteStore(virtuoso.sparql_url, virtuoso.sparql_url, None, timeout=60)
    init_store(store, graphs, validator, samples=True)
    return store


@pytest.fixture(scope="module")
def oxigraph(graphs: Graphs, validator: Validator) -> Iterator[Store]:
    store = EmbeddedStore(None)
    init_store(store, graphs, validator, samples=True)
    yield store
    store.close()


def rows(result: SelectResult, text: str) -> Rows:
    """The rows as sorted tuples of lexical values; GROUP_CONCAT values as their sorted words, since SPARQL
    leaves the order of a concatenation to the engine."""
    concatenated = set(CONCATENATED.findall(text))

    def value(row: dict[str, object], variable: str) -> str:
        text_value = getattr(row.get(variable), "value", "")
        return " ".join(sorted(WORD.findall(text_value))) if variable in concatenated else text_value

    return sorted(tuple(value(dict(row), v) for v in result.variables) for row in result.rows)


def plain_triples(store: Store, graph: str) -> set[str]:
    return {str(t) for t in store.graph_triples(graph) if "_:" not in str(t)}


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_every_analyst_query_gives_the_rows_it_gives_on_oxigraph(remote: RemoteStore, oxigraph: Store,
                                                                 path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected, found = oxigraph.select(text), remote.select(text)
    assert found.variables == expected.variables
    assert rows(found, text) == rows(expected, text) and expected.rows


def test_the_samples_are_stored_triple_for_triple(remote: RemoteStore, oxigraph: Store, graphs: Graphs) -> None:
    assert remote.graph_names() == oxigraph.graph_names()  # Virtuoso's own graphs are not in the dataset
    for graph in oxigraph.graph_names():
        assert remote.count(graph) == oxigraph.count(graph), graph
        if graph != graphs.metadata:  # provenance holds the time of each load
            assert plain_triples(remote, graph) == plain_triples(oxigraph, graph), graph
    assert remote.count() == oxigraph.count()


def test_ask_answers_a_boolean_and_construct_triples(remote: RemoteStore, graphs: Graphs) -> None:
    anas = graphs.network("anas")
    assert remote.query(f"ASK {{ GRAPH <{anas}> {{ ?s ?p ?o }} }}") is True
    assert remote.query("ASK { GRAPH <urn:isic:nothing> { ?s ?p ?o } }") is False
    labels = remote.query("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                          "CONSTRUCT { ?n <urn:isic:test:label> ?l } "
                          "WHERE { ?n a <https://w3id.org/isic/ontology#Network> ; rdfs:label ?l }")
    assert isinstance(labels, list)
    assert Triple(NamedNode(f"{graphs.base}id/network/anas"), NamedNode("urn:isic:test:label"),
                  Literal("National Association of Social Workers (ANAS)", language="en")) in labels


def test_large_batches_and_blank_nodes_are_written_whole(remote: RemoteStore) -> None:
    graph = "urn:isic:test:large"
    p = NamedNode("urn:isic:test:p")
    many = [Triple(NamedNode(f"urn:isic:test:s{i}"), p, Literal(f"valeur {i}", language="fr")) for i in range(12_000)]
    nodes = [BlankNode() for _ in range(1_000)]  # a chain: every triple joined to the next by a blank node
    chain = [Triple(a, p, b) for a, b in zip(nodes, nodes[1:])] + [Triple(NamedNode("urn:isic:test:head"), p, nodes[0])]
    replace_graph(remote, graph, many + chain)
    assert remote.count(graph) == 12_000 + 1_000
    last = remote.select("SELECT (COUNT(?n) AS ?c) WHERE { <urn:isic:test:head> <urn:isic:test:p>+ ?n }")
    assert last.values("c") == ["1000"]
    remote.update(f"DROP SILENT GRAPH <{graph}>")


def test_a_replace_of_a_network_graph_is_atomic(remote: RemoteStore, graphs: Graphs, validator: Validator) -> None:
    """Readers see the graph as it was or as it is after each replace, never emptied or half written."""
    graph = graphs.network("anas")
    files = sorted(p for p in (ROOT / "samples" / "anas").iterdir() if p.suffix == ".ttl")
    whole = [Document.from_path(p) for p in files]
    part = [d for d in whole if d.name not in ("precarite-energetique-roubaix.ttl", "sejour-vacances-familles.ttl")]
    before = remote.count(graph)
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        reader = RemoteStore(remote.query_url, remote.update_url, None, timeout=60)
        while not done.is_set():
            seen.append(reader.count(graph))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        smaller = ingest(remote, validator, graphs, part, "anas", Mode.REPLACE).triples
        after_part = remote.count(graph)
        again = ingest(remote, validator, graphs, whole, "anas", Mode.REPLACE).triples
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=60)
    assert smaller < before == again
    assert after_part == smaller and remote.count(graph) == before
    assert seen and set(seen) <= {before, smaller}


def test_a_replace_virtuoso_refuses_leaves_the_graph_as_it_was(remote: RemoteStore, graphs: Graphs) -> None:
    graph = graphs.network("fcsf")
    before = sorted(str(t) for t in remote.graph_triples(graph))
    ill_typed = Triple(NamedNode("urn:isic:test:s"), NamedNode("urn:isic:test:p"),
                       Literal("douze", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    with pytest.raises(UsageError, match="Invalid integer"):
        replace_graph(remote, graph, [ill_typed])
    assert sorted(str(t) for t in remote.graph_triples(graph)) == before


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest, virtuoso: VirtuosoServer, remote: RemoteStore,
           tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """`isic-graph serve` with ISIC_STORE_URL and ISIC_STORE_UPDATE_URL naming Virtuoso's endpoint."""
    live = LiveServer(tmp_path_factory.mktemp("serve-virtuoso"), {"ISIC_STORE_URL": virtuoso.sparql_url,
                                                                   "ISIC_STORE_UPDATE_URL": virtuoso.sparql_url,
                                                                   "ISIC_ADMIN_TOKEN": ADMIN})
    request.addfinalizer(live.stop)
    return live.start()


def test_isic_graph_serve_on_virtuoso_answers_sparql(served: LiveServer, oxigraph: Store) -> None:
    path = ROOT / "queries" / "cq09-cross-network-confirmations.rq"
    text = path.read_text(encoding="utf-8")
    answer = query(served.url, text)
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/sparql-results+json")
    found = from_pyoxigraph(parse_query_results(answer.body, format=QueryResultsFormat.JSON))
    assert isinstance(found, SelectResult)
    assert rows(found, text) == rows(oxigraph.select(text), text)


def test_ask_and_construct_through_serve_come_back_in_their_own_forms(served: LiveServer) -> None:
    ask = query(served.url, "ASK { ?l a <https://w3id.org/isic/ontology#Lesson> }")
    assert ask.status == 200 and json.loads(ask.body) == {"head": {}, "boolean": True}
    construct = query(served.url, "CONSTRUCT WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }",
                      accept="application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1")
    assert construct.status == 200 and construct.headers["content-type"].startswith("text/turtle")
    assert b"Lesson" in construct.body


def test_health_of_serve_on_virtuoso_says_reachable_and_writable(served: LiveServer) -> None:
    health = request(f"{served.url}/healthz?store=write", headers={"Authorization": f"Bearer {ADMIN}"})
    assert health.status == 200 and health.json() == {"status": "ok", "engine": "reachable", "store": "writable"}
    assert request(f"{served.url}/healthz").json() == {"status": "ok", "engine": "reachable"}


def test_a_reference_graph_is_put_read_and_deleted_through_serve(served: LiveServer) -> None:
    target = f"{served.url}/graph-store?graph=https%3A%2F%2Fexample.org%2Fgraph%2Freference"
    admin = {"Authorization": f"Bearer {ADMIN}"}
    body = '<https://example.org/c/35238> <http://www.w3.org/2000/01/rdf-schema#label> "Rennes"@fr .\n'.encode()
    assert request(target, "PUT", body, {**admin, "Content-Type": "application/n-triples"}).status == 201
    read = request(target, headers={"Accept": "application/n-triples"})
    assert read.status == 200 and read.body.strip() == body.strip()
    assert request(target, "DELETE", headers=admin).status == 204
    assert request(target).status == 404


def test_an_answer_virtuoso_cannot_give_is_a_store_error_not_a_restart(served: LiveServer) -> None:
    """Virtuoso's TSV is not the standard's (no ?, plain values): the result cap cannot read it."""
    answer = query(served.url, "SELECT ?n WHERE { ?n a <https://w3id.org/isic/ontology#Network> }",
                   accept="text/tab-separated-values")
    assert answer.status == 502 and answer.json()["code"] == "store-error"
    assert "Retry-After".lower() not in answer.headers
