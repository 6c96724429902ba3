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
from dataclasses import dataclass
from typing import Any, Iterator

from isic_graph.errors import DocumentTooLarge, ParseError
from isic_graph.ingest.documents import CONTROL, LIMITS, Document, DocumentLimits

QUOTED = re.compile(r'"[^"]*"')  # a quoted cell (a doubled quote inside reads as two quoted cells)
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # with its end: the csv module reads CR, LF and CRLF
SEPARATORS = (",", ";", "\t")
WORKBOOKS = (".xlsx", ".ods")


@dataclass(frozen=True)
class RawTable:
    """The cells of one table as text, rows numbered as a spreadsheet shows them (the header is row 1)."""

    name: str  # the table: `projects.csv`
    shown: str  # how messages name it: the file, and the sheet of a workbook
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def raw_tables(doc: Document, limits: DocumentLimits = LIMITS) -> list[RawTable]:
    """The tables of one file: one for a CSV file, one per sheet for a workbook."""
    if doc.name.lower().endswith(WORKBOOKS):
        return _workbook(doc, limits)
    text = decoded(doc)
    separator = sniff(text)
    return [RawTable(doc.name, doc.name, tuple(_csv_rows(doc.name, text, separator, limits)))]


def decoded(doc: Document) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark is dropped), else Windows-1252; anything else refused."""
    data = doc.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(f"{doc.name}: the file is UTF-16 text; save the sheet as « CSV UTF-8 » "
                         "or « CSV (séparateur : point-virgule) »")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(f"{doc.name}, row {row}: neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02X}); "
                         "save the sheet as « CSV UTF-8 »") from None


def sniff(text: str) -> str:
    """The separator the header line uses most (a comma when it uses none)."""
    header = QUOTED.sub("", next(LINE.finditer(text)).group() if text else "")
    return max(SEPARATORS, key=lambda s: (header.count(s), s == ","))


def _csv_rows(name: str, text: str, separator: str, limits: DocumentLimits) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The rows of a CSV text, checked against the limits as they are read.

    The separators outside quotes are counted first, at C speed: the csv module holds a whole row in
    memory. Lines are handed to it one by one (io.StringIO would hold four bytes per character).
    """
    if QUOTED.sub("", text).count(separator) > (limits.max_rows + 1) * limits.max_columns:
        raise DocumentTooLarge(f"{name} has more cells than {limits.max_rows} rows of {limits.max_columns} "
                               "columns; split it into several sheets")
    reader = csv.reader((line.group() for line in LINE.finditer(text)), delimiter=separator)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, _checked(name, number, row, limits)
    except csv.Error as exc:  # the csv module's own limit on a cell (128 KiB), or a malformed quote
        if "field limit" in str(exc):
            raise DocumentTooLarge(f"{name}, row {number + 1}: a cell is longer than {limits.max_cell} "
                                   "characters") from None
        raise ParseError(f"{name}, row {number + 1}: {exc}") from None


def _checked(name: str, number: int, row: list[str], limits: DocumentLimits) -> tuple[str, ...]:
    if number > limits.max_rows + 1:  # the header is not a row of data
        raise DocumentTooLarge(f"{name} has more than {limits.max_rows} rows; split it into several sheets")
    if len(row) > limits.max_columns:
        raise DocumentTooLarge(f"{name}, row {number}: {len(row)} cells; a row holds at most {limits.max_columns}")
    for column, cell in enumerate(row, start=1):
        if len(cell) > limits.max_cell:
            raise DocumentTooLarge(f"{name}, row {number}, column {column}: the cell is longer than "
                                   f"{limits.max_cell} characters")
        control = CONTROL.search(cell)
        if control:
            raise ParseError(f"{name}, row {number}, column {column}: control character "
                             f"U+{ord(control.group()):04X}; cells may not hold control characters")
    return tuple(row)


def _workbook(doc: Document, limits: DocumentLimits) -> list[RawTable]:
    """Each sheet of a workbook as a table named after it (`projects` → projects.csv); cells as text."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(doc.data))
    except (CalamineError, ValueError, OSError) as exc:
        raise ParseError(f"{doc.name}: not a workbook that can be read ({str(exc)[:200]}); save it as .xlsx or "
                         ".ods") from None
    tables = []
    for sheet in book.sheet_names:
        name = sheet.strip()
        if name.startswith("_") or name.lower() in ("listes", "lists", "aide", "help"):
            continue  # the template's own sheets: drop-down lists and help
        try:
            values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as exc:
            raise ParseError(f"{doc.name}, sheet {sheet!r}: cannot be read ({str(exc)[:200]})") from None
        if len(values) > limits.max_rows + 1:
            raise DocumentTooLarge(f"{doc.name}, sheet {sheet!r} has more than {limits.max_rows} rows; "
                                   "split it into several sheets")
        shown = f"{doc.name} › {name}"
        rows = tuple((n, _checked(shown, n, [_text(v) for v in _trimmed(row)], limits))
                     for n, row in enumerate(values, start=1))
        tables.append(RawTable(name if name.endswith(".csv") else f"{name}.csv", shown, rows))
    return tables


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


__all__ = ["RawTable", "decoded", "raw_tables", "sniff"]
