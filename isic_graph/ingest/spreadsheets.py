"""Spreadsheet files to tables of text cells: CSV as spreadsheets export it, and .xlsx / .ods workbooks.

A CSV file is strict UTF-8 (with or without a byte-order mark), else Windows-1252 (what French Excel
writes as « CSV (séparateur : point-virgule) »); its separator, comma, semicolon or tab, is the one its
header line uses most. A workbook gives one table per sheet, named like the CSV files (`projects`…).
Every table is read within the document limits, before any value is interpreted.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Iterator
from xml.etree import ElementTree

from isic_graph.errors import DocumentTooLarge, Unreadable
from isic_graph.ingest.documents import LIMITS, Document, DocumentLimits, cell_length
from isic_graph.rdf.formats import CONTROL

QUOTED = re.compile(r'"[^"]*"')  # a quoted cell (a doubled quote inside reads as two quoted cells)
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # with its end: the csv module reads CR, LF and CRLF
SEPARATORS = (",", ";", "\t")
WORKBOOKS = (".xlsx", ".ods")
UNPACKED_PER_BYTE = 100  # how much larger than its file a workbook's XML may unpack (spreadsheets pack 5 to 20 times)
CELL = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# what the workbook reader (calamine) leaves out of an .ods cell's text: a line break and a tab inside a paragraph
ODS_CUT = (f"{{{ODS_TEXT}}}line-break", f"{{{ODS_TEXT}}}tab")
# A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+33+1`, `@SUM(…)`, `-1+1`), or a tab or carriage
# return before one: the sheet's downloads write it after a quote, which reading it back takes away (OWASP's CSV
# injection defence). A value starting with quotes before such a mark gets one more, so that it too reads back.
FORMULA = re.compile(r"'*[=+\-@\t\r]")
QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
# What a spreadsheet shows in a cell whose formula failed, as Excel (English and French) and LibreOffice write it, and
# as their CSV exports keep it: no value of the sheet
TEMPLATE_SHEETS = ("listes", "lists", "aide", "help")  # the template's own sheets: drop-down lists and help

ERROR_VALUE = re.compile(r"#(?:NULL|NUL|DIV/0|VALUE|VALEUR|REF|NUM|NOMBRE|SPILL|PROPAGATION|CALC|FIELD|CHAMP|BLOCKED"
                         r"|BLOQUE|CONNECT|BUSY|OCCUPE|UNKNOWN|INCONNU|EXTERNAL|EXTERNE|PYTHON)\s?!"
                         r"|#(?:NAME|NOM)\s?\?|#N/[AD]|#GETTING_DATA|Err:\d{3}")


def formula_safe(value: str) -> str:
    """A cell as a download writes it: never run as a formula by the spreadsheet that opens it."""
    return f"'{value}" if FORMULA.match(value) else value


def formula_unquoted(cell: str) -> str:
    """A cell as a download's quote before a formula mark left it, without that quote: the value written."""
    return cell[1:] if QUOTED_FORMULA.match(cell) else cell


@dataclass(frozen=True)
class RawTable:
    """The cells of one table as text, rows numbered as a spreadsheet shows them (the header is row 1)."""

    name: str  # the table: `projects.csv`
    shown: str  # how messages name it: the file, and the sheet of a workbook
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    separator: str | None = None  # a CSV file's: the one its header line uses
    numbers: frozenset[tuple[int, int]] = frozenset()  # a workbook's cells (row, column index) typed as numbers
    dates: frozenset[tuple[int, int]] = frozenset()  # a workbook's cells (row, column index) holding a date or a time
    # a workbook's formula cells (row, column index) without the value a spreadsheet saves with them: the file was
    # written by a program that does not compute formulas, and the cell would be read as empty
    uncomputed: frozenset[tuple[int, int]] = frozenset()


def raw_tables(doc: Document, limits: DocumentLimits = LIMITS) -> list[RawTable]:
    """The tables of one file: one for a CSV file, one per sheet for a workbook."""
    if doc.name.lower().endswith(WORKBOOKS):
        return _workbook(doc, limits)
    text = decoded(doc)
    separator = sniff(text)
    return [RawTable(doc.name, doc.name, tuple(_csv_rows(doc.name, text, separator, limits)), separator)]


