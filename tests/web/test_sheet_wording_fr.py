"""A refusal said in French is French throughout and says where it is: the row of a not-owner problem, the
location of a problem whose sheet name, header or identifier holds personal data (only that part masked, in
French words), and the punctuation between a sentence and the list that follows it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.support.paths import ROOT
from tests.unit import test_cli

NETWORK = "action-sociale-35"
HEADER = "financement,projet,financeur,montant,devise\n"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def refusal(client: FlaskClient, token: str, files: dict[str, bytes], mode: str = "upsert") -> dict[str, object]:
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode={mode}",
                           data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                           headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert 400 <= response.status_code < 500, response.json
    body = response.json
    assert isinstance(body, dict)
    return body


def test_the_row_of_a_not_owner_problem_is_in_the_answers_language(client: FlaskClient, token: str) -> None:
    sheet = (HEADER + "les-incompris-departement,cafe-des-parents-rennes,caf-35,10,EUR\n").encode()
    body = refusal(client, token, {"fundings.csv": sheet})
    assert body["code"] == "not-owner" and body["row"] == "fundings.csv, ligne 2", body
    assert "appartient" in str(body["detail"])


cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test


def test_the_cli_says_what_it_checks_in_the_language_asked(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "fundings.csv"
    sheet.write_bytes((ROOT / "samples" / NETWORK / "fundings.csv").read_bytes())
    french = cli("ingest", str(sheet), "--network", NETWORK, "--lang", "fr", "--dry-run")
    assert "vérification de 1 fichier(s) pour le réseau" in french.output and "validating" not in french.output
    english = cli("ingest", str(sheet), "--network", NETWORK, "--lang", "en", "--dry-run")
    assert "validating 1 file(s) for network" in english.output and "vérification" not in english.output


@pytest.mark.parametrize("files, said", [
    ({"fundings.csv": b"financement,projet,financeur,montant,devise,zzzzzzzz\nf,p,o,1,EUR,x\n"},
     "colonne inconnue. Colonnes possibles : financement"),
    ({"qqqqqqqq.csv": HEADER.encode() + b"f,p,o,1,EUR\n"},  # named by its columns, then the list
     "ce n'est pas un tableau de la fiche ; vouliez-vous dire « fundings.csv » ? Tableaux attendus : "),
    ({"qqqqqqqq.csv": b"a,b\n1,2\n"}, "ce n'est pas un tableau de la fiche. Tableaux attendus : "),
    ({"fundings.csv": b"financement,projet,financeur,montant,devise,montan\nf,p,o,1,EUR,x\n"},
     "colonne inconnue ; vouliez-vous dire « montant » ? Colonnes possibles : financement"),
])
def test_a_list_of_what_is_expected_is_its_own_sentence(client: FlaskClient, token: str, files: dict[str, bytes],
                                                         said: str) -> None:
    body = refusal(client, token, files)
    assert said in json.dumps(body, ensure_ascii=False), body


def workbook(sheet: str, header: list[str]) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active.append(header)
    book.active.append(["f", "p", "o", "1", "EUR"][:len(header)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("sheet, header, place", [
    ("fundings 0612345678", ["financement", "projet", "financeur", "montant", "devise"],
     "[fiche.xlsx › fundings *** (numéro de téléphone), ligne 1]"),
    ("projects", ["projet", "jean.dupont@gmail.com"],
     "[fiche.xlsx › projects, ligne 1, colonne « *** (adresse e-mail) »]"),
])
def test_personal_data_in_a_sheet_name_or_header_is_masked_alone_in_french_words(
        client: FlaskClient, token: str, sheet: str, header: list[str], place: str) -> None:
    body = refusal(client, token, {"fiche.xlsx": workbook(sheet, header)})
    detail = str(body["detail"])
    assert place in detail, detail
    assert "0612345678" not in detail and "dupont" not in detail
    assert "(phone)" not in detail and "(email)" not in detail
    whole = json.dumps(body, ensure_ascii=False)  # the report's places too, as its JSON gives them
    assert "0612345678" not in whole and "dupont" not in whole, whole


@pytest.mark.parametrize("sheet, header", [
    ("fundings 0612345678", ["financement", "projet", "financeur", "montant", "devise"]),
    ("projects", ["projet", "jean.dupont@gmail.com"]),
])
def test_the_upload_page_shows_a_sheet_or_column_name_holding_personal_data_masked(
        client: FlaskClient, token: str, sheet: str, header: list[str]) -> None:
    page = client.post("/sheets/csv", data={"credential": token, "files": (io.BytesIO(workbook(sheet, header)),
                                                                           "fiche.xlsx")},
                       content_type="multipart/form-data", headers={"Accept-Language": "fr"})
    text = page.get_data(as_text=True)
    assert page.status_code in (400, 422), text[-1500:]
    assert "*** (" in text and "0612345678" not in text and "dupont" not in text, text[-3000:]


def test_a_masked_value_is_named_in_french_words_in_a_french_report(client: FlaskClient, token: str) -> None:
    sheet = (HEADER + "0612345678,cafe-des-parents-rennes,caf-35,10,EUR\n").encode()
    body = refusal(client, token, {"fundings.csv": sheet})
    report = str(body["report"])
    assert "*** (numéro de téléphone)" in report and "(phone)" not in report, report


def test_an_identifier_holding_personal_data_is_refused_at_its_row(client: FlaskClient, token: str) -> None:
    sheet = (HEADER + "0612345678,cafe-des-parents-rennes,caf-35,10,EUR\n").encode()
    body = refusal(client, token, {"fundings.csv": sheet})
    problems = str(body["report"]).splitlines()[1:]
    assert problems and all(p.startswith("  - [fundings.csv, ligne 2]") for p in problems), problems
    violations = body["violations"]
    assert isinstance(violations, list)
    assert all(v["location"] == {"file": "fundings.csv", "row": 2, "column": None} for v in violations), violations
    assert "0612345678" not in json.dumps(body)
