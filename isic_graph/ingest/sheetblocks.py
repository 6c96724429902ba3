"""The form's blocks for the sheet's tables of records around a project, generated from the sheet model.

User groups, professional roles, steering committees, participations, dated milestones, capitalisation
activities, evaluations, in-kind contributions, aid to families and resources are each one table of the sheet
(sheetmodel.py). The form shows each table as a repeatable block whose
fields are the table's columns (its key first), named `TABLE.N.COLUMN` (`milestones.0.date`); a cell is
typed as in a spreadsheet (a thesaurus value by its label, several values one a line or separated by `|`,
resources as `group/x`). The column naming the form's project is filled in by the form. A filled block is read
as one row of its table, by the sheet's own reader: the form, the CSV, the CSVW mapping and the workbook say
the same thing the same way. An edit form shows the project's stored rows of these tables as the sheet writer
writes them (each block carries its resource's IRI): sent back unchanged they describe the same resources;
a block emptied takes its resource out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from typing import Sequence

from pyoxigraph import NamedNode, Triple

from isic_graph.errors import SheetRefused
from isic_graph.ingest.documents import Document
from isic_graph.ingest.listing import joined, split
from isic_graph.ingest.sheetfilled import SHEET_TABLES, FilledSheet, entries
from isic_graph.ingest.sheetform import Field
from isic_graph.ingest.sheetmodel import Column, Table, table_named
from isic_graph.ingest.sheetwriter import sheet_rows
from isic_graph.ingest.tabular import read_tables
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs

NAMES = {"groups": {"fr": "Les groupes d'usagers", "en": "User groups"},
         "roles": {"fr": "Les rôles professionnels (jamais le nom d'une personne)",
                   "en": "Professional roles (never a person's name)"},
         "committees": {"fr": "Les comités de pilotage", "en": "Steering committees"},
         "resources": {"fr": "Les ressources (fiches-méthode, rapports…)", "en": "Resources (method sheets, reports…)"},
         "participations": {"fr": "Les participations (comités, partenariats)",
                            "en": "Participations (committees, partnerships)"},
         "milestones": {"fr": "Les jalons datés", "en": "Dated milestones"},
         "activities": {"fr": "Les temps de capitalisation", "en": "Capitalisation activities"},
         "evaluations": {"fr": "Les évaluations", "en": "Evaluations"},
         "contributions": {"fr": "Les mises à disposition (apports en nature)", "en": "In-kind contributions"},
         "family-aid": {"fr": "Les aides aux familles", "en": "Aid to families"}}


@dataclass(frozen=True)
class TableBlocks:
    """What the filled blocks of the sheet's tables stand for (the parts of SheetTriples they add)."""

    triples: list[Triple]
    blocks: dict[str, str]  # described IRI -> block (`milestones.0`)
    covered: set[tuple[str, str, str | None]]
    problems: dict[str, list[str]]
    removed: set[str]  # stored resources whose block the user emptied


def table_of(kind: str) -> Table:
    found = table_named(kind)
    assert found is not None, kind
    return found


def project_column(table: Table) -> Column | None:
    """The column naming the project a row belongs to: the form fills it in."""
    return next((c for c in table.columns if c.header == "projet" and c.target
                 and c.target.startswith("id/project/")), None)


@cache
def table_fields(kind: str) -> tuple[Field, ...]:
    """A table's block fields: its key columns, then its columns but the project's, as the form's inputs."""
    table = table_of(kind)
    own = project_column(table)
    found = [Field(key, "", {"fr": key}, dict(table.key_help) and {"fr": table.key_help.get(key, "")}, {}, (0, 0),
                   key not in table.defaults, False, "text")
             for key in table.keys if key not in {c.header for c in table.columns}]
    for c in table.columns:
        if c is own:
            continue
        kind_of = "date" if c.kind == "date" else "text"
        found.append(Field(c.header, c.path, c.names or {"fr": c.header}, c.help, {}, (0, 0), c.required,
                           c.multiple, kind_of, c.datatype, c.scheme))
    return tuple(found)


