"""The collection-sheet form, generated from the SHACL shapes: its fields, and the triples a filled form means.

A field is a property shape of the Project or Lesson node shape: its sh:name and sh:description (fr/en)
are its label and help, sh:group and sh:order place it, sh:minCount makes it required, sh:maxCount 1
single. Its input follows the shape: text for rdf:langString and xsd:string (a text area for long
texts), a date, yes/no, a number; a pick-list for a concept of a thesaurus (the scheme named by the
shape's sh:node) or for a resource of a stored class (sh:class: organisations, territories, projects,
lessons). Property shapes whose values are structured resources of their own (partnerships,
fundings, roles, user groups…) are left to the CSV sheet.

A filled form becomes the triples of one project, its lessons and its collection sheet, ingested like
any submission: the same shapes, the same path, all or nothing.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from isic_graph.errors import UsageError
from isic_graph.rdf import resources
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    PROV,
    RDF_LANG_STRING,
    RDF_TYPE,
    RDFS,
    SH,
    SKOS,
    XSD,
    Graphs,
)
from isic_graph.rdf.namespaces import SHAPES as SHAPES_NS
from isic_graph.store.base import Store

LONG_TEXTS = {"description", "genesis", "modalities", "statement", "recommendation"}
PICKABLE_CLASSES = {f"{ISIC}Organisation", f"{ISIC}Territory", f"{ISIC}Lesson"}
MAX_LESSONS = 20
SHAPES = {"project": SHAPES_NS + "ProjectShape", "lesson": SHAPES_NS + "LessonShape"}
AUTOMATIC = {f"{ISIC}learnedFrom"}  # a lesson is learnt from the sheet's project
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"


@dataclass(frozen=True)
class Field:
    """One input of the form."""

    key: str  # the path's local name
    path: str
    names: Mapping[str, str]
    help: Mapping[str, str]
    group: Mapping[str, str]
    order: tuple[float, float]  # the group's order, then the field's
    required: bool
    multiple: bool
    kind: str  # text, textarea, date, boolean, number, choice
    datatype: str | None = None
    scheme: str | None = None  # the thesaurus whose concepts are the choices
    target_class: str | None = None  # or the stored class whose resources are
    one_per_language: bool = False  # sh:uniqueLang: several values only as translations

    def name(self, lang: str) -> str:
        return pick(self.names, lang) or self.key


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class FilledSheet:
    """The form's values, by field name (`project.title`, `lesson.0.statement`), as strings."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.values:
            lesson_index(name)  # a lesson block the form cannot have is refused, not left out

    def get(self, name: str) -> list[str]:
        return [v for v in self.values.get(name, []) if v.strip()]

    def lessons(self) -> list[int]:
        """The indexes of the lesson blocks that say something."""
        found = sorted({i for name in self.values if (i := lesson_index(name)) is not None})
        return [i for i in found if any(self.get(n) for n in self.values if n.startswith(f"lesson.{i}."))]


LESSON_FIELD = re.compile(r"lesson\.([^.]*)\.")
LESSON_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")


def lesson_index(name: str) -> int | None:
    """The lesson block a field name (`lesson.3.statement`) belongs to, None for a field of no lesson; a UsageError
    when the index is not a number from 0 to MAX_LESSONS - 1."""
    found = LESSON_FIELD.match(name)
    if found is None:
        return None
    index = found.group(1)
    if not LESSON_INDEX.fullmatch(index) or int(index) >= MAX_LESSONS:
        shown = index if len(index) <= 12 else index[:12] + "…"
        raise UsageError(f"field {name[:40]!r}: the lesson number {shown!r} is not a number from 0 to "
                         f"{MAX_LESSONS - 1} (a sheet holds at most {MAX_LESSONS} lessons)")
    return int(index)


@cache
def _shapes() -> dict[str, list[Triple]]:
    index: dict[str, list[Triple]] = defaultdict(list)
    for path in resources.shapes_files():
        for quad in parse(path=str(path), format=RdfFormat.TURTLE):
            index[str(quad.subject)].append(quad.triple)
    return index


def _objects(subject: str, predicate: str) -> list[object]:
    return [t.object for t in _shapes().get(subject, []) if t.predicate.value == predicate]


