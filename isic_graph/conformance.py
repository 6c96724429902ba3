"""A fast proof of conformance: the shapes compiled to Python checks over pyoxigraph terms.

`compile_shapes` reads the SHACL shapes graph once and builds checks for the core constraints the
shapes use (targetClass; class, datatype, nodeKind, minCount, maxCount, or, node, not, uniqueLang,
languageIn, hasValue, pattern, minLength, minInclusive, lessThanOrEquals, closed with
ignoredProperties; IRI and inverse paths). It refuses, with `UnsupportedShapes`, any shapes graph
using something else, so that an edit of the shapes can never silently weaken validation: the
caller then validates everything with pySHACL.

`CompiledShapes.results` gives the (focus node, path, constraint component) of every top-level
result, as pySHACL reports them. It is meant as a proof: an empty answer means the data conforms;
where pySHACL's comparison rules are subtle (sh:minInclusive, sh:lessThanOrEquals) a value that is
not plainly within bounds is reported, so that the caller validates with pySHACL, whose report is
the one shown. `Facts` indexes the data the way rdflib sees it (literals normalised as rdflib
normalises them, ill-typed ones flagged).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import chain
from typing import Callable, Collection, Iterable, Iterator, Union

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
SUBCLASS_OF = RDFS + "subClassOf"
XSD_STRING = XSD + "string"
STRINGS = frozenset({XSD_STRING, RDF + "langString"})
# The shape parameters the compiler understands; any other sh: property on any node refuses the graph.
CONSTRAINTS = frozenset(SH + name for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "or", "node", "not", "uniqueLang", "languageIn",
    "hasValue", "pattern", "minLength", "minInclusive", "lessThanOrEquals", "closed", "ignoredProperties"))
STRUCTURE = frozenset(SH + name for name in ("targetClass", "property", "path", "inversePath", "severity"))
# Non-validating: they name, describe and order fields for people and forms.
ANNOTATIONS = frozenset(SH + name for name in ("message", "name", "description", "group", "order", "defaultValue"))
SHAPE_TYPES = frozenset(SH + name for name in ("NodeShape", "PropertyShape", "PropertyGroup"))
CLASS_TYPES = frozenset({RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"})
NODE_KINDS = {SH + "IRI": (NamedNode,), SH + "BlankNode": (BlankNode,), SH + "Literal": (Literal,),
              SH + "BlankNodeOrIRI": (BlankNode, NamedNode), SH + "BlankNodeOrLiteral": (BlankNode, Literal),
              SH + "IRIOrLiteral": (NamedNode, Literal)}
# What pySHACL (DatatypeConstraintComponent._assert_actual_datatype) requires of a literal's value.
DATATYPE_VALUES: dict[str, type | tuple[type, ...]] = {
    XSD + "string": (str, bytes), RDF + "langString": (str, bytes), XSD + "integer": int, XSD + "float": float,
    XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": datetime.date, XSD + "time": datetime.time,
    XSD + "dateTime": datetime.datetime}
NUMBERS = (int, float, Decimal)

Term = Union[NamedNode, BlankNode, Literal]
Path = tuple[str, bool]  # a predicate, and whether the path is its inverse
Result = tuple[str, Union[Path, None], str]  # focus node (see key), path (None: the node itself), constraint component
Check = Callable[[str, Collection[Term], "Facts"], bool]  # (focus node, its value nodes, the data): satisfied?


class UnsupportedShapes(Exception):
    """The shapes graph uses a feature the compiler does not check: validate with pySHACL instead."""


@dataclass(frozen=True, eq=False)
class Shape:
    """One node or property shape, its parameters as pyoxigraph terms (absent ones empty or None)."""

    name: str
    path: Path | None = None
    targets: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    datatype: str | None = None
    node_kind: tuple[type, ...] | None = None
    min_count: int | None = None
    max_count: int | None = None
    any_of: tuple[tuple[Shape, ...], ...] = ()
    nodes: tuple[Shape, ...] = ()
    nots: tuple[Shape, ...] = ()
    unique_lang: bool = False
    languages: frozenset[str] | None = None
    has_values: tuple[Term, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    min_length: int | None = None
    min_inclusive: tuple[int | float | Decimal, ...] = ()
    at_most: tuple[str, ...] = ()
    closed: frozenset[str] | None = None
    properties: tuple[Shape, ...] = ()
    checks: tuple[tuple[str, Check], ...] = field(default=(), repr=False)


class Facts:
    """The data graph, indexed by subject and predicate (IRIs as strings, blank nodes as `_:id`), with the
    literals as rdflib normalises them; ill-typed literals are listed."""

    def __init__(self, *triple_sources: Iterable[Triple], base: Facts | None = None) -> None:
        """The triples of the sources (duplicates counted once), on top of base's, which is left unchanged."""
        self.out: dict[str, dict[str, list[Term]]] = dict(base.out) if base else {}
        self.ill_typed: list[Triple] = list(base.ill_typed) if base else []
        self.values: dict[Literal, object] = dict(base.values) if base else {}  # rdflib's Python value of each
        self.conforming: dict[tuple[int, str], bool] = {}  # (shape, node): whether the node conforms
        self._canonical: dict[Literal, Literal] = dict(base._canonical) if base else {}
        self._inverse: dict[str, dict[str | Literal, list[Term]]] = {}
        self._supers: dict[str, frozenset[str]] = {}
        self._instances: dict[tuple[str, str], bool] = {}
        borrowed = set(base.out) if base else set()  # subjects whose index is still base's: copied before a change
        seen = frozenset(base.out) if base else frozenset()  # subjects whose values may repeat a base triple
        out = self.out
        for t in set(chain(*triple_sources)):
            s, p, o = t
            typed = type(o) is Literal and not o.language and o.datatype.value != XSD_STRING
            if typed:  # as rdflib spells it: two spellings of one value are one value
                o = self._canonical.get(o) or self._canonicalise(t, o)
            subject = s.value if type(s) is NamedNode else "_:" + s.value
            properties = out.get(subject)
            if properties is None:
                out[subject] = {p.value: [o]}
                continue
            if subject in borrowed:
                properties = out[subject] = {name: list(objects) for name, objects in properties.items()}
                borrowed.discard(subject)
            objects = properties.get(p.value)
            if objects is None:
                properties[p.value] = [o]
            elif not ((typed or subject in seen) and o in objects):  # one value, however often given
                objects.append(o)

    def _canonicalise(self, t: Triple, literal: Literal) -> Literal:
        """The literal as rdflib holds it (its normalised spelling), with its value; strings need none."""
        canonical = literal
        converted = RdflibLiteral(literal.value, datatype=URIRef(literal.datatype.value))
        if converted.ill_typed:
            self.ill_typed.append(t)
        elif str(converted) != literal.value:
            canonical = Literal(str(converted), datatype=literal.datatype)
        self.values[canonical] = converted.value
        self._canonical[literal] = canonical
        return canonical

    def objects(self, subject: str, predicate: str) -> list[Term]:
        return self.out.get(subject, {}).get(predicate, [])

    def subjects(self, predicate: str, obj: str | Literal) -> list[Term]:
        """The subjects of (?, predicate, obj): obj is a node's key, or a literal."""
        index = self._inverse.get(predicate)
        if index is None:
            index = self._inverse[predicate] = {}
            for subject, properties in self.out.items():
                for value in properties.get(predicate, ()):
                    index.setdefault(value if isinstance(value, Literal) else key(value), []).append(term(subject))
        return index.get(obj, [])

    def superclasses(self, cls: str) -> frozenset[str]:
        """The class itself and every class it is an rdfs:subClassOf*, in the data."""
        found = self._supers.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.objects(todo.pop(), SUBCLASS_OF):
                    if not isinstance(parent, Literal) and key(parent) not in seen:
                        seen.add(key(parent))
                        todo.append(key(parent))
            found = self._supers[cls] = frozenset(seen)
        return found

    def types(self, node: str) -> Iterator[str]:
        return (key(t) for t in self.objects(node, RDF_TYPE) if not isinstance(t, Literal))

    def is_instance(self, node: Term, cls: str) -> bool:
        if isinstance(node, Literal):
            return False
        name = key(node)
        found = self._instances.get((name, cls))
        if found is None:
            found = self._instances[name, cls] = any(cls in self.superclasses(t) for t in self.types(name))
        return found


