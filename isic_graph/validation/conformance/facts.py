"""The data as the compiled shapes read it: indexed by subject and predicate, literals as rdflib holds them."""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Iterator, Union

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import Literal as RdflibLiteral
from rdflib import URIRef

from isic_graph.rdf.namespaces import RDF, RDF_TYPE, RDFS, XSD

SUBCLASS_OF = RDFS + "subClassOf"
XSD_STRING = XSD + "string"
STRINGS = frozenset({XSD_STRING, RDF + "langString"})

Term = Union[NamedNode, BlankNode, Literal]


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
