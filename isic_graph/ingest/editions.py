"""The model's editions, and the data steps that bring one graph's triples from an edition to the next.

An edition is named by the ontology's `owl:versionIRI`: `https://w3id.org/isic/ontology/1.0.0` (or none) is
the first, `https://w3id.org/isic/ontology/2` the second. The steps of edition N are the SPARQL updates
`migrations/N/*.ru`, run in the order of their names. Each sees one graph at a time, in a store of its own
that holds that graph's triples twice: as its default graph, and as a named graph (so a step may be written
either way, `?s ?p ?o` or `GRAPH ?g { ?s ?p ?o }`); what the steps leave in either is the graph's new
content. A step adds triples and keeps the old ones (a first-edition reader still finds what it knew), may
be run twice with the same outcome, and never fetches anything: SERVICE, LOAD and the graph-management
operations (CLEAR, DROP, MOVE, COPY, ADD) are refused.

The same steps bring a store to the software's edition (admin/migration.py) and a peer's copy written in an
older edition before it is validated (federation/harvest.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Sequence

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, Triple

from isic_graph.errors import MigrationFailed, QueryTooLarge, UsageError
from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import DCTERMS, ONTOLOGY_IRI, OWL, Graphs
from isic_graph.sparql.guard import Limits, check_update
from isic_graph.sparql.terms import iri
from isic_graph.store.base import Store

FIRST = 1
EDITION_PREFIX = ONTOLOGY_IRI + "/"
FIRST_EDITION_IRI = EDITION_PREFIX + "1.0.0"  # the first edition's owl:versionIRI
VERSION_IRI = OWL + "versionIRI"
STEP_NAME = re.compile(r"\A[0-9]{2}-[a-z0-9-]+\.ru\Z")
REFUSED = ("SERVICE", "LOAD", "CLEAR", "DROP", "MOVE", "COPY", "ADD")
STEP_BYTES = 256 * 1024
SCRATCH = NamedNode("urn:isic-graph:migrated-graph")  # the graph's name in the steps' own store


@dataclass(frozen=True)
class Step:
    """One data step: the edition it belongs to, its file name, and its text (as the engine gets it)."""

    edition: int
    name: str
    text: str
    sha256: str

    @property
    def label(self) -> str:
        return f"{self.edition}/{self.name}"


@dataclass(frozen=True)
class Upgrade:
    """What the steps did to one graph: the triples they added and those they took away."""

    added: tuple[Triple, ...]
    removed: tuple[Triple, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def edition_of(version_iri: str | None) -> int:
    """The edition an ontology's owl:versionIRI names (none: the first)."""
    if version_iri is None or version_iri == FIRST_EDITION_IRI:
        return FIRST
    number = version_iri.removeprefix(EDITION_PREFIX).split(".")[0]
    if not version_iri.startswith(EDITION_PREFIX) or not number.isdigit() or int(number) < FIRST:
        raise UsageError(f"<{version_iri}> names no edition of the ISIC ontology",
                         fr=f"<{version_iri}> ne désigne aucune édition de l'ontologie ISIC")
    return int(number)


def edition_iri(edition: int) -> str:
    """The owl:versionIRI of an edition."""
    return FIRST_EDITION_IRI if edition == FIRST else f"{EDITION_PREFIX}{edition}"


@cache
def software_edition() -> int:
    """The edition of the ontology this software ships (its owl:versionIRI)."""
    return edition_of(version_iri(resources.ontology_triples()))


def version_iri(quads: object) -> str | None:
    """The owl:versionIRI the ISIC ontology's header states among triples or quads (None: it states none)."""
    for quad in quads:  # type: ignore[attr-defined]
        if quad.subject == NamedNode(ONTOLOGY_IRI) and quad.predicate.value == VERSION_IRI:
            return str(quad.object.value)
    return None


def dataset_iri(graphs: Graphs) -> str:
    """The whole store as a dataset (as the catalogue names it): what the edition record is about."""
    return f"{graphs.base}catalog#isic-graph"


def store_edition(store: Store, graphs: Graphs) -> int | None:
    """The edition of the model the store holds (None: an empty store, which `init` fills in the current one)."""
    stated = stated_edition(store, graphs)
    if stated is not None:
        return stated
    if any(g.startswith((graphs.network_prefix, graphs.peer_prefix)) for g in store.graph_names()):
        return FIRST  # data written before the vocabulary graphs were
    return None


