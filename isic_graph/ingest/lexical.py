"""Typed values as people write them (in a spreadsheet cell or a form field): dates as AAAA-MM-JJ or
JJ/MM/AAAA, amounts as French Excel writes them (`2 500,50 €`), yes/no in French or English."""

from __future__ import annotations

import datetime
import re

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
SPACES = re.compile(r"[\s\u00a0\u202f\u2007]")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
BOOLEANS = {"oui": "true", "vrai": "true", "true": "true", "1": "true", "yes": "true",
            "non": "false", "faux": "false", "false": "false", "0": "false", "no": "false"}

EXPECTED = {
    "date": ("attendu une date AAAA-MM-JJ ou JJ/MM/AAAA (ex. 2022-03-01 ou 01/03/2022)",
             "expected a date as YYYY-MM-DD or DD/MM/YYYY (e.g. 2022-03-01 or 01/03/2022)"),
    "decimal": ("attendu un montant, ex. 2500,50 ou 2 500,50 €", "expected an amount, e.g. 2500.50 or 2 500,50 €"),
    "integer": ("attendu un nombre entier, ex. 12", "expected a whole number, e.g. 12"),
    "boolean": ("attendu oui ou non", "expected yes or no (oui / non)"),
}


def lexical(kind: str, cell: str) -> str | None:
    """The lexical form of a typed value as a spreadsheet writes it, None when it is not one."""
    if kind == "boolean":
        return BOOLEANS.get(cell.casefold())
    if kind == "date":
        french = FRENCH_DATE.fullmatch(cell)
        text = f"{french.group(3)}-{int(french.group(2)):02d}-{int(french.group(1)):02d}" if french else cell
        if not ISO_DATE.fullmatch(text):
            return None
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return text
    number = SPACES.sub("", cell).removesuffix("€").removesuffix("EUR")
    if "," in number:
        if "." in number or number.count(",") > 1:
            return None
        number = number.replace(",", ".")
    if not NUMBER.fullmatch(number):
        return None
    if kind == "integer":
        return number.lstrip("+") if number.lstrip("+-").isdigit() else None
    return number.lstrip("+")


__all__ = ["EXPECTED", "lexical"]
