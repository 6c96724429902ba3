"""The home page: what this is, what it holds, and where to go."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..instance import stats
from ..namespaces import curie
from .derived import per_store_version

blueprint = Blueprint("home", __name__)

@blueprint.get("/")
@per_store_version
def home() -> str:
    from . import services

    s = services()
    result = stats(s.store)  # the addresses shown are the configured base's, never the request's Host
    return render_template("home.html", base=s.settings.base_iri, graphs=result.graphs,
                           classes=[(curie(iri), n) for iri, n in result.classes])
