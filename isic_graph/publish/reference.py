"""The analysts' reference, read from the shipped artefacts whatever they hold: per class the properties it
carries (its shape's and those the samples use), their cardinality, an example value and an example query;
each thesaurus with its concepts. One reading, shown by /ontology and written into docs/analysts.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable, Mapping

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import DCTERMS, FOAF, ISIC, OWL, PREFIXES, RDF_TYPE, RDFS, SH, SHAPES, SKOS, THESAURUS

SAMPLE_BASE = "https://samples.invalid/"  # the samples' relative IRIs, resolved only to be written back relative
SAMPLE_SUFFIXES = (".ttl", ".jsonld", ".nt", ".csv")  # the files of a sample network that init reads
NAMES = (DCTERMS + "title", SKOS + "prefLabel", RDFS + "label", FOAF + "name", ISIC + "statement")
QUERY_PREFIXES = ("isic", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "foaf", "org")
MAX_EXAMPLE = 70
BEGIN = "<!-- reference: generated from the ontology, shapes, thesauri, samples and queries by " \
        "`isic-graph reference`; do not edit by hand -->"
END = "<!-- end of the generated reference -->"


@dataclass(frozen=True)
class Field:
    """A property a class carries: its IRI, labels, cardinality from the shape, an example from the samples."""

    iri: str
    name: str  # prefixed
    labels: Mapping[str, str]
    min_count: int
    max_count: int | None
    example: str
    used: bool  # the samples use it on this class

    @property
    def cardinality(self) -> str:
        return f"{self.min_count}..{'*' if self.max_count is None else self.max_count}"


@dataclass(frozen=True)
class ClassDoc:
    """A class of the ontology as an analyst needs it."""

    iri: str
    local: str
    labels: Mapping[str, str]
    definitions: Mapping[str, str]
    shape: str | None  # the local name of its node shape, the anchor on the shapes page
    fields: tuple[Field, ...]
    instances: int  # in the samples, as `init --samples` loads them (every sample network, CSV ones too)
    query: str
    competency: tuple[str, ...]  # the queries of queries/ that name it


@dataclass(frozen=True)
class Concept:
    iri: str
    code: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Scheme:
    iri: str
    slug: str
    labels: Mapping[str, str]
    concepts: tuple[Concept, ...]


@dataclass(frozen=True)
class Reference:
    classes: tuple[ClassDoc, ...]
    schemes: tuple[Scheme, ...]


def value_of(term: object) -> str:
    """The IRI, blank node id or lexical form of a term."""
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


def read(path: Path, base: str | None = None) -> list[Triple]:
    with path.open("rb") as handle:
        return [q.triple for q in parse(handle, format=RdfFormat.TURTLE, base_iri=base)]


def prefixed(iri: str) -> str:
    """A prefixed name for the vocabularies, `id/…` for the samples' resources, else the IRI in brackets."""
    if iri.startswith(SAMPLE_BASE):
        return f"<{iri[len(SAMPLE_BASE):]}>"
    if iri.startswith(THESAURUS):
        return f"<{iri}>"
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def written(term: object) -> str:
    """A term as a query writes it: literals with their language tag or datatype."""
    if isinstance(term, Literal):
        text = term.value if len(term.value) <= MAX_EXAMPLE else term.value[:MAX_EXAMPLE - 1] + "…"
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value.endswith("#string"):
            return text
        if term.datatype.value.endswith(("#integer", "#decimal", "#boolean")):
            return term.value
        return f"{text}^^{prefixed(term.datatype.value)}"
    return prefixed(term.value) if isinstance(term, NamedNode) else "[]"


def texts(index: Mapping[str, list[Triple]], subject: str, predicate: str) -> dict[str, str]:
    return {t.object.language or "": value_of(t.object) for t in index.get(subject, [])
            if t.predicate.value == predicate and isinstance(t.object, Literal)}


def index_of(triples: Iterable[Triple]) -> dict[str, list[Triple]]:
    found: dict[str, list[Triple]] = {}
    for t in triples:
        found.setdefault(str(t.subject), []).append(t)
    return found


def variable(iri: str) -> str:
    return re.sub(r"\W", "_", re.split(r"[#/]", iri)[-1]) or "value"


def example_query(local: str, fields: Iterable[Field], direct: bool = True) -> str:
    """SELECT the class's instances (those of its subclasses when it has none of its own) with their name in
    French and up to three of their single values."""
    chosen = [f for f in fields if f.used]
    name = next((f for f in chosen if f.iri in NAMES), None)
    others = [f for f in chosen if f is not name and f.max_count == 1][:3]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in QUERY_PREFIXES]
    heads = ["?x"] + (["?name"] if name else []) + [f"?{variable(f.iri)}" for f in others]
    path = "a" if direct else "a/rdfs:subClassOf*"
    lines += ["", f"SELECT DISTINCT {' '.join(heads)} WHERE {{", f"  ?x {path} isic:{local} ."]
    if name:
        lines.append(f'  OPTIONAL {{ ?x {name.name} ?name FILTER(lang(?name) = "fr" || lang(?name) = "") }}')
    lines += [f"  OPTIONAL {{ ?x {f.name} ?{variable(f.iri)} }}" for f in others]
    lines += ["}", "ORDER BY ?x", "LIMIT 50"]
    return "\n".join(lines)


