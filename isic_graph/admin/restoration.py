"""Restoring a verified backup: loaded into a store of its own, checked graph by graph, then put in place whole.

On an embedded store on disk, the backup is bulk-loaded into a new folder beside the store, checked
there, and exchanged with the store in one step (see store/swap.py): a kill at any moment leaves the
old store or the new one. An in-memory store is loaded into a new in-memory store, checked there, and
takes its content in one step. Any other store (a SPARQL server) is loaded into a temporary store on disk
first, checked there, and then written graph by graph, each graph in one update.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, Triple

from isic_graph.admin.audit import audit
from isic_graph.admin.backup import (
    DEFAULT,
    Backup,
    Manifest,
    difference,
    load_update,
)
from isic_graph.admin.bootstrap import replace_graph, vocabulary_triples
from isic_graph.errors import BackupError, Problem, RestoreRefused, UsageError
from isic_graph.ingest import editions
from isic_graph.ingest.identity import recompute_identity
from isic_graph.ingest.ownership import owners
from isic_graph.ingest.settling import reclaim, settled
from isic_graph.progress import OnStep, Step, counted, ignore
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, literal
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.swap import check_replaceable, staging_folder, sweep
from isic_graph.validation.validator import Validator

CENSUS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class Restored:
    """What a restoration wrote: the backup's manifest, the quads per graph now stored, the graphs left out and why."""

    manifest: Manifest
    counts: dict[str, int]
    left_out: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # what the restoration did beyond copying, or what the operator should know

    @property
    def quads(self) -> int:
        return sum(self.counts.values())

    @property
    def graphs(self) -> int:
        return len([g for g in self.counts if g != DEFAULT])

    @property
    def left_out_graphs(self) -> list[str]:
        return sorted({p.graph for p in self.left_out})


