"""The vocabulary (ontology and thesauri) indexed so that a validation adds to the data graph only the part of it
the shapes can read from that data, rather than all of it.

What a shapes graph made of the core constraints the compiled shapes cover (see `conformance`: sh:targetClass
targets, IRI and inverse paths, no SPARQL) reads of a data graph, from its focus nodes: their types and those
types' superclasses (sh:targetClass, sh:class), every triple about them (sh:closed), and, recursively, the value
nodes their paths reach (sh:node, sh:or, sh:not, nested property shapes; the schemes a concept is in). The part of
the vocabulary needed is therefore the description of every node reached from the data's nodes by rdf:type,
rdfs:subClassOf, the shapes' paths (an inverse path backwards) and blank nodes; plus the vocabulary's own focus
nodes and its ill-typed literals, which the whole vocabulary would bring to the report too. A data graph stating
rdfs:subClassOf could turn any vocabulary node into a focus node: it is given the whole vocabulary.

The same walk, through the data as well, from the nodes the compiled shapes find fault with (`reached`), gives all
that validating them reads: pySHACL's results about them are those the whole graph gives, and no other node has
any (the compiled shapes prove it), so that pySHACL validates a few resources instead of the whole batch.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import chain
from typing import Iterable, Iterator

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from isic_graph.validation.personal import SH

Triple = tuple[Node, Node, Node]


class Vocabulary:
    """The vocabulary's triples, indexed by subject, and by object for the predicates of inverse paths."""

    def __init__(self, vocabulary: Graph, shapes: Graph) -> None:
        paths = {p for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)}
        inverse = {p for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)}
        self.followed = frozenset({RDF.type, RDFS.subClassOf, *paths, *inverse})
        self.inverse = frozenset(inverse)
        self.about: dict[Node, list[Triple]] = defaultdict(list)
        self.pointing: dict[Node, list[Triple]] = defaultdict(list)  # object -> triples of an inverse path's
        always: list[Triple] = []
        for triple in vocabulary:
            s, p, o = triple
            self.about[s].append(triple)
            if p in inverse:
                self.pointing[o].append(triple)
            if isinstance(o, Literal) and o.ill_typed:
                always.append(triple)
        self.always = tuple(always)
        self.start = frozenset(self._focus_nodes(vocabulary, shapes))

    def _focus_nodes(self, vocabulary: Graph, shapes: Graph) -> Iterator[Node]:
        """The vocabulary's own instances of the classes the shapes target (or of their subclasses)."""
        classes: set[Node] = set()
        for target in set(shapes.objects(None, SH.targetClass)):
            classes.update(c for c in vocabulary.transitive_subjects(RDFS.subClassOf, target) if c is not None)
        for cls in classes:
            yield from vocabulary.subjects(RDF.type, cls)

    def needed(self, data: Graph) -> list[Triple] | None:
        """The vocabulary triples validating data reads (None: all of them)."""
        if (None, RDFS.subClassOf, None) in data:
            return None
        nodes: list[Node] = []
        for s, _, o in data:
            nodes.append(s)
            if not isinstance(o, Literal):
                nodes.append(o)
        return [*self.always, *self._walk(nodes, None)]

    def reached(self, data: Graph, nodes: Iterable[Node]) -> Graph | None:
        """The triples of data and of the vocabulary that validating these nodes of data reads, in a new graph:
        the results about them are those the whole would give (None: data states subclasses, use the whole)."""
        if (None, RDFS.subClassOf, None) in data:
            return None
        graph = Graph()
        for triple in chain(self.always, self._walk(nodes, data)):
            graph.add(triple)
        return graph

    def _walk(self, nodes: Iterable[Node], data: Graph | None) -> Iterator[Triple]:
        """The descriptions of the nodes reached from these (and the vocabulary's focus nodes) by the followed
        predicates, blank nodes, and inverse paths backwards: the vocabulary's, and data's when given."""
        todo: list[Node] = [*self.start, *nodes]
        seen: set[Node] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            about = self.about.get(node, [])
            pointing = self.pointing.get(node, [])
            if data is not None:
                about = [*about, *data.triples((node, None, None))]
                pointing = [*pointing, *(t for p in self.inverse for t in data.triples((None, p, node)))]
            for triple in about:
                yield triple
                if (triple[1] in self.followed or isinstance(triple[2], BNode)) and not isinstance(triple[2], Literal):
                    todo.append(triple[2])
            for triple in pointing:
                yield triple
                todo.append(triple[0])
