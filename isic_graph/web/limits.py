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
A token in the Authorization header is a client too, whatever address sends it: one network's token sent from
six addresses held six slots, and every other client was told 503 while its uploads ran.
Their time (but that of /sparql, which charges its own) is charged to the client's per-minute budget
(budget.py), and to its token's, a write's wait for the write lock included.
"""

from __future__ import annotations

import hashlib
import time
from typing import Callable, Iterable, Iterator

from flask import Flask, Response, g, request

from isic_graph.web.auth import bearer_token
from isic_graph.web.clients import holder
from isic_graph.web.services import services

CHEAP = frozenset({"static", "health.healthz"})
CHARGES_ITSELF = frozenset({"sparql.sparql"})  # /sparql checks and charges the budget around its own work


def client() -> str:
    """The request's client, as its share of slots and budget is counted (clients.holder)."""
    return holder(request.remote_addr or "-")


def credential() -> str | None:
    """The credential a request carries in its header (a network's or the administrator's token), as its share of
    slots and budget is counted too, whatever address it is sent from; a digest of it, never the token itself."""
    token = bearer_token()
    return None if token is None else "credential:" + hashlib.sha256(token.encode()).hexdigest()[:32]


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
        s, who, carried = services(), client(), credential()
        if request.endpoint not in CHARGES_ITSELF:
            s.budget.check(who)
            if carried is not None:
                s.budget.check(carried)
        s.concurrency.acquire(who, carried)
        g.holding, g.credential = who, carried
        g.costly_since = time.monotonic()

    @app.after_request
    def hand_over(response: Response) -> Response:
        """A streamed answer keeps its slot until it is sent whole (or the client leaves)."""
        client = g.get("holding")
        if client is not None and response.is_streamed and request.method != "HEAD" and "costly_since" in g:
            _charge()
            g.pop("holding")
            carried = g.pop("credential", None)
            response.response = HeldBody(response.response,
                                         lambda: services(app).concurrency.release(client, carried))
        return response

    @app.teardown_request
    def give_back(exc: BaseException | None) -> None:
        if "costly_since" not in g:
            return
        _charge()
        client, carried = g.pop("holding", None), g.pop("credential", None)
        if client is not None:
            services(app).concurrency.release(client, carried)


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
        spent, carried = time.monotonic() - since, credential()
        services().budget.charge(client(), spent)
        if carried is not None:
            services().budget.charge(carried, spent)
