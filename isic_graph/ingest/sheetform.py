"""The collection-sheet form's fields, generated from the SHACL shapes, and the choices of its pick-lists.

A field is a property shape of the Project or Lesson node shape: its sh:name and sh:description (fr/en)
are its label and help, sh:group and sh:order place it, sh:minCount makes it required, sh:maxCount 1
single. Its input follows the shape: text for rdf:langString and xsd:string (a text area for long
texts), a date, yes/no, a number; a pick-list for a concept of a thesaurus (the scheme named by the
shape's sh:node) or for a resource of a stored class (sh:class: organisations, territories, projects,
lessons; several classes at once for a shape's sh:or, as transferability). Short texts of several values
are one box, one value a line or separated by `|`. Repeatable blocks, from the shapes of their classes,
describe partners, fundings, and the network's own organisations and territories (which the form's
pick-lists then offer as `#organisation.0`…); the sheet's other tables around a project (user groups, roles,
committees, participations, milestones, activities, evaluations, in-kind contributions, aid to families,
resources) are blocks generated from the sheet model (sheetblocks.py).

A filled form's values are read in sheetfilled.py, and the triples they stand for are made in sheettriples.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Iterable, Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from isic_graph.rdf import resources
from isic_graph.rdf.labels import in_order, pick
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    PROV,
    RDF_LANG_STRING,
    RDFS,
    SH,
    SKOS,
    XSD,
)
from isic_graph.rdf.namespaces import SHAPES as SHAPES_NS
from isic_graph.store.base import Store

LONG_TEXTS = {"description", "genesis", "modalities", "statement", "recommendation"}
PICKABLE_CLASSES = {f"{ISIC}Organisation", f"{ISIC}Actor", f"{ISIC}Territory", f"{ISIC}Lesson"}
SHAPES = {"project": SHAPES_NS + "ProjectShape", "lesson": SHAPES_NS + "LessonShape",
          "sheet": SHAPES_NS + "CollectionSheetShape"}
# what the form writes of the collection sheet itself: the project it describes, its network, its dates
SHEET_AUTOMATIC = {f"{ISIC}describes", f"{PROV}wasAttributedTo", f"{DCTERMS}created", f"{DCTERMS}modified"}
AUTOMATIC = {f"{ISIC}learnedFrom"}  # a lesson is learnt from the sheet's project
# the project's links to what its blocks describe (partners, fundings, the sheet's tables): written by the blocks
BLOCK_LINKS = {f"{ISIC}{name}" for name in ("partnership", "funding", "userGroup", "involves", "inKind", "familyAid",
                                            "keyMoment")}
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
OWL_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"


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
    """The fields of the `project`, `lesson` or `sheet` part of the form, in the shapes' order: the second edition's
    properties only (a deprecated one is still read, but the form writes its replacements)."""
    automatic = SHEET_AUTOMATIC if kind == "sheet" else AUTOMATIC | BLOCK_LINKS
    return tuple(f for f in shape_fields(SHAPES[kind]) if f.path not in automatic | deprecated())


@cache
def deprecated() -> frozenset[str]:
    """The ontology's deprecated properties (owl:deprecated true): first-edition terms that have replacements."""
    return frozenset(t.subject.value for t in resources.ontology_triples()
                     if t.predicate.value == OWL_DEPRECATED and isinstance(t.object, Literal)
                     and t.object.value == "true" and isinstance(t.subject, NamedNode))


@dataclass(frozen=True)
class Block:
    """A repeatable part of the form describing resources around the project, from the shape of their class."""

    kind: str
    shape: str
    type: str
    names: Mapping[str, str]


