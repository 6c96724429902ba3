"""CSV collection sheets to RDF, through the declared CSVW mapping (templates/csv/isic-sheet.csv-metadata.json)."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import urljoin

import csvw
from pyoxigraph import Literal, NamedNode, Triple

from . import resources
from .documents import CONTROL
from .errors import DocumentTooLarge, ParseError, UsageError
from .validation import Location

if TYPE_CHECKING:
    from .documents import Document

XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_ROWS = 20_000  # rows of one sheet
MAX_CELL = 64 * 1024  # characters of one cell
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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


def read_tables(files: Sequence[Document], base_iri: str) -> TabularBatch:
    """Map CSV files, each named like a table of the template (projects.csv, lessons.csv…), to triples.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
    """
    group = csvw.TableGroup.from_file(metadata_file())
    tables = {str(t.url): t for t in group.tables}
    triples: list[Triple] = []
    locations: dict[str, Location] = {}
    fallback: dict[str, Location] = {}
    columns: dict[tuple[str, str], str] = {}
    for path in files:
        table = tables.get(path.name)
        if table is None:
            raise UsageError(f"{path.name}: not a table of the collection-sheet template; expected one of "
                             + ", ".join(sorted(tables)))
        text = _text(path)
        _check_size(path.name, text)
        _check_header(path.name, text, table)
        for column in table.tableSchema.columns:
            if column.propertyUrl is not None and not column.virtual:
                columns[(path.name, str(column.propertyUrl))] = column.name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with tempfile.TemporaryDirectory() as folder:  # csvw reads tables from files only
                local = Path(folder) / path.name
                local.write_text(text, encoding="utf-8")
                rows = table.iterdicts(fname=local, strict=False)
                try:
                    for number, row in enumerate(rows, start=2):
                        triples.extend(_row_triples(table, row, base_iri, path.name, number, locations, fallback))
                except (ValueError, csv.Error) as exc:  # csvw's own refusals name the temporary file
                    raise ParseError(str(exc).replace(str(local), path.name)) from None
    return TabularBatch(tuple(dict.fromkeys(triples)), {**fallback, **locations}, columns)


def _text(doc: Document) -> str:
    try:
        return doc.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError(f"{doc.name}: not UTF-8 text; save the sheet as « CSV UTF-8 »") from None


def _check_size(name: str, text: str) -> None:
    """Refuse sheets with more rows, or longer cells, than a collection sheet can have; and control characters."""
    rows = text.count("\n")
    if rows > MAX_ROWS:
        raise DocumentTooLarge(f"{name} has {rows} lines; a sheet holds at most {MAX_ROWS} rows: split it")
    try:
        longest = max((len(cell) for row in csv.reader(io.StringIO(text)) for cell in row), default=0)
    except csv.Error:  # a cell longer than the csv module's own limit (128 KiB)
        longest = MAX_CELL + 1
    if longest > MAX_CELL:
        raise DocumentTooLarge(f"{name} has a cell longer than {MAX_CELL} characters")
    control = CONTROL.search(text)
    if control:
        row = text.count("\n", 0, control.start()) + 1
        raise ParseError(f"{name}, row {row}: control character U+{ord(control.group()):04X}; "
                         "cells may not hold control characters")


def _check_header(name: str, text: str, table: Any) -> None:
    expected = [c.name for c in table.tableSchema.columns if not c.virtual]
    header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
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
                 locations: dict[str, Location], fallback: dict[str, Location]) -> list[Triple]:
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
                obj = _literal(item, column)
            out.append(Triple(subject, predicate, obj))
    return out


def _template_values(row: Mapping[str, Any]) -> dict[str, str]:
    return {k: _lexical(v) for k, v in row.items() if v is not None and not isinstance(v, list)}


def _literal(value: Any, column: Any) -> Literal:
    base = column.datatype.base if column.datatype is not None else "string"
    if base in STRING_TYPES:
        lang = column.lang if column.lang and column.lang != "und" else None
        return Literal(str(value), language=lang) if lang else Literal(str(value))
    return Literal(_lexical(value), datatype=NamedNode(XSD + base))


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, Decimal, int)):
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()
    return str(value)
