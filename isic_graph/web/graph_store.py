"""/graph-store: the SPARQL 1.1 Graph Store HTTP Protocol; network graphs only through validated ingestion."""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from typing import Sequence

from flask import Blueprint, Response, request
from pyoxigraph import Triple, serialize

from isic_graph.admin.bootstrap import claim_reference, replace_graph
from isic_graph.admin.reference import refuse_owned, refuse_personal_data
from isic_graph.errors import (
    AnswerTooLarge,
    Forbidden,
    NotFound,
    PreconditionFailed,
    UnsupportedFormat,
    UsageError,
    ValidationFailed,
)
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.ingest.reading import parse_document
from isic_graph.rdf.formats import GRAPH, content_type, format_for_media_type, formats_for
from isic_graph.rdf.namespaces import DCTERMS, check_slug
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, is_iri
from isic_graph.sparql.updates import insert_data
from isic_graph.web.api import refusal
from isic_graph.web.auth import require_admin, require_network
from isic_graph.web.negotiation import negotiate
from isic_graph.web.services import services
from isic_graph.web.uploads import body_document
from isic_graph.web.xml_answers import check_xml

blueprint = Blueprint("graph_store", __name__)

READ_FORMATS = {f.media_type: f for f in formats_for(GRAPH)}
DEFAULT = "default"
MOST_TRIPLES = 100_000  # a GET's graph: about 13 MB of N-Triples, 130 MB held while it is hashed and written
MOST_SHOWN_FR = f"{MOST_TRIPLES:,}".replace(",", "\u202f")  # as French writes it: 100 000


