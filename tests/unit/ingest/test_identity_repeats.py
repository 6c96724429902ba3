"""A row about another's resource is a reference only when it repeats a statement its owner made, exactly: the
same text with the same language tag, the same datatype. A name in a new language, without its tag, with another
datatype or in another case is a new statement about another's resource, refused (422 not-owner) whoever owns it —
a network (its own IRI, an organisation, a project, a lesson), a peer or this instance — on every way in."""

from __future__ import annotations

import io
import unicodedata

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat
from werkzeug.test import TestResponse

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest import ownership
from isic_graph.web.services import services
from tests.conftest import ADMIN, bearer
from tests.support import ways_in
from tests.unit.ingest.test_ownership import PREFIXES, SAMPLES

BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PEER_ORG = "http://peer.example/id/organisation/peer-org"
REFERENCE = BASE + "id/organisation/organisme-de-reference"
ACTOR = "https://w3id.org/isic/thesaurus/actor-type/"
# (subject, its type, a literal identity property, the text its owner stated, its language tag or datatype, owner,
# the rest of its identity as its owner stated it, which a reference repeats so that it conforms to the shapes)
OWNED = [
    (BASE + "id/network/anas", "Network", "rdfs:label", "Association nationale des assistants de service social",
     "@fr", BASE + "id/network/anas", ""),
    (BASE + "id/organisation/ancv", "Organisation", "rdfs:label", "Agence nationale pour les chèques-vacances", "@fr",
     BASE + "id/network/anas", f"isic:actorType <{ACTOR}public-service>"),
    (BASE + "id/organisation/ville-de-rennes", "Organisation", "isic:siret", "21350238800019", "",
     BASE + "id/network/anas", f'rdfs:label "Ville de Rennes"@fr ; isic:actorType <{ACTOR}local-authority>'),
    (BASE + "id/territory/commune/35238", "Territory", "isic:inseeCode", "35238", "", BASE + "id/network/anas",
     f'rdfs:label "Rennes"@fr ; isic:territoryLevel level:commune ; isic:within <{BASE}id/territory/departement/35>'),
    (PEER_ORG, "Organisation", "rdfs:label", "Organisation du pair", "@fr", BASE + "id/peer/canary",
     f"isic:actorType <{ACTOR}association>"),
    (REFERENCE, "Organisation", "rdfs:label", "Organisme de référence", "@fr", BASE,
     f"isic:actorType <{ACTOR}public-service>"),
]


def variants(text: str, tag: str) -> list[str]:
    """Other literals than the stored one: new language tags, no tag, other datatypes, other case, other form."""
    others = [f'"{text}"@x-hacked', f'"{text}"@fr-x-hacked', f'"{text}"@en-gb', f'"{text}"^^xsd:normalizedString',
              f'"{text}"^^xsd:token', f'"{text} "{tag}', f'" {text}"{tag}']
    others += [f'"{text}"', f'"{text}"^^xsd:string'] if tag else [f'"{text}"@fr', f'"{text}"^^xsd:integer',
                                                                   f'"0{text}"', f'"{text}"^^xsd:decimal']
    changed = dict.fromkeys((text.upper(), text.lower(), text.title(), unicodedata.normalize("NFD", text)))
    others += [f'"{other}"{tag}' for other in changed if other != text]
    return others




@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in ("attacker", "action-sociale-35")}


@pytest.fixture(scope="module")
def owned(app: Flask) -> None:
    """A peer's harvested organisation, and an organisation reference data brought (the instance's)."""
    store, graphs = services(app).store, services(app).graphs
    store.update(f'INSERT DATA {{ GRAPH <{graphs.peer("canary", "south")}> {{ <{PEER_ORG}> a <{ISIC}Organisation> ; '
                 f'<http://www.w3.org/2000/01/rdf-schema#label> "Organisation du pair"@fr ; <{ISIC}actorType> '
                 f'<{ACTOR}association> }} }}')
    ownership.claim(store, graphs, ownership.peer(graphs, "canary"), [PEER_ORG],
                    BASE + "id/harvest/canary/south/20240101T000000000000Z")
    client = app.test_client()
    loaded = client.put("/graph-store", query_string={"graph": "http://example.org/graph/quartiers"},
                        data=f'<{REFERENCE}> <http://www.w3.org/2000/01/rdf-schema#label> '
                             '"Organisme de référence"@fr .\n'
                             f'<{REFERENCE}> <{ISIC}actorType> <{ACTOR}public-service> .\n'
                             f'<{REFERENCE}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ISIC}Organisation> .',
                        content_type="application/n-triples", headers=bearer(ADMIN))
    assert loaded.status_code in (201, 204), loaded.get_data(as_text=True)


def send(client: FlaskClient, token: str, turtle: str, how: str) -> TestResponse:
    return ways_in.sent(client, token, "attacker", PREFIXES + turtle, how)


WAYS = ["replace", "upsert", "put", "post", "validate"]
WAYS_IN = ways_in.split(WAYS[:-1], WAYS[-1:])
# each variant through one way in, the ways taken in turn: every way meets variants of every owner (one check reads
# them all), without sending each variant five times; the check's are live (its dry run's process)
CASES = [pytest.param(*case, how, marks=pytest.mark.live if how == "validate" else ())
         for i, case in enumerate((subject, kind, prop, literal, owner)
                                  for subject, kind, prop, text, tag, owner, _ in OWNED
                                  for literal in variants(text, tag))
         for how in (WAYS[i % len(WAYS)],)]


