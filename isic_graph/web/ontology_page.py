"""The ontology's page, in the reader's language: every class and property with its label, definition, facts and
shapes; how to ask; the thesauri; and its class diagram."""

from __future__ import annotations

import re
from typing import Mapping

from flask import current_app, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.publish.diagram import class_diagram_svg
from isic_graph.publish.reference import reference
from isic_graph.publish.reference_text import IDIOMS, inline_code, workbench_link
from isic_graph.rdf.labels import choose, pick, switch, words_in
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDF_TYPE,
    RDFS,
    SH,
    SHAPES,
    SKOS,
    THESAURUS,
)
from isic_graph.web.cells import Cell, Row, term_value
from isic_graph.web.resource_page import MAX_NODES
from isic_graph.web.served import GRAPH_FORMATS, artefacts, curie
from isic_graph.web.services import services
from isic_graph.web.wording import kind_of_value

TERM_TYPES = {OWL + "Class": ("classe", "class"), OWL + "ObjectProperty": ("propriété d'objet", "object property"),
              OWL + "DatatypeProperty": ("propriété de données", "datatype property"),
              OWL + "AnnotationProperty": ("propriété d'annotation", "annotation property")}
FACTS = ((RDFS + "domain", ("domaine", "domain")), (RDFS + "range", ("valeurs", "range")),
         (RDFS + "subClassOf", ("sous-classe de", "subclass of")),
         (RDFS + "subPropertyOf", ("sous-propriété de", "subproperty of")),
         (OWL + "equivalentClass", ("classe équivalente", "equivalent class")),
         (OWL + "equivalentProperty", ("propriété équivalente", "equivalent property")))
WORDS = {
    "fr": {"other": "English", "ask": "Comment interroger", "classes": "Classes", "thesauri": "Thésaurus",
           "properties": "Propriétés", "queries": "Requêtes", "shapes": "formes SHACL", "label": "libellé",
           "diagram": "Classes et propriétés d'objet, générées depuis l'ontologie", "carried": "Propriétés portées",
           "shape": "forme", "property": "propriété", "cardinality": "cardinalité", "example": "exemple",
           "example_query": "Exemple de requête", "open": "ouvrir dans l'atelier", "see_also": "Voir aussi",
           "instances": "Instances dans les exemples", "code": "code", "definition": "définition"},
    "en": {"other": "Français", "ask": "How to ask", "classes": "Classes", "thesauri": "Thesauri",
           "properties": "Properties", "queries": "Queries", "shapes": "SHACL shapes", "label": "label",
           "diagram": "Classes and object properties, generated from the ontology", "carried": "Properties carried",
           "shape": "shape", "property": "property", "cardinality": "cardinality", "example": "example",
           "example_query": "Example query", "open": "open in the workbench", "see_also": "See also",
           "instances": "Instances in the samples", "code": "code", "definition": "definition"},
}


def ontology_page(lang: str) -> dict[str, object]:
    """Every class and property of the ontology in `lang`: its label and definition, domain, range (a datatype
    in words), alignments and shapes, each term by its label with its prefixed name as code; how to ask, with
    code shown as code; the thesauri's concepts by their labels."""
    a = artefacts()
    shapes_page = url_for(".shapes")

    def named(iri: str) -> str | None:
        return pick(a.labels.get(iri, {}), lang)

    def links(term: object) -> list[Cell]:
        if isinstance(term, NamedNode):
            iri = term.value
            if iri.startswith(ISIC):
                return [Cell(named(iri) or curie(iri), href=f"#{iri[len(ISIC):]}", title=curie(iri))]
            words = kind_of_value(iri, lang)
            if words:
                return [Cell(words, href=iri, title=iri)]
            return [Cell(curie(iri), href=iri, title=iri, code=True)]
        unions = [t.object for t in a.index.get(str(term), []) if t.predicate.value == OWL + "unionOf"]
        return [c for member in members(a.index, unions[0]) for c in links(member)] if unions else []

    def texts(subject: str, predicate: str) -> dict[str, str]:
        return {t.object.language or "": t.object.value for t in a.index.get(subject, [])
                if t.predicate.value == predicate and isinstance(t.object, Literal)}

    words = words_in(WORDS, lang)
    shapes: dict[str, list[Cell]] = {}
    for t in a.shapes.triples:
        if t.predicate.value in (SH + "targetClass", SH + "path") and isinstance(t.object, NamedNode):
            name = term_value(t.subject)
            anchor = name[len(SHAPES):] if name.startswith(SHAPES) else ""
            shapes.setdefault(t.object.value, []).append(Cell(curie(name), href=f"{shapes_page}#{anchor}",
                                                              code=True))
    sections: dict[str, dict[str, dict[str, object]]] = {"classes": {}, "properties": {}}
    for t in a.ontology.triples:
        subject, name, kind = str(t.subject), term_value(t.subject), term_value(t.object)
        if t.predicate.value != RDF_TYPE or kind not in TERM_TYPES or not name.startswith(ISIC):
            continue
        facts = [Row(Cell(choose(lang, *label)), cells, " ∪ " if isinstance(fact.object, BlankNode) else ", ")
                 for predicate, label in FACTS for fact in a.index[subject]
                 if fact.predicate.value == predicate and (cells := links(fact.object))]
        if name in shapes:
            facts.append(Row(Cell(words["shapes"]), shapes[name]))
        section = sections["classes" if kind == OWL + "Class" else "properties"]
        section.setdefault(subject, {"name": name[len(ISIC):], "iri": name, "curie": curie(name), "facts": facts,
                                     "kind": choose(lang, *TERM_TYPES[kind]),
                                     "label": named(name) or curie(name),
                                     "definition": prefixed_as_code(pick(texts(subject, SKOS + "definition"),
                                                                         lang) or "")})
    ref = reference()
    for doc in ref.classes:
        found = sections["classes"].get(f"<{doc.iri}>")
        if found is not None:
            found.update(
                reference=doc, open=workbench_link(doc.query),
                fields=[(links(NamedNode(f.iri))[0] if f.iri.startswith(ISIC) else
                         Cell(pick(f.labels, lang) or f.name, href=f.iri, title=f.iri), f) for f in doc.fields],
                shape=f"{shapes_page}#{doc.shape}" if doc.shape else None)
    header = f"<{ONTOLOGY_IRI}>"
    formats = [(f.label, f"{url_for('.ontology')}.{f.extension[1:]}") for f in GRAPH_FORMATS.values()]
    return {"lang": lang, "words": words, "other": switch(lang), "iri": header[1:-1],
            "title": pick(texts(header, DCTERMS + "title"), lang) or "",
            "description": pick(texts(header, DCTERMS + "description"), lang) or "",
            "formats": formats + [("SHACL", shapes_page), ("context", url_for(".context"))],
            "classes": list(sections["classes"].values()), "properties": list(sections["properties"].values()),
            "idioms": [(title, inline_code(text.replace("{base}", services().settings.base_iri)))
                       for title, text in pick(IDIOMS, lang) or ()],
            "schemes": [{"slug": s.slug, "iri": s.iri, "label": pick(s.labels, lang) or s.slug,
                         "concepts": [(c.code, pick(c.labels, lang) or c.code, c.iri,
                                       "/thesaurus/" + c.iri[len(THESAURUS):] if c.iri.startswith(THESAURUS) else None)
                                      for c in s.concepts]} for s in ref.schemes]}


