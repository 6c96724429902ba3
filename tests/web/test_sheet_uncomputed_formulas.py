"""A workbook written by a program that does not compute formulas (openpyxl) holds its formula cells without the
value a spreadsheet saves with them: read as empty, such a cell would erase what the network published there,
with no word said. It is refused at its cell, saying to open and save the file in a spreadsheet; a formula
saved with its value (as Excel and LibreOffice save it) is read by that value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.documents import Document, format_for_path
from isic_graph.ingest.spreadsheets import raw_tables
from tests.conftest import bearer
from tests.support.sheet_mistakes import NETWORK, sample, written
from tests.support.sheet_variants import _ods, with_content
from tests.web.test_sheet_variants import network_graph

FORMULA = '="marie.dupont"&CHAR(64)&"gmail.com"'


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def workbook(table: str, formulas: dict[tuple[int, str], str], title_rows: int = 0) -> bytes:
    """The sample's table as openpyxl writes it, some cells holding formulas (no value saved with them)."""
    rows = sample()[table]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.removesuffix(".csv")
    for _ in range(title_rows):
        sheet.append(["Fiche du réseau"])
    for row in rows:
        sheet.append([cell or None for cell in row])
    for (row, header), formula in formulas.items():
        sheet.cell(row=row + title_rows, column=rows[0].index(header) + 1, value=formula)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheets_edited(data: bytes, edit: Callable[[str], str]) -> bytes:
    """The workbook with the XML of each of its sheets edited as a text."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, edit(part.decode()).encode() if info.filename.startswith("xl/worksheets/") else part)
    return out.getvalue()


def with_saved_values(data: bytes, values: dict[str, str]) -> bytes:
    """The workbook as a spreadsheet saves it: each formula cell (by its place, `F2`) with its computed text."""
    def saved(text: str) -> str:
        for place, value in values.items():
            text = re.sub(rf'<c r="{place}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                          rf'<c r="{place}"\1 t="str"><f>\2</f><v>{value}</v>', text)
        return text
    return with_sheets_edited(data, saved)


def ods(table: str, formulas: dict[tuple[int, str], tuple[str, str | None]]) -> bytes:
    """The sample's table as an .ods, some cells holding formulas: (formula, the value saved, or none)."""
    rows: list[list[object]] = [list(r) for r in sample()[table]]
    marks = {}
    for (row, header), (formula, value) in formulas.items():
        mark = f"FORMULA-{row}-{header}"
        rows[row - 1][rows[0].index(header)] = mark
        formula_attribute = escape(formula, {'"': "&quot;"})
        marks[mark] = (f'<table:table-cell table:formula="of:{formula_attribute}"/>' if value is None else
                       f'<table:table-cell table:formula="of:{formula_attribute}" office:value-type="string">'
                       f"<text:p>{escape(value)}</text:p></table:table-cell>")
    return with_content(_ods({table: rows}), {f'<table:table-cell office:value-type="string"><text:p>{mark}</text:p>'
                                              "</table:table-cell>": cell for mark, cell in marks.items()})


def posted(client: FlaskClient, token: str, name: str, data: bytes, dry_run: bool = True, lang: str = "fr"):  # type: ignore[no-untyped-def]
    return client.post(f"/api/networks/{NETWORK}/sheets" + ("?dry-run=1" if dry_run else ""),
                       data={"files": [(io.BytesIO(data), name)]},
                       headers={**bearer(token), "Accept-Language": lang}, content_type="multipart/form-data")


def refused_at(response, shown: str) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.json
    assert response.json["code"] == "sheet-refused", response.json
    assert all(v["location"]["file"] == shown for v in response.json["violations"]), response.json["report"]
    return [(v["location"]["row"], v["location"]["column"]) for v in response.json["violations"]]


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_uncomputed_formula_in_an_xlsx_is_refused_at_its_cell(client: FlaskClient, token: str,
                                                                 dry_run: bool) -> None:
    before = network_graph(client)
    response = posted(client, token, "fiche.xlsx", workbook("projects.csv", {(2, "modalites"): FORMULA}), dry_run)
    assert refused_at(response, "fiche.xlsx › projects") == [(2, "modalites")]
    report = response.json["report"]
    assert "[fiche.xlsx › projects, ligne 2, colonne « modalites »]" in report
    assert "formule enregistrée sans sa valeur" in report and "enregistrez-le" in report and "tableur" in report
    assert network_graph(client) == before


