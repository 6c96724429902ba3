"""Linked data: instance IRIs, the ontology, the shapes and the context, by content negotiation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    url_for,
)
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Triple,
    parse,
    serialize,
)

from isic_graph.errors import NotFound, UsageError
from isic_graph.ingest.ownership import record_of
from isic_graph.ingest.retraction import WITHDRAWABLE, retraction_of
from isic_graph.publish import jsonld
from isic_graph.publish.diagram import class_diagram_svg
from isic_graph.publish.links import page_link, safe_href
from isic_graph.rdf import resources
from isic_graph.rdf.formats import GRAPH, format_named, formats_for
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import (
    DCTERMS,
    FOAF,
    ISIC,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SH,
    SHAPES,
    SKOS,
    THESAURUS,
    XSD,
)
from isic_graph.sparql import terms as sparql_terms
from isic_graph.store.results import SelectResult
from isic_graph.web.derived import per_store_version
from isic_graph.web.negotiation import language, negotiate
from isic_graph.web.services import services
from isic_graph.web.withdrawn import gone

blueprint = Blueprint("linked_data", __name__)

HTML = "text/html"
GRAPH_FORMATS = {f.media_type: f for f in formats_for(GRAPH)}
SUFFIXES = {**{f.extension[1:]: f.media_type for f in GRAPH_FORMATS.values()}, "html": HTML}
TURTLE, JSON_LD = format_named("turtle"), format_named("jsonld")
KIND = re.compile(r"[a-z][a-z0-9-]*\Z")
UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]|%(?![0-9A-Fa-f]{2})')
LABELS = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", FOAF + "name", ISIC + "statement")
MAX_NODES = 500
MORE_PREFIXES = {"isics": SHAPES, "pair": "http://virtual-assembly.org/ontologies/pair#"}
TERM_TYPES = {OWL + "Class": "classe / class", OWL + "ObjectProperty": "propriété d'objet / object property",
              OWL + "DatatypeProperty": "propriété de données / datatype property",
              OWL + "AnnotationProperty": "propriété d'annotation / annotation property"}
FACTS = ((RDFS + "domain", "domaine / domain"), (RDFS + "range", "co-domaine / range"),
         (RDFS + "subClassOf", "sous-classe de / subclass of"),
         (RDFS + "subPropertyOf", "sous-propriété de / subproperty of"),
         (OWL + "equivalentClass", "classe équivalente / equivalent class"),
         (OWL + "equivalentProperty", "propriété équivalente / equivalent property"))
UI = {"fr": {"formats": "Autres formats", "incoming": "Référencé par", "ontology": "Ontologie",
             "provenance": "Provenance", "graph": "graphe", "modified": "modifié le", "harvested": "moissonné depuis",
             "sheet": "fiche de collecte", "network": "réseau", "other": "English",
             "used": "Projets et enseignements", "project": "projet", "lesson": "enseignement", "none": "Aucun.",
             "related": "Liens", "partner": "partenaires", "partner-in": "partenaire des projets",
             "funder-of": "finance les projets", "carries": "porte les projets", "owner": "propriétaire",
             "peer": "pair", "instance": "cette instance", "since": "depuis",
             "withdraw": "Retirer de la publication"},
      "en": {"formats": "Other formats", "incoming": "Referenced by", "ontology": "Ontology",
             "provenance": "Provenance", "graph": "graph", "modified": "modified", "harvested": "harvested from",
             "sheet": "collection sheet", "network": "network", "other": "Français",
             "used": "Projects and lessons", "project": "project", "lesson": "lesson", "none": "None.",
             "related": "Links", "partner": "partners", "partner-in": "partner in the projects",
             "funder-of": "funds the projects", "carries": "leads the projects", "owner": "owner",
             "peer": "peer", "instance": "this instance", "since": "since",
             "withdraw": "Withdraw from publication"}}


@dataclass(frozen=True)
class Cell:
    """A value on a page: its text, where it links to, a note (language or datatype)."""

    text: str
    href: str | None = None
    note: str | None = None
    lang: str | None = None

    def __post_init__(self) -> None:  # only a link within the site or to an http(s) address is ever made
        object.__setattr__(self, "href", safe_href(self.href))


@dataclass(frozen=True)
class Row:
    """One property of a resource (or one fact about a term) and its values."""

    label: Cell
    values: list[Cell]
    joiner: str = ", "


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
    """The ontology, shapes and context, read once per application, with the labels of their terms."""

    ontology: Served
    shapes: Served
    context: bytes
    labels: dict[str, dict[str, str]]  # term IRI -> language -> label
    index: dict[str, list[Triple]]  # str(subject) -> its triples, ontology and shapes

    @classmethod
    def load(cls) -> Artefacts:
        ontology, shapes = Served.read([resources.ontology_file()]), Served.read(resources.shapes_files())
        labels = {RDF_TYPE: {"fr": "type", "en": "type"}, RDFS + "label": {"fr": "libellé", "en": "label"}}
        index: dict[str, list[Triple]] = {}
        for t in ontology.triples + shapes.triples:
            index.setdefault(str(t.subject), []).append(t)
            if t.predicate.value == RDFS + "label" and isinstance(t.object, Literal) and t.object.language:
                labels.setdefault(_value(t.subject), {}).setdefault(t.object.language, t.object.value)
        for t in shapes.triples:  # the shapes name the fields whose predicates come from other vocabularies
            if t.predicate.value == SH + "path" and isinstance(t.object, NamedNode):
                for name in index[str(t.subject)]:
                    if name.predicate.value == SH + "name" and isinstance(name.object, Literal):
                        labels.setdefault(t.object.value, {}).setdefault(name.object.language or "", name.object.value)
        return cls(ontology, shapes, resources.context_file().read_bytes(), labels, index)


def artefacts() -> Artefacts:
    """This application's artefacts, loaded on first use."""
    found = current_app.extensions.get("isic-linked-data")
    if found is None:
        found = current_app.extensions.setdefault("isic-linked-data", Artefacts.load())
    assert isinstance(found, Artefacts)
    return found


