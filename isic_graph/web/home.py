"""The home page: what this is, what it holds, and where to go."""

from __future__ import annotations

from flask import Blueprint, render_template

from isic_graph.admin.bootstrap import stats
from isic_graph.query.merged import resources_per_class
from isic_graph.rdf.namespaces import curie
from isic_graph.web.derived import per_store_version
from isic_graph.web.services import services

blueprint = Blueprint("home", __name__)

@blueprint.get("/")
@per_store_version
def home() -> str:
    s = services()
    result = stats(s.store)  # the addresses shown are the configured base's, never the request's Host
    query = resources_per_class(s.graphs)  # the table of classes is this query's answer, shown above it
    classes = [(curie(r["class"].value), int(r["n"].value)) for r in s.store.select(query).rows]
    return render_template("home.html", base=s.settings.base_iri, graphs=result.graphs, classes=classes,
                           query=query)