@pytest.mark.parametrize("ways", WAYS_IN)
@pytest.mark.parametrize("subject,kind,prop,text,tag,owner,rest", OWNED)
def test_an_exact_repeat_of_anothers_identity_is_a_reference(client: FlaskClient, tokens: dict[str, str],
                                                             owned: None, subject: str, kind: str, prop: str,
                                                             text: str, tag: str, owner: str, rest: str,
                                                             ways: tuple[str, ...]) -> None:
    same = [f'"{text}"{tag}'] + ([f'"{text}"{tag.upper()}'] if tag else [f'"{text}"^^xsd:string'])
    for literal in same:
        for how in ways:
            row = f"<{subject}> a isic:{kind} ; {prop} {literal}{' ; ' + rest if rest else ''} ."
            answer = send(client, tokens["attacker"], row, how)
            assert answer.status_code in (200, 201, 204), (how, literal, answer.get_data(as_text=True))


@pytest.mark.parametrize("subject,kind,prop,literal,owner,how", CASES)
def test_anything_but_an_exact_repeat_is_refused(app: Flask, client: FlaskClient, tokens: dict[str, str],
                                                 owned: None, subject: str, kind: str, prop: str, literal: str,
                                                 owner: str, how: str) -> None:
    before = attackers_graph(app)
    answer = send(client, tokens["attacker"], f"<{subject}> a isic:{kind} ; {prop} {literal} .", how)
    assert answer.status_code == 422, (how, literal, answer.get_data(as_text=True))
    problem = answer.get_json()
    assert problem["code"] == "not-owner" and problem["subject"] == subject and problem["owner"] == owner
    assert attackers_graph(app) == before


def attackers_graph(app: Flask) -> list[bytes]:
    dumped = services(app).store.dump(RdfFormat.N_QUADS, [BASE + "graph/network/attacker"])
    return sorted(dumped.splitlines())


@pytest.mark.parametrize("ways", WAYS_IN)
def test_the_attack_as_sent_is_refused_and_not_in_the_union_graph(app: Flask, client: FlaskClient,
                                                                  tokens: dict[str, str], owned: None,
                                                                  ways: tuple[str, ...]) -> None:
    victim = BASE + "id/network/anas"
    label = "Association nationale des assistants de service social"
    turtle = f'<{victim}> a isic:Network ; rdfs:label "{label}"@x-hacked, "{label}"@fr .'
    for how in ways:
        assert send(client, tokens["attacker"], turtle, how).status_code == 422
    assert services(app).store.query(f'ASK {{ <{victim}> ?p "{label}"@x-hacked }}') is False


@pytest.mark.parametrize("subject,kind", [(BASE + "id/project/les-incompris", "Project"),
                                          (BASE + "id/lesson/li-passage-isap-isic", "Lesson")])
@pytest.mark.parametrize("ways", WAYS_IN)
def test_a_project_or_lesson_is_named_by_its_type_only(client: FlaskClient, tokens: dict[str, str], subject: str,
                                                       kind: str, ways: tuple[str, ...]) -> None:
    """Their titles and statements are descriptions, not identity: repeating one, in any form, is refused."""
    title = "Les Incompris : l'audace d'oser"
    literals = (f'"{title}"@fr', f'"{title}"@x-hacked', f'"{title}"', f'"{title.upper()}"@fr')
    tries = [(literal, prop) for literal in literals for prop in ("dcterms:title", "rdfs:label")]
    for i, (literal, prop) in enumerate(tries):  # each form once, through the ways in taken in turn
        how = ways[i % len(ways)]
        answer = send(client, tokens["attacker"], f"<{subject}> a isic:{kind} ; {prop} {literal} .", how)
        assert answer.status_code == 422 and answer.get_json()["code"] == "not-owner", (literal, how)
    other_type = send(client, tokens["attacker"], f"<{subject}> a isic:Organisation .",
                      "upsert" if "upsert" in ways else ways[0])
    assert other_type.status_code == 422 and other_type.get_json()["code"] == "not-owner"


def test_a_csv_row_naming_another_networks_organisation_must_repeat_its_name_exactly(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    header = (SAMPLES / "action-sociale-35" / "organisations.csv").read_text(encoding="utf-8").splitlines()[0]

    def upload(name: str) -> TestResponse:
        table = f"{header}\nville-de-rennes,{name},local-authority,21350238800019,,\n".encode()
        return client.post("/api/networks/action-sociale-35/sheets",
                           data={"organisations.csv": (io.BytesIO(table), "organisations.csv")},
                           content_type="multipart/form-data", headers=bearer(tokens["action-sociale-35"]))

    assert upload("Ville de Rennes").status_code in (200, 201), upload("Ville de Rennes").get_data(as_text=True)
    for name in ("VILLE DE RENNES", "Ville de rennes", "City of Rennes"):  # its English name, read as French
        answer = upload(name)
        assert answer.status_code == 422 and answer.get_json()["code"] == "not-owner", name
