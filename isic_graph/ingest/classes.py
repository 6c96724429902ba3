"""The classes a network's data may give its resources: the classes the shapes check (a class of the ontology, or a
well-known vocabulary's class a shape targets, foaf:Person), and their subclasses in the ontology.

A resource typed only with another class (`ex:Anything`) would pass every shape unchecked, free text included; a
resource typed with one of this instance's resources (`<…/id/project/les-incompris>`) would make that resource a
class in the published union, and show as a reference on its page; one of its resources used as a property (a
JSON-LD `@vocab` set to `{base}id/project/`, a key then read as `<…/id/project/les-incompris>`) would make it a
property of another's data, and stated by whoever wrote it; and one used as a literal's datatype
(`"x"^^<…/id/project/les-incompris>`) a datatype, a kind of class. New data is held to all three (harvested copies
leave such a resource out; data stored before is kept).
"""

from __future__ import annotations

from functools import cache
from typing import Sequence

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from isic_graph.errors import InstanceAsClass, InstanceAsProperty
from isic_graph.ingest.documents import Batch
from isic_graph.rdf import resources
from isic_graph.rdf.iris import lookalike_key, scheme_blind
from isic_graph.rdf.namespaces import ISIC, OWL, RDF_TYPE, RDFS
from isic_graph.rdf.vocabularies import is_vocabulary_term
from isic_graph.store.results import Term, term_value
from isic_graph.validation.validator import Issue

SH_TARGET_CLASS = "http://www.w3.org/ns/shacl#targetClass"
# the positions where an IRI is read as a class
CLASS_POSITIONS = (RDF_TYPE, RDFS + "subClassOf", OWL + "equivalentClass", RDFS + "domain", RDFS + "range")
KNOWN_CLASS_COMPONENT = "https://w3id.org/isic/shapes#KnownClassConstraintComponent"


@cache
def known_classes() -> frozenset[str]:
    """The classes the shapes target, and the ontology's subclasses of one (transitively)."""
    targeted: set[str] = set()
    for path in resources.shapes_files():
        for quad in parse(path=str(path), format=RdfFormat.TURTLE):
            if quad.predicate.value == SH_TARGET_CLASS and isinstance(quad.object, NamedNode):
                targeted.add(quad.object.value)
    parents: dict[str, set[str]] = {}
    for t in resources.ontology_triples():
        if t.predicate.value == RDFS + "subClassOf" and isinstance(t.subject, NamedNode) \
                and isinstance(t.object, NamedNode):
            parents.setdefault(t.subject.value, set()).add(t.object.value)
    known = set(targeted)
    changed = True
    while changed:
        changed = False
        for cls, above in parents.items():
            if cls not in known and above & known:
                known.add(cls)
                changed = True
    return frozenset(known)


def shown(cls: str) -> str:
    """A class as a person writes it: isic:Project, or its IRI in brackets."""
    return f"isic:{cls[len(ISIC):]}" if cls.startswith(ISIC) else f"<{cls}>"


def usable() -> str:
    """The classes a resource may be given, as a list a person reads."""
    return ", ".join(sorted(shown(c) for c in known_classes()))


def is_instance_iri(value: str, base: str) -> bool:
    """Whether an IRI, in any spelling (iris.lookalike_key, either web scheme), names a resource of this instance
    (`{base}id/…`, a blank node's part of one too)."""
    return in_space(value, base + "id/")


def is_instance_property(value: str, base: str) -> bool:
    """Whether an IRI used as a property, in any spelling (iris.lookalike_key, either web scheme), lies under this
    instance's base: a resource (`{base}id/…`), and any other IRI the instance serves or owns (`{base}sparql`,
    `{base}.well-known/genid/…`, `{base}catalog#…`), none of them a property; a vocabulary's term excepted, where the
    base would hold one. `localhost`, `127.0.0.1` and `[::1]` are different hosts, as for every look-alike (a browser
    takes them for different origins; a managed graph's IRI is compared the same way)."""
    root = scheme_blind(lookalike_key(base)).rstrip("/")
    found = scheme_blind(lookalike_key(value))
    return is_instance_iri(value, base) or (
        (found.rstrip("/") == root or found.startswith(root + "/")) and not is_vocabulary_term(value))


