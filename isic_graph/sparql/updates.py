"""Updates written from triples: INSERT DATA and DELETE DATA in runs that every SPARQL 1.1 server accepts."""

from __future__ import annotations

from typing import Iterable

from pyoxigraph import BlankNode, Triple

from isic_graph.rdf.disjoint import DisjointSets
from isic_graph.sparql.terms import iri

INSERT_RUN = 2000  # triples per INSERT DATA or DELETE DATA operation (see insert_data)


def insert_data(graph: str, triples: Iterable[Triple]) -> str:
    """The update that adds triples to a graph (an empty one is created), in operations of at most INSERT_RUN triples.

    Virtuoso 7's parser fails on an INSERT DATA of more than about 4,990 triples, and refuses blank nodes
    in INSERT DATA: triples with blank nodes are written as an INSERT template with an empty WHERE, which
    SPARQL 1.1 gives the same meaning, and the triples that share a blank node stay in one operation.
    """
    kept = list(triples)
    target = iri(graph)
    if not kept:
        return f"CREATE SILENT GRAPH {target}"
    plain = [t for t in kept if not has_blank_node(t)]
    joined = [t for t in kept if has_blank_node(t)]
    operations = [f"INSERT DATA {{ GRAPH {target} {{\n{_lines(plain[i:i + INSERT_RUN])} .\n}} }}"
                  for i in range(0, len(plain), INSERT_RUN)]
    operations += [f"INSERT {{ GRAPH {target} {{\n{_lines(run)} .\n}} }} WHERE {{}}" for run in _joined_runs(joined)]
    return " ;\n".join(operations)


def delete_data(graph: str, triples: Iterable[Triple]) -> str:
    """The update that takes triples out of a graph, in runs as insert_data's (nothing to do: the empty string).
    No triple may hold a blank node (has_blank_node): DELETE DATA cannot name one (SPARQL 1.1 forbids it), so a
    write that must take one out is sent as its own operations instead (ingestion's _difference)."""
    kept = list(triples)
    target = iri(graph)
    return " ;\n".join(f"DELETE DATA {{ GRAPH {target} {{\n{_lines(kept[i:i + INSERT_RUN])} .\n}} }}"
                        for i in range(0, len(kept), INSERT_RUN))


def _lines(triples: list[Triple]) -> str:
    return " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)


def has_blank_node(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)


def _blank_node_of(t: Triple) -> BlankNode:
    node = t.subject if isinstance(t.subject, BlankNode) else t.object
    assert isinstance(node, BlankNode)
    return node


def _joined_runs(triples: list[Triple], size: int = INSERT_RUN) -> list[list[Triple]]:
    """Triples with blank nodes in runs of at most `size`, but that the triples joined by blank nodes share one."""
    sets: DisjointSets[BlankNode] = DisjointSets()
    for t in triples:
        if isinstance(t.subject, BlankNode) and isinstance(t.object, BlankNode):
            sets.union(t.subject, t.object)
    groups: dict[BlankNode, list[Triple]] = {}
    for t in triples:
        groups.setdefault(sets.find(_blank_node_of(t)), []).append(t)
    runs: list[list[Triple]] = []
    for group in groups.values():
        if not runs or len(runs[-1]) + len(group) > size:
            runs.append([])
        runs[-1].extend(group)
    return runs
