"""Submitted documents and batches: the files a network sends, their limits, and the triples read from them.

Every submission is read within `DocumentLimits`. Its text is scanned before any parser runs: invalid
UTF-8, control characters and nesting deeper than the limit are refused with their line and column, so
that no recursive code (Python's json, pyoxigraph's term types, the skolemisation) ever sees a deep
document. Parsing then stops at the first term or triple past a limit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping

from pyoxigraph import Triple

from isic_graph.errors import UsageError
from isic_graph.rdf.formats import Format, format_for_path
from isic_graph.store.results import term_value
from isic_graph.validation.validator import Location


@dataclass(frozen=True)
class DocumentLimits:
    """What one submission may hold; beyond, it is refused before it can exhaust memory, stack or time.

    Measured on the samples scaled up: parsing is cheap (100,000 triples in 0.5 s), validation is
    not (about 0.25 ms a triple: 33,000 triples in 8 s and 150 MiB, 100,000 in 25 s and 280 MiB).
    The nesting scan visits about two million marks a second.
    A sample network holds under 700 triples; a CSV row gives about 8.5; a JSON-LD triple needs a few
    JSON values, and pyoxigraph holds about 340 bytes per value of a node until the node is complete.
    """

    max_depth: int = 32  # nesting of [ ( { in a document: blank nodes, lists, JSON arrays and objects
    max_literal: int = 1024 * 1024  # characters of one literal
    max_iri: int = 8 * 1024  # characters of one IRI
    max_marks: int = 2_000_000  # brackets, quotes, < and # of one document: what the nesting scan visits
    max_triples: int = 50_000  # triples of one submission, all its files together
    max_json_values: int = 250_000  # values in one JSON-LD document (pyoxigraph holds a node's values at once)
    max_rows: int = 10_000  # rows of one CSV sheet
    max_columns: int = 64  # cells of one CSV row (the template's widest table has 16 columns)
    max_cell: int = 32_767  # characters of one cell of a sheet: what a spreadsheet's cell holds (Excel, openpyxl)


LIMITS = DocumentLimits()


def cell_length(text: str) -> int:
    """A text's length as a spreadsheet counts it against its cells' limit: in UTF-16 units (an emoji is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
# The operator's own reference data (`isic-graph load`): no count of triples, marks or values is capped,
# since it is streamed; a term stays within what pyoxigraph reads at once (16 MiB).
OPERATOR = DocumentLimits(max_literal=16 * 1024 * 1024, max_iri=16 * 1024 * 1024, max_marks=2**62, max_triples=2**62,
                          max_json_values=2**62)
MARKS = "{}()[]\"'<#"  # the characters guard.deepest_nesting stops at
ESCAPE = re.compile(r"\\[^\r\n]")  # \" in strings, \u0041 in IRIs, e:a\#b in names: never an opener or a quote
JSON_STRING = re.compile(r'"[^"]*"')  # once escapes are neutralised
LOCATION = re.compile(r"^Parser error (?:at|between) [^:]*: ")  # pyoxigraph's prefix; we give the position ourselves


@dataclass(frozen=True)
class Document:
    """One submitted file: its name (no path), bytes and format."""

    name: str
    data: bytes
    format: Format

    @classmethod
    def from_path(cls, path: Path) -> Document:
        try:
            return cls(path.name, path.read_bytes(), format_for_path(path))
        except FileNotFoundError:
            raise UsageError(f"no such file: {path}", f"fichier introuvable : {path}") from None
        except IsADirectoryError:
            raise UsageError(f"{path} is a folder; name the files to ingest",
                             f"{path} est un dossier ; nommez les fichiers à publier") from None

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Batch:
    """The triples of one submission, ready to validate; tabular batches know their rows and columns."""

    triples: tuple[Triple, ...]
    sources: tuple[Document, ...]
    locations: Mapping[str, Location] = field(default_factory=dict)
    columns: Mapping[tuple[str, str, str, str], str] = field(default_factory=dict)
    tables: frozenset[str] = frozenset()  # the sheet's tables it holds (CSV files, workbook sheets)

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for doc in sorted(self.sources, key=lambda d: d.name):
            digest.update(doc.sha256.encode())
        return digest.hexdigest() if len(self.sources) > 1 else self.sources[0].sha256

    @cached_property
    def subjects(self) -> frozenset[str]:
        return frozenset(term_value(t.subject) for t in self.triples)
