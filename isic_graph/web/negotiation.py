"""Content negotiation, once: the best offered media type for the request's Accept, or 406."""

from __future__ import annotations

from typing import Iterable

from flask import request

from isic_graph.errors import NotAcceptable
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import DEFAULT, LANGUAGES

JSON_LD = format_named("jsonld").media_type
PLAIN_JSON = "application/json"


def negotiate(offers: Iterable[str]) -> str:
    """The offer the client prefers (q-values honoured); the first offer without an Accept header.

    Where JSON-LD is offered and plain JSON is not, a client asking for JSON gets JSON-LD, labelled as such:
    every route answers `Accept: application/json` the same way.
    """
    offered = list(offers)
    if not request.accept_mimetypes:
        return offered[0]
    aliased = JSON_LD in offered and PLAIN_JSON not in offered
    best = request.accept_mimetypes.best_match([*offered, PLAIN_JSON] if aliased else offered)
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
    """The language of a page: `?lang=` when it names one, else the Accept-Language's choice, else French."""
    return asked_language() or request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT
