"""A sheet whose cell gives an identifier outside the rule (a row's own, or what it names) is refused at that cell
by every way in (the API, its dry run and validation, the upload page, the CLI's ingest and validate), in the asked
language, and the store is left as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.unit import test_cli

NETWORK = "attacker"
cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test

CASES = [  # (file, its text, the cell's location, its value)
    ("organisations.csv", "organisation,nom,types\nAsso Pirate.,X,association\n", 2, "organisation", "Asso Pirate."),
    ("organisations.csv", "organisation;nom;types\r\ncafé-rennes;X;association\r\n", 2, "organisation",
     "café-rennes"),
    ("organisations.csv", "organisation,nom,types\norg-b,Y,association\norg-a-,X,association\n", 3, "organisation",
     "org-a-"),
    ("fundings.csv", "financement,projet,financeur,montant\nfin-a,projet-a,CAF 35,1200\n", 2, "financeur", "CAF 35"),
    ("lessons.csv", "enseignement,projet,categorie,enonce\nlecon a,projet-a,obstacle,Un enseignement\n", 2,
     "enseignement", "lecon a"),
    ("projects.csv", "projet,reseau,date_fiche,titre,themes,porte_par,inspire_de\n"
     "projet-a,attacker,2024-01-01,Un projet,,org-a,lesson/leçon-b\n", 2, "inspire_de", "lesson/leçon-b"),
    ("partners.csv", "partenariat,organisation,roles\npart-a,CAF/35,\n", 2, "organisation", "CAF/35"),
]
SEPARATORS = ("organisations.csv", "organisation,nom,types\norg-a;Z;association\n", 2, "organisation",
              "org-a;Z;association")


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Attacker")


@pytest.mark.parametrize("file, text, row, column, value", [*CASES, SEPARATORS])
@pytest.mark.parametrize("path", [f"/api/networks/{NETWORK}/sheets?dry-run=1", f"/api/networks/{NETWORK}/sheets",
                                  pytest.param(f"/api/validate?network={NETWORK}", marks=pytest.mark.live)])
def test_the_api_refuses_the_identifier_at_its_cell_in_french(client: FlaskClient, token: str, path: str, file: str,
                                                              text: str, row: int, column: str, value: str) -> None:
    before = dataset(client)
    response = client.post(path, data={"files": [(io.BytesIO(text.encode()), file)]},
                           headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert response.status_code == 422, response.json
    assert response.json["code"] == "sheet-refused"
    assert [v["location"] for v in response.json["violations"]] == [{"file": file, "row": row, "column": column}]
    assert f"[{file}, ligne {row}, colonne « {column} »] « {value} » : " in response.json["report"]
    assert "IRI" not in response.json["report"] and "http" not in response.json["report"]
    assert dataset(client) == before


def test_the_api_says_it_in_english_when_asked(client: FlaskClient, token: str) -> None:
    file, text, row, column, value = CASES[0]
    response = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": [(io.BytesIO(text.encode()), file)]},
                           headers={**bearer(token), "Accept-Language": "en"}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["code"] == "sheet-refused"
    assert (f"[{file}, row {row}, column '{column}'] '{value}': an identifier holds only unaccented letters, digits"
            in response.json["report"])


@pytest.mark.parametrize("file, text, row, column, value", [*CASES, SEPARATORS])
def test_the_upload_page_shows_the_identifier_at_its_cell(client: FlaskClient, token: str, file: str, text: str,
                                                          row: int, column: str, value: str) -> None:
    before = dataset(client)
    response = client.post("/sheets/csv", data={"files": [(io.BytesIO(text.encode()), file)], "credential": token},
                           content_type="multipart/form-data", headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    assert response.status_code == 422
    assert f"<td>{row}</td><td>{column}</td><td>{value}</td><td>« {value} » : " in page
    assert "n'est pas écrit comme les IRI" not in page
    assert dataset(client) == before


@pytest.mark.parametrize("file, text, row, column, value", [CASES[0], CASES[3], SEPARATORS])
def test_the_cli_ingest_and_validate_refuse_the_identifier_at_its_cell(cli, tmp_path: Path, file: str, text: str,  # type: ignore[no-untyped-def]
                                                                       row: int, column: str, value: str) -> None:
    path = tmp_path / file
    path.write_text(text, encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = cli("query", count, "--format", "csv").output
    ingested = cli("ingest", str(path), "--network", NETWORK)
    assert ingested.exit_code == 1 and "Traceback" not in ingested.output
    assert f"[{file}, ligne {row}, colonne « {column} »] « {value} » : " in ingested.output
    assert cli("query", count, "--format", "csv").output == before
    validated = cli("validate", str(path), "--network", NETWORK)
    assert validated.exit_code == 1
    assert f"[{file}, ligne {row}, colonne « {column} »] « {value} » : " in validated.output
