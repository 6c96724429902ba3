"""/search (HTML, works without JavaScript) and /api/search (JSON): full-text search with facets."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from isic_graph.errors import UsageError
from isic_graph.publish.links import page_link
from isic_graph.publish.search import FACETS, SearchResult
from isic_graph.rdf.labels import in_order, pick, switch
from isic_graph.rdf.namespaces import RDFS, SKOS
from isic_graph.sparql.terms import iris, is_iri
from isic_graph.web.facets import named_filters
from isic_graph.web.negotiation import language
from isic_graph.web.services import services

blueprint = Blueprint("search", __name__)

PAGE_SIZE = 20
MAX_DIGITS = 9
MAX_LIMIT = 100  # the most results a page of search gives; a larger limit asks for them all, and gets these
UI = {
    "fr": {"title": "Recherche", "search": "Rechercher", "results": "résultat(s)", "words": "Mots",
           "any": "tous", "network": "Réseau", "theme": "Thématique", "category": "Catégorie d'enseignement",
           "phase": "Phase", "project": "projet", "lesson": "enseignement", "resource": "ressource",
           "none": "Aucun résultat.", "next": "Suivants", "other": "English"},
    "en": {"title": "Search", "search": "Search", "results": "result(s)", "words": "Words",
           "any": "any", "network": "Network", "theme": "Theme", "category": "Lesson category",
           "phase": "Phase", "project": "project", "lesson": "lesson", "resource": "resource",
           "none": "No results.", "next": "Next", "other": "Français"},
}


def _search() -> tuple[SearchResult | None, dict[str, str], int]:
    s = services()
    text = request.args.get("q", "").strip()
    chosen = named_filters({f: request.args[f] for f in FACETS if request.args.get(f)})  # 400 for one naming nothing
    offset = _whole(request.args.get("offset", "0"), "offset", 0)
    limit = min(MAX_LIMIT, _whole(request.args.get("limit", str(PAGE_SIZE)), "limit", 1))  # more: the most there is
    if not text:
        return None, chosen, offset
    s.search.sync(s.store, s.graphs)
    return s.search.search(text, chosen, limit, offset), chosen, offset


def _whole(text: str, name: str, least: int) -> int:
    """A whole number of at most MAX_DIGITS digits (a larger one is no page of any search), `least` or more."""
    if not re.fullmatch(rf"\+?[0-9]{{1,{MAX_DIGITS}}}", text.strip()) or int(text) < least:
        raise UsageError(f"{name} is a whole number of at most {MAX_DIGITS} digits, {least} or more",
                         fr=f"{name} est un nombre entier d'au plus {MAX_DIGITS} chiffres, {least} ou plus")
    return int(text)


@blueprint.get("/api/search")
def search_api() -> Response:
    result, chosen, offset = _search()
    if result is None:
        raise UsageError("give the words to search for in q", fr="donnez les mots à chercher dans q")
    labels = _labels(result, language())
    return jsonify({
        "query": result.query, "filters": chosen, "total": result.total, "offset": offset,
        "hits": [{"iri": h.iri, "kind": h.kind, "title": h.title, "snippet": h.snippet, "score": h.score,
                  "facets": h.facets} for h in result.hits],
        "facets": {facet: [{"value": v, "label": labels.get(v, v), "count": n}
                           for v, n in sorted(values.items(), key=lambda item: (-item[1], item[0]))]
                   for facet, values in result.facets.items()},
    })


@blueprint.get("/search")
def search_page() -> str:
    from urllib.parse import urlencode

    lang = language()
    result, chosen, offset = _search()
    labels = _labels(result, lang) if result else {}
    options = {facet: [(v, labels.get(v, v), n) for v, n in
                       sorted(result.facets[facet].items(), key=lambda item: in_order(labels.get(item[0], item[0])))]
               if result else [] for facet in FACETS}
    for facet, value in chosen.items():  # a chosen value stays on offer
        if value not in {v for v, _, _ in options[facet]}:
            options[facet].append((value, labels.get(value, value), 0))
    base = services().settings.base_iri
    other = switch(lang)
    query = {"q": request.args.get("q", ""), **chosen}
    return render_template(
        "search.html", lang=lang, ui=UI[lang], q=request.args.get("q", ""), facets=FACETS, options=options,
        chosen=chosen,
        result=result, offset=offset, other=other, other_query=urlencode({**query, "lang": other}),
        next_query=urlencode({**query, "lang": lang, "offset": offset + PAGE_SIZE}),
        link=lambda iri: page_link(iri, base))


def _labels(result: SearchResult | None, lang: str) -> dict[str, str]:
    """Labels of the facet values, in the language asked for when there is one."""
    values = sorted({v for counts in (result.facets.values() if result else ()) for v in counts if is_iri(v)})
    if not values:
        return {}
    rows = services().store.select(
        "SELECT ?x ?label WHERE { VALUES ?x { " + iris(values) + " } "
        f"?x <{RDFS}label>|<{SKOS}prefLabel> ?label }}").rows
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["x"].value, {})[getattr(row["label"], "language", None) or ""] = row["label"].value
    return {iri: pick(by, lang) or "" for iri, by in found.items()}


__all__: list[Any] = ["blueprint"]
