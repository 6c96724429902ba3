"""A submission that holds no statement (an empty file, comments only, an empty JSON-LD object, a file whose one
node has no property) changes nothing: refused with a message in English and French, the network's graph kept.
Replacing a network's graph by nothing would lose all of it to a failed export; a network withdraws its data by
deleting its graph."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import paths

VALID = (paths.ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl").read_bytes()
EMPTY = [("text/turtle", b""), ("text/turtle", b"# rien\n@prefix ex: <http://example.org/> .\n"),
         ("application/n-triples", b"\n\n"), ("application/ld+json", b"{}"), ("application/ld+json", b"[]"),
         ("application/ld+json", b'{"@id": "\\u0000"}'), ("application/ld+json", b'{"@context": {}}')]


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Réseau de démonstration")}


def network_graph(client: FlaskClient) -> bytes:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}graph/network/demo> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


@pytest.mark.parametrize(("media_type", "body"), EMPTY)
def test_an_empty_submission_is_refused_and_keeps_the_networks_graph(client: FlaskClient, tokens: dict[str, str],
                                                                     media_type: str, body: bytes) -> None:
    first = client.post("/api/networks/demo/sheets", data=VALID, content_type="text/turtle",
                        headers=bearer(tokens["demo"]))
    assert first.status_code in (200, 201)
    before = network_graph(client)
    assert before
    extension = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld"}[media_type]
    for lang, words in (("en", "holds no statement"), ("fr", "ne contient aucune donnée")):
        headers = {**bearer(tokens["demo"]), "Accept-Language": lang}
        for response in (
                client.post("/api/networks/demo/sheets", data=body, content_type=media_type, headers=headers),
                client.post("/api/networks/demo/sheets", data={"files": (io.BytesIO(body), f"fiche.{extension}")},
                            content_type="multipart/form-data", headers=headers),
                client.put("/graph-store", query_string={"graph": BASE + "graph/network/demo"}, data=body,
                           content_type=media_type, headers=headers)):
            assert response.status_code == 400 and words in response.get_data(as_text=True), \
                response.get_data(as_text=True)[:300]
    assert network_graph(client) == before


def test_a_network_still_withdraws_its_data_by_deleting_its_graph(client: FlaskClient,
                                                                  tokens: dict[str, str]) -> None:
    client.post("/api/networks/demo/sheets", data=VALID, content_type="text/turtle", headers=bearer(tokens["demo"]))
    response = client.delete("/graph-store", query_string={"graph": BASE + "graph/network/demo"},
                             headers=bearer(tokens["demo"]))
    assert response.status_code == 204 and network_graph(client) == b""
