"""Personal data in triples: which term holds it (the resource's IRI, a property's IRI, a value, a value's
datatype), its W3C validation result, and the masking of every spelling of it in a report.

Terms are searched as they were submitted (pyoxigraph's lexical forms): rdflib, which reports, normalises
typed literals ("0612345678"^^xsd:integer becomes 612345678, an invalid boolean becomes false), so that a
search of its terms could miss what the submission holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Collection, Iterable

import pyoxigraph
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from isic_graph.privacy import Kind, masked, personal_data, personal_data_in_iri, redact
from isic_graph.rdf.namespaces import SH as SHACL
from isic_graph.rdf.namespaces import SHAPES_IRI, XSD

SH = Namespace(SHACL)
PERSONAL_DATA = URIRef(SHAPES_IRI + "#PersonalDataConstraintComponent")
MASKED = URIRef(SHAPES_IRI + "#MaskedValue")  # the datatype of what a report shows instead of personal data
XSD_STRING = XSD + "string"
HEX_BINARY = XSD + "hexBinary"  # a base64Binary is text the base64 reading of privacy sees through
NUMBERS = frozenset(XSD + name for name in (
    "decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "float", "double"))
PLACES = {  # where the datum is: what the message says, in French and English
    "resource": ("L'IRI de cette ressource contient", "The IRI of this resource holds"),
    "property": ("L'IRI d'une propriété de cette ressource contient", "The IRI of a property of this resource holds"),
    "value": ("Ce champ contient", "This field contains"),
    "datatype": ("Le type de donnée d'une valeur de ce champ contient", "The datatype of a value of this field holds"),
    "language": ("L'étiquette de langue d'une valeur de ce champ contient",
                 "The language tag of a value of this field holds"),
}


@dataclass(frozen=True)
class Finding:
    """A piece of personal data in a batch: the resource, the field (none when the datum is an IRI of the
    resource or of one of its properties), the term holding it as rdflib holds it, its kind and place, and
    the spellings of it that a report must never show."""

    subject: Node
    predicate: Node | None
    term: Node
    kind: Kind
    place: str
    shown: tuple[str, ...]

    def messages(self) -> dict[str, str]:
        where_fr, where_en = PLACES[self.place]
        return {"fr": f"{where_fr} {self.kind.fr} : aucune donnée personnelle n'est publiée ici (des groupes, "
                      "pas des personnes).",
                "en": f"{where_en} {self.kind.en}: no personal data is published here (groups, not people)."}


def personal_data_in(triples: Iterable[pyoxigraph.Triple], focus: Collection[str] | None = None) -> list[Finding]:
    """Each piece of personal data in every position of the triples (about the focus resources only, when given):
    subject, predicate, object, and the lexical form, datatype and language tag of literals, whatever their datatype."""
    found: dict[tuple[Node, str, Node | None, str, str | None], Finding] = {}
    iris: dict[str, list[Kind]] = {}
    literals: dict[pyoxigraph.Literal, list[Kind]] = {}

    def iri_kinds(iri: str) -> list[Kind]:
        kinds = iris.get(iri)
        if kinds is None:
            kinds = iris[iri] = personal_data_in_iri(iri)
        return kinds

    def add(t: pyoxigraph.Triple, place: str, kinds: list[Kind]) -> None:
        """Record the kinds found in one place of a triple; rdflib terms are made only then (they are slow)."""
        subject, o = rdflib_term(t.subject), t.object
        predicate: Node | None = URIRef(t.predicate.value)
        term: Node
        shown: tuple[str, ...]
        if place == "resource":
            predicate, term, shown = None, subject, (str(subject),)
        elif place == "property":
            term, predicate, shown = URIRef(t.predicate.value), None, (t.predicate.value,)
        elif place == "datatype" and isinstance(o, pyoxigraph.Literal):
            term, shown = rdflib_term(o), (o.datatype.value,)
        elif place == "language" and isinstance(o, pyoxigraph.Literal):
            term, shown = rdflib_term(o), (f'"{o.value}"@{o.language}', o.language or "")
        elif isinstance(o, pyoxigraph.Literal):
            term = rdflib_term(o)
            shown = tuple(text for text in dict.fromkeys((o.value, str(term))) if personal_data(text))
        else:
            term, shown = rdflib_term(o), (str(rdflib_term(o)),)
        language = o.language if place == "value" and isinstance(o, pyoxigraph.Literal) else None
        for kind in kinds:  # a text and its translation are two values (a sheet's `titre` and `titre_en` cells)
            found.setdefault((subject, place, predicate, kind.code, language),
                             Finding(subject, predicate, term, kind, place, shown))

    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if focus is not None and not (isinstance(s, pyoxigraph.NamedNode) and s.value in focus):
            continue
        if isinstance(s, pyoxigraph.NamedNode) and (kinds := iri_kinds(s.value)):
            add(t, "resource", kinds)
        if kinds := iri_kinds(p.value):
            add(t, "property", kinds)
        if isinstance(o, pyoxigraph.NamedNode):
            if kinds := iri_kinds(o.value):
                add(t, "value", kinds)
        elif isinstance(o, pyoxigraph.Literal):
            known = literals.get(o)
            if known is None:
                known = literals[o] = _literal_kinds(o)
            if known:
                add(t, "value", known)
            if kinds := iri_kinds(o.datatype.value):
                add(t, "datatype", kinds)
            if o.language and (tags := _tag_kinds(o.language)):
                add(t, "language", list(tags))
    return list(found.values())


def _literal_kinds(literal: pyoxigraph.Literal) -> list[Kind]:
    """The personal data in a literal's lexical form, and in a number's digits ("1.84127645108946E14")."""
    if len(literal.value) > CACHED_LENGTH:  # a long text is seldom repeated: not kept
        return _searched_literal(literal)
    return list(_literal_kinds_of(literal))


@lru_cache(maxsize=1024)  # a batch's tags repeat ("fr", "en")
def _tag_kinds(tag: str) -> tuple[Kind, ...]:
    """The personal data in a language tag: its private-use subtags may spell anything ("fr-x-06-12-34-56-78")."""
    return tuple(personal_data(tag))


CACHED_LENGTH = 2000  # the literals whose findings are kept: at most this many characters, 8,192 of them (16 MB)


@lru_cache(maxsize=8192)  # the vocabulary's labels and definitions are searched again by every check of a store
def _literal_kinds_of(literal: pyoxigraph.Literal) -> tuple[Kind, ...]:
    return tuple(_searched_literal(literal))


def _searched_literal(literal: pyoxigraph.Literal) -> list[Kind]:
    kinds = personal_data(literal.value)
    if not kinds and literal.datatype.value in NUMBERS:
        try:
            number = Decimal(literal.value.strip())
        except InvalidOperation:
            return kinds
        if number.is_finite() and number == number.to_integral_value() and abs(number) < 10 ** 34:
            kinds = personal_data(str(int(number)))
    if not kinds and literal.datatype.value == HEX_BINARY:  # its value is the bytes it spells: text, maybe
        try:
            kinds = personal_data(bytes.fromhex(literal.value.strip()).decode("utf-8"))
        except ValueError:  # not hexadecimal, or bytes that are no text
            return kinds
    return kinds


def rdflib_term(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple) -> Node:
    """A pyoxigraph term as rdflib reads it from N-Triples (as `validation.to_rdflib` gives it to pySHACL)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"no rdflib term for {type(term).__name__}")


