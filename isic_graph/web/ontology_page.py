"""The ontology's page: every class and property with its labels, definitions, facts and shapes; and its class
diagram."""

from __future__ import annotations

from typing import Mapping

from flask import current_app, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.publish.diagram import class_diagram_svg
from isic_graph.publish.reference import reference
from isic_graph.publish.reference_text import IDIOMS, workbench_link
from isic_graph.rdf.namespaces import DCTERMS, ISIC, ONTOLOGY_IRI, OWL, RDF, RDF_TYPE, RDFS, SH, SHAPES, SKOS
from isic_graph.web.cells import Cell, Row, term_value
from isic_graph.web.resource_page import MAX_NODES
from isic_graph.web.served import GRAPH_FORMATS, artefacts, curie

TERM_TYPES = {OWL + "Class": "classe / class", OWL + "ObjectProperty": "propriété d'objet / object property",
              OWL + "DatatypeProperty": "propriété de données / datatype property",
              OWL + "AnnotationProperty": "propriété d'annotation / annotation property"}
FACTS = ((RDFS + "domain", "domaine / domain"), (RDFS + "range", "co-domaine / range"),
         (RDFS + "subClassOf", "sous-classe de / subclass of"),
         (RDFS + "subPropertyOf", "sous-propriété de / subproperty of"),
         (OWL + "equivalentClass", "classe équivalente / equivalent class"),
         (OWL + "equivalentProperty", "propriété équivalente / equivalent property"))


def ontology_page() -> dict[str, object]:
    """Every class and property of the ontology: labels, definitions, domain, range, alignments and shapes."""
    a = artefacts()
    shapes_page = url_for(".shapes")

    def links(term: object) -> list[Cell]:
        if isinstance(term, NamedNode):
            local = term.value[len(ISIC):] if term.value.startswith(ISIC) else None
            return [Cell(curie(term.value), href=f"#{local}" if local else term.value)]
        unions = [t.object for t in a.index.get(str(term), []) if t.predicate.value == OWL + "unionOf"]
        return [c for member in members(a.index, unions[0]) for c in links(member)] if unions else []

    def texts(subject: str, predicate: str) -> dict[str, str]:
        return {t.object.language or "": t.object.value for t in a.index.get(subject, [])
                if t.predicate.value == predicate and isinstance(t.object, Literal)}

    shapes: dict[str, list[Cell]] = {}
    for t in a.shapes.triples:
        if t.predicate.value in (SH + "targetClass", SH + "path") and isinstance(t.object, NamedNode):
            name = term_value(t.subject)
            anchor = name[len(SHAPES):] if name.startswith(SHAPES) else ""
            shapes.setdefault(t.object.value, []).append(Cell(curie(name), href=f"{shapes_page}#{anchor}"))
    sections: dict[str, dict[str, dict[str, object]]] = {"Classes": {}, "Propriétés / Properties": {}}
    for t in a.ontology.triples:
        subject, name, kind = str(t.subject), term_value(t.subject), term_value(t.object)
        if t.predicate.value != RDF_TYPE or kind not in TERM_TYPES or not name.startswith(ISIC):
            continue
        facts = [Row(Cell(label), cells, " ∪ " if isinstance(fact.object, BlankNode) else ", ")
                 for predicate, label in FACTS for fact in a.index[subject]
                 if fact.predicate.value == predicate and (cells := links(fact.object))]
        if name in shapes:
            facts.append(Row(Cell("formes SHACL / SHACL shapes"), shapes[name]))
        section = sections["Classes" if kind == OWL + "Class" else "Propriétés / Properties"]
        section.setdefault(subject, {"name": name[len(ISIC):], "iri": name, "facts": facts,
                                     "kind": TERM_TYPES[kind], "labels": texts(subject, RDFS + "label"),
                                     "definitions": texts(subject, SKOS + "definition")})
    ref = reference()
    for doc in ref.classes:
        found = sections["Classes"].get(f"<{doc.iri}>")
        if found is not None:
            found.update(
                reference=doc, open=workbench_link(doc.query),
                fields=[(Cell(f.name, href=f"#{f.iri[len(ISIC):]}" if f.iri.startswith(ISIC) else f.iri), f)
                        for f in doc.fields],
                shape=f"{shapes_page}#{doc.shape}" if doc.shape else None)
    header = f"<{ONTOLOGY_IRI}>"
    formats = [(f.label, f"{url_for('.ontology')}.{f.extension[1:]}") for f in GRAPH_FORMATS.values()]
    return {"iri": header[1:-1], "title": texts(header, DCTERMS + "title"),
            "description": texts(header, DCTERMS + "description"),
            "formats": formats + [("SHACL", shapes_page), ("context", url_for(".context"))],
            "sections": [(heading, list(terms.values())) for heading, terms in sections.items()],
            "idioms": IDIOMS, "schemes": ref.schemes}


def members(index: Mapping[str, list[Triple]], head: object) -> list[object]:
    """The members of an RDF list."""
    out: list[object] = []
    while isinstance(head, BlankNode) and len(out) < MAX_NODES:
        step = {t.predicate.value: t.object for t in index.get(str(head), [])}
        out.append(step[RDF + "first"])
        head = step.get(RDF + "rest", NamedNode(RDF + "nil"))
    return out


def diagram_svg() -> str:
    """The class diagram, generated from the ontology once per application."""
    found = current_app.extensions.get("isic-diagram")
    if found is None:
        found = current_app.extensions["isic-diagram"] = class_diagram_svg(artefacts().ontology.triples)
    return str(found)


SHAPE_FACTS = ("path", "name", "minCount", "maxCount", "datatype", "class", "node", "in", "pattern", "description")


def shapes_page() -> dict[str, object]:
    """Every node shape with its property shapes and their constraints, each with an anchor (`#ProjectShape`,
    `#Project-title`) for the ontology page's links."""
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
                if name in SHAPE_FACTS and (not isinstance(x.object, Literal) or x.object.language in (None, "fr")):
                    facts.setdefault(name, []).append(shown(x.object))
            rows.append({"anchor": anchor(term_value(p.object)), "facts": facts})
        found.append({"anchor": anchor(term_value(t.subject)), "name": curie(term_value(t.subject)),
                      "target": curie(term_value(t.object)), "target_anchor": term_value(t.object)[len(ISIC):],
                      "rows": rows})
    formats = [(f.label, f"{url_for('.shapes')}.{f.extension[1:]}") for f in GRAPH_FORMATS.values()]
    return {"shapes": found, "facts": SHAPE_FACTS, "formats": formats}
