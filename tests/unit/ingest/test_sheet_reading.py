"""Sheets read as social workers' spreadsheets write them: by header, in French Excel's and LibreOffice's exports,
as workbooks, with thesaurus labels; every refusal once, at its cell, in the sheet's words."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rdflib import XSD, Graph
from rdflib import Literal as RdfLiteral
from rdflib.compare import isomorphic

from isic_graph.errors import SheetRefused
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.reading import read_batch
from isic_graph.ingest.sheetmodel import tables
from isic_graph.ingest.sheettemplates import csv_header, mapping_text, workbook
from isic_graph.ingest.tabular import read_tables
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.unit.ingest.test_sheet_samples import BASE, EXPECTED, SAMPLE, graph_of

ROOT = paths.ROOT
FIXTURES = ROOT / "tests" / "data" / "sheets"
TEMPLATE = ROOT / "templates" / "csv"
ISIC = "https://w3id.org/isic/ontology#"
LESSON = "<http://localhost:5000/id/lesson/{}>"


def canonical(graph: Graph) -> Graph:
    """Decimals by value: a workbook holds 3500.00 as the number 3500."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, RdfLiteral) and o.datatype == XSD.decimal:
            o = RdfLiteral(str(Decimal(str(o)).normalize()), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def sample_rows() -> dict[str, list[list[str]]]:
    return {p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in sorted(SAMPLE.glob("*.csv"))}


def document(name: str, rows: list[list[str]], separator: str = ",", encoding: str = "utf-8") -> Document:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return Document(name, out.getvalue().encode(encoding), format_for_path(name))


def lines(triples: object) -> set[str]:
    return {str(t) for t in triples}  # type: ignore[attr-defined]


def refused(docs: list[Document], lang: str = "fr") -> list[str]:
    with pytest.raises(SheetRefused) as caught:
        read_tables(docs, BASE)
    return [v.describe(lang) for v in caught.value.report.violations]


def with_cell(rows: list[list[str]], row: int, header: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in rows]
    rows[row][rows[0].index(header)] = value
    return rows


def without_column(rows: list[list[str]], header: str) -> list[list[str]]:
    i = rows[0].index(header)
    return [r[:i] + r[i + 1:] for r in rows]


def swapped(rows: list[list[str]], a: str, b: str) -> list[list[str]]:
    i, j = rows[0].index(a), rows[0].index(b)
    out = []
    for r in rows:
        r = list(r)
        r[i], r[j] = r[j], r[i]
        out.append(r)
    return out


# ---------------------------------------------------------------- written by LibreOffice, French locale

@pytest.mark.parametrize("written", ["libreoffice-cp1252", "libreoffice-utf8-bom", "action-sociale-35.ods",
                                     "action-sociale-35.xlsx"])
def test_sheet_exported_by_a_french_spreadsheet_reads_to_the_sample_graph(written: str) -> None:
    path = FIXTURES / written
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    batch = read_batch([Document.from_path(p) for p in files], BASE)
    assert isomorphic(canonical(graph_of(batch.triples)), canonical(Graph().parse(EXPECTED, format="nt")))


def test_libreoffice_exports_are_what_french_excel_writes() -> None:
    data = (FIXTURES / "libreoffice-cp1252" / "fundings.csv").read_bytes()
    assert b";3\xa0500,00;" in data  # semicolons, Windows-1252 no-break space, decimal comma
    assert (FIXTURES / "libreoffice-utf8-bom" / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b";15/09/2014;" in (FIXTURES / "libreoffice-cp1252" / "projects.csv").read_bytes()
    header = (FIXTURES / "libreoffice-cp1252" / "lessons.csv").read_bytes().split(b"\n")[0]
    assert header.startswith(b"niveau_de_formalisation;formule_par;contredit;confirme;")  # every column moved


LATIN_9_TEXTS = ["Le cœur du projet : un budget de 300 € pour les sœurs et leurs œuvres.", "Œuvrer ensemble, 20 €.",
                 "Prix : 12,50 € par famille.", "Un vœu : l'œil des habitants sur le projet.",
                 "Permanence à L'HAŸ-LES-ROSES.", "Un partenariat avec Škoda."]


@pytest.mark.parametrize("text", LATIN_9_TEXTS)
def test_a_sheet_saved_in_iso_8859_15_reads_as_written(text: str) -> None:
    """LibreOffice's « Europe occidentale (ISO-8859-15/EURO) »: read as Windows-1252, `cœur` was published as
    `c½ur` and € as ¤."""
    rows = [["enseignement", "projet", "categorie", "enonce"], ["l1", "p", "obstacle", text]]
    found = lines(read_tables([document("lessons.csv", rows, ";", "iso8859_15")], BASE).triples)
    assert f'{LESSON.format("l1")} <{ISIC}statement> "{text}"@fr' in found, found


@pytest.mark.parametrize("text", ["Une séance d'1½ heure, deux fois ¼ d'heure.", "Le cœur ½ et « guillemets ».",
                                  "Un budget de 300 € à l’euro près.", "Une ½h de bilan.", "L´ÉQUIPE DU CDAS",
                                  "Aujourd´hui, 2 séances de ¾h.", "Trois quarts ¾ des familles."])
def test_a_windows_1252_sheet_with_fractions_or_its_own_signs_stays_windows_1252(text: str) -> None:
    rows = [["enseignement", "projet", "categorie", "enonce"], ["l1", "p", "obstacle", text]]
    found = lines(read_tables([document("lessons.csv", rows, ";", "cp1252")], BASE).triples)
    assert f'{LESSON.format("l1")} <{ISIC}statement> "{text}"@fr' in found, found


# ---------------------------------------------------------------- by header

@pytest.mark.parametrize("a, b", [("confirme", "contredit"), ("enonce", "recommandation"), ("categorie", "phase")])
def test_columns_moved_with_their_data_keep_their_meaning(a: str, b: str) -> None:
    rows = sample_rows()
    original = read_tables([document(n, r) for n, r in rows.items()], BASE).triples
    rows["lessons.csv"] = swapped(rows["lessons.csv"], a, b)
    assert lines(read_tables([document(n, r) for n, r in rows.items()], BASE).triples) == lines(original)


def test_swapped_description_and_genesis_keep_their_fields() -> None:
    rows = sample_rows()
    rows["projects.csv"] = swapped(rows["projects.csv"], "description", "genese")
    found = lines(read_tables([document("projects.csv", rows["projects.csv"])], BASE).triples)
    project = "<http://localhost:5000/id/project/cafe-des-parents-rennes>"
    assert f'{project} <http://purl.org/dc/terms/description> "Un temps d\'échange mensuel entre parents animé par ' \
           'deux assistantes sociales et une association de parents."@fr' in found


def test_confirms_lands_in_confirms_after_the_columns_swap() -> None:
    rows = [["enseignement", "projet", "categorie", "enonce", "contredit", "confirme"],
            ["l1", "p", "obstacle", "Texte", "autre-lecon", "cdp-elus-invites"]]
    found = lines(read_tables([document("lessons.csv", rows)], BASE).triples)
    assert f"{LESSON.format('l1')} <{ISIC}confirms> {LESSON.format('cdp-elus-invites')}" in found
    assert f"{LESSON.format('l1')} <{ISIC}contradicts> {LESSON.format('autre-lecon')}" in found


@pytest.mark.parametrize("typo, closest", [("contredt", "contredit"), ("Confirmé", None), ("date debut", None),
                                           ("titel", "titre")])
def test_unknown_column_is_refused_with_the_closest_name_or_read_by_its_label(typo: str, closest: str | None) -> None:
    table = "lessons.csv" if "confirm" in typo.lower() or "contred" in typo else "projects.csv"
    rows = sample_rows()[table]
    header = "contredit" if "contred" in typo else "confirme" if "onfirm" in typo else \
        "date_debut" if "debut" in typo else "titre"
    rows = [[typo if h == header else h for h in rows[0]], *rows[1:]]
    if closest is None:  # an accent, a case or a space apart, or the column's label: read as the column
        read_tables([document(table, rows)], BASE)
        return
    problems = refused([document(table, rows)])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"[{table}, ligne 1, colonne « {typo} »] colonne inconnue ; vouliez-vous dire "
                                  f"« {closest} » ?")


def test_missing_required_column_is_named() -> None:
    rows = without_column(sample_rows()["projects.csv"], "titre")
    assert refused([document("projects.csv", rows)]) == ["[projects.csv, ligne 1] colonne manquante : « titre »"]
    assert refused([document("projects.csv", rows)], "en") == ["[projects.csv, row 1] missing column: 'titre'"]


@pytest.mark.parametrize("column", ["genese", "modalites", "date_fin", "jalons", "outils_de_suivi", "statut"])
def test_optional_column_may_be_left_out_and_every_other_value_stays_put(column: str) -> None:
    rows = sample_rows()["projects.csv"]
    whole = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    less = lines(read_tables([document("projects.csv", without_column(rows, column))], BASE).triples)
    assert less < whole and all(column_path(column) in t for t in whole - less)


def column_path(header: str) -> str:
    return next(c.path for t in tables() for c in t.columns if t.file == "projects.csv" and c.header == header)


# ---------------------------------------------------------------- what spreadsheets write

@pytest.mark.parametrize("separator, encoding, bom", [(";", "cp1252", ""), (";", "utf-8", "\ufeff"),
                                                      (",", "utf-8", "\ufeff"), ("\t", "utf-8", ""),
                                                      (";", "utf-8", "")])
def test_separators_and_encodings_spreadsheets_write_are_read(separator: str, encoding: str, bom: str) -> None:
    rows = sample_rows()
    expected = lines(read_tables([document(n, r) for n, r in rows.items()], BASE).triples)
    docs = []
    for name, table in rows.items():
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(table)
        docs.append(Document(name, (bom + out.getvalue()).encode(encoding), format_for_path(name)))
    assert lines(read_tables(docs, BASE).triples) == expected


@pytest.mark.parametrize("data, message", [
    ("\ufeffprojet,titre\n".encode("utf-16"), "[projects.csv, ligne 1] le fichier est en UTF-16 : enregistrez la "
                                               "feuille en « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »"),
    (b"projet,titre\np,caf\x81\n", "[projects.csv, ligne 2] ni du texte UTF-8 ni du Windows-1252 (octet 0x81) : "
                                    "enregistrez la feuille en « CSV UTF-8 »"),
    (b"PK\x03\x04 not really a zip", None),
])
def test_text_in_another_encoding_or_a_broken_workbook_is_refused_with_a_message(data: bytes,
                                                                                 message: str | None) -> None:
    name = "projects.csv" if message else "fiche.xlsx"
    problems = refused([Document(name, data, format_for_path(name))])
    assert problems == [message or "[fiche.xlsx, ligne 1] ce classeur ne peut pas être lu : enregistrez-le en .xlsx "
                                   "ou en .ods"]


DATE = "<https://w3id.org/isic/ontology#startDate>"


@pytest.mark.parametrize("cell, lexical", [("2014-09-15", "2014-09-15"), ("15/09/2014", "2014-09-15"),
                                           ("1/3/2022", "2022-03-01"), (" 01/03/2022 ", "2022-03-01"),
                                           ("15.09.2014", "2014-09-15"), ("15/09/14", "2014-09-15"),
                                           ("12 mars 2015", "2015-03-12"), ("1er févr. 2016", "2016-02-01"),
                                           ("3 Décembre 1999", "1999-12-03"), ("01/02/68", "1968-02-01"),
                                           ("15/09/50", "1950-09-15"), ("31/12/29", "2029-12-31"),
                                           ("01/01/30", "1930-01-01"), ("1.3.99", "1999-03-01"),
                                           ("01/03/00", "2000-03-01")])
def test_dates_as_french_spreadsheets_write_them(cell: str, lexical: str) -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "date_debut", cell)
    found = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    assert any(DATE in t and f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#date>' in t for t in found)


@pytest.mark.parametrize("cell", ["01/03/2024 00:00", "01/03/2024 00:00:00", "2024-03-01 00:00:00", "2024-03-01T00:00",
                                  "01.03.2024 00:00", "1er mars 2024 00:00"])
def test_a_date_exported_with_the_time_of_midnight_is_read_as_its_day(cell: str) -> None:
    """What LibreOffice and Excel export for a date cell whose format shows the time; it was refused as a phone
    number, its value hidden."""
    rows = with_cell(sample_rows()["projects.csv"], 1, "date_debut", cell)
    found = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    assert any(DATE in t and '"2024-03-01"^^<http://www.w3.org/2001/XMLSchema#date>' in t for t in found)


@pytest.mark.parametrize("cell, day, time", [("01/03/2024 14:30", "01/03/2024", "14:30"),
                                             ("2024-03-01T09:05:00", "2024-03-01", "09:05:00"),
                                             ("01/03/2024 à 14h30", "01/03/2024", "14h30")])
def test_a_date_given_with_an_hour_is_refused_saying_to_leave_the_hour_out(cell: str, day: str, time: str) -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "date_debut", cell)
    assert refused([document("projects.csv", rows)]) == [
        f"[projects.csv, ligne 2, colonne « date_debut »] « {cell} » : une date sans heure est attendue : écrivez "
        f"« {day} », sans « {time} » (dans le tableur, donnez à la cellule un format de date sans heure)"]