def restore(store: Store, checked: Backup, graphs: Graphs, validator: Validator, replace: bool = False,
            only_conforming: bool = False, on_step: OnStep = ignore) -> Restored:
    """Load a verified backup into an empty store (with replace, in place of its content), after every graph of it
    passed its checks (see audit.py); then recount every graph.

    A graph that fails refuses the whole restoration (RestoreRefused, naming graph, resource and problem), unless
    only_conforming: then the graphs that pass are restored, the others left out and named in the result; but
    an ownership graph that fails (a resource given to two owners) refuses it even then: without it, no resource
    would have its owner.
    """
    manifest = checked.manifest
    if manifest.base_iri != graphs.base:
        raise UsageError(f"the backup is of an instance whose base IRI is {manifest.base_iri}, not this one's "
                         f"({graphs.base}): its graphs would not be this instance's; set ISIC_BASE_IRI to restore it",
                         fr=f"la sauvegarde est celle d'une instance dont l'IRI de base est {manifest.base_iri}, pas "
                            f"celle-ci ({graphs.base}) : ses graphes ne seraient pas ceux de cette instance ; réglez "
                            "ISIC_BASE_IRI pour la restaurer")
    if not replace and store.query("ASK { ?s ?p ?o }") is not False:
        raise UsageError("the store is not empty: restore into an empty store, or pass --replace to replace "
                         "its content with the backup's",
                         fr="la base n'est pas vide : restaurez dans une base vide, ou passez --replace pour en "
                            "remplacer le contenu par celui de la sauvegarde")
    embedded = isinstance(store, EmbeddedStore)
    on_disk = isinstance(store, EmbeddedStore) and store.path is not None
    staging: Path | None = None  # in memory, for an in-memory store (whose content it takes whole)
    if on_disk:
        assert isinstance(store, EmbeddedStore) and store.path is not None
        check_replaceable(store.path)  # before any work: what it holds besides the store would be lost with it
        sweep(store.path)  # what earlier restorations, killed, left beside it (this process holds the store)
        staging = staging_folder(store.path)
    elif not embedded:
        staging = Path(tempfile.mkdtemp(prefix="isic-graph-restore-")) / "store"
    staged = EmbeddedStore(staging)
    try:
        staged.bulk_load(checked.data, on_step)
        found = census_of(staged, on_step, manifest.quads)
        if own := len(staged.default_triples()):  # a backup of a store whose default graph held triples of its own
            found[DEFAULT] = own
        if found != manifest.counts():
            raise BackupError(f"once loaded, the backup does not hold what its manifest lists: "
                              f"{difference(manifest, found)}",
                              fr=f"une fois chargée, la sauvegarde ne contient pas ce que liste son manifeste (en "
                                 f"anglais : {difference(manifest, found)})")
        edition, current = editions.stated_edition(staged, graphs), editions.software_edition()
        if edition is not None and edition > current:  # restored, every command would then refuse the store
            raise UsageError(f"the backup holds edition {edition} of the model, newer than this software's "
                             f"({current}): restore it with the isic-graph that wrote it; nothing was restored",
                             fr=f"la sauvegarde contient l'édition {edition} du modèle, plus récente que celle de ce "
                                f"logiciel ({current}) : restaurez-la avec l'isic-graph qui l'a écrite ; rien n'a été "
                                "restauré")
        if own:  # kept in the graph that holds the default graph's own triples now
            staged.update(f"INSERT {{ GRAPH {iri(graphs.default_own)} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
                          written=Written())
        problems = audit(staged, graphs, validator, on_step=on_step)  # reads the named graphs alone (GRAPH ?g)
        contradictions = [p for p in problems if p.graph == graphs.ownership]  # no graph can stand for it
        if problems and (contradictions or not only_conforming):
            failing = sorted({p.graph for p in problems})
            advice = ("correct them: the ownership graph fails its checks, and leaving it out (--only-conforming) "
                      "would leave every resource without its owner") if contradictions else (
                "correct them, or pass --only-conforming to restore the graphs that pass and leave out these")
            raise RestoreRefused(f"{len(problems)} problem(s) in {len(failing)} graph(s) of the backup; nothing was "
                                 f"restored: {advice}", problems,
                                 fr=f"{len(problems)} problème(s) dans {len(failing)} graphe(s) de la sauvegarde ; "
                                    f"rien n'a été restauré (en anglais : {advice})")
        staged.fill_default_graph()  # it held the backup's own triples alone, now in a named graph too
        leave_out(staged, graphs, problems)  # the identity graph worked out again reads the default graph
        notes = [*shipped_vocabulary(staged, graphs), *told(staged, graphs)]
        expected = census_of(staged)
        if embedded:
            assert isinstance(store, EmbeddedStore)
            old = staged.take_place_of(store)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            copy_into(store, staged, expected, on_step)
    finally:
        staged.discard()  # when it took the store's place, it was closed (and flushed) before
        if staging is not None:
            shutil.rmtree(staging if on_disk else staging.parent, ignore_errors=True)
    now = census_of(store)
    if now != expected:
        raise BackupError(f"after restoring, the store does not hold what the backup lists: "
                          f"{difference(manifest, now, expected)}",
                          fr=f"après la restauration, la base ne contient pas ce que liste la sauvegarde (en "
                             f"anglais : {difference(manifest, now, expected)})")
    return Restored(manifest, now, tuple(problems), tuple(notes))


def shipped_vocabulary(staged: Store, graphs: Graphs) -> list[str]:
    """The ontology and thesauri as this software ships them, in a backup of its edition of the model: they are the
    instance's own, not data a backup could bring (one of an older edition keeps its own until migrating it
    replaces them). Each graph that was not the shipped one is said."""
    found, current = editions.stated_edition(staged, graphs), editions.software_edition()
    if found is None:
        return []
    if found != current:
        return [f"the backup holds edition {found} of the model: the server migrates it to edition {current} at its "
                "next start (or run `isic-graph migrate`)"] if found < current else []
    notes = []
    for graph, (shipped, as_shipped, wanted) in zip((graphs.ontology, graphs.thesauri), _shipped(graphs)):
        triples = staged.graph_triples(graph)
        if set(triples) == as_shipped:  # the very triples, blank nodes named alike: the same canonical form
            continue
        held = _canonical(triples)
        if held != wanted:
            replace_graph(staged, graph, shipped)
            notes.append(f"the backup's graph <{graph}> was not the one this software ships ({len(held - wanted)} "
                         f"statement(s) not in it, {len(wanted - held)} missing): the shipped one was restored")
    return notes