@blueprint.get("/id/<kind>/<path:slug>")
@per_store_version
def resource(kind: str, slug: str) -> Response:
    stem, suffix = _suffix(slug)
    if not KIND.match(kind) or not stem or UNSAFE.search(stem):
        raise UsageError(f"not a valid resource path: id/{kind}/{slug}")
    iri = f"{services().graphs.base}id/{kind}/{stem}"
    try:
        NamedNode(iri)
    except ValueError:
        raise UsageError(f"not a valid IRI: {iri}") from None
    subject = sparql_terms.iri(iri)
    record = retraction_of(services().store, services().graphs, iri)
    if record is not None:  # withdrawn by its network: 410 with the record
        return gone(record, SUFFIXES[suffix] if suffix else None)
    media_type = _negotiate([*GRAPH_FORMATS, HTML], suffix)
    triples = describe(iri)
    if not triples:
        raise NotFound(f"no description of <{iri}> in this store", fr=f"aucune description de <{iri}> ici")
    leaf = iri.rsplit("/", 1)[-1]
    if media_type != HTML:
        return _answer(rdf_bytes(triples, media_type), media_type, leaf, suffix)
    incoming = [r for r in _select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {subject} }} LIMIT {MAX_NODES}").rows
                if not _value(r["s"]).startswith(iri + "#")]
    page = _resource_page(iri, triples + _labels(r["s"] for r in incoming), incoming)
    page["provenance"] = _owner(iri, str(page["lang"])) + _provenance(iri, str(page["lang"]))
    page["related"] = _related(iri, str(page["lang"]))
    if any(_value(t.subject) == iri and t.predicate.value == RDF_TYPE and _value(t.object) in WITHDRAWABLE
           for t in triples):
        page["withdraw"] = url_for("retraction.confirm", resource=iri, lang=page["lang"])
    return _answer(render_template("resource.html", **page).encode("utf-8"), HTML, leaf, suffix, True)