def test_a_text_giving_a_day_and_an_hour_is_published_not_refused_as_a_phone_number() -> None:
    text = "Séance du 01/03/2024 14:30 au centre social, puis le 15.03.2024 09:00"
    rows = with_cell(sample_rows()["lessons.csv"], 1, "enonce", text)
    found = lines(read_tables([document("lessons.csv", rows)], BASE).triples)
    assert any(text in t for t in found)


@pytest.mark.parametrize("cell, day", [("31/02/2022", "31/02/2022"), ("2022-13-01", "01/13/2022"),
                                       ("32 mars 2015", "32/03/2015"), ("29/02/2023", "29/02/2023"),
                                       ("2014-04-31", "31/04/2014"), ("31.06.14", "31/06/2014")])
def test_a_date_written_right_that_no_calendar_has_is_refused_saying_so(cell: str, day: str) -> None:
    """The format is right: saying what formats are expected would send the writer looking for the wrong fault."""
    rows = with_cell(sample_rows()["projects.csv"], 1, "date_debut", cell)
    assert refused([document("projects.csv", rows)]) == [
        f"[projects.csv, ligne 2, colonne « date_debut »] « {cell} » : le {day} n'existe pas dans le calendrier : "
        "vérifiez le jour et le mois"]


@pytest.mark.parametrize("cell", ["mars 2022", "15.09/2014", "2014/09/15", "12 brumaire 2015", "41897",
                                  "15/09/2014 25:00", "15/09/2014 00:60"])