def _texts(subject: str, predicate: str) -> dict[str, str]:
    return {o.language or "": o.value for o in _objects(subject, predicate) if isinstance(o, Literal)}


def _number(subject: str, predicate: str) -> float | None:
    found = [o for o in _objects(subject, predicate) if isinstance(o, Literal)]
    return float(found[0].value) if found else None


@cache
def fields(kind: str) -> tuple[Field, ...]:
    """The fields of the `project` or `lesson` part of the form, in the shapes' order."""
    return tuple(f for f in shape_fields(SHAPES[kind]) if f.kind != "link" and f.path not in AUTOMATIC)


@cache
def shape_fields(node_shape: str) -> tuple[Field, ...]:
    """Every property shape of a node shape with a value a sheet can hold, in the shapes' order: the form's
    fields, plus links to resources of classes the form cannot pick (kind `link`, with their class)."""
    found = []
    for shape in _objects(f"<{node_shape}>", SH + "property"):
        key_node = str(shape)
        paths = [o for o in _objects(key_node, SH + "path") if isinstance(o, NamedNode)]
        if not paths:
            continue
        path = paths[0].value
        key = re.split(r"[#/]", path)[-1]
        datatype = next((o.value for o in _objects(key_node, SH + "datatype") if isinstance(o, NamedNode)), None)
        datatype = datatype or _alternative_datatype(key_node)
        classes = [o.value for o in _objects(key_node, SH + "class") if isinstance(o, NamedNode)]
        scheme = _scheme(key_node)
        if datatype in (RDF_LANG_STRING, XSD + "string"):
            kind_of = "textarea" if key in LONG_TEXTS else "text"
        elif datatype == XSD + "date":
            kind_of = "date"
        elif datatype == XSD + "boolean":
            kind_of = "boolean"
        elif datatype in (XSD + "decimal", XSD + "integer", XSD + "nonNegativeInteger"):
            kind_of = "number"
        elif scheme or (classes and classes[0] in PICKABLE_CLASSES):
            kind_of = "choice"
        elif classes:
            kind_of = "link"
        else:
            continue  # values of several kinds (sh:or of classes), or IRIs of no class: described by hand
        group = next(iter(_objects(key_node, SH + "group")), None)
        group_order = _number(str(group), SH + "order") if group is not None else None
        max_count = _number(key_node, SH + "maxCount")
        unique_lang = any(isinstance(o, Literal) and o.value == "true" for o in _objects(key_node, SH + "uniqueLang"))
        found.append(Field(key, path, _texts(key_node, SH + "name"), _texts(key_node, SH + "description"),
                           _texts(str(group), RDFS + "label") if group is not None else {},
                           (group_order if group_order is not None else 99, _number(key_node, SH + "order") or 0),
                           (_number(key_node, SH + "minCount") or 0) >= 1, max_count != 1, kind_of, datatype, scheme,
                           classes[0] if classes and not scheme else None, unique_lang))
    return tuple(sorted(found, key=lambda f: f.order))


def _alternative_datatype(shape: str) -> str | None:
    """The first datatype of a property shape's sh:or list (`[ sh:datatype xsd:decimal ] [ … ]`), if any."""
    for head in _objects(shape, SH + "or"):
        node: object = head
        while isinstance(node, (NamedNode, BlankNode)) and str(node) != f"<{RDF_NIL}>":
            for member in _objects(str(node), RDF_FIRST):
                found = [o.value for o in _objects(str(member), SH + "datatype") if isinstance(o, NamedNode)]
                if found:
                    return found[0]
            node = next(iter(_objects(str(node), RDF_REST)), None)
    return None


def _scheme(shape: str) -> str | None:
    """The concept scheme a property shape's values must be in (through its sh:node), if any."""
    for node in _objects(shape, SH + "node"):
        for inner in _objects(str(node), SH + "property"):
            if any(isinstance(p, NamedNode) and p.value == SKOS + "inScheme" for p in _objects(str(inner), SH + "path")):
                values = [o for o in _objects(str(inner), SH + "hasValue") if isinstance(o, NamedNode)]
                if values:
                    return values[0].value
    return None


