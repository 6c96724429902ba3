"""/graph-store: the Graph Store HTTP Protocol, with network graphs validated like ingestion."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from isic_graph.store.engine import Engine
from isic_graph.web import create_app
from tests.conftest import ADMIN, bearer
from tests.support import paths
from tests.support.oxigraph_server import Watched
from tests.support.queries import BASE

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
INVALID = ROOT / "tests" / "data" / "invalid" / "one-partner.ttl"
REF = "http://example.org/graph/reference"
DEMO = BASE + "graph/network/demo"


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Démo"), "fcsf": credentials.add("fcsf", "FCSF")}


def test_admin_puts_gets_posts_and_deletes_a_reference_graph(client: FlaskClient) -> None:
    ttl = '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .'
    put = client.put("/graph-store", query_string={"graph": REF}, data=ttl, content_type="text/turtle",
                     headers=bearer(ADMIN))
    assert put.status_code == 201
    again = client.put("/graph-store", query_string={"graph": REF}, data=ttl, content_type="text/turtle",
                       headers=bearer(ADMIN))
    assert again.status_code == 204
    post = client.post("/graph-store", query_string={"graph": REF}, content_type="application/n-triples",
                       data='<http://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .\n',
                       headers=bearer(ADMIN))
    assert post.status_code == 204
    got = client.get("/graph-store", query_string={"graph": REF}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.mimetype == "application/n-triples"
    assert sorted(got.get_data(as_text=True).splitlines()) == [
        '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .',
        '<http://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .']
    head = client.head("/graph-store", query_string={"graph": REF})
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) > 0
    assert client.delete("/graph-store", query_string={"graph": REF}, headers=bearer(ADMIN)).status_code == 204
    assert client.get("/graph-store", query_string={"graph": REF}).status_code == 404
    assert client.delete("/graph-store", query_string={"graph": REF}, headers=bearer(ADMIN)).status_code == 404


def test_graph_and_default_are_exclusive(client: FlaskClient) -> None:
    assert client.get("/graph-store").status_code == 400
    assert client.get(f"/graph-store?default&graph={REF}").status_code == 400


def test_writes_need_a_credential(client: FlaskClient, tokens: dict[str, str]) -> None:
    ttl = "<urn:a> <urn:b> <urn:c> ."
    assert client.put("/graph-store", query_string={"graph": REF}, data=ttl,
                      content_type="text/turtle").status_code == 401
    assert client.put("/graph-store", query_string={"graph": REF}, data=ttl, content_type="text/turtle",
                      headers=bearer(tokens["demo"])).status_code == 403


def test_network_puts_its_own_graph_through_validation(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["demo"]
    response = client.put("/graph-store", query_string={"graph": DEMO}, data=VALID.read_bytes(),
                          content_type="text/turtle", headers=bearer(token))
    assert response.status_code in (201, 204)
    before = client.get("/graph-store", query_string={"graph": DEMO}, headers={"Accept": "application/n-triples"}).data
    refused = client.put("/graph-store", query_string={"graph": DEMO}, data=INVALID.read_bytes(),
                         content_type="text/turtle", headers=bearer(token))
    assert refused.status_code == 422 and any(v["path"].endswith("#partner") for v in refused.json["violations"])
    after = client.get("/graph-store", query_string={"graph": DEMO}, headers={"Accept": "application/n-triples"}).data
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_network_cannot_write_another_networks_graph(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    anas = BASE + "graph/network/anas"
    before = client.get("/graph-store", query_string={"graph": anas}, headers={"Accept": "application/n-triples"}).data
    response = client.delete("/graph-store", query_string={"graph": anas}, headers=bearer(tokens["fcsf"]))
    assert response.status_code == 403
    after = client.get("/graph-store", query_string={"graph": anas}, headers={"Accept": "application/n-triples"}).data
    assert len(after) == len(before) > 0


@pytest.mark.parametrize("graph", ["graph/ontology", "graph/ownership.", "graph/metadata%2E", "graph/thesauri..",
                                   "graph/derived/identity.", "graph/derived/", "graph/derived/other",
                                   "graph/derived./identity"])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_managed_graphs_are_not_written_raw(client: FlaskClient, seen: Watched, method: str, graph: str) -> None:
    """Nor a look-alike of one (a path segment ending with dots reads as the segment), nor a graph under the
    derived graphs' space, as under the networks' and the peers'."""
    before = seen.now()
    response = client.open("/graph-store", method=method, query_string={"graph": BASE + graph},
                           data="<urn:a> <urn:b> <urn:c> .", content_type="text/turtle", headers=bearer(ADMIN))
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    assert "managed by isic-graph" in response.get_json()["detail"]
    assert before.unchanged()


def test_a_graph_of_reference_data_ending_with_a_dot_is_written(client: FlaskClient) -> None:
    graph = BASE + "graph/reference/territories."
    response = client.put("/graph-store", query_string={"graph": graph}, data="<urn:a> <urn:b> <urn:c> .",
                          content_type="text/turtle", headers=bearer(ADMIN))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert client.delete("/graph-store", query_string={"graph": graph}, headers=bearer(ADMIN)).status_code == 204