def stated_edition(store: Store, graphs: Graphs) -> int | None:
    """The edition the store's record states, else the one its ontology graph states (None: neither is there)."""
    recorded = store.select(f"SELECT ?e WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(dataset_iri(graphs))} "
                            f"<{DCTERMS}conformsTo> ?e }} }}").rows
    if recorded:
        return max(edition_of(row["e"].value) for row in recorded)
    stated = store.select(f"SELECT ?v ?o WHERE {{ GRAPH {iri(graphs.ontology)} {{ <{ONTOLOGY_IRI}> a ?o "
                          f"OPTIONAL {{ <{ONTOLOGY_IRI}> <{OWL}versionIRI> ?v }} }} }}").rows
    if stated:
        return max(edition_of(row["v"].value if row.get("v") is not None else None) for row in stated)
    return None


def steps(after: int, upto: int, folder: Path | None = None) -> list[Step]:
    """The steps of the editions after `after` up to `upto`, in order, each read and checked; a step that cannot
    be read, or would fetch or drop anything, refuses them all (MigrationFailed)."""
    root = folder or resources.migrations_dir()
    found = []
    for edition in range(after + 1, upto + 1):
        place = root / str(edition)
        for path in sorted(place.glob("*.ru")) if place.is_dir() else []:
            found.append(_step(edition, path))
    return found


def upgrade(triples: Sequence[Triple], chosen: Sequence[Step]) -> Upgrade:
    """Run the steps, in order, on one graph's triples (in a store of their own); what they added and removed."""
    if not chosen:
        return Upgrade((), ())
    scratch = pyoxigraph.Store()
    scratch.extend(Quad(t.subject, t.predicate, t.object, g) for t in triples for g in (DefaultGraph(), SCRATCH))
    before = set(triples)
    content = set(before)
    for step in chosen:
        try:
            scratch.update(step.text)
        except (SyntaxError, OSError, ValueError) as exc:
            raise MigrationFailed(f"the data step {step.label} failed: {exc}; nothing was changed",
                                  fr=f"l'étape {step.label} a échoué : {exc} ; rien n'a été modifié") from None
        content = _settled(scratch, content)
    return Upgrade(tuple(sorted(content - before, key=str)), tuple(sorted(before - content, key=str)))


def _settled(scratch: pyoxigraph.Store, previous: set[Triple]) -> set[Triple]:
    """The graph's content after a step: what it added to either copy, less what it took from either; both copies
    then hold it again, for the next step."""
    default = {q.triple for q in scratch.quads_for_pattern(None, None, None, DefaultGraph())}
    named = {q.triple for q in scratch.quads_for_pattern(None, None, None, SCRATCH)}
    content = (default | named) - (previous - (default & named))
    for graph, held in ((DefaultGraph(), default), (SCRATCH, named)):
        for t in held - content:
            scratch.remove(Quad(t.subject, t.predicate, t.object, graph))
        scratch.extend(Quad(t.subject, t.predicate, t.object, graph) for t in content - held)
    return content


def upgraded(triples: Sequence[Triple], chosen: Sequence[Step]) -> list[Triple]:
    """A graph's triples as the steps leave them."""
    return applied(triples, upgrade(triples, chosen))


def applied(triples: Sequence[Triple], done: Upgrade) -> list[Triple]:
    """A graph's triples with what the steps did to them."""
    removed = set(done.removed)
    return [t for t in triples if t not in removed] + list(done.added)


def _step(edition: int, path: Path) -> Step:
    label = f"{edition}/{path.name}"
    if not STEP_NAME.match(path.name):
        raise MigrationFailed(f"the data step {label} is not named NN-what-it-does.ru; nothing was changed",
                              fr=f"l'étape {label} n'est pas nommée NN-ce-qu-elle-fait.ru ; rien n'a été modifié")
    try:
        raw = path.read_bytes()
        checked = check_update(raw.decode("utf-8"), Limits(max_bytes=STEP_BYTES))
    except (OSError, UnicodeDecodeError) as exc:
        raise MigrationFailed(f"the data step {label} cannot be read: {exc}; nothing was changed",
                              fr=f"l'étape {label} est illisible : {exc} ; rien n'a été modifié") from None
    except (UsageError, QueryTooLarge) as exc:
        raise MigrationFailed(f"the data step {label} is refused: {exc.message}; nothing was changed",
                              fr=f"l'étape {label} est refusée : {exc.text('fr')} ; rien n'a été modifié") from None
    refused = sorted({t.value.upper() for t in checked.tokens if t.is_word(*REFUSED)})
    if refused:
        raise MigrationFailed(f"the data step {label} uses {', '.join(refused)}: a step adds triples to the graph "
                              "it is given and fetches nothing; nothing was changed",
                              fr=f"l'étape {label} utilise {', '.join(refused)} : une étape ajoute des triplets "
                                 "au graphe qu'on lui donne et ne va rien chercher ; rien n'a été modifié")
    return Step(edition, path.name, checked.text, hashlib.sha256(raw).hexdigest())
