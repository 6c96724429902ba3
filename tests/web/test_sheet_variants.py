"""Over forty ways of writing the sample network's sheet (tests/support/sheet_variants.py) publish exactly the
sample's graph through every way in: the upload page (several files in one multipart upload, then the
confirmation), the API and the CLI's ingest. The sample is already published, so each says "no change" and the
network's graph stays the same triple for triple: no filled cell is dropped or read as something else."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from tests.conftest import bearer
from tests.support.sheet_mistakes import NETWORK, SAMPLE
from tests.support.sheet_variants import cases, libreoffice_exports, variants
from tests.unit import test_cli
from tests.web.test_sheet_paths import with_anas

cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test
VARIANTS = variants()
CASES = cases()
GRAPH = f"http://localhost:5000/graph/network/{NETWORK}"
TRIPLES = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def parts(files: dict[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for name, data in files.items()]


def network_graph(client: FlaskClient) -> list[str]:
    response = client.get("/sparql", query_string={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> "
                                                            "{ ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return sorted(response.get_data(as_text=True).splitlines())


def test_there_are_over_forty_variants_of_every_kind() -> None:
    assert len(VARIANTS) >= 40
    assert {v.fmt for v in VARIANTS} == {"csv", "xlsx", "ods"}
    assert {v.encoding for v in VARIANTS} == {"utf-8", "utf-8-sig", "cp1252"}
    assert {v.separator for v in VARIANTS} == {",", ";", "\t"}
    assert {"words", "short year", "slashes"} <= {v.dates for v in VARIANTS}
    assert {"libreoffice-long-dates", "libreoffice-short-years", "libreoffice-cp1252"} <= set(libreoffice_exports())


def test_every_variant_publishes_the_same_graph_through_the_api(client: FlaskClient, token: str) -> None:
    before = network_graph(client)
    for number, (name, files) in enumerate(CASES):
        dry = client.post(f"/api/networks/{NETWORK}/sheets?dry-run=1", data={"files": parts(files)},
                          headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
        assert dry.status_code == 200, (name, dry.json)
        assert dry.json["changes"] == {"added": [], "changed": [], "removed": []}, (name, dry.json["changes"])
        if number % 4 != 1 and name.startswith("csv"):  # every variant is read; a sample of the CSV ones is published
            continue  # (another sample than the upload page's)
        done = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": parts(files)}, headers=bearer(token),
                           content_type="multipart/form-data")
        assert done.status_code == 200, (name, done.json)
        assert network_graph(client) == before, name


def test_every_variant_publishes_the_same_graph_through_the_upload_page(client: FlaskClient, token: str) -> None:
    before = network_graph(client)
    for number, (name, files) in enumerate(CASES):
        checked = client.post("/sheets/csv", data={"files": parts(files), "credential": token},
                              content_type="multipart/form-data")
        page = checked.get_data(as_text=True)
        assert checked.status_code == 200 and "Aucun changement." in page, (name, page[page.find("<main"):][:2000])
        if number % 4 and name.startswith("csv"):  # every variant is read; a sample of the CSV ones is confirmed
            continue
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        confirmed = client.post("/sheets/csv", data={**{k: _unescaped(x) for k, x in hidden.items()}})
        assert confirmed.status_code == 200 and "Aucun changement : les données publiées" in confirmed.get_data(
            as_text=True), (name, confirmed.get_data(as_text=True)[-2000:])  # the same graph: nothing recorded
        assert network_graph(client) == before, name


def _unescaped(value: str) -> str:
    return value.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&")


def test_every_variant_publishes_the_same_graph_through_the_cli(cli, settings: Settings,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    cli = with_anas(cli)
    reference = cli("ingest", *map(str, sorted(SAMPLE.glob("*.csv"))), "--network", NETWORK)
    assert reference.exit_code == 0, reference.output
    before = cli("query", TRIPLES, "--format", "csv").output
    for number, (case, files) in enumerate(CASES):
        if number % 2 != bool(settings.store_url):  # every variant through the CLI once, half on each backend
            continue
        folder = tmp_path / str(number)
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        paths = list(map(str, sorted(folder.iterdir())))
        dry = cli("ingest", *paths, "--network", NETWORK, "--dry-run", "--lang", "fr")
        assert dry.exit_code == 0 and "Aucun changement." in dry.output, (case, dry.output)
        if number % 4 == 0 or not case.startswith("csv"):
            done = cli("ingest", *paths, "--network", NETWORK, "--lang", "fr")
            assert done.exit_code == 0, (case, done.output)
            assert cli("query", TRIPLES, "--format", "csv").output == before, case
