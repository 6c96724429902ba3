"""/api/harvest: the administrator harvests the registered peers (or one) over HTTP, as `isic-graph harvest` does."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request

from ..harvest import harvest
from ..peers import PeerRegistry
from .auth import require_admin

blueprint = Blueprint("federation", __name__, url_prefix="/api")


@blueprint.post("/harvest")
def harvest_peers() -> Response:
    """Harvest every peer, or `?peer=NAME`; 200 with each peer's outcome (a peer that failed says why)."""
    from . import services

    require_admin()
    s = services()
    registry = PeerRegistry(s.settings.peers_path)
    name = request.args.get("peer")
    peers = [registry.get(name)] if name else registry.list()
    outcomes = [harvest(s.store, s.validator, s.graphs, peer) for peer in peers]
    return jsonify({"peers": [asdict(outcome) for outcome in outcomes]})
