"""A network describes none of the terms the shared vocabulary describes, whatever vocabulary they come from
(dcterms:title, foaf:Person, schema:Project: the ontology declares them) nor those of RDF, RDFS, OWL and XSD, in any
spelling and through every way in: refused as the instance's (422 `not-owner`), and the store left as it was."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import ways_in
from tests.support.oxigraph_server import Watched

TERMS = ("http://purl.org/dc/terms/title", "http://xmlns.com/foaf/0.1/Person", "https://schema.org/Project",
         "http://www.w3.org/ns/prov#wasAttributedTo", "http://www.w3.org/2004/02/skos/core#Concept",
         "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2002/07/owl#Class",
         # spelt otherwise: case in scheme and host, a doubled slash, a trailing slash, a percent-escape, a dot segment
         "HTTP://PURL.ORG/dc/terms/title", "http://purl.org//dc/terms/title", "http://purl.org/dc/terms/title/",
         "http://purl.org/dc/terms/%74itle", "http://xmlns.com/foaf/0.1/./Person", "HTTPS://W3ID.ORG/isic/ontology#Project")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Réseau de démonstration")}


def bodies(term: str) -> list[tuple[str, bytes]]:
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    return [("text/turtle", f'<{term}> <{label}> "Titre détourné"@fr .'.encode()),
            ("application/n-triples", f'<{term}> <{label}> "Titre détourné"@fr .\n'.encode()),
            ("application/ld+json", json.dumps({"@id": term, label: {"@value": "Titre détourné", "@language": "fr"}})
             .encode())]


WAYS_IN = ways_in.split([("POST", "/api/networks/demo/sheets", {}),
                         ("PUT", "/graph-store", {"graph": BASE + "graph/network/demo"}),
                         ("POST", "/graph-store", {"graph": BASE + "graph/network/demo"})],
                        [("POST", "/api/validate", {"network": "demo"})])


@pytest.mark.parametrize("ways", WAYS_IN)
@pytest.mark.parametrize("term", TERMS)
def test_a_network_describing_a_vocabulary_term_is_refused_on_every_way_in(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, term: str,
        ways: tuple[tuple[str, str, dict[str, str]], ...]) -> None:
    before = seen.now()
    for media_type, body in bodies(term):
        for method, route, query in ways:
            for lang, words in (("en", "shared vocabulary"), ("fr", "vocabulaire commun")):
                response = client.open(route, method=method, query_string=query, data=body, content_type=media_type,
                                       headers={**bearer(tokens["demo"]), "Accept-Language": lang})
                assert response.status_code == 422 and words in response.get_data(as_text=True), \
                    (method, route, media_type, response.status_code, response.get_data(as_text=True)[:300])
                assert response.get_json()["code"] == "not-owner" and response.get_json()["subject"] == term
    assert before.unchanged()


@pytest.mark.live  # a dry run's process
def test_a_network_still_uses_vocabulary_terms_as_types_and_properties(client: FlaskClient,
                                                                        tokens: dict[str, str]) -> None:
    body = (f'<{BASE}id/person/claude> a <http://xmlns.com/foaf/0.1/Person> ; '
            '<http://xmlns.com/foaf/0.1/name> "Claude Bernard" .').encode()
    response = client.post("/api/validate?network=demo", data=body, content_type="text/turtle",
                           headers=bearer(tokens["demo"]))
    assert "vocabulaire commun" not in response.get_data(as_text=True) and response.status_code < 500


@pytest.mark.parametrize("subject", [BASE.replace("http://", "https://") + "id/project/les-incompris",
                                     BASE.replace("http://", "HTTPS://") + "id/lesson/li-passage-isap-isic",
                                     BASE.replace("http://", "https://") + "id/network/anas",
                                     BASE.replace("http://", "https://") + "id/project/tout-nouveau"])
def test_the_instances_iris_with_the_other_web_scheme_are_refused_as_look_alikes(client: FlaskClient,
                                                                                  tokens: dict[str, str],
                                                                                  seen: Watched, subject: str) -> None:
    before = seen.now()
    body = f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#comment> "Détourné"@fr .'.encode()
    for lang, words in (("en", "is not written as this instance's IRIs are"),
                        ("fr", "n'est pas écrit comme les IRI de cette instance")):
        response = client.post("/api/networks/demo/sheets", data=body, content_type="text/turtle",
                               headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_data(as_text=True), response.get_data()[:300]
    assert before.unchanged()
