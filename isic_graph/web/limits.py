"""What one client may hold at once: a few costly requests running, and their time charged to its budget.

Costly requests are the reads that make the server work (queries, validations, maps and the other
derived pages, whole graphs, dumps, searches): every request but the static files, /healthz, OPTIONS
and the writes authenticated by a header. The pages' forms that write (the upload page, the sheet form,
a withdrawal) send their credential in the body, which is read whole (every file of a multipart form)
before anyone is known: they are costly too. Past ISIC_CLIENT_CONCURRENCY of them running for one client address,
the next is answered 429 with Retry-After; other clients are not affected. Their time (but that of
/sparql, which charges its own) is charged to the client's per-minute budget (budget.py).

Views that run costly work outside this hook, or want to hold the slot themselves, call `hold`: within a
request that already holds one for the same client it takes nothing more.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from flask import Flask, Response, g, request

from isic_graph.web.clients import holder
from isic_graph.web.services import services

CHEAP = frozenset({"static", "health.healthz"})
READ_ONLY_POSTS = frozenset({"sparql.sparql", "api.validate", "sheets.check_sheet"})
BODY_CREDENTIAL_POSTS = frozenset({"sheet_upload.csv_upload", "sheets.submit_sheet", "retraction.withdraw_form"})
CHARGES_ITSELF = frozenset({"sparql.sparql"})  # /sparql checks and charges the budget around its own work
READ_METHODS = frozenset({"GET", "HEAD"})


@contextmanager
def hold(client: str) -> Iterator[None]:
    """One of the client's costly slots for the block (429 TooManyAtOnce if it has none left); nothing more
    when the current request already holds one for this client."""
    if g.get("holding") == client:
        yield
        return
    concurrency = services().concurrency
    concurrency.acquire(client)
    g.holding = client
    try:
        yield
    finally:
        g.pop("holding", None)
        concurrency.release(client)


def client() -> str:
    """The request's client, as its share of slots and budget is counted (clients.holder)."""
    return holder(request.remote_addr or "-")


def costly() -> bool:
    endpoint = request.endpoint
    if endpoint is None or endpoint in CHEAP or request.method == "OPTIONS":
        return False
    return request.method in READ_METHODS or endpoint in READ_ONLY_POSTS or endpoint in BODY_CREDENTIAL_POSTS


def register(app: Flask) -> None:
    @app.before_request
    def take() -> None:
        if not costly():
            return
        s, who = services(), client()
        if request.endpoint not in CHARGES_ITSELF:
            s.budget.check(who)
        s.concurrency.acquire(who)
        g.holding = who
        g.costly_since = time.monotonic()

    @app.after_request
    def hand_over(response: Response) -> Response:
        """A streamed answer keeps its slot until it is sent whole (or the client leaves)."""
        client = g.get("holding")
        if client is not None and response.is_streamed and request.method != "HEAD" and "costly_since" in g:
            _charge()
            g.pop("holding")
            response.response = HeldBody(response.response, lambda: services(app).concurrency.release(client))
        return response

    @app.teardown_request
    def give_back(exc: BaseException | None) -> None:
        if "costly_since" not in g:
            return
        _charge()
        client = g.pop("holding", None)
        if client is not None:
            services(app).concurrency.release(client)


class HeldBody:
    """A streamed body that gives its slot back once: when it has been sent whole, or closed (by the server,
    when the client left)."""

    def __init__(self, body: Iterable[str] | Iterable[bytes], release: Callable[[], None]) -> None:
        self.body = body
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.body:
                yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        finally:
            self.close()

    def close(self) -> None:
        release, self._release = self._release, None
        if release is None:
            return
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            release()


def _charge() -> None:
    since = g.pop("costly_since", None)
    if since is not None and request.endpoint not in CHARGES_ITSELF:
        services().budget.charge(client(), time.monotonic() - since)
