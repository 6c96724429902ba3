"""What a sheet's rows name by identifier must be published. A row may name a resource of its network in a column
whose cell is the subject of what the row states (a funding's, a user group's, a role's or a partnership's `projet`,
a committee's `partenariat`): the row says `<project/x> isic:funding <funding/y>`. Such a resource must be the
network's: typed in the upload or in the network's stored graph. A row may also point at an organisation, a territory
or a project others may publish (a funder, an employer, a lesson's project): it must be typed in the upload or in a
network's graph or a harvested copy. Otherwise the identifier is a typo, or names a project withdrawn from
publication; stored, the row would publish a resource with no class, no name and none of its required fields, and
give its address to the network (ownership.py). The sheet is refused at the cells that name it (SheetRefused), with
the closest published identifier when one is close, or saying it was withdrawn and how to publish it again.
"""

from __future__ import annotations

from functools import cache
from typing import Callable, Mapping

from pyoxigraph import NamedNode

from isic_graph.errors import SheetRefused
from isic_graph.ingest import targets
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.sheetmodel import tables
from isic_graph.ingest.sheetproblems import Problems
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs
from isic_graph.sparql.terms import iri, literal
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.reports import column_of

# What a sheet calls the resources its cells may name this way: (French noun, its article, English noun).
NOUNS = {"project": ("projet inconnu", "projet retiré", "le projet", "project"),
         "partnership": ("partenariat inconnu", "partenariat retiré", "le partenariat", "partnership"),
         "organisation": ("organisation inconnue", "organisation retirée", "l'organisation", "organisation"),
         "territory": ("territoire inconnu", "territoire retiré", "le territoire", "territory")}
# What a row may point at that another network publishes (a funder, an employer, a territory, a lesson's project):
# it must be typed in some network's graph or a harvested copy.
SHARED = frozenset({"organisation", "territory", "project"})


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


def _name(graphs: Graphs, resource: str) -> str:
    """The identifier a cell gives: what follows `id/<segment>/` (a territory's keeps its slashes)."""
    segment = _segment(graphs, resource)
    prefix = f"{graphs.base}id/{segment}/"
    return resource[len(prefix):] if segment and resource.startswith(prefix) else resource


def _own_graph(graph: str) -> str:
    """The pattern of a resource typed in a network's graph."""
    return f"GRAPH {iri(graph)} {{ ?s a ?t }}"


def _any_graph(graphs: Graphs) -> str:
    """The pattern of a network's graph or a harvested copy."""
    return (f"GRAPH ?g {{ ?s a ?t }} FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) || "
            f"STRSTARTS(STR(?g), {literal(graphs.peer_prefix)}))")


def _published(store: Store, pattern: str, namespace: str) -> list[str]:
    """The resources (?s) the pattern types under a namespace."""
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ {pattern} FILTER(isIRI(?s) && "
                        f"STRSTARTS(STR(?s), {literal(namespace)})) }}").rows
    return sorted(term_value(row["s"]) for row in rows)


def check_named(store: Store, graphs: Graphs, batch: Batch, network: str) -> None:
    """SheetRefused when a row of the batch states something of a resource that neither the batch nor the network's
    stored graph types, or points at an organisation, territory or project that neither the batch nor the store
    types (see the module's doc)."""
    problems = Problems()
    _subjects(store, graphs, batch, network, problems)
    _objects(store, graphs, batch, problems)
    if not problems:
        return
    for d in targets.dangling(store, graphs, batch, None):  # the lessons it cites that nobody publishes, with them
        row = batch.locations.get(d.subject) or batch.locations.get(d.subject.split("#genid-")[0])
        if row is not None:
            said = d.messages()
            problems.add(row.file, row.row, column_of(batch.columns, row, d.predicate, None),
                         _name(graphs, d.target), said["fr"], said["en"])
    report = problems.report()
    raise SheetRefused(f"the sheet names what is not published, {len(report.violations)} problem(s) to fix: "
                       f"{'; '.join(v.describe('en') for v in report.violations[:20])}", report,
                       fr=f"la fiche nomme ce qui n'est pas publié, {len(report.violations)} problème(s) à "
                          f"corriger : {' ; '.join(v.describe('fr') for v in report.violations[:20])}")


