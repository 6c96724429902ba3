"""The collection-sheet form, generated from the SHACL shapes: its fields, and the triples a filled form means.

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

A filled form becomes the triples of one project, its lessons, its collection sheet and its blocks,
ingested like any submission: the same shapes, the same path, all or nothing. What it covers is said
with them (SheetTriples.covered), so that an edit replaces only that (formedit.py). An edit form shows the
project's stored partners and fundings as blocks carrying their IRIs (hidden `id`, and a partner's
`partnership`): sent back unchanged they describe the same resources; a block emptied takes its resource out.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from isic_graph.errors import UsageError
from isic_graph.ingest.lexical import EXPECTED, lexical
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
PICKABLE_CLASSES = {f"{ISIC}Organisation", f"{ISIC}Actor", f"{ISIC}Territory", f"{ISIC}Lesson"}
MAX_LESSONS = 20
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


@dataclass
class FilledSheet:
    """The form's values, by field name (`project.title`, `lesson.0.statement`), as strings."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.values:
            block_index(name)  # a block the form cannot have is refused, not left out

    def get(self, name: str) -> list[str]:
        return [v for v in self.values.get(name, []) if v.strip()]

    def lessons(self) -> list[int]:
        """The indexes of the lesson blocks that say something."""
        return self.blocks("lesson")

    def blocks(self, kind: str) -> list[int]:
        """The indexes of the blocks of a kind (`lesson`, `partner`…) that say something."""
        found = sorted({i for name in self.values if (i := block_index(name, kind)) is not None})
        return [i for i in found if any(self.get(n) for n in self.values
                                        if n.startswith(f"{kind}.{i}.") and n.rsplit(".", 1)[-1] not in HIDDEN)]

    def stored(self, kind: str, key: str = "id") -> dict[int, str]:
        """The stored resources an edit form's blocks of a kind name (their hidden `id`, or a partner's
        `partnership`), by block, even those the user emptied."""
        found = {}
        for name in self.values:
            i = block_index(name, kind)
            if i is not None and name == f"{kind}.{i}.{key}" and self.get(name):
                found[i] = self.get(name)[0].strip()
        return found


# The sheet's tables of records around a project, each a block of the form (sheetblocks.py), named after its table.
SHEET_TABLES = ("groups", "roles", "committees", "participations", "milestones", "activities", "evaluations",
                "contributions", "family-aid", "resources")
BLOCK_KINDS = ("lesson", "partner", "funding", "organisation", "territory", *SHEET_TABLES)
HIDDEN = ("id", "partnership")  # what an edit form's block carries of the stored resource it shows
BLOCK_FIELD = re.compile(rf"({'|'.join(BLOCK_KINDS)})\.([^.]*)\.")
LESSON_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")


def lesson_index(name: str) -> int | None:
    """The lesson block a field name (`lesson.3.statement`) belongs to, None for a field of no lesson."""
    return block_index(name, "lesson")


def block_index(name: str, kind: str | None = None) -> int | None:
    """The block a field name (`lesson.3.statement`, `partner.0.role`) belongs to, None for a field of no block (or
    of a block of another kind); a UsageError when the index is not a number from 0 to MAX_LESSONS - 1."""
    found = BLOCK_FIELD.match(name)
    if found is None:
        return None
    index = found.group(2)
    if not LESSON_INDEX.fullmatch(index) or int(index) >= MAX_LESSONS:
        shown = index if len(index) <= 12 else index[:12] + "…"
        raise UsageError(f"field {name[:40]!r}: the {found.group(1)} number {shown!r} is not a number from 0 to "
                         f"{MAX_LESSONS - 1} (a sheet holds at most {MAX_LESSONS} of them)",
                         f"champ « {name[:40]} » : le numéro de bloc « {shown} » n'est pas un nombre de 0 à "
                         f"{MAX_LESSONS - 1} (une fiche en contient au plus {MAX_LESSONS})")
    return int(index) if kind in (None, found.group(1)) else None


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
    return frozenset(q.subject.value for q in parse(path=str(resources.ontology_file()), format=RdfFormat.TURTLE)
                     if q.predicate.value == OWL_DEPRECATED and isinstance(q.object, Literal)
                     and q.object.value == "true" and isinstance(q.subject, NamedNode))


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


