"""Cached answers without the web framework: a plain GET /sparql whose answer the result cache holds.

On a cheap query, Flask's request and response objects cost more than the answer itself. A GET that
names only a query (no dataset, format, scope or conditional header) and whose answer is cached is
answered here, with what the /sparql view would give: the same body, ETag, limits, CORS headers,
request id and access-log line, and the client's time budget checked. Anything else goes on to the app.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import parse_qs

from ..cache import cacheable, key_for
from ..errors import IsicError
from ..guard import decode_escapes
from .lifecycle import log_access, new_request_id
from .sparql import CORS, DEFAULT_ACCEPT

if TYPE_CHECKING:
    from . import Services

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class CachedAnswers:
    """WSGI middleware in front of the app: cache hits of plain GET /sparql requests are answered here."""

    def __init__(self, app: WSGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        found = self._answer(environ) if environ.get("PATH_INFO") == "/sparql" else None
        if found is None:
            return self.app(environ, start_response)
        headers, body = found
        request_id = new_request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response("200 OK", [*headers, ("X-Request-Id", request_id)])
        log_access(request_id, environ.get("REMOTE_ADDR"), "GET", "/sparql", 200, len(body), started,
                   environ.get("HTTP_USER_AGENT", ""))
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        s = self.services
        raw = environ.get("QUERY_STRING", "")
        if (environ.get("REQUEST_METHOD") != "GET" or s.cache is None or s.store.version is None or not raw
                or len(raw) > s.guard.limits.max_bytes or "HTTP_IF_NONE_MATCH" in environ):
            return None
        try:
            params = parse_qs(raw, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None
        queries = params.get("query", [])
        if params.keys() != {"query"} or len(queries) != 1:
            return None
        query = queries[0]
        if "service" in decode_escapes(query).lower() or not cacheable(query, "all"):
            return None
        accept = environ.get("HTTP_ACCEPT", "").strip()
        accept = DEFAULT_ACCEPT if not accept or accept == "*/*" else accept
        client = environ.get("REMOTE_ADDR") or "-"
        started = time.monotonic()
        try:
            s.budget.check(client)
            form = s.guard.check_query(query).form  # the verdict is kept: a dictionary lookup
        except IsicError:
            return None  # the app gives the refusal
        key = key_for(f"{s.store.version.current()}.{s.boot}", query, accept, (), (), "all")
        answer = s.cache.get(key)
        if answer is None:
            return None
        s.budget.charge(client, time.monotonic() - started)
        headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body))),
                   ("Isic-Scope", "all"), ("ETag", key.etag), ("Cache-Control", "no-cache"), *CORS,
                   ("Vary", "Accept")]
        if form != "ASK":
            headers += [("Isic-Result-Limit", str(s.settings.result_limit)),
                        ("Isic-Result-Truncated", "true" if answer.truncated else "false")]
        return headers, answer.body