def prefixed_as_code(text: str) -> list[tuple[str, bool]]:
    """A text (a definition) as its parts, the prefixed names it mentions (isic:currency…) being code."""
    names = re.compile(r"\b(?:%s):[A-Za-z_][\w-]*" % "|".join(map(re.escape, PREFIXES)))
    parts: list[tuple[str, bool]] = []
    at = 0
    for found in names.finditer(text):
        parts += [(text[at:found.start()], False), (found.group(0), True)]
        at = found.end()
    return [(part, is_code) for part, is_code in [*parts, (text[at:], False)] if part]


def members(index: Mapping[str, list[Triple]], head: object) -> list[object]:
    """The members of an RDF list."""
    out: list[object] = []
    while isinstance(head, BlankNode) and len(out) < MAX_NODES:
        step = {t.predicate.value: t.object for t in index.get(str(head), [])}
        out.append(step[RDF + "first"])
        head = step.get(RDF + "rest", NamedNode(RDF + "nil"))
    return out


def diagram_svg(lang: str) -> str:
    """The class diagram in `lang`, generated from the ontology once per application and language."""
    drawn = current_app.extensions.setdefault("isic-diagram", {})
    if lang not in drawn:
        drawn[lang] = class_diagram_svg(artefacts().ontology.triples, lang=lang)
    return str(drawn[lang])


SHAPE_FACTS = ("path", "name", "minCount", "maxCount", "datatype", "class", "node", "in", "pattern", "description")


SHAPE_WORDS = {"fr": {"title": "Formes SHACL", "ontology": "Ontologie", "other": "English", "for": "pour"},
               "en": {"title": "SHACL shapes", "ontology": "Ontology", "other": "Français", "for": "for"}}


def shapes_page(lang: str) -> dict[str, object]:
    """Every node shape with its property shapes and their constraints, each with an anchor (`#ProjectShape`,
    `#Project-title`) for the ontology page's links; the words around them in `lang`, the class a shape is for
    by its label (the shapes' own terms are code)."""
    a = artefacts()

    def shown(term: object) -> str:
        if isinstance(term, BlankNode):
            is_list = any(x.predicate.value == RDF + "first" for x in a.index.get(str(term), []))
            return " ".join(shown(m) for m in members(a.index, term)) if is_list else "[…]"
        return term.value if isinstance(term, Literal) else curie(term_value(term))

    def anchor(iri: str) -> str:
        return iri[len(SHAPES):] if iri.startswith(SHAPES) else ""

    found = []
    for t in a.shapes.triples:
        if t.predicate.value != SH + "targetClass":
            continue
        rows = []
        for p in a.index.get(str(t.subject), []):
            if p.predicate.value != SH + "property":
                continue
            facts: dict[str, list[str]] = {}
            for x in a.index.get(str(p.object), []):
                name = x.predicate.value[len(SH):] if x.predicate.value.startswith(SH) else ""
                if name in SHAPE_FACTS and (not isinstance(x.object, Literal) or x.object.language in (None, lang)):
                    facts.setdefault(name, []).append(shown(x.object))
            rows.append({"anchor": anchor(term_value(p.object)), "facts": facts,
                         "description": prefixed_as_code(" ".join(facts.get("description", [])))})
        target = term_value(t.object)
        found.append({"anchor": anchor(term_value(t.subject)), "name": curie(term_value(t.subject)),
                      "target": curie(target), "target_href": f"/ontology#{target[len(ISIC):]}"
                      if target.startswith(ISIC) else target,
                      "target_label": pick(a.labels.get(target, {}), lang) or kind_of_value(target, lang)
                      or curie(target), "rows": rows})
    formats = [(f.label, f"{url_for('.shapes')}.{f.extension[1:]}") for f in GRAPH_FORMATS.values()]
    return {"shapes": found, "facts": SHAPE_FACTS, "formats": formats, "lang": lang,
            "words": words_in(SHAPE_WORDS, lang), "other": switch(lang)}
