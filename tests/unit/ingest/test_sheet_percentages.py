"""`15 %` typed in a workbook's cell is stored as 0.15 and shown as `15 %`: in an amount column, the workbook
published 0,15 € where its CSV export (`15 %`) was refused. A number a workbook shows as a percentage is read as
shown, in .xlsx (a built-in or own percent format) and .ods (a percentage cell) alike: an amount so written is
refused at its cell, as in CSV; a number shown otherwise is read as stored."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from isic_graph.ingest.documents import Document
from isic_graph.ingest.spreadsheets import raw_tables
from isic_graph.rdf.formats import format_for_path
from tests.support.sheet_variants import _ods, _xlsx, with_content
from tests.unit.ingest.test_sheet_reading import refused, sample_rows


def fundings(amount: object) -> list[list[object]]:
    rows: list[list[object]] = [list(r) for r in sample_rows()["fundings.csv"]]
    rows[1][rows[0].index("montant")] = amount
    return rows


def xlsx(amount: float, number_format: str) -> Document:
    book = load_workbook(io.BytesIO(_xlsx({"fundings.csv": fundings(amount)})))
    sheet = book["fundings"]
    sheet.cell(row=2, column=sample_rows()["fundings.csv"][0].index("montant") + 1).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return Document("fiche.xlsx", out.getvalue(), format_for_path("fiche.xlsx"))


def ods(amount: float, shown: str) -> Document:
    data = with_content(_ods({"fundings.csv": fundings(amount)}), {
        f'<table:table-cell office:value-type="float" office:value="{amount!r}"><text:p>{amount:.2f}</text:p>':
        f'<table:table-cell office:value-type="percentage" office:value="{amount!r}"><text:p>{shown}</text:p>'})
    return Document("fiche.ods", data, format_for_path("fiche.ods"))


@pytest.mark.parametrize("document", [xlsx(0.15, "0%"), xlsx(0.155, "0.00%"), xlsx(0.15, "0.0 %;[Red]-0.0 %"),
                                      ods(0.15, "15 %"), ods(0.155, "15,50 %")],
                         ids=["xlsx 0%", "xlsx 0.00%", "xlsx own format", "ods", "ods decimals"])
def test_an_amount_shown_as_a_percentage_is_refused_at_its_cell(document: Document) -> None:
    said = refused([document])
    assert any("montant" in s and "%" in s for s in said), said


def test_a_percentage_is_read_as_it_is_shown() -> None:
    [table] = raw_tables(xlsx(0.15, "0%"))
    assert "15 %" in table.rows[1][1]
    [table] = raw_tables(ods(0.155, "15,50 %"))
    assert "15,50 %" in table.rows[1][1]


@pytest.mark.parametrize("number_format", ['0.00" %"', "#,##0.00", "0.00 €"])
def test_a_number_shown_otherwise_is_read_as_stored(number_format: str) -> None:
    [table] = raw_tables(xlsx(3500.5, number_format))
    assert "3500.5" in table.rows[1][1]
