"""Content negotiation, once: the best offered media type for the request's Accept, or 406."""

from __future__ import annotations

from typing import Iterable

from flask import Flask, Response, g, request
from werkzeug.datastructures import MIMEAccept

from isic_graph.errors import NotAcceptable
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import DEFAULT, LANGUAGES

JSON_LD = format_named("jsonld").media_type
PLAIN_JSON = "application/json"


def accepted() -> MIMEAccept:
    """The request's Accept with each media range's parameters left out (`text/csv; charset=utf-8`, JSON-LD's
    `profile`), its q-value kept: the answers are in UTF-8, and JSON-LD is served compacted; to Werkzeug, a range
    with parameters matches no offer without the same."""
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in request.accept_mimetypes])


def negotiate(offers: Iterable[str]) -> str:
    """The offer the client prefers (q-values honoured); the first offer without an Accept header.

    Where JSON-LD is offered and plain JSON is not, a client asking for JSON gets JSON-LD, labelled as such:
    every route answers `Accept: application/json` the same way.
    """
    offered = list(offers)
    if not request.accept_mimetypes:
        return offered[0]
    aliased = JSON_LD in offered and PLAIN_JSON not in offered
    best = accepted().best_match([*offered, PLAIN_JSON] if aliased else offered)
    if best is None:
        raise NotAcceptable(f"available as {', '.join(offered)}, not {request.headers.get('Accept')}",
                            fr=f"aucun des formats demandés (Accept: {request.headers.get('Accept')}) n'est "
                               f"disponible ; demandez l'un de ceux-ci : {', '.join(offered)}")
    return JSON_LD if aliased and best == PLAIN_JSON else best


def asked_language() -> str | None:
    """The language `?lang=` names, when it names one of ours."""
    chosen = request.args.get("lang", "")
    return chosen if chosen in LANGUAGES else None


def language() -> str:
    """The language of a page: `?lang=` when it names one, else the Accept-Language's choice, else French (the
    answer then says it varies with Accept-Language: see `register`)."""
    chosen = asked_language()
    if chosen is not None:
        return chosen
    g.by_accept_language = True
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def register(app: Flask) -> None:
    @app.after_request
    def vary(response: Response) -> Response:
        """An answer whose words followed Accept-Language says so, for caches (the home page, search, a form…)."""
        if g.get("by_accept_language"):
            response.vary.add("Accept-Language")
        return response