def told(staged: Store, graphs: Graphs) -> list[str]:
    """What an operator should know of what is restored: the graphs that are not the instance's own (reference data,
    loaded by `isic-graph load` or the administrator), named; a store that records no owners yet; the resources
    network graphs type that had no owner recorded, given one again (reclaim: written into the staged store)."""
    other = [g for g in staged.graph_names() if not graphs.is_reserved(g) and g != graphs.default_own]
    notes = [f"{len(other)} graph(s) of reference data restored: {', '.join(f'<{g}>' for g in other)}"] if other else []
    if not settled(staged, graphs):
        if any(g.startswith(graphs.network_prefix) for g in staged.graph_names()):
            notes.append("the backup records no owners: each resource is given to the network graph holding its "
                         "type at the server's next start, as for a store written before owners were recorded")
        return notes
    reclaimed = reclaim(staged, graphs, unowned_resources(staged, graphs))
    if given := sorted(reclaimed.given):
        notes.append(f"{len(given)} resource(s) that network graphs describe had no owner recorded in the backup: "
                     "each was given again to the network graph holding its type, as at a store's first start, "
                     f"with a provenance record (<{given[0]}> to network \"{reclaimed.given[given[0]]}\""
                     f"{', …' if len(given) > 1 else ''})")
    if left := reclaimed.left:
        notes.append(f"{len(left)} resource(s) typed in several network graphs have no owner recorded (<{left[0]}>"
                     f"{', …' if len(left) > 1 else ''}): left without an owner for the administrator to settle; "
                     "`isic-graph owner conflicts` lists them, `isic-graph owner transfer IRI NETWORK` gives one "
                     "to a network")
    return notes


def unowned_resources(store: Store, graphs: Graphs) -> list[str]:
    """The resources a network's graph types that nobody owns, by record or by rule (an administrator's SPARQL
    update may add one; a backup whose ownership graph lost records has some): this instance's and others' IRIs,
    but for skolemised blank nodes (part of the resource they hang from)."""
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s {iri(RDF_TYPE)} ?t }} "
                        f"FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) "
                        f"&& isIRI(?s) && !CONTAINS(STR(?s), \"#genid-\")) }}").rows
    typed = sorted({row["s"].value for row in rows})
    owned = owners(store, graphs, typed)
    return [subject for subject in typed if subject not in owned]


@lru_cache(maxsize=4)
def _shipped(graphs: Graphs) -> tuple[tuple[list[Triple], frozenset[Triple], frozenset[Quad]], ...]:
    """The ontology's and the thesauri's triples as this software ships them, as a set, and in their canonical form:
    read and worked out once per process (they are this software's own files)."""
    return tuple((triples, frozenset(triples), frozenset(_canonical(triples)))
                 for triples in vocabulary_triples(graphs))


def _canonical(triples: list[Triple]) -> set[Quad]:
    """The triples with their blank nodes named from the triples alone: two graphs that differ only in how their
    blank nodes are named give the same set."""
    dataset = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def leave_out(staged: Store, graphs: Graphs, problems: list[Problem]) -> None:
    """Drop the graphs that failed; the identity graph, derived from the network graphs, is worked out again
    if it failed or a network's graph did."""
    failing = {p.graph for p in problems}
    for graph in sorted(failing):
        staged.update(f"DROP SILENT GRAPH {iri(graph)}", written=Written(graphs=[graph]))
    if any(g == graphs.identity or g.startswith((graphs.network_prefix, graphs.peer_prefix)) for g in failing):
        recompute_identity(staged, graphs)


def copy_into(store: Store, staged: EmbeddedStore, expected: dict[str, int], on_step: OnStep = ignore) -> None:
    """Write the staged graphs into a store, each graph replaced in one update; the graphs it does not hold
    are dropped."""
    for graph in store.graph_names():
        if graph not in expected:
            store.update(f"DROP SILENT GRAPH {iri(graph)}", written=Written(graphs=[graph]))
    for graph in counted(sorted(expected), on_step, "writing graphs", len(expected), "graphs", every=1):
        store.update(load_update(graph, staged.graph_triples(graph)), written=Written(graphs=[graph]))


def census_of(store: Store, on_step: OnStep = ignore, listed: int | None = None) -> dict[str, int]:
    """Quads per named graph (the default graph, derived from them, left out), counted by the store itself:
    one query, where reading every quad back would cost as much as a dump. listed: the total expected."""
    counts: dict[str, int] = {}
    on_step(Step("counting", 0, listed, "quads"))
    for row in store.select(CENSUS).rows:
        graph = row["g"]
        if not isinstance(graph, NamedNode):
            raise BackupError(f"a graph named by a blank node ({graph}) cannot be named in a SPARQL update: "
                              "not supported",
                              fr=f"un graphe nommé par un nœud anonyme ({graph}) ne peut pas être nommé dans une mise "
                                 "à jour SPARQL : non pris en charge")
        counts[graph.value] = int(row["n"].value)
    on_step(Step("counting", sum(counts.values()), listed, "quads"))
    return counts

