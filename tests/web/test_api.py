"""Writes over HTTP: the ingestion API, /update, credentials; refused writes leave the store unchanged."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import ADMIN, bearer
from tests.support import paths
from tests.support.queries import BASE

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
INVALID = ROOT / "tests" / "data" / "invalid" / "end-before-start.ttl"


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Réseau de démonstration"),
            "anas": credentials.add("anas", "ANAS")}


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


def test_network_posts_its_sheet_and_gets_a_summary(client: FlaskClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/networks/demo/sheets", data=VALID.read_bytes(), content_type="text/turtle",
                           headers=bearer(tokens["demo"]))
    assert response.status_code in (200, 201), response.json
    body = response.json
    assert body["graph"] == BASE + "graph/network/demo" and body["triples"] > 20 and body["subjects"] > 5
    assert body["provenance"].startswith(BASE + "id/ingestion/")


def test_write_without_token_is_401_and_changes_nothing(client: FlaskClient) -> None:
    before = dataset(client)
    response = client.post("/api/networks/demo/sheets", data=VALID.read_bytes(), content_type="text/turtle")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert dataset(client) == before


def test_token_of_another_network_is_403_and_changes_nothing(client: FlaskClient, tokens: dict[str, str]) -> None:
    before = dataset(client)
    response = client.post("/api/networks/demo/sheets", data=VALID.read_bytes(), content_type="text/turtle",
                           headers=bearer(tokens["anas"]))
    assert response.status_code == 403 and "anas" in response.json["detail"]
    assert dataset(client) == before


def test_invalid_sheet_is_422_with_readable_violations(client: FlaskClient, tokens: dict[str, str]) -> None:
    before = dataset(client)
    response = client.post("/api/networks/demo/sheets", data=INVALID.read_bytes(), content_type="text/turtle",
                           headers={**bearer(tokens["demo"]), "Accept-Language": "en"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.json
    assert body["code"] == "validation-failed"
    assert any(v["path"] == "https://w3id.org/isic/ontology#startDate" for v in body["violations"])
    assert "problem(s) to fix" in body["report"]
    assert dataset(client) == before


@pytest.mark.live  # a dry run's process
def test_invalid_sheet_report_in_turtle_when_asked(client: FlaskClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/validate", data=INVALID.read_bytes(), content_type="text/turtle",
                           headers={"Accept": "text/turtle", **bearer(tokens["demo"])})
    assert response.status_code == 422 and response.mimetype == "text/turtle"
    assert b"ValidationReport" in response.data and b"startDate" in response.data


@pytest.mark.live  # a dry run's process
def test_validate_is_a_dry_run_for_networks(client: FlaskClient, tokens: dict[str, str]) -> None:
    before = dataset(client)
    response = client.post("/api/validate", data=VALID.read_bytes(), content_type="text/turtle",
                           headers=bearer(tokens["demo"]))
    assert response.status_code == 200 and response.json["conforms"] is True, response.json
    assert dataset(client) == before


@pytest.mark.live  # a dry run's process
def test_validate_with_a_networks_token_refuses_what_that_network_could_not_publish(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    """A network's dry run checks the sheet as that network would send it (ownership included), not the shapes
    alone: a sheet it would be refused is not said to conform."""
    before = dataset(client)
    dry = client.post("/api/validate", data=VALID.read_bytes(), content_type="text/turtle",
                      headers=bearer(tokens["anas"]))  # the demo network's sheet
    sent = client.post("/api/networks/anas/sheets?dry-run=1", data=VALID.read_bytes(), content_type="text/turtle",
                       headers=bearer(tokens["anas"]))
    assert dry.status_code == sent.status_code == 400
    assert dry.json["detail"] == sent.json["detail"] and "demo" in dry.json["detail"]
    assert client.post("/api/validate", data=VALID.read_bytes(), content_type="text/turtle",
                       headers=bearer(ADMIN)).json["conforms"] is True  # the administrator's: the shapes alone
    assert dataset(client) == before


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"},
                                     {"Authorization": "Bearer "}],
                         ids=["none", "unknown-token", "basic", "empty-bearer"])
def test_validate_without_a_network_credential_is_401_before_reading_the_body(
        client: FlaskClient, headers: dict[str, str]) -> None:
    for path in ("/api/validate", "/api/validate?network=demo"):
        response = client.post(path, data=INVALID.read_bytes(), content_type="text/turtle", headers=headers)
        assert response.status_code == 401 and response.json["code"] == "unauthorized"
        assert "violations" not in response.json


def test_validate_for_another_network_is_403(client: FlaskClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/validate?network=demo", data=VALID.read_bytes(), content_type="text/turtle",
                           headers=bearer(tokens["anas"]))
    assert response.status_code == 403


def many_problems(count: int) -> bytes:
    """A sheet of `count` projects, each ending before it starts."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    lines += [f'<{BASE}id/project/p{n}> a isic:Project ; isic:startDate "2020-01-02"^^xsd:date ; '
              f'isic:endDate "2019-01-01"^^xsd:date .' for n in range(count)]
    return "\n".join(lines).encode()