def in_space(value: str, space: str) -> bool:
    """Whether an IRI, in any spelling, is under a URI space (an instance's `{base}id/`, a peer's void:uriSpace)."""
    prefix = scheme_blind(lookalike_key(space))
    return scheme_blind(lookalike_key(value)).startswith(prefix + "/")


def misclassed(triples: Sequence[Triple], spaces: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The resources (a blank node's part: its owner) that use a resource under one of the URI spaces as a class
    ("class") or as a property ("property"), or are typed with no class the shapes know ("unchecked"): each with the
    IRI at fault and how it is used: what a harvest leaves out of a peer's copy, what the operator is shown of data
    stored before."""
    found: dict[str, tuple[str, str]] = {}
    for t in triples:
        subject = term_value(t.subject)
        if any(in_space(t.predicate.value, space) for space in spaces):
            found.setdefault(subject.split("#genid-")[0], (t.predicate.value, "property"))
        if isinstance(t.object, Literal) and any(in_space(t.object.datatype.value, space) for space in spaces):
            found.setdefault(subject.split("#genid-")[0], (t.object.datatype.value, "class"))
        if t.predicate.value not in CLASS_POSITIONS:
            continue
        for value in (t.object.value if isinstance(t.object, NamedNode) else None,
                      subject if t.predicate.value != RDF_TYPE else None):
            if value is not None and any(in_space(value, space) for space in spaces):
                found.setdefault(subject.split("#genid-")[0], (value, "class"))
    for issue in unknown_classes(Batch(tuple(triples), ())):
        found.setdefault(issue.focus.split("#genid-")[0],
                         ("" if issue.value is None else issue.value.value, "unchecked"))
    return found


def misclassed_reason(value: str, how: str) -> dict[str, str]:
    """Why misclassed names a resource, in English and French."""
    if how == "property":
        return {"en": f"uses <{value}>, a resource, as a property",
                "fr": f"emploie <{value}>, une ressource, comme propriété"}
    if how == "class":
        return {"en": f"uses <{value}>, a resource, as a class",
                "fr": f"emploie <{value}>, une ressource, comme classe"}
    return {"en": f"rdf:type: its class (<{value}>) is none the shapes check",
            "fr": f"rdf:type : sa classe (<{value}>) n'est aucune de celles que vérifient les formes"}


def check_class_positions(batch: Batch, base: str) -> None:
    """No resource of this instance where a class is read (a type, a superclass, a domain…): InstanceAsClass; nor
    where a property is (a triple's predicate, any IRI under the base in any spelling): InstanceAsProperty; nor any
    IRI under the base as a literal's datatype (a class of literals): InstanceAsClass."""
    for t in batch.triples:
        subject = term_value(t.subject)
        if is_instance_property(t.predicate.value, base):
            raise _instance_as_property(batch, subject, t.predicate.value)
        if isinstance(t.object, Literal) and is_instance_property(t.object.datatype.value, base):
            raise _instance_as_datatype(batch, subject, t.object.datatype.value)
        if t.predicate.value not in CLASS_POSITIONS:
            continue
        for value in (t.object.value if isinstance(t.object, NamedNode) else None,
                      subject if t.predicate.value != RDF_TYPE else None):
            if value is not None and is_instance_iri(value, base):
                raise _instance_as_class(batch, subject, value)


def _placed(batch: Batch, subject: str) -> tuple[str | None, str | None, str, str]:
    """Where the subject stands in the files sent: its row in English and French, and both as a parenthesis."""
    where = batch.locations.get(subject) or batch.locations.get(subject.split("#genid-")[0])
    if where is None:
        return None, None, "", ""
    return where.describe("en"), where.describe("fr"), f" ({where.describe('en')})", f" ({where.describe('fr')})"


def _instance_as_datatype(batch: Batch, subject: str, value: str) -> InstanceAsClass:
    row, row_fr, en, fr = _placed(batch, subject)
    return InstanceAsClass(
        f"<{subject}>{en} uses <{value}> as a literal's datatype: it is an IRI of this instance (a resource, a "
        "graph, a page), not a datatype. Write the value as plain text, or with a datatype of XML Schema "
        "(xsd:date, xsd:decimal…); nothing was stored",
        subject, value, row,
        fr=f"<{subject}>{fr} emploie <{value}> comme type de donnée d'un littéral : c'est une IRI de cette "
           "instance (une ressource, un graphe, une page), pas un type de donnée. Écrivez la valeur en texte "
           "simple, ou avec un type de XML Schema (xsd:date, xsd:decimal…) ; rien n'a été enregistré",
        row_fr=row_fr)


def _instance_as_class(batch: Batch, subject: str, value: str) -> InstanceAsClass:
    row, row_fr, en, fr = _placed(batch, subject)
    return InstanceAsClass(
        f"<{subject}>{en} uses <{value}> as a class: it is a resource of this instance (a project, an organisation…), "
        f"not a class. Give the resource a class of the ontology ({usable()}); nothing was stored",
        subject, value, row,
        fr=f"<{subject}>{fr} emploie <{value}> comme classe : c'est une ressource de cette instance (un projet, une "
           f"organisation…), pas une classe. Donnez à la ressource une classe de l'ontologie ({usable()}) ; rien n'a "
           "été enregistré", row_fr=row_fr)


def _instance_as_property(batch: Batch, subject: str, value: str) -> InstanceAsProperty:
    row, row_fr, en, fr = _placed(batch, subject)
    return InstanceAsProperty(
        f"<{subject}>{en} uses <{value}> as a property: it is an IRI of this instance (a resource such as a project "
        "or an organisation, a graph, a page or service), not a property (a JSON-LD @vocab or prefix set to this "
        "instance's IRIs makes a key one). Use the properties of the ontology (isic:…) or of another vocabulary; "
        "nothing was stored",
        subject, value, row,
        fr=f"<{subject}>{fr} emploie <{value}> comme propriété : c'est une IRI de cette instance (une ressource "
           "comme un projet ou une organisation, un graphe, une page ou un service), pas une propriété (un @vocab "
           "ou un préfixe JSON-LD posé sur les IRI de cette instance en fait une d'une clé). Employez les "
           "propriétés de l'ontologie (isic:…) ou d'un autre vocabulaire ; rien n'a été "
           "enregistré", row_fr=row_fr)


def unknown_classes(batch: Batch) -> list[Issue]:
    """The subjects the batch types with no class the shapes know, or with a text (`a "Projet"`: a class is an IRI,
    which a person writing Turtle by hand may not know): one issue for each, naming its classes and those it may
    use. (A subject without any class is untyped's: ingestion.untyped; a blank node as a class is made an IRI of
    the instance when the batch is read, and refused as such: InstanceAsClass.)"""
    types: dict[str, list[Term]] = {}
    for t in batch.triples:
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, Triple):  # (triple terms are refused on reading)
            types.setdefault(term_value(t.subject), []).append(t.object)
    known = known_classes()
    issues = []
    for subject, classes in sorted(types.items()):
        texts = sorted((c for c in classes if isinstance(c, Literal)), key=str)
        if texts:
            said = ", ".join(map(str, texts))
            issues.append(Issue(subject, RDF_TYPE, texts[0], {
                "en": f"This resource's class is written as a text ({said}), where a class is an IRI: give it one "
                      f"of the classes of the ontology or that the shapes check: {usable()}.",
                "fr": f"La classe de cette ressource est écrite comme un texte ({said}), alors qu'une "
                      f"classe est une IRI : donnez-lui une des classes de l'ontologie ou que vérifient les formes : "
                      f"{usable()}."}, KNOWN_CLASS_COMPONENT))
            continue
        if any(term_value(c) in known for c in classes):
            continue
        first = min(classes, key=term_value)
        named = ", ".join(shown(value) for value in sorted(term_value(c) for c in classes))
        issues.append(Issue(subject, RDF_TYPE, first if isinstance(first, NamedNode) else None, {
            "en": f"This resource's class ({named}) is none the shapes check: its content would be published "
                  f"unchecked. Give it one of the classes of the ontology or that the shapes check: {usable()}.",
            "fr": f"La classe de cette ressource ({named}) n'est aucune de celles que vérifient les formes : son "
                  f"contenu serait publié sans vérification. Donnez-lui une des classes de l'ontologie ou que "
                  f"vérifient les formes : {usable()}."}, KNOWN_CLASS_COMPONENT))
    return issues
