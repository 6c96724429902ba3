"""An identifier a sheet's cell gives (the row's own, or what a cell names) is what this instance's IRIs are made of:
anything else is refused at its cell, saying what an identifier may hold, never turned into an IRI nobody writes."""

from __future__ import annotations

import pytest

from isic_graph.ingest.sheetmodel import Table, tables
from isic_graph.ingest.tabular import read_tables
from isic_graph.ingest.vocabulary import schemes
from tests.unit.ingest.test_sheet_reading import document, refused
from tests.unit.ingest.test_sheet_samples import BASE

BAD_NAMES = ["Asso Pirate.", "café-rennes", "org-a-", "-org-a", "org a", "org.a", "org/a", "org?a", "org#a", "org%20a",
             "..", "org'a", "Œuvre-sociale", "org:a", "org+a", "_org"]
BAD_PATHS = ["project/Asso Pirate.", "project/café-rennes", "project/org-a-", "project/../network/x", "Project/x",
             "project", "project/", "/project/x", "http://exemple.fr/x", "project/x y"]
NAME_RULE = "un identifiant ne contient que des lettres sans accent, des chiffres, des tirets (-) et des tirets bas (_)"


def good(table: Table, header: str) -> str:
    """A value the column takes: an identifier, a thesaurus code, or `type/identifiant`."""
    column = next((c for c in table.columns if c.header == header), None)
    if column is not None and column.kind == "concept":
        return schemes()[column.scheme or ""].concepts[0].iri.rsplit("/", 1)[-1]
    if column is not None and column.kind == "resource" and (column.target or "").endswith("{+}"):
        return "commune/35238" if "territory" in (column.target or "") else "project/un-projet"
    return "un-nom_2"


def sheet(table: Table, header: str, value: str) -> list[list[str]]:
    headers = list(dict.fromkeys([*table.keys, *table.required(), header]))
    row = [value if h == header else good(table, h) if h in table.keys else "" for h in headers]
    return [headers, row]


def key_columns() -> list[tuple[str, str]]:
    return [(t.file, k) for t in tables() for k in t.keys
            if not any(c.header == k and c.kind == "concept" for c in t.columns)]


def name_columns() -> list[tuple[str, str]]:
    return [(t.file, c.header) for t in tables() for c in t.columns
            if c.kind == "resource" and (c.target or "").endswith("{}") and c.header not in t.keys]


def path_columns() -> list[tuple[str, str]]:
    return [(t.file, c.header) for t in tables() for c in t.columns
            if c.kind == "resource" and (c.target or "").endswith("{+}")]


def table(file: str) -> Table:
    return next(t for t in tables() if t.file == file)


def test_every_table_has_identifier_columns_to_check() -> None:
    assert {f for f, _ in key_columns()} == {t.file for t in tables()}
    assert ("fundings.csv", "financeur") in name_columns() and ("projects.csv", "inspire_de") in path_columns()


@pytest.mark.parametrize("file, header", key_columns())
def test_a_row_identifier_outside_the_rule_is_refused_at_its_cell(file: str, header: str) -> None:
    for bad in BAD_NAMES:
        problems = refused([document(file, sheet(table(file), header, bad))])
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"[{file}, ligne 2, colonne « {header} »] « {bad} » : {NAME_RULE}"), problems


@pytest.mark.parametrize("file, header", key_columns())
def test_a_row_identifier_of_letters_digits_hyphens_and_underscores_is_read(file: str, header: str) -> None:
    for name in ("org-a", "ORG_2", "a", "35238", "2A004", "org_"):
        read_tables([document(file, sheet(table(file), header, name))], BASE)


@pytest.mark.parametrize("file, header", name_columns())
def test_a_cell_naming_a_resource_outside_the_rule_is_refused_at_its_cell(file: str, header: str) -> None:
    for bad in BAD_NAMES:
        problems = refused([document(file, sheet(table(file), header, bad))])
        assert problems and all(f"[{file}, ligne 2, colonne « {header} »] « {bad} » : {NAME_RULE}" in p
                                for p in problems), problems


@pytest.mark.parametrize("file, header", path_columns())
def test_a_cell_naming_a_resource_by_its_type_outside_the_rule_is_refused_at_its_cell(file: str, header: str) -> None:
    for bad in BAD_PATHS:
        problems = refused([document(file, sheet(table(file), header, bad))])
        assert problems == [f"[{file}, ligne 2, colonne « {header} »] « {bad} » : attendu une ressource écrite "
                            f"type/identifiant" + problems[0].split("type/identifiant", 1)[1]], problems
        assert NAME_RULE in problems[0]