def key(node: NamedNode | BlankNode) -> str:
    """How Facts names a node: an IRI as itself, a blank node as `_:id`."""
    return node.value if isinstance(node, NamedNode) else "_:" + node.value


def term(name: str) -> NamedNode | BlankNode:
    return BlankNode(name[2:]) if name.startswith("_:") else NamedNode(name)


class CompiledShapes:
    """The shapes with targets, ready to check data."""

    def __init__(self, targeted: list[Shape]) -> None:
        self.by_class: dict[str, list[Shape]] = {}
        for shape in targeted:
            for cls in shape.targets:
                self.by_class.setdefault(cls, []).append(shape)

    def results(self, facts: Facts, focus: Collection[str] | None = None) -> Iterator[Result]:
        """Every top-level result (focus node, path, component), about the focus nodes (IRIs) only when given."""
        for node, properties in facts.out.items():
            if focus is not None and node not in focus:  # a blank node, `_:id`, is never in focus
                continue
            shapes: dict[int, Shape] = {}
            for cls in properties.get(RDF_TYPE, ()):
                if isinstance(cls, Literal):
                    continue
                for parent in facts.superclasses(key(cls)):
                    for shape in self.by_class.get(parent, ()):
                        shapes[id(shape)] = shape
            for shape in shapes.values():
                yield from _evaluate(shape, node, facts)

    def conforms(self, facts: Facts, focus: Collection[str] | None = None) -> bool:
        return next(self.results(facts, focus), None) is None