def sheet_iri(sheet: FilledSheet, graphs: Graphs, network: str) -> str:
    """The collection sheet's IRI (one per project), when no stored sheet describes the project."""
    return f"{graphs.base}id/sheet/{_project_slug(sheet, network)}"


def project_iri(sheet: FilledSheet, graphs: Graphs, network: str) -> str:
    return f"{graphs.base}id/project/{_project_slug(sheet, network)}"


def _project_slug(sheet: FilledSheet, network: str) -> str:
    title = (sheet.get("project.title") or ["projet"])[0]
    return _kept_slug((sheet.get("project.id") or [f"{network}-{slug(title)}"])[0])


def _kept_slug(text: str) -> str:
    """An identifier the form carries (a stored resource's) as it is, anything else made a slug."""
    text = text.strip()
    return text if KEPT_SLUG.fullmatch(text) else slug(text)


KEPT_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
RELATIVE = re.compile(r"[a-z][a-z-]{0,39}/[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")  # `type/identifier` under id/
LIST_SEPARATORS = re.compile(r"\s*(?:\r\n|\r|\n|\|)\s*")
TYPED_KINDS = {XSD + "date": "date", XSD + "boolean": "boolean", XSD + "decimal": "decimal",
               XSD + "integer": "integer", XSD + "nonNegativeInteger": "integer"}


def listed(f: Field) -> bool:
    """A field whose several values are typed in one box, one a line or separated by `|` (short texts, and
    links to resources the form has no pick-list for)."""
    return f.kind in ("text", "link") and f.multiple and not f.one_per_language


@dataclass(frozen=True)
class SheetTriples:
    """What a filled form stands for: its triples, which form block each described IRI is (for the errors),
    what the form covers (subject, property, language of its texts or None: what an edit replaces; every
    other property of those subjects is kept), and the values the form could not read, by field."""

    triples: list[Triple]
    blocks: dict[str, str]
    covered: frozenset[tuple[str, str, str | None]]
    problems: dict[str, list[str]]
    removed: frozenset[str] = frozenset()  # stored partners, fundings and partnerships the user took out


