"""CSV collection sheets to RDF, through the declared CSVW mapping (templates/csv/isic-sheet.csv-metadata.json)."""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urljoin

import csvw
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import DocumentTooLarge, ParseError, UsageError
from isic_graph.ingest.documents import CONTROL, LIMITS, Document, DocumentLimits
from isic_graph.privacy import personal_data
from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import XSD
from isic_graph.validation.validator import Location

QUOTED = re.compile(r'"[^"]*"')  # a quoted cell (a doubled quote inside reads as two quoted cells)
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # with its end: the csv module reads CR, LF and CRLF
STRING_TYPES = {"string", "any", "normalizedString", "token"}


@dataclass(frozen=True)
class TabularBatch:
    """The triples of a set of CSV files, with where each subject and property came from."""

    triples: tuple[Triple, ...]
    locations: Mapping[str, Location]
    columns: Mapping[tuple[str, str], str]  # (file name, property IRI) -> column name


def metadata_file() -> Path:
    return resources.templates_dir() / "csv" / "isic-sheet.csv-metadata.json"


def table_names() -> list[str]:
    return [str(t.url) for t in csvw.TableGroup.from_file(metadata_file()).tables]


def read_tables(files: Sequence[Document], base_iri: str, limits: DocumentLimits = LIMITS) -> TabularBatch:
    """Map CSV files, each named like a table of the template (projects.csv, lessons.csv…), to triples.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
    """
    group = csvw.TableGroup.from_file(metadata_file())
    tables = {str(t.url): t for t in group.tables}
    triples: dict[Triple, None] = {}
    locations: dict[str, Location] = {}
    fallback: dict[str, Location] = {}
    columns: dict[tuple[str, str], str] = {}
    for path in files:
        table = tables.get(path.name)
        if table is None:
            raise UsageError(f"{path.name}: not a table of the collection-sheet template; expected one of "
                             + ", ".join(sorted(tables)))
        text = _text(path)
        cells = _check_cells(path.name, text, limits)
        _check_header(path.name, text, table)
        for column in table.tableSchema.columns:
            if column.propertyUrl is not None and not column.virtual:
                columns[(path.name, str(column.propertyUrl))] = column.name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with tempfile.TemporaryDirectory() as folder:  # csvw reads tables from files only
                local = Path(folder) / path.name
                local.write_text(text, encoding="utf-8")
                rows = iter(table.iterdicts(fname=local, strict=False, with_metadata=True))
                number = 1
                while True:
                    number += 1
                    try:
                        _, line, row = next(rows)
                    except StopIteration:
                        break
                    except (ValueError, csv.Error) as exc:  # csvw's own refusals name the temporary file
                        raise ParseError(_csvw_message(str(exc), local, path.name)) from None
                    try:
                        found = _row_triples(table, row, base_iri, path.name, number, locations, fallback,
                                             cells.get(line, {}))
                    except ValueError as exc:  # an IRI made from a cell is not an IRI
                        raise ParseError(f"{path.name}, row {number}: {exc}") from None
                    triples.update(dict.fromkeys(found))
                    if len(triples) > limits.max_triples:
                        raise DocumentTooLarge(f"{path.name}, row {number}: the submission holds more than "
                                               f"{limits.max_triples} triples; split it into several submissions")
    return TabularBatch(tuple(triples), {**fallback, **locations}, columns)


def _text(doc: Document) -> str:
    try:
        return doc.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = doc.data.count(b"\n", 0, exc.start) + 1
        raise ParseError(f"{doc.name}, row {row}: not UTF-8 text; save the sheet as « CSV UTF-8 »") from None


def _check_cells(name: str, text: str, limits: DocumentLimits) -> dict[int, dict[str, str]]:
    """Refuse sheets with more rows, or longer cells, than the limits, and cells with control characters;
    the cells of each row as written, by column name, keyed by the line the row ends on (as csvw counts).

    Rows are counted as records (a quoted cell may hold line breaks; a lone CR ends a row too). The
    commas outside quotes are counted first, at C speed: the csv module holds a whole row in memory.
    Lines are handed to it one by one (io.StringIO would hold four bytes per character of the sheet).
    """
    if QUOTED.sub("", text).count(",") > (limits.max_rows + 1) * limits.max_columns:
        raise DocumentTooLarge(f"{name} has more cells than {limits.max_rows} rows of {limits.max_columns} "
                               "columns; split it into several sheets")
    reader = csv.reader(line.group() for line in LINE.finditer(text))
    number = width = 0
    header: list[str] = []
    cells: dict[int, dict[str, str]] = {}
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.max_rows + 1:  # the header is not a row of data
                raise DocumentTooLarge(f"{name} has more than {limits.max_rows} rows; split it into several sheets")
            if len(row) > limits.max_columns:
                raise DocumentTooLarge(f"{name}, row {number}: {len(row)} cells; a row holds at most "
                                       f"{limits.max_columns}")
            width = width or len(row)
            if len(row) > width:
                raise ParseError(f"{name}, row {number}: {len(row)} cells, but the header has {width} columns; "
                                 "remove the cells past the last column")
            for column, cell in enumerate(row, start=1):
                if len(cell) > limits.max_cell:
                    raise DocumentTooLarge(f"{name}, row {number}, column {column}: the cell is longer than "
                                           f"{limits.max_cell} characters")
                control = CONTROL.search(cell)
                if control:
                    raise ParseError(f"{name}, row {number}, column {column}: control character "
                                     f"U+{ord(control.group()):04X}; cells may not hold control characters")
            if number == 1:
                header = [h.strip() for h in row]
            else:
                cells[reader.line_num] = dict(zip(header, row))
    except csv.Error as exc:  # the csv module's own limit on a cell (128 KiB), or a malformed quote
        if "field limit" in str(exc):
            raise DocumentTooLarge(f"{name}, row {number + 1}: a cell is longer than {limits.max_cell} "
                                   "characters") from None
        raise ParseError(f"{name}, row {number + 1}: {exc}") from None
    return cells


def _csvw_message(message: str, local: Path, name: str) -> str:
    """csvw's message with its position as `file, line L, column C` and no temporary path."""
    message = re.sub(re.escape(str(local)) + r":(\d+):(\d+)",
                     lambda m: f"{name}, line {m.group(1)}, column {m.group(2)}:", message)
    return message.replace(str(local), name).replace(str(local.parent), "…")


def _check_header(name: str, text: str, table: Any) -> None:
    expected = [c.name for c in table.tableSchema.columns if not c.virtual]
    header = [h.strip() for h in next(csv.reader(line.group() for line in LINE.finditer(text)), [])]
    unknown = [h for h in header if h and h not in expected]
    missing = [c.name for c in table.tableSchema.columns if c.required and c.name not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown column(s) {', '.join(unknown)}")
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        raise ParseError(f"{name}: {'; '.join(problems)}; expected columns: {', '.join(expected)}")


def _row_triples(table: Any, row: Mapping[str, Any], base: str, file: str, number: int,
                 locations: dict[str, Location], fallback: dict[str, Location],
                 cells: Mapping[str, str]) -> list[Triple]:
    schema = table.tableSchema
    for column in schema.columns:
        if column.required and row.get(column.name) in (None, "", []):
            raise ParseError(f"{file}, row {number}: column '{column.name}' is required")
    out: list[Triple] = []
    for column in schema.columns:
        if column.propertyUrl is None or column.suppressOutput:
            continue
        value = row.get(column.name)
        if value is None or value == "" or value == []:
            continue
        about_template = column.aboutUrl or schema.aboutUrl
        subject = NamedNode(urljoin(base, about_template.expand(**_template_values(row))))
        if column.aboutUrl is None:  # the row's own resource: where it is described
            locations.setdefault(subject.value, Location(file, number))
        else:  # a resource the row links to: only a fallback location
            fallback.setdefault(subject.value, Location(file, number))
        predicate = NamedNode(str(column.propertyUrl))
        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "":
                continue
            if column.valueUrl is not None:
                obj: NamedNode | Literal = NamedNode(urljoin(base, column.valueUrl.expand(
                    **{**_template_values(row), column.name: _lexical(item)})))
            else:
                obj = _literal(item, column, cells.get(column.name, ""))
            out.append(Triple(subject, predicate, obj))
    return out


def _template_values(row: Mapping[str, Any]) -> dict[str, str]:
    return {k: _lexical(v) for k, v in row.items() if v is not None and not isinstance(v, list)}


def _literal(value: Any, column: Any, cell: str) -> Literal:
    """The literal of a value; a typed one keeps the cell as written when it holds personal data, which reading
    it as a number would hide ("0612345678" is the number 612345678), so that validation finds it."""
    base = column.datatype.base if column.datatype is not None else "string"
    if base in STRING_TYPES:
        lang = column.lang if column.lang and column.lang != "und" else None
        return Literal(str(value), language=lang) if lang else Literal(str(value))
    lexical = _lexical(value)
    if cell.strip() != lexical and personal_data(cell):
        lexical = cell
    return Literal(lexical, datatype=NamedNode(XSD + base))


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, Decimal, int)):
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()
    return str(value)
