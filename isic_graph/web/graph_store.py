"""/graph-store: the SPARQL 1.1 Graph Store HTTP Protocol; network graphs only through validated ingestion."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pyoxigraph import serialize

from isic_graph.admin.bootstrap import claim_reference, replace_graph
from isic_graph.admin.reference import claimed, refuse_owned, refuse_personal_data
from isic_graph.errors import Forbidden, NotFound, UnsupportedFormat, UsageError, ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.ingest.reading import parse_document
from isic_graph.rdf.formats import GRAPH, content_type, format_for_media_type, formats_for
from isic_graph.rdf.iris import lookalike_key, scheme_blind
from isic_graph.rdf.namespaces import DCTERMS, check_slug
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, is_iri
from isic_graph.sparql.updates import insert_data
from isic_graph.web.api import refusal
from isic_graph.web.auth import require_admin, require_network
from isic_graph.web.negotiation import negotiate
from isic_graph.web.services import services

blueprint = Blueprint("graph_store", __name__)

READ_FORMATS = {f.media_type: f for f in formats_for(GRAPH)}
DEFAULT = "default"


@blueprint.route("/graph-store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    graph = _target()
    if request.method in ("GET", "HEAD"):
        return _read(graph)
    if graph == DEFAULT:  # the default graph's own triples are kept in a named graph (Graphs.default_own)
        graph = services().graphs.default_own
    network = _network_of(graph)
    if network is not None:
        require_network(network)
        return _write_network(network, graph)
    require_admin()
    if _is_managed(graph):
        raise Forbidden(f"<{graph}> is managed by isic-graph (init, ingestion); it cannot be written here",
                        fr=f"<{graph}> est tenu par isic-graph (init, ingestion) ; il ne s'écrit pas ici")
    return _write_reference(graph)


def _target() -> str:
    graphs = request.args.getlist("graph")
    has_default = "default" in request.args
    if len(graphs) + int(has_default) != 1:
        raise UsageError("name exactly one graph: ?graph=IRI or ?default",
                         fr="nommez exactement un graphe : ?graph=IRI ou ?default")
    if has_default:
        return DEFAULT
    name = graphs[0]
    if not name.lower().startswith(("http://", "https://", "urn:")) or not is_iri(name):
        raise UsageError(f"not an absolute IRI (http://…, https://… or urn:…): {name!r}",
                         fr=f"ce n'est pas une IRI absolue (http://…, https://… ou urn:…) : {name!r}")
    return name


def _read(graph: str) -> Response:
    store = services().store
    best = negotiate(READ_FORMATS)
    if graph == DEFAULT:  # the default graph as queries see it: the union of every graph
        answer = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        triples = answer if isinstance(answer, list) else []
    else:
        if store.query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}") is not True:
            raise NotFound(f"no graph <{graph}>", fr=f"aucun graphe <{graph}>")
        triples = store.graph_triples(graph)
    body = serialize(triples, format=READ_FORMATS[best].rdf_format) or b""
    response = Response(b"" if request.method == "HEAD" else body, content_type=content_type(best))
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept")
    return response


def _write_network(network: str, graph: str) -> Response:
    s = services()
    check_slug(network)
    if request.method == "DELETE":
        existed = s.store.query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}") is True
        if not existed:
            raise NotFound(f"no graph <{graph}>", fr=f"aucun graphe <{graph}>")
        s.store.update(f"DROP SILENT GRAPH {iri(graph)} ; DELETE WHERE {{ GRAPH {iri(s.graphs.metadata)} "
                       f"{{ {iri(graph)} <{DCTERMS}modified> ?m }} }}",
                       written=Written(graphs=[graph], subjects=[graph]))
        return Response(status=204)
    mode = Mode.REPLACE if request.method == "PUT" else Mode.UPSERT
    try:
        result = ingest(s.store, s.validator, s.graphs, [_body_document()], network, mode)
    except ValidationFailed as exc:

        return refusal(exc)
    return Response(status=201 if result.created else 204)


def _write_reference(graph: str) -> Response:
    store = services().store
    own = graph == services().graphs.default_own  # the default graph's own: it always exists, maybe empty
    if request.method == "DELETE":
        if not own and store.query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}") is not True:
            raise NotFound(f"no graph <{graph}>", fr=f"aucun graphe <{graph}>")
        store.update(f"DROP SILENT GRAPH {iri(graph)}", written=Written(graphs=[graph]))
        return Response(status=204)
    triples = parse_document(_body_document(), services().graphs.base)
    try:
        refuse_personal_data(triples)
    except ValidationFailed as exc:

        return refusal(exc)
    refuse_owned(store, services().graphs, claimed(triples, services().graphs))  # NotOwner: nothing written
    created = not own and store.query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}") is not True
    if request.method == "PUT":
        replace_graph(store, graph, triples)
    else:
        store.update(insert_data(graph, triples), written=Written(graphs=[graph]))
    claim_reference(store, services().graphs, triples)
    return Response(status=201 if created else 204)


def _body_document() -> Document:
    if not request.mimetype:
        raise UnsupportedFormat("say what the body is with a Content-Type (text/turtle, application/n-triples, "
                                "application/ld+json)")
    fmt = format_for_media_type(request.mimetype)
    if fmt.rdf_format is None or fmt.dataset:
        raise UnsupportedFormat(f"{request.mimetype} is not accepted for one graph; send Turtle, N-Triples or JSON-LD")
    return Document(f"body{fmt.extension}", request.get_data(), fmt)


def _network_of(graph: str) -> str | None:
    prefix = services().graphs.network_prefix
    return graph[len(prefix):] if graph.startswith(prefix) else None


def _is_managed(graph: str) -> bool:
    """A graph init or ingestion writes, in any spelling (`HTTP://…/graph/network/x`, `…/graph//ownership`): a
    look-alike of one is no graph for a raw load either."""
    graphs = services().graphs
    k = scheme_blind(lookalike_key(graph))  # the other web scheme too: the same host's graph to a reader
    return graphs.is_reserved(graph) or k in {scheme_blind(lookalike_key(g)) for g in (
        graphs.ontology, graphs.thesauri, graphs.metadata, graphs.identity, graphs.ownership)} or k.startswith(
        tuple(scheme_blind(lookalike_key(prefix)) for prefix in (graphs.network_prefix, graphs.peer_prefix)))


