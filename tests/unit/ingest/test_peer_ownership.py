"""A registered peer owns the IRIs under its URI space from `peer add`, before its first harvest, whatever the
spelling, through every way in, and after a restart; and a harvested peer keeps only what it owns."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Triple
from werkzeug.test import TestResponse

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.federation.peers import PeerRegistry
from isic_graph.ingest import ownership
from isic_graph.ingest.ownercheck import keep_owned, record_claims, release_claims
from isic_graph.privacy import redact
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.web import create_app
from isic_graph.web.services import services
from tests.conftest import ADMIN, bearer
from tests.unit.ingest.test_ownership import PREFIXES, csv_file

BASE = "http://localhost:5000/"
SPACE = "http://peer.example/"
PEER = BASE + "id/peer/canary"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SPELLINGS = [SPACE + "y", "HTTP://PEER.EXAMPLE/y", "http://Peer.Example/y", "http://peer.example//y",
             "http://peer.example:80/y", "http://someone@peer.example/y", "http://peer.example./y",
             SPACE + "%79", SPACE + "./y", SPACE + "x/../y", "http://p%65er.example/y", SPACE + "y#it",
             SPACE + "Y", SPACE + "id/project/les-incompris", SPACE + "y/", SPACE, "https://peer.example/y",
             "HTTPS://peer.example:443/y"]


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in ("attacker", "anas")}


@pytest.fixture(scope="module")
def registered(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`peer add canary … --uri-space http://peer.example/` as the operator types it while the server runs: the
    registry is written, the store (held by the server) is not."""
    registry = services(app).settings.peers_path
    env = {"ISIC_PEERS": str(registry), "ISIC_BASE_IRI": BASE,
           "ISIC_STORE": str(tmp_path_factory.mktemp("elsewhere") / "no-store")}
    added = CliRunner().invoke(main, ["peer", "add", "canary", "--sparql", "http://127.0.0.1:9/sparql",
                                      "--allow-private", "--uri-space", SPACE], env=env, catch_exceptions=False)
    assert added.exit_code == 0 and "owns its URI space from now on" in added.output, added.output
    assert ownership.peer_spaces(services(app).store, services(app).graphs) == {"canary": SPACE}
    assert not services(app).store.query(f'ASK {{ ?s ?p "{SPACE}" }}')  # nothing about it in the store yet
    return registry


def refused(answer: TestResponse, subject: str) -> None:
    assert answer.status_code == 422, answer.get_data(as_text=True)
    problem = answer.get_json()
    # a subject that reads as personal data (`someone@peer.example`) is masked there as in the detail
    assert problem["code"] == "not-owner" and problem["subject"] == redact(subject) and problem["owner"] == PEER
    assert 'peer "canary"' in problem["detail"]


def turtle(subject: str) -> str:
    return (f'{PREFIXES}<{BASE}id/network/attacker> a isic:Network ; rdfs:label "Attacker network"@fr .\n'
            f'<{subject}> rdfs:label "claimed by attacker" .\n')


def nothing_about_the_space(app: Flask) -> bool:
    """Whether no network graph says anything about an IRI of the peer's host, in any spelling."""
    return not services(app).store.query(
        f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{BASE}graph/network/") && ('
        'CONTAINS(LCASE(STR(?s)), "peer.example") || CONTAINS(LCASE(STR(?s)), "p%65er"))) }')


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_network_may_not_describe_a_registered_peers_iris_before_its_first_harvest(
        app: Flask, client: FlaskClient, tokens: dict[str, str], registered: Path, spelling: str) -> None:
    token, body = tokens["attacker"], turtle(spelling)
    graph = {"graph": BASE + "graph/network/attacker"}
    for mode in ("replace", "upsert"):
        refused(client.post("/api/networks/attacker/sheets", query_string={"mode": mode}, data=body,
                            content_type="text/turtle", headers=bearer(token)), spelling)
    for method in (client.put, client.post):
        refused(method("/graph-store", query_string=graph, data=body, content_type="text/turtle",
                       headers=bearer(token)), spelling)
    assert nothing_about_the_space(app)
    assert ownership.owner_of(services(app).store, services(app).graphs, spelling) == ownership.peer(
        services(app).graphs, "canary")


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_check_refuses_a_registered_peers_iris_before_its_first_harvest(
        client: FlaskClient, tokens: dict[str, str], registered: Path, spelling: str) -> None:
    refused(client.post("/api/validate", query_string={"network": "attacker"}, data=turtle(spelling),
                        content_type="text/turtle", headers=bearer(tokens["attacker"])), spelling)


