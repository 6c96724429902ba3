"""What names a table and its columns as people leave them: file and sheet names (French, copies, prefixes),
a title row or a row of merged cells above the column titles, labels two columns share, and the closest
thesaurus value offered for a typo."""

from __future__ import annotations

import pytest

from isic_graph.ingest.sheetmodel import Table
from isic_graph.ingest.tabular import read_tables, table_for, tables
from isic_graph.ingest.vocabulary import plain, schemes
from tests.unit.ingest.test_sheet_reading import document, lines, refused, sample_rows, with_cell
from tests.unit.ingest.test_sheet_samples import BASE


@pytest.mark.parametrize("name, table", [
    ("projects.csv", "projects.csv"), ("Projets.csv", "projects.csv"), ("projects (1).csv", "projects.csv"),
    ("fiche-isic-lessons.csv", "lessons.csv"), ("PROJECTS.CSV", "projects.csv"),
    ("action-sociale-35-partners.csv", "partners.csv"), ("Enseignements.csv", "lessons.csv"),
    ("projets - copie.csv", "projects.csv"), ("Comités de pilotage.csv", "committees.csv"),
    ("Financements.csv", "fundings.csv"), ("projetss.csv", None), ("notes.csv", None)])
def test_a_table_is_known_by_its_file_name_as_people_leave_it(name: str, table: str | None) -> None:
    found = table_for(name)
    assert (found.file if found else None) == table


SPELLINGS = ["{}.csv", "{} (1).csv", "{} - copie.csv", "edit1-{}.csv", "fiche-isic-{}.csv", "{}"]


@pytest.mark.parametrize("table", tables(), ids=lambda table: table.name)
def test_every_table_is_known_by_each_way_people_leave_its_name(table: Table) -> None:
    """`family-aid`, whose name holds a hyphen, was known by its own name alone: `edit1-family-aid.csv` (LibreOffice's
    export of a workbook's sheet), `Family-Aid.csv` or `family-aid (1).csv` was "not a table of the sheet; did you
    mean family-aid.csv?"."""
    for name in (table.name, table.name.upper(), table.name.title(), *table.french):
        for spelling in SPELLINGS:
            found = table_for(spelling.format(name))
            assert found is not None and found.file == table.file, spelling.format(name)


@pytest.mark.parametrize("name", ["edit1-listes.csv", "listes.csv", "Fiche-Lists.csv", "aide.csv"])
def test_the_templates_own_sheet_exported_with_the_tables_is_said_to_be_left_out(name: str) -> None:
    """LibreOffice exports every sheet of the downloaded workbook, its drop-down lists too: they were "not a table;
    did you mean milestones.csv?"."""
    [said] = refused([document(name, [["statut", "themes"], ["En cours", "Logement"]])])
    assert "feuille des listes de choix (ou d'aide) du modèle" in said and "retirez ce fichier de l'envoi" in said, said
    assert "vouliez-vous dire" not in said


def test_a_file_that_is_no_table_is_said_to_be_left_out_or_renamed() -> None:
    [said] = refused([document("Mes notes.csv", [["note"], ["à revoir"]])])
    assert "ce n'est pas un tableau de la fiche" in said
    assert said.endswith("Retirez ce fichier (ou cet onglet) de l'envoi, ou donnez-lui le nom du tableau qu'il "
                         "est"), said


def test_a_french_suggestion_names_the_french_label_not_an_english_name() -> None:
    """`fini` in `statut` got « vouliez-vous dire « Finished (Terminé) » ? », an English name in a French message:
    a misspelt English name (label or alternative) of any concept is answered with the label in the message's
    language alone."""
    checked = 0
    for scheme in schemes().values():
        for concept in scheme.concepts:
            english = {plain(concept.labels.get("en", ""))} | {
                name for name, language in scheme.languages.items() if language == "en" and scheme.names[name] is
                concept}
            for name in english - {"", plain(concept.label("fr")), plain(concept.code)}:
                if len(name) < 6:
                    continue
                said = scheme.closest(name[:-1], "fr")
                if concept.label("fr") in said:
                    checked += 1
                    assert not any(plain(s) == name or s.startswith(scheme.written[name]) for s in said), said
    assert checked > 50
    status = next(s for s in schemes().values() if s.iri.endswith("project-status"))
    assert status.closest("fini", "fr") == ["Terminé"] and status.closest("fini", "en")[0].endswith("(Completed)")


def test_a_file_named_in_french_publishes_what_its_english_name_does() -> None:
    rows = sample_rows()["lessons.csv"]
    assert lines(read_tables([document("Enseignements (2).csv", rows)], BASE).triples) == \
        lines(read_tables([document("lessons.csv", rows)], BASE).triples)


@pytest.mark.parametrize("above", [[["Fiche de collecte : les projets"]], [["Le projet", "", "", "Les dates"], []],
                                   [["Identification", "", ""], ["", "Remplir avant le 15 mars"]]])
def test_rows_above_the_column_titles_are_passed_over(above: list[list[str]]) -> None:
    rows = sample_rows()["projects.csv"]
    expected = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    width = len(rows[0])
    padded = [r + [""] * (width - len(r)) for r in above]
    assert lines(read_tables([document("projects.csv", padded + rows)], BASE).triples) == expected
    mistaken = padded + with_cell(rows, 1, "date_debut", "hier")
    assert refused([document("projects.csv", mistaken)]) == [
        f"[projects.csv, ligne {len(padded) + 2}, colonne « date_debut »] « hier » : attendu une date AAAA-MM-JJ ou "
        "JJ/MM/AAAA (ex. 2022-03-01, 01/03/2022 ou 1er mars 2022)"]


def test_a_title_two_columns_share_names_neither() -> None:
    rows = sample_rows()["lessons.csv"]
    rows[0] = ["Transférable à" if h == "transferable_themes" else h for h in rows[0]]
    assert refused([document("lessons.csv", rows)])[0].startswith(
        "[lessons.csv, ligne 1, colonne « Transférable à »] colonne inconnue")


def test_a_typo_is_offered_the_value_whose_first_word_it_misspells() -> None:
    themes = next(s for s in schemes().values() if any(c.code == "isolation" for c in s.concepts))
    assert themes.closest("isolemnt", "fr") == ["Isolement et lien social"]


def test_a_row_of_values_above_the_column_titles_is_not_passed_over() -> None:
    rows = sample_rows()["projects.csv"]
    misplaced = [rows[1], *rows[:1], *rows[2:]]  # a data row moved above the titles
    problems = refused([document("projects.csv", misplaced)])
    assert problems and all(p.startswith("[projects.csv, ligne 1") for p in problems)