def test_the_refusal_is_said_in_english_when_asked(client: FlaskClient, token: str) -> None:
    response = posted(client, token, "fiche.xlsx", workbook("projects.csv", {(3, "titre"): "=A3"}), lang="en")
    assert refused_at(response, "fiche.xlsx › projects") == [(3, "titre")]
    assert "[fiche.xlsx › projects, row 3, column 'titre'] the cell holds a formula saved without its value" \
        in response.json["report"]


def test_every_uncomputed_formula_is_said_whatever_it_computes(client: FlaskClient, token: str) -> None:
    """A number, a date, a text, in any column; each cell once, in rows below a sheet's title rows too."""
    formulas = {(2, "montant"): "=1000+200", (3, "devise"): '=LOWER("EUR")', (4, "financeur"): "=B4"}
    response = posted(client, token, "fiche.xlsx", workbook("fundings.csv", formulas, title_rows=1))
    assert refused_at(response, "fiche.xlsx › fundings") == [(3, "montant"), (4, "devise"), (5, "financeur")]


def test_a_formula_saved_with_its_value_is_read_by_its_value(client: FlaskClient, token: str) -> None:
    modalities = sample()["projects.csv"][1][sample()["projects.csv"][0].index("modalites")]
    data = with_saved_values(workbook("projects.csv", {(2, "modalites"): f'="{modalities}"'}), {"G2": modalities})
    response = posted(client, token, "fiche.xlsx", data)
    assert response.status_code == 200, response.json
    assert response.json["changes"] == {"added": [], "changed": [], "removed": []}


def test_an_uncomputed_formula_in_an_ods_is_refused_at_its_cell(client: FlaskClient, token: str) -> None:
    data = ods("projects.csv", {(2, "modalites"): ('="marie.dupont"&CHAR(64)&"gmail.com"', None),
                                (3, "genese"): ("=A1", None)})
    response = posted(client, token, "fiche.ods", data)
    assert refused_at(response, "fiche.ods › projects") == [(2, "modalites"), (3, "genese")]
    assert "ouvrez le fichier dans un tableur" in response.json["report"]


def test_an_ods_formula_saved_with_its_value_is_read_by_its_value() -> None:
    rows = sample()["projects.csv"]
    value = rows[1][rows[0].index("modalites")]
    data = ods("projects.csv", {(2, "modalites"): (f'="{value}"', value)})
    [table] = raw_tables(Document("fiche.ods", data, format_for_path(Path("fiche.ods"))))
    assert table.uncomputed == frozenset()
    assert table.rows[1][1][rows[0].index("modalites")] == value


def test_the_cells_found_are_those_of_the_sheet_they_are_in() -> None:
    """Two sheets: each formula is found in its own (an .xlsx names its sheets' parts in another part)."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "organisations"
    second = book.create_sheet("projects")
    second.append(["projet", "titre"])
    second.append(["p", "=UPPER(\"x\")"])
    first.append(["organisation", "nom"])
    first.append(["o", "n"])
    first.append(["p", "=B2"])
    out = io.BytesIO()
    book.save(out)
    tables = raw_tables(Document("fiche.xlsx", out.getvalue(), format_for_path(Path("fiche.xlsx"))))
    found = {t.name: t.uncomputed for t in tables}
    assert found == {"organisations.csv": frozenset({(3, 1)}), "projects.csv": frozenset({(2, 1)})}


# ---------------------------------------------------------------- a formula that failed: the spreadsheet's error shown

CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
ERRORS = ["#NAME?", "#NOM?", "#NOM ?", "#VALEUR!", "#VALUE!", "#DIV/0!", "#REF!", "#N/A", "#N/D", "Err:502", "#NUM!"]


def with_errors(data: bytes, values: dict[str, str], formula: bool = True) -> bytes:
    """The workbook as a spreadsheet saves a formula that failed: each cell (by its place, `G2`) typed as an error,
    its text the error's (`<c r="G2" t="e"><f>…</f><v>#NAME?</v></c>`)."""
    def failed(text: str) -> str:
        for place, value in values.items():
            text = re.sub(rf'<c r="{place}"[^>]*>.*?</c>', f'<c r="{place}" t="e">'
                          + ("<f>-Premier point</f>" if formula else "") + f"<v>{escape(value)}</v></c>", text)
        return text
    return with_sheets_edited(data, failed)