@pytest.mark.parametrize("spelling", ["127.000.000.001:5077", "127.1:5077", "2130706433:5077", "0x7f.0.0.1:5077",
                                      "0177.0.0.1:5077", "[::ffff:127.0.0.1]:5077", "127.0.0.1.:5077"])
def test_with_an_ip_base_a_managed_graph_is_not_written_under_another_spelling_of_its_address(
        engine: Engine, credentials: CredentialStore, spelling: str) -> None:
    """A browser reaches 127.0.0.1 under each of these: they name the network's own graph, which is written only
    as itself (validated as the network's), never raw, even by the administrator."""
    app = create_app(Settings(store_path=None, base_iri="http://127.0.0.1:5077/", admin_token=ADMIN,
                              credentials_path=credentials.path, peers_path=credentials.path.with_name("peers.json")),
                     engine)
    graph = f"http://{spelling}/graph/network/anas"
    response = app.test_client().put("/graph-store", query_string={"graph": graph}, content_type="text/turtle",
                                     data="<urn:a> <urn:b> <urn:c> .", headers=bearer(ADMIN))
    assert response.status_code == 403, response.data[:300]
    assert "managed" in response.get_json()["detail"]


def test_unsupported_body_is_415(client: FlaskClient) -> None:
    response = client.put("/graph-store", query_string={"graph": REF}, data=b"x", content_type="application/pdf",
                          headers=bearer(ADMIN))
    assert response.status_code == 415


def test_default_graph_put_is_read_back_within_the_union(client: FlaskClient) -> None:
    ttl = '<http://example.org/d> <http://www.w3.org/2000/01/rdf-schema#label> "in the default graph" .'
    assert client.put("/graph-store?default", data=ttl, content_type="text/turtle",
                      headers=bearer(ADMIN)).status_code == 204
    got = client.get("/graph-store?default", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert ttl in got.splitlines() and "les-incompris" in got
    assert client.delete("/graph-store?default", headers=bearer(ADMIN)).status_code == 204
    assert ttl not in client.get("/graph-store?default",
                                 headers={"Accept": "application/n-triples"}).get_data(as_text=True)


@pytest.mark.parametrize("method", ["put", "post", "delete"])
@pytest.mark.parametrize("parameter, said", [("dry-run=1", "no dry run"), ("dry-run=true", "no dry run"),
                                             ("mode=upsert", "not 'mode'"), ("validate=0", "not 'validate'")])
def test_a_write_with_a_parameter_the_graph_store_does_not_read_is_refused_and_writes_nothing(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, method: str, parameter: str, said: str) -> None:
    """`?dry-run=1` on a PUT was passed over: the data was written, 204, to a client that meant to try it."""
    before = seen.now()
    query = f"{parameter}&graph={DEMO}" if method == "delete" else f"graph={DEMO}&{parameter}"  # either order
    response = getattr(client, method)(f"/graph-store?{query}", data=VALID.read_bytes(), content_type="text/turtle",
                                       headers={**bearer(tokens["demo"]), "Accept-Language": "fr"})
    assert response.status_code == 400, response.json
    english = getattr(client, method)(f"/graph-store?{query}", data=VALID.read_bytes(), content_type="text/turtle",
                                      headers=bearer(tokens["demo"]))
    assert said in english.json["detail"] and "nothing was written" in english.json["detail"]
    assert "rien n'a été écrit" in response.json["detail"]
    assert before.unchanged()


def test_a_read_passes_over_a_parameter_it_does_not_read(client: FlaskClient) -> None:
    """A GET that a browser or a cache-busting client decorates (`&_=1700000000`) reads the graph as asked."""
    got = client.get(f"/graph-store?graph={BASE}graph/ontology&_=1700000000", headers={"Accept": "text/turtle"})
    assert got.status_code == 200 and got.mimetype == "text/turtle"


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
@pytest.mark.parametrize("value", ['"', 'abc', '"a" "b"', 'W/abc', '"a",', '*, "a"', 'W/ "a"'])
def test_a_malformed_conditional_header_is_400_naming_it_and_nothing_is_written(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, header: str, value: str) -> None:
    """`If-Match: "` (an unclosed quote) was told 412, "changed since the ETag given was read"."""
    before = seen.now()
    response = client.put("/graph-store", query_string={"graph": DEMO}, data=VALID.read_bytes(),
                          content_type="text/turtle", headers={**bearer(tokens["demo"]), header: value})
    assert response.status_code == 400 and f"{header} is neither * nor a list of ETags" in response.json["detail"]
    assert before.unchanged()
    for path in ("/sparql?query=ASK%7B%7D", "/ontology", f"/graph-store?graph={BASE}graph/ontology"):
        assert client.get(path, headers={header: value}).status_code == 400, path


@pytest.mark.parametrize("value", ['"x"', 'W/"x"', '"a", W/"b"', "*", " ", '""'])
def test_a_well_formed_conditional_header_is_read_as_a_condition(client: FlaskClient, value: str) -> None:
    got = client.get(f"/graph-store?graph={BASE}graph/ontology", headers={"If-None-Match": value})
    assert got.status_code in (200, 304)
