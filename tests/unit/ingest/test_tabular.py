"""CSV collection sheets through the CSVW mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isic_graph.errors import SheetRefused, ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.ingest.tabular import metadata_file, read_tables, table_names
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator
from tests.support import paths

ROOT = paths.ROOT
SAMPLE = ROOT / "samples" / "action-sociale-35"
TEMPLATE = ROOT / "templates" / "csv"
BASE = "http://localhost:5000/"


def sample_files() -> list[Path]:
    return sorted(SAMPLE.glob("*.csv"))


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_template_has_one_empty_csv_per_table_with_the_mapped_columns() -> None:
    assert sorted(table_names()) == sorted(p.name for p in TEMPLATE.glob("*.csv"))
    header = next(csv.reader((TEMPLATE / "projects.csv").open(encoding="utf-8")))
    assert {"projet", "titre", "themes", "date_debut", "date_fin", "porte_par"} <= set(header)
    assert metadata_file().name == "isic-sheet.csv-metadata.json"


def test_sample_rows_become_typed_triples() -> None:
    batch = read_tables([Document.from_path(p) for p in sample_files()], BASE)
    lines = {str(t) for t in batch.triples}
    project = "<http://localhost:5000/id/project/cafe-des-parents-rennes>"
    assert (f'{project} <https://w3id.org/isic/ontology#startDate> '
            '"2014-09-15"^^<http://www.w3.org/2001/XMLSchema#date>') in lines
    assert (f'{project} <https://w3id.org/isic/ontology#emergedFromIndividualSituations> '
            '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>') in lines
    assert (f"{project} <https://w3id.org/isic/ontology#theme> "
            "<https://w3id.org/isic/thesaurus/theme/isolation>") in lines
    assert ('<http://localhost:5000/id/funding/cdp-caf> <https://w3id.org/isic/ontology#amount> '
            '"3500.00"^^<http://www.w3.org/2001/XMLSchema#decimal>') in lines
    assert batch.locations["http://localhost:5000/id/lesson/adr-ecrans"].row == 6  # spreadsheet row


def test_sample_network_conforms_alone_and_beside_the_network_it_cites(validator: Validator,
                                                                       sample_store: Store) -> None:
    from isic_graph.ingest.ingestion import check
    from isic_graph.ingest.reading import read_batch

    batch = read_batch([Document.from_path(p) for p in sample_files()], BASE)
    report = check(batch, sample_store, validator, Graphs(BASE), "action-sociale-35")
    assert report.conforms, report.describe("en")
    alone = check(batch, None, validator, Graphs(BASE), "action-sociale-35")
    assert alone.conforms, alone.describe("en")  # citing another network's lesson needs no copy of it


def test_violation_points_to_file_row_and_column(tmp_path: Path, validator: Validator, store: Store,
                                                 graphs: Graphs) -> None:
    files = {p.name: tmp_path / p.name for p in sample_files()}
    for p in sample_files():
        files[p.name].write_bytes(p.read_bytes())
    rows = list(csv.reader(files["lessons.csv"].open(encoding="utf-8")))
    rows[3][rows[0].index("categorie")] = "lunch"
    write(files["lessons.csv"], rows)
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, [Document.from_path(p) for p in files.values()], "action-sociale-35")
    located = [v for v in caught.value.report.violations if v.location is not None]
    assert any(v.location.file == "lessons.csv" and v.location.row == 4 and v.location.column == "categorie"
               for v in located), [v.describe("en") for v in caught.value.report.violations]
    assert "lessons.csv, ligne 4, colonne « categorie »" in caught.value.report.describe("fr")


def test_bad_date_in_a_cell_is_reported_at_its_cell(tmp_path: Path, validator: Validator, store: Store,
                                                   graphs: Graphs) -> None:
    rows = list(csv.reader((SAMPLE / "projects.csv").open(encoding="utf-8")))
    rows[1][rows[0].index("date_debut")] = "2014-13-45"
    files = [write(tmp_path / "projects.csv", rows)] + [p for p in sample_files() if p.name != "projects.csv"]
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, [Document.from_path(p) for p in files], "action-sociale-35")
    assert any(v.location and v.location.column == "date_debut" and v.location.row == 2
               for v in caught.value.report.violations)


def test_unknown_column_is_refused_with_the_expected_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "projects.csv", [["projet", "titre", "colour"], ["p", "t", "red"]])
    with pytest.raises(SheetRefused) as caught:
        read_tables([Document.from_path(path)], BASE)
    assert "[projects.csv, row 1, column 'colour'] unknown column" in caught.value.report.describe("en")
    assert "Possible columns: projet, reseau, date_fiche, titre" in caught.value.report.describe("en")


def test_file_that_is_not_a_template_table_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "people.csv", [["name"], ["x"]])
    with pytest.raises(SheetRefused) as caught:
        read_tables([Document.from_path(path)], BASE)
    assert "people.csv, ligne 1] ce n'est pas un tableau de la fiche" in caught.value.report.describe("fr")


@pytest.mark.parametrize("column", ["description", "note_fiche"])
def test_a_problem_is_reported_at_the_column_of_its_resource_when_two_columns_share_a_property(
        tmp_path: Path, validator: Validator, store: Store, graphs: Graphs, column: str) -> None:
    """`description` describes the project and `note_fiche` its collection sheet, both with dcterms:description:
    an address in either is reported at its own column."""
    rows = list(csv.reader((SAMPLE / "projects.csv").open(encoding="utf-8")))
    rows[1][rows[0].index(column)] = "écrire à jean.dupont@exemple.fr"
    files = [write(tmp_path / "projects.csv", rows)] + [p for p in sample_files() if p.name != "projects.csv"]
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, [Document.from_path(p) for p in files], "action-sociale-35")
    located = {(v.location.row, v.location.column) for v in caught.value.report.violations
               if v.location is not None and v.location.file == "projects.csv"}
    assert located == {(2, column)}, caught.value.report.describe("en")
    assert f"projects.csv, ligne 2, colonne « {column} »" in caught.value.report.describe("fr")