# ---------------------------------------------------------------- evaluation


def _evaluate(shape: Shape, focus: str | Literal, facts: Facts) -> Iterator[Result]:
    """The results of one focus node (a node's key, or a literal reached through sh:or, sh:node, sh:not)."""
    values: Collection[Term]
    if shape.path is None:
        values = (focus if isinstance(focus, Literal) else term(focus),)
    elif shape.path[1]:
        values = facts.subjects(shape.path[0], focus)
    else:
        values = [] if isinstance(focus, Literal) else facts.objects(focus, shape.path[0])
    name = focus if isinstance(focus, str) else ""
    for component, check in shape.checks:
        if not check(name, values, facts):
            yield name, shape.path, component
    if shape.closed is not None and isinstance(focus, str):
        for predicate, objects in facts.out.get(focus, {}).items():
            if predicate not in shape.closed and objects:
                yield name, (predicate, False), SH + "ClosedConstraintComponent"
    for prop in shape.properties:
        yield from _evaluate(prop, focus, facts)


def _conforms(shape: Shape, node: Term, facts: Facts) -> bool:
    if isinstance(node, Literal):  # not remembered: literal values are cheap to check
        return next(_evaluate(shape, node, facts), None) is None
    memo = (id(shape), key(node))
    found = facts.conforming.get(memo)
    if found is None:
        found = facts.conforming[memo] = next(_evaluate(shape, memo[1], facts), None) is None
    return found