def _related(iri: str, lang: str) -> list[Row]:
    """What is two steps away and worth a link: a project's partners (through its partnerships and their
    roles), an organisation's projects as carrier, partner or funder."""
    base, subject = services().graphs.base, sparql_terms.iri(iri)
    rows = _select(f"""SELECT DISTINCT ?kind ?x WHERE {{
        {{ {subject} <{ISIC}partnership>/<{ISIC}partner>/<{ISIC}agent> ?x BIND("partner" AS ?kind) }}
        UNION {{ ?x <{ISIC}partnership>/<{ISIC}partner>/<{ISIC}agent> {subject} BIND("partner-in" AS ?kind) }}
        UNION {{ ?x <{ISIC}funding>/<{ISIC}funder> {subject} BIND("funder-of" AS ?kind) }}
        UNION {{ ?x <{ISIC}carriedBy> {subject} BIND("carries" AS ?kind) }}
    }} ORDER BY ?kind ?x LIMIT {MAX_NODES}""").rows
    labels: dict[str, dict[str, str]] = {}
    for t in _labels(r["x"] for r in rows):
        labels.setdefault(_value(t.subject), {}).setdefault(getattr(t.object, "language", None) or "", _value(t.object))
    grouped: dict[str, list[Cell]] = {}
    for row in rows:
        x = _value(row["x"])
        grouped.setdefault(_value(row["kind"]), []).append(
            Cell(pick(labels.get(x, {}), lang) or _local(x, base), href=page_link(x, base)))
    return [Row(Cell(UI[lang][kind]), cells) for kind, cells in grouped.items()]


def _owner(iri: str, lang: str) -> list[Row]:
    """Who owns the resource, the only one whose writes may describe it, and since when (ownership.py)."""
    s, ui = services(), UI[lang]
    found = record_of(s.store, s.graphs, iri)
    if found is None:
        return []
    who = found.owner
    cells = [Cell(ui["instance"] if who.kind == "instance" else who.name,
                  href=page_link(who.agent, s.graphs.base) if who.kind == "network" else None,
                  note=ui[who.kind] if who.kind != "instance" else None)]
    if found.activity:
        cells.append(Cell((found.since or "")[:19].replace("T", " ") or found.activity,
                          href=page_link(found.activity, s.graphs.base), note=ui["since"]))
    return [Row(Cell(ui["owner"]), cells)]


def _provenance(iri: str, lang: str) -> list[Row]:
    """Where a resource's description comes from: its graphs (network or harvested copy), when they were
    last written, what they were harvested from, and the collection sheets that describe it (or its project)."""
    graphs, ui = services().graphs, UI[lang]
    base = services().settings.base_iri
    subject, metadata = sparql_terms.iri(iri), sparql_terms.iri(graphs.metadata)
    found: list[Row] = []
    for row in _select(f"""SELECT ?g (MAX(?m) AS ?modified) (SAMPLE(?from) AS ?source) WHERE {{
            GRAPH ?g {{ {subject} ?p ?o }}
            OPTIONAL {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }}
            OPTIONAL {{ GRAPH {metadata} {{ ?g <{PROV}wasDerivedFrom> ?from }} }}
        }} GROUP BY ?g ORDER BY ?g""").rows:
        graph = _value(row["g"])
        cells = [Cell(graph[len(base):] if graph.startswith(base) else graph, note=ui["graph"])]
        if "modified" in row:
            cells.append(Cell(_value(row["modified"])[:19].replace("T", " "), note=ui["modified"]))
        if "source" in row:
            cells.append(Cell(_value(row["source"]), href=_value(row["source"]), note=ui["harvested"]))
        found.append(Row(Cell(ui["graph"]), cells))
    for row in _select(f"""SELECT DISTINCT ?sheet ?network WHERE {{
            {{ BIND({subject} AS ?project) }} UNION {{ {subject} <{ISIC}learnedFrom> ?project }}
            UNION {{ {subject} <{ISIC}about> ?project }}
            ?sheet <{ISIC}describes> ?project ; <{PROV}wasAttributedTo> ?network }} ORDER BY ?sheet""").rows:
        sheet, network = _value(row["sheet"]), _value(row["network"])
        found.append(Row(Cell(ui["sheet"]), [Cell(_local(sheet, base), href=page_link(sheet, base)),
                                             Cell(_local(network, base), href=page_link(network, base),
                                                  note=ui["network"])]))
    return found