MOJIBAKE = re.compile(r"Ã[\u00a0-\u00bf\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u2018-\u201e\u2020-\u2022\u2026"
                      r"\u2030\u2039\u203a\u20ac\u2122]|â€")  # UTF-8 read as Windows-1252 once: `Ã©` for é
MAC_ROMAN = re.compile(r"(?<=[a-z])[Žˆ‰]|[Žˆ‰](?=[a-z])")  # Mac Roman read as Windows-1252: `Ž` for é, `ˆ` for à


def decoded(doc: Document) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark is dropped), else Windows-1252 (or ISO-8859-15, when its signs
    say so); anything else refused,
    and so is text whose accents were already mangled by a wrong encoding (`CafÃ©`, Mac Roman's `CafŽ`)."""
    text, windows = _decoded(doc)
    for pattern, english, french in (
            (MOJIBAKE, "was converted twice (UTF-8 read as Windows-1252)", "a été converti deux fois (de l'UTF-8 "
             "lu comme du Windows-1252)"),
            (MAC_ROMAN if windows else None, "is in Mac Roman (« CSV (Macintosh) »)",
             "est en Mac Roman (« CSV (Macintosh) »)")):
        found = pattern.search(text) if pattern is not None else None
        if found:
            row = text.count("\n", 0, found.start()) + 1
            start = max(text.rfind("\n", 0, found.start()) + 1, found.start() - 12)
            bad = text[start:found.end() + 12].split("\n")[0].strip()
            raise Unreadable(doc.name, row, f"its accents are mangled (« {bad} »): the text {english}; start again "
                             "from the original file and save it as « CSV UTF-8 »", f"les accents sont abîmés "
                             f"(« {bad} ») : le texte {french} ; repartez du fichier d'origine et enregistrez-le en "
                             "« CSV UTF-8 »")
    return text


def _decoded(doc: Document) -> tuple[str, bool]:
    """The text, and whether it was read as Windows-1252."""
    data = doc.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(doc.name, 1, "the file is UTF-16 text; save the sheet as « CSV UTF-8 » or « CSV "
                         "(séparateur : point-virgule) »", "le fichier est en UTF-16 : enregistrez la feuille en "
                         "« CSV UTF-8 » ou « CSV (séparateur : point-virgule) »")
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02X}"
        raise Unreadable(doc.name, row, f"neither UTF-8 nor Windows-1252 text (byte {byte}); save the sheet as "
                         "« CSV UTF-8 »", f"ni du texte UTF-8 ni du Windows-1252 (octet {byte}) : enregistrez la "
                         "feuille en « CSV UTF-8 »") from None
    if not WINDOWS_ONLY.search(data):
        return _latin_or_windows(doc, data, text), True
    return text, True


# ISO-8859-15 (LibreOffice's « Europe occidentale (ISO-8859-15/EURO) ») differs from Windows-1252 at eight bytes:
# 0xA4 € (¤), 0xA6 Š (¦), 0xA8 š (¨), 0xB4 Ž (´), 0xB8 ž (¸), 0xBC Œ (¼), 0xBD œ (½), 0xBE Ÿ (¾). A file with none
# of the bytes 0x80-0x9F (Windows-1252's €, œ, quotes…; control characters in ISO-8859-15) may be either: where
# those eight stand says which. Windows-1252 text read as such, each sign marks ISO-8859-15 where it stands as the
# letter would (`c½ur`, `½uvre`, `300 ¤`, `HA¾`, `¦koda`) and Windows-1252 where it stands as itself (`1½`, ` ½h`,
# `L´ÉQUIPE`, an acute accent used as an apostrophe). Signs of both: refused, never guessed.
LATIN_9 = re.compile(r"[0-9]\s?¤|(?<=[^\W\d_])[½¼](?=[^\W\d_])|(?<![^\W\d_])[½¼](?=[uUiIeE])|(?<=[A-Z])¾"
                     r"|(?<![^\W\d_])[¦¨](?=[^\W\d_])")
WINDOWS_1252 = re.compile(r"(?<=[0-9\s])[½¼¾](?![uUiI])|(?<=[^\W\d_])´(?=[^\W\d_])"
                          r"|(?<![^\W\d_])[½¼¾](?=[\s\d.,;:!?)h]|$)")
WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")