BLOCKS = {b.kind: b for b in (
    Block("partner", "https://w3id.org/isic/shapes#PartnerRoleShape", ISIC + "PartnerRole",
          {"fr": "Les partenaires", "en": "The partners"}),
    Block("funding", "https://w3id.org/isic/shapes#FundingShape", ISIC + "Funding",
          {"fr": "Les financements", "en": "The fundings"}),
    Block("organisation", "https://w3id.org/isic/shapes#OrganisationShape", ISIC + "Organisation",
          {"fr": "Les organisations du réseau absentes des listes",
           "en": "The network's organisations missing from the lists"}),
    Block("territory", "https://w3id.org/isic/shapes#TerritoryShape", ISIC + "Territory",
          {"fr": "Les territoires absents des données de référence",
           "en": "Territories missing from the reference data"}),
)}


@cache
def block_fields(kind: str) -> tuple[Field, ...]:
    """The fields of a block (`partner`, `funding`, `organisation`, `territory`), in the shapes' order."""
    return tuple(f for f in shape_fields(BLOCKS[kind].shape) if f.path not in deprecated())


@cache
def partnership_fields() -> tuple[Field, ...]:
    """The fields a partner block carries of its partnership (its name, whether it was set up before the project),
    named `partnership…` (`partner.0.partnershipLabel`): the first block of a partnership describes it."""
    return tuple(replace(f, key="partnership" + f.key[:1].upper() + f.key[1:],  # a name in the form's language,
                         datatype=RDF_LANG_STRING if f.kind == "text" else f.datatype)  # as the sheet writes it
                 for f in shape_fields(SHAPES_NS + "PartnershipShape") if f.kind != "link")


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
        if not datatype and not classes and not scheme:  # sh:or of classes: a pick-list of all of them
            classes, scheme = _alternative_classes(key_node)
        if datatype in (RDF_LANG_STRING, XSD + "string"):
            kind_of = "textarea" if key in LONG_TEXTS else "text"
        elif datatype == XSD + "date":
            kind_of = "date"
        elif datatype == XSD + "boolean":
            kind_of = "boolean"
        elif datatype in (XSD + "decimal", XSD + "integer", XSD + "nonNegativeInteger"):
            kind_of = "number"
        elif scheme or (classes and all(c in PICKABLE_CLASSES for c in classes)):
            kind_of = "choice"
        elif classes or any(isinstance(o, NamedNode) and o.value == SH + "IRI"
                            for o in _objects(key_node, SH + "nodeKind")):
            kind_of = "link"  # resources the form has no pick-list for, or web addresses: typed as IRIs
        else:
            continue  # values of several kinds: described by hand
        group = next(iter(_objects(key_node, SH + "group")), None)
        group_order = _number(str(group), SH + "order") if group is not None else None
        max_count = _number(key_node, SH + "maxCount")
        unique_lang = any(isinstance(o, Literal) and o.value == "true" for o in _objects(key_node, SH + "uniqueLang"))
        found.append(Field(key, path, _texts(key_node, SH + "name"), _texts(key_node, SH + "description"),
                           _texts(str(group), RDFS + "label") if group is not None else {},
                           (group_order if group_order is not None else 99, _number(key_node, SH + "order") or 0),
                           (_number(key_node, SH + "minCount") or 0) >= 1, max_count != 1, kind_of, datatype, scheme,
                           next((c for c in classes if c != SKOS + "Concept"), None), unique_lang))
    return tuple(sorted(found, key=lambda f: f.order))


@cache
def later_fields() -> dict[tuple[str, str], str]:
    """(path, French message) of each property-pair shape (sh:lessThan, sh:lessThanOrEquals) -> the property that
    must be the later one: its violation says that value is wrong ("la date de fin doit être postérieure…"), so
    it is shown beside that field, not beside the one its sh:path names."""
    found = {}
    for subject, triples in _shapes().items():
        for t in triples:
            if t.predicate.value in (SH + "lessThan", SH + "lessThanOrEquals") and isinstance(t.object, NamedNode):
                paths = [o for o in _objects(subject, SH + "path") if isinstance(o, NamedNode)]
                message = _texts(subject, SH + "message").get("fr", "")
                if paths:
                    found[(paths[0].value, message)] = t.object.value
    return found


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