def sheet_triples(sheet: FilledSheet, graphs: Graphs, network: str, lang: str,
                  today: datetime.date | None = None, created: str | None = None,
                  record_iri: str | None = None) -> SheetTriples:
    """The triples a filled form stands for.

    created: the date the collection sheet was first written, when it is edited (else today);
    record_iri: the stored collection sheet describing the project, when there is one."""
    project_slug = _project_slug(sheet, network)
    project = NamedNode(project_iri(sheet, graphs, network))
    blocks = {project.value: "project"}
    covered: set[tuple[str, str, str | None]] = {(project.value, RDF_TYPE, None)}
    problems: dict[str, list[str]] = {}
    described = {(kind, i): NamedNode(_block_iri(sheet, graphs, kind, i, project_slug))
                 for kind in BLOCKS for i in sheet.blocks(kind)}
    ids = f"{graphs.base}id/"
    partnerships = {i: p for i, p in sheet.stored("partner", "partnership").items() if _stored(p, ids)}
    default_partnership = next(iter(sorted(partnerships.items())), (0, f"{ids}partnership/{project_slug}"))[1]
    # the project's partners and fundings are all shown: what the form leaves out of them is taken out
    covered |= {(project.value, ISIC + "funding", None), (project.value, ISIC + "partnership", None)}
    aliases = {f"#{kind}.{i}": node.value for (kind, i), node in described.items()}
    triples = [Triple(project, NamedNode(RDF_TYPE), NamedNode(ISIC + "Project"))]
    described_partnerships: set[str] = set()
    triples += _values(project, "project", fields("project"), sheet, lang, covered, problems, aliases, ids)
    for (kind, i), node in described.items():
        blocks[node.value] = f"{kind}.{i}"
        triples.append(Triple(node, NamedNode(RDF_TYPE), NamedNode(BLOCKS[kind].type)))
        covered.add((node.value, RDF_TYPE, None))
        triples += _values(node, f"{kind}.{i}", block_fields(kind), sheet, lang, covered, problems, aliases, ids)
        if kind == "funding":
            triples.append(Triple(project, NamedNode(ISIC + "funding"), node))
        elif kind == "partner":
            partnership = NamedNode(partnerships.get(i, default_partnership))
            triples += [Triple(partnership, NamedNode(RDF_TYPE), NamedNode(ISIC + "Partnership")),
                        Triple(partnership, NamedNode(ISIC + "partner"), node),
                        Triple(project, NamedNode(ISIC + "partnership"), partnership)]
            covered |= {(partnership.value, RDF_TYPE, None), (partnership.value, ISIC + "partner", None)}
            if partnership.value not in described_partnerships:  # the first block of a partnership describes it
                described_partnerships.add(partnership.value)
                triples += _values(partnership, f"{kind}.{i}", partnership_fields(), sheet, lang, covered, problems,
                                   aliases, ids)
    named = {_kept_slug(v) for i in sheet.lessons() for v in sheet.get(f"lesson.{i}.id")[:1]}
    for i in sheet.lessons():
        own = sheet.get(f"lesson.{i}.id")
        number = i + 1
        while not own and f"{project_slug}-{number}" in named:  # a new lesson beside stored ones: a name of its own
            number += 1
        lesson = NamedNode(f"{graphs.base}id/lesson/{_kept_slug(own[0]) if own else f'{project_slug}-{number}'}")
        blocks[lesson.value] = f"lesson.{i}"
        triples += [Triple(lesson, NamedNode(RDF_TYPE), NamedNode(ISIC + "Lesson")),
                    Triple(lesson, NamedNode(ISIC + "learnedFrom"), project)]
        covered |= {(lesson.value, RDF_TYPE, None), (lesson.value, ISIC + "learnedFrom", None)}
        triples += _values(lesson, f"lesson.{i}", fields("lesson"), sheet, lang, covered, problems, aliases, ids)
    record = NamedNode(record_iri or sheet_iri(sheet, graphs, network))
    blocks[record.value] = "sheet"
    day = Literal((today or datetime.date.today()).isoformat(), datatype=NamedNode(XSD + "date"))
    triples += [Triple(record, NamedNode(RDF_TYPE), NamedNode(ISIC + "CollectionSheet")),
                Triple(record, NamedNode(ISIC + "describes"), project),
                Triple(record, NamedNode(PROV + "wasAttributedTo"), NamedNode(graphs.network_resource(network))),
                Triple(record, NamedNode(DCTERMS + "created"),
                       Literal(created, datatype=NamedNode(XSD + "date")) if created else day),
                Triple(record, NamedNode(DCTERMS + "modified"), day)]
    covered |= {(record.value, p, None) for p in (RDF_TYPE, ISIC + "describes", PROV + "wasAttributedTo",
                                                  DCTERMS + "created", DCTERMS + "modified")}
    triples += _values(record, "sheet", fields("sheet"), sheet, lang, covered, problems, aliases, ids)
    kept = {node.value for node in described.values()} | {s for s, _, _ in covered}
    removed = {iri for kind in ("partner", "funding") for iri in sheet.stored(kind).values() if _stored(iri, ids)}
    removed |= set(partnerships.values())
    return SheetTriples(list(dict.fromkeys(triples)), blocks, frozenset(covered), problems,
                        frozenset(removed - kept))


def _stored(iri: str, own: str) -> bool:
    """Whether a hidden field names one of this instance's resources (anything else is not used)."""
    if not iri.startswith(own) or "#" in iri:
        return False
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def _block_iri(sheet: FilledSheet, graphs: Graphs, kind: str, i: int, project_slug: str) -> str:
    """The IRI a block describes: an organisation by its name, a territory by its level and INSEE code, a partner
    and a funding by the project and the organisation (the same partner or funder of a project is one resource)."""
    def first(key: str) -> str:
        return (sheet.get(f"{kind}.{i}.{key}") or [""])[0].strip()

    def tail(value: str) -> str:
        return slug(value.rstrip("/").rsplit("/", 1)[-1].removeprefix("#")) if value else ""

    if kind == "organisation":
        name = slug(first("label")) if first("label") else f"{project_slug}-organisation-{i + 1}"
        return f"{graphs.base}id/organisation/{name}"
    if kind == "territory":
        code = slug(first("inseeCode") or first("label") or f"{project_slug}-{i + 1}")
        return f"{graphs.base}id/territory/{tail(first('territoryLevel')) or 'territoire'}/{code}"
    stored = first("id")
    if stored and _stored(stored, f"{graphs.base}id/"):  # the stored partner or funding an edit form shows
        return stored
    named = first("agent" if kind == "partner" else "funder")
    alias = re.fullmatch(r"#organisation\.(\d{1,4})", named)
    if alias:  # an organisation described in the same form
        named = _block_iri(sheet, graphs, "organisation", int(alias.group(1)), project_slug)
    own = tail(named) or str(i + 1)
    return f"{graphs.base}id/{'partner-role' if kind == 'partner' else 'funding'}/{project_slug}-{own}"


