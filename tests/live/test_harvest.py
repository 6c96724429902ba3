"""Harvesting a live peer through its dumps: copies with provenance, nothing transferred when nothing changed,
exactly the changed graphs replaced, non-conforming resources left out, last copies kept when the peer is down."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import pytest
from pyoxigraph import RdfFormat

from isic_graph.federation.client import register
from isic_graph.federation.harvest import harvest
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.progress import Step
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.support.live import LiveServer, request

ADMIN = "peer-admin"
BASE = "http://localhost:5000/"
META = BASE + "graph/metadata"
MODIFIED = "http://purl.org/dc/terms/modified"


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("peer"), {"ISIC_ADMIN_TOKEN": ADMIN}).init().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, peer: LiveServer) -> Iterator[tuple[Store, Peer]]:
    folder = tmp_path_factory.mktemp("local")
    registry = PeerRegistry(folder / "peers.json")
    registered = register(registry, "south", f"{peer.url}/sparql", f"{peer.url}/dumps/", allow_private=True)
    store = EmbeddedStore(None)
    yield store, registered
    store.close()


def update_peer(peer: LiveServer, sparql: str) -> None:
    """Change the peer's data as no route of its lets anyone: its networks' graphs and their records, written
    beside the server (its /update refuses the graphs isic-graph manages)."""
    peer.raw_update(sparql)


def touch(peer: LiveServer, network: str, stamp: str) -> None:
    graph = f"{BASE}graph/network/{network}"
    update_peer(peer, f"DELETE WHERE {{ GRAPH <{META}> {{ <{graph}> <{MODIFIED}> ?m }} }} ; INSERT DATA {{ GRAPH "
                      f"<{META}> {{ <{graph}> <{MODIFIED}> \"{stamp}\"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} "
                      f"}}")


def dump_requests(peer: LiveServer, at_least: int = 0) -> list[dict[str, object]]:
    """The peer's access-log lines for dumps (written by a thread of their own: waited for, 5 s at most)."""
    deadline = time.monotonic() + 5
    while True:
        found = [entry for line in peer.log.read_text().splitlines() if line.startswith("{")
                 for entry in [json.loads(line)] if str(entry["path"]).startswith("/dumps/network/")]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_harvests_copy_then_transfer_only_what_changed(peer: LiveServer, local: tuple[Store, Peer],
                                                       validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    first = harvest(store, validator, graphs, registered)
    assert first.error is None
    copied = {n.network: n for n in first.networks}
    assert set(copied) == {"anas", "fcsf", "action-sociale-35"} and all(n.changed for n in copied.values())
    for network, outcome in copied.items():
        assert store.count(graphs.peer("south", network)) == outcome.triples > 100
        assert not store.graph_names().count(graphs.network(network))  # never over a local network's graph
    provenance = store.select(
        f"SELECT ?source ?n WHERE {{ GRAPH <{META}> {{ <{graphs.peer('south', 'anas')}> "
        f"<http://www.w3.org/ns/prov#wasGeneratedBy> ?a . ?a <http://purl.org/dc/terms/source> ?source ; "
        f"<http://rdfs.org/ns/void#triples> ?n }} }}").rows
    assert provenance and provenance[0]["source"].value == registered.sparql
    assert int(provenance[0]["n"].value) == copied["anas"].triples

    before = len(dump_requests(peer, 3))  # the first harvest fetched each of the three networks
    steps: list[Step] = []
    second = harvest(store, validator, graphs, registered, on_step=steps.append)
    assert second.error is None and not any(n.changed for n in second.networks), second
    assert steps[0] == Step("south", 0, 3, "networks") and steps[-1] == Step("south", 3, 3, "networks")
    conditional = dump_requests(peer, before + 3)[before:]
    assert len(conditional) == 3 and {e["status"] for e in conditional} == {304}, (second, first)  # no data transferred

    label = "http://www.w3.org/2000/01/rdf-schema#label"
    anas = f"<{BASE}graph/network/anas>"
    update_peer(peer, f'DELETE {{ GRAPH {anas} {{ ?n <{label}> ?l }} }} '
                      f'INSERT {{ GRAPH {anas} {{ ?n <{label}> "ANAS, renamed"@en }} }} '
                      f'WHERE {{ BIND(<{BASE}id/network/anas> AS ?n) GRAPH {anas} {{ ?n <{label}> ?l '
                      f'FILTER(LANG(?l) = "en") }} }}')
    # the peer marked the graph its administrator's update named as modified: only that dump changed
    third = {n.network: n for n in harvest(store, validator, graphs, registered).networks}
    assert [name for name, n in third.items() if n.changed] == ["anas"] and not third["anas"].skipped
    assert store.query(f'ASK {{ GRAPH <{graphs.peer("south", "anas")}> {{ ?n <{label}> "ANAS, renamed"@en }} '
                       f'}}') is True


def test_non_conforming_resources_are_left_out_and_reported(peer: LiveServer, local: tuple[Store, Peer],
                                                            validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    bad = f"{BASE}id/lesson/no-statement"
    update_peer(peer, f"INSERT DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{bad}> a "
                      f"<https://w3id.org/isic/ontology#Lesson> }} }}")
    touch(peer, "fcsf", "2031-02-01T00:00:00+00:00")
    outcome = {n.network: n for n in harvest(store, validator, graphs, registered).networks}["fcsf"]
    assert outcome.changed and bad in outcome.skipped
    assert store.select(f"SELECT ?p WHERE {{ GRAPH <{graphs.peer('south', 'fcsf')}> {{ <{bad}> ?p ?o }} }}").rows == ()
    assert store.count(graphs.peer("south", "fcsf")) == outcome.triples > 100


def test_personal_data_of_a_peer_is_left_out_and_never_named(peer: LiveServer, local: tuple[Store, Peer],
                                                              validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    contact = "mailto:jean.dupont@exemple.fr"
    described = f"{BASE}id/lesson/with-a-phone"
    update_peer(peer, f"INSERT DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{contact}> a "
                      f"<https://w3id.org/isic/ontology#Lesson> . <{described}> a <https://w3id.org/isic/ontology#Lesson>"
                      " ; <https://w3id.org/isic/ontology#statement> \"Appeler le 06/12/34/56/78\"@fr } }")
    touch(peer, "fcsf", "2031-03-01T00:00:00+00:00")
    outcome = {n.network: n for n in harvest(store, validator, graphs, registered).networks}["fcsf"]
    assert outcome.changed and described in outcome.skipped and "*** (email)" in outcome.skipped
    assert contact not in outcome.skipped
    everything = store.dump(RdfFormat.N_QUADS).decode()  # the copies and their provenance
    assert "jean.dupont" not in everything and "34/56" not in everything
    assert described not in store.dump(RdfFormat.N_QUADS, [graphs.peer("south", "fcsf")]).decode()
    assert store.count(graphs.peer("south", "fcsf")) == outcome.triples > 100


SPELLED = ["06,12,34,56,78", "06x12x34x56x78", "jean.dupont (à) exemple.fr", "jean.dupont chez exemple.fr",
           "1 84 12 2A 451 089 46", "1841276451089", "BE68 5390 0754 7034"]


@pytest.mark.parametrize("text", SPELLED)
def test_a_peers_personal_data_spelled_otherwise_is_left_out_too(peer: LiveServer, local: tuple[Store, Peer],
                                                                 validator: Validator, text: str) -> None:
    """A conforming project of the peer whose tracking tool holds personal data as a person reads it."""
    store, registered = local
    graphs = Graphs(BASE)
    project, tool = f"{BASE}id/project/vacances-familles-lille", "https://w3id.org/isic/ontology#trackingTool"
    update_peer(peer, f'INSERT DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{project}> <{tool}> "{text}"@fr }} }}')
    touch(peer, "fcsf", f"2033-01-01T00:00:{SPELLED.index(text):02d}+00:00")  # a new stamp: a change to harvest
    try:
        outcome = {n.network: n for n in harvest(store, validator, graphs, registered).networks}["fcsf"]
        assert outcome.changed and project in outcome.skipped
        assert text not in store.dump(RdfFormat.N_QUADS).decode()
    finally:
        update_peer(peer, f'DELETE DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{project}> <{tool}> "{text}"@fr }} }}')


def test_a_peer_that_is_down_keeps_its_last_copies(tmp_path: Path, local: tuple[Store, Peer],
                                                   validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    counts = {g: store.count(g) for g in store.graph_names()}
    gone = Peer("south", registered.sparql, "http://127.0.0.1:9/dumps/", registered.added, allow_private=True)
    outcome = harvest(store, validator, graphs, gone)
    assert outcome.error and "cannot be reached" in outcome.error and outcome.networks == ()
    assert {g: store.count(g) for g in store.graph_names()} == counts


def test_a_peer_may_not_lead_the_harvester_elsewhere(local: tuple[Store, Peer], validator: Validator) -> None:
    store, registered = local
    public_only = Peer("south", registered.sparql, registered.dumps, registered.added, allow_private=False)
    outcome = harvest(store, validator, Graphs(BASE), public_only)
    assert outcome.error and "--allow-private" in outcome.error


def test_the_administrator_harvests_over_http(peer: LiveServer, tmp_path: Path) -> None:
    local = LiveServer(tmp_path, {"ISIC_ADMIN_TOKEN": "local-admin", "ISIC_PEERS": str(tmp_path / "peers.json")})
    local.init()
    PeerRegistry(tmp_path / "peers.json").add("south", f"{peer.url}/sparql", f"{peer.url}/dumps/",
                                              allow_private=True)
    local.start()
    try:
        refused = request(f"{local.url}/api/harvest", "POST", b"")
        assert refused.status == 401
        answer = request(f"{local.url}/api/harvest?peer=south", "POST", b"",
                         {"Authorization": "Bearer local-admin"}, timeout=120)
        assert answer.status == 200, answer.body[:300]
        outcome = answer.json()["peers"][0]
        assert outcome["peer"] == "south" and outcome["error"] is None
        assert {n["network"] for n in outcome["networks"] if n["changed"]} == {"anas", "fcsf", "action-sociale-35"}
        unknown = request(f"{local.url}/api/harvest?peer=nobody", "POST", b"", {"Authorization": "Bearer local-admin"})
        assert unknown.status == 404
    finally:
        local.stop()


def test_a_harvested_graph_keeps_only_what_the_peer_owns_and_reports_the_rest(peer: LiveServer,
                                                                             local: tuple[Store, Peer],
                                                                             validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    assert registered.uri_space == BASE + "id/"  # read from the peer's VoID description when it was added
    ours, network = f"{BASE}id/organisation/ours", f"{BASE}id/network/here"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    isic = "https://w3id.org/isic/ontology#"
    described = (f'<{ours}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{isic}Organisation> .\n'
                 f'<{ours}> <{isic}actorType> <https://w3id.org/isic/thesaurus/actor-type/association> .\n'
                 f'<{ours}> {label} "Ours" .\n')
    ingest(store, validator, graphs, [Document("ours.nt", described.encode(), format_named("ntriples"))], "here")
    update_peer(peer, f'INSERT DATA {{ GRAPH <{BASE}graph/network/anas> {{ <{ours}> {label} "PWNED" . '
                      f'<{network}> {label} "PWNED" . <HTTP://localhost:5000/id/organisation/ours> {label} "PWNED" . '
                      f'<{BASE}id/organisation/ancv> <http://www.w3.org/2002/07/owl#sameAs> <{ours}> }} }}')
    touch(peer, "anas", "2032-01-01T00:00:00+00:00")
    try:
        outcome = {n.network: n for n in harvest(store, validator, graphs, registered).networks}["anas"]
        assert outcome.changed and {ours, network, "HTTP://localhost:5000/id/organisation/ours"} <= set(outcome.skipped)
        assert store.query('ASK { ?s ?p "PWNED" }') is False
        assert store.query(f"ASK {{ ?s <http://www.w3.org/2002/07/owl#sameAs> <{ours}> }}") is False
        kept = store.query(f'ASK {{ GRAPH <{graphs.peer("south", "anas")}> {{ <{BASE}id/project/les-incompris> ?p ?o '
                           f'}} }}')
        assert kept is True  # what the peer owns (first published here by it) is copied
    finally:
        update_peer(peer, f'DELETE WHERE {{ GRAPH <{BASE}graph/network/anas> {{ ?s ?p "PWNED" }} }} ; '
                          f'DELETE DATA {{ GRAPH <{BASE}graph/network/anas> {{ <{BASE}id/organisation/ancv> '
                          f'<http://www.w3.org/2002/07/owl#sameAs> <{ours}> }} }}')


def test_a_peers_resource_of_an_unknown_class_or_typed_with_a_resource_is_left_out(
        peer: LiveServer, local: tuple[Store, Peer], validator: Validator) -> None:
    store, registered = local
    graphs = Graphs(BASE)
    odd, typed = f"{BASE}id/thing/odd", f"{BASE}id/thing/typed-with-a-project"
    update_peer(peer, f'INSERT DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{odd}> a <http://ex.org/Anything> ; '
                      f'<http://www.w3.org/2000/01/rdf-schema#comment> "free text" . <{typed}> a '
                      f'<{BASE}id/project/atelier-numerique-nantes> }} }}')
    touch(peer, "fcsf", "2031-03-01T00:00:00+00:00")
    outcome = {n.network: n for n in harvest(store, validator, graphs, registered).networks}["fcsf"]
    assert outcome.changed and {odd, typed} <= set(outcome.skipped), outcome
    for resource in (odd, typed):
        assert store.select(f"SELECT ?p WHERE {{ GRAPH <{graphs.peer('south', 'fcsf')}> {{ <{resource}> ?p ?o }} }}"
                            ).rows == ()
    assert store.count(graphs.peer("south", "fcsf")) == outcome.triples > 100