def _members(shape: str) -> list[str]:
    """The shapes of a property shape's sh:or list."""
    found = []
    for head in _objects(shape, SH + "or"):
        node: object = head
        while isinstance(node, (NamedNode, BlankNode)) and str(node) != f"<{RDF_NIL}>":
            found += [str(m) for m in _objects(str(node), RDF_FIRST)]
            node = next(iter(_objects(str(node), RDF_REST)), None)
    return found


def _alternative_classes(shape: str) -> tuple[list[str], str | None]:
    """The stored classes and the thesaurus a property shape's sh:or allows (`[ sh:class isic:Territory ]
    [ sh:class skos:Concept ; sh:node …InSchemeTheme ]`, or node shapes naming a class)."""
    classes: list[str] = []
    scheme = None
    for member in _members(shape):
        scheme = scheme or _scheme(member)
        classes += [o.value for o in _objects(member, SH + "class")
                    if isinstance(o, NamedNode) and o.value != SKOS + "Concept"]
    return classes, scheme


def _scheme(shape: str) -> str | None:
    """The concept scheme a property shape's values must be in (through its sh:node), if any."""
    for node in _objects(shape, SH + "node"):
        for inner in _objects(str(node), SH + "property"):
            if any(isinstance(p, NamedNode) and p.value == SKOS + "inScheme" for p in _objects(str(inner),
                                                                                               SH + "path")):
                values = [o for o in _objects(str(inner), SH + "hasValue") if isinstance(o, NamedNode)]
                if values:
                    return values[0].value
    return None


def slug(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "projet"


def listed(f: Field) -> bool:
    """A field whose several values are typed in one box, one a line or separated by `|` (short texts, and
    links to resources the form has no pick-list for)."""
    return f.kind in ("text", "link") and f.multiple and not f.one_per_language


def options_of(store: object, chosen: Sequence[Field], lang: str) -> list[list[Option]]:
    """The choices of each of these pick-lists (a thesaurus's concepts, or the stored resources of a class), asked
    in one query: each list's own query is a part of it, its answers marked with the list's number."""

    assert isinstance(store, Store)
    if not chosen:
        return []
    parts = " UNION ".join(f"{{ SELECT ?x ?label ({number} AS ?list) WHERE {{ {_choices(f)} FILTER(isIRI(?x)) }} }}"
                           for number, f in enumerate(chosen))
    rows: list[list[dict[str, Any]]] = [[] for _ in chosen]
    for row in store.select(f"SELECT ?list ?x ?label WHERE {{ {parts} }}").rows:
        rows[int(row["list"].value)].append(row)
    return [_listed(found, lang) for found in rows]


def _choices(f: Field) -> str:
    kinds = []
    if f.scheme:
        kinds.append(f"{{ ?x <{SKOS}inScheme> <{f.scheme}> ; <{SKOS}prefLabel> ?label . }}")
    if f.target_class:
        kinds.append(f"{{ ?x a/<{RDFS}subClassOf>* <{f.target_class}> . "
                     f"OPTIONAL {{ ?x <{RDFS}label>|<{DCTERMS}title>|<{ISIC}statement> ?label }} }}")
    return " UNION ".join(kinds)


def _listed(rows: Iterable[Mapping[str, Any]], lang: str) -> list[Option]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        term = row.get("label")
        labels[row["x"].value][getattr(term, "language", None) or ""] = term.value if term is not None else ""
    picked = {x: pick(by, lang) or x for x, by in labels.items()}
    return sorted((Option(x, label[:120]) for x, label in picked.items()), key=lambda o: in_order(o.label))


__all__ = ["BLOCKS", "Block", "Field", "Option", "block_fields", "deprecated", "fields", "later_fields", "listed",
           "options_of", "partnership_fields", "shape_fields", "slug"]