@blueprint.route("/graph-store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    asked = _target()
    if request.method in ("GET", "HEAD"):
        return _read(asked)
    _no_other_parameter()
    # the default graph's own triples are kept in a named graph (Graphs.default_own)
    graph = services().graphs.default_own if asked == DEFAULT else asked
    network = _network_of(graph)
    if network is not None:
        require_network(network)
    else:
        require_admin()
        if services().graphs.is_managed(graph):
            raise Forbidden(f"<{graph}> is managed by isic-graph (init, ingestion); it cannot be written here",
                            fr=f"<{graph}> est tenu par isic-graph (init, ingestion) ; il ne s'écrit pas ici")
    conditional = "If-Match" in request.headers or "If-None-Match" in request.headers
    # a conditional write holds the store's write lock from its check to its write: no other write comes between
    with services().store.writing() if conditional else nullcontext():
        if conditional:
            _check_preconditions(asked)  # before the body is read: a refused write reads and writes nothing
        if network is not None:
            return _write_network(network, graph)
        return _write_reference(graph)


def _no_other_parameter() -> None:
    """A write reads `graph` or `default` alone: another parameter is refused (400 naming it), not passed over
    (`?dry-run=1` wrote, answered 204, to a client that meant to try its data)."""
    other = next((name for name in request.args if name not in ("graph", "default")), None)
    if other is None:
        return
    if other == "dry-run":
        raise UsageError("the Graph Store has no dry run: nothing was written; a network tries its data with POST "
                         "/api/networks/{slug}/sheets?dry-run=1, or POST /api/validate",
                         fr="le Graph Store n'a pas d'essai à blanc : rien n'a été écrit ; un réseau essaie ses "
                            "données par POST /api/networks/{slug}/sheets?dry-run=1, ou POST /api/validate")
    raise UsageError(f"the Graph Store reads ?graph=IRI or ?default alone, not {other!r}: nothing was written",
                     fr=f"le Graph Store ne lit que ?graph=IRI ou ?default, pas « {other} » : rien n'a été écrit")


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
    best = negotiate(READ_FORMATS)
    triples = _served(graph)
    if triples is None:
        raise NotFound(f"no graph <{graph}>", fr=f"aucun graphe <{graph}>")
    digest = _digest(triples)
    tag = _etag(digest, best)
    if "If-Match" in request.headers:  # RFC 9110 §13.1.1, for a read as for a write
        _check_if_match(graph, [_etag(digest, media) for media in READ_FORMATS], "sent")
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        body = serialize(triples, format=READ_FORMATS[best].rdf_format) or b""
        check_xml(body, best, None)
        response = Response(b"" if request.method == "HEAD" else body, content_type=content_type(best))
        response.headers["Content-Length"] = str(len(body))
    response.headers["ETag"] = f'"{tag}"'
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    return response


def _served(graph: str) -> list[Triple] | None:
    """The triples a GET of the graph serves; None when there is no such graph. The default graph is the one queries
    see, the union of every graph: it always exists."""
    store = services().store
    pattern = "?s ?p ?o" if graph == DEFAULT else f"GRAPH {iri(graph)} {{ ?s ?p ?o }}"
    count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows[0]["n"]
    if int(count.value) > MOST_TRIPLES:  # held whole, several times over, to be hashed and written: read elsewhere
        raise AnswerTooLarge(f"the graph holds {count.value} triples, more than the Graph Store sends in one answer "
                             f"({MOST_TRIPLES:,}): read it from the dumps (/dumps/: each network's graph, and the "
                             "whole store in N-Quads, streamed), or a part of it with SPARQL (LIMIT, OFFSET)",
                             f"le graphe contient {count.value} triplets, plus que le Graph Store n'en envoie en une "
                             f"réponse ({MOST_SHOWN_FR}) : lisez-le dans les exports (/dumps/ : le graphe de chaque "
                             "réseau, et toute la base en N-Quads, envoyés au fil de l'eau), ou une partie avec SPARQL "
                             "(LIMIT, OFFSET)")
    if graph == DEFAULT:
        answer = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return answer if isinstance(answer, list) else []
    if int(count.value) == 0:  # a graph is there while it holds a triple
        return None
    return store.graph_triples(graph)


def _digest(triples: Sequence[Triple]) -> str:
    """A hash of a graph's triples, whatever their order: it changes when a triple does, and only then."""
    lines = sorted(str(t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]


def _etag(digest: str, media_type: str) -> str:
    """The strong ETag (unquoted) of one representation of a graph: its triples' hash and its format."""
    return f"{digest}-{READ_FORMATS[media_type].extension.lstrip('.')}"


def _check_if_match(graph: str, tags: Sequence[str], done: str) -> None:
    """If-Match against a graph's current ETags (`*`: it exists): PreconditionFailed (412) unless one is named, strong;
    a weak one (`W/"…"`) never matches (§13.1.1's strong comparison), and the refusal says so."""
    wanted = request.if_match
    if wanted.star_tag or any(wanted.is_strong(t) for t in tags):
        return
    fr_done = "envoyé" if done == "sent" else "enregistré"
    if not wanted.as_set() and any(wanted.contains_weak(t) for t in tags):
        raise PreconditionFailed(f"If-Match compares ETags strongly: a weak ETag (W/\"…\") never matches; send the "
                                 f"ETag as a GET gave it; nothing was {done}",
                                 fr=f"If-Match compare les ETag strictement : un ETag faible (W/\"…\") ne correspond "
                                    f"jamais ; envoyez l'ETag tel qu'un GET l'a donné ; rien n'a été {fr_done}")
    raise PreconditionFailed(f"<{graph}> has changed since the ETag given in If-Match was read; nothing was {done} "
                             "(read it again)",
                             fr=f"<{graph}> a changé depuis la lecture de l'ETag donné par If-Match ; rien n'a été "
                                f"{fr_done} (relisez-le)")


def _check_preconditions(graph: str) -> None:
    """RFC 9110 §13.2.2 for a write: If-Match holds when it names a current (strong) ETag of the graph as a GET of the
    same address serves it, in any of its formats, or is `*` and the graph exists; If-None-Match holds when the graph
    does not exist (`*`: create only) or none of its ETags is named. Otherwise PreconditionFailed (412)."""
    triples = _served(graph)
    if triples is None and request.method == "DELETE":  # 404 without the conditions: they are ignored (§13.2.1)
        return
    tags = [] if triples is None else [_etag(_digest(triples), media) for media in READ_FORMATS]
    if "If-Match" in request.headers:
        if triples is None:
            raise PreconditionFailed(f"<{graph}> does not exist; nothing was written (read it again, then write)",
                                     fr=f"<{graph}> n'existe pas ; rien n'a été enregistré (relisez-le, puis écrivez)")
        _check_if_match(graph, tags, "written")
    if "If-None-Match" in request.headers and triples is not None:
        unwanted = request.if_none_match
        if unwanted.star_tag or any(unwanted.contains_weak(t) for t in tags):
            raise PreconditionFailed(f"<{graph}> exists already, and If-None-Match asks to write only if it does not "
                                     "match; nothing was written",
                                     fr=f"<{graph}> existe déjà, et If-None-Match demande de n'écrire que s'il ne "
                                        "correspond pas ; rien n'a été enregistré")


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
    refuse_owned(store, services().graphs, triples)  # NotOwner: nothing written
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
                                "application/ld+json)",
                                fr="dites ce qu'est le corps par un Content-Type (text/turtle, application/n-triples, "
                                   "application/ld+json)")
    fmt = format_for_media_type(request.mimetype)
    if fmt.rdf_format is None or fmt.dataset:
        raise UnsupportedFormat(f"{request.mimetype} is not accepted for one graph; send Turtle, N-Triples or JSON-LD",
                                fr=f"le format {request.mimetype} n'est pas accepté pour un graphe (il en porte "
                                   "plusieurs, ou n'est pas du RDF lu ici) : envoyez du Turtle, du N-Triples ou du "
                                   "JSON-LD")
    return body_document(f"body{fmt.extension}", fmt)


def _network_of(graph: str) -> str | None:
    prefix = services().graphs.network_prefix
    return graph[len(prefix):] if graph.startswith(prefix) else None