def _checks(shape: Shape) -> tuple[tuple[str, Check], ...]:
    """One test per constraint of the shape: do the value nodes of a focus node satisfy it?"""
    found: list[tuple[str, Check]] = []

    def add(component: str, check: Check) -> None:
        found.append((SH + component + "ConstraintComponent", check))

    def each(component: str, ok: Callable[[Term, Facts], bool]) -> None:
        add(component, lambda focus, values, facts: all(ok(v, facts) for v in values))

    for cls in shape.classes:
        each("Class", lambda v, facts, c=cls: facts.is_instance(v, c))  # type: ignore[misc]
    if shape.datatype is not None:
        each("Datatype", lambda v, facts, d=shape.datatype: _has_datatype(v, d, facts))  # type: ignore[misc]
    if shape.node_kind is not None:
        each("NodeKind", lambda v, facts, k=shape.node_kind: isinstance(v, k))  # type: ignore[misc]
    if shape.min_count is not None:
        add("MinCount", lambda focus, values, facts, n=shape.min_count: len(values) >= n)  # type: ignore[misc]
    if shape.max_count is not None:
        add("MaxCount", lambda focus, values, facts, n=shape.max_count: len(values) <= n)  # type: ignore[misc]
    for members in shape.any_of:
        each("Or", lambda v, facts, m=members: any(_conforms(s, v, facts) for s in m))  # type: ignore[misc]
    for node_shape in shape.nodes:
        each("Node", lambda v, facts, s=node_shape: _conforms(s, v, facts))  # type: ignore[misc]
    for negated in shape.nots:
        each("Not", lambda v, facts, s=negated: not _conforms(s, v, facts))  # type: ignore[misc]
    if shape.unique_lang:
        add("UniqueLang", lambda focus, values, facts: _unique_languages(values))
    if shape.languages is not None:
        each("LanguageIn", lambda v, facts, tags=shape.languages: _language_in(v, tags))  # type: ignore[misc]
    for wanted in shape.has_values:
        add("HasValue", lambda focus, values, facts, w=wanted: w in values)  # type: ignore[misc]
    for pattern in shape.patterns:
        each("Pattern", lambda v, facts, p=pattern:  # type: ignore[misc]
             not isinstance(v, BlankNode) and p.search(v.value) is not None)
    if shape.min_length:
        each("MinLength", lambda v, facts, n=shape.min_length:  # type: ignore[misc]
             not isinstance(v, BlankNode) and len(v.value) >= n)
    for bound in shape.min_inclusive:
        each("MinInclusive", lambda v, facts, b=bound: _plainly_at_least(v, b, facts))  # type: ignore[misc]
    for other in shape.at_most:
        add("LessThanOrEquals", lambda focus, values, facts, o=other:  # type: ignore[misc]
            all(_plainly_at_most(v, w, facts) for v in values for w in facts.objects(focus, o)))
    return tuple(found)


def _unique_languages(values: Collection[Term]) -> bool:
    tags = [v.language.lower() for v in values if isinstance(v, Literal) and v.language]
    return len(set(tags)) == len(tags)


def _has_datatype(v: Term, datatype: str | None, facts: Facts) -> bool:
    if not isinstance(v, Literal) or v.datatype.value != datatype:
        return False
    if datatype in STRINGS:  # rdflib's value is the lexical form itself
        return True
    expected = DATATYPE_VALUES.get(datatype)
    return expected is None or isinstance(facts.values.get(v), expected)


def _language_in(v: Term, languages: frozenset[str] | None) -> bool:
    if not isinstance(v, Literal) or not v.language or languages is None:
        return False
    tag = v.language.lower()
    return "*" in languages or tag in languages or tag.split("-")[0] in languages


def _plainly_at_least(v: Term, bound: int | float | Decimal, facts: Facts) -> bool:
    value = facts.values.get(v) if isinstance(v, Literal) else None
    return isinstance(value, NUMBERS) and not isinstance(value, bool) and value >= bound


def _plainly_at_most(v: Term, w: Term, facts: Facts) -> bool:
    """v <= w, for two literals of one datatype whose values plainly compare (numbers, dates)."""
    if not (isinstance(v, Literal) and isinstance(w, Literal)) or v.datatype != w.datatype:
        return False
    a, b = facts.values.get(v), facts.values.get(w)
    if type(a) is datetime.date and type(b) is datetime.date:
        return a <= b
    if isinstance(a, NUMBERS) and isinstance(b, NUMBERS) and not isinstance(a, bool) and not isinstance(b, bool):
        return a <= b
    return False


# ---------------------------------------------------------------- compilation


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The checks of a shapes graph; UnsupportedShapes when it uses anything they do not cover."""
    _refuse_unknown(shapes)
    compiler = _Compiler(shapes)
    targeted = [compiler.shape(node) for node in sorted(set(shapes.subjects(URIRef(SH + "targetClass"), None)), key=str)]
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
        raise UnsupportedShapes(f"{sorted(map(str, classes & shaped))[0]} is a class and a shape (an implicit class target)")


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
        shape = replace(shape, checks=_checks(shape))
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
