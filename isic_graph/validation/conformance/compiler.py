"""The shapes graph read once into Shapes, refusing (UnsupportedShapes) whatever the checks do not cover."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from isic_graph.rdf.namespaces import OWL, RDF, RDFS, SH
from isic_graph.validation.conformance.checks import (
    NUMBERS,
    CompiledShapes,
    Path,
    Shape,
    checks_of,
)
from isic_graph.validation.conformance.facts import Term

# The shape parameters the compiler understands; any other sh: property on any node refuses the graph.
CONSTRAINTS = frozenset(SH + name for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "or", "node", "not", "uniqueLang", "languageIn",
    "hasValue", "pattern", "minLength", "minInclusive", "lessThanOrEquals", "closed", "ignoredProperties"))
STRUCTURE = frozenset(SH + name for name in ("targetClass", "property", "path", "inversePath", "severity"))
# Non-validating: they name, describe and order fields for people and forms.
ANNOTATIONS = frozenset(SH + name for name in ("message", "name", "description", "group", "order", "defaultValue"))
SHAPE_TYPES = frozenset(SH + name for name in ("NodeShape", "PropertyShape", "PropertyGroup"))
CLASS_TYPES = frozenset({RDFS + "Class", OWL + "Class"})
NODE_KINDS = {SH + "IRI": (NamedNode,), SH + "BlankNode": (BlankNode,), SH + "Literal": (Literal,),
              SH + "BlankNodeOrIRI": (BlankNode, NamedNode), SH + "BlankNodeOrLiteral": (BlankNode, Literal),
              SH + "IRIOrLiteral": (NamedNode, Literal)}


class UnsupportedShapes(Exception):
    """The shapes graph uses a feature the compiler does not check: validate with pySHACL instead."""


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The checks of a shapes graph; UnsupportedShapes when it uses anything they do not cover."""
    _refuse_unknown(shapes)
    compiler = _Compiler(shapes)
    targeted = [compiler.shape(node) for node in sorted(set(shapes.subjects(URIRef(SH + "targetClass"), None)),
                                                        key=str)]
    return CompiledShapes(targeted)


