"""What one client may hold at once: a few costly requests running, and their time charged to its budget.

Costly requests are every request but the static files, /healthz and OPTIONS: the reads that make the
server work (queries, validations, maps and the other derived pages, whole graphs, dumps, searches) and
every write, whoever sends it. A write authenticated by a header (a network's sheets, with or without
?dry-run, its withdrawals, the Graph Store's PUT, POST and DELETE, /update, /api/harvest) reads and
validates its body on one of the server's threads for as long as a validation takes: uncounted, one
network's token sending ten of them at once held every thread. The administrator's are counted too: the
pool of slots leaves a thread to cheap requests only if every request that may hold one for long is in it.
The pages' forms that write (the upload page, the sheet form, a withdrawal) send their credential in their
body, which is read whole (every file of a multipart form) before anyone is known. The slot is taken before
the view runs, so a refused request reads nothing and writes nothing. Past ISIC_CLIENT_CONCURRENCY of them
running for one client address, the next is answered 429 with Retry-After; other clients are not affected.
Their time (but that of /sparql, which charges its own) is charged to the client's per-minute budget
(budget.py), a write's wait for the write lock included.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from flask import Flask, Response, g, request

from isic_graph.web.clients import holder
from isic_graph.web.services import services

CHEAP = frozenset({"static", "health.healthz"})
CHARGES_ITSELF = frozenset({"sparql.sparql"})  # /sparql checks and charges the budget around its own work


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
    """Whether the request takes a slot: every request that reached a view, but the cheap ones and OPTIONS
    (reads and writes alike, whatever credential they carry)."""
    endpoint = request.endpoint
    return endpoint is not None and endpoint not in CHEAP and request.method != "OPTIONS"


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