@cache
def reference() -> Reference:
    """The reference of the shipped artefacts, read once."""
    ontology = read(resources.ontology_file())
    shapes = [t for path in resources.shapes_files() for t in read(path)]
    thesauri = [t for path in resources.thesaurus_files() for t in read(path)]
    samples = sample_triples()
    index, shape_index, sample_index = index_of(ontology), index_of(shapes), index_of(samples)
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted(resources.queries_dir().glob("*.rq"))}
    labels_of_paths: dict[str, dict[str, str]] = {}
    for t in shapes:
        if t.predicate.value == SH + "path" and isinstance(t.object, NamedNode):
            for name in shape_index.get(str(t.subject), []):
                if name.predicate.value == SH + "name" and isinstance(name.object, Literal):
                    labels_of_paths.setdefault(value_of(t.object), {}).setdefault(name.object.language or "",
                                                                              value_of(name.object))
    typed: dict[str, list[str]] = {}
    for t in samples:
        if t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode):
            typed.setdefault(value_of(t.object), []).append(str(t.subject))
    classes = []
    for t in ontology:
        iri = value_of(t.subject) if isinstance(t.subject, NamedNode) else ""
        if t.predicate.value != RDF_TYPE or value_of(t.object) != OWL + "Class" or not iri.startswith(ISIC):
            continue
        shape, fields = None, {}
        for s in shapes:
            if s.predicate.value == SH + "targetClass" and value_of(s.object) == iri:
                shape = value_of(s.subject)[len(SHAPES):] if value_of(s.subject).startswith(SHAPES) else None
                for p in shape_index.get(str(s.subject), []):
                    if p.predicate.value != SH + "property":
                        continue
                    facts = {x.predicate.value: x.object for x in shape_index.get(str(p.object), [])}
                    path = facts.get(SH + "path")
                    if not isinstance(path, NamedNode):
                        continue
                    low, high = facts.get(SH + "minCount"), facts.get(SH + "maxCount")
                    fields[path.value] = (int(low.value) if isinstance(low, Literal) else 0,
                                          int(high.value) if isinstance(high, Literal) else None)
        subjects = typed.get(iri, [])
        examples: dict[str, object] = {}
        for subject in subjects:
            for x in sample_index.get(subject, []):
                if x.predicate.value != RDF_TYPE:
                    examples.setdefault(x.predicate.value, x.object)
                    fields.setdefault(x.predicate.value, (0, None))
        field_docs = tuple(Field(p, prefixed(p), labels_of_paths.get(p) or texts(index, f"<{p}>", RDFS + "label"),
                                 low, high, written(examples[p]) if p in examples else "", p in examples)
                           for p, (low, high) in fields.items())
        local = iri[len(ISIC):]
        mention = re.compile(rf"isic:{re.escape(local)}\b")
        classes.append(ClassDoc(iri, local, texts(index, str(t.subject), RDFS + "label"),
                                texts(index, str(t.subject), SKOS + "definition"), shape, field_docs,
                                len(set(subjects)), example_query(local, field_docs, bool(subjects)),
                                tuple(name for name, text in queries.items() if mention.search(text))))
    thesaurus_index = index_of(thesauri)
    in_scheme: dict[str, list[str]] = {}
    for t in thesauri:
        if t.predicate.value == SKOS + "inScheme":
            in_scheme.setdefault(value_of(t.object), []).append(value_of(t.subject))
    schemes = []
    for t in thesauri:
        if t.predicate.value == RDF_TYPE and value_of(t.object) == SKOS + "ConceptScheme":
            iri = value_of(t.subject)
            concepts = tuple(Concept(c, next((value_of(x.object) for x in thesaurus_index.get(f"<{c}>", [])
                                              if x.predicate.value == SKOS + "notation"), c.rsplit("/", 1)[-1]),
                                     texts(thesaurus_index, f"<{c}>", SKOS + "prefLabel"))
                             for c in dict.fromkeys(in_scheme.get(iri, [])))
            schemes.append(Scheme(iri, iri[len(THESAURUS):], texts(thesaurus_index, f"<{iri}>", SKOS + "prefLabel"),
                                  concepts))
    return Reference(tuple(classes), tuple(sorted(schemes, key=lambda s: s.slug)))


@cache
def sample_triples() -> list[Triple]:
    """Every sample network's triples, read as `isic-graph init --samples` reads them: each network's Turtle,
    N-Triples, JSON-LD and CSV sheet files as one submission (its CSV tables through the sheet model)."""
    out: list[Triple] = []
    order_file = resources.samples_dir() / "ORDER"  # the order init loads them in, which picks the examples
    order = order_file.read_text().split() if order_file.is_file() else []
    for folder in sorted((p for p in resources.samples_dir().iterdir() if p.is_dir()),
                         key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name)):
        files = sorted(p for p in folder.iterdir() if p.suffix in SAMPLE_SUFFIXES)
        if files:
            out.extend(read_batch([Document.from_path(p) for p in files], SAMPLE_BASE).triples)
    return out


def sample_uses() -> dict[str, set[str]]:
    """Every property the samples use, by the class of the subject using it (for the docs' own checks)."""
    triples = sample_triples()
    types: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE:
            types.setdefault(str(t.subject), set()).add(value_of(t.object))
    used: dict[str, set[str]] = {}
    for t in triples:
        for kind in types.get(str(t.subject), set()):
            if t.predicate.value != RDF_TYPE:
                used.setdefault(kind, set()).add(t.predicate.value)
    return used
