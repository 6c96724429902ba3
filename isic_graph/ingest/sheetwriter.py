"""A network's graph written back as its collection sheet: one table per class, through the sheet model.

The inverse of tabular.py: each resource of a table's class becomes a row, its key columns taken back
from its IRI (the model's IRI templates), its other cells written as a spreadsheet would show them
(thesaurus values by their French label, dates AAAA-MM-JJ, yes/no as oui/non, several values joined
by ` | `), so that uploading the sheet unchanged publishes the same graph.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
from collections import defaultdict
from typing import Iterable, Mapping
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import AnswerTooLarge, NotFound
from isic_graph.ingest.documents import LIMITS, cell_length
from isic_graph.ingest.listing import joined
from isic_graph.ingest.sheetmodel import THESAURUS, Column, Table, tables
from isic_graph.ingest.spreadsheets import formula_safe
from isic_graph.ingest.vocabulary import schemes
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs, check_slug
from isic_graph.store.base import Store
from isic_graph.store.results import term_value

Rows = Mapping[str, list[list[str]]]  # table file -> rows of cells, in the order of the table's headers
FOLDER = "fiche-isic"


def sheet_rows(triples: Iterable[Triple], base: str) -> dict[str, list[list[str]]]:
    """The rows of every table of the sheet that describe the resources of these triples."""
    about: dict[str, dict[str, list[Triple]]] = defaultdict(lambda: defaultdict(list))
    pointing: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    typed: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        subject = term_value(t.subject)
        about[subject][t.predicate.value].append(t)
        if t.predicate.value == RDF_TYPE:
            typed[term_value(t.object)].add(subject)
        if isinstance(t.object, NamedNode):
            pointing[t.object.value][t.predicate.value].append(subject)
    written: dict[str, list[list[str]]] = {}
    for table in tables():
        rows = []
        for resource in sorted(typed.get(table.types["row"], ())):
            row = _row(table, resource, base, about, pointing)
            if row is not None:
                rows.append(row)
        written[table.file] = rows
    return written


def _row(table: Table, resource: str, base: str, about: Mapping[str, Mapping[str, list[Triple]]],
         pointing: Mapping[str, Mapping[str, list[str]]]) -> list[str] | None:
    subjects = {"row": resource}
    for source, path, target in table.links:  # the row's other resources, found by the links it states
        if target == "row":
            found = pointing.get(resource, {}).get(path, [])
            if found:
                subjects[source] = sorted(found)[0]
        elif source == "row":
            found = [term_value(t.object) for t in about.get(resource, {}).get(path, [])]
            if found:
                subjects[target] = sorted(found)[0]
    keys: dict[str, str] = {}
    for name in sorted(table.subjects, key=lambda n: len(_names(table.subjects[n]))):
        if name in subjects and not _keys_from(table.subjects[name], subjects[name], base, keys):
            return None  # an IRI the sheet cannot name: not a row of this table
    cells = dict(keys)
    for column in table.columns:
        if column.inverse:
            values = pointing.get(subjects.get(column.inverse, ""), {}).get(column.path, [])
            cells[column.header] = joined(_named(column, v, base) for v in sorted(values)) if values else ""
            continue
        subject = subjects.get(column.subject)
        objects = [t.object for t in about.get(subject or "", {}).get(column.path, [])]
        shown = [v for o in objects if (v := _cell(column, o, base)) is not None]
        if shown or column.header not in keys:
            cells[column.header] = joined(sorted(dict.fromkeys(shown))) if column.multiple else \
                (sorted(shown)[0] if shown else "")
    if any(not cells.get(k) for k in table.keys):
        return None
    for key, default in table.defaults.items():  # a key its default gives is left empty, as a sheet writes it
        if cells[key] == re.sub(r"\{\+?([^}]*)\}", lambda m: cells.get(m.group(1), ""), default):
            cells[key] = ""
    return [cells.get(h, "") for h in table.headers]


def _names(template: str) -> list[str]:
    return re.findall(r"\{\+?([^}]*)\}", template)


def _keys_from(template: str, resource: str, base: str, keys: dict[str, str]) -> bool:
    """Read the key values back from a resource's IRI with its template (values known already fixed)."""
    if not resource.startswith(base):
        return False
    pattern = ""
    for part in re.split(r"(\{\+?[^}]*\})", template):
        match = re.fullmatch(r"\{(\+?)([^}]*)\}", part)
        if match is None:
            pattern += re.escape(part)
        elif match.group(2) in keys:
            pattern += re.escape(keys[match.group(2)])
        else:
            pattern += f"(?P<{match.group(2)}>{'.+' if match.group(1) else '[^/]+'})"
    found = re.fullmatch(pattern, resource[len(base):])
    if found is None:
        return False
    keys.update({k: unquote(v) for k, v in found.groupdict().items()})
    return True


