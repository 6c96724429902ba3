"""A sheet means the same whatever the mode and the way in. A network's unchanged sheet files, sent one table at a
time or all together, in upsert, tables or replace mode, change nothing: upsert of a table describes its rows again,
keeping what the tables not sent state of them (a project's fundings, roles, partnerships, user groups), and
removes no resource. Sheet tables and RDF files are not taken in one upload (one would change what the other
means). A table file with no row of column titles (an empty file, a failed export) is refused, not read as an
empty table that would remove every resource of its table. Nothing is stored on refusal."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.unit import test_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "action-sociale-35"
NETWORKS = ("action-sociale-35", "anas", "fcsf")
ISIC = "https://w3id.org/isic/ontology#"
EMPTY = {"added": [], "changed": [], "removed": []}
cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {network: credentials.add(network, network) for network in NETWORKS}


def graph(client: FlaskClient, network: str) -> list[str]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <http://localhost:5000/graph/network/{network}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return sorted(response.get_data(as_text=True).splitlines())


def exported(client: FlaskClient, network: str) -> dict[str, bytes]:
    """The network's current sheet, as the site gives it (/sheets/current.zip)."""
    response = client.get("/sheets/current.zip", query_string={"network": network})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith(".csv")}


def sheets_of(client: FlaskClient, network: str) -> list[dict[str, bytes]]:
    """The sheet files of a network: its sample's own files when it has them, and its exported sheet."""
    found = [exported(client, network)]
    if network == "action-sociale-35":
        found.append({p.name: p.read_bytes() for p in sorted(SAMPLE.glob("*.csv"))})
    return found


def send(client: FlaskClient, token: str, network: str, files: dict[str, bytes], **args: str) -> dict[str, object]:
    response = client.post(f"/api/networks/{network}/sheets", query_string=args, headers=bearer(token),
                           data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 201), response.get_data(as_text=True)[:3000]
    return response.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("network", NETWORKS)
def test_unchanged_sheet_files_change_nothing_in_any_mode(client: FlaskClient, tokens: dict[str, str],
                                                          network: str) -> None:
    before = graph(client, network)
    for files in sheets_of(client, network):
        assert files
        for mode in ("upsert", "tables"):
            for name, data in files.items():
                answer = send(client, tokens[network], network, {name: data}, mode=mode, **{"dry-run": "1"})
                assert answer["changes"] == EMPTY, (network, mode, name, answer["changes"])
        for mode in ("upsert", "tables", "replace"):
            answer = send(client, tokens[network], network, files, mode=mode, **{"dry-run": "1"})
            assert answer["changes"] == EMPTY, (network, mode, answer["changes"])
    assert graph(client, network) == before


def test_upserting_the_unchanged_projects_table_keeps_the_links_other_tables_make(client: FlaskClient,
                                                                                  tokens: dict[str, str]) -> None:
    network = "action-sociale-35"
    before = graph(client, network)
    links = [t for t in before if any(f"<{ISIC}{p}>" in t for p in ("funding", "involves", "partnership",
                                                                       "userGroup"))]
    assert len(links) >= 10
    answer = send(client, tokens[network], network, {"projects.csv": (SAMPLE / "projects.csv").read_bytes()},
                  mode="upsert")
    assert answer["changes"] == EMPTY
    assert graph(client, network) == before


def test_upsert_of_a_table_changes_its_rows_and_removes_none(client: FlaskClient, tokens: dict[str, str]) -> None:
    network = "action-sociale-35"
    lines = (SAMPLE / "projects.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 3  # the header and two projects
    changed = lines[1].replace("Café des parents", "Café des parents et des enfants", 1)
    assert changed != lines[1]
    before = graph(client, network)
    answer = send(client, tokens[network], network, {"projects.csv": "".join([lines[0], changed]).encode()},
                  mode="upsert", **{"dry-run": "1"})
    assert [c["change"] for k in ("added", "changed", "removed") for c in answer["changes"][k]] == ["changed"]
    assert answer["mode"] == "upsert"
    tables = send(client, tokens[network], network, {"projects.csv": "".join([lines[0], changed]).encode()},
                  mode="tables", **{"dry-run": "1"})
    assert {c["class"] for c in tables["changes"]["removed"]} >= {"Project"}  # a deleted row removes it there
    assert graph(client, network) == before


MIXED = {"projects.csv": (SAMPLE / "projects.csv").read_bytes(), "x.ttl": b""}


@pytest.mark.parametrize("mode", [None, "upsert", "replace"])
def test_the_api_refuses_sheet_tables_and_rdf_files_in_one_upload(client: FlaskClient, tokens: dict[str, str],
                                                                  mode: str | None) -> None:
    network = "action-sociale-35"
    before = graph(client, network)
    for lang, words in (("fr", "envoyez séparément les tableaux (projects.csv) et les fichiers RDF (x.ttl)"),
                        ("en", "send the tables (projects.csv) and the RDF files (x.ttl) separately")):
        response = client.post(f"/api/networks/{network}/sheets", query_string={"lang": lang, **({"mode": mode}
                                                                                                 if mode else {})},
                               headers=bearer(tokens[network]), content_type="multipart/form-data",
                               data={"files": [(io.BytesIO(d), n) for n, d in MIXED.items()]})
        assert response.status_code == 400, response.get_data(as_text=True)[:2000]
        assert words in response.get_data(as_text=True)
    assert graph(client, network) == before


def test_the_upload_page_refuses_sheet_tables_and_rdf_files_in_one_upload(client: FlaskClient,
                                                                         tokens: dict[str, str]) -> None:
    network = "action-sociale-35"
    before = graph(client, network)
    response = client.post("/sheets/csv?lang=fr", content_type="multipart/form-data", data={
        "credential": tokens[network], "files": [(io.BytesIO(d), n) for n, d in MIXED.items()]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:2000]
    assert "envoyez séparément les tableaux (projects.csv) et les fichiers RDF (x.ttl)" in html
    assert "Retirés" not in html and "Modifiés" not in html
    assert graph(client, network) == before


HEADERLESS = {"0 bytes": b"", "a BOM only": "\ufeff".encode(), "blank lines": b"\r\n\r\n\n"}


@pytest.mark.parametrize("content", HEADERLESS.values(), ids=HEADERLESS.keys())
def test_a_table_file_without_its_header_row_is_refused(client: FlaskClient, tokens: dict[str, str],
                                                        content: bytes) -> None:
    network = "action-sociale-35"
    before = graph(client, network)
    for mode in ("tables", "upsert", "replace"):
        for dry in ("1", "0"):
            response = client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode, "dry-run": dry,
                                                                                     "lang": "fr"},
                                   headers=bearer(tokens[network]), content_type="multipart/form-data",
                                   data={"files": [(io.BytesIO(content), "projects.csv")]})
            text = response.get_data(as_text=True)
            assert response.status_code == 422, text[:2000]
            assert response.get_json()["code"] == "sheet-refused"
            assert "le tableau est vide : il n'a pas de ligne de titres de colonnes" in text
            assert "projects.csv" in text
    body = client.post(f"/api/networks/{network}/sheets", query_string={"table": "projects"},
                       headers={**bearer(tokens[network]), "Content-Type": "text/csv"}, data=content)
    assert body.status_code == 422 and "the table is empty" in body.get_data(as_text=True)
    page = client.post("/sheets/csv?lang=fr", content_type="multipart/form-data", data={
        "credential": tokens[network], "files": [(io.BytesIO(content), "projects.csv")]})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "le tableau est vide" in html and "Retirés" not in html
    assert graph(client, network) == before


