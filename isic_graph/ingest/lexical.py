"""Typed values as people write them (in a spreadsheet cell or a form field): dates as AAAA-MM-JJ, JJ/MM/AAAA
(or JJ/MM/AA, as LibreOffice shows a date in a French locale; also with - or . between), or in words
(`12 mars 2015`, `1er févr. 2015`); amounts as French Excel writes them (`2 500,50 €`); yes/no in French
or English."""

from __future__ import annotations

import datetime
import re

from isic_graph.rdf.namespaces import XSD

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
WORDS_DATE = re.compile(r"(\d{1,2})(?:er)?\s+([a-zéû]+)\.?\s+(\d{4})")
MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3, "avril": 4,
          "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
          "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}
CENTURY_PIVOT = 70  # a two-digit year: 00-69 are 2000-2069, 70-99 are 1970-1999 (as POSIX strptime reads %y)
SPACES = re.compile(r"[\s\u00a0\u202f\u2007]")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
BOOLEANS = {"oui": "true", "vrai": "true", "true": "true", "1": "true", "yes": "true",
            "non": "false", "faux": "false", "false": "false", "0": "false", "no": "false"}

# the kind of typed value (as `lexical` reads it) of each datatype a cell or a field may hold
DATATYPE_KINDS = {XSD + "date": "date", XSD + "boolean": "boolean", XSD + "decimal": "decimal",
                  XSD + "integer": "integer", XSD + "nonNegativeInteger": "integer"}

EXPECTED = {
    "date": ("attendu une date AAAA-MM-JJ ou JJ/MM/AAAA (ex. 2022-03-01, 01/03/2022 ou 1er mars 2022)",
             "expected a date as YYYY-MM-DD or DD/MM/YYYY (e.g. 2022-03-01, 01/03/2022 or 1er mars 2022)"),
    "decimal": ("attendu un montant, ex. 2500,50 ou 2 500,50 €", "expected an amount, e.g. 2500.50 or 2 500,50 €"),
    "integer": ("attendu un nombre entier, ex. 12", "expected a whole number, e.g. 12"),
    "boolean": ("attendu oui ou non", "expected yes or no (oui / non)"),
}


def lexical(kind: str, cell: str) -> str | None:
    """The lexical form of a typed value as a spreadsheet writes it, None when it is not one."""
    if kind == "boolean":
        return BOOLEANS.get(cell.casefold())
    if kind == "date":
        text = _iso(SPACES.sub(" ", cell).strip().casefold())
        if not ISO_DATE.fullmatch(text):
            return None
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return text
    number = SPACES.sub("", cell).casefold().removesuffix("€").removesuffix("eur").removesuffix("euros")\
        .removesuffix("euro")
    if "," in number:
        if "." in number or number.count(",") > 1:
            return None
        number = number.replace(",", ".")
    if not NUMBER.fullmatch(number):
        return None
    if kind == "integer":
        return number.lstrip("+") if number.lstrip("+-").isdigit() else None
    return number.lstrip("+")


def _iso(cell: str) -> str:
    """A date written the French way, as AAAA-MM-JJ (not checked yet); anything else as it is."""
    french = FRENCH_DATE.fullmatch(cell)
    if french:
        year = french.group(4)
        if len(year) == 2:
            year = str((1900 if int(year) >= CENTURY_PIVOT else 2000) + int(year))
        return f"{year}-{int(french.group(3)):02d}-{int(french.group(1)):02d}"
    words = WORDS_DATE.fullmatch(cell.replace("1er", "1 ") if cell.startswith("1er") else cell)
    month = MONTHS.get(words.group(2).replace("é", "e").replace("û", "u")) if words else None
    if words and month:
        return f"{words.group(3)}-{month:02d}-{int(words.group(1)):02d}"
    return cell


__all__ = ["DATATYPE_KINDS", "EXPECTED", "lexical"]
