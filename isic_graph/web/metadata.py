"""/.well-known/void and /catalog: the VoID description and DCAT catalogue, in Turtle, JSON-LD or N-Triples."""

from __future__ import annotations

import json

from flask import Blueprint, Response
from pyoxigraph import RdfFormat, serialize

from isic_graph.federation.peers import PeerRegistry
from isic_graph.publish.catalog import catalog
from isic_graph.publish.jsonld import compact
from isic_graph.rdf.namespaces import PREFIXES
from isic_graph.web.negotiation import negotiate
from isic_graph.web.services import services

blueprint = Blueprint("metadata", __name__)

MEDIA_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/json")


@blueprint.get("/.well-known/void")
@blueprint.get("/catalog")
def description() -> Response:
    """The same document at both addresses: a dcat:Catalog whose datasets are void:Datasets."""
    best = negotiate(MEDIA_TYPES)
    s = services()
    triples = catalog(s.store, s.graphs, s.settings.base_iri, PeerRegistry(s.settings.peers_path).list())
    if best in ("application/ld+json", "application/json"):
        body = json.dumps(compact(triples), ensure_ascii=False, indent=1).encode("utf-8")
    elif best == "application/n-triples":
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    else:
        body = serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    response = Response(body, content_type=best if best != "text/turtle" else "text/turtle; charset=utf-8")
    response.vary.add("Accept")
    return response
