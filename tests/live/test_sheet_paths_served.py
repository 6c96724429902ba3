"""Spreadsheet exports and workbooks through every way in: the API's multipart upload (and curl against a running
server), the upload page, the CLI's ingest and validate. A refused sheet leaves the store as it was."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from isic_graph.admin.credentials import CredentialStore
from tests.support import paths
from tests.support.live import LiveServer
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
    fundings[f"{amount}3"] = "1.500,00"
    projects = book["projects"]
    next(c for c in projects[1] if c.value == "genese").value = "genèze"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def semicolon_parts() -> dict[str, list[tuple[io.BytesIO, str]]]:
    return {"files": [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(SEMICOLONS.glob("*.csv"))]}


# ---------------------------------------------------------------- the API







# ---------------------------------------------------------------- the CLI





# ---------------------------------------------------------------- curl against a running server

@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_uploads_a_libreoffice_workbook_to_a_running_server(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "serve", {})
    live.init().start()
    try:
        added = live.cli("network", "add", NETWORK, "--name", "Action sociale 35")
        assert added.returncode == 0, added.stderr
        token = added.stdout.strip().splitlines()[-1]
        broken = tmp_path / "fiche.xlsx"
        broken.write_bytes(broken_workbook())
        for path, status in ((broken, {"422"}), (FIXTURES / "action-sociale-35.xlsx", {"200", "201"})):
            done = subprocess.run(["curl", "-s", "-o", str(tmp_path / "answer.json"), "-w", "%{http_code}",
                                   "-H", f"Authorization: Bearer {token}", "-H", "Accept-Language: fr",
                                   "-F", f"files=@{path}", f"{live.url}/api/networks/{NETWORK}/sheets"],
                                  capture_output=True, text=True, timeout=60, check=False)
            assert done.stdout in status, (tmp_path / "answer.json").read_text()
        answer = (tmp_path / "answer.json").read_text()
        assert '"triples":175' in answer
        assert "Traceback" not in live.log.read_text()
    finally:
        live.stop()
