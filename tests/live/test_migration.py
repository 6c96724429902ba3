"""A first-edition store followed to the software's edition on a real SPARQL server, by the server at start (or
refused, when the setting says so, or when the store is newer); and a first-edition peer's copy migrated by the
harvester with the same steps before it is validated."""

from __future__ import annotations

import http.server
import json
from pathlib import Path
from typing import Iterator

import pytest
from pyoxigraph import NamedNode, RdfFormat, Triple, serialize

from isic_graph.admin.migration import migrate
from isic_graph.config import Settings
from isic_graph.federation.client import register
from isic_graph.federation.harvest import harvest
from isic_graph.federation.peers import PeerRegistry
from isic_graph.ingest import editions
from isic_graph.rdf.namespaces import DCTERMS, PROV, Graphs
from isic_graph.sparql.updates import insert_data
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.conftest import BASE
from tests.support.first_edition import NETWORKS, answers, graphs_of_fixture, load_first_edition, quads
from tests.support.live import LiveServer, PeerServer, request
from tests.support.oxigraph_server import OxigraphServer, free_port

GRAPHS = Graphs(BASE)
CURRENT = editions.software_edition()


@pytest.fixture
def remote(oxigraph_server: OxigraphServer, tmp_path: Path) -> Iterator[Store]:
    """The first-edition fixture on a real Oxigraph server, emptied afterwards."""
    store = open_store(Settings(store_path=None, store_url=oxigraph_server.query_url,
                                store_update_url=oxigraph_server.update_url, store_gsp_url=oxigraph_server.store_url,
                                base_iri=BASE, credentials_path=tmp_path / "credentials.json"))
    store.update("DROP ALL")
    load_first_edition(store)
    yield store
    store.update("DROP ALL")
    store.close()


def test_a_store_on_a_sparql_server_is_migrated_in_one_update(remote: Store, validator: Validator) -> None:
    before, questions = quads(remote), answers(remote)
    done = migrate(remote, GRAPHS, validator)
    assert editions.store_edition(remote, GRAPHS) == CURRENT and [r.name for r in done.reports] == list(NETWORKS)
    assert remote.query(f"ASK {{ GRAPH <{GRAPHS.metadata}> {{ <{done.activity}> a <{PROV}Activity> }} }}") is True
    assert answers(remote) == questions
    kept = quads(remote)
    assert {q for q in before if "/graph/network/" in q[3]} <= kept
    assert not migrate(remote, GRAPHS, validator).needed and quads(remote) == kept


def first_edition_instance(folder: Path, env: dict[str, str] | None = None) -> LiveServer:
    """A server's instance whose store is the first-edition fixture (no init: as the first edition left it)."""
    store = EmbeddedStore(folder / "store")
    load_first_edition(store)
    store.close()
    return LiveServer(folder, env or {})


def test_the_server_migrates_an_older_store_at_start_and_logs_the_report(tmp_path: Path) -> None:
    server = first_edition_instance(tmp_path).start()
    try:
        log = server.log.read_text()
        assert "edition 1 of the model: migrating it" in log and "went from edition 1" in log
        assert all(f"{name}\t" in log for name in NETWORKS)
        listing = request(f"{server.url}/dumps/", headers={"Accept": "application/json"}).json()
        assert {d["conforms_to"] for d in listing["dumps"]} == {editions.edition_iri(CURRENT)}
        catalog = request(f"{server.url}/catalog", headers={"Accept": "application/n-triples"}).body.decode()
        assert f"<{DCTERMS}conformsTo> <{editions.edition_iri(CURRENT)}>" in catalog
    finally:
        assert server.stop() == 0
    again = server.start()  # at the current edition now: nothing to do, nothing logged
    try:
        assert server.log.read_text().count("migrating it") == 1
    finally:
        again.stop()


def test_the_server_refuses_an_older_store_when_told_to_and_says_what_to_run(tmp_path: Path) -> None:
    server = first_edition_instance(tmp_path, {"ISIC_MIGRATION_AT_START": "refuse"})
    before = quads_of(tmp_path / "store")
    with pytest.raises(RuntimeError, match="isic-graph migrate"):
        server.start(wait=30)
    assert quads_of(tmp_path / "store") == before
    done = server.cli("migrate", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["to"] == CURRENT
    server.start()
    assert server.stop() == 0


def test_the_server_refuses_a_store_of_a_newer_edition(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load_first_edition(store)
    store.update(insert_data(GRAPHS.metadata, [Triple(NamedNode(editions.dataset_iri(GRAPHS)),
                                                      NamedNode(DCTERMS + "conformsTo"),
                                                      NamedNode(editions.edition_iri(CURRENT + 1)))]))
    store.close()
    served = LiveServer(tmp_path).cli("serve", "--port", str(free_port()), timeout=60)
    assert served.returncode == 1 and f"edition {CURRENT + 1}" in served.stderr and "newer" in served.stderr


def quads_of(folder: Path) -> set[tuple[str, str, str, str]]:
    store = EmbeddedStore(folder)
    try:
        return quads(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def first_edition_peer() -> Iterator[PeerServer]:
    """A peer as the first edition publishes: its dump listing says no edition, its networks' dumps in Turtle."""
    fixture = graphs_of_fixture()
    dumps = {f"/dumps/network/{name}.ttl": serialize(fixture[GRAPHS.network(name)], format=RdfFormat.TURTLE)
             for name in NETWORKS}
    listing = json.dumps({"dumps": [{"name": f"network/{name}.ttl", "url": f"/dumps/network/{name}.ttl",
                                     "media_type": "text/turtle", "network": name} for name in NETWORKS]}).encode()

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        body = listing if handler.path == "/dumps/" else dumps.get(handler.path)
        if body is None:
            handler.send_response(404)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json" if handler.path == "/dumps/" else "text/turtle")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site = PeerServer(answer)
    yield site
    site.close()


def test_a_first_edition_peer_is_migrated_with_the_same_steps_before_it_is_validated(
        first_edition_peer: PeerServer, tmp_path: Path, validator: Validator) -> None:
    url = f"http://127.0.0.1:{first_edition_peer.port}"
    peer = register(PeerRegistry(tmp_path / "peers.json"), "old", f"{url}/sparql", f"{url}/dumps/",
                    allow_private=True, uri_space=f"{BASE}id/")
    store = EmbeddedStore(None)
    outcome = harvest(store, validator, GRAPHS, peer)
    assert outcome.error is None and {n.network for n in outcome.networks} == set(NETWORKS)
    fixture = graphs_of_fixture()
    chosen = editions.steps(editions.FIRST, CURRENT)
    for n in outcome.networks:
        assert n.changed and n.migrated_from == editions.FIRST and not n.error, n
        expected = set(editions.upgraded(fixture[GRAPHS.network(n.network)], chosen))
        copy = set(store.graph_triples(n.graph))
        assert copy <= expected and len(copy) == n.triples  # what the steps make of it, less what was left out
        assert not n.skipped or all(s.startswith(BASE) for s in n.skipped)
        editions_recorded = store.select(
            f"SELECT ?from ?to WHERE {{ GRAPH <{GRAPHS.metadata}> {{ <{n.graph}> <{PROV}wasDerivedFrom> ?dump ; "
            f"<{DCTERMS}conformsTo> ?to . ?dump <{DCTERMS}conformsTo> ?from }} }}").rows
        assert [(r["from"].value, r["to"].value) for r in editions_recorded] == [
            (editions.FIRST_EDITION_IRI, editions.edition_iri(CURRENT))]
    store.close()
