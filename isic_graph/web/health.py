"""/healthz: is the engine reachable and the store writable? 200 if both, 503 with what failed if not."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, jsonify

from ..errors import IsicError
from ..sparql_terms import iri

blueprint = Blueprint("health", __name__)
PROBE = "<urn:isic:healthz> <urn:isic:probe>"


@blueprint.get("/healthz")
def healthz() -> Response:
    from . import services

    s = services()
    checks: dict[str, str] = {}
    try:
        s.store.query("ASK {}")
        checks["engine"] = "reachable"
    except IsicError:
        checks["engine"] = "unreachable"
    if checks["engine"] == "reachable":
        # A write that leaves nothing behind: one transaction adds a triple and removes it.
        triple = f'{PROBE} "{uuid.uuid4().hex}"'
        graph = iri(s.graphs.metadata)
        try:
            s.store.update(f"INSERT DATA {{ GRAPH {graph} {{ {triple} }} }} ; "
                           f"DELETE DATA {{ GRAPH {graph} {{ {triple} }} }}")
            checks["store"] = "writable"
        except IsicError:
            checks["store"] = "not writable"
    ok = checks == {"engine": "reachable", "store": "writable"}
    response = jsonify({"status": "ok" if ok else "failing", **checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