def test_attaching_a_sheet_or_a_lesson_to_a_peers_resource_is_refused(client: FlaskClient, tokens: dict[str, str],
                                                                      registered: Path) -> None:
    project = SPACE + "id/project/p"
    for statement in (f"<{BASE}id/lesson/att-l> isic:learnedFrom <{project}> .",
                      f"<{BASE}id/organisation/att-o> owl:sameAs <{project}> ."):
        refused(client.post("/api/networks/attacker/sheets", data=PREFIXES + statement, content_type="text/turtle",
                            headers=bearer(tokens["attacker"])), project)


def test_the_form_and_the_csv_sheets_cannot_name_a_peers_iri(app: Flask, client: FlaskClient,
                                                            tokens: dict[str, str], registered: Path) -> None:
    """Their resources are named under this instance's base: a peer's IRI in an identifier cell or field is
    read as a name here (or refused), never as the peer's resource."""
    row = f"{SPACE}y,Claimed by attacker,association,,,"
    upload = client.post("/sheets/csv?lang=en", data={"credential": tokens["attacker"],
                                                      "files": csv_file("organisations.csv", row)},
                         content_type="multipart/form-data")
    form = client.post("/sheets?lang=en", data={"project.id": SPACE + "y", "project.title": "Claimed",
                                                "credential": tokens["attacker"]})
    assert upload.status_code < 500 and form.status_code < 500
    assert nothing_about_the_space(app)


def test_the_peer_still_owns_its_space_after_a_restart(app: Flask, engine: Engine, tokens: dict[str, str],
                                                       registered: Path) -> None:
    restarted = create_app(services(app).settings, engine).test_client()  # a new application, same settings
    refused(restarted.post("/api/networks/attacker/sheets", data=turtle(SPACE + "z"), content_type="text/turtle",
                           headers=bearer(tokens["attacker"])), SPACE + "z")


def test_reference_data_about_a_peers_iri_leaves_it_the_peers(app: Flask, client: FlaskClient,
                                                              tokens: dict[str, str], registered: Path) -> None:
    """The administrator's reference data may mention a peer's resource; it does not take it from the peer."""
    written = client.put("/graph-store", query_string={"graph": "http://example.org/graph/peer-directory"},
                         data=f'<{SPACE}listed> <{LABEL}> "Listed" .\n<{BASE}id/organisation/listed-here> <{LABEL}> '
                              '"Here" .\n', content_type="application/n-triples", headers=bearer(ADMIN))
    assert written.status_code in (201, 204), written.get_data(as_text=True)
    store, graphs = services(app).store, services(app).graphs
    assert ownership.owner_of(store, graphs, SPACE + "listed") == ownership.peer(graphs, "canary")
    assert ownership.owner_of(store, graphs, BASE + "id/organisation/listed-here") == ownership.instance(graphs)
    refused(client.post("/api/networks/attacker/sheets", data=turtle(SPACE + "listed"), content_type="text/turtle",
                        headers=bearer(tokens["attacker"])), SPACE + "listed")


def test_a_peer_registered_without_a_uri_space_owns_only_what_it_publishes_first(tmp_path: Path) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("loose", "http://127.0.0.1:9/sparql", allow_private=True)
    graphs = Graphs(BASE, registry.path)
    store = EmbeddedStore(None)
    assert ownership.peer_spaces(store, graphs) == {} and ownership.owner_of(store, graphs, SPACE + "y") is None


