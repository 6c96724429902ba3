"""Content negotiation, once: the best offered media type for the request's Accept, or 406."""

from __future__ import annotations

from typing import Iterable

from flask import request

from ..errors import NotAcceptable


def negotiate(offers: Iterable[str]) -> str:
    """The offer the client prefers (q-values honoured); the first offer without an Accept header."""
    offered = list(offers)
    if not request.accept_mimetypes:
        return offered[0]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable(f"available as {', '.join(offered)}, not {request.headers.get('Accept')}")
    return best