def _latin_or_windows(doc: Document, data: bytes, text: str) -> str:
    """The text of a file that reads as Windows-1252 and holds none of the bytes only it uses: as ISO-8859-15 when
    its signs say so, as Windows-1252 otherwise; refused when they say both."""
    latin, windows = LATIN_9.search(text), WINDOWS_1252.search(text)
    if latin is None:
        return text
    if windows is None:
        return data.decode("iso8859_15")
    row = text.count("\n", 0, latin.start()) + 1
    bad = text[max(text.rfind("\n", 0, latin.start()) + 1, latin.start() - 12):latin.end() + 12].split("\n")[0]
    one, other = bad.strip(), bad.encode("cp1252").decode("iso8859_15").strip()
    raise Unreadable(doc.name, row, f"its accents can be read two ways (« {one} » or « {other} »): save the sheet as "
                     "« CSV UTF-8 »", f"ses accents peuvent se lire de deux façons (« {one} » ou « {other} ») : "
                     "enregistrez la feuille en « CSV UTF-8 »")


def sniff(text: str) -> str:
    """The separator the header line uses most (a comma when it uses none)."""
    header = QUOTED.sub("", next(LINE.finditer(text)).group() if text else "")
    return max(SEPARATORS, key=lambda s: (header.count(s), s == ","))


