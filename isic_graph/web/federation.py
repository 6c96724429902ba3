"""/api/harvest: the administrator harvests the registered peers (or one) over HTTP, as `isic-graph harvest` does."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request

from isic_graph.federation import harvest
from isic_graph.federation.peers import PeerRegistry
from isic_graph.web.auth import require_admin
from isic_graph.web.services import services

blueprint = Blueprint("federation", __name__, url_prefix="/api")


@blueprint.post("/harvest")
def harvest_peers() -> Response:
    """Harvest every peer, or `?peer=NAME`; 200 with each peer's outcome (a peer that failed says why)."""
    require_admin()
    s = services()
    registry = PeerRegistry(s.settings.peers_path)
    name = request.args.get("peer")
    peers = [registry.get(name)] if name else registry.list()
    outcomes = harvest.harvest_peers(s.store, s.validator, s.graphs, peers)  # together: order-independent
    return jsonify({"peers": [asdict(outcome) for outcome in outcomes]})
