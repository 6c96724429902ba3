"""A JSON-LD document putting its statements in a named graph (an object with both @graph and @id, or @graph inside a
node) was stored in the network's graph, the graph name dropped without a word (204, the triples in anas's graph,
though the document named fcsf's): TriG and N-Quads were refused, JSON-LD's graphs were not. Every way in refuses
it (400, in the client's language), and stores nothing."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support.oxigraph_server import Watched

CONTEXT = {"isic": "https://w3id.org/isic/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
ORGANISATION = {"@id": f"{BASE}id/organisation/jl-gs", "@type": "isic:Organisation",
                "rdfs:label": {"@value": "JL", "@language": "fr"},
                "isic:actorType": {"@id": "https://w3id.org/isic/thesaurus/actor-type/association"}}
NAMED = [
    {"@context": CONTEXT, "@id": f"{BASE}graph/network/fcsf", "@graph": [ORGANISATION]},  # another network's graph
    {"@context": CONTEXT, "@id": "http://example.org/g", "@graph": ORGANISATION},
    [{"@context": CONTEXT, "@id": "urn:x:g", "@graph": [ORGANISATION]}],
    {"@context": CONTEXT, "@graph": [{"@id": "urn:x:g", "@graph": [ORGANISATION]}]},  # nested in the default graph
    {"@context": CONTEXT, "@graph": [{"@graph": [ORGANISATION]}]},  # a graph without a name (a blank node)
    {"@context": CONTEXT, **ORGANISATION, "rdfs:seeAlso": {"@graph": {"@id": "urn:x:a", "rdfs:label": "A"}}},
]
SAID = {"fr": "place des énoncés dans un graphe nommé", "en": "puts statements in a named graph"}


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("anas", "anas")


@pytest.mark.parametrize("document", NAMED)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_named_graph_is_refused_by_every_way_in(client: FlaskClient, seen: Watched, token: str,
                                                  document: object, lang: str) -> None:
    before = seen.now()
    body = json.dumps(document).encode()
    headers = {**bearer(token), "Accept-Language": lang}
    graph = f"{BASE}graph/network/anas"
    answers = {
        "api": client.post("/api/networks/anas/sheets", data=body, content_type="application/ld+json",
                           headers=headers),
        "api, multipart": client.post("/api/networks/anas/sheets", headers=headers,
                                      data={"files": (io.BytesIO(body), "orgs.jsonld")}),
        "graph store, POST": client.post("/graph-store", query_string={"graph": graph}, data=body,
                                         content_type="application/ld+json", headers=headers),
        "graph store, PUT": client.put("/graph-store", query_string={"graph": graph}, data=body,
                                       content_type="application/ld+json", headers=headers),
    }
    for way, answer in answers.items():
        assert answer.status_code == 400, (way, answer.get_data(as_text=True))
        assert SAID[lang] in answer.get_json()["detail"], (way, answer.get_json())
    assert before.unchanged()


@pytest.mark.live  # the dry run's process
@pytest.mark.parametrize("document", NAMED[:1] + NAMED[-1:])
def test_a_dry_run_of_a_named_graph_is_refused_too(client: FlaskClient, token: str, document: object) -> None:
    body = json.dumps(document).encode()
    for route in ("/api/validate", "/api/networks/anas/sheets?dry-run=1"):
        answer = client.post(route, data=body, content_type="application/ld+json",
                             headers={**bearer(token), "Accept-Language": "fr"})
        assert answer.status_code == 400, (route, answer.get_data(as_text=True))
        assert SAID["fr"] in answer.get_json()["detail"], (route, answer.get_json())


def test_the_default_graph_in_json_ld_is_stored_as_before(client: FlaskClient, token: str) -> None:
    body = json.dumps({"@context": CONTEXT, "@graph": [{**ORGANISATION, "@id": f"{BASE}id/organisation/jl-ok"}]})
    answer = client.post("/api/networks/anas/sheets", query_string={"mode": "upsert"}, data=body,
                         content_type="application/ld+json", headers=bearer(token))
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)
    asked = client.get("/sparql", query_string={"query": f"ASK {{ GRAPH <{BASE}graph/network/anas> "
                                                         f"{{ <{BASE}id/organisation/jl-ok> ?p ?o }} }}"},
                       headers={"Accept": "application/sparql-results+json"})
    assert asked.get_json()["boolean"] is True


VOCAB_RESET = {"@context": {**CONTEXT, "@vocab": None}, **ORGANISATION, "titel": "Ce texte est perdu",
               "siret": "12345678200010"}


@pytest.mark.parametrize("lang, said", [("fr", "n'a pu être lu en entier pour vérifier qu'aucune de ses clés"),
                                        ("en", "could not be read whole to make sure that none of its keys")])
def test_a_json_ld_document_the_processor_cannot_check_is_refused(
        client: FlaskClient, seen: Watched, token: str, lang: str, said: str) -> None:
    """`"@vocab": null` made pyld fail (KeyError), and the check for keys JSON-LD drops was passed over: `titel` and
    `siret` were dropped, the rest stored, 200. Unchecked, such a document is refused."""
    before = seen.now()
    body = json.dumps(VOCAB_RESET).encode()
    headers = {**bearer(token), "Accept-Language": lang}
    for answer in (client.post("/api/networks/anas/sheets", query_string={"mode": "upsert"}, data=body,
                               content_type="application/ld+json", headers=headers),
                   client.post("/graph-store", query_string={"graph": f"{BASE}graph/network/anas"}, data=body,
                               content_type="application/ld+json", headers=headers)):
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert said in answer.get_json()["detail"]
    assert before.unchanged()


OTHER = {**ORGANISATION, "@id": f"{BASE}id/organisation/jl-list"}
FLOATING = [
    {"@context": CONTEXT, "@graph": [{**ORGANISATION, "@id": f"{BASE}id/organisation/jl-a"}, {"@list": [OTHER]}]},
    [{"@context": CONTEXT, **ORGANISATION, "@id": f"{BASE}id/organisation/jl-b"},
     {"@context": CONTEXT, "@list": [OTHER]}],
    {"@context": CONTEXT, "@graph": [{**ORGANISATION, "@id": f"{BASE}id/organisation/jl-c"}, {"@value": "perdu"}]},
]


@pytest.mark.parametrize("document", FLOATING)
def test_a_list_or_value_on_its_own_at_the_top_is_refused(client: FlaskClient, seen: Watched, token: str,
                                                          document: object) -> None:
    """`{"@graph": [A, {"@list": [B]}]}` stored A and dropped B, 201: JSON-LD drops a list on its own, with the
    nodes it holds, and its processor says nothing of it."""
    before = seen.now()
    answer = client.post("/api/networks/anas/sheets", query_string={"mode": "upsert"}, data=json.dumps(document),
                         content_type="application/ld+json", headers={**bearer(token), "Accept-Language": "fr"})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert "une liste ou une valeur seule, que JSON-LD abandonne" in answer.get_json()["detail"]
    assert before.unchanged()


def test_a_node_named_alone_at_the_top_is_no_loss(client: FlaskClient, token: str) -> None:
    document = {"@context": CONTEXT, "@graph": [{**ORGANISATION, "@id": f"{BASE}id/organisation/jl-d"},
                                                {"@id": f"{BASE}id/organisation/jl-d"}]}
    answer = client.post("/api/networks/anas/sheets", query_string={"mode": "upsert"}, data=json.dumps(document),
                         content_type="application/ld+json", headers=bearer(token))
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)