def _csv_rows(name: str, text: str, separator: str, limits: DocumentLimits) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The rows of a CSV text, checked against the limits as they are read.

    The separators outside quotes are counted first, at C speed: the csv module holds a whole row in
    memory. Lines are handed to it one by one (io.StringIO would hold four bytes per character). It reads
    strictly: a quote never closed (which would swallow every later row into one cell) or a quote in the
    middle of a cell is refused with its row, never read as something else.
    """
    if QUOTED.sub("", text).count(separator) > (limits.max_rows + 1) * limits.max_columns:
        raise DocumentTooLarge(f"{name} has more cells than {limits.max_rows} rows of {limits.max_columns} "
                               "columns; split it into several sheets",
                               f"{name} a plus de cellules que {limits.max_rows} lignes de {limits.max_columns} "
                               "colonnes : répartissez-le en plusieurs fichiers")
    reader = csv.reader((line.group() for line in LINE.finditer(text)), delimiter=separator, strict=True)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, _checked(name, number, row, limits)
    except csv.Error as exc:  # the csv module's own limit on a cell (128 KiB), or a malformed quote
        if "field limit" in str(exc):
            raise DocumentTooLarge(f"{name}, row {number + 1}: a cell is longer than {limits.max_cell} "
                                   "characters", f"{name}, ligne {number + 1} : une cellule a plus de "
                                   f"{limits.max_cell} caractères") from None
        if "end of data" in str(exc):
            raise Unreadable(name, number + 1, "a quote (\") opened in this row is never closed, so every later row "
                             "would be read as part of one cell; close the quote or remove it",
                             "un guillemet (\") ouvert sur cette ligne n'est jamais refermé : toutes les lignes "
                             "suivantes seraient lues comme une seule cellule ; refermez-le ou retirez-le") from None
        raise Unreadable(name, number + 1, f"a quote (\") in the middle of a cell ({exc}); a cell that holds a quote "
                         "is written between quotes, its quotes doubled (\"\"), as spreadsheets save it",
                         "un guillemet (\") au milieu d'une cellule : une cellule qui contient un guillemet s'écrit "
                         "entre guillemets, ses guillemets doublés (\"\"), comme les tableurs l'enregistrent") from None


def _checked(name: str, number: int, row: list[str], limits: DocumentLimits) -> tuple[str, ...]:
    if number > limits.max_rows + 1:  # the header is not a row of data
        raise DocumentTooLarge(f"{name} has more than {limits.max_rows} rows; split it into several sheets",
                               f"{name} a plus de {limits.max_rows} lignes : répartissez-le en plusieurs fichiers")
    if len(row) > limits.max_columns:
        raise DocumentTooLarge(f"{name}, row {number}: {len(row)} cells; a row holds at most {limits.max_columns}",
                               f"{name}, ligne {number} : {len(row)} cellules ; une ligne en a au plus "
                               f"{limits.max_columns}")
    for column, cell in enumerate(row, start=1):
        # the value, without the quote a download sets before a formula mark (the cell it wrote holds one more)
        if (length := cell_length(formula_unquoted(cell))) > limits.max_cell:
            raise DocumentTooLarge(f"{name}, row {number}, column {column}: the cell has {length} characters; a "
                                   f"spreadsheet's cell holds at most {limits.max_cell}", f"{name}, ligne {number}, "
                                   f"colonne {column} : la cellule a {length} caractères ; une cellule de tableur "
                                   f"en contient au plus {limits.max_cell}")
        control = CONTROL.search(cell)
        if control:
            raise Unreadable(name, number, f"column {column}: control character U+{ord(control.group()):04X}; "
                             "cells may not hold control characters",
                             f"colonne {column} : caractère de contrôle U+{ord(control.group()):04X} ; une cellule "
                             "ne peut pas en contenir (retirez-le, ou copiez le texte sans sa mise en forme)")
    return tuple(row)


def _workbook(doc: Document, limits: DocumentLimits) -> list[RawTable]:
    """Each sheet of a workbook as a table named after it (`projects` → projects.csv); cells as text."""
    from python_calamine import CalamineError, CalamineWorkbook

    if not doc.data.startswith(b"PK") and _reads_as_text(doc.data):  # a CSV renamed, or saved under the wrong name
        raise Unreadable(doc.name, 1, "this file is named as a workbook but holds text (a CSV file?): give it the "
                         "name .csv, or save the sheet as .xlsx or .ods", "ce fichier porte le nom d'un classeur mais "
                         "contient du texte (un fichier CSV ?) : nommez-le en .csv, ou enregistrez la feuille en .xlsx "
                         "ou en .ods")
    # calamine makes a grid as large as the farthest cell: it is measured first; and it reads a formula saved
    # without its value as an empty cell, which would erase what the cell held, and an .ods cell's line breaks
    # and tabs as nothing, which glues its words: those are found there too
    extent = check_extent(doc, limits)

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(doc.data))
    except (CalamineError, ValueError, OSError) as exc:
        raise Unreadable(doc.name, 1, f"not a workbook that can be read ({str(exc)[:200]}); save it as .xlsx or "
                         ".ods", "ce classeur ne peut pas être lu : enregistrez-le en .xlsx ou en .ods") from None
    tables = []
    for sheet in book.sheet_names:
        name = sheet.strip()
        if name.startswith("_") or name.lower() in TEMPLATE_SHEETS:
            continue  # the template's own sheets: drop-down lists and help
        try:
            values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as exc:
            raise Unreadable(f"{doc.name} › {name}", 1, f"the sheet cannot be read ({str(exc)[:200]})",
                             "la feuille ne peut pas être lue : enregistrez le classeur en .xlsx ou en .ods") from None
        if len(values) > limits.max_rows + 1:
            raise DocumentTooLarge(f"{doc.name}, sheet {sheet!r} has more than {limits.max_rows} rows; "
                                   "split it into several sheets", f"{doc.name}, feuille « {sheet} » : plus de "
                                   f"{limits.max_rows} lignes ; répartissez-la en plusieurs classeurs")
        shown = f"{doc.name} › {name}"
        _put_back(values, extent.texts.get(sheet, {}))
        rows = tuple((n, _checked(shown, n, [_text(v) for v in _trimmed(row)], limits))
                     for n, row in enumerate(values, start=1))
        numbers = frozenset((n, i) for n, row in enumerate(values, start=1) for i, v in enumerate(row)
                            if isinstance(v, (int, float)) and not isinstance(v, bool))
        dates = frozenset((n, i) for n, row in enumerate(values, start=1) for i, v in enumerate(row)
                          if isinstance(v, (datetime.date, datetime.time, datetime.timedelta)))
        tables.append(RawTable(name if name.endswith(".csv") else f"{name}.csv", shown, rows, numbers=numbers,
                               dates=dates, uncomputed=frozenset(extent.uncomputed.get(sheet, ()))))
    return tables


Uncomputed = dict[str, set[tuple[int, int]]]  # by sheet: the formula cells saved without their value (row, index)
Texts = dict[str, dict[tuple[int, int], str]]  # by sheet: the text of the cells calamine cuts (row, index)


@dataclass(frozen=True)
class Extent:
    """What reading a workbook's parts found besides its size: its formula cells saved without their value, and
    its .ods cells whose text the workbook reader would cut (with their whole text)."""
    uncomputed: Uncomputed
    texts: Texts


def _put_back(values: list[list[Any]], texts: dict[tuple[int, int], str]) -> None:
    """The cells' whole text in place of what calamine read of them (row from 1, index from 0)."""
    for (row, index), text in texts.items():
        if row <= len(values):
            cells = values[row - 1]
            cells.extend([""] * (index + 1 - len(cells)))
            cells[index] = text


