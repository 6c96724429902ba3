"""What a harvest keeps of a peer's network graph conforms as a whole: leaving a resource out leaves out what the
shapes say fails without it (a lesson learned from a project left out, the sheet describing it, a resource about
it, a project carried by an organisation left out…), down to the last, each listed with what it depended on; what
the last copy held of a resource left out never stands in for it. So a backup of the harvesting store restores.

The peer is a site on 127.0.0.1 serving the samples' fcsf network as `good` and anas's as `anas`; the harvester first
copies them clean, then harvests the changed dump (the copies it replaces are in the store while it checks).
"""

from __future__ import annotations

import http.server
import json
from pathlib import Path
from typing import Callable, Iterator

import pytest
from pyoxigraph import RdfFormat, parse, serialize

from isic_graph.admin.audit import harvested_problems
from isic_graph.admin.backup import backup, verify
from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.restoration import restore
from isic_graph.federation.client import register
from isic_graph.federation.harvest import NetworkOutcome, harvest
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.support.live import PeerServer, reply

BASE = "http://localhost:5000/"
GRAPHS = Graphs(BASE)
ID = BASE + "id/"
COPY = GRAPHS.peer("evil", "good")
PROJECT = ID + "project/epicerie-solidaire-grenoble"
LESSONS = {ID + f"lesson/es-{name}" for name in ("bureau-restreint", "copil-trop-large", "elue-co-presidence",
                                                 "risque-stigmatisation")}
OF_THE_PROJECT = {PROJECT, ID + "sheet/epicerie-solidaire-grenoble", ID + "evaluation/es-evaluation",
                  ID + "resource/fiche-methode-bureau-restreint", ID + "resource/evaluation-epicerie-du-lien", *LESSONS}
GROCERY = "epicerie-solidaire-grenoble.ttl"
PERSONAL = "Écrire à marie.dupont@gmail.com ou au 06 12 34 56 78 ; "
Edit = Callable[[str, str], str]


def dump(network: str, edit: Edit | None = None) -> bytes:
    """A sample network's files as one Turtle dump, each file changed by `edit` (its name, its text) first."""
    triples = []
    for path in sorted((paths.ROOT / "samples" / network).glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        text = edit(path.name, text) if edit else text
        triples += [quad.triple for quad in parse(text.encode(), format=RdfFormat.TURTLE, base_iri=BASE)]
    return serialize(triples, format=RdfFormat.TURTLE)


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[PeerServer, dict[str, bytes]]]:
    dumps: dict[str, bytes] = {}
    listing = json.dumps({"dumps": [{"name": f"network/{n}.ttl", "url": f"/dumps/network/{n}.ttl",
                                     "media_type": "text/turtle", "network": n} for n in ("good", "anas")]}).encode()

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        body = listing if handler.path == "/dumps/" else dumps.get(handler.path)
        reply(handler, 200 if body is not None else 404, body or b"")

    server = PeerServer(answer)
    yield server, dumps
    server.close()


def harvested(site: tuple[PeerServer, dict[str, bytes]], tmp_path: Path, validator: Validator, edit: Edit,
              first: bool = False) -> tuple[Store, NetworkOutcome]:
    """A harvesting store (ontology and thesauri) that copied the peer clean, then its changed `good` network (with
    first: only the changed one, never the clean copy); the outcome of `good`."""
    server, dumps = site
    peer: Peer = register(PeerRegistry(tmp_path / "peers.json"), "evil", f"{server.url}/sparql",
                          f"{server.url}/dumps/", allow_private=True, uri_space=ID)
    store = EmbeddedStore(None)
    init_store(store, GRAPHS)
    dumps["/dumps/network/anas.ttl"] = dump("anas")
    if not first:
        dumps["/dumps/network/good.ttl"] = dump("fcsf")
        clean = {n.network: n for n in harvest(store, validator, GRAPHS, peer).networks}
        assert clean["good"].changed and not clean["good"].skipped, clean
    dumps["/dumps/network/good.ttl"] = dump("fcsf", edit)
    outcome = {n.network: n for n in harvest(store, validator, GRAPHS, peer).networks}["good"]
    assert outcome.changed and outcome.error is None, outcome
    return store, outcome


def in_copy(store: Store, resource: str) -> bool:
    return store.query(f"ASK {{ GRAPH <{COPY}> {{ <{resource}> ?p ?o }} }}") is True


def conforms_and_restores(store: Store, tmp_path: Path, validator: Validator) -> None:
    """Every harvested copy passes the restore's audit, and a backup of the store restores."""
    for graph in store.graph_names():
        if graph.startswith(GRAPHS.peer_prefix):
            assert harvested_problems(store, graph, GRAPHS, validator, "en") == [], graph
    backup(store, tmp_path / "backup", BASE)
    restored = restore(EmbeddedStore(None), verify(tmp_path / "backup"), GRAPHS, validator)
    assert restored is not None


def with_personal_data_in_the_project(name: str, text: str) -> str:
    return text.replace("isic:modalities \"Comité d'usagers", f"isic:modalities \"{PERSONAL}Comité d'usagers") \
        if name == GROCERY else text


