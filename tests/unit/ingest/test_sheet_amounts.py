"""Amounts and counts written as text are read one way only: a comma or a dot before one or two digits is the
decimal mark, spaces group the thousands, and so do dots or commas before three digits where the rest of the number
settles it (`1.234.567`, `2.500,50`, `1,500.50`); what could be read two ways (`1,234` and `2.500`: decimals in one
language, thousands in the other) or holds more than cents (`2500.505`) is refused at its cell saying how to write
it, never misread. A workbook's numbers (typed, not text) are read as they are, to 15 significant digits, and an
amount of more than cents is refused there too, saying to round it."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from isic_graph.errors import SheetRefused
from isic_graph.ingest.documents import Document
from isic_graph.ingest.lexical import lexical
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.ingest.sheetwriter import csv_files, sheet_rows
from isic_graph.ingest.tabular import read_tables
from isic_graph.rdf.formats import format_for_path
from tests.unit.ingest.test_sheet_reading import document, lines, refused, sample_rows, with_cell
from tests.unit.ingest.test_sheet_samples import BASE

ISIC = "https://w3id.org/isic/ontology#"
DECIMAL = "^^<http://www.w3.org/2001/XMLSchema#decimal>"
INTEGER = "^^<http://www.w3.org/2001/XMLSchema#integer>"
AMOUNT = f"<{BASE}id/funding/cdp-caf> <{ISIC}amount> "


def amounts(cell: str) -> set[str]:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    return {t for t in lines(read_tables([document("fundings.csv", rows)], BASE).triples) if t.startswith(AMOUNT)}


@pytest.mark.parametrize("cell, value", [
    ("1.234.567", "1234567"), ("150.000.000 €", "150000000"), ("-1.234.567", "-1234567"),
    ("2.500,50", "2500.50"), ("1.500,00", "1500.00"), ("12.345.678,9", "12345678.9"), ("1,5", "1.5"),
    ("2500,5", "2500.5"), ("0,50", "0.50"), ("2 500,50", "2500.50"), ("2500.50", "2500.50"), ("12.5", "12.5"),
    ("1.23", "1.23"), ("1,234,567", "1234567"), ("1,500.50", "1500.50"), ("1 500 euros", "1500"),
    ("1 500 EUR", "1500"), ("2 500", "2500"), ("2500", "2500"), ("+2.500,5", "2500.5")])
def test_an_amount_is_read_the_way_a_french_user_writes_it(cell: str, value: str) -> None:
    assert amounts(cell) == {f'{AMOUNT}"{value}"{DECIMAL}'}


@pytest.mark.parametrize("cell", ["1,234", "1,500", "12,345", "999,999", "1,500 €", "-1,500"])
def test_a_comma_before_three_digits_is_refused_as_ambiguous_saying_how_to_write_it(cell: str) -> None:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    problems = refused([document("fundings.csv", rows)])
    whole, fraction = cell.strip("-€ ").split(",")
    assert problems == [f"[fundings.csv, ligne 2, colonne « montant »] « {cell} » : ambigu : « {whole} virgule "
                        f"{fraction} » en français, « {whole} {fraction} » (des milliers) en anglais ; écrivez "
                        f"{'-' if cell.startswith('-') else ''}{whole}{fraction} ou "
                        f"{'-' if cell.startswith('-') else ''}{whole} {fraction} pour des milliers, un montant "
                        "ayant au plus deux décimales"]
    english = refused([document("fundings.csv", rows)], "en")
    assert f"ambiguous: {whole} point {fraction} in French, {whole} thousand {fraction} in English" in english[0]


@pytest.mark.parametrize("cell", ["2.500", "1.234", "15.000", "999.999", "150.000 €", "1.500 EUR", "-2.500",
                                  "+1.500", "2.500 euros", " 2.500 ", "2\u00a0.500"])
def test_a_dot_before_three_digits_alone_is_refused_as_ambiguous_saying_how_to_write_it(cell: str) -> None:
    """`2.500` is 2500 to a French reader and 2.5 to an English one (a cell formatted with three decimals): refused
    as `1,234` is, never stored a thousand times larger or smaller."""
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    problems = refused([document("fundings.csv", rows)])
    digits = cell.replace("\u00a0", "").strip(" +-€EURSeuros")
    whole, fraction = digits.split(".")
    sign = "-" if cell.startswith("-") else "+" if cell.startswith("+") else ""
    assert len(problems) == 1
    assert problems[0].endswith(
        f" : ambigu : « {whole} {fraction} » (des milliers) en français, « {whole} virgule {fraction} » en anglais ; "
        f"écrivez {sign}{whole}{fraction} ou {sign}{whole} {fraction} pour des milliers, un montant ayant au plus "
        "deux décimales")
    english = refused([document("fundings.csv", rows)], "en")
    assert f"ambiguous: {whole} thousand {fraction} in French, {whole} point {fraction} in English" in english[0]


@pytest.mark.parametrize("cell", ["2500.505", "2500,505", "0,500", "0.500", "0.125", "1234.500", "1.2345",
                                  "1,2345", "1.500,505", "12345.678"])
def test_an_amount_with_more_than_cents_is_refused_saying_so(cell: str) -> None:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    assert refused([document("fundings.csv", rows)]) == [
        f"[fundings.csv, ligne 2, colonne « montant »] « {cell} » : un montant a au plus deux décimales (les "
        "centimes), ex. 2500,50 ; pour des milliers, écrivez 2 500 ou 2500"]


@pytest.mark.parametrize("cell", ["1.50.0", "1.5000.000", "12.34,56", "1,2.345", "1..5", "1.500.50", "2,500,50"])
def test_an_amount_whose_separators_group_nothing_is_refused(cell: str) -> None:
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    assert refused([document("fundings.csv", rows)]) == [
        f"[fundings.csv, ligne 2, colonne « montant »] « {cell} » : attendu un montant, ex. 2500,50 ou 2 500,50 €"]


@pytest.mark.parametrize("cell, value, refusal", [("1.500.000", "1500000", None),
                                                  ("12 000", "12000", None), ("1,500", None, "ambigu"),
                                                  ("1.500", None, "ambigu"), ("12.000", None, "ambigu"),
                                                  ("12,5", None, "attendu un nombre entier"),
                                                  ("1.5", None, "attendu un nombre entier")])
def test_a_count_reads_thousands_the_same_way(cell: str, value: str | None, refusal: str | None) -> None:
    rows = [["groupe", "publics", "taille"], ["groupe-a", "", cell]]
    if value is not None:
        found = lines(read_tables([document("groups.csv", rows)], BASE).triples)
        assert f'<{BASE}id/group/groupe-a> <{ISIC}groupSize> "{value}"{INTEGER}' in found
    else:
        problems = refused([document("groups.csv", rows)])
        assert len(problems) == 1 and problems[0].startswith(
            f"[groups.csv, ligne 2, colonne « taille »] « {cell} » : {refusal}")


def typed_workbook(amount: object) -> Document:
    book = Workbook()
    sheet = book.active
    sheet.title = "fundings"
    sheet.append(["financement", "financeur", "montant"])
    sheet.append(["fin-a", "caf-35", amount])
    out = io.BytesIO()
    book.save(out)
    return Document("fiche.xlsx", out.getvalue(), format_for_path("fiche.xlsx"))


@pytest.mark.parametrize("amount, value", [(1500, "1500"), (2500.5, "2500.5"), (1.5, "1.5"), (2500.25, "2500.25"),
                                           (0.1 + 0.2, "0.3"), (1500.10 + 200.20, "1700.3"), (1 / 3 * 3, "1"),
                                           ("1.500.000", "1500000"), ("1,5", "1.5")])
def test_a_workbook_number_is_read_as_it_is_not_as_text(amount: object, value: str) -> None:
    found = lines(read_tables([typed_workbook(amount)], BASE).triples)
    assert f'<{BASE}id/funding/fin-a> <{ISIC}amount> "{value}"{DECIMAL}' in found


@pytest.mark.parametrize(("amount", "shown"), [(2000 / 3, "666,666666666667"), (1.234, "1,234"),
                                              (1234.567, "1234,567"), (0.005, "0,005")])
def test_a_workbook_number_of_more_than_cents_is_refused_saying_to_round_it(amount: float, shown: str) -> None:
    """As a CSV's amount is: read as it was, it was published, and the sheet downloaded as CSV then sent back unchanged
    was refused."""
    with pytest.raises(SheetRefused) as caught:
        read_tables([typed_workbook(amount)], BASE)
    said = caught.value.report.violations[0].describe("fr")
    assert "au plus deux décimales" in said and shown in said and "ARRONDI" in said, said
    assert "ROUND" in caught.value.report.violations[0].describe("en")


@pytest.mark.parametrize("text", ["1,234", "2.500"])
def test_a_workbook_text_cell_is_read_as_text_is(text: str) -> None:
    with pytest.raises(SheetRefused) as caught:
        read_tables([typed_workbook(text)], BASE)
    assert "ambigu" in caught.value.report.violations[0].describe("fr")


@pytest.mark.parametrize("stored", ["1.234", "2500.5", "1500", "0.5", "12345678.9", "1.5"])
def test_a_stored_amount_written_back_is_never_read_as_another(stored: str) -> None:
    """Written back as the sheet's CSV or workbook, an amount reads back as itself, or is refused (more than cents,
    stored through another way in than a sheet): never as thousands."""
    from pyoxigraph import Literal, NamedNode, Triple

    funding = NamedNode(f"{BASE}id/funding/fin-a")
    triples = [Triple(funding, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      NamedNode(ISIC + "Funding")),
               Triple(funding, NamedNode(ISIC + "funder"), NamedNode(f"{BASE}id/organisation/caf-35")),
               Triple(funding, NamedNode(ISIC + "amount"),
                      Literal(stored, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))]
    rows = sheet_rows(triples, BASE)
    files = csv_files(rows)
    doc = Document("fundings.csv", files["fundings.csv"], format_for_path("fundings.csv"))
    expected = f'<{BASE}id/funding/fin-a> <{ISIC}amount> "{stored}"{DECIMAL}'
    book = Document("fiche.xlsx", workbook(rows), format_for_path("fiche.xlsx"))
    for written in (doc, book):
        if len(stored.partition(".")[2]) > 2:
            with pytest.raises(SheetRefused):
                read_tables([written], BASE)
        else:
            assert expected in lines(read_tables([written], BASE).triples)


def test_the_form_says_why_an_amount_is_refused() -> None:
    assert lexical("decimal", "1,234") is None and lexical("decimal", "1.234") is None
    assert lexical("decimal", "1.234.567") == "1234567" and lexical("decimal", "1.234,50") == "1234.50"
    assert lexical("decimal", "1,234.50") == "1234.50" and lexical("integer", "2.500") is None


@pytest.mark.parametrize("cell, value", [
    ("1 234", "1234"), ("12 345", "12345"), ("123 456", "123456"), ("1 234 567", "1234567"),
    ("1\u00a0234", "1234"), ("1\u202f234\u202f567", "1234567"), ("12 345,50", "12345.50"), ("1 234 €", "1234"),
    ("-1 234", "-1234"), ("1  234", "1234")])
def test_spaces_grouping_thousands_by_three_are_read(cell: str, value: str) -> None:
    assert amounts(cell) == {f'{AMOUNT}"{value}"{DECIMAL}'}


@pytest.mark.parametrize("cell, written", [
    ("1 23", "1 23"), ("12 34", "12 34"), ("1 2345", "1 2345"), ("1234 567", "1234 567"), ("1 234 56", "1 234 56"),
    ("12\u00a034", "12 34"), ("1\u202f23", "1 23"), ("1 23,50", "1 23"), ("-12 34 €", "12 34"),
    ("1 2 3", "1 2 3")])
def test_spaces_grouping_digits_other_than_by_three_are_refused_as_ambiguous(cell: str, written: str) -> None:
    """`12 34` may be a typo for `12,34`: stored as 1234 it would be a hundred times larger; a space groups the
    thousands only, a first group of one to three digits then groups of exactly three."""
    rows = with_cell(sample_rows()["fundings.csv"], 1, "montant", cell)
    assert refused([document("fundings.csv", rows)]) == [
        f"[fundings.csv, ligne 2, colonne « montant »] « {cell} » : ambigu : « {written} » ; une espace ne sépare que "
        "les milliers, par groupes de trois chiffres (ex. 2 500 ou 1 234 567) : écrivez le nombre sans espace, ou "
        "avec une virgule avant les centimes (ex. 2500,50)"]
    assert f'ambiguous: "{written}"; a space only separates thousands' in refused(
        [document("fundings.csv", rows)], "en")[0]


@pytest.mark.parametrize(("amount", "currency"), [("3500 €", "USD"), ("3 500,00 EUR", "CHF"), ("3500 euros", "usd"),
                                                  ("3500€", "GBP")])
def test_an_amount_in_euros_in_a_row_of_another_currency_is_refused_at_the_amount(amount: str, currency: str) -> None:
    """The sign was dropped and the currency column kept: 3 500 € was published as 3 500 US dollars."""
    rows = with_cell(with_cell(sample_rows()["fundings.csv"], 1, "montant", amount), 1, "devise", currency)
    problems = refused([document("fundings.csv", rows)])
    assert problems == [f"[fundings.csv, ligne 2, colonne « montant »] « {amount} » : le montant est écrit en euros, "
                        f"mais la devise de la ligne est « {currency} » : écrivez le montant sans symbole, ou corrigez "
                        "la devise"]
    assert "the row's currency is" in refused([document("fundings.csv", rows)], "en")[0]


@pytest.mark.parametrize(("amount", "currency"), [("3500 €", "EUR"), ("3500 €", ""), ("3500", "USD"),
                                                  ("3 500 euros", "eur")])
def test_an_amount_agreeing_with_its_currency_is_read(amount: str, currency: str) -> None:
    rows = with_cell(with_cell(sample_rows()["fundings.csv"], 1, "montant", amount), 1, "devise", currency)
    triples = lines(read_tables([document("fundings.csv", rows)], BASE).triples)
    assert f'{AMOUNT}"3500"{DECIMAL}' in triples