@pytest.mark.live  # a dry run's process
def test_a_report_of_many_problems_shows_the_first_and_counts_them_all(client: FlaskClient,
                                                                       tokens: dict[str, str]) -> None:
    from isic_graph.ingest.dry_run import REPORT_LIMIT

    response = client.post("/api/validate", data=many_problems(300), content_type="text/turtle",
                           headers={**bearer(tokens["demo"]), "Accept-Language": "en"})
    assert response.status_code == 422, response.json
    body = response.json
    total = int(response.headers["Isic-Problems"])
    assert total > 300 and body["problems"] == total
    assert len(body["violations"]) == REPORT_LIMIT == int(response.headers["Isic-Problems-Shown"])
    assert body["detail"] == f"{total} problem(s) to fix (the first {REPORT_LIMIT} shown)"
    assert body["report"].startswith(f"{total} problem(s) to fix:")
    assert body["report"].endswith(f"… and {total - REPORT_LIMIT} more")
    turtle = client.post("/api/validate", data=many_problems(60), content_type="text/turtle",  # still past the limit
                         headers={**bearer(tokens["demo"]), "Accept": "text/turtle"})
    from rdflib import Graph, Namespace

    report = Graph().parse(data=turtle.data, format="turtle")
    assert int(turtle.headers["Isic-Problems"]) > REPORT_LIMIT
    assert len(set(report.objects(None, Namespace("http://www.w3.org/ns/shacl#").result))) == REPORT_LIMIT


@pytest.mark.live  # a dry run's process
def test_csv_sheets_as_multipart_files(client: FlaskClient, tokens: dict[str, str]) -> None:
    files = {p.name: (io.BytesIO(p.read_bytes()),
                      p.name) for p in (ROOT / "samples" / "action-sociale-35").glob("*.csv")}
    response = client.post("/api/validate?network=action-sociale-35", data=files, content_type="multipart/form-data",
                           headers=bearer(ADMIN))
    assert response.status_code == 200, response.json


def test_unknown_media_type_is_415(client: FlaskClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/networks/demo/sheets", data=b"x", content_type="application/pdf",
                           headers=bearer(tokens["demo"]))
    assert response.status_code == 415


def test_update_needs_the_admin_token(client: FlaskClient, tokens: dict[str, str]) -> None:
    update = {"update": "INSERT DATA { GRAPH <http://example.org/ref> { <urn:a> <urn:b> <urn:c> } }"}
    assert client.post("/update", data=update).status_code == 401
    assert client.post("/update", data=update, headers=bearer(tokens["demo"])).status_code == 403
    assert client.post("/update", data=update, headers=bearer(ADMIN)).status_code == 204
    ask = client.get("/sparql", query_string={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert ask.json["boolean"] is True


def test_revoked_token_is_refused(credentials: CredentialStore, client: FlaskClient) -> None:
    token = credentials.add("temp", "Réseau temporaire")
    credentials.revoke("temp")
    refused = client.post("/api/networks/temp/sheets", data=VALID.read_bytes(), content_type="text/turtle",
                          headers=bearer(token))
    assert refused.status_code == 401


def test_credentials_keep_only_hashes(credentials: CredentialStore, tokens: dict[str, str]) -> None:
    text = credentials.path.read_text()
    assert tokens["demo"] not in text and "token_sha256" in text
    assert credentials.network_for(tokens["demo"]) == "demo"


def test_home_page_shows_counts_and_the_endpoint(client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/sparql" in page
    assert "graph/network/anas" in page and "isic:Lesson" in page


def test_update_with_a_protocol_dataset(client: FlaskClient) -> None:
    seed = {"update": "INSERT DATA { GRAPH <http://example.org/u1> { <urn:x> <urn:p> 1 } }"}
    assert client.post("/update", data=seed, headers=bearer(ADMIN)).status_code == 204
    copy = {"update": "INSERT { GRAPH <http://example.org/u2> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
            "using-graph-uri": "http://example.org/u1"}
    assert client.post("/update", data=copy, headers=bearer(ADMIN)).status_code == 204
    count = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/u2> { ?s ?p ?o } }"})
    assert count.json["results"]["bindings"][0]["n"]["value"] == "1"


def test_non_utf8_query_body_is_refused(client: FlaskClient) -> None:
    response = client.post("/sparql", data="ASK {}".encode("latin-1"),
                           content_type="application/sparql-query; charset=ISO-8859-1")
    assert response.status_code == 415
