"""Bringing a store to the software's edition of the model: the new vocabulary graphs, the data steps run on
every network graph and harvested copy, a provenance record, then every such graph validated again.

All or nothing: the steps run first, each graph in a store of its own (ingest/editions.py), so that a step
that fails changes nothing. The writes then go, on an embedded store on disk, into a copy of the store that
takes its place in one step (store/swap.py), as a restoration does; on any other store, as one update.
What no longer conforms to the new shapes is kept, not deleted, and reported per graph.

The store's edition is recorded in the metadata graph (`<{base}catalog#isic-graph> dcterms:conformsTo` the
edition's version IRI, which the catalogue publishes too); a store without the record is of the edition its
ontology graph states (the first, when it states none).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph import __version__
from isic_graph.admin.bootstrap import newer_edition, vocabulary_triples
from isic_graph.errors import UsageError
from isic_graph.ingest import editions, settling
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.identity import key_holders, update_identity
from isic_graph.ingest.ingestion import check
from isic_graph.rdf.labels import choose
from isic_graph.rdf.namespaces import DCTERMS, OWL, PROV, RDF_TYPE, RDFS, XSD, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri
from isic_graph.sparql.updates import INSERT_RUN, insert_data
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore, in_a_copy
from isic_graph.validation.validator import Validator, Violation


@dataclass(frozen=True)
class GraphReport:
    """One data graph after the migration: what the steps changed, and what no longer conforms (kept)."""

    graph: str
    name: str  # the network's slug, or peer/network for a harvested copy
    added: int
    removed: int
    violations: tuple[Violation, ...] = ()
    error: str | None = None

    @property
    def conforms(self) -> bool:
        return not self.violations and self.error is None

    def describe(self, lang: str) -> str:
        changes = choose(lang, f"{self.added} triplet(s) ajouté(s), {self.removed} retiré(s)",
                         f"{self.added} triple(s) added, {self.removed} removed")
        head = f"{self.name}\t{changes}\t"
        if self.error is not None:
            return head + self.error
        if self.conforms:
            return head + choose(lang, "conforme", "conforms")
        lines = [head + choose(lang, f"{len(self.violations)} problème(s) : ne se conforme plus (gardé, non "
                                     "supprimé)", f"{len(self.violations)} problem(s): no longer conforms (kept, "
                                                  "not deleted)")]
        return "\n".join(lines + [f"  - {v.describe(lang)}" for v in self.violations])

    def to_dict(self) -> dict[str, Any]:
        return {"graph": self.graph, "name": self.name, "added": self.added, "removed": self.removed,
                "conforms": self.conforms, "error": self.error, "violations": [v.to_dict() for v in self.violations]}


@dataclass(frozen=True)
class Migration:
    """What a migration did (or, dry, would do): editions, steps, provenance, and the report per graph."""

    source: int
    target: int
    dry_run: bool
    steps: tuple[str, ...] = ()
    activity: str | None = None
    reports: tuple[GraphReport, ...] = field(default_factory=tuple)

    @property
    def needed(self) -> bool:
        return self.source < self.target

    @property
    def nonconforming(self) -> tuple[GraphReport, ...]:
        return tuple(r for r in self.reports if not r.conforms)

    def describe(self, lang: str = "en") -> str:
        if not self.needed:
            return choose(lang, f"le magasin est déjà à l'édition {self.target} du modèle : rien à faire",
                          f"the store is already at edition {self.target} of the model: nothing to do")
        if self.dry_run:
            head = choose(lang, f"le magasin passerait de l'édition {self.source} à l'édition {self.target} du "
                                f"modèle ({len(self.steps)} étape(s)) ; rien n'a été modifié (--dry-run)",
                          f"the store would go from edition {self.source} to edition {self.target} of the model "
                          f"({len(self.steps)} step(s)); nothing was changed (--dry-run)")
        else:
            head = choose(lang, f"le magasin est passé de l'édition {self.source} à l'édition {self.target} du "
                                f"modèle ({len(self.steps)} étape(s)) ; provenance <{self.activity}>",
                          f"the store went from edition {self.source} to edition {self.target} of the model "
                          f"({len(self.steps)} step(s)); provenance <{self.activity}>")
        bad = len(self.nonconforming)
        tail = choose(lang, f"{bad} graphe(s) sur {len(self.reports)} ne se conforment plus aux formes : leurs "
                            "données sont gardées ; corrigez-les", f"{bad} graph(s) of {len(self.reports)} no "
                            "longer conform to the shapes: their data is kept; mend them") if bad else \
            choose(lang, f"les {len(self.reports)} graphe(s) se conforment aux formes",
                   f"all {len(self.reports)} graph(s) conform to the shapes")
        return "\n".join([head, *(r.describe(lang) for r in self.reports), tail])

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "dryRun": self.dry_run, "needed": self.needed,
                "fromIRI": editions.edition_iri(self.source), "toIRI": editions.edition_iri(self.target),
                "steps": list(self.steps), "activity": self.activity,
                "graphs": [r.to_dict() for r in self.reports]}


def check_edition(store: Store, graphs: Graphs) -> int | None:
    """The store's edition, refused (UsageError) when it is newer than this software's."""
    found = editions.store_edition(store, graphs)
    if found is not None and found > editions.software_edition():
        raise newer_edition(found, editions.software_edition())
    return found


def migrate(store: Store, graphs: Graphs, validator: Validator, folder: Path | None = None, dry_run: bool = False,
            now: datetime.datetime | None = None) -> Migration:
    """Bring the store to the software's edition (see the module's docstring); dry_run: change nothing, report
    what would change and what would not conform. folder: where the steps are (default: the shipped ones)."""
    source = check_edition(store, graphs)
    target = editions.software_edition()
    if source is None:
        raise UsageError("the store is empty: create it with `isic-graph init`",
                         fr="le magasin est vide : créez-le avec `isic-graph init`")
    if source == target:
        return Migration(source, target, dry_run)
    started = now or datetime.datetime.now(datetime.timezone.utc)
    chosen = editions.steps(source, target, folder)  # all read and checked before anything runs
    data = [g for g in store.graph_names() if g.startswith((graphs.network_prefix, graphs.peer_prefix))]
    before = {g: store.graph_triples(g) for g in data}
    changes = {g: editions.upgrade(triples, chosen) for g, triples in before.items()}
    activity = f"{graphs.base}id/migration/{started.strftime('%Y%m%dT%H%M%S%fZ')}"
    if not dry_run:
        ended = datetime.datetime.now(datetime.timezone.utc) if now is None else started
        _write(store, _operations(graphs, changes, _record(graphs, activity, source, target, chosen, changes,
                                                              started, ended), ended))
        settling.migrate(store, graphs)  # a store written before owners were recorded gets them
        touched = set().union(*(key_holders(c.added + c.removed) for c in changes.values()))
        if touched:  # only identifiers a step wrote can join or part resources; the rest keep their links
            update_identity(store, graphs, touched)
    reports = tuple(_report(store, graphs, validator, g, editions.applied(before[g], changes[g]) if dry_run
                            else store.graph_triples(g), changes[g]) for g in data)
    return Migration(source, target, dry_run, tuple(s.label for s in chosen), None if dry_run else activity,
                     reports)


def _report(store: Store, graphs: Graphs, validator: Validator, graph: str, triples: Sequence[Triple],
            change: editions.Upgrade) -> GraphReport:
    """A data graph checked as ingestion (a network's) or harvesting (a peer's copy) checks it."""
    network = graph.startswith(graphs.network_prefix)
    name = graph[len(graphs.network_prefix if network else graphs.peer_prefix):]
    try:
        report = check(Batch(tuple(triples), ()), store if network else None, validator, graphs,
                       name if network else None, owners=False, strict=False)
    except UsageError as exc:
        return GraphReport(graph, name, len(change.added), len(change.removed), error=exc.message)
    return GraphReport(graph, name if network else f"peer/{name}", len(change.added), len(change.removed),
                       tuple(report.violations))


def _operations(graphs: Graphs, changes: dict[str, editions.Upgrade], record: list[Triple],
                now: datetime.datetime) -> list[str]:
    stamp = f'"{now.isoformat()}"^^<{XSD}dateTime>'
    ontology, thesauri = vocabulary_triples(graphs)
    operations = [f"DROP SILENT GRAPH {iri(graphs.ontology)}", insert_data(graphs.ontology, ontology),
                  f"DROP SILENT GRAPH {iri(graphs.thesauri)}", insert_data(graphs.thesauri, thesauri)]
    for graph, change in changes.items():
        removable = [t for t in change.removed if not _blank(t)]  # a stored graph names its blank nodes
        operations += [f"DELETE DATA {{ GRAPH {iri(graph)} {{\n{_lines(removable[i:i + INSERT_RUN])} .\n}} }}"
                       for i in range(0, len(removable), INSERT_RUN)]
        if change.added:
            operations.append(insert_data(graph, change.added))
        if change.changed and graph.startswith(graphs.network_prefix):  # its dumps change: new ETags
            operations.append(f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(graph)} <{DCTERMS}modified> "
                              f"?m }} }}")
            operations.append(f"INSERT DATA {{ GRAPH {iri(graphs.metadata)} {{ {iri(graph)} <{DCTERMS}modified> "
                              f"{stamp} }} }}")
    record_of = iri(editions.dataset_iri(graphs))
    operations.append(f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {record_of} ?p ?o }} }}")
    operations.append(insert_data(graphs.metadata, record))
    return operations


def _record(graphs: Graphs, activity: str, source: int, target: int, chosen: Sequence[editions.Step],
            changes: dict[str, editions.Upgrade], started: datetime.datetime,
            ended: datetime.datetime) -> list[Triple]:
    """The migration's PROV-O record, and the store's new edition."""
    a, dataset = NamedNode(activity), NamedNode(editions.dataset_iri(graphs))
    software = NamedNode(f"{activity}#software")

    def t(s: NamedNode, p: str, o: NamedNode | Literal) -> Triple:
        return Triple(s, NamedNode(p), o)

    def time(value: datetime.datetime) -> Literal:
        return Literal(value.isoformat(), datatype=NamedNode(XSD + "dateTime"))

    found = [
        t(a, RDF_TYPE, NamedNode(PROV + "Activity")),
        t(a, DCTERMS + "type", Literal("migration")),
        t(a, PROV + "startedAtTime", time(started)),
        t(a, PROV + "endedAtTime", time(ended)),
        t(a, PROV + "wasAssociatedWith", software),
        t(software, RDF_TYPE, NamedNode(PROV + "SoftwareAgent")),
        t(software, RDFS + "label", Literal(f"isic-graph {__version__}")),
        t(software, OWL + "versionInfo", Literal(__version__)),
        t(a, PROV + "used", NamedNode(editions.edition_iri(source))),
        t(a, PROV + "generated", dataset),
        t(a, DCTERMS + "description", Literal(f"the store brought from edition {source} to edition {target} of the "
                                              "model", language="en")),
        t(a, DCTERMS + "description", Literal(f"le magasin passé de l'édition {source} à l'édition {target} du "
                                              "modèle", language="fr")),
        t(dataset, DCTERMS + "conformsTo", NamedNode(editions.edition_iri(target))),
        t(dataset, PROV + "wasGeneratedBy", a),
    ]
    for step in chosen:
        entity = NamedNode(f"ni:///sha-256;{step.sha256}")
        found += [t(a, PROV + "used", entity), t(entity, RDF_TYPE, NamedNode(PROV + "Entity")),
                  t(entity, DCTERMS + "source", Literal(f"migrations/{step.label}"))]
    found += [t(a, PROV + "generated", NamedNode(graph)) for graph, change in changes.items() if change.changed]
    return found


def _write(store: Store, operations: list[str]) -> None:
    """The operations, all or nothing: into a copy put in the store's place (on disk), or as one update."""
    if not (isinstance(store, EmbeddedStore) and store.path is not None):
        store.update_operations(operations)
        return
    with in_a_copy(store) as copy:
        for operation in operations:
            copy.update(operation, written=Written())  # the default graph is rebuilt once, after them
        copy.rebuild_default_graph()


def _lines(triples: Sequence[Triple]) -> str:
    return " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)


def _blank(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)
