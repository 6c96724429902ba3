"""Withdrawing on a live instance: by the command line (server stopped), then over HTTP; a harvesting peer drops
its copy at its next harvest, and the links other networks keep are listed by the command line."""

from __future__ import annotations

from typing import Iterator

import pytest

from isic_graph.federation.client import register
from isic_graph.federation.harvest import harvest
from isic_graph.federation.peers import PeerRegistry
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.support.live import LiveServer, request

ADMIN = "retraction-admin"
BASE = "http://localhost:5000/"
PROJECT = BASE + "id/project/precarite-energetique-roubaix"
LESSON = BASE + "id/lesson/pe-obstacle-peur-du-bailleur"
ALONE = BASE + "id/lesson/li-passage-isap-isic"  # a lesson of another project, confirmed by fcsf


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("origin"), {"ISIC_ADMIN_TOKEN": ADMIN}).init()
    yield server
    server.stop()


def held(store: EmbeddedStore, graph: str, iri: str) -> bool:
    return store.query(f"ASK {{ GRAPH <{graph}> {{ <{iri}> ?p ?o }} }}") is True


def test_the_command_line_withdraws_and_a_harvesting_peer_drops_its_copy(origin: LiveServer, tmp_path_factory:
                                                                        pytest.TempPathFactory,
                                                                        validator: Validator) -> None:
    done = origin.cli("retract", ALONE, "--network", "anas", "--reason", "doublon")
    assert done.returncode == 0, done.stderr
    assert f"withdrawn\t<{ALONE}>" in done.stdout and "linked from\tfcsf" in done.stdout
    again = origin.cli("retract", ALONE, "--network", "anas", "--reason", "doublon")
    assert again.returncode == 1 and "was withdrawn already" in again.stderr and "Traceback" not in again.stderr
    wrong = origin.cli("retract", PROJECT, "--network", "fcsf", "--reason", "x")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    dry = origin.cli("retract", PROJECT, "--network", "anas", "--reason", "x", "--dry-run")
    assert dry.returncode == 0 and f"would withdraw\t<{LESSON}>" in dry.stdout

    origin.start()
    graphs = Graphs(BASE)
    registry = PeerRegistry(tmp_path_factory.mktemp("local") / "peers.json")
    peer = register(registry, "south", f"{origin.url}/sparql", f"{origin.url}/dumps/", allow_private=True)
    store = EmbeddedStore(None)
    try:
        copy = graphs.peer("south", "anas")
        assert harvest(store, validator, graphs, peer).error is None
        assert held(store, copy, PROJECT) and held(store, copy, LESSON) and not held(store, copy, ALONE)

        answer = request(f"{origin.url}/api/networks/anas/retractions", "POST",
                         b'{"resource": "' + PROJECT.encode() + b'", "reason": "retir\\u00e9 par le r\\u00e9seau"}',
                         {"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN}"})
        assert answer.status == 200, answer.body
        assert LESSON in answer.json()["withdrawn"]
        gone = request(f"{origin.url}/id/project/precarite-energetique-roubaix", headers={"Accept": "text/html"})
        assert gone.status == 410 and "retiré par le réseau" in gone.body.decode()

        changed = {n.network: n for n in harvest(store, validator, graphs, peer).networks}
        assert [name for name, n in changed.items() if n.changed] == ["anas"]
        assert not held(store, copy, PROJECT) and not held(store, copy, LESSON)
        assert held(store, copy, BASE + "id/project/les-incompris")
        assert store.query(f"ASK {{ <{PROJECT}> ?p ?o }}") is False  # the record is the origin's, not harvested
    finally:
        store.close()

    links = origin.cli("dangling", "--network", "fcsf")
    assert links.returncode == 1 and ALONE in links.stdout and LESSON in links.stdout
    clean = origin.cli("dangling", "--network", "anas")
    assert clean.returncode == 0 and clean.stdout == ""