def test_a_cell_that_is_no_date_is_refused_at_its_cell_with_the_formats(cell: str) -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "date_debut", cell)
    assert refused([document("projects.csv", rows)]) == [
        f"[projects.csv, ligne 2, colonne « date_debut »] « {cell} » : attendu une date AAAA-MM-JJ ou JJ/MM/AAAA "
        "(ex. 2022-03-01, 01/03/2022 ou 1er mars 2022)"]


@pytest.mark.parametrize("cell, lexical", [("2500,50", "2500.50"), ("2 500,50", "2500.50"),
                                           ("2\u00a0500,50", "2500.50"), ("2\u202f500,50 €", "2500.50"),
                                           ("2500.50", "2500.50"), ("3500", "3500"), ("1 500 €", "1500"),
                                           ("12 345 678,9", "12345678.9"), ("2.500,50", "2500.50")])
def test_amounts_as_french_excel_writes_them(cell: str, lexical: str) -> None:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    found = lines(read_tables([document("fundings.csv", rows)], BASE).triples)
    assert f'<http://localhost:5000/id/funding/cdp-caf> <{ISIC}amount> ' \
           f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#decimal>' in found


@pytest.mark.parametrize("cell", ["deux mille", "2,500,50", "€"])
def test_a_cell_that_is_no_amount_is_refused(cell: str) -> None:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    assert refused([document("fundings.csv", rows)]) == [
        f"[fundings.csv, ligne 2, colonne « montant »] « {cell} » : attendu un montant, ex. 2500,50 ou 2 500,50 €"]