def _named(column: Column, resource: str, base: str) -> str:
    """The cell naming a resource: what its IRI template leaves once filled, else the full IRI."""
    prefix = base + (column.target or "{}").split("{")[0]
    return unquote(resource[len(prefix):]) if resource.startswith(prefix) else resource


def _cell(column: Column, term: object, base: str) -> str | None:
    if column.kind == "concept" and isinstance(term, NamedNode):
        scheme = schemes().get(column.scheme or "")
        if not term.value.startswith(f"{column.scheme}/"):
            return None  # a value of another column sharing the property (transferable to a theme, a territory)
        concept = next((c for c in scheme.concepts if c.iri == term.value), None) if scheme else None
        return concept.label("fr") if concept else term.value.rsplit("/", 1)[-1]
    if column.kind == "resource" and isinstance(term, NamedNode):
        if term.value.startswith(THESAURUS):
            return None
        return _named(column, term.value, base)
    if column.kind == "iri" and isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        if column.lang and term.language != column.lang:
            return None
        if column.kind == "boolean":
            return "oui" if term.value == "true" else "non"
        return term.value
    return None


def csv_files(rows: Rows) -> dict[str, bytes]:
    """Each table as a CSV file (UTF-8, comma-separated, the header first), the empty ones with their header; a cell
    a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) written after a quote, which reading takes away."""
    files = {}
    for table in tables():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.headers)
        decimals = {i for i, h in enumerate(table.headers) if any(c.header == h and c.kind == "decimal"
                                                                   for c in table.columns)}
        writer.writerows([formula_safe(_decimal_comma(v) if i in decimals else v) for i, v in enumerate(row)]
                         for row in rows.get(table.file, []))
        files[table.file] = out.getvalue().encode("utf-8")
    return files


def _decimal_comma(value: str) -> str:
    """An amount as a French spreadsheet writes it (`2500,5`): read back as it is, never as thousands (`1.234` and
    `1,234` are refused as ambiguous, not misread)."""
    return value.replace(".", ",") if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", value) else value


def csv_zip(rows: Rows) -> bytes:
    """The sheet's CSV files in a zip, under one folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(rows).items():
            archive.writestr(f"{FOLDER}/{name}", data)
    return buffer.getvalue()




def network_rows(store: Store, graphs: Graphs, network: str) -> dict[str, list[list[str]]]:
    """The current sheet of a network: the rows of its graph. An unknown network is NotFound, with the
    closest known name."""
    check_slug(network)
    triples = store.graph_triples(graphs.network(network))
    if not triples:
        known = sorted(g[len(graphs.network_prefix):] for g in store.graph_names()
                       if g.startswith(graphs.network_prefix))
        close = difflib.get_close_matches(network, known, n=1)
        hint_en, hint_fr = (f"; did you mean {close[0]!r}?", f" ; vouliez-vous dire « {close[0]} » ?") if close \
            else ("", "")
        raise NotFound(f"no network {network!r} in this store{hint_en} Networks: {', '.join(known)}",
                       fr=f"aucun réseau « {network} » ici{hint_fr} Réseaux : {', '.join(known)}")
    rows = sheet_rows(triples, graphs.base)
    _check_cells(rows)
    return rows


def _check_cells(rows: Rows) -> None:
    """Refuse a sheet holding a text longer than a spreadsheet's cell (sent through another way in than a sheet):
    a workbook cuts it without a word, and the sheet sent back would publish it cut (AnswerTooLarge)."""
    for written in tables():
        table = written.file
        for line in rows.get(table, []):
            for title, cell in zip(written.headers, line):
                if (length := cell_length(cell)) > LIMITS.max_cell:
                    raise AnswerTooLarge(
                        f"{table}, row {line[0]!r}, column {title!r}: the text has {length} characters, and a "
                        f"spreadsheet's cell holds at most {LIMITS.max_cell}: the sheet cannot be written whole; "
                        "download the network's data (/dumps), or shorten the text",
                        fr=f"{table}, ligne « {line[0]} », colonne « {title} » : le texte a {length} caractères, "
                           f"et une cellule de tableur en contient au plus {LIMITS.max_cell} : la fiche ne peut pas "
                           "être écrite en entier ; téléchargez les données du réseau (/dumps), ou raccourcissez le "
                           "texte")


__all__ = ["csv_files", "csv_zip", "network_rows", "sheet_rows"]
