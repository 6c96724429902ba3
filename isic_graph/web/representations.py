"""The forms a linked-data address answers in: its suffixes, the negotiated media type, the response with its
Vary and Content-Location."""

from __future__ import annotations

from flask import Response

from isic_graph.errors import NotFound
from isic_graph.rdf.formats import content_type
from isic_graph.web.negotiation import negotiate
from isic_graph.web.served import GRAPH_FORMATS

HTML = "text/html"
SUFFIXES = {**{f.extension[1:]: f.media_type for f in GRAPH_FORMATS.values()}, "html": HTML}


def suffix_of(slug: str) -> tuple[str, str | None]:
    stem, dot, ext = slug.rpartition(".")
    return (stem, ext) if dot and ext in SUFFIXES else (slug, None)


def known(suffix: str | None) -> str | None:
    if suffix is not None and suffix not in SUFFIXES:
        raise NotFound(f"no .{suffix} form; there are {', '.join('.' + s for s in SUFFIXES)}",
                       fr=f"aucune forme .{suffix} ; les formes sont {', '.join('.' + s for s in SUFFIXES)}")
    return suffix


def negotiate_form(offers: list[str], suffix: str | None) -> str:
    """The media type of the answer: the suffix's, else the best match of Accept (Turtle without one)."""
    if suffix is not None:
        if SUFFIXES[suffix] not in offers:
            raise NotFound(f"no .{suffix} form of this resource",
                           fr=f"cette ressource n'a pas de forme .{suffix} ; demandez-la sans suffixe, ou avec un "
                              "autre")
        return SUFFIXES[suffix]
    return negotiate(offers)


def answer(body: bytes, media_type: str, name: str, suffix: str | None, by_language: bool = False) -> Response:
    """The response, with Vary and, when negotiated, the Content-Location of the chosen form."""
    response = Response(body, content_type="text/html; charset=utf-8" if media_type == HTML
                        else content_type(media_type))
    response.headers["Access-Control-Allow-Origin"] = "*"
    if by_language:
        response.vary.add("Accept-Language")
    if suffix is None:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"{name}.{next(s for s, t in SUFFIXES.items() if t == media_type)}"
    return response