def slug(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "projet"


def sheet_iri(sheet: FilledSheet, graphs: Graphs, network: str) -> str:
    """The collection sheet's IRI (one per project)."""
    title = (sheet.get("project.title") or ["projet"])[0]
    return f"{graphs.base}id/sheet/{slug((sheet.get('project.id') or [f'{network}-{slug(title)}'])[0])}"


def sheet_triples(sheet: FilledSheet, graphs: Graphs, network: str, lang: str,
                  today: datetime.date | None = None, created: str | None = None) -> tuple[list[Triple], dict[str, str]]:
    """The triples a filled form stands for, and which form block each described IRI is (for the errors).

    created: the date the collection sheet was first written, when it is edited (else today)."""
    title = (sheet.get("project.title") or ["projet"])[0]
    project_slug = (sheet.get("project.id") or [f"{network}-{slug(title)}"])[0]
    project = NamedNode(f"{graphs.base}id/project/{slug(project_slug)}")
    blocks = {project.value: "project"}
    triples = [Triple(project, NamedNode(RDF_TYPE), NamedNode(ISIC + "Project"))]
    triples += _values(project, "project", fields("project"), sheet, lang)
    for i in sheet.lessons():
        lesson = NamedNode(f"{graphs.base}id/lesson/{slug(project_slug)}-{i + 1}")
        blocks[lesson.value] = f"lesson.{i}"
        triples += [Triple(lesson, NamedNode(RDF_TYPE), NamedNode(ISIC + "Lesson")),
                    Triple(lesson, NamedNode(ISIC + "learnedFrom"), project)]
        triples += _values(lesson, f"lesson.{i}", fields("lesson"), sheet, lang)
    record = NamedNode(f"{graphs.base}id/sheet/{slug(project_slug)}")
    blocks[record.value] = "sheet"
    day = Literal((today or datetime.date.today()).isoformat(), datatype=NamedNode(XSD + "date"))
    triples += [Triple(record, NamedNode(RDF_TYPE), NamedNode(ISIC + "CollectionSheet")),
                Triple(record, NamedNode(ISIC + "describes"), project),
                Triple(record, NamedNode(PROV + "wasAttributedTo"), NamedNode(graphs.network_resource(network))),
                Triple(record, NamedNode(DCTERMS + "created"),
                       Literal(created, datatype=NamedNode(XSD + "date")) if created else day),
                Triple(record, NamedNode(DCTERMS + "modified"), day)]
    return triples, blocks


def _values(subject: NamedNode, prefix: str, known: Sequence[Field], sheet: FilledSheet, lang: str) -> list[Triple]:
    found = []
    for f in known:
        for raw in sheet.get(f"{prefix}.{f.key}"):
            value = raw.strip()
            term: NamedNode | Literal | None
            if f.kind == "choice":
                try:
                    term = NamedNode(value)
                except ValueError:
                    term = Literal(value)  # not an IRI: the shapes will say so, beside the field
            elif f.datatype == RDF_LANG_STRING:
                term = Literal(value, language=lang)
            elif f.datatype and f.datatype != XSD + "string":
                term = Literal(value, datatype=NamedNode(f.datatype))
            else:
                term = Literal(value)
            found.append(Triple(subject, NamedNode(f.path), term))
    return found


def options(store: object, f: Field, lang: str) -> list[Option]:
    """The choices of a pick-list: a thesaurus's concepts, or the stored resources of a class."""

    assert isinstance(store, Store)
    if f.scheme:
        where = f"?x <{SKOS}inScheme> <{f.scheme}> ; <{SKOS}prefLabel> ?label ."
    else:
        where = (f"?x a <{f.target_class}> . OPTIONAL {{ ?x <{RDFS}label>|<{DCTERMS}title>|<{ISIC}statement> ?label }}")
    rows = store.select(f"SELECT ?x ?label WHERE {{ {where} FILTER(isIRI(?x)) }}").rows
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        term = row.get("label")
        labels[row["x"].value][getattr(term, "language", None) or ""] = term.value if term is not None else ""
    picked = {x: pick(by, lang) or x for x, by in labels.items()}
    return sorted((Option(x, label[:120]) for x, label in picked.items()), key=lambda o: o.label.lower())


__all__ = ["Field", "FilledSheet", "Option", "fields", "options", "shape_fields", "sheet_triples", "slug"]
