"""Whether two RDF graphs are the same up to the names of their blank nodes, decided by pyoxigraph's canonical
form (RDFC-1.0, in Rust): rdflib.compare.isomorphic says the same, in pure Python, seconds slower on the shapes."""

from __future__ import annotations

from typing import Iterable, cast

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
)
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

__all__ = ["canonical", "isomorphic"]


def canonical(graph: Graph | Iterable[Triple | Quad]) -> Dataset:
    """A graph (rdflib's, or pyoxigraph triples or quads, taken as one graph) with its blank nodes named
    canonically."""
    if type(graph) is Graph:  # a plain graph: its terms taken over one by one, as N-Triples would carry them
        triples: Iterable[Triple | Quad] = _taken_over(graph)
    elif isinstance(graph, Graph):
        triples = (q.triple for q in parse(graph.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES))
    else:
        triples = graph
    found = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    found.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return found


def isomorphic(first: Graph | Iterable[Triple | Quad], second: Graph | Iterable[Triple | Quad]) -> bool:
    """Whether two graphs hold the same triples but for the names of their blank nodes."""
    one, other = canonical(first), canonical(second)
    return len(one) == len(other) and one == other


def _taken_over(graph: Graph) -> Iterable[Triple]:
    """The triples of an rdflib graph as pyoxigraph's, each term as writing the graph in N-Triples and reading it
    back gives it (the literal's lexical form, its language or datatype; a blank node named anew, once per node),
    without writing the text."""
    blank: dict[Node, BlankNode] = {}

    def term(node: Node) -> NamedNode | BlankNode | Literal:
        if isinstance(node, URIRef):
            return NamedNode(str(node))
        if isinstance(node, BNode):
            found = blank.get(node)
            if found is None:
                found = blank[node] = BlankNode()
            return found
        if isinstance(node, RdfLiteral):
            if node.language:
                return Literal(str(node), language=node.language)
            if node.datatype:
                return Literal(str(node), datatype=NamedNode(str(node.datatype)))
            return Literal(str(node))
        raise TypeError(f"not an RDF 1.1 term: {node!r}")

    return [Triple(cast(NamedNode | BlankNode, term(s)), cast(NamedNode, term(p)), term(o)) for s, p, o in graph]
