"""The store interface: an RDF dataset queried and updated with SPARQL 1.1, whatever the backend."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Iterable, Iterator, Sequence

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from isic_graph.errors import UsageError
from isic_graph.sparql.default_graph import FILL, REBUILD, SEPARATOR, Written, kept, kept_operations
from isic_graph.sparql.terms import iri, iris, is_iri
from isic_graph.store.kept_reads import current as reads_kept
from isic_graph.store.results import QueryResult, SelectResult

# Oxigraph's words when an update's CREATE names a graph that exists, or its DROP, CLEAR, MOVE... one that does not
# how RocksDB says ENOSPC: Oxigraph answers HTTP 500 with it, pyoxigraph an OSError
NO_SPACE = "No space left on device"
FULL_FR = ("le disque de la base est plein : rien n'a été enregistré, et ce qui l'est reste lisible ; renvoyez la "
           "demande une fois de la place libérée")
FULL_MESSAGE = ("the store's disk is full: nothing was written, and what is stored stays readable; "
                "send again once disk space has been freed")
GRAPH_STATE = re.compile(r"The graph (<[^<>\s]*>) (does not exist|already exists)")


def graph_state_refusal(detail: str) -> UsageError | None:
    """The client's error (400) an engine's refusal of an update states, when it is that an operation without SILENT
    named a graph that exists (CREATE) or does not (DROP, CLEAR, MOVE...): SPARQL 1.1 Update makes the whole
    update fail then, and nothing of it is applied. None for any other failure."""
    found = GRAPH_STATE.search(detail)
    if found is None:
        return None
    graph, state = found.groups()
    etat = "existe déjà" if state == "already exists" else "n'existe pas"
    return UsageError(f"the update was not applied: the graph {graph} {state} (with SILENT, the operation passes "
                      "over it)",
                      fr=f"la mise à jour n'a pas été appliquée : le graphe {graph} {etat} (avec SILENT, l'opération "
                         "passe outre)")


class Store(ABC):
    """An RDF dataset queried with SPARQL 1.1, whose default graph is the set union of its named graphs
    (kept in step by every write: sparql/default_graph.py).

    Every write is one SPARQL update request, which both backends apply atomically.
    """

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query."""

    def update(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = (),
               written: Written | None = None) -> None:
        """Run a SPARQL 1.1 update, all or nothing, with the default graph kept in step.

        written: what the update may change, when the caller knows it (the default graph is then kept in
        step for that alone); None: anything, and the default graph is rebuilt after it.
        using_graphs, using_named_graphs: the protocol's dataset of the update's WHERE clauses. It would
        apply to the keeping operations too, so the default graph is then rebuilt by a request of its own
        sent right after (under the same write lock).
        """
        if using_graphs or using_named_graphs:  # each graph once: the engine reads a graph named twice as two
            using_graphs, using_named_graphs = [*dict.fromkeys(using_graphs)], [*dict.fromkeys(using_named_graphs)]
            with self.writing():
                self._apply(sparql, using_graphs, using_named_graphs)
                self._apply(REBUILD)
            return
        self._apply(kept(sparql, written))

    def update_operations(self, operations: Iterable[str], written: Written | None = None) -> None:
        """Run update operations as one update, all or nothing, the default graph kept in step as `update` does."""
        self._apply_operations(kept_operations(operations, written))

    def rebuild_default_graph(self) -> None:
        """Make the default graph the set union of the named graphs again (after writes made outside SPARQL)."""
        self._apply(REBUILD)

    def fill_default_graph(self) -> None:
        """Make the default graph the set union of the named graphs, when it holds no triple they do not (after a
        bulk load into a store no one else sees): the rebuild, without removing what is not there."""
        self._apply(FILL)

    @abstractmethod
    def _apply(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = ()) -> None:
        """Send one update request to the backend as it is."""

    def _apply_operations(self, operations: Iterable[str]) -> None:
        """Send operations as one update request (this backend holds its text whole)."""
        self._apply(SEPARATOR.join(operations))

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock around several requests (a backend without one has nothing to hold)."""
        yield

    @abstractmethod
    def graph_triples(self, graph: str) -> list[Triple]:
        """Every triple of one named graph."""

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    def select(self, sparql: str) -> SelectResult:
        """A SELECT query's answer; within kept_reads.reading (a page being rendered), the one kept at the
        store's version when there is one."""
        result = self._kept(sparql)
        if not isinstance(result, SelectResult):
            raise UsageError("a SELECT query was expected", fr="une requête SELECT était attendue")
        return result

    def constructed(self, sparql: str) -> tuple[Triple, ...]:
        """A CONSTRUCT query's triples; within kept_reads.reading, kept as select's answers are."""
        result = self._kept(sparql)
        if not isinstance(result, tuple):
            raise UsageError("a CONSTRUCT query was expected", fr="une requête CONSTRUCT était attendue")
        return result

    def _kept(self, sparql: str) -> QueryResult | tuple[Triple, ...]:
        """The query's answer (a CONSTRUCT's triples as a tuple): within kept_reads.reading, the one kept at the
        store's version, else asked and kept there."""
        memo = reads_kept()
        if memo is not None and (found := memo[0].get(memo[1], sparql)) is not None:
            return found
        result = self.query(sparql)
        answer = tuple(result) if isinstance(result, list) else result
        if memo is not None and isinstance(answer, (SelectResult, tuple)):
            memo[0].put(memo[1], sparql, answer)
        return answer

    def graph_names(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g").rows
        return [row["g"].value for row in rows]

    def graphs_among(self, names: Iterable[str]) -> set[str]:
        """Those of these names that are graphs of this store (as graph_names lists them), asked of them alone: a
        dataset's check need not list every graph, which reads every quad of the store."""
        wanted = sorted({name for name in names if is_iri(name)})  # a name that is no IRI names no graph
        if not wanted:
            return set()
        rows = self.select(f"SELECT ?g WHERE {{ VALUES ?g {{ {iris(wanted)} }} "
                           "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }").rows
        return {row["g"].value for row in rows}

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[Quad]:
        """The quads of the given named graphs (default: all of them), graph by graph."""
        for graph in self.graph_names() if graphs is None else graphs:
            name = NamedNode(graph)
            for t in self.graph_triples(graph):
                yield Quad(t.subject, t.predicate, t.object, name)

    def stream(self, graph: str | None = None) -> Iterator[Quad]:
        """The quads of one named graph or of all of them (the default graph, derived from them, is left
        out), lazily, for dumps of any size."""
        return self.quads(None if graph is None else [graph])

    def raw_chunks(self, graph: str | None = None) -> Iterator[bytes] | None:
        """The backend's own N-Quads (all named graphs) or N-Triples (one graph), in blocks; None if it has none."""
        return None

    def dump(self, rdf_format: RdfFormat, graphs: Iterable[str] | None = None) -> bytes:
        """Serialize graphs; formats without named graphs get the merge of them."""
        if rdf_format.supports_datasets:
            return serialize(self.quads(graphs), format=rdf_format) or b""
        return serialize((q.triple for q in self.quads(graphs)), format=rdf_format) or b""

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH {iri(graph)} {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0]["n"].value)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
