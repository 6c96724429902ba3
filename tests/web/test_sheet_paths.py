"""Spreadsheet exports and workbooks through every way in: the API's multipart upload (and curl against a running
server), the upload page, the CLI's ingest and validate. A refused sheet leaves the store as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.support import paths
from tests.unit import test_cli

ROOT = paths.ROOT
FIXTURES = ROOT / "tests" / "data" / "sheets"
SEMICOLONS = FIXTURES / "libreoffice-cp1252"
NETWORK = "action-sociale-35"
PROJECT = "http://localhost:5000/id/project/cafe-des-parents-rennes"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test


def broken_workbook() -> bytes:
    """The LibreOffice workbook with the mistakes a data person makes: a misspelt category, a French amount gone
    wrong, a renamed column."""
    book = load_workbook(FIXTURES / "action-sociale-35.xlsx")
    lessons = book["lessons"]
    category = next(c.column_letter for c in lessons[1] if c.value == "categorie")
    lessons[f"{category}2"] = "obstcle"
    fundings = book["fundings"]
    amount = next(c.column_letter for c in fundings[1] if c.value == "montant")
    fundings[f"{amount}3"] = "1,500"
    projects = book["projects"]
    next(c for c in projects[1] if c.value == "genese").value = "genèze"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


@pytest.fixture
def token(client: FlaskClient, credentials: CredentialStore) -> str:
    """The network's token, once the network whose lesson the sample's sheet confirms (anas) is published."""
    anas = credentials.add("anas", "ANAS")
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in sorted((ROOT / "samples" / "anas").glob("*.ttl"))]
    published = client.post("/api/networks/anas/sheets", data={"files": files}, headers=bearer(anas),
                            content_type="multipart/form-data")
    assert published.status_code in (200, 201), published.json
    return credentials.add(NETWORK, "Action sociale 35")


def with_anas(cli):  # type: ignore[no-untyped-def]
    """The commands, once anas (whose lesson the sample's sheet confirms) is published."""
    anas = cli("ingest", *map(str, sorted((ROOT / "samples" / "anas").glob("*.ttl"))), "--network", "anas")
    assert anas.exit_code == 0, anas.output
    return cli


def semicolon_parts() -> dict[str, list[tuple[io.BytesIO, str]]]:
    return {"files": [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(SEMICOLONS.glob("*.csv"))]}


# ---------------------------------------------------------------- the API

def test_api_takes_french_excel_csv_and_a_libreoffice_workbook(client: FlaskClient, token: str) -> None:
    response = client.post(f"/api/networks/{NETWORK}/sheets", data=semicolon_parts(), headers=bearer(token),
                           content_type="multipart/form-data")
    assert response.status_code in (200, 201), response.json
    first = response.json["triples"]
    book = (FIXTURES / "action-sociale-35.xlsx").read_bytes()
    response = client.post(f"/api/networks/{NETWORK}/sheets",
                           data={"files": [(io.BytesIO(book), "fiche.xlsx")]}, headers=bearer(token),
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["triples"] == first
    as_body = client.post(f"/api/networks/{NETWORK}/sheets", data=book, content_type=XLSX, headers=bearer(token))
    assert as_body.status_code == 200, as_body.json


@pytest.mark.live  # a dry run's process
def test_api_refuses_a_broken_workbook_with_each_problem_once_in_the_asked_language(client: FlaskClient,
                                                                                    token: str) -> None:
    before = dataset(client)
    response = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": [(io.BytesIO(broken_workbook()),
                                                                                "fiche.xlsx")]},
                           headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.json
    assert body["code"] == "sheet-refused"
    assert [v["location"] for v in body["violations"]] == [
        {"file": "fiche.xlsx › fundings", "row": 3, "column": "montant"},
        {"file": "fiche.xlsx › lessons", "row": 2, "column": "categorie"},
        {"file": "fiche.xlsx › projects", "row": 1, "column": "genèze"}]
    assert "vouliez-vous dire « obstacle (Frein) »" in body["report"]
    assert "colonne inconnue ; vouliez-vous dire « genese » ?" in body["report"]
    assert "http" not in body["report"] and "isic:" not in body["report"]
    assert dataset(client) == before
    english = client.post(f"/api/validate?network={NETWORK}", data={"files": [(io.BytesIO(broken_workbook()),
                                                                                  "fiche.xlsx")]},
                          headers={**bearer(token), "Accept-Language": "en"}, content_type="multipart/form-data")
    assert english.status_code == 422 and english.json["code"] == "sheet-refused"
    assert "did you mean 'obstacle'?" in english.json["report"]
    assert dataset(client) == before


def test_upload_page_shows_each_problem_of_a_semicolon_sheet_in_french(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    lessons = (SEMICOLONS / "lessons.csv").read_bytes().replace(b";obstacle;", b";obstcle;", 1)
    files = [(io.BytesIO(lessons), "lessons.csv")]
    response = client.post("/sheets/csv", data={"files": files, "credential": token},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("vouliez-vous dire") == 1 and "« obstcle »" in page.replace("&#34;", '"')
    assert dataset(client) == before
    assert client.get("/sheets/csv").get_data(as_text=True).count("/sheets/template.xlsx") == 1
    template = client.get("/sheets/template.xlsx")
    assert template.status_code == 200 and template.mimetype == XLSX
    assert "lessons" in load_workbook(io.BytesIO(template.data)).sheetnames


# ---------------------------------------------------------------- the CLI

def test_cli_ingests_french_excel_csv_and_refuses_a_broken_workbook_changing_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = with_anas(cli)
    ingested = cli("ingest", *map(str, sorted(SEMICOLONS.glob("*.csv"))), "--network", NETWORK)
    assert ingested.exit_code == 0, ingested.output
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = cli("query", count, "--format", "csv").output
    broken = tmp_path / "fiche.xlsx"
    broken.write_bytes(broken_workbook())
    refused = cli("ingest", str(broken), "--network", NETWORK)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "3 problème(s) à corriger dans la fiche" in refused.output
    assert "[fiche.xlsx › lessons, ligne 2, colonne « categorie »] « obstcle »" in refused.output
    assert "rien n'a été enregistré" in refused.output
    assert cli("query", count, "--format", "csv").output == before


def test_cli_validate_says_a_sheet_problem_in_the_asked_language_and_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = with_anas(cli)
    broken = tmp_path / "fiche.xlsx"
    broken.write_bytes(broken_workbook())
    french = cli("validate", str(broken))
    assert french.exit_code == 1 and "vouliez-vous dire « obstacle (Frein) »" in french.output
    english = cli("validate", str(broken), "--lang", "en")
    assert english.exit_code == 1 and "missing" not in english.output
    assert "[fiche.xlsx › projects, row 1, column 'genèze'] unknown column; did you mean 'genese'?" in english.output
    ods = cli("validate", str(FIXTURES / "action-sociale-35.ods"), "--network", NETWORK)
    assert ods.exit_code == 0, ods.output


# ---------------------------------------------------------------- curl against a running server