def test_an_empty_worksheet_of_a_workbook_is_refused(client: FlaskClient, tokens: dict[str, str]) -> None:
    network = "action-sociale-35"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "territories"
    for row in csv.reader(io.StringIO((SAMPLE / "territories.csv").read_text(encoding="utf-8"))):
        sheet.append(row)
    book.create_sheet("projects")  # nothing in it
    data = io.BytesIO()
    book.save(data)
    before = graph(client, network)
    response = client.post(f"/api/networks/{network}/sheets", query_string={"dry-run": "1", "lang": "en"},
                           headers=bearer(tokens[network]), content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(data.getvalue()), "fiche.xlsx")]})
    text = response.get_data(as_text=True)
    assert response.status_code == 422, text[:2000]
    assert "the table is empty: it has no row of column titles" in text and "projects" in text
    assert graph(client, network) == before


@pytest.mark.live  # a dry run's process
def test_a_dry_run_refuses_sheet_tables_and_rdf_files_as_ingestion_does(client: FlaskClient,
                                                                       tokens: dict[str, str]) -> None:
    response = client.post("/api/validate", query_string={"lang": "en"}, headers=bearer(tokens["action-sociale-35"]),
                           content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(d), n) for n, d in MIXED.items()]})
    assert response.status_code == 400, response.get_data(as_text=True)[:2000]
    assert "send the tables (projects.csv) and the RDF files (x.ttl) separately" in response.get_data(as_text=True)


def test_the_commands_refuse_sheet_tables_and_rdf_files_together(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table, rdf = tmp_path / "projects.csv", tmp_path / "x.ttl"
    table.write_bytes(MIXED["projects.csv"])
    rdf.write_bytes(b"")
    for command, code in (("ingest", 1), ("validate", 2)):  # validate: 2 for usage errors, as documented
        result = cli(command, str(table), str(rdf), "--network", "action-sociale-35", "--lang", "fr")
        assert result.exit_code == code, result.output
        assert "envoyez séparément les tableaux (projects.csv) et les fichiers RDF (x.ttl)" in result.output
        assert "Traceback" not in result.output
    count = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").output
    assert count.splitlines()[-1] != "0"


def test_an_upserted_row_is_stored_with_the_links_other_tables_make(client: FlaskClient,
                                                                    tokens: dict[str, str]) -> None:
    network = "action-sociale-35"
    original = (SAMPLE / "projects.csv").read_bytes()
    text = original.decode("utf-8")
    changed = text.replace("Café des parents du quartier Nord", "Café des parents et des enfants", 1)
    assert changed != text
    before = graph(client, network)
    cafe = "<http://localhost:5000/id/project/cafe-des-parents-rennes>"
    links = [t for t in before if t.startswith(cafe) and any(f"<{ISIC}{p}>" in t for p in (
        "funding", "involves", "partnership", "userGroup"))]
    assert links
    answer = send(client, tokens[network], network, {"projects.csv": changed.encode()}, mode="upsert")
    assert [(c["name"], c["class"]) for c in answer["changes"]["changed"]] == [
        ("Café des parents et des enfants", "Project")]
    after = graph(client, network)
    assert set(links) <= set(after)
    assert any(t.startswith(cafe) and '"Café des parents et des enfants"@fr' in t for t in after)
    assert {t for t in before if "Café des parents du quartier Nord" not in t} <= set(after)
    back = send(client, tokens[network], network, {"projects.csv": original}, mode="upsert")
    assert [c["change"] for c in back["changes"]["changed"]] == ["changed"]
    assert graph(client, network) == before