def test_a_bad_identifier_in_a_list_of_resources_is_refused_and_the_good_ones_do_not_hide_it() -> None:
    rows = sheet(table("lessons.csv"), "confirme", "lecon-a|Leçon B|lecon-c")
    assert refused([document("lessons.csv", rows)]) == [
        f"[lessons.csv, ligne 2, colonne « confirme »] « Leçon B » : {NAME_RULE}, sans espace ni ponctuation ; il "
        "commence par une lettre ou un chiffre et ne finit pas par un tiret, par exemple « Lecon-B »"]


@pytest.mark.parametrize("bad, close", [("Asso Pirate.", "Asso-Pirate"), ("café-rennes", "cafe-rennes"),
                                        ("org-a-", "org-a"), ("Maison des familles (Rennes)",
                                                                "Maison-des-familles-Rennes")])
def test_the_refusal_suggests_the_identifier_the_cell_could_be(bad: str, close: str) -> None:
    rows = [["organisation", "nom", "types"], [bad, "X", "association"]]
    assert refused([document("organisations.csv", rows)])[0].endswith(f"par exemple « {close} »")
    english = refused([document("organisations.csv", rows)], "en")
    assert english[0].startswith(f"[organisations.csv, row 2, column 'organisation'] '{bad}': an identifier holds "
                                 "only unaccented letters")


@pytest.mark.parametrize("header, row, said, used", [
    ("organisation,nom,types", "org-a;Z;association", "points-virgules", "virgules"),
    ("organisation;nom;types", "org-a,Z,association", "virgules", "points-virgules"),
    ("organisation\tnom\ttypes", "org-a;Z;association", "points-virgules", "tabulations"),
    ("organisation;nom;types", "org-a\tZ\tassociation", "tabulations", "points-virgules")])
def test_rows_written_with_another_separator_than_the_title_row_are_refused_saying_so(header: str, row: str,
                                                                                      said: str, used: str) -> None:
    from isic_graph.ingest.documents import Document
    from isic_graph.rdf.formats import format_for_path

    text = f"{header}\r\norg-b{header[12]}Y{header[12]}association\r\n{row}\r\n"
    doc = Document("organisations.csv", text.encode(), format_for_path("organisations.csv"))
    problems = refused([doc])
    assert len(problems) == 1
    assert problems[0].startswith(f"[organisations.csv, ligne 3, colonne « organisation »] « {row} » : la ligne "
                                  f"est séparée par des {said}, la ligne des titres par des {used}")


def test_a_lone_cell_without_another_separator_is_still_read_as_its_column() -> None:
    batch = read_tables([document("organisations.csv", [["organisation", "nom", "types"], ["org-a"]])], BASE)
    assert any(t.subject.value == BASE + "id/organisation/org-a" for t in batch.triples)


@pytest.mark.parametrize("code, close", [("35 238", "35238"), ("35.238", "35-238"), ("2A 004", "2A-004"),
                                         ("35238-", "35238"), ("Saint-Malo (35)", "Saint-Malo-35")])
def test_a_code_a_row_identifier_is_made_of_is_refused_at_its_cell(code: str, close: str) -> None:
    rows = [["code_insee", "nom", "niveau"], [code, "Une commune", "commune"]]
    assert refused([document("territories.csv", rows)]) == [
        f"[territories.csv, ligne 2, colonne « code_insee »] « {code} » : la valeur fait l'identifiant de la ligne "
        f"(« code » vide) : {NAME_RULE}, sans espace ni ponctuation ; il commence par une lettre ou un chiffre et ne "
        f"finit pas par un tiret, par exemple « {close} »"]


def test_a_code_given_with_its_identifier_is_not_the_identifier() -> None:
    rows = [["code", "code_insee", "nom", "niveau"], ["rennes-centre", "35 238", "Rennes centre", "quartier"]]
    batch = read_tables([document("territories.csv", rows)], BASE)
    assert any(t.subject.value == BASE + "id/territory/neighbourhood/rennes-centre" for t in batch.triples)


@pytest.mark.parametrize("header", ["partenariat", "organisation"])
def test_a_refused_key_another_key_is_made_of_is_said_once(header: str) -> None:
    rows = [["partenariat", "organisation", "roles"], ["part-a", "org-b", ""]]
    rows[1][rows[0].index(header)] = "Asso Pirate."
    problems = refused([document("partners.csv", rows)])
    assert len(problems) == 1 and problems[0].startswith(f"[partners.csv, ligne 2, colonne « {header} »] "
                                                         f"« Asso Pirate. » : {NAME_RULE}")