def masked_literal(kinds: Iterable[Kind]) -> Literal:
    """What a report holds in place of a piece of personal data: its kinds only, e.g. "*** (email)"."""
    return Literal(masked(kinds), datatype=MASKED)


def value_language(value: Node) -> str | None:
    """The language of a value a report masks, when it is a text whose tag holds no personal data: it tells a
    sheet's French and English columns apart (`titre`, `titre_en`), the value no longer can."""
    if isinstance(value, Literal) and value.language and not _tag_kinds(value.language):
        return value.language
    return None


def report_personal_data(report: Graph, found: list[Finding]) -> dict[Node, str]:
    """A W3C validation result per piece of personal data; the value names its kind, never the datum.
    Returns the language of the values masked, by result."""
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(False)))
    languages: dict[Node, str] = {}
    for finding in found:
        result = BNode()
        if finding.place == "value" and (language := value_language(finding.term)):
            languages[result] = language
        report.add((root, SH.result, result))
        for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, finding.subject),
                     (SH.value, masked_literal([finding.kind])), (SH.resultSeverity, SH.Violation),
                     (SH.sourceConstraintComponent, PERSONAL_DATA)):
            report.add((result, p, o))
        for lang, message in finding.messages().items():
            report.add((result, SH.resultMessage, Literal(message, lang=lang)))
        if finding.predicate is not None:
            report.add((result, SH.resultPath, finding.predicate))
    return languages


def mask_report(report: Graph, found: list[Finding]) -> dict[Node, str]:
    """Replace every piece of personal data the report would repeat by its kinds: values and focus nodes,
    paths (dropped), and any spelling of it in messages. Returns the language of the values masked, by result."""
    languages: dict[Node, str] = {}
    kinds: dict[Node, list[Kind]] = {}
    spellings: dict[str, list[Kind]] = {}
    for finding in found:
        kinds.setdefault(finding.term, []).append(finding.kind)
        for text in finding.shown:
            spellings.setdefault(text, []).append(finding.kind)
    longest_first = sorted(spellings, key=len, reverse=True)
    for subject, predicate, value in list(report):
        if predicate in (SH.value, SH.focusNode) and value in kinds:
            if predicate == SH.value and (language := value_language(value)):
                languages[subject] = language
            report.remove((subject, predicate, value))
            report.add((subject, predicate, masked_literal(kinds[value])))
        elif predicate == SH.resultPath and value in kinds:
            report.remove((subject, predicate, value))
        elif predicate == SH.resultMessage and isinstance(value, Literal):
            text = str(value)
            for spelling in longest_first:
                if spelling in text:
                    text = text.replace(spelling, masked(spellings[spelling]))
            text = redact(text)
            if text != str(value):
                report.remove((subject, predicate, value))
                report.add((subject, predicate, Literal(text, lang=value.language)))
    return languages
