"""The lessons a batch cites (isic:confirms, isic:contradicts) must be known: described in the batch or in
the store (any network's graph, a harvested copy), or under a registered peer's URI space (whose lessons
this instance cannot list). A target nobody describes is a typo until shown otherwise: it is refused, with
the closest known lesson when there is one ("did you mean").

The other links of the shapes name a class (sh:class): a target the store does not hold fails them already.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from pyoxigraph import NamedNode

from isic_graph.ingest import ownership
from isic_graph.ingest.documents import Batch
from isic_graph.rdf.iris import in_space
from isic_graph.rdf.namespaces import ISIC, PROV, RDF_TYPE, Graphs
from isic_graph.sparql.terms import iri, iris, literal
from isic_graph.store.base import Store
from isic_graph.store.results import term_value

CITING = (ISIC + "confirms", ISIC + "contradicts")
LESSON = ISIC + "Lesson"
CHUNK = 400
CLOSE_ENOUGH = 0.75  # difflib's ratio between two names: cdp-elus-invite / cdp-elus-invites is 0.97


@dataclass(frozen=True)
class Dangling:
    """A link from a resource of the batch to a lesson nobody describes; the closest known lesson, if any."""

    subject: str
    predicate: str
    target: str
    closest: str | None
    withdrawn: bool = False  # its network withdrew it from publication (a retraction, or its row deleted)

    def messages(self) -> dict[str, str]:
        if self.withdrawn:
            return {"fr": f"« {_name(self.target)} » a été retiré de la publication par son réseau (son adresse "
                          "répond « 410 retiré ») : retirez ce lien, ou citez un autre enseignement.",
                    "en": f"'{_name(self.target)}' was withdrawn from publication by its network (its address "
                          "answers 410 Gone): remove this link, or cite another lesson."}
        fr = (f"« {_name(self.target)} » n'est pas un enseignement connu : ni décrit dans cet envoi, ni dans la "
              "base, ni chez un réseau pair enregistré.")
        en = (f"'{_name(self.target)}' is no known lesson: described neither in this submission, nor in the "
              "knowledge base, nor under a registered peer.")
        if self.closest is not None:
            fr += f" Vouliez-vous dire « {_name(self.closest)} » ({self.closest}) ?"
            en += f" Did you mean '{_name(self.closest)}' ({self.closest})?"
        return {"fr": fr, "en": en}


def dangling(store: Store, graphs: Graphs, batch: Batch, exclude_graph: str | None) -> list[Dangling]:
    """The batch's links to lessons known nowhere; exclude_graph: the graph the batch replaces (what it
    holds will be gone)."""
    links = sorted({(term_value(t.subject), t.predicate.value, term_value(t.object)) for t in batch.triples
                    if t.predicate.value in CITING and isinstance(t.object, NamedNode)
                    and t.object.value not in batch.subjects})
    if not links:
        return []
    spaces = [ownership.space_key_of(graphs, space) for space in ownership.peer_spaces(store, graphs).values()]
    unknown = {target for _, _, target in links
               if not any(in_space(space, ownership.key(graphs, target)) for space in spaces)}
    unknown -= described(store, graphs, unknown, exclude_graph)
    if not unknown:
        return []
    own = {term_value(t.subject) for t in batch.triples
           if t.predicate.value == RDF_TYPE and term_value(t.object) == LESSON}
    lessons = sorted(lessons_known(store, exclude_graph) | own)
    gone = withdrawn(store, graphs, unknown)
    return [Dangling(subject, predicate, target, None if target in gone else closest(target, lessons),
                     target in gone) for subject, predicate, target in links if target in unknown]


def withdrawn(store: Store, graphs: Graphs, targets: Iterable[str]) -> set[str]:
    """Those of the IRIs the metadata graph records as withdrawn (prov:wasInvalidatedBy)."""
    return among(store, targets, f"GRAPH {iri(graphs.metadata)} {{ ?s <{PROV}wasInvalidatedBy> ?a }}")


def among(store: Store, candidates: Iterable[str], pattern: str) -> set[str]:
    """Those of the IRIs that the pattern, written with the terms functions, matches as ?s; asked in chunks."""
    wanted = sorted(candidates)
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {iris(wanted[start:start + CHUNK])} }} "
                            f"{pattern} }}").rows
        found |= {term_value(row["s"]) for row in rows}
    return found


def described(store: Store, graphs: Graphs, targets: Iterable[str], exclude_graph: str | None) -> set[str]:
    """Those of the IRIs a network's graph or a harvested copy describes (is the subject of a triple), but
    exclude_graph; the record of a withdrawal (in the metadata graph) describes nothing."""
    wanted = sorted(targets)
    graph_filter = (f"FILTER((STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) || STRSTARTS(STR(?g), "
                    f"{literal(graphs.peer_prefix)}))" + (f" && ?g != {iri(exclude_graph)})" if exclude_graph
                                                          else ")"))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {iris(wanted[start:start + CHUNK])} }} "
                            f"GRAPH ?g {{ ?s ?p ?o }} {graph_filter} }}").rows
        found |= {term_value(row["s"]) for row in rows}
    return found


def lessons_known(store: Store, exclude_graph: str | None) -> set[str]:
    """Every lesson the store describes, but in exclude_graph."""
    graph_filter = f"FILTER(?g != {iri(exclude_graph)})" if exclude_graph else ""
    rows = store.select(f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?l a <{LESSON}> }} {graph_filter} "
                        "FILTER(isIRI(?l)) }").rows
    return {term_value(row["l"]) for row in rows}


def closest(target: str, lessons: list[str]) -> str | None:
    """The known lesson whose name (last segment of its IRI) is closest to the target's, if close enough;
    among lessons of the same name, the one in the target's namespace."""
    by_name: dict[str, list[str]] = {}
    for lesson in lessons:
        by_name.setdefault(_name(lesson), []).append(lesson)
    names = difflib.get_close_matches(_name(target), list(by_name), n=1, cutoff=CLOSE_ENOUGH)
    if not names:
        return None
    namespace = target[:len(target) - len(_name(target))]
    candidates = by_name[names[0]]
    return next((c for c in candidates if c.startswith(namespace)), candidates[0])


def _name(iri_: str) -> str:
    return iri_.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri_
