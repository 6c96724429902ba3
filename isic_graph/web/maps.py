"""/maps: the partnership network and the coverage of the knowledge (its gaps), drawn server-side as SVG with
links (PNG for export), with filters by network, theme, territory and period."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from isic_graph.errors import NotFound
from isic_graph.publish.links import page_link, safe_href
from isic_graph.publish.maps import (
    Coverage,
    Filters,
    PartnershipMap,
    coverage,
    draw_coverage,
    draw_partnerships,
    partnership_map,
)
from isic_graph.query.cache import ResultCache, key_for
from isic_graph.rdf.labels import choose, in_order, pick, switch, words_in
from isic_graph.rdf.namespaces import ISIC, RDFS, SKOS, THESAURUS
from isic_graph.web.derived import per_store_version
from isic_graph.web.facets import named_filters
from isic_graph.web.negotiation import language
from isic_graph.web.services import Page, services

blueprint = Blueprint("maps", __name__)

KINDS = {"svg": "image/svg+xml", "png": "image/png"}
TITLES = {"territories": ("Thématiques × territoires (projets)", "Themes × territories (projects)"),
          "categories": ("Thématiques × catégories d'enseignements (en hachuré : aucun enseignement capitalisé)",
                         "Themes × lesson categories (hatched: no lesson captured)")}
WORDS = {
    "fr": {"title": "Cartographie des connaissances", "queries": "Requêtes", "search": "Recherche",
           "other": "English", "network": "Réseau", "theme": "Thématique", "territory": "Territoire",
           "start": "Depuis", "end": "Jusqu'au", "filter": "Filtrer", "partnerships": "Réseau des partenariats",
           "coverage-categories": "Enseignements par thématique",
           "coverage-territories": "Projets par thématique et territoire",
           "intro": "Zones de recoupement, de frottement ou de manque : qui travaille avec qui, et où des projets "
                    "existent sans enseignement capitalisé."},
    "en": {"title": "Maps of the knowledge", "queries": "Queries", "search": "Search", "other": "Français",
           "network": "Network", "theme": "Theme", "territory": "Territory", "start": "From", "end": "Until",
           "filter": "Filter", "partnerships": "Partnership network", "coverage-categories": "Lessons by theme",
           "coverage-territories": "Projects by theme and territory",
           "intro": "Where networks overlap, rub against each other, or leave gaps: who works with whom, and where "
                    "projects exist with no lesson captured."},
}


def _filters() -> Filters:
    """The filters asked for: a network, a theme, a territory this instance holds (a network also by its slug),
    dates (400 naming the parameter otherwise)."""
    given = {k: request.args[k] for k in ("network", "theme", "territory", "start", "end") if request.args.get(k)}
    return Filters(**{**given, **named_filters(given)})


def _link(iri: str) -> str | None:
    """Where a node or a cell links: this instance's pages, a concept's page, or an http(s) address; else none."""
    base = services().settings.base_iri
    if iri.startswith(THESAURUS) and not iri.startswith(base):
        return safe_href("/thesaurus/" + iri[len(THESAURUS):])
    return page_link(iri, base)


def _drawing(name: str, kind: str, filters: Filters, lang: str) -> bytes:
    """A drawing, kept with the derived pages until the next write by its name, kind and filters (never the
    request's host or headers: the page and the address of each drawing, whatever their URL and headers, share
    one render); and drawn once for what it shows (by_data), so a write that leaves a map as it was (most
    writes: a lesson, a description) costs the next drawing its queries alone (a drawing costs 0.1 to 0.5 s of
    CPU)."""
    s = services()
    if s.pages is None or s.store.version is None:
        return by_data(name, kind, lang, _shown(name, filters, lang))
    version = f"{s.store.version.current()}.{s.boot}"  # read before drawing: a write meanwhile is not missed
    key = key_for(version, f"{name}.{kind} {filters!r} {lang}", "", (), (), "drawing")
    kept = s.pages.get(key)
    if kept is None:
        kept = Page((), by_data(name, kind, lang, _shown(name, filters, lang)))
        s.pages.put(key, kept)
    return kept.body


_DRAWN: ResultCache[Page] = ResultCache(16 * 1024 * 1024)  # the last drawings made, by what they show (all at
# one version: never dropped by a write; a PNG is about 100 KB)


def by_data(name: str, kind: str, lang: str, found: PartnershipMap | Coverage) -> bytes:
    """The drawing of this data (in order: the order of the networks gives their colours), drawn once in this
    process: the same data, whatever the version of the store or the filters that chose it, is the same drawing
    (its links made from this instance's base IRI, in the key)."""
    digest = hashlib.sha256(repr(found).encode()).hexdigest()
    key = key_for("drawn", f"{services().settings.base_iri} {name}.{kind} {lang} {digest}", "", (), (), "drawing")
    kept = _DRAWN.get(key)
    if kept is None:
        kept = Page((), _drawn(name, kind, lang, found))
        _DRAWN.put(key, kept)
    return kept.body


def _shown(name: str, filters: Filters, lang: str) -> PartnershipMap | Coverage:
    """What a map shows: its data, from the store."""
    store = services().store
    if name == "partnerships":
        return partnership_map(store, filters, services().graphs, lang)
    if name.startswith("coverage-") and name[len("coverage-"):] in TITLES:
        return coverage(store, name[len("coverage-"):], filters, lang)
    raise NotFound(f"no map {name!r}: the maps are partnerships, coverage-territories and coverage-categories",
                   fr=f"aucune carte {name!r} : les cartes sont partnerships, coverage-territories et "
                      "coverage-categories")


def _drawn(name: str, kind: str, lang: str, found: PartnershipMap | Coverage) -> bytes:
    if isinstance(found, PartnershipMap):
        return draw_partnerships(found, kind, _link, lang)
    return draw_coverage(found, kind, choose(lang, *TITLES[name[len("coverage-"):]]),
                         lambda theme, column: _link(theme), lang)


@blueprint.get("/maps/<name>.<kind>")
@per_store_version
def drawing(name: str, kind: str) -> Response:
    if kind not in KINDS:
        raise NotFound("maps are drawn as .svg or .png", fr="les cartes sont dessinées en .svg ou en .png")
    return Response(_drawing(name, kind, _filters(), language()), content_type=KINDS[kind])


@blueprint.get("/maps")
@per_store_version
def page() -> str:
    filters, lang = _filters(), language()
    words = words_in(WORDS, lang)
    store = services().store
    choices = {}
    for name, sparql in (
            ("network", f"SELECT DISTINCT ?x ?l WHERE {{ ?x a <{ISIC}Network> ; <{RDFS}label> ?l }}"),
            ("theme", f"SELECT DISTINCT ?x ?l WHERE {{ ?p <{ISIC}theme> ?x . ?x <{SKOS}prefLabel> ?l }}"),
            ("territory", f"SELECT DISTINCT ?x ?l WHERE {{ ?x a <{ISIC}Territory> ; <{RDFS}label> ?l }}")):
        texts: dict[str, dict[str, str]] = {}
        for r in store.select(sparql).rows:
            texts.setdefault(r["x"].value, {}).setdefault(getattr(r["l"], "language", None) or "", r["l"].value)
        found = {x: pick(by_lang, lang) or x for x, by_lang in texts.items()}
        choices[name] = sorted(found.items(), key=lambda item: in_order(item[1]))
    chosen = {k: v for k, v in request.args.items() if v}
    figures = [(name, words[name], _inline(_drawing(name, "svg", filters, lang)))
               for name in ("partnerships", "coverage-categories", "coverage-territories")]
    return render_template(
        "maps.html", figures=figures, chosen=chosen, query=urlencode(chosen), lang=lang, words=words,
        other=switch(lang), selects=[(name, words[name], choices[name]) for name in ("network", "theme", "territory")])


def _inline(svg: bytes) -> str:
    """An SVG document as an element of the page (its XML declaration and doctype dropped)."""
    text = svg.decode("utf-8")
    return re.sub(r"^.*?(?=<svg)", "", text, count=1, flags=re.S)