@pytest.mark.parametrize("cell, value", [("oui", "true"), ("Oui", "true"), ("OUI", "true"), ("vrai", "true"),
                                         ("True", "true"), ("1", "true"), ("non", "false"), ("Non", "false"),
                                         ("FAUX", "false"), ("false", "false"), ("0", "false")])
def test_yes_and_no_in_french_or_english_in_any_case(cell: str, value: str) -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "issu_situations_individuelles", cell)
    found = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    assert any(f"emergedFromIndividualSituations> \"{value}\"^^" in t for t in found)


def test_a_yes_no_cell_that_is_neither_says_oui_or_non() -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "issu_situations_individuelles", "peut-être")
    assert refused([document("projects.csv", rows)], "en") == [
        "[projects.csv, row 2, column 'issu_situations_individuelles'] 'peut-être': expected yes or no (oui / non)"]


@pytest.mark.parametrize("cell", ["isolation | food", " isolation|food ", "isolation |food|",
                                  "Isolement | Alimentation"])
def test_values_are_trimmed_around_the_bar(cell: str) -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "themes", cell)
    found = lines(read_tables([document("projects.csv", rows)], BASE).triples)
    project = "<http://localhost:5000/id/project/cafe-des-parents-rennes>"
    themes = {t for t in found if t.startswith(f"{project} <{ISIC}theme>")}
    assert themes == {f"{project} <{ISIC}theme> <https://w3id.org/isic/thesaurus/theme/isolation>",
                      f"{project} <{ISIC}theme> <https://w3id.org/isic/thesaurus/theme/food>"}