@pytest.mark.parametrize("formula", [True, False], ids=["formula", "value"])
@pytest.mark.parametrize("error", ["#NAME?", "#N/A", "#DIV/0!"])
def test_a_spreadsheet_error_in_an_xlsx_is_refused_at_its_cell_not_read_as_empty(
        client: FlaskClient, token: str, formula: bool, error: str) -> None:
    """Excel saves a formula that failed with its error (`t="e"`), which the workbook reader read as an empty cell:
    the cell's text was dropped, saying nothing."""
    before = network_graph(client)
    data = with_errors(workbook("projects.csv", {}), {"G2": error}, formula)
    response = posted(client, token, "fiche.xlsx", data, dry_run=False)
    assert refused_at(response, "fiche.xlsx › projects") == [(2, "modalites")]
    assert f"« {error} » : la cellule montre une erreur du tableur" in response.json["report"]
    assert network_graph(client) == before


def test_a_spreadsheet_error_in_an_ods_is_refused_at_its_cell(client: FlaskClient, token: str) -> None:
    """LibreOffice saves a formula that failed as a cell typed `error` whose text is the error (`#NOM ?`)."""
    rows: list[list[object]] = [list(r) for r in sample()["projects.csv"]]
    rows[1][rows[0].index("modalites")] = "MARK"
    cell = ('<table:table-cell table:formula="of:=-Premier" office:value-type="string" office:string-value="" '
            'calcext:value-type="error"><text:p>#NOM ?</text:p></table:table-cell>')
    data = with_content(_ods({"projects.csv": rows}), {
        '<table:table-cell office:value-type="string"><text:p>MARK</text:p></table:table-cell>': cell,
        'office:version="1.3">': f'xmlns:calcext="{CALCEXT}" office:version="1.3">'})
    response = posted(client, token, "fiche.ods", data)
    assert refused_at(response, "fiche.ods › projects") == [(2, "modalites")]
    assert "« #NOM ? » : la cellule montre une erreur du tableur" in response.json["report"]


@pytest.mark.parametrize("error", ERRORS)
def test_a_spreadsheet_error_kept_by_a_csv_export_is_refused_not_published_as_text(
        client: FlaskClient, token: str, error: str) -> None:
    rows = [list(r) for r in sample()["lessons.csv"]]
    rows[2][rows[0].index("enonce")] = error
    response = posted(client, token, "lessons.csv", written(rows, ";"), dry_run=False, lang="en")
    assert refused_at(response, "lessons.csv") == [(3, "enonce")]
    assert f"'{error}': the cell shows a spreadsheet error, not a value" in response.json["report"]


@pytest.mark.parametrize("text", ["#1 !", "Réunion #2 ?", "#NOMS?", "#Nom?", "Err:50", "N/A", "#REF! voir la note"])
def test_a_text_that_only_resembles_a_spreadsheet_error_is_published(client: FlaskClient, token: str,
                                                                      text: str) -> None:
    rows = [list(r) for r in sample()["lessons.csv"]]
    rows[2][rows[0].index("enonce")] = text
    response = posted(client, token, "lessons.csv", written(rows, ";"))
    assert response.status_code == 200, response.json
