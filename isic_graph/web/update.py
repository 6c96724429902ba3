"""/update: SPARQL 1.1 Update, for the administrator only.

The graphs an update reads (USING, USING NAMED, using-graph-uri, using-named-graph-uri) must be graphs of this
store, as a query's dataset must (400 naming the IRI); WITH names the graph an operation writes, which it
creates if it is new (and reads as empty)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from isic_graph.errors import UnsupportedFormat, UsageError
from isic_graph.ingest.ingestion import after_raw_update
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.guard import check_dataset, check_update, past_prologue
from isic_graph.sparql.update_dataset import for_engine, writes_default_graph
from isic_graph.sparql.written_graphs import written_graphs
from isic_graph.web.auth import require_admin
from isic_graph.web.services import services
from isic_graph.web.sparql import utf8_body

blueprint = Blueprint("update", __name__)


@blueprint.post("/update")
def update() -> Response:
    require_admin()
    params = request.args
    if request.mimetype == "application/x-www-form-urlencoded":
        operations = request.form.getlist("update")
        params = request.form
    elif request.mimetype == "application/sparql-update":
        if "update" in request.args:  # which one would run? The protocol sends the update one way only
            raise UsageError("an update sent as the request body leaves no room for an update= parameter too",
                             fr="une mise à jour envoyée comme corps de la demande exclut un paramètre update= en plus")
        operations = [utf8_body()]
    else:
        raise UnsupportedFormat("an update is sent as application/x-www-form-urlencoded or "
                                "application/sparql-update",
                                fr="une mise à jour s'envoie en application/x-www-form-urlencoded ou en "
                                   "application/sparql-update")
    if len(operations) != 1:
        raise UsageError("exactly one update parameter is expected",
                         fr="un seul paramètre update est attendu : envoyez une mise à jour par demande")
    using = request.args.getlist("using-graph-uri") + (
        params.getlist("using-graph-uri") if params is not request.args else [])
    named = request.args.getlist("using-named-graph-uri") + (
        params.getlist("using-named-graph-uri") if params is not request.args else [])
    s = services()
    checked = for_engine(check_update(operations[0], s.limits, s.graphs.service), using, named)
    if checked.using or checked.using_named:  # read graphs, as /sparql's dataset: WITH may name a new one to write
        read = [*checked.using, *checked.using_named]
        check_dataset(read, s.store.graphs_among(read))
    if writes_default_graph(checked.checked.tokens):
        own = s.graphs.default_own
        raise UsageError(f"this update writes to the default graph, which is the union of the named graphs (kept by "
                         f"isic-graph from them): write into a named graph instead, e.g. GRAPH <{own}> {{ … }} for "
                         "triples of no graph in particular (what /graph-store?default holds)",
                         fr=f"cette mise à jour écrit dans le graphe par défaut, qui est l'union des graphes nommés "
                            f"(tenue par isic-graph à partir d'eux) : écrivez dans un graphe nommé, par exemple "
                            f"GRAPH <{own}> {{ … }} pour des triplets d'aucun graphe en particulier (ce que tient "
                            "/graph-store?default)")
    if past_prologue(checked.checked.tokens) == len(checked.checked.tokens):  # no operation (SPARQL allows it)
        return Response(status=204)
    written = written_graphs(checked.checked.tokens)  # the default graph kept for these alone, when known
    s.store.update(checked.checked.text, checked.using, checked.using_named,
                   None if written is None else Written(graphs=written))
    after_raw_update(s.store, s.graphs, checked.checked)
    return Response(status=204)