@pytest.mark.parametrize("first", [False, True], ids=["over-a-clean-copy", "first-harvest"])
def test_a_project_left_out_takes_its_lessons_sheet_evaluation_and_resources_with_it(
        site: tuple[PeerServer, dict[str, bytes]], tmp_path: Path, validator: Validator, first: bool) -> None:
    store, outcome = harvested(site, tmp_path, validator, with_personal_data_in_the_project, first)
    assert set(outcome.skipped) == OF_THE_PROJECT and set(outcome.reasons) == OF_THE_PROJECT
    assert "depends on" not in outcome.reasons[PROJECT]
    for lesson in LESSONS:
        assert outcome.reasons[lesson] == f"depends on <{PROJECT}> through isic:learnedFrom, left out"
    assert outcome.reasons[ID + "sheet/epicerie-solidaire-grenoble"].startswith(f"depends on <{PROJECT}>")
    assert not any(in_copy(store, resource) for resource in OF_THE_PROJECT)
    assert in_copy(store, ID + "project/atelier-numerique-nantes") and in_copy(store, ID + "contribution/es-local-ccas")
    everything = store.dump(RdfFormat.N_QUADS).decode()
    assert "marie.dupont" not in everything and "06 12 34 56 78" not in everything
    record = store.select(f"SELECT ?d WHERE {{ GRAPH <{GRAPHS.metadata}> {{ <{COPY}> "
                          f"<http://www.w3.org/ns/prov#wasGeneratedBy> ?a . ?a <http://purl.org/dc/terms/description> "
                          f"?d }} }}").rows[0]["d"].value
    assert f"{ID}lesson/es-bureau-restreint (depends on <{PROJECT}> through isic:learnedFrom, left out)" in record
    conforms_and_restores(store, tmp_path, validator)


def test_a_lesson_left_out_takes_what_requires_it_and_its_project_stays(
        site: tuple[PeerServer, dict[str, bytes]], tmp_path: Path, validator: Validator) -> None:
    def edit(name: str, text: str) -> str:
        said = 'isic:statement "Un bureau opérationnel'
        return text.replace(said, said.replace('"', f'"{PERSONAL}')) if name == GROCERY else text
    store, outcome = harvested(site, tmp_path, validator, edit)
    lesson, sheet = ID + "lesson/es-bureau-restreint", ID + "resource/fiche-methode-bureau-restreint"
    assert set(outcome.skipped) == {lesson, sheet}, outcome.reasons
    assert outcome.reasons[sheet] == f"depends on <{lesson}> through isic:about, left out"
    assert in_copy(store, PROJECT) and in_copy(store, ID + "lesson/es-copil-trop-large")
    conforms_and_restores(store, tmp_path, validator)


def test_a_lesson_confirming_a_lesson_left_out_stays_as_the_shapes_accept_a_lesson_described_nowhere(
        site: tuple[PeerServer, dict[str, bytes]], tmp_path: Path, validator: Validator) -> None:
    """isic:confirms names a lesson described here or nowhere (another instance's): once the confirmed lesson is left
    out, the copy describes it nowhere, which the shapes accept; isic:resolves needs a lesson described: it goes."""
    def edit(name: str, text: str) -> str:
        if name != GROCERY:
            return text
        text = text.replace('isic:statement "Le comité de pilotage, trop large',
                            f'isic:statement "{PERSONAL}Le comité de pilotage, trop large')
        return text.replace("<id/lesson/es-risque-stigmatisation> a isic:Lesson ;",
                            "<id/lesson/es-risque-stigmatisation> a isic:Lesson ;\n"
                            "    isic:confirms <id/lesson/es-copil-trop-large> ;")
    store, outcome = harvested(site, tmp_path, validator, edit)
    confirmed, resolving = ID + "lesson/es-copil-trop-large", ID + "lesson/es-bureau-restreint"
    about_the_resolving = ID + "resource/fiche-methode-bureau-restreint"
    assert set(outcome.skipped) == {confirmed, resolving, about_the_resolving}, outcome.reasons
    assert outcome.reasons[resolving] == f"depends on <{confirmed}> through isic:resolves, left out"
    assert outcome.reasons[about_the_resolving] == f"depends on <{resolving}> through isic:about, left out"
    assert in_copy(store, ID + "lesson/es-risque-stigmatisation") and in_copy(store, PROJECT)
    conforms_and_restores(store, tmp_path, validator)


def test_an_organisation_left_out_takes_the_project_it_carries_and_all_that_required_the_project(
        site: tuple[PeerServer, dict[str, bytes]], tmp_path: Path, validator: Validator) -> None:
    """isic:carriedBy names an organisation described in the knowledge base (sh:class): a project whose carrier is
    left out does not conform, so it goes too, and with it its lessons, sheet, evaluation and resources."""
    carrier = ID + "organisation/centre-social-la-ruche"

    def edit(name: str, text: str) -> str:
        return text.replace('rdfs:label "Centre social La Ruche"@fr ;',
                            f'rdfs:label "Centre social La Ruche"@fr ;\n    dcterms:description "{PERSONAL}"@fr ;') \
            if name == "actors.ttl" else text
    store, outcome = harvested(site, tmp_path, validator, edit)
    assert {carrier} | OF_THE_PROJECT <= set(outcome.skipped), outcome.reasons
    assert outcome.reasons[PROJECT] == f"depends on <{carrier}> through isic:carriedBy, left out"
    assert all(reason for reason in outcome.reasons.values())
    assert not in_copy(store, carrier) and not in_copy(store, PROJECT)
    assert in_copy(store, ID + "project/atelier-numerique-nantes")
    conforms_and_restores(store, tmp_path, validator)
