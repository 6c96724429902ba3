"""A cell of a list of texts (tracking tools, milestones, recommendations, criteria) that runs over several lines
(Alt+Enter) was kept as one value holding a line break, while the form, which lists such values one a line, read it
back as several: saved unchanged, the form split `Cahier de bord⏎(rempli chaque samedi)` into two tracking tools,
saying "saved". Several values or one? The sheet cannot tell: it asks, as it does for a thesaurus list written with
line breaks, in CSV and in workbooks alike."""

from __future__ import annotations

import pytest

from isic_graph.ingest.sheetmodel import tables
from isic_graph.ingest.tabular import read_tables
from tests.unit.ingest.test_sheet_reading import document, refused, sample_rows, with_cell
from tests.unit.ingest.test_sheet_samples import BASE

# every list of texts of the tables a sample network's sheet holds (evaluations.csv has none: its lists are read alike)
LISTS = [(t.file, c.header) for t in tables() for c in t.columns if c.kind == "text" and c.multiple
         and t.file in sample_rows()]


def test_the_lists_of_texts_of_the_sample_sheet_are_covered() -> None:
    assert {("projects.csv", "outils_de_suivi"), ("projects.csv", "jalons"), ("lessons.csv", "recommandation"),
            ("lessons.csv", "recommandation_en")} <= set(LISTS)


@pytest.mark.parametrize("table, header", LISTS)
@pytest.mark.parametrize("cell", ["Cahier de bord\n(rempli chaque samedi)", "Premier atelier\r\nRécolte | Bilan"])
def test_a_list_cell_over_several_lines_is_refused_asking_which_was_meant(table: str, header: str, cell: str) -> None:
    rows = sample_rows()[table]
    if header not in rows[0]:
        rows = [rows[0] + [header], *(row + [""] for row in rows[1:])]
    [said] = refused([document(table, with_cell(rows, 1, header, cell))])
    assert f"colonne {header}" in said or header in said, said
    assert "va à la ligne : plusieurs valeurs ? séparez-les par « | »" in said, said
    assert "une seule ? écrivez-la sur une ligne" in said
    [said_en] = refused([document(table, with_cell(rows, 1, header, cell))], "en")
    assert "runs over several lines: several values? separate them with '|'" in said_en


def test_the_same_values_on_one_line_are_read(table: str = "projects.csv") -> None:
    rows = sample_rows()[table]
    read = read_tables([document(table, with_cell(rows, 1, "outils_de_suivi", "Cahier de bord | Tableau"))], BASE)
    values = {t.object.value for t in read.triples if t.predicate.value.endswith("trackingTool")}
    assert {"Cahier de bord", "Tableau"} <= values, values
