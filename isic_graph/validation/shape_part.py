"""The part of the shapes graph a data graph's validation uses: the node shapes whose targets select a node of
that data, and every shape they reach. pySHACL builds its view of every shape of the graph it is given, for each
validation, whatever the data; a refused batch of a few resources needed a few of the shapes, and their view cost
more than the validation itself.

A shape whose target selects no node of the data has no result of its own, and is read by the others only through
what they point at (sh:node, sh:property, sh:or, sh:not, sh:qualifiedValueShape…), which the part holds: a data
graph's report from the part is its report from the whole. A class target selects the instances of the class and
of its subclasses, as the data graph (which holds the vocabulary the shapes read) states them. The part is only
taken when every target of the shapes graph is a class target; otherwise the whole graph is given.

The part leaves out, of the shapes named by an IRI, what validates nothing: the non-validating characteristics of
SHACL 1.0 section 2.3.2 (sh:name, sh:description, sh:order, sh:group, sh:defaultValue) and their rdfs:label and
rdfs:comment, which a report does not carry (it names such a shape; the names a report gives people come from the
whole graph: validator.py). A blank-node shape keeps them: pySHACL copies it into the report of its results.
pySHACL looks each predicate of a shape up among the constraint parameters it knows, one comparison at a time: names
and descriptions are a third of the part's triples, and reading them cost about a fifth of a validation.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node

from isic_graph.validation.personal import SH

OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
NON_VALIDATING = frozenset({SH.name, SH.description, SH.order, SH.group, SH.defaultValue, RDFS.label, RDFS.comment})


class ShapeParts:
    """The shapes graph, indexed once for taking the part a data graph's validation uses."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.targeting: dict[Node, frozenset[Node]] = {}  # class -> the shapes targeting it
        for shape, cls in shapes.subject_objects(SH.targetClass):
            self.targeting[cls] = self.targeting.get(cls, frozenset()) | {shape}
        implicit = set(shapes.subjects(RDF.type, RDFS.Class)) | set(shapes.subjects(RDF.type, URIRef(
            "http://www.w3.org/2002/07/owl#Class")))
        self.whole_only = bool(implicit) or any(next(shapes.subject_objects(p), None) for p in OTHER_TARGETS)
        self._triples = [t for t in shapes if isinstance(t[0], BNode) or t[1] not in NON_VALIDATING]  # in its order
        self._about: dict[Node, list[int]] = {}  # each subject's triples, by their place in that order
        for place, triple in enumerate(self._triples):
            self._about.setdefault(triple[0], []).append(place)
        self._part = lru_cache(maxsize=64)(self._taken)

    def for_data(self, data: Graph) -> Graph:
        """The part of the shapes that validating data uses (the whole graph when it cannot be told)."""
        if self.whole_only:
            return self.shapes
        roots: set[Node] = set()
        for cls in _classes_of(data):
            roots |= self.targeting.get(cls, frozenset())
        return self._part(frozenset(roots))

    def _taken(self, roots: frozenset[Node]) -> Graph:
        """The validating triples about the roots and about every node of the shapes graph they reach, in the order
        of the whole graph (pySHACL's reports then say their messages in the same order)."""
        kept, todo = set(roots), list(roots)
        while todo:
            for place in self._about.get(todo.pop(), ()):
                value = self._triples[place][2]
                if isinstance(value, (URIRef, BNode)) and value not in kept:
                    kept.add(value)
                    todo.append(value)
        part = Graph()
        for prefix, namespace in self.shapes.namespaces():  # pySHACL's report binds the shapes graph's prefixes
            part.bind(prefix, namespace, override=True, replace=True)
        places = sorted(place for node in kept for place in self._about.get(node, ()))
        part.addN((*self._triples[place], part) for place in places)
        return part


def _classes_of(data: Graph) -> set[Node]:
    """The classes of the data's nodes, and their superclasses as the data states them."""
    classes = set(data.objects(None, RDF.type))
    todo = list(classes)
    while todo:
        for parent in data.objects(todo.pop(), RDFS.subClassOf):
            if parent not in classes:
                classes.add(parent)
                todo.append(parent)
    return classes