# ---------------------------------------------------------------- the reverse, at harvest


def triple(subject: str, text: str) -> Triple:
    return Triple(NamedNode(subject), NamedNode(LABEL), Literal(text))


def test_a_harvested_dump_keeps_only_what_its_peer_owns(tmp_path: Path) -> None:
    """Peer "south" harvested: its own space is kept (and recorded as its own); what another registered peer
    owns, never harvested yet, is left out in every spelling, and so is what a local network owns."""
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("south", "http://127.0.0.1:9/sparql", allow_private=True, uri_space="https://south.example/id/")
    registry.add("canary", "http://127.0.0.1:8/sparql", allow_private=True, uri_space=SPACE)
    graphs = Graphs(BASE, registry.path)
    store = EmbeddedStore(None)
    store.update(ownership.claim_update(graphs, ownership.network(graphs, "anas"), [BASE + "id/project/p"],
                                        BASE + "id/ingestion/20240101T000000000000Z"))
    own = [triple("https://south.example/id/project/s", "South's")]
    foreign = [triple(SPACE + "y", "taken"), triple("HTTP://PEER.EXAMPLE/y", "taken"),
               triple("http://peer.example:80/x", "taken"), triple(BASE + "id/project/p", "taken")]
    kept, left_out, claimed = keep_owned(store, graphs, "south", "https://south.example/id/", own + foreign)
    assert kept == tuple(own)
    assert set(left_out) == {str(t.subject.value) for t in foreign}
    assert claimed == ("https://south.example/id/project/s",)
    ruled = ownership.record_of(store, graphs, claimed[0])
    assert ruled is not None and ruled.activity is None  # the peer's by its space; deciding records nothing
    record_claims(store, graphs, "south", "https://south.example/id/", claimed)
    assert ownership.owner_of(store, graphs, "https://south.example/id/project/s") == ownership.peer(graphs, "south")
    record = ownership.record_of(store, graphs, "https://south.example/id/project/s")
    assert record is not None and record.activity is not None and "id/harvest/south/" in record.activity
    release_claims(store, graphs, "anas", claimed)  # another's release takes nothing of the peer's
    assert ownership.record_of(store, graphs, claimed[0]) == record
    release_claims(store, graphs, "south", [*claimed, BASE + "id/project/p"])  # nor of anas's
    assert ownership.record_of(store, graphs, claimed[0]) == ruled
    assert ownership.owner_of(store, graphs, BASE + "id/project/p") == ownership.network(graphs, "anas")


@pytest.mark.parametrize("space", ["https://south.example/id/", "https://south.example/id"])
def test_a_peer_owns_its_space_by_whole_path_segments(tmp_path: Path, space: str) -> None:
    """A peer's space covers the IRIs under it segment by segment, not as a string prefix: `…/id/` or `…/id` gives it
    `…/id/x` (and `…/id?x`, `…/id#x` for the space without slash), never `…/identifiers/x` nor `…/idx`: at a
    harvest, those it may not claim (they are kept only as any peer's first publication), and reference data about
    them is the instance's."""
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("south", "http://127.0.0.1:9/sparql", allow_private=True, uri_space=space)
    graphs = Graphs(BASE, registry.path)
    store = EmbeddedStore(None)
    south = ownership.peer(graphs, "south")
    inside = ["https://south.example/id/x", "https://south.example/id/a/b", "HTTPS://SOUTH.EXAMPLE/id/y"]
    beside = ["https://south.example/identifiers/x", "https://south.example/idx", "https://south.example/i",
              "https://south.example/id-x/y"]
    for iri in inside:
        assert ownership.owner_of(store, graphs, iri) == south, iri
        assert ownership.in_a_peer_space(graphs, iri), iri
    for iri in beside:
        assert ownership.owner_of(store, graphs, iri) is None, iri
        assert not ownership.in_a_peer_space(graphs, iri), iri
    ownership.claim(store, graphs, ownership.network(graphs, "anas"), beside,
                    BASE + "id/ingestion/20240101T000000000000Z")
    kept, left_out, _ = keep_owned(store, graphs, "south", space, [triple(iri, "x") for iri in inside + beside])
    assert {t.subject.value for t in kept} == set(inside) - {"HTTPS://SOUTH.EXAMPLE/id/y"}  # a look-alike: refused
    assert set(beside) <= set(left_out)  # anas's, not the peer's
    assert all(ownership.owner_of(store, graphs, iri) == ownership.network(graphs, "anas") for iri in beside)


