"""A problem with a text cell is reported at that cell, in French or in its English column: a sheet's French
column and its `_en` column (`titre` and `titre_en`) make the same property, and only the value's language
tells them apart. The value of personal data is masked in the report: the location is all the user has to
find the cell, in a CSV file, a workbook (.xlsx, .ods) and through the dry run, the submission and the
validation of the API."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.sheetmodel import table_named
from isic_graph.validation.reports import Location, ValidationReport, Violation
from tests.conftest import bearer
from tests.support.sheet_mistakes import NETWORK, sample, written
from tests.support.sheet_variants import _ods, _xlsx

EMAIL = "marie.dupont@gmail.com"
PHONE = "06 12 34 56 78"


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def bilingual(table: str) -> list[list[str]]:
    """The sample's table with every French text column and its `_en` column, empty where the sample has none, as
    the download has them."""
    rows = sample()[table]
    model = table_named(table)
    assert model is not None
    added = [c.header for c in model.columns if c.lang and c.header not in rows[0]]
    return [rows[0] + added] + [row + [""] * len(added) for row in rows[1:]]


def with_cells(table: str, cells: dict[tuple[int, str], str]) -> list[list[str]]:
    rows = bilingual(table)
    for (row, header), value in cells.items():
        rows[row - 1][rows[0].index(header)] = value
    return rows


def as_files(table: str, rows: list[list[str]], fmt: str) -> dict[str, bytes]:
    if fmt == "csv":
        return {table: written(rows)}
    found: dict[str, list[list[object]]] = {table: [list(r) for r in rows]}
    return {"fiche.xlsx": _xlsx(found)} if fmt == "xlsx" else {"fiche.ods": _ods(found)}


def sent(client: FlaskClient, token: str, files: dict[str, bytes], path: str = "sheets?dry-run=1",
         lang: str = "fr") -> dict[str, object]:
    response = client.post(f"/api/networks/{NETWORK}/{path}" if not path.startswith("/") else path,
                           data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                           headers={**bearer(token), "Accept-Language": lang}, content_type="multipart/form-data")
    assert response.status_code == 422, response.json
    body = response.json
    assert isinstance(body, dict)
    return body


def located(body: dict[str, object], masked_only: bool = False) -> list[tuple[int, str | None, str]]:
    violations = body["violations"]
    assert isinstance(violations, list), body
    return sorted((v["location"]["row"], v["location"]["column"], v["value"]) for v in violations
                  if not masked_only or str(v["value"]).startswith("***"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_personal_data_in_a_french_cell_is_reported_at_the_french_column(client: FlaskClient, token: str,
                                                                          fmt: str) -> None:
    rows = with_cells("projects.csv", {(2, "titre"): EMAIL, (3, "description"): PHONE})
    body = sent(client, token, as_files("projects.csv", rows, fmt))
    assert located(body) == [(2, "titre", "*** (email)"), (3, "description", "*** (phone)")]
    report = body["report"]
    assert isinstance(report, str)
    shown = "projects.csv" if fmt == "csv" else f"fiche.{fmt} › projects"
    assert f"[{shown}, ligne 2, colonne « titre »]" in report
    assert f"[{shown}, ligne 3, colonne « description »]" in report
    assert "titre_en" not in report and "description_en" not in report


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_in_an_english_cell_is_reported_at_the_english_column(client: FlaskClient, token: str,
                                                                            fmt: str) -> None:
    rows = with_cells("projects.csv", {(2, "titre_en"): EMAIL, (3, "modalites_en"): PHONE})
    body = sent(client, token, as_files("projects.csv", rows, fmt), lang="en")
    assert located(body) == [(2, "titre_en", "*** (email)"), (3, "modalites_en", "*** (phone)")]
    shown = "projects.csv" if fmt == "csv" else f"fiche.{fmt} › projects"
    assert f"[{shown}, row 2, column 'titre_en']" in str(body["report"])


def test_the_same_datum_in_both_columns_of_a_row_is_reported_at_each(client: FlaskClient, token: str) -> None:
    rows = with_cells("projects.csv", {(2, "genese"): EMAIL, (2, "genese_en"): EMAIL})
    body = sent(client, token, as_files("projects.csv", rows, "csv"))
    assert located(body) == [(2, "genese", "*** (email)"), (2, "genese_en", "*** (email)")]


@pytest.mark.parametrize("table, row, header", [
    ("lessons.csv", 2, "enonce"), ("lessons.csv", 7, "recommandation_en"), ("organisations.csv", 2, "nom"),
    ("organisations.csv", 3, "nom_en"), ("partners.csv", 2, "enjeux_et_missions"),
    ("partners.csv", 3, "enjeux_et_missions_en"), ("partners.csv", 2, "nom_partenariat_en"),
    ("projects.csv", 3, "note_fiche"), ("projects.csv", 2, "note_fiche_en"), ("projects.csv", 3, "jalons_en"),
    ("projects.csv", 2, "outils_de_suivi"), ("projects.csv", 2, "decisions_du_groupe_en"),
    ("committees.csv", 2, "gouvernance_en"), ("committees.csv", 2, "frequence"),
])
def test_every_bilingual_pair_locates_its_language(client: FlaskClient, token: str, table: str, row: int,
                                                   header: str) -> None:
    rows = with_cells(table, {(row, header): EMAIL})
    body = sent(client, token, as_files(table, rows, "csv"))
    assert located(body) == [(row, header, "*** (email)")]


@pytest.mark.parametrize("table, row, header", [("roles.csv", 4, "intitule_en"), ("groups.csv", 2, "nom_en")])
def test_a_label_given_in_english_only_is_located_in_english(client: FlaskClient, token: str, table: str, row: int,
                                                            header: str) -> None:
    """Roles and groups have one label: given in English only, its French cell left empty."""
    rows = with_cells(table, {(row, header): EMAIL, (row, header.removesuffix("_en")): ""})
    body = sent(client, token, as_files(table, rows, "xlsx"))
    assert located(body) == [(row, header, "*** (email)")]


@pytest.mark.parametrize("path", ["sheets", pytest.param("/api/validate?network=" + NETWORK, marks=pytest.mark.live)])
def test_the_submission_and_the_validation_locate_the_english_cell(client: FlaskClient, token: str,
                                                                     path: str) -> None:
    rows = with_cells("projects.csv", {(2, "description_en"): PHONE})
    body = sent(client, token, as_files("projects.csv", rows, "csv"), path=path)
    assert located(body, masked_only=True) == [(2, "description_en", "*** (phone)")]


def test_a_shapes_result_on_a_value_is_located_by_its_language() -> None:
    """A result of the shapes about a text (not personal data: shown as it is) is placed by the text's language;
    one about the field without a value (a missing title) at the French column, the sheet's own."""
    columns = {("projects.csv", "row", "http://purl.org/dc/terms/title", "fr"): "titre",
               ("projects.csv", "row", "http://purl.org/dc/terms/title", "en"): "titre_en"}
    where = {"https://x/id/project/p": Location("projects.csv", 2)}

    def violation(value: str | None, language: str | None) -> Violation:
        return Violation("https://x/id/project/p", None, "http://purl.org/dc/terms/title", {}, value,
                         {"fr": "trop long", "en": "too long"}, "Violation", language=language)

    report = ValidationReport(False, (violation('"A long title"@en', "en"), violation('"Un titre"@fr', "fr"),
                                      violation(None, None)), graph=None)  # type: ignore[arg-type]
    assert [v.location.column if v.location else None for v in report.located(where, columns).violations] == \
        ["titre_en", "titre", "titre"]
