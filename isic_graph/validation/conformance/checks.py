"""The compiled shapes and their evaluation over Facts: every result (focus node, path, constraint component)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Collection, Iterator, Union

from pyoxigraph import BlankNode, Literal

from isic_graph.rdf.namespaces import RDF, RDF_TYPE, SH, XSD
from isic_graph.validation.conformance.facts import STRINGS, Facts, Term, key, term

# What pySHACL (DatatypeConstraintComponent._assert_actual_datatype) requires of a literal's value.
DATATYPE_VALUES: dict[str, type | tuple[type, ...]] = {
    XSD + "string": (str, bytes), RDF + "langString": (str, bytes), XSD + "integer": int, XSD + "float": float,
    XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": datetime.date, XSD + "time": datetime.time,
    XSD + "dateTime": datetime.datetime}
NUMBERS = (int, float, Decimal)

Path = tuple[str, bool]  # a predicate, and whether the path is its inverse
Result = tuple[str, Union[Path, None], str]  # focus node (see key), path (None: the node itself), constraint component
Check = Callable[[str, Collection[Term], "Facts"], bool]  # (focus node, its value nodes, the data): satisfied?


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


def checks_of(shape: Shape) -> tuple[tuple[str, Check], ...]:
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

