"""A sheet's row may name a resource of its network by identifier in a column whose cell is the subject of what the
row states (a funding's, a user group's, a role's or a partnership's `projet`, a committee's `partenariat`): the row
says `<project/x> isic:funding <funding/y>`. Such a resource must be the network's: typed in the upload or in the
network's stored graph. Otherwise the identifier is a typo, or names a project withdrawn from publication, and
storing the row would publish a resource with no class, no name and none of its required fields, and give its
address to the network (ownership.py): the sheet is refused at the cells that name it (SheetRefused), with the
closest identifier the network publishes when one is close, or saying it was withdrawn and how to publish it again.
"""

from __future__ import annotations

from functools import cache
from typing import Mapping

from isic_graph.errors import SheetRefused
from isic_graph.ingest import targets
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.sheetmodel import tables
from isic_graph.ingest.sheetproblems import Problems
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs
from isic_graph.sparql.terms import iri, iris, literal
from isic_graph.store.base import Store
from isic_graph.store.results import term_value

CHUNK = 400
# What a sheet calls the resources its cells may name this way: (French noun, its article, English noun).
NOUNS = {"project": ("projet", "le projet", "project"), "partnership": ("partenariat", "le partenariat",
                                                                          "partnership")}


@cache
def _inverse_columns() -> Mapping[str, str]:
    """The header of the column whose cell is the subject of each property a row states of it."""
    found: dict[str, str] = {}
    for table in tables():
        for column in table.columns:
            if column.inverse:
                found.setdefault(column.path, column.header)
    return found


@cache
def _table_of(segment: str) -> str | None:
    """The table whose rows describe the resources under `id/<segment>/`."""
    return next((t.file for t in tables() for template in t.subjects.values()
                 if template.startswith(f"id/{segment}/")), None)


def _segment(graphs: Graphs, subject: str) -> str:
    rest = subject[len(graphs.base):] if subject.startswith(graphs.base) else ""
    parts = rest.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "id" else ""


def _name(subject: str) -> str:
    return subject.rstrip("/").rsplit("/", 1)[-1]


def _typed_in(store: Store, graph: str, subjects: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(subjects), CHUNK):
        rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {iris(subjects[start:start + CHUNK])} }} "
                            f"GRAPH {iri(graph)} {{ ?s a ?t }} }}").rows
        found |= {term_value(row["s"]) for row in rows}
    return found


def _published(store: Store, graph: str, namespace: str) -> list[str]:
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH {iri(graph)} {{ ?s a ?t }} FILTER(isIRI(?s) && "
                        f"STRSTARTS(STR(?s), {literal(namespace)})) }}").rows
    return sorted(term_value(row["s"]) for row in rows)


def check_named(store: Store, graphs: Graphs, batch: Batch, network: str) -> None:
    """SheetRefused when a row of the batch states something of a resource that neither the batch nor the network's
    stored graph types (see the module's doc)."""
    typed = {term_value(t.subject) for t in batch.triples if t.predicate.value == RDF_TYPE}
    without = sorted(s for s in batch.subjects if "#genid-" not in s and s not in typed)
    if not without:
        return
    graph = graphs.network(network)
    unknown = set(without) - _typed_in(store, graph, without)
    if not unknown:
        return
    gone = targets.withdrawn(store, graphs, unknown)
    known: dict[str, list[str]] = {}
    problems = Problems()
    columns = _inverse_columns()
    for t in batch.triples:
        subject = term_value(t.subject)
        if subject not in unknown:
            continue
        row = batch.locations.get(term_value(t.object)) or batch.locations.get(subject)
        if row is None:
            continue
        name = _name(subject)
        segment = _segment(graphs, subject)
        noun_fr, article, noun_en = NOUNS.get(segment, ("ressource", "la ressource", "resource"))
        table = _table_of(segment) or "la fiche"
        table_en = _table_of(segment) or "the sheet"
        if subject in gone:
            fr = (f"{noun_fr} retiré : {name} a été retiré de la publication par ce réseau (son adresse répond "
                  f"« 410 retiré ») ; pour le publier de nouveau, remettez sa ligne dans {table}, ou retirez "
                  "cette ligne")
            en = (f"withdrawn {noun_en}: {name} was withdrawn from publication by this network (its address answers "
                  f"410 Gone); to publish it again, put its row back in {table_en}, or remove this row")
        else:
            fr = (f"{noun_fr} inconnu : {name} n'est ni dans l'envoi ni publié par ce réseau ; vérifiez "
                  f"l'identifiant, ou ajoutez {article} à {table}")
            en = (f"unknown {noun_en}: {name} is neither in the submission nor published by this network; check the "
                  f"identifier, or add the {noun_en} to {table_en}")
            namespace = subject[:len(subject) - len(name)]
            if namespace not in known:
                known[namespace] = _published(store, graph, namespace)
            close = targets.closest(subject, [k for k in known[namespace] if k != subject])
            if close is not None:
                fr += f" ; vouliez-vous dire « {_name(close)} » ?"
                en += f"; did you mean '{_name(close)}'?"
        problems.add(row.file, row.row, columns.get(t.predicate.value), name, fr, en)
    if not problems:
        return
    report = problems.report()
    raise SheetRefused(f"the sheet names what this network does not publish, {len(report.violations)} problem(s) "
                       f"to fix: {'; '.join(v.describe('en') for v in report.violations[:20])}", report,
                       fr=f"la fiche nomme ce que ce réseau ne publie pas, {len(report.violations)} problème(s) à "
                          f"corriger : {' ; '.join(v.describe('fr') for v in report.violations[:20])}")
