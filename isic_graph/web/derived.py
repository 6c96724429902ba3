"""Pages derived from the store, kept until the next write: the maps, resource and concept pages, the home
page, the forms. A render costs from 50 ms (a resource page) to over a second of CPU (/maps); the
same page asked again at the same store version is answered from here, with an ETag naming that
version, and a conditional GET that matches it is a 304.

The key is the store's version (see cache.py) and everything a page may depend on in the request: its
full URL (host and query included), Accept and Accept-Language. Kept: 200 answers that are not
streamed, within ISIC_QUERY_CACHE MiB (least recently used out first); nothing when it is 0 (a remote
store that others write to) or the store has no version counter.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, TypeVar, cast

from flask import Response, make_response, request

View = TypeVar("View", bound=Callable[..., Any])
KEPT_HEADERS = ("Content-Type", "Content-Location", "Content-Language", "Vary", "Link", "Access-Control-Allow-Origin")


@dataclass(frozen=True)
class Page:
    etag: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """Rendered pages by key, least recently used first out, within a budget of bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._size = 0
        self._version = ""
        self._lock = threading.Lock()

    def get(self, version: str, key: str) -> Page | None:
        with self._lock:
            if version != self._version:
                return None
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, version: str, key: str, page: Page) -> None:
        size = len(page.body) + len(key)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if version != self._version:  # a write made every page kept so far wrong
                self._pages.clear()
                self._size = 0
                self._version = version
            if key in self._pages:
                return
            self._pages[key] = page
            self._size += size
            while self._size > self.max_bytes and self._pages:
                old_key, old = self._pages.popitem(last=False)
                self._size -= len(old.body) + len(old_key)


def per_store_version(view: View) -> View:
    """Answer the view from the page cache while the store has not been written to."""

    @functools.wraps(view)
    def cached(*args: Any, **kwargs: Any) -> Response:
        from . import services

        s = services()
        if s.pages is None or s.store.version is None:
            return make_response(view(*args, **kwargs))
        version = f"{s.store.version.current()}.{s.boot}"  # read before rendering: a write meanwhile is not missed
        key = "\x00".join([request.url, request.headers.get("Accept", ""), request.headers.get("Accept-Language", "")])
        page = s.pages.get(version, key)
        if page is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.is_streamed:
                return response
            body = response.get_data()
            etag = f'"p{version}-{hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]}"'
            page = Page(etag, tuple((name, value) for name in KEPT_HEADERS
                                    for value in response.headers.getlist(name)), body)
            s.pages.put(version, key, page)
        if request.if_none_match.contains_raw(page.etag):
            answer = Response(status=304)
        else:
            answer = Response(page.body)
            del answer.headers["Content-Type"]
            for name, value in page.headers:
                answer.headers.add(name, value)
        answer.headers["ETag"] = page.etag
        answer.headers["Cache-Control"] = "no-cache"  # keep it, but ask again: a write changes the page
        return answer

    return cast(View, cached)