def _reads_as_text(data: bytes) -> bool:
    """Whether a file's first bytes are text, as a CSV's are (UTF-8 or Windows-1252, no control character)."""
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", "replace")
    return bool(text.strip()) and not re.search(r"[\x00-\x08\x0e-\x1f]", text)


def check_extent(doc: Document, limits: DocumentLimits) -> Extent:
    """Refuse a workbook whose unpacked parts, or whose filled cells, reach past what a sheet may hold; and find
    its formula cells saved without their value, and the .ods cells whose text calamine cuts (see `_measure`).

    Its XML parts are unpacked within a budget and read as a stream: an .xlsx cell names its place
    (`r="XFD1048576"`), an .ods row or cell may repeat (`table:number-rows-repeated`); a repeated empty
    cell, as LibreOffice writes to the sheet's edge, fills nothing.
    """
    budget = UNPACKED_PER_BYTE * len(doc.data) + limits.max_cell * limits.max_columns
    extent = Extent({}, {})
    try:
        archive = zipfile.ZipFile(io.BytesIO(doc.data))
        parts = [i for i in archive.infolist() if i.filename.endswith(".xml")]
        if sum(i.file_size for i in parts) > budget:
            raise DocumentTooLarge(f"{doc.name} unpacks to more than {budget // (1024 * 1024)} MiB; "
                                   "split it into several workbooks", f"{doc.name} se décompresse en plus de "
                                   f"{budget // (1024 * 1024)} Mio ; répartissez-le en plusieurs classeurs")
        sheets = _xlsx_sheets(archive, budget)
        percent = _xlsx_percent_styles(archive, budget)
        for info in parts:
            if info.filename.startswith("xl/worksheets/") or info.filename == "content.xml":
                with archive.open(info) as part:
                    _measure(doc.name, io.BufferedReader(_Capped(part, budget)), limits, extent, budget,
                             sheets.get(info.filename), percent)
    except (zipfile.BadZipFile, ElementTree.ParseError, EOFError, ValueError) as exc:
        raise Unreadable(doc.name, 1, f"not a workbook that can be read ({str(exc)[:200]}); save it as .xlsx or "
                         ".ods", "ce classeur ne peut pas être lu : enregistrez-le en .xlsx ou en .ods") from None
    return extent


RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx_sheets(archive: zipfile.ZipFile, budget: int) -> dict[str, str]:
    """An .xlsx workbook's sheet names by the part that holds each (`xl/worksheets/sheet1.xml` -> `projects`)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}

    def read(name: str) -> bytes:
        with archive.open(name) as part:
            return io.BufferedReader(_Capped(part, budget)).read()

    targets: dict[str, str] = {}
    for element in ElementTree.fromstring(read("xl/_rels/workbook.xml.rels")):
        where = element.get("Target", "")
        targets[element.get("Id", "")] = where.lstrip("/") if where.startswith("/") else f"xl/{where}"
    found: dict[str, str] = {}
    for element in ElementTree.fromstring(read("xl/workbook.xml")).iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            part = targets.get(element.get(f"{{{RELATIONSHIPS}}}id", ""))
            if part is not None:
                found[part] = element.get("name", "")
    return found


def _measure(name: str, part: IO[bytes], limits: DocumentLimits, extent: Extent, budget: int,
             sheet: str | None = None, percent: frozenset[str] = frozenset()) -> None:
    """Refuse a sheet's part that reaches past the limits; note its formula cells saved without the value a
    spreadsheet computes (a program that writes .xlsx, openpyxl, leaves it out: `<f>…</f><v></v>`; an .ods
    formula cell without a value type), and the whole text of the .ods cells calamine cuts (ODS_CUT), by sheet:
    `sheet` names an .xlsx part's, an .ods part names its own. A number shown as a percentage (`15 %` typed in a
    cell: 0.15, in a style of `percent` in an .xlsx) is read as shown, as its CSV export holds it, not as 0.15."""
    rows = 0  # an .ods sheet's rows so far
    row, column = 0, 0  # the place of the row and cell being read (1 = first)
    written = 0  # the characters calamine writes of its cells (their text and `<text:s/>`), repeats counted
    found: set[tuple[int, int]] = set() if sheet is None else extent.uncomputed.setdefault(sheet, set())
    texts: dict[tuple[int, int], str] = {} if sheet is None else extent.texts.setdefault(sheet, {})
    for event, element in ElementTree.iterparse(part, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "table":
            rows = row = 0
            found = extent.uncomputed.setdefault(element.get(f"{{{ODS_TABLE}}}name", ""), set())
            texts = extent.texts.setdefault(element.get(f"{{{ODS_TABLE}}}name", ""), {})
        elif event == "start" and tag == "row":  # .xlsx
            row, column = int(element.get("r") or row + 1), 0
        elif event == "end" and tag == "c":  # .xlsx: a cell names its place
            place = CELL.match(element.get("r", ""))
            if place and (int(place.group(2)) > limits.max_rows + 1 or _column(place.group(1)) > limits.max_columns):
                raise DocumentTooLarge(f"{name}: a cell at {place.group(0)} lies past {limits.max_rows} rows of "
                                       f"{limits.max_columns} columns; a sheet holds at most that",
                                       f"{name} : une cellule en {place.group(0)} dépasse {limits.max_rows} lignes "
                                       f"de {limits.max_columns} colonnes, le plus qu'une feuille peut contenir")
            column = _column(place.group(1)) if place else column + 1
            if place:
                row = int(place.group(2))
            parts = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            value = parts.get("v")
            if "f" in parts and (value is None or not value.text and element.get("t") != "str"):
                found.add((row, column - 1))
            elif element.get("t") == "e":  # an error, which calamine reads as an empty cell
                texts[(row, column - 1)] = value.text if value is not None and value.text else "#N/A"
            elif element.get("s") in percent and element.get("t", "n") == "n" and value is not None and value.text:
                texts[(row, column - 1)] = _as_percent(value.text)
            element.clear()
        elif event == "end" and tag == "table-row":  # .ods: rows and cells may repeat
            repeated = int(element.get(f"{{{ODS_TABLE}}}number-rows-repeated", "1"))
            width = 0
            filled = False
            row_written = 0
            cut: list[tuple[int, int, str]] = []  # the string cells calamine would cut: (index, repeats, text)
            for cell in element:
                count = int(cell.get(f"{{{ODS_TABLE}}}number-columns-repeated", "1"))
                if cell.get(f"{{{ODS_TABLE}}}formula") is not None \
                        and not any(k.endswith("value-type") for k in cell.attrib):
                    found.add((row + 1, width))
                # what calamine writes of the cell at each of its places: its text, and the spaces `<text:s
                # text:c="n"/>` stand for; a short text repeated over rows and columns is gigabytes of cells
                row_written += _written(name, cell) * count * repeated
                if cell.get(f"{{{ODS_OFFICE}}}value-type", "string") == "string" and any(
                        e.tag in ODS_CUT for p in cell if p.tag == f"{{{ODS_TEXT}}}p" for e in p.iter()):
                    cut.append((width, count, _cell_text(cell)))  # its own paragraphs: not a note's
                elif "error" in (v for k, v in cell.attrib.items() if k.endswith("value-type")):
                    cut.append((width, count, _cell_text(cell) or "#N/A"))  # LibreOffice's error: its text
                elif cell.get(f"{{{ODS_OFFICE}}}value-type") == "percentage":  # as shown: `15 %`, not 0.15
                    cut.append((width, count, _cell_text(cell) or _as_percent(cell.get(f"{{{ODS_OFFICE}}}value", ""))))
                if len(cell) or any(k.endswith("value-type") for k in cell.attrib):
                    filled = True
                    if width + count > limits.max_columns:
                        raise DocumentTooLarge(f"{name}: a row fills more than {limits.max_columns} columns",
                                               f"{name} : une ligne remplit plus de {limits.max_columns} colonnes")
                width += count
            if filled:
                rows += repeated
                if rows > limits.max_rows + 1:
                    raise DocumentTooLarge(f"{name}: a sheet has more than {limits.max_rows} rows; split it into "
                                           "several sheets", f"{name} : une feuille a plus de {limits.max_rows} "
                                           "lignes ; répartissez-la en plusieurs classeurs")
            else:
                rows += min(repeated, 1)
            written += row_written  # checked after the rows, whose limit says more
            if written > budget:
                raise DocumentTooLarge(f"{name}: its cells, repeated, unpack to more text than a sheet holds; "
                                       "write each row once", f"{name} : ses cellules répétées font plus de "
                                       "texte qu'une feuille n'en contient ; écrivez chaque ligne une fois")
            # within the limits now (a cell so cut is filled): each place of a repeated cell or row gets its text
            texts.update(((row + 1 + r, index + c), text) for index, count, text in cut for r in range(repeated)
                         for c in range(count))
            row += repeated
            element.clear()


def _as_percent(value: str) -> str:
    """A stored fraction as a percentage is shown (`0.15`: `15 %`); what is not a number, as it is."""
    try:
        return f"{Decimal(value) * 100:f}".rstrip("0").rstrip(".") + " %"
    except ArithmeticError:
        return value


def _xlsx_percent_styles(archive: zipfile.ZipFile, budget: int) -> frozenset[str]:
    """The cell styles of an .xlsx workbook (their index, as cells name them: `s="3"`) that show a number as a
    percentage: the built-in formats 9 and 10 (`0%`, `0.00%`), or a format of its own with a `%` outside quotes."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    with archive.open("xl/styles.xml") as part:
        root = ElementTree.fromstring(io.BufferedReader(_Capped(part, budget)).read())
    percent_formats = {"9", "10"} | {
        e.get("numFmtId", "") for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "numFmt"
        and "%" in re.sub(r'"[^"]*"|\\.', "", e.get("formatCode", ""))}
    styles = next((e for e in root if e.tag.rsplit("}", 1)[-1] == "cellXfs"), None)
    return frozenset(str(i) for i, xf in enumerate(styles if styles is not None else [])
                     if xf.get("numFmtId") in percent_formats)