# ---------------------------------------------------------------- thesaurus values

@pytest.mark.parametrize("header, cell, code", [
    ("categorie", "bonne-pratique", "lesson-category/good-practice"),
    ("categorie", "Bonne pratique", "lesson-category/good-practice"),
    ("categorie", "BONNE PRATIQUE", "lesson-category/good-practice"),
    ("categorie", "good practice", "lesson-category/good-practice"),
    ("categorie", "good-practice", "lesson-category/good-practice"),
    ("categorie", "Contournement", "lesson-category/workaround"),
    ("phase", "démarrage", "phase/start-up"),
    ("phase", "Demarrage", "phase/start-up"),
    ("acteurs_concernes", "élus", "role-type/elected-official"),
    ("acteurs_concernes", "Élu", "role-type/elected-official"),
    ("acteurs_concernes", "elected official", "role-type/elected-official"),
    ("dimensions", "Partenariat", "dimension/partnership"),
    ("transferable_themes", "isolement", "theme/isolation"),
    ("transferable_themes", "Isolement", "theme/isolation"),
    ("transferable_themes", "Isolement et lien social", "theme/isolation"),
    ("transferable_themes", "lien social", "theme/isolation"),
])
def test_thesaurus_values_by_code_or_label_in_any_case_and_accents(header: str, cell: str, code: str) -> None:
    rows = with_cell(sample_rows()["lessons.csv"], 1, header, cell)
    found = lines(read_tables([document("lessons.csv", rows)], BASE).triples)
    assert any(t.startswith(LESSON.format("cdp-garde-enfants")) and
               t.endswith(f"<https://w3id.org/isic/thesaurus/{code}>") for t in found)


@pytest.mark.parametrize("header, cell", [
    ("themes", "Familles"), ("themes", "Aide"), ("themes", "Habitants"), ("themes", "social"), ("themes", "sans"),
    ("themes", "Familles | Logement"), ("a_l_initiative_de", "Service"), ("a_l_initiative_de", "social"),
    ("forme_de_l_action_collective", "Groupe"), ("effet", "Action"), ("effet", "pratique"),
])
def test_a_word_of_a_value_s_name_is_refused_with_that_value_offered_not_taken_for_it(header: str, cell: str) -> None:
    """A cell naming no value, but holding a word of one value's names, was published as that value: `Familles` as
    the theme `Vacances et loisirs` (its alternative label `Départs en vacances des familles`)."""
    rows = with_cell(sample_rows()["projects.csv"], 1, header, cell)
    problems = refused([document("projects.csv", rows)])
    first = cell.split(" | ")[0]
    assert len(problems) == 1 and f"« {first} » : ce n'est pas une valeur de la liste" in problems[0], problems


def test_a_cell_names_a_value_by_its_names_or_by_the_first_of_the_two_things_its_label_joins() -> None:
    """Over every thesaurus: a word found within a value's names (of four letters or more) names that value only
    when it is one of its names, in the singular or not, or the A of its French label `A et B`."""
    from isic_graph.ingest.vocabulary import plain, schemes, singular

    for scheme in schemes().values():
        words = {w for name in scheme.names for w in name.split(" ") if len(w) >= 4}
        for word in sorted(words):
            found = scheme.find(word)
            if found is None:
                continue
            names = [n for n, c in scheme.names.items() if c.iri == found.iri]
            assert (word in names or singular(word) in {singular(n) for n in names}
                    or plain(found.labels["fr"]).startswith(word + " et ")), (scheme.iri, word, found.iri)


def test_partner_roles_by_french_label() -> None:
    rows = with_cell(sample_rows()["partners.csv"], 1, "roles", "financeur | Pilote")
    found = lines(read_tables([document("partners.csv", rows)], BASE).triples)
    assert {t.rsplit(" ", 1)[-1] for t in found if f"<{ISIC}role>" in t and "cdp-partenariat-cdas" in t} == {
        "<https://w3id.org/isic/thesaurus/partner-role/funder>", "<https://w3id.org/isic/thesaurus/partner-role/pilot>"}


