"""Pages derived from the store, kept until the next write: the maps, resource and concept pages, the home
page, the forms. A render costs from 50 ms (a resource page) to about half a second of CPU (/maps); the
same page asked again at the same store version is answered from here, with an ETag naming that
version, and a conditional GET that matches it is a 304.

The key is the store's version (see cache.py) and everything a page may depend on in the request: its
path and query, Accept and Accept-Language. Not its host, which no page shows (links come from the base
IRI): a client that varies the Host header finds the same render, not a new one at its budget's cost.
Kept: 200 answers that are not streamed, in a result cache (cache.py) of their own of ISIC_QUERY_CACHE
MiB; nothing when it is 0 (a remote store that others write to) or the store has no version counter. Parts
that many pages share are kept there too until the next write (kept_until_a_write: the peers' URI spaces).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any, Callable, TypeVar, cast

from flask import Response, g, make_response, request

from isic_graph.errors import PreconditionFailed
from isic_graph.query.cache import key_for
from isic_graph.web.services import Page, Services, services

View = TypeVar("View", bound=Callable[..., Any])
KEPT_HEADERS = ("Content-Type", "Content-Location", "Content-Language", "Vary", "Link", "Access-Control-Allow-Origin")


def per_store_version(view: View) -> View:
    """Answer the view from the page cache while the store has not been written to."""

    @functools.wraps(view)
    def cached(*args: Any, **kwargs: Any) -> Response:
        s = services()
        if s.pages is None or s.store.version is None:  # no page kept: no tag that If-Match could name
            check_if_match(None, "page")
            return make_response(view(*args, **kwargs))
        key = key_for(store_version(s), request.full_path, request.headers.get("Accept", ""), (),
                      (request.headers.get("Accept-Language", ""),), "page")
        page = s.pages.get(key)
        if page is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.is_streamed:
                return response
            if g.get("by_accept_language"):  # kept with the page: an answer from here says so too (the hook that
                response.vary.add("Accept-Language")  # says it runs after this, and a kept page has no view run)
            page = Page(tuple((name, value) for name in KEPT_HEADERS for value in response.headers.getlist(name)),
                        response.get_data())
            s.pages.put(key, page)
        check_if_match(key.etag, "page")
        if still_current(key.etag):  # with the headers a cache keys and names the page by, as its 200 has them
            answer = Response(status=304)
            for name, value in page.headers:
                if name in ("Vary", "Content-Location"):
                    answer.headers.add(name, value)
        else:
            answer = Response(page.body)
            del answer.headers["Content-Type"]
            for name, value in page.headers:
                answer.headers.add(name, value)
        answer.headers["ETag"] = key.etag
        answer.headers["Cache-Control"] = "no-cache"  # keep it, but ask again: a write changes the page
        return answer

    return cast(View, cached)


def still_current(etag: str) -> bool:
    """Whether the request's If-None-Match names this (quoted) ETag, compared weakly as RFC 9110 says for it: a
    client (or a proxy) that marks the tag weak, W/"…", still gets its 304."""
    return request.if_none_match.contains_weak(etag.strip('"'))


def check_if_match(etag: str | None, what: str) -> None:
    """412 when the request's If-Match names no current tag of the answer (RFC 9110, 13.1.1), before any 304; an
    answer given no tag (never kept: a clock's, a random one's) matches none but `*`. An empty If-Match is none."""
    if request.headers.get("If-Match", "").strip() and not (
            request.if_match.star_tag or (etag is not None and request.if_match.is_strong(etag.strip('"')))):
        said = {"page": ("the page", "la page"), "answer": ("the answer", "la réponse")}[what]
        raise PreconditionFailed(f"{said[0]} has changed since the ETag given in If-Match was read: read it again",
                                 fr=f"{said[1]} a changé depuis la lecture de l'ETag donné par If-Match : "
                                    "relisez-la")


def kept_until_a_write(name: str, make: Callable[[], bytes]) -> bytes:
    """What `make` derives from the store (a part of many pages), kept with the pages under `name` until the
    next write; made each time when nothing is kept."""
    s = services()
    if s.pages is None or s.store.version is None:
        return make()
    key = key_for(store_version(s), name, "", (), (), "derived")
    kept = s.pages.get(key)
    if kept is None:
        kept = Page((), make())
        s.pages.put(key, kept)
    return kept.body


def last_write(s: Services) -> datetime.datetime | None:
    """When the store was last written to, reference data included (None when it counts no writes)."""
    return s.store.version.written_at() if s.store.version is not None else None


def store_version(s: Services) -> str:
    """The store's version as the page cache keys it, read before rendering: a write meanwhile is not missed."""
    assert s.store.version is not None
    return f"{s.store.version.current()}.{s.boot}"