def _cell_text(cell: ElementTree.Element) -> str:
    """An .ods cell's text as calamine reads it, its line breaks and tabs kept: its paragraphs one to a line, a
    `<text:s text:c="n"/>` as n spaces, its notes (`<office:annotation>`) left out."""
    return "\n".join(_inline(p) for p in cell if p.tag == f"{{{ODS_TEXT}}}p")


def _written(name: str, cell: ElementTree.Element) -> int:
    """The characters an .ods cell's text holds, its notes' too, with the spaces each `<text:s text:c="n"/>` stands
    for (n a whole number from 1: Unreadable otherwise, naming it)."""
    spaces = 0
    for element in cell.iter(f"{{{ODS_TEXT}}}s"):
        given = element.get(f"{{{ODS_TEXT}}}c", "1")
        if not (given.isascii() and given.isdigit()) or int(given) < 1:  # "²" is a digit to Python, no number
            raise Unreadable(name, 1, f"a cell holds <text:s text:c=\"{given[:20]}\">, which counts no spaces: save "
                             "the workbook again in a spreadsheet", f"une cellule contient <text:s "
                             f"text:c=\"{given[:20]}\">, qui ne compte aucune espace : enregistrez de nouveau le "
                             "classeur dans un tableur")
        spaces += int(given)
    return spaces + sum(len(text) for text in cell.itertext())


def _inline(element: ElementTree.Element) -> str:
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{{{ODS_TEXT}}}line-break":
            out.append("\n")
        elif child.tag == f"{{{ODS_TEXT}}}tab":
            out.append("\t")
        elif child.tag == f"{{{ODS_TEXT}}}s":
            out.append(" " * int(child.get(f"{{{ODS_TEXT}}}c", "1")))  # a whole number, within the budget
        elif child.tag != f"{{{ODS_OFFICE}}}annotation":
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Capped(io.RawIOBase):
    """A stream of at most `budget` bytes: what an unpacked part may really hold (its stated size may lie)."""

    def __init__(self, inner: IO[bytes], budget: int) -> None:
        self.inner, self.left = inner, budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(min(len(buffer), self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise DocumentTooLarge("the workbook unpacks to more than it says; split it into several workbooks",
                                   "le classeur se décompresse en plus qu'il ne le dit ; répartissez-le en plusieurs "
                                   "classeurs")
        buffer[:len(data)] = data
        return len(data)


def _trimmed(row: list[Any]) -> list[Any]:
    while row and (row[-1] is None or row[-1] == ""):
        row = row[:-1]
    return row


def _text(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold (dates as AAAA-MM-JJ, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


__all__ = ["ERROR_VALUE", "RawTable", "Unreadable", "decoded", "formula_safe", "formula_unquoted", "raw_tables",
           "sniff"]