def _subjects(store: Store, graphs: Graphs, batch: Batch, network: str, problems: Problems) -> None:
    typed = {term_value(t.subject) for t in batch.triples if t.predicate.value == RDF_TYPE}
    without = sorted(s for s in batch.subjects if "#genid-" not in s and s not in typed)
    if not without:
        return
    graph = graphs.network(network)
    unknown = set(without) - targets.among(store, without, _own_graph(graph))
    if not unknown:
        return
    gone = targets.withdrawn(store, graphs, unknown)
    columns = _inverse_columns()
    known: dict[str, list[str]] = {}
    for t in batch.triples:
        subject = term_value(t.subject)
        row = batch.locations.get(term_value(t.object)) or batch.locations.get(subject)
        if subject not in unknown or row is None:
            continue
        fr, en = _messages(graphs, subject, subject in gone, "ni publié par ce réseau", "nor published by this network",
                           known, lambda namespace: _published(store, _own_graph(graph), namespace))
        problems.add(row.file, row.row, columns.get(t.predicate.value), _name(graphs, subject), fr, en)


def _objects(store: Store, graphs: Graphs, batch: Batch, problems: Problems) -> None:
    links = sorted({(term_value(t.subject), t.predicate.value, t.object.value) for t in batch.triples
                    if t.predicate.value != RDF_TYPE and isinstance(t.object, NamedNode)
                    and t.object.value not in batch.subjects and _segment(graphs, t.object.value) in SHARED})
    if not links:
        return
    wanted = sorted({target for _, _, target in links})
    anywhere = _any_graph(graphs)
    unknown = set(wanted) - targets.among(store, wanted, anywhere)
    if not unknown:
        return
    gone = targets.withdrawn(store, graphs, unknown)
    known: dict[str, list[str]] = {}
    for subject, path, target in links:
        row = batch.locations.get(subject) or batch.locations.get(subject.split("#genid-")[0])
        if target not in unknown or row is None:
            continue
        fr, en = _messages(graphs, target, target in gone, "ni dans la base", "nor in the knowledge base", known,
                           lambda namespace: _published(store, anywhere, namespace))
        problems.add(row.file, row.row, column_of(batch.columns, row, path, None), _name(graphs, target), fr, en)


def _messages(graphs: Graphs, resource: str, withdrawn: bool, where_fr: str, where_en: str,
              known: dict[str, list[str]], published: Callable[[str], list[str]]) -> tuple[str, str]:
    """What a row naming an unknown or withdrawn resource is told, in French and English."""
    name = _name(graphs, resource)
    segment = _segment(graphs, resource)
    unknown_fr, gone_fr, article, noun_en = NOUNS.get(segment, ("ressource inconnue", "ressource retirée",
                                                                "la ressource", "resource"))
    table = _table_of(segment)
    if withdrawn:
        return (f"{gone_fr} : {name} a été retiré de la publication par son réseau (son adresse répond « 410 "
                f"retiré ») ; pour le publier de nouveau, remettez sa ligne dans {table or 'la fiche'}, ou retirez "
                "cette ligne",
                f"withdrawn {noun_en}: {name} was withdrawn from publication by its network (its address answers "
                f"410 Gone); to publish it again, put its row back in {table or 'the sheet'}, or remove this row")
    fr = (f"{unknown_fr} : {name} n'est ni dans l'envoi {where_fr} ; vérifiez l'identifiant, ou ajoutez {article} "
          f"à {table or 'la fiche'}")
    en = (f"unknown {noun_en}: {name} is neither in the submission {where_en}; check the identifier, or add the "
          f"{noun_en} to {table or 'the sheet'}")
    namespace = f"{graphs.base}id/{segment}/"
    if namespace not in known:
        known[namespace] = published(namespace)
    close = targets.closest(resource, [k for k in known[namespace] if k != resource])
    if close is not None:
        fr += f" ; vouliez-vous dire « {_name(graphs, close)} » ?"
        en += f"; did you mean '{_name(graphs, close)}'?"
    return fr, en
