"""Typed values as people write them (in a spreadsheet cell or a form field): dates as AAAA-MM-JJ, JJ/MM/AAAA
(or JJ/MM/AA, as LibreOffice shows a date in a French locale; also with - or . between), or in words
(`12 mars 2015`, `1er févr. 2015`); amounts as French Excel writes them (`2 500,50 €`); yes/no in French
or English."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from isic_graph.rdf.namespaces import XSD

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
# a date cell that also holds a time, as a spreadsheet exports it (`01/03/2024 00:00`, `2024-03-01T00:00:00`)
TIMED = re.compile(r"(?P<date>.*\d)(?:[ t]+|\s*à\s*)(?P<time>(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d(?:\.\d+)?)?)")
MIDNIGHT = re.compile(r"0?0[:h]00(?::00(?:\.0+)?)?")
WORDS_DATE = re.compile(r"(\d{1,2})(?:er)?\s+([a-zéû]+)\.?\s+(\d{4})")
MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3, "avril": 4,
          "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
          "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}
CENTURY_PIVOT = 30  # a two-digit year: 00-29 are 2000-2029, 30-99 are 1930-1999, as LibreOffice and Excel read it
SPACES = re.compile(r"[\s\u00a0\u202f\u2007]")
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
        text = _iso(_at_midnight(SPACES.sub(" ", cell).strip().casefold()))
        if not ISO_DATE.fullmatch(text):
            return None
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return text
    read = number(kind, cell)
    return read if isinstance(read, str) else None


def typed_number(kind: str, text: str) -> str | None:
    """The lexical form of a number a workbook holds as a number (not text: no separator to read), to the 15
    significant digits a spreadsheet shows (`0.1+0.2` is 0.3); None for a fraction where a whole number is due."""
    try:
        value = Decimal(format(Decimal(text), ".15g"))
    except InvalidOperation:
        return None
    if kind == "integer":
        return str(int(value)) if value == value.to_integral_value() else None
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def refusal(kind: str, cell: str) -> tuple[str, str]:
    """Why a cell is not a typed value of this kind (French, English): what it may be read as, and how to write it."""
    if kind == "date":
        timed = TIMED.fullmatch(SPACES.sub(" ", cell).strip().casefold())
        if timed and not MIDNIGHT.fullmatch(timed.group("time")) and ISO_DATE.fullmatch(_iso(timed.group("date"))):
            return (f"une date sans heure est attendue : écrivez « {timed.group('date')} », sans « "
                    f"{timed.group('time')} » (dans le tableur, donnez à la cellule un format de date sans heure)",
                    f"a date without a time is expected: write '{timed.group('date')}', without "
                    f"'{timed.group('time')}' (in the spreadsheet, give the cell a date format without the time)")
        text = _iso(_at_midnight(SPACES.sub(" ", cell).strip().casefold()))
        if ISO_DATE.fullmatch(text):  # written as a date, but a day no calendar has (31/02/2014, 2014-04-31)
            day = f"{text[8:]}/{text[5:7]}/{text[:4]}"
            return (f"le {day} n'existe pas dans le calendrier : vérifiez le jour et le mois",
                    f"{text} is no day of the calendar: check the day and the month")
    read = number(kind, cell) if kind in ("decimal", "integer") else None
    return read if isinstance(read, tuple) else EXPECTED[kind]


def number(kind: str, cell: str) -> str | tuple[str, str] | None:
    """A number written as text, the French way, read one way only: its lexical form, or why it is refused (French,
    English), or None when it is no number.

    A comma or a dot followed by one or two digits is the decimal mark (`2500,50`, `2500.50`); spaces group the
    thousands (`2 500`: a first group of one to three digits, then groups of three; `1 23` or `12 34` is refused
    as ambiguous); so do dots, or commas, each followed by three digits where the rest of the number settles it:
    several of them (`1.234.567`, `1,234,567`), or a decimal mark of the other kind after them (`2.500,50` French,
    `2,500.50` English); with both a comma and a dot, the last one is the decimal mark. A lone comma or dot followed
    by three digits after one to three digits (`1,234`, `2.500`) is a decimal mark in one language and a thousands
    separator in the other: refused, as is an amount with more than two decimals (cents), which could be either too
    (`2500.505`, `0.500`)."""
    if grouped := _badly_grouped(cell):
        return grouped
    text = SPACES.sub("", cell).casefold().removesuffix("€").removesuffix("eur").removesuffix("euros")\
        .removesuffix("euro")
    sign = text[:1] if text[:1] in "+-" else ""
    text = text[len(sign):]
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*|[.,][0-9]+", text):
        return None
    marks = [c for c in text if c in ".,"]
    whole, fraction = text, ""
    if marks and len(set(marks)) == 2:  # both: the last is the decimal mark, the other groups the thousands
        mark = marks[-1]
        whole, _, fraction = text.rpartition(mark)
        group = "." if mark == "," else ","
        if mark in whole or not re.fullmatch(rf"[0-9]{{1,3}}(\{group}[0-9]{{3}})+", whole):
            return None
        whole = whole.replace(group, "")
    elif len(marks) > 1:  # one kind, several times: thousands (1.234.567)
        if not re.fullmatch(rf"[0-9]{{1,3}}(\{marks[0]}[0-9]{{3}})+", text):
            return None
        whole = text.replace(marks[0], "")
    elif marks:
        whole, _, fraction = text.partition(marks[0])
        if len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", whole):
            return _ambiguous(kind, sign, marks[0], whole, fraction)
    if fraction and not fraction.isdigit():
        return None
    if kind == "integer":
        return f"{'-' if sign == '-' else ''}{whole}" if whole and not fraction else None
    if len(fraction) > 2:
        return ("un montant a au plus deux décimales (les centimes), ex. 2500,50 ; pour des milliers, écrivez "
                "2 500 ou 2500",
                "an amount has at most two decimals (cents), e.g. 2500.50; for thousands, write 2 500 or 2500")
    return f"{'-' if sign == '-' else ''}{whole or '0'}{'.' + fraction if fraction else ''}"


SPACED_DIGITS = re.compile(r"[0-9]+(?:[\s\u00a0\u202f\u2007]+[0-9]+)+")


def _badly_grouped(cell: str) -> tuple[str, str] | None:
    """Why digits spaced other than by thousands are refused (French, English): a space groups the thousands only, a
    first group of one to three digits then groups of three (`2 500`, `1 234 567`, with a space, a no-break space or
    a narrow one alike); `1 23`, `12 34` or `1 2345` could be a typo for a decimal mark as well (`12,34`), and would
    be stored a hundred times larger. None when every run of spaced digits groups thousands."""
    for run in SPACED_DIGITS.findall(cell):
        first, *groups = SPACES.split(run.strip())
        if not 1 <= len(first) <= 3 or any(len(g) != 3 for g in groups if g):
            written = " ".join(g for g in (first, *groups) if g)
            return (f"ambigu : « {written} » ; une espace ne sépare que les milliers, par groupes de trois chiffres "
                    "(ex. 2 500 ou 1 234 567) : écrivez le nombre sans espace, ou avec une virgule avant les "
                    "centimes (ex. 2500,50)",
                    f"ambiguous: \"{written}\"; a space only separates thousands, in groups of three digits (e.g. "
                    "2 500 or 1 234 567): write the number without spaces, or with a comma before the cents (e.g. "
                    "2500,50)")
    return None


def _ambiguous(kind: str, sign: str, mark: str, whole: str, fraction: str) -> tuple[str, str]:
    """Why `1,234` or `2.500` is refused (French, English): a decimal mark in one language, thousands in the other."""
    cents = (", un montant ayant au plus deux décimales", ", an amount having at most two decimals") \
        if kind == "decimal" else ("", "")
    decimal = {"fr": f"« {whole} virgule {fraction} »", "en": f"{whole} point {fraction}"}
    thousands = {"fr": f"« {whole} {fraction} » (des milliers)", "en": f"{whole} thousand {fraction}"}
    fr, en = ((f"{decimal['fr']} en français, {thousands['fr']} en anglais",
               f"{decimal['en']} in French, {thousands['en']} in English") if mark == "," else
              (f"{thousands['fr']} en français, {decimal['fr']} en anglais",
               f"{thousands['en']} in French, {decimal['en']} in English"))
    return (f"ambigu : {fr} ; écrivez {sign}{whole}{fraction} ou {sign}{whole} {fraction} pour des milliers{cents[0]}",
            f"ambiguous: {en}; write {sign}{whole}{fraction} or {sign}{whole} {fraction} for thousands{cents[1]}")


def _at_midnight(cell: str) -> str:
    """A date given with the time 00:00, as a spreadsheet exports a date cell whose format shows the time, as the
    date alone; anything else as it is."""
    timed = TIMED.fullmatch(cell)
    return timed.group("date") if timed and MIDNIGHT.fullmatch(timed.group("time")) else cell


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


__all__ = ["DATATYPE_KINDS", "EXPECTED", "lexical", "number", "refusal", "typed_number"]