def entries(f: Field, raw: Sequence[str]) -> list[str]:
    """A field's values as typed: trimmed, the empty ones left out, a list box split one a line or at `|`."""
    found = [v.strip() for v in raw if v.strip()]
    if listed(f):
        found = [part for v in found for part in LIST_SEPARATORS.split(v) if part]
    return found


def _values(subject: NamedNode, prefix: str, known: Sequence[Field], sheet: FilledSheet, lang: str,
            covered: set[tuple[str, str, str | None]], problems: dict[str, list[str]],
            aliases: Mapping[str, str], ids: str = "") -> list[Triple]:
    found = []
    for f in known:
        name = f"{prefix}.{f.key}"
        covered.add((subject.value, f.path, lang if f.datatype == RDF_LANG_STRING else None))
        for value in entries(f, sheet.get(name)):
            term: NamedNode | Literal | None
            if f.kind == "link" and ids and RELATIVE.fullmatch(value):
                value = ids + value  # `group/x`, `lesson/y`: a resource of this instance, as in the CSV sheet
            if f.kind in ("choice", "link"):
                try:
                    term = NamedNode(aliases.get(value, value))  # `#organisation.0`: the one described below
                except ValueError:
                    term = Literal(value)  # not an IRI: the shapes will say so, beside the field
            elif f.datatype == RDF_LANG_STRING:
                term = Literal(value, language=lang)
            elif f.datatype in TYPED_KINDS:
                kind = TYPED_KINDS[f.datatype]
                written = lexical(kind, value)
                if written is None:
                    problems.setdefault(name, []).append(f"« {value[:80]} » : {EXPECTED[kind][0]}" if lang == "fr"
                                                         else f"'{value[:80]}': {EXPECTED[kind][1]}")
                    continue
                term = Literal(written, datatype=NamedNode(f.datatype))
            elif f.datatype and f.datatype != XSD + "string":
                term = Literal(value, datatype=NamedNode(f.datatype))
            else:
                term = Literal(value)
            found.append(Triple(subject, NamedNode(f.path), term))
    return found


def options(store: object, f: Field, lang: str) -> list[Option]:
    """The choices of a pick-list: a thesaurus's concepts, or the stored resources of a class."""

    assert isinstance(store, Store)
    kinds = []
    if f.scheme:
        kinds.append(f"{{ ?x <{SKOS}inScheme> <{f.scheme}> ; <{SKOS}prefLabel> ?label . }}")
    if f.target_class:
        kinds.append(f"{{ ?x a/<{RDFS}subClassOf>* <{f.target_class}> . "
                     f"OPTIONAL {{ ?x <{RDFS}label>|<{DCTERMS}title>|<{ISIC}statement> ?label }} }}")
    where = " UNION ".join(kinds)
    rows = store.select(f"SELECT ?x ?label WHERE {{ {where} FILTER(isIRI(?x)) }}").rows
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        term = row.get("label")
        labels[row["x"].value][getattr(term, "language", None) or ""] = term.value if term is not None else ""
    picked = {x: pick(by, lang) or x for x, by in labels.items()}
    return sorted((Option(x, label[:120]) for x, label in picked.items()), key=lambda o: o.label.lower())


__all__ = ["BLOCKS", "SHEET_TABLES", "Block", "Field", "FilledSheet", "Option", "SheetTriples", "block_fields",
           "block_index", "deprecated", "entries", "fields", "listed", "options", "partnership_fields", "project_iri",
           "shape_fields", "sheet_triples", "slug"]