def test_unknown_thesaurus_value_says_what_was_meant_and_lists_the_labels_once() -> None:
    rows = with_cell(sample_rows()["lessons.csv"], 1, "categorie", "obstcle")
    problems = refused([document("lessons.csv", rows)])
    assert len(problems) == 1
    assert problems[0].startswith("[lessons.csv, ligne 2, colonne « categorie »] « obstcle » : ce n'est pas une "
                                  "valeur de la liste « Catégories d'enseignements » ; vouliez-vous dire "
                                  "« obstacle (Frein) » ? Valeurs possibles : Frein, Solution de contournement")
    assert "http" not in problems[0] and "isic:" not in problems[0]
    english = refused([document("lessons.csv", rows)], "en")[0]
    assert "did you mean 'obstacle'? Possible values: Obstacle, Workaround" in english


def test_each_unknown_value_of_a_list_is_reported_once() -> None:
    rows = with_cell(sample_rows()["projects.csv"], 1, "themes", "isolashion | fod | isolashion")
    problems = refused([document("projects.csv", rows)])
    assert [p.split(" : ")[0] for p in problems] == ["[projects.csv, ligne 2, colonne « themes »] « isolashion »",
                                                     "[projects.csv, ligne 2, colonne « themes »] « fod »"]


@pytest.mark.parametrize("table, shortened, meant", [
    ("roles.csv", "fonction_dans_le_projet", ("type", "fonction_dans_le_projet")),
    ("lessons.csv", "sujet_de_methode", ("methode", "sujet_de_methode")),
])
@pytest.mark.parametrize("spelling", ["first", "upper"])
def test_a_title_that_is_one_column_s_label_and_begins_another_s_is_refused_as_ambiguous(
        table: str, shortened: str, meant: tuple[str, ...], spelling: str) -> None:
    """`Fonction`, the role type's label, is what a reader writes for `Fonction dans le projet` too: the function's
    values (`Responsable associatif`) were stored as role types (`Cadre`)."""
    rows = sample_rows()[table]
    title = {"fonction_dans_le_projet": "Fonction", "sujet_de_methode": "Method"}[shortened]
    title = title.upper() if spelling == "upper" else title
    for header in meant:
        if header in rows[0]:
            rows = without_column(rows, header)
    rows = [[*rows[0], title], *([*row, ""] for row in rows[1:])]
    problems = refused([document(table, rows)])
    assert problems == [f"[{table}, ligne 1, colonne « {title} »] colonne ambiguë : elle peut être "
                        + " ou ".join(f"« {h} »" for h in meant) + " ; donnez-lui le nom de la colonne voulue"]


def test_every_problem_of_a_submission_is_gathered_before_refusing() -> None:
    rows = sample_rows()
    rows["lessons.csv"] = with_cell(rows["lessons.csv"], 1, "categorie", "obstcle")
    rows["fundings.csv"] = with_cell(rows["fundings.csv"], 2, "montant", "beaucoup")
    rows["projects.csv"] = [[("titel" if h == "titre" else h) for h in rows["projects.csv"][0]],
                            *rows["projects.csv"][1:]]
    problems = refused([document(n, r) for n, r in rows.items()])
    assert [p.split("]")[0] for p in problems] == ["[fundings.csv, ligne 3, colonne « montant »",
                                                   "[lessons.csv, ligne 2, colonne « categorie »",
                                                   "[projects.csv, ligne 1, colonne « titel »"]


# ---------------------------------------------------------------- templates generated from the model

def test_committed_csv_templates_and_mapping_are_what_the_model_generates() -> None:
    for table in tables():
        assert (TEMPLATE / table.file).read_text(encoding="utf-8") == csv_header(table)
    assert (TEMPLATE / "isic-sheet.csv-metadata.json").read_text(encoding="utf-8") == mapping_text()
    assert sorted(p.name for p in TEMPLATE.glob("*.csv")) == sorted(t.file for t in tables())


def test_a_property_of_the_shapes_without_a_declared_header_gets_a_column_named_after_it() -> None:
    organisations = next(t for t in tables() if t.file == "organisations.csv")
    assert "site_web" in organisations.headers  # foaf:homepage of the Organisation shape
    network = next(t for t in tables() if t.file == "network.csv")
    assert any(c.path == f"{ISIC}member" for c in network.columns)


