"""/healthz: does the engine answer? 200 if so, 503 if not. It reads only: it writes nothing, so no cached
answer or ETag is dropped by a probe.

The administrator (bearer token) may ask for the deeper probe, `/healthz?store=write`: a transaction that
adds a triple and removes it, which says whether the store takes writes.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, jsonify, request

from isic_graph.errors import IsicError
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri
from isic_graph.web.auth import require_admin
from isic_graph.web.services import services

blueprint = Blueprint("health", __name__)
PROBE = "<urn:isic:healthz> <urn:isic:probe>"


@blueprint.get("/healthz")
def healthz() -> Response:
    s = services()
    deep = request.args.get("store") == "write"
    if deep:
        require_admin()
    checks: dict[str, str] = {}
    try:
        s.store.query("ASK {}")
        checks["engine"] = "reachable"
    except IsicError:
        checks["engine"] = "unreachable"
    if deep and checks["engine"] == "reachable":
        checks["store"] = _writable()
    ok = checks["engine"] == "reachable" and checks.get("store", "writable") == "writable"
    response = jsonify({"status": "ok" if ok else "failing", **checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _writable() -> str:
    """A write that leaves nothing behind: one transaction adds a triple and removes it."""
    s = services()
    triple = f'{PROBE} "{uuid.uuid4().hex}"'
    graph = iri(s.graphs.metadata)
    try:
        s.store.update(f"INSERT DATA {{ GRAPH {graph} {{ {triple} }} }} ; "
                       f"DELETE DATA {{ GRAPH {graph} {{ {triple} }} }}", written=Written())
        return "writable"
    except IsicError:
        return "not writable"
