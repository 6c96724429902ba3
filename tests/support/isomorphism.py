"""Whether two RDF graphs are the same up to the names of their blank nodes, decided by pyoxigraph's canonical
form (RDFC-1.0, in Rust): rdflib.compare.isomorphic says the same, in pure Python, seconds slower on the shapes."""

from __future__ import annotations

from typing import Iterable

from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, Quad, RdfFormat, Triple, parse
from rdflib import Graph

__all__ = ["canonical", "isomorphic"]


def canonical(graph: Graph | Iterable[Triple | Quad]) -> Dataset:
    """A graph (rdflib's, or pyoxigraph triples or quads, taken as one graph) with its blank nodes named
    canonically."""
    if isinstance(graph, Graph):
        triples: Iterable[Triple | Quad] = (q.triple for q in parse(graph.serialize(format="nt", encoding="utf-8"),
                                                                    RdfFormat.N_TRIPLES))
    else:
        triples = graph
    found = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    found.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return found


def isomorphic(first: Graph | Iterable[Triple | Quad], second: Graph | Iterable[Triple | Quad]) -> bool:
    """Whether two graphs hold the same triples but for the names of their blank nodes."""
    one, other = canonical(first), canonical(second)
    return len(one) == len(other) and one == other
