"""/.well-known/void and /catalog: the VoID description and DCAT catalogue, in Turtle, JSON-LD or N-Triples."""

from __future__ import annotations

import json

from flask import Blueprint, Response
from pyoxigraph import serialize

from isic_graph.federation.peers import PeerRegistry
from isic_graph.publish.catalog import catalog
from isic_graph.publish.jsonld import compact
from isic_graph.rdf.formats import DOCUMENT, GRAPH, by_media_type, media_types
from isic_graph.rdf.namespaces import PREFIXES
from isic_graph.web.negotiation import negotiate
from isic_graph.web.services import services

blueprint = Blueprint("metadata", __name__)

PLAIN_JSON = "application/json"  # JSON-LD, for clients that ask for JSON
MEDIA_TYPES = [*media_types(DOCUMENT, GRAPH), PLAIN_JSON]


@blueprint.get("/.well-known/void")
@blueprint.get("/catalog")
def description() -> Response:
    """The same document at both addresses: a dcat:Catalog whose datasets are void:Datasets."""
    best = negotiate(MEDIA_TYPES)
    s = services()
    triples = catalog(s.store, s.graphs, s.settings.base_iri, PeerRegistry(s.settings.peers_path).list())
    fmt = by_media_type(best)
    if fmt is None or fmt.name == "jsonld":
        body = json.dumps(compact(triples), ensure_ascii=False, indent=1).encode("utf-8")
    else:
        body = serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES if fmt.name == "turtle" else None) or b""
    response = Response(body, content_type=best + ("; charset=utf-8" if best.startswith("text/") else ""))
    response.vary.add("Accept")
    return response
