"""The shipped RDF documents (ontology, shapes, context), read once per application, and triples written in any
of the graph formats with the published prefixes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from flask import current_app
from pyoxigraph import Literal, NamedNode, Triple, parse, serialize

from isic_graph.publish import jsonld
from isic_graph.rdf import resources
from isic_graph.rdf.context import context_document
from isic_graph.rdf.formats import GRAPH, format_named, formats_for
from isic_graph.rdf.namespaces import PREFIXES, RDF_TYPE, RDFS, SH, SHAPES, XSD
from isic_graph.web.cells import term_value
from isic_graph.web.wording import OTHER_TERMS
from isic_graph.web.xml_answers import check_xml

GRAPH_FORMATS = {f.media_type: f for f in formats_for(GRAPH)}
TURTLE, JSON_LD = format_named("turtle"), format_named("jsonld")
MORE_PREFIXES = {"isics": SHAPES, "pair": "http://virtual-assembly.org/ontologies/pair#"}


@dataclass(frozen=True)
class Served:
    """One shipped RDF document (ontology or shapes): its Turtle as written, its other forms made once."""

    turtle: bytes
    triples: tuple[Triple, ...]
    forms: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def read(cls, files: Sequence[Path]) -> Served:
        triples = [q.triple for path in files for q in parse(path.read_bytes(), format=TURTLE.rdf_format)]
        turtle = files[0].read_bytes() if len(files) == 1 else rdf_bytes(triples, TURTLE.media_type)
        return cls(turtle, tuple(triples))

    def render(self, media_type: str) -> bytes:
        if media_type == TURTLE.media_type:
            return self.turtle
        if media_type not in self.forms:
            self.forms[media_type] = rdf_bytes(self.triples, media_type)
        return self.forms[media_type]


@dataclass(frozen=True)
class Artefacts:
    """The ontology, shapes, thesauri and context, read once per application, with the labels of the ontology's and
    shapes' terms."""

    ontology: Served
    shapes: Served
    context: bytes
    labels: dict[str, dict[str, str]]  # term IRI -> language -> label
    index: dict[str, list[Triple]]  # str(subject) -> its triples, ontology and shapes
    targets: list[tuple[str, str]]  # each shape (str) and the class it targets, in the shapes' order
    orders: dict[frozenset[str], dict[str, tuple[int, int]]] = field(default_factory=dict)  # see shape_order

    @classmethod
    def load(cls) -> Artefacts:
        ontology, shapes = Served.read([resources.ontology_file()]), Served.read(resources.shapes_files())
        labels = {RDF_TYPE: {"fr": "type", "en": "type"}, RDFS + "label": {"fr": "libellé", "en": "label"}}
        index: dict[str, list[Triple]] = {}
        for t in ontology.triples + shapes.triples:
            index.setdefault(str(t.subject), []).append(t)
            if t.predicate.value == RDFS + "label" and isinstance(t.object, Literal) and t.object.language:
                labels.setdefault(term_value(t.subject), {}).setdefault(t.object.language, t.object.value)
        for t in shapes.triples:  # the shapes name the fields whose predicates come from other vocabularies
            if t.predicate.value == SH + "path" and isinstance(t.object, NamedNode):
                for name in index[str(t.subject)]:
                    if name.predicate.value == SH + "name" and isinstance(name.object, Literal):
                        labels.setdefault(t.object.value, {}).setdefault(name.object.language or "", name.object.value)
        for iri, (fr, en) in OTHER_TERMS.items():  # the records' terms from other vocabularies
            labels.setdefault(iri, {"fr": fr, "en": en})
        targets = [(str(t.subject), term_value(t.object)) for t in shapes.triples
                   if t.predicate.value == SH + "targetClass"]
        return cls(ontology, shapes, resources.context_file().read_bytes(), labels, index, targets)

    @cached_property
    def thesauri(self) -> Served:
        """The thesauri, read when first served (most applications never serve them whole)."""
        return Served.read(resources.thesaurus_files())

    def shape_order(self, types: frozenset[str]) -> Mapping[str, tuple[int, int]]:
        """Where the shapes of these classes put each property: (its group's sh:order, its own sh:order); worked out
        once for each set of classes (pages ask it for every resource they name)."""
        found = self.orders.get(types)
        if found is None:
            found = self.orders[types] = self._shape_order(types)
        return found

    def _shape_order(self, types: frozenset[str]) -> dict[str, tuple[int, int]]:
        index: dict[str, list[Triple]] = self.index
        found: dict[str, tuple[int, int]] = {}

        def order(node: str) -> int:
            values = [t.object.value for t in index.get(node, []) if t.predicate.value == SH + "order"
                      and isinstance(t.object, Literal)]
            return int(float(values[0])) if values else 99

        for shape in [shape for shape, target in self.targets if target in types]:
            for p in index.get(shape, []):
                if p.predicate.value != SH + "property":
                    continue
                facts = {t.predicate.value: t.object for t in index.get(str(p.object), [])}
                path, group = facts.get(SH + "path"), facts.get(SH + "group")
                if isinstance(path, NamedNode):
                    found.setdefault(path.value, (order(str(group)) if group is not None else 99,
                                                  order(str(p.object))))
        return found


def artefacts() -> Artefacts:
    """This application's artefacts, loaded on first use."""
    found = current_app.extensions.get("isic-linked-data")
    if found is None:
        found = current_app.extensions.setdefault("isic-linked-data", Artefacts.load())
    assert isinstance(found, Artefacts)
    return found


def rdf_bytes(triples: Iterable[Triple], media_type: str) -> bytes:
    """Triples in one of the RDF media types; JSON-LD compacted with the published context."""
    items = list(triples)
    if media_type == JSON_LD.media_type:
        return json.dumps(jsonld.compact(items), ensure_ascii=False, indent=2).encode("utf-8")
    used = {ns for t in items for term in (t.predicate, t.object) for ns in published_prefixes().values()
            if isinstance(term, NamedNode) and term.value.startswith(ns)} | {XSD}
    prefixes = {p: ns for p, ns in published_prefixes().items() if ns in used}
    body = serialize(items, format=GRAPH_FORMATS[media_type].rdf_format, prefixes=prefixes) or b""
    check_xml(body, media_type, None)
    return body


@cache
def published_prefixes() -> dict[str, str]:
    """Our prefixes and the thesauri's, as the context declares them."""
    terms = context_document()["@context"]
    return {**PREFIXES, **{k: v for k, v in terms.items() if isinstance(v, str) and v.endswith(("/", "#"))}}


def curie(iri: str) -> str:
    for prefix, ns in {**published_prefixes(), **MORE_PREFIXES}.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