def test_workbook_template_has_a_sheet_per_table_an_example_row_and_drop_down_lists() -> None:
    book = load_workbook(io.BytesIO(workbook()))
    assert book.sheetnames == [t.name for t in tables()] + ["listes"]
    lessons = book["lessons"]
    assert [c.value for c in lessons[1]] == list(next(t for t in tables() if t.name == "lessons").headers)
    assert lessons["A2"].value == "exemple-enseignement"
    lists = {str(v.sqref): v.formula1 for v in lessons.data_validations.dataValidation}
    column = next(c.column_letter for c in lessons[1] if c.value == "categorie")
    assert lists[f"{column}2:{column}1000"].startswith("listes!$")
    assert [c.value for c in lessons[1]].index("categorie") >= 0
    listed = [r[0].value for r in book["listes"].iter_rows(min_row=1) if r[0].value]
    assert listed[0] and len(listed) > 3


def test_workbook_template_filled_as_is_reads_through_the_same_path() -> None:
    batch = read_tables([Document("modele.xlsx", workbook(), format_for_path("modele.xlsx"))], BASE)
    found = lines(batch.triples)
    assert f"{LESSON.format('exemple-enseignement')} <{ISIC}lessonCategory> " \
           "<https://w3id.org/isic/thesaurus/lesson-category/good-practice>" in found
    assert any('"2500.50"^^<http://www.w3.org/2001/XMLSchema#decimal>' in t for t in found)
    assert batch.locations["http://localhost:5000/id/lesson/exemple-enseignement"].file == "modele.xlsx › lessons"


# ---------------------------------------------------------------- the shapes' problems, in the sheet's words

def test_a_shapes_problem_at_a_cell_is_said_without_iris_or_vocabulary_names(validator: Validator) -> None:
    rows = sample_rows()
    rows["lessons.csv"] = with_cell(with_cell(rows["lessons.csv"], 1, "enonce", ""), 2, "projet", "projet-inconnu")
    batch = read_batch([document(n, r) for n, r in rows.items()], BASE)
    report = check(batch, None, validator, Graphs(BASE), "action-sociale-35")
    said = sorted(v.describe("fr") for v in report.violations)
    assert said == [
        "[lessons.csv, ligne 2, colonne « enonce »] Enseignement — Rédigez l'enseignement : au moins un texte avec sa "
        "langue (français ou anglais), un seul par langue.",
        "[lessons.csv, ligne 3, colonne « projet »] « La garde a été confiée à des bénévoles de l'association de "
        "parents, formés pa… » — Projet d'origine — valeur : projet-inconnu — Un enseignement est tiré d'un et d'un "
        "seul projet, décrit dans la base."]


@pytest.mark.parametrize("extra", [["", "oublié"], ["sans titre"]])
def test_a_value_under_no_column_title_is_refused_not_dropped(extra: list[str]) -> None:
    rows = sample_rows()["network.csv"]
    header = rows[0] + ([""] if len(extra) == 2 else [])
    data = rows[1] + extra
    problems = refused([document("network.csv", [header, data])])
    at = len(header) + 1  # the first column past the titled ones
    assert len(problems) == 1 and problems[0].startswith("[network.csv, ligne 2] la colonne "), problems
    assert f"(n° {at}) n'a pas de titre" in problems[0] and extra[-1] in problems[0], problems


def test_empty_columns_and_rows_a_spreadsheet_leaves_are_ignored() -> None:
    rows = sample_rows()["network.csv"]
    expected = lines(read_tables([document("network.csv", rows)], BASE).triples)
    padded = [rows[0] + ["", ""], rows[1] + ["", ""], ["", "", "", "", ""]]
    assert lines(read_tables([document("network.csv", padded, ";")], BASE).triples) == expected


def test_generated_mapping_is_csvw_that_a_csvw_reader_takes_with_every_column() -> None:
    import csvw

    group = csvw.TableGroup.from_file(TEMPLATE / "isic-sheet.csv-metadata.json")
    read = {str(t.url): [c.name for c in t.tableSchema.columns if not c.virtual] for t in group.tables}
    assert read == {t.file: list(t.headers) for t in tables()}


def test_workbook_template_examples_of_every_table_read_as_their_resources() -> None:
    batch = read_tables([Document("modele.xlsx", workbook(), format_for_path("modele.xlsx"))], BASE)
    typed = {t.subject.value: t.object.value for t in batch.triples if t.predicate.value.endswith("#type")}
    for path, cls in [("group/exemple-groupe", "UserGroup"), ("role/exemple-role", "ProfessionalRole"),
                      ("committee/exemple-copil", "SteeringCommittee"),
                      ("resource/exemple-fiche-methode", "KnowledgeResource"),
                      ("partner-role/exemple-partenariat-centre-social-exemple", "PartnerRole")]:
        assert typed[f"{BASE}id/{path}"] == f"{ISIC}{cls}"


