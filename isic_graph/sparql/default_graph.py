"""The default graph: the set union of the named graphs, kept in step by every write.

SPARQL's default graph is a graph, a set of triples: a triple that three networks state is one triple
of it. Oxigraph 0.5 answers its union default graph as a bag (oxigraph/oxigraph#1919): the triple
matches three times, and every count over the default graph is inflated. So the store holds its real
default graph equal to the set union of its named graphs, and is queried with that graph as the
default one (never with the engine's union): each triple answers once, while `GRAPH ?g` still sees
each named graph's own triples.

Each write keeps it in step within the same update request (both backends apply one request all or
nothing), around the operations of the write:
- before them, the triples that only the graphs about to be written hold leave the default graph;
- after them, the triples those graphs then hold enter it (a triple already there stays once).
Bookkeeping writes (ownership records, provenance) name the subjects they touch instead: their triples are
settled subject by subject after the write, at the cost of what those subjects hold; so does a submission
that changes less of its network's graph than the graph holds (written as its difference: ingest/ingestion.py).
An administrator's free update is kept for every IRI it names when its text rules out writing any other graph
(sparql/written_graphs.py); a write whose graphs are not known (such an update otherwise, a migration) is
followed by the full rebuild.
Writes to the store never target its default graph themselves: what is sent to "the default graph"
is kept in a named graph of its own (see Graphs.default_own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Iterable, Iterator

from pyoxigraph import NamedNode, Triple

from isic_graph.sparql.terms import iri

CHUNK = 500  # subjects an operation
SEPARATOR = "\n;\n"  # a newline first: the text before may end with a comment

# Writing a triple the default graph already holds costs the engine a write all the same (on disk, about as
# much as a new one): the insertions below ask only for what is missing.
MISSING = "FILTER NOT EXISTS { ?s ?p ?o }"
REBUILD = ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o MINUS { GRAPH ?g { ?s ?p ?o } } }" + SEPARATOR
           + f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {MISSING} }}")
# For a store whose default graph holds no triple the named graphs do not (one just bulk-loaded, no one else
# sees): the rebuild's insertion alone, without asking what is missing (nearly all of it), about a third quicker.
FILL = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Written:
    """What an update may change: whole named graphs (dropped, replaced, or written by patterns), and the
    subjects whose triples it may add or remove in any other graph (records it keeps, resources it upserts)."""

    graphs: Collection[str] = ()
    subjects: Collection[str] = ()

    def __bool__(self) -> bool:
        return bool(self.graphs or self.subjects)


def subjects_of(triples: Iterable[Triple]) -> set[str]:
    """The IRIs that are subjects of these triples (what a write of them settles: see settling)."""
    return {t.subject.value for t in triples if isinstance(t.subject, NamedNode)}


def leaving(graphs: Collection[str]) -> str:
    """The operation that takes out of the default graph the triples held by these graphs and no other."""
    names = [iri(g) for g in sorted(graphs)]
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?w {{ {' '.join(names)} }} GRAPH ?w {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER (?h NOT IN ({', '.join(names)})) }} }}")


def entering(graphs: Collection[str]) -> str:
    """The operation that puts into the default graph the triples these graphs hold."""
    names = " ".join(iri(g) for g in sorted(graphs))
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?w {{ {names} }} GRAPH ?w {{ ?s ?p ?o }} {MISSING} }}"


def settling(subjects: Collection[str]) -> Iterator[str]:
    """The operations, run after a write, that make the default graph's triples about these subjects those the
    named graphs then hold (a few hundred subjects an operation)."""
    ordered = sorted(subjects)
    for start in range(0, len(ordered), CHUNK):
        values = " ".join(iri(s) for s in ordered[start:start + CHUNK])
        yield (f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
               "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        yield f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} {MISSING} }}"


def kept(update: str, written: Written | None) -> str:
    """The update with what keeps the default graph in step around it (see kept_operations)."""
    return SEPARATOR.join(kept_operations([update], written))


def kept_operations(operations: Iterable[str], written: Written | None) -> Iterator[str]:
    """Operations of one update with what keeps the default graph in step around them: for what they write,
    or, when that is not known (None), the full rebuild after them."""
    if written is not None and written.graphs:
        yield leaving(written.graphs)
    yield from operations
    if written is None:
        yield REBUILD
        return
    if written.graphs:
        yield entering(written.graphs)
    yield from settling(written.subjects)