def _refuse_unknown(shapes: Graph) -> None:
    known = CONSTRAINTS | STRUCTURE | ANNOTATIONS
    for s, p, o in shapes:
        if str(p).startswith(SH) and str(p) not in known:
            raise UnsupportedShapes(f"{s} uses {p}")
        if str(p) == RDF + "type" and str(o).startswith(SH) and str(o) not in SHAPE_TYPES:
            raise UnsupportedShapes(f"{s} is a {o}")
        if str(p) == SH + "severity" and str(o) != SH + "Violation":
            raise UnsupportedShapes(f"{s} has severity {o}: only violations are checked")
        if isinstance(o, URIRef) and str(o).startswith(SH) and str(p).startswith(SH) and \
                str(p) not in (SH + "severity", SH + "nodeKind"):
            raise UnsupportedShapes(f"{s} {p} {o}: a SHACL term as a parameter")
    classes = {s for c in CLASS_TYPES for s in shapes.subjects(URIRef(RDF + "type"), URIRef(c))}
    shaped = {s for s, p, _ in shapes if str(p).startswith(SH)}
    if classes & shaped:
        raise UnsupportedShapes(f"{sorted(map(str, classes & shaped))[0]} is a class and a shape (an implicit class "
                                "target)")


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.done: dict[Node, Shape] = {}
        self.busy: set[Node] = set()

    def one(self, node: Node, name: str) -> Node | None:
        found = list(self.graph.objects(node, URIRef(SH + name)))
        if len(found) > 1:
            raise UnsupportedShapes(f"{node} has {len(found)} values of sh:{name}")
        return found[0] if found else None

    def many(self, node: Node, name: str) -> list[Node]:
        return sorted(self.graph.objects(node, URIRef(SH + name)), key=str)

    def shape(self, node: Node) -> Shape:
        if node in self.done:
            return self.done[node]
        if node in self.busy:
            raise UnsupportedShapes(f"{node} refers to itself")
        self.busy.add(node)
        path = self._path(node)
        closed = self.one(node, "closed")
        shape = Shape(
            name=str(node), path=path,
            targets=tuple(_iri(c).value for c in self.many(node, "targetClass")),
            classes=tuple(_iri(c).value for c in self.many(node, "class")),
            datatype=_optional_iri(self.one(node, "datatype")),
            node_kind=self._node_kind(node),
            min_count=_integer(self.one(node, "minCount")), max_count=_integer(self.one(node, "maxCount")),
            any_of=tuple(tuple(self.shape(m) for m in self._list(lst)) for lst in self.many(node, "or")),
            nodes=tuple(self.shape(n) for n in self.many(node, "node")),
            nots=tuple(self.shape(n) for n in self.many(node, "not")),
            unique_lang=self._unique_lang(node),
            languages=self._languages(node),
            has_values=tuple(_term(v) for v in self.many(node, "hasValue")),
            patterns=tuple(re.compile(str(p)) for p in self.many(node, "pattern")),
            min_length=_integer(self.one(node, "minLength")),
            min_inclusive=tuple(_number(b) for b in self.many(node, "minInclusive")),
            at_most=tuple(_iri(p).value for p in self.many(node, "lessThanOrEquals")),
            closed=self._closed(node) if closed is not None and _boolean(closed) else None,
            properties=tuple(self.shape(p) for p in self.many(node, "property")),
        )
        if path is not None and (shape.closed is not None or shape.properties):
            raise UnsupportedShapes(f"{node}: sh:closed or sh:property on a property shape")
        if closed is not None and not _boolean(closed) and self.many(node, "ignoredProperties"):
            raise UnsupportedShapes(f"{node}: sh:ignoredProperties on an open shape")
        shape = replace(shape, checks=checks_of(shape))
        self.busy.discard(node)
        self.done[node] = shape
        return shape

    def _path(self, node: Node) -> Path | None:
        path = self.one(node, "path")
        if path is None:
            return None
        if isinstance(path, URIRef):
            return str(path), False
        if isinstance(path, BNode):
            description = list(self.graph.predicate_objects(path))
            if len(description) == 1 and description[0][0] == URIRef(SH + "inversePath") \
                    and isinstance(description[0][1], URIRef):
                return str(description[0][1]), True
        raise UnsupportedShapes(f"{node}: a path other than an IRI or the inverse of one")

    def _node_kind(self, node: Node) -> tuple[type, ...] | None:
        kind = self.one(node, "nodeKind")
        if kind is None:
            return None
        if str(kind) not in NODE_KINDS:
            raise UnsupportedShapes(f"{node}: sh:nodeKind {kind}")
        return NODE_KINDS[str(kind)]

    def _unique_lang(self, node: Node) -> bool:
        value = self.one(node, "uniqueLang")
        return value is not None and _boolean(value)

    def _languages(self, node: Node) -> frozenset[str] | None:
        lists = self.many(node, "languageIn")
        if not lists:
            return None
        if len(lists) > 1:
            raise UnsupportedShapes(f"{node}: more than one sh:languageIn")
        tags = self._list(lists[0])
        if not all(isinstance(t, RdflibLiteral) and isinstance(t.value, str) for t in tags):
            raise UnsupportedShapes(f"{node}: sh:languageIn must list strings")
        return frozenset(str(t).lower() for t in tags)

    def _closed(self, node: Node) -> frozenset[str]:
        allowed: set[str] = set()
        for prop in self.many(node, "property"):
            path = self.one(prop, "path")
            if isinstance(path, URIRef):
                allowed.add(str(path))
        for lst in self.many(node, "ignoredProperties"):
            allowed |= {_iri(p).value for p in self._list(lst)}
        return frozenset(allowed)

    def _list(self, head: Node) -> list[Node]:
        try:
            return list(RdfList(self.graph, head))
        except Exception as exc:  # a malformed RDF list: pySHACL decides what it means
            raise UnsupportedShapes(f"{head}: not a well-formed RDF list ({exc})") from None


def _iri(node: Node) -> NamedNode:
    if not isinstance(node, URIRef):
        raise UnsupportedShapes(f"{node}: an IRI was expected")
    return NamedNode(str(node))


def _optional_iri(node: Node | None) -> str | None:
    return None if node is None else _iri(node).value


def _term(node: Node) -> Term:
    if isinstance(node, URIRef):
        return NamedNode(str(node))
    if isinstance(node, RdflibLiteral) and node.datatype is None and node.language is None:
        return Literal(str(node))
    if isinstance(node, RdflibLiteral) and node.language:
        return Literal(str(node), language=node.language)
    if isinstance(node, RdflibLiteral) and node.datatype is not None:
        return Literal(str(node), datatype=NamedNode(str(node.datatype)))
    raise UnsupportedShapes(f"{node}: a blank node as a value")


def _integer(node: Node | None) -> int | None:
    if node is None:
        return None
    if not isinstance(node, RdflibLiteral) or type(node.value) is not int:
        raise UnsupportedShapes(f"{node}: an integer was expected")
    return node.value


def _number(node: Node) -> int | float | Decimal:
    if not isinstance(node, RdflibLiteral) or not isinstance(node.value, NUMBERS) or isinstance(node.value, bool):
        raise UnsupportedShapes(f"{node}: only numeric bounds are checked")
    return node.value


def _boolean(node: Node) -> bool:
    if not isinstance(node, RdflibLiteral) or type(node.value) is not bool:
        raise UnsupportedShapes(f"{node}: a boolean was expected")
    return node.value
