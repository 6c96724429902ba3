"""/sparql: the SPARQL 1.1 Protocol query operation, answered by the engine process."""

from __future__ import annotations

import time

from flask import Blueprint, Response, render_template, request
from pyoxigraph import serialize
from werkzeug.datastructures import MIMEAccept

from isic_graph.errors import (
    MethodNotAllowed,
    NotAcceptable,
    UnsupportedFormat,
    UriTooLong,
    UsageError,
)
from isic_graph.federation.peers import PeerRegistry
from isic_graph.federation.service import evaluate
from isic_graph.query.asked import article, check_asked, each_once
from isic_graph.query.cache import cacheable, key_for
from isic_graph.query.scopes import check_scope, local_graphs
from isic_graph.rdf.formats import ANSWER, GRAPH, answer_offers, content_type, formats_for
from isic_graph.rdf.labels import switch
from isic_graph.sparql.guard import update_not_accepted
from isic_graph.web import problems
from isic_graph.web.auth import require_credential
from isic_graph.web.derived import check_if_match, still_current
from isic_graph.web.description import service_description
from isic_graph.web.limits import client as client_of
from isic_graph.web.negotiation import accepted, language, negotiate
from isic_graph.web.parameters import UTF8, declared_charset, formats_agree
from isic_graph.web.services import services
from isic_graph.web.xml_answers import check_xml

blueprint = Blueprint("sparql", __name__)

FORMAT_FIELDS = ("format", "output", "results")  # what clients name the answer's format by (SPARQLWrapper: all three)
DESCRIPTION_FORMATS = {f.media_type: f for f in formats_for(GRAPH)}
HTML = "text/html"  # for a browser opening the endpoint: a page saying how to ask it


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """The one path of a query: read once (the guard's tokens), checked, answered from the cache or the
    engine, which gets the text written from those tokens."""
    if request.method == "OPTIONS":
        return Response(status=204)
    s = services()
    query, default_graphs, named_graphs = _read_request()
    if query is None:
        return _description()
    if request.method in ("GET", "HEAD") and len(request.query_string) > s.limits.max_bytes:
        raise UriTooLong(f"the request URI is longer than {s.limits.max_bytes} bytes: "
                         "send long queries with POST",
                         fr=f"l'adresse de la requête dépasse {s.limits.max_bytes} octets : envoyez les longues "
                            "requêtes par POST")
    scope = request.values.get("scope", "all")
    if scope == "live":
        require_credential("scope=live fetches the peers' changed graphs first")
    client = client_of()
    s.budget.check(client)
    started = time.monotonic()
    try:  # the client's time: checking the query, calling the peers it names, then running it
        checked = check_asked(query, s.limits, s.store, default_graphs, named_graphs,  # as `isic-graph query`
                              s.graphs.service)
        accept = answer_type(checked.form)
        dataset = bool(checked.dataset or default_graphs or named_graphs)
        default_graphs, named_graphs = each_once(checked, default_graphs, named_graphs)  # as `isic-graph query`
        scope = check_scope(scope, dataset)
        stale: tuple[str, ...] = ()
        if scope == "local":
            default_graphs = named_graphs = local_graphs(s.store, s.graphs)
        elif scope == "live":
            stale = s.refresh.refresh(s.store, s.validator, s.graphs, PeerRegistry(s.settings.peers_path).list(),
                                      s.settings.query_timeout / 2)
        key = key_for(f"{s.store.version.current()}.{s.boot}", checked.text, accept, default_graphs, named_graphs,
                      scope) if s.cache is not None and s.store.version is not None and cacheable(checked, scope) \
            else None
        check_if_match(key.etag if key is not None else None, "answer")  # a query POSTed too: it only reads
        if key is not None and request.method in ("GET", "HEAD") and still_current(key.etag):
            return _not_modified(key.etag)
        answer = s.cache.get(key) if s.cache is not None and key is not None else None
        if answer is None:
            if checked.services:
                checked = evaluate(checked, PeerRegistry(s.settings.peers_path).list(), s.settings.query_timeout,
                                   s.settings.result_limit)
            answer = s.queries.run(checked.text, accept, default_graphs, named_graphs, checked.form)
            if s.cache is not None and key is not None:
                s.cache.put(key, answer)
    finally:
        s.budget.charge(client, time.monotonic() - started)
    if answer.status == 406:
        raise NotAcceptable(f"no result format matches Accept: {accept}; results are available as "
                            + ", ".join(available(checked.form)),
                            fr=f"aucun format de résultats ne correspond à Accept: {accept} ; les résultats sont "
                               "disponibles en " + ", ".join(available(checked.form)))
    if answer.status >= 400:
        said = checked.in_source(answer.body.decode("utf-8", "replace").strip())
        raise UsageError(said or f"the query was refused ({answer.status})",
                         f"le serveur SPARQL a refusé la requête (ses mots, en anglais) : {said}" if said else
                         f"la requête a été refusée ({answer.status})")
    served = answer.content_type.split(";")[0].strip().lower()
    check_xml(answer.body, served, checked.form)
    response = Response(answer.body, status=answer.status,  # what was asked, with its charset, when it came
                        content_type=content_type(accept) if served in (accept, "") else answer.content_type)
    response.headers["Isic-Scope"] = scope
    if key is not None:
        response.headers["ETag"] = key.etag
        response.headers["Cache-Control"] = "no-cache"  # keep it, but ask again: a write changes the answer
    if stale:
        response.headers["Isic-Stale-Peers"] = ", ".join(stale)
    if checked.form != "ASK":
        response.headers["Isic-Result-Limit"] = str(s.settings.result_limit)
        response.headers["Isic-Result-Truncated"] = "true" if answer.truncated else "false"
    return response


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response


CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization"),
        ("Access-Control-Expose-Headers", "Content-Type, Retry-After, X-Request-Id, Isic-Result-Limit, "
                                          "Isic-Result-Truncated, Isic-Scope, Isic-Stale-Peers, ETag"))


@blueprint.after_app_request
def cors(response: Response) -> Response:
    if request.path == "/sparql":
        for name, value in CORS:
            response.headers[name] = value
        response.vary.add("Accept")
    return response


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query and protocol dataset, from GET parameters, a form or a sparql-query body."""
    if "update" in request.args:  # in the URL, whatever the method
        raise update_not_accepted()
    if request.method in ("GET", "HEAD"):
        params = request.args
        queries = params.getlist("query")
    else:
        media_type = (request.mimetype or "").lower()
        params = request.args
        if media_type == "application/x-www-form-urlencoded":
            form = request.form
            if "update" in form:
                raise update_not_accepted()
            queries = form.getlist("query")
            if "query" in request.args and not queries:  # the form's query runs: one in the URL alone would not
                raise UsageError("a query sent in a form is sent in its body, not in the URL",
                                 fr="une requête envoyée par un formulaire va dans son corps, pas dans l'adresse")
            params = form
        elif media_type == "application/sparql-query":
            if "query" in request.args:  # which one would run? The protocol sends the query one way only
                raise UsageError("a query sent as the request body leaves no room for a query= parameter too",
                                 fr="une requête envoyée comme corps de la demande exclut un paramètre query= en plus")
            queries = [utf8_body()]
        elif media_type == "application/sparql-update":
            refused = update_not_accepted()
            raise UnsupportedFormat(refused.message, fr=refused.fr)
        else:
            raise UnsupportedFormat(f"a query is sent as application/x-www-form-urlencoded or "
                                    f"application/sparql-query, not {media_type or 'no media type'}",
                                    fr="une requête s'envoie en application/x-www-form-urlencoded ou en "
                                       + (f"application/sparql-query, pas en {media_type}" if media_type else
                                          "application/sparql-query, avec son type de média"))
    if len(queries) > 1:
        raise UsageError("more than one query parameter", fr="plus d'un paramètre query")
    default_graphs = request.args.getlist("default-graph-uri") + (
        params.getlist("default-graph-uri") if params is not request.args else [])
    named_graphs = request.args.getlist("named-graph-uri") + (
        params.getlist("named-graph-uri") if params is not request.args else [])
    if request.method in ("GET", "HEAD") and not queries and (default_graphs or named_graphs):
        raise UsageError("a dataset was given without a query", fr="un jeu de données a été donné sans requête")
    return (queries[0] if queries else None), default_graphs, named_graphs


def utf8_body() -> str:
    """The request body as text; the protocol's media types are UTF-8 only."""
    charset = declared_charset()
    if charset not in UTF8:
        raise UnsupportedFormat(f"SPARQL requests are UTF-8, not {charset}",
                                fr=f"les demandes SPARQL sont en UTF-8, pas en {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("the request body is not valid UTF-8", fr="le corps de la demande n'est pas en UTF-8 valide") \
            from None


def answer_type(form: str) -> str:
    """The media type of the answer, chosen here for the query's form and asked of the engine as such:
    `format=` (or `output=`, `results=`: a name or a media type) first, else the Accept header, else JSON
    results or Turtle triples. A name means the format of its kind the form can take (`xml` is RDF/XML for a
    CONSTRUCT, `n3` Turtle, `json` JSON-LD); 406 when none of what was asked fits the form."""
    offers = answer_offers(form)
    named = [v.strip(" \t") for field in FORMAT_FIELDS for v in request.values.getlist(field) if v.strip(" \t")]
    if not formats_agree(named):
        raise UsageError(f"format=, output= and results= name different formats ({', '.join(named)}): name one",
                         fr=f"format=, output= et results= nomment des formats différents ({', '.join(named)}) : "
                            "nommez-en un")
    if named:
        for value in named:
            found = offers.get(value.lower()) or offers.get(value.split(";")[0].strip(" \t").lower())
            if found is not None:
                return found.media_type
        raise NotAcceptable(f"{article(form)} {form} query's answer is not available as {named[0]!r}; it is as "
                            + ", ".join(offers),
                            fr=f"la réponse d'une requête {form} n'existe pas en {named[0]!r} ; elle existe en "
                               + ", ".join(offers))
    accept = request.headers.get("Accept", "").strip()
    types = list(dict.fromkeys(f.media_type for f in offers.values()))  # each format once, by its media type
    if not accept:
        return types[0]
    # another media type clients send for a format (`application/json`, `text/javascript`) asks for it when named
    # as such; a range (`text/*`, `application/*`) matches the formats' own types alone, never such an alias
    ranges = [(value.lower(), quality) for value, quality in accepted()]
    best = MIMEAccept([(offers[value].media_type if value in offers and "*" not in value else value, quality)
                       for value, quality in ranges]).best_match(types)
    if best is None:
        raise NotAcceptable(f"no format of {article(form)} {form} query's answer matches Accept: {accept}; it is "
                            "available as " + ", ".join(available(form)),
                            fr=f"aucun format de la réponse d'une requête {form} ne répond à Accept: {accept} ; elle "
                               "existe en " + ", ".join(available(form)))
    return best


def available(form: str | None) -> list[str]:
    """The media types a query form's answer is available as (every answer format's for no form), from the format
    table, sorted: what a 406 and the endpoint's page list."""
    return sorted({f.media_type for f in (answer_offers(form).values() if form else formats_for(ANSWER))})


ENDPOINT_WORDS = {
    "fr": {"title": "Point d'accès SPARQL", "other": "English", "workbench": "Éditeur de requêtes",
           "intro": "Ce point d'accès répond aux requêtes SPARQL 1.1 (GET ou POST, protocole SPARQL 1.1) :",
           "workbench_note": "pour écrire et lancer une requête dans le navigateur, avec les questions des analystes.",
           "how": "Depuis un programme", "formats": "Les réponses, selon l'en-tête Accept ou le paramètre format= :",
           "description": "La description du service (SPARQL Service Description), en RDF :"},
    "en": {"title": "SPARQL endpoint", "other": "Français", "workbench": "Query workbench",
           "intro": "This endpoint answers SPARQL 1.1 queries (GET or POST, SPARQL 1.1 Protocol):",
           "workbench_note": "to write and run a query in the browser, with the analysts' questions.",
           "how": "From a program", "formats": "Answers, by the Accept header or the format= parameter:",
           "description": "The service description (SPARQL Service Description), in RDF:"}}


def _description() -> Response:
    best = negotiate([*DESCRIPTION_FORMATS, HTML])
    s = services()
    endpoint = s.settings.base_iri.rstrip("/") + "/sparql"
    if best == HTML:
        lang = language()
        page = render_template("endpoint.html", lang=lang, words=ENDPOINT_WORDS[lang], other=switch(lang),
                               endpoint=endpoint, formats=available(None))
        response = Response(page, content_type="text/html; charset=utf-8")
        response.vary.add("Accept-Language")
        return response
    triples = service_description(endpoint, s.graphs)
    return Response(serialize(triples, format=DESCRIPTION_FORMATS[best].rdf_format) or b"",
                    content_type=content_type(best))


__all__ = ["blueprint", "problems", "MethodNotAllowed"]