def _local(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


@blueprint.get("/thesaurus/<path:rest>")
@per_store_version
def concept(rest: str) -> Response:
    """A thesaurus concept: its label and definition, and the projects and lessons that use it, by network
    (a theme page lists the projects on the theme and their lessons, across networks)."""
    iri = THESAURUS + rest
    if UNSAFE.search(rest) or not sparql_terms.is_iri(iri):
        raise UsageError(f"not a valid concept path: thesaurus/{rest}")
    subject = sparql_terms.iri(iri)
    lang = language()
    labels: dict[str, dict[str, str]] = {}
    for row in _select(f"""SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {subject} }}
            {{ ?x <{SKOS}prefLabel> ?l BIND("label" AS ?p) }} UNION {{ ?x <{SKOS}definition> ?l BIND("definition" AS \
?p) }}
            UNION {{ ?x <{SKOS}inScheme>/<{SKOS}prefLabel> ?l BIND("scheme" AS ?p) }} }}""").rows:
        labels.setdefault(_value(row["p"]), {})[getattr(row["l"], "language", None) or ""] = _value(row["l"])
    if "label" not in labels:
        raise NotFound(f"no concept <{iri}> in the thesauri")
    base = services().settings.base_iri
    used = _select(f"""SELECT DISTINCT ?kind ?item ?label ?network ?networkLabel WHERE {{
        {{ ?item <{ISIC}theme>|<{ISIC}status>|<{ISIC}territory> {subject} BIND("project" AS ?kind) }}
        UNION {{ ?item <{ISIC}lessonCategory>|<{ISIC}phase>|<{ISIC}dimension> {subject} BIND("lesson" AS ?kind) }}
        UNION {{ ?item <{ISIC}learnedFrom>/<{ISIC}theme> {subject} BIND("lesson" AS ?kind) }}
        ?item (<{ISIC}learnedFrom>)?/^<{ISIC}describes>/<{PROV}wasAttributedTo> ?network .
        OPTIONAL {{ ?item <{DCTERMS}title>|<{ISIC}statement> ?label
                    FILTER(lang(?label) = {sparql_terms.literal(lang)} || lang(?label) = "") }}
        OPTIONAL {{ ?network <{RDFS}label> ?networkLabel }}
    }} ORDER BY ?network ?kind ?label LIMIT {MAX_NODES}""").rows
    groups: dict[str, dict[str, tuple[str, str, str]]] = {}
    for row in used:
        network = _value(row["networkLabel"]) if "networkLabel" in row else _local(_value(row["network"]), base)
        item = _value(row["item"])
        groups.setdefault(network, {}).setdefault(item, (_value(row["kind"]), page_link(item, base) or "",
                                                         _value(row["label"]) if "label" in row else _local(item,
                                                                                                            base)))
    return Response(render_template(
        "concept.html", lang=lang, ui=UI[lang], iri=iri, title=pick(labels["label"], lang),
        definition=pick(labels.get("definition", {}), lang), scheme=pick(labels.get("scheme", {}), lang) or "",
        groups=[(network, sorted(items.values())) for network, items in sorted(groups.items())]),
        content_type="text/html; charset=utf-8")


def describe(iri: str) -> list[Triple]:
    """The triples about a resource and its `#genid-` nodes (skolemised blank nodes), and its objects' labels."""
    out: list[Triple] = []
    todo, seen = [NamedNode(iri)], {iri}
    while todo and len(seen) < MAX_NODES:
        values = " ".join(str(node) for node in todo)
        todo = []
        for row in _select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}").rows:
            out.append(Triple(row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
            o = row["o"]
            if isinstance(o, NamedNode) and o.value.startswith(iri + "#genid-") and o.value not in seen:
                seen.add(o.value)
                todo.append(o)
    out = list(dict.fromkeys(out))
    return out + _labels(t.object for t in out if _value(t.object) not in seen)


def rdf_bytes(triples: Iterable[Triple], media_type: str) -> bytes:
    """Triples in one of the RDF media types; JSON-LD compacted with the published context."""
    items = list(triples)
    if media_type == JSON_LD.media_type:
        return json.dumps(jsonld.compact(items), ensure_ascii=False, indent=2).encode("utf-8")
    used = {ns for t in items for term in (t.predicate, t.object) for ns in _prefixes().values()
            if isinstance(term, NamedNode) and term.value.startswith(ns)} | {XSD}
    prefixes = {p: ns for p, ns in _prefixes().items() if ns in used}
    return serialize(items, format=GRAPH_FORMATS[media_type].rdf_format, prefixes=prefixes) or b""


@blueprint.get("/ontology")
@blueprint.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    media_type = _negotiate([*GRAPH_FORMATS, HTML], _known(suffix))
    if media_type == HTML:
        body = render_template("ontology.html", diagram=_diagram(), **_ontology_page()).encode("utf-8")
        return _answer(body, HTML, "ontology", suffix)
    return _answer(artefacts().ontology.render(media_type), media_type, "ontology", suffix)


@blueprint.get("/ontology/diagram.svg")
def diagram() -> Response:
    return Response(_diagram(), content_type="image/svg+xml; charset=utf-8")


def _diagram() -> str:
    """The class diagram, generated from the ontology once per application."""
    from flask import current_app


    found = current_app.extensions.get("isic-diagram")
    if found is None:
        found = current_app.extensions["isic-diagram"] = class_diagram_svg(artefacts().ontology.triples)
    return str(found)


@blueprint.get("/shapes")
@blueprint.get("/shapes.<suffix>")
def shapes(suffix: str | None = None) -> Response:
    media_type = _negotiate(list(GRAPH_FORMATS), _known(suffix))
    return _answer(artefacts().shapes.render(media_type), media_type, "shapes", suffix)


@blueprint.get("/context.jsonld")
def context() -> Response:
    response = Response(artefacts().context, content_type=JSON_LD.media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@cache
def _prefixes() -> dict[str, str]:
    """Our prefixes and the thesauri's, as the context declares them."""
    terms = jsonld.context_document()["@context"]
    return {**PREFIXES, **{k: v for k, v in terms.items() if isinstance(v, str) and v.endswith(("/", "#"))}}


def _suffix(slug: str) -> tuple[str, str | None]:
    stem, dot, ext = slug.rpartition(".")
    return (stem, ext) if dot and ext in SUFFIXES else (slug, None)


def _known(suffix: str | None) -> str | None:
    if suffix is not None and suffix not in SUFFIXES:
        raise NotFound(f"no .{suffix} form; there are {', '.join('.' + s for s in SUFFIXES)}")
    return suffix


def _negotiate(offers: list[str], suffix: str | None) -> str:
    """The media type of the answer: the suffix's, else the best match of Accept (Turtle without one)."""
    if suffix is not None:
        if SUFFIXES[suffix] not in offers:
            raise NotFound(f"no .{suffix} form of this resource")
        return SUFFIXES[suffix]
    return negotiate(offers)


def _answer(body: bytes, media_type: str, name: str, suffix: str | None, by_language: bool = False) -> Response:
    """The response, with Vary and, when negotiated, the Content-Location of the chosen form."""
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    response = Response(body, content_type=media_type + charset)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if by_language:
        response.vary.add("Accept-Language")
    if suffix is None:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"{name}.{next(s for s, t in SUFFIXES.items() if t == media_type)}"
    return response


def _select(sparql: str) -> SelectResult:
    return services().store.select(sparql)


def _labels(nodes: Iterable[object]) -> list[Triple]:
    """The labels (rdfs:label, skos:prefLabel, dcterms:title, foaf:name) of the given IRIs."""
    names = list(dict.fromkeys(str(n) for n in nodes if isinstance(n, NamedNode)))[:MAX_NODES]
    if not names:
        return []
    rows = _select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {' '.join(names)} }} "
                   f"VALUES ?p {{ {' '.join(f'<{p}>' for p in LABELS)} }} ?s ?p ?o }}").rows
    return list(dict.fromkeys(Triple(r["s"], r["p"], r["o"]) for r in rows))  # type: ignore[arg-type]