@pytest.mark.parametrize(("rows", "said"), [
    ([["enseignement", "projet", "categorie", "enonce", ""], ["l1", "p", "obstacle", "Texte", "perdu"]],
     "la colonne E (n° 5) n'a pas de titre dans la ligne des titres, mais cette ligne y a une valeur (« perdu »)"),
    ([["enseignement", "projet", "categorie", "enonce"], ["l1", "p", "obstacle", "Texte", "", "", "en trop"]],
     "la colonne G (n° 7) n'a pas de titre dans la ligne des titres, mais cette ligne y a une valeur (« en trop »)"),
])
def test_a_value_under_no_column_title_is_refused_naming_its_column(rows: list[list[str]], said: str) -> None:
    """The message said "the row has 5 cells, the header 5 columns", naming no column."""
    problems = refused([document("lessons.csv", rows, ";")])
    assert len(problems) == 1 and said in problems[0], problems


@pytest.mark.parametrize("name", ["fiche.xlsx", "Projets.ods"])
def test_a_csv_named_as_a_workbook_is_told_to_be_named_csv(name: str) -> None:
    """It was "this workbook cannot be read: save it as .xlsx or .ods", which it was already named."""
    data = "projet;titre\r\ncafe;Café des parents\r\n".encode("cp1252")
    problems = refused([Document(name, data, format_for_path(name))])
    assert problems == [f"[{name}, ligne 1] ce fichier porte le nom d'un classeur mais contient du texte (un fichier "
                        "CSV ?) : nommez-le en .csv, ou enregistrez la feuille en .xlsx ou en .ods"]


def test_a_table_under_a_spreadsheets_default_name_is_named_by_its_columns() -> None:
    """`Sans nom 1.csv` with the lessons' columns was refused listing the tables, with no guess."""
    rows = sample_rows()["lessons.csv"]
    problems = refused([document("Sans nom 1.csv", rows)])
    assert len(problems) == 1 and "vouliez-vous dire « lessons.csv » ?" in problems[0], problems
    assert "did you mean 'lessons.csv'?" in refused([document("Sans nom 1.csv", rows)], "en")[0]
    assert "vouliez-vous dire" not in refused([document("Sans nom 1.csv", [["a", "b"], ["1", "2"]])])[0]


def test_a_sheet_whose_signs_read_both_ways_is_refused_not_guessed() -> None:
    """`c½ur` says ISO-8859-15, `1½ heure` says Windows-1252: either reading would change the other's text."""
    rows = [["enseignement", "projet", "categorie", "enonce"], ["l1", "p", "obstacle", "Le c½ur d'1½ heure."]]
    problems = refused([document("lessons.csv", rows, ";", "cp1252")])
    assert len(problems) == 1 and "peuvent se lire de deux façons" in problems[0] and "cœur" in problems[0], problems


@pytest.mark.parametrize("cell, joined", [("Isolement, Logement", "Isolement | Logement"),
                                          ("Isolement; Logement", "Isolement | Logement"),
                                          ("Logement / Santé / Emploi", "Logement | Santé | Emploi"),
                                          ("Isolement\nLogement", "Isolement | Logement"),
                                          ("Logement et Santé", "Logement | Santé")])
def test_values_of_a_list_written_with_another_mark_than_the_bar_are_refused_saying_to_use_it(cell: str,
                                                                                             joined: str) -> None:
    """`Isolement, Logement` was offered « Isolement et lien social » alone: taking it lost Logement, and nothing said
    how values are separated."""
    rows = with_cell(sample_rows()["projects.csv"], 1, "themes", cell)
    assert refused([document("projects.csv", rows)]) == [
        f"[projects.csv, ligne 2, colonne « themes »] « {cell} » : plusieurs valeurs ? séparez-les par « | » : "
        f"« {joined} »"]


@pytest.mark.parametrize("table", ["lessons.csv", "projects.csv", "partners.csv"])
def test_a_row_repeating_another_rows_identifier_is_refused_naming_both_rows(table: str) -> None:
    """Two `jp-bonne` lessons were read as one with two categories: the refusal blamed the first row's category."""
    rows = sample_rows()[table]
    rows = [*rows, list(rows[1])]
    repeated = len(rows)
    problems = refused([document(table, rows)])
    assert len(problems) == 1 and problems[0].startswith(f"[{table}, ligne {repeated}, colonne « {rows[0][0]} »]")
    assert "la ligne 2 a déjà cet identifiant" in problems[0]
