"""Harvesting several peers at once does not depend on their order: a resource of one peer's copy that refers to
what only another peer holds (fcsf's project drew on a project and a lesson of anas, one of its lessons confirms
an anas lesson) is kept whichever peer comes first; a resource referring to nothing anywhere is left out and
reported either way. The API, the command line and `scope=live` all harvest this way.

Two instances on 127.0.0.1 share the samples' base, as networks sharing one namespace do: `anas` holds the anas
network, `fcsf` the fcsf network (it harvested anas first, as its sheets cite anas's resources).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from isic_graph.federation.client import register
from isic_graph.federation.harvest import PeerOutcome, harvest, harvest_peers
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.query.scopes import LiveRefresh
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.support.live import LiveServer, add_peer

ADMIN = "order-admin-token"
BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
GRAPHS = Graphs(BASE)
DREW_ON = BASE + "id/project/collectif-locataires-saint-denis"  # fcsf's, drew on anas's project and lesson
CONFIRMS = BASE + "id/lesson/an-cahier-des-demandes"  # fcsf's, confirms an anas lesson
NOWHERE = BASE + "id/lesson/tiree-de-nulle-part"  # fcsf's, drawn from a project nobody describes


@dataclass
class Peers:
    anas: LiveServer
    fcsf: LiveServer


def instance(folder: Path) -> LiveServer:
    folder.mkdir()
    server = LiveServer(folder, {"ISIC_PEERS": str(folder / "peers.json"), "ISIC_ADMIN_TOKEN": ADMIN,
                                 "ISIC_CLIENT_BUDGET": "100000"})
    initialised = server.cli("init")
    assert initialised.returncode == 0, initialised.stderr
    return server


def ingest(server: LiveServer, network: str) -> None:
    files = sorted(str(p) for p in (paths.ROOT / "samples" / network).iterdir() if p.suffix in (".ttl", ".csv"))
    ingested = server.cli("ingest", *files, "--network", network)
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    root = tmp_path_factory.mktemp("order")
    started: list[LiveServer] = []
    try:
        anas = instance(root / "anas")
        ingest(anas, "anas")
        started.append(anas.start())
        fcsf = instance(root / "fcsf")
        add_peer(fcsf, "anas", anas)
        harvested = fcsf.cli("harvest")
        assert harvested.returncode == 0, harvested.stdout + harvested.stderr
        ingest(fcsf, "fcsf")
        started.append(fcsf.start())
        dangling = (f"INSERT DATA {{ GRAPH <{BASE}graph/network/fcsf> {{ <{NOWHERE}> a <{ISIC}Lesson> ; "
                    f"<{ISIC}learnedFrom> <{BASE}id/project/projet-que-nul-ne-decrit> ; "
                    f"<{ISIC}statement> \"Un enseignement sans projet.\"@fr }} }}")
        fcsf.raw_update(dangling)  # what no route accepts: a lesson of a project nobody describes
        yield Peers(anas, fcsf)
    finally:
        for server in started:
            server.stop()


def registered(folder: Path, peers: Peers) -> dict[str, Peer]:
    registry = PeerRegistry(folder / "peers.json")
    return {name: register(registry, name, f"{server.url}/sparql", f"{server.url}/dumps/", allow_private=True)
            for name, server in (("anas", peers.anas), ("fcsf", peers.fcsf))}


def copies(store: Store) -> dict[str, set[str]]:
    """The harvested copies: each graph's triples (N-Triples lines)."""
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {g: {str(t) for t in store.graph_triples(g)} for g in sorted(r["g"].value for r in rows)
            if g.startswith(GRAPHS.peer_prefix)}


def subjects(found: set[str]) -> set[str]:
    return {line.split(" ", 1)[0].strip("<>") for line in found}


def reported(outcomes: tuple[PeerOutcome, ...]) -> dict[tuple[str, str], tuple[str, ...]]:
    assert all(o.error is None for o in outcomes), outcomes
    return {(o.peer, n.network): n.skipped for o in outcomes for n in o.networks}


def test_two_peers_harvested_in_either_order_give_the_same_copies(peers: Peers, tmp_path: Path,
                                                                  validator: Validator) -> None:
    stores, reports = [], []
    for order in (("anas", "fcsf"), ("fcsf", "anas")):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        known = registered(folder, peers)
        store = EmbeddedStore(None)
        reports.append(reported(harvest_peers(store, validator, GRAPHS, [known[name] for name in order])))
        stores.append(store)
    first, second = (copies(store) for store in stores)
    assert first == second
    fcsf = subjects(first[GRAPHS.peer("fcsf", "fcsf")])
    assert {DREW_ON, CONFIRMS} <= fcsf  # what refers to anas's resources is kept, anas first or not
    assert NOWHERE not in fcsf
    assert reports[0] == reports[1]
    left_out = set(reports[0][("fcsf", "fcsf")])  # with what anas published first here (anas's, by name)
    assert NOWHERE in left_out and not {DREW_ON, CONFIRMS} & left_out  # nothing anywhere: left out, reported
    assert reports[0][("anas", "anas")] == ()


def test_peers_harvested_one_at_a_time_still_depend_on_their_order(peers: Peers, tmp_path: Path,
                                                                   validator: Validator) -> None:
    """Apart, one harvest per peer, fcsf's copy is checked before anas's exists: what refers to it is left out
    (as harvesting them together is what makes the order not matter)."""
    known = registered(tmp_path, peers)
    store = EmbeddedStore(None)
    alone = harvest(store, validator, GRAPHS, known["fcsf"])
    harvest(store, validator, GRAPHS, known["anas"])
    assert DREW_ON in alone.networks[0].skipped
    assert DREW_ON not in subjects(copies(store)[GRAPHS.peer("fcsf", "fcsf")])


def test_the_command_line_and_live_queries_harvest_every_peer_together(peers: Peers, tmp_path: Path,
                                                                      validator: Validator) -> None:
    # the registry lists the peers by name: `a-…` is harvested before `b-…`, fcsf first in the second instance
    for first, second in (("anas", "fcsf"), ("fcsf", "anas")):
        server = instance(tmp_path / f"{first}-first")
        for prefix, name in (("a", first), ("b", second)):
            add_peer(server, f"{prefix}-{name}", getattr(peers, name))
        harvested = server.cli("harvest")
        assert harvested.returncode == 0, harvested.stdout + harvested.stderr
        assert "-fcsf/fcsf\t" in harvested.stdout and "resource(s) left out" in harvested.stdout
        store = EmbeddedStore(server.folder / "store")
        try:
            fcsf = subjects(copies(store)[GRAPHS.peer(("a-" if first == "fcsf" else "b-") + "fcsf", "fcsf")])
        finally:
            store.close()
        assert {DREW_ON, CONFIRMS} <= fcsf and NOWHERE not in fcsf

    known = registered(tmp_path, peers)
    live = EmbeddedStore(None)
    stale = LiveRefresh(interval=0).refresh(live, validator, GRAPHS, [known["fcsf"], known["anas"]], timeout=120)
    assert stale == ()
    fcsf = subjects(copies(live)[GRAPHS.peer("fcsf", "fcsf")])
    assert {DREW_ON, CONFIRMS} <= fcsf and NOWHERE not in fcsf