def _value(term: object) -> str:
    """The IRI, blank node id or lexical form of a term."""
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


def _curie(iri: str) -> str:
    for prefix, ns in {**_prefixes(), **MORE_PREFIXES}.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _resource_page(iri: str, triples: list[Triple], incoming: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """What the page of a resource shows, in the viewer's language (French unless Accept-Language says English)."""
    lang = language()
    known, base = artefacts().labels, iri[:iri.index("id/")]
    labels: dict[str, dict[str, str]] = {}
    by_subject: dict[str, list[Triple]] = {}
    for t in triples:
        if t.predicate.value in LABELS and isinstance(t.object, Literal):
            labels.setdefault(_value(t.subject), {}).setdefault(t.object.language or "", t.object.value)
        by_subject.setdefault(_value(t.subject), []).append(t)

    def cell(term: object) -> Cell:
        if isinstance(term, Literal):
            datatype = _curie(term.datatype.value) if term.datatype.value != XSD + "string" else None
            return Cell(term.value, note=term.language or datatype, lang=term.language)
        value = _value(term)
        if value.startswith(iri + "#"):
            return Cell(value[len(iri):], href=value[len(iri):])
        text = pick(labels.get(value, {}), lang) or pick(known.get(value, {}), lang) \
            or (value[len(base):] if value.startswith(base) else _curie(value))
        href = url_for(".ontology") + "#" + value[len(ISIC):] if value.startswith(ISIC) else \
            "/thesaurus/" + value[len(THESAURUS):] if value.startswith(THESAURUS) else page_link(value, base)
        return Cell(text, href=None if isinstance(term, BlankNode) else href)

    def rows(pairs: Iterable[tuple[object, object]]) -> list[Row]:
        grouped: dict[object, list[Cell]] = {}
        for predicate, value in pairs:
            grouped.setdefault(predicate, []).append(cell(value))
        ordered = sorted(grouped.items(), key=lambda kv: (_value(kv[0]) != RDF_TYPE, cell(kv[0]).text.lower()))
        return [Row(cell(p), sorted(cells, key=lambda c: (c.lang not in (None, lang), c.text))) for p, cells in ordered]

    nodes = [{"anchor": "top" if s == iri else s[len(iri) + 1:], "title": s[len(iri):],
              "rows": rows((t.predicate, t.object) for t in by_subject[s])}
             for s in by_subject if s == iri or s.startswith(iri + "#genid-")]
    alternates = [(f.label, f"./{iri.rsplit('/', 1)[-1]}.{f.extension[1:]}", f.media_type)
                  for f in GRAPH_FORMATS.values()]
    return {"lang": lang, "ui": UI[lang], "iri": iri, "nodes": nodes, "alternates": alternates,
            "types": [cell(t.object).text for t in by_subject[iri] if t.predicate.value == RDF_TYPE],
            "title": pick(labels.get(iri, {}), lang) or iri.rsplit("/", 1)[-1],
            "incoming": rows((r["p"], r["s"]) for r in incoming), "ontology": url_for(".ontology")}


def _ontology_page() -> dict[str, object]:
    """Every class and property of the ontology: labels, definitions, domain, range, alignments and shapes."""
    a = artefacts()
    shapes_page = url_for(".shapes")

    def links(term: object) -> list[Cell]:
        if isinstance(term, NamedNode):
            local = term.value[len(ISIC):] if term.value.startswith(ISIC) else None
            return [Cell(_curie(term.value), href=f"#{local}" if local else term.value)]
        unions = [t.object for t in a.index.get(str(term), []) if t.predicate.value == OWL + "unionOf"]
        return [c for member in _members(a.index, unions[0]) for c in links(member)] if unions else []

    def texts(subject: str, predicate: str) -> dict[str, str]:
        return {t.object.language or "": t.object.value for t in a.index.get(subject, [])
                if t.predicate.value == predicate and isinstance(t.object, Literal)}

    shapes: dict[str, list[Cell]] = {}
    for t in a.shapes.triples:
        if t.predicate.value in (SH + "targetClass", SH + "path") and isinstance(t.object, NamedNode):
            shapes.setdefault(t.object.value, []).append(Cell(_curie(_value(t.subject)), href=shapes_page))
    sections: dict[str, dict[str, dict[str, object]]] = {"Classes": {}, "Propriétés / Properties": {}}
    for t in a.ontology.triples:
        subject, name, kind = str(t.subject), _value(t.subject), _value(t.object)
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
    header = f"<{ONTOLOGY_IRI}>"
    formats = [(f.label, f"{url_for('.ontology')}.{f.extension[1:]}") for f in GRAPH_FORMATS.values()]
    return {"iri": header[1:-1], "title": texts(header, DCTERMS + "title"),
            "description": texts(header, DCTERMS + "description"),
            "formats": formats + [("SHACL", shapes_page), ("context", url_for(".context"))],
            "sections": [(heading, list(terms.values())) for heading, terms in sections.items()]}


def _members(index: Mapping[str, list[Triple]], head: object) -> list[object]:
    """The members of an RDF list."""
    out: list[object] = []
    while isinstance(head, BlankNode) and len(out) < MAX_NODES:
        step = {t.predicate.value: t.object for t in index.get(str(head), [])}
        out.append(step[RDF + "first"])
        head = step.get(RDF + "rest", NamedNode(RDF + "nil"))
    return out
