"""/update: SPARQL 1.1 Update, for the administrator only.

The graphs an update reads (USING, USING NAMED, using-graph-uri, using-named-graph-uri) must be graphs of this
store, as a query's dataset must (400 naming the IRI); WITH names the graph an operation writes, which it
creates if it is new (and reads as empty).

The graphs an update writes are held to the Graph Store's rules for the administrator (update_targets reads them
from the update's tokens, whatever the operation, spelling or escape): a graph init or ingestion writes, in any
spelling, is refused (403), as is an update that may write graphs it does not name (`GRAPH ?g` in a template,
DROP / CLEAR ALL or NAMED); and what it inserts is reference data, read before it runs (so an operation whose
insertions read the store, after another operation of the same request, is refused, 400: sent alone, it is read
as the store then is): no subject a network or a peer owns (422 not-owner), and the subjects it describes become
the instance's. (Personal data is not looked for:
the administrator's own updates write what the administrator says.)"""

from __future__ import annotations

from typing import Sequence

from flask import Blueprint, Response, request
from pyoxigraph import Triple

from isic_graph.admin.bootstrap import claim_reference
from isic_graph.admin.reference import refuse_owned
from isic_graph.errors import Forbidden, UnsupportedFormat, UsageError
from isic_graph.ingest.ingestion import after_raw_update
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.guard import check_dataset, check_update, past_prologue
from isic_graph.sparql.update_dataset import for_engine, writes_default_graph
from isic_graph.sparql.update_targets import Targets, update_targets
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
    if not operations and params.getlist("query"):
        raise UsageError("a query (query=) is asked at /sparql; /update takes an update (update=)",
                         fr="une requête (query=) se pose à /sparql ; /update prend une mise à jour (update=)")
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
    targets = update_targets(checked.checked.tokens)
    _refuse_managed(targets)
    _refuse_reading_after_a_write(targets)
    written = written_graphs(checked.checked.tokens)  # the default graph kept for these alone, when known
    with s.store.writing():  # what it inserts is read and checked, then written, with no other write between
        inserted = _inserted(targets, checked.using, checked.using_named)
        refuse_owned(s.store, s.graphs, inserted)  # NotOwner (422): nothing written
        s.store.update(checked.checked.text, checked.using, checked.using_named,
                       None if written is None else Written(graphs=written))
        claim_reference(s.store, s.graphs, inserted)
    after_raw_update(s.store, s.graphs, checked.checked)
    return Response(status=204)


def _refuse_managed(targets: Targets) -> None:
    """Forbidden (403) for an update that writes a graph init or ingestion writes, in any spelling (the Graph Store
    refuses it the same), or that may write graphs it does not name (GRAPH ?g in a template, DROP ALL…)."""
    graphs = services().graphs
    if targets.unnamed is not None:
        raise Forbidden(f"this update may write graphs it does not name ({targets.unnamed}), and some graphs are "
                        "managed by isic-graph (init, ingestion): name each graph it writes by its IRI",
                        fr=f"cette mise à jour peut écrire des graphes qu'elle ne nomme pas ({targets.unnamed_fr}), et "
                           "certains graphes sont tenus par isic-graph (init, ingestion) : nommez par son IRI chaque "
                           "graphe qu'elle écrit")
    for graph in targets.graphs:
        if graphs.is_managed(graph):
            raise Forbidden(f"<{graph}> is managed by isic-graph (init, ingestion); it cannot be written here",
                            fr=f"<{graph}> est tenu par isic-graph (init, ingestion) ; il ne s'écrit pas ici")


def _refuse_reading_after_a_write(targets: Targets) -> None:
    """UsageError (400) for an operation whose insertions hang on the store's data (INSERT … WHERE with a pattern,
    DELETE/INSERT … WHERE, WITH … INSERT … WHERE, ADD, COPY, MOVE) after another operation of the same request:
    what it inserts is read before the request runs, where an earlier operation's writes are not seen yet, so it
    could insert what no check read. Sent in a request of its own, it is read as the store then is."""
    if (n := targets.reads_after_a_write) is not None:
        raise UsageError(f"operation {n} of this update inserts what it reads in the store (INSERT … WHERE, ADD, COPY, "
                         "MOVE) after another operation of the same request, whose writes could change what it reads: "
                         "what an update inserts is checked before it runs, so send this operation in a request of "
                         "its own (nothing was applied)",
                         fr=f"l'opération {n} de cette mise à jour insère ce qu'elle lit dans l'entrepôt (INSERT … "
                            "WHERE, ADD, COPY, MOVE) après une autre opération de la même demande, dont les écritures "
                            "peuvent changer ce qu'elle lit : ce qu'une mise à jour insère est vérifié avant qu'elle "
                            "s'exécute, envoyez donc cette opération dans une demande à elle seule (rien n'a été "
                            "appliqué)")


def _inserted(targets: Targets, using: Sequence[str], using_named: Sequence[str]) -> list[Triple]:
    """The triples the update's operations insert into the graphs they name, read before it runs, as the Graph Store
    reads a body: reference data, which describes no subject a network or a peer owns."""
    store = services().store
    found: list[Triple] = []
    for insertion in targets.inserted:
        graph = insertion.with_graph
        if graph is not None and not store.graphs_among([graph]):  # WITH a graph not made yet: read as empty
            text = insertion.query([graph], store.graph_names(), fresh=True)
        else:
            text = insertion.query(using, using_named)
        answer = store.query(text)
        if isinstance(answer, list):
            found.extend(answer)
    return found
