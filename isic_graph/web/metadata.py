"""/.well-known/void and /catalog: the VoID description and DCAT catalogue, in Turtle, JSON-LD or N-Triples."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from pyoxigraph import serialize

from isic_graph.federation.peers import PeerRegistry
from isic_graph.publish.catalog import describe, summarize
from isic_graph.publish.jsonld import compact
from isic_graph.rdf.formats import GRAPH, by_media_type, content_type, formats_for
from isic_graph.rdf.labels import switch
from isic_graph.rdf.namespaces import PREFIXES
from isic_graph.web.derived import last_write
from isic_graph.web.lookups import one_page
from isic_graph.web.negotiation import language, negotiate
from isic_graph.web.services import services

blueprint = Blueprint("metadata", __name__)

MEDIA_TYPES = [f.media_type for f in formats_for(GRAPH)]  # what every other RDF page serves, RDF/XML too
HTML = "text/html"  # for a browser following the home page's link: a page
WORDS = {"fr": {"title": "Catalogue des données", "other": "English", "dumps": "Exports complets",
                "intro": "Ce catalogue (DCAT et VoID) se lit aussi en RDF :", "dataset": "jeu de données",
                "triples": "triplets distincts", "quads": "quadruplets", "modified": "modifié le",
                "files": "fichiers", "whole": "toutes les données", "endpoint": "Point d'accès SPARQL :"},
         "en": {"title": "Data catalogue", "other": "Français", "dumps": "Dumps",
                "intro": "This catalogue (DCAT and VoID) reads as RDF too:", "dataset": "dataset",
                "triples": "distinct triples", "quads": "quads", "modified": "modified",
                "files": "files", "whole": "all data", "endpoint": "SPARQL endpoint:"}}


@blueprint.get("/.well-known/void")
@blueprint.get("/catalog")
@one_page
def description() -> Response:
    """The same document at both addresses: a dcat:Catalog whose datasets are void:Datasets."""
    best = negotiate([*MEDIA_TYPES, HTML])
    s = services()
    summary = summarize(s.store, s.graphs, last_write(s))
    if best == HTML:
        lang = language()
        page = render_template("catalog.html", lang=lang, words=WORDS[lang], other=switch(lang), summary=summary,
                               base=s.settings.base_iri)
        response = Response(page, content_type="text/html; charset=utf-8")
        response.vary.add("Accept")
        response.vary.add("Accept-Language")
        return response
    triples = describe(summary, s.graphs, s.settings.base_iri, PeerRegistry(s.settings.peers_path).list())
    fmt = by_media_type(best)
    if fmt is None or fmt.name == "jsonld":
        body = json.dumps(compact(triples), ensure_ascii=False, indent=1).encode("utf-8")
    else:
        body = serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES if fmt.name == "turtle" else None) or b""
    response = Response(body, content_type=content_type(best))
    response.vary.add("Accept")
    return response