def test_a_space_registered_after_a_network_took_an_iri_of_it_is_the_peers(tmp_path: Path) -> None:
    """A store where a network published under the peer's space before the peer was registered (or before this
    rule): the peer owns it once registered, and the network's record no longer counts; nested spaces go to
    the longest."""
    registry = PeerRegistry(tmp_path / "peers.json")
    graphs = Graphs(BASE, registry.path)
    store = EmbeddedStore(None)
    taken = [SPACE + "y", SPACE + "inner/z"]
    ownership.claim(store, graphs, ownership.network(graphs, "attacker"), taken,
                    BASE + "id/ingestion/20240101T000000000000Z")
    assert ownership.owner_of(store, graphs, SPACE + "y") == ownership.network(graphs, "attacker")
    registry.add("canary", "http://127.0.0.1:9/sparql", allow_private=True, uri_space=SPACE)
    registry.add("inner", "http://127.0.0.1:8/sparql", allow_private=True, uri_space=SPACE + "inner/")
    assert ownership.owner_of(store, graphs, SPACE + "y") == ownership.peer(graphs, "canary")
    assert ownership.owner_of(store, graphs, SPACE + "inner/z") == ownership.peer(graphs, "inner")
    kept, left_out, _ = keep_owned(store, graphs, "canary", SPACE, [triple(SPACE + "y", "Y"),
                                                                 triple(SPACE + "inner/z", "Z")])
    assert kept == (triple(SPACE + "y", "Y"),) and left_out == (SPACE + "inner/z",)


@pytest.mark.parametrize("link", ["https://www.w3.org/2002/07/owl#sameAs", "HTTP://WWW.W3.ORG/2002/07/owl#sameAs",
                                  "http://www.w3.org/2002/07/owl#%73ameAs", "http://schema.org/sameAs",
                                  "http://w3id.org/isic/ontology#describes", "http://www.w3.org/2002/07/owl#SameAs",
                                  "https://www.w3.org/2004/02/skos/core#exactMatch"])
def test_a_harvest_leaves_out_identity_links_in_another_spelling(tmp_path: Path, link: str) -> None:
    """A peer's copy is read as a network's submission: a look-alike of owl:sameAs (or of another identity link, or a
    class spelt otherwise) to a local network's project is left out, the peer's other statements kept."""
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("south", "http://127.0.0.1:9/sparql", allow_private=True, uri_space="https://south.example/id/")
    graphs = Graphs(BASE, registry.path)
    store = EmbeddedStore(None)
    store.update(ownership.claim_update(graphs, ownership.network(graphs, "anas"), [BASE + "id/project/p"],
                                        BASE + "id/ingestion/20240101T000000000000Z"))
    mine = "https://south.example/id/project/s"
    label = triple(mine, "South's")
    linked = Triple(NamedNode(mine), NamedNode(link), NamedNode(BASE + "id/project/p"))
    typed = Triple(NamedNode(mine), NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   NamedNode("http://schema.org/Project"))
    kept, left_out, _ = keep_owned(store, graphs, "south", "https://south.example/id/", [label, linked, typed])
    assert kept == (label,) and mine in left_out and set(left_out) <= {mine, BASE + "id/project/p"}