def block_triples(sheet: FilledSheet, graphs: Graphs, project_slug: str) -> TableBlocks:
    """The triples of the form's filled table blocks, each read as one row of its table."""
    result = TableBlocks([], {}, set(), {}, set())
    project = f"{graphs.base}id/project/{project_slug}"
    for kind in SHEET_TABLES:
        table = table_of(kind)
        own = project_column(table)
        for i in sheet.blocks(kind):
            row = {f.key: joined(entries(f, sheet.get(f"{kind}.{i}.{f.key}"))) for f in table_fields(kind)}
            for key in table.keys:
                if key not in table.defaults and not row.get(key):
                    row[key] = f"{project_slug}-{kind}-{i + 1}"
            if own is not None:
                row[own.header] = project_slug
            try:
                batch = read_tables([_document(table, row)], graphs.base)
            except SheetRefused as exc:
                for problem in exc.report.violations:
                    column = getattr(problem, "location", None) and problem.location.column
                    name = f"{kind}.{i}.{column if column in row else table.keys[0]}"
                    result.problems.setdefault(name, []).append(problem.messages.get("fr", ""))
                continue
            for t in batch.triples:
                result.triples.append(t)
                if t.predicate.value == RDF_TYPE and isinstance(t.subject, NamedNode) and \
                        isinstance(t.object, NamedNode) and t.object.value == table.types["row"]:
                    result.blocks[t.subject.value] = f"{kind}.{i}"
            for subject in [s for s, b in result.blocks.items() if b == f"{kind}.{i}"]:
                result.covered.add((subject, RDF_TYPE, None))
                result.covered.update((subject, c.path, None) for c in table.columns if not c.inverse)
        if own is not None:  # the project's links to the rows of this table are all shown
            result.covered.add((project, own.path, None))
        stored = {iri for i, iri in sheet.stored(kind).items() if iri.startswith(f"{graphs.base}id/")}
        result.removed.update(stored - set(result.blocks))
    return result


def _document(table: Table, row: dict[str, str]) -> Document:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table.headers), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerow(row)
    return Document(table.file, out.getvalue().encode("utf-8"), format_named("csv"))


def stored_values(triples: Sequence[Triple], base: str, project: str, around: set[str]) -> dict[str, list[str]]:
    """The form's values for the stored rows of the table blocks that belong to a project: a row naming the
    project, or one of the resources `around` it (its partnerships, its committees), in any cell."""
    rows = sheet_rows(triples, base)
    named = {project, *around}
    values: dict[str, list[str]] = {}
    for kind in SHEET_TABLES:
        table = table_of(kind)
        headers = list(table.headers)
        index = 0
        for cells in rows.get(table.file, []):
            row = dict(zip(headers, cells))
            iri = _row_iri(table, row, base)
            if iri is None or not _belongs(table, row, base, named):
                continue
            values[f"{kind}.{index}.id"] = [iri]
            for f in table_fields(kind):
                if row.get(f.key):
                    values[f"{kind}.{index}.{f.key}"] = [row[f.key]]
            index += 1
    return values


def _row_iri(table: Table, row: dict[str, str], base: str) -> str | None:
    template = table.subjects["row"]
    for key in table.keys:
        template = template.replace(f"{{+{key}}}", row.get(key, "")).replace(f"{{{key}}}", row.get(key, ""))
    return None if "{" in template else base + template


def _belongs(table: Table, row: dict[str, str], base: str, named: set[str]) -> bool:
    for c in table.columns:
        if c.kind != "resource" or not c.target or not row.get(c.header):
            continue
        for cell in split(row[c.header]):
            path = c.target.replace("{+}", cell).replace("{}", cell)
            if base + path in named:
                return True
    return False


__all__ = ["NAMES", "TableBlocks", "block_triples", "stored_values", "table_fields",
           "table_of"]
