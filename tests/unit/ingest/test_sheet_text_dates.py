"""Typed in a text cell, « mars 2024 » or « 5/3 » is made a date by the spreadsheet, shown as typed but stored as a
date: a workbook's text column published it as 2024-03-01 (the CSV export of the same workbook, as shown, «mars
2024»). What the cell showed, only its format knows: the cell is refused, saying how to keep it a text."""

from __future__ import annotations

import datetime

import pytest

from isic_graph.ingest.documents import Document
from isic_graph.ingest.sheetmodel import tables
from isic_graph.rdf.formats import format_for_path
from tests.support.sheet_variants import _ods, _xlsx
from tests.unit.ingest.test_sheet_reading import refused, sample_rows

WRITERS = {"fiche.xlsx": _xlsx, "fiche.ods": _ods}
TEXTS = [c.header for c in next(t for t in tables() if t.file == "projects.csv").columns
         if c.kind == "text" and c.header in sample_rows()["projects.csv"][0]]


def workbook(name: str, header: str, value: object) -> Document:
    rows: list[list[object]] = [list(r) for r in sample_rows()["projects.csv"]]
    rows[1][rows[0].index(header)] = value
    return Document(name, WRITERS[name]({"projects.csv": rows}), format_for_path(name))


def test_the_projects_text_columns_are_covered() -> None:
    assert {"titre", "outils_de_suivi", "jalons", "description"} <= set(TEXTS), TEXTS


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("header", TEXTS)
@pytest.mark.parametrize("value", [datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 5, 0, 0)])
def test_a_date_in_a_text_column_of_a_workbook_is_refused(name: str, header: str, value: object) -> None:
    said = refused([workbook(name, header, value)])
    assert any(header in s and "le tableur a fait de ce texte une date" in s and "format Texte" in s
               for s in said), said
    said_en = refused([workbook(name, header, value)], "en")
    assert any("the spreadsheet turned this text into a date" in s for s in said_en), said_en
