"""Around every request: its id, its access log line (no payloads), and the count of writes in flight."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from typing import Callable

from flask import Flask, Response, g, request

from isic_graph.errors import StoreUnavailable
from isic_graph.privacy import redact

ACCESS_LOG = logging.getLogger("isic_graph.access")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
READ_ONLY_POSTS = ("/sparql", "/api/validate")


class Writes:
    """Writes in flight; once closing, new writes are refused so that shutdown can wait for the last ones."""

    def __init__(self, prepare: Callable[[], None] = lambda: None) -> None:
        self._prepare = prepare  # run before each write (the engine reopens after a full disk)
        self._count = 0
        self._closing = False
        self._idle = threading.Condition()

    def begin(self) -> None:
        with self._idle:
            if self._closing:
                raise StoreUnavailable("the server is shutting down; send the write again in a moment",
                                       fr="le serveur s'arrête ; renvoyez l'écriture dans un instant")
            self._count += 1
        try:
            self._prepare()
        except BaseException:
            self.end()
            raise

    def end(self) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def close(self) -> None:
        with self._idle:
            self._closing = True

    @property
    def in_flight(self) -> int:
        return self._count

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no write is in flight; False if some still are after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)


def refused(kind: str) -> None:
    """Name the kind of refusal the current request gets (a problem's code), for its access log line."""
    g.refusal = kind


def request_id() -> str:
    """The id of the current request (the client's X-Request-Id if well-formed, else a new one)."""
    return str(g.get("request_id", ""))


def register(app: Flask, writes: Writes) -> None:
    @app.before_request
    def start() -> None:
        g.request_id = new_request_id(request.headers.get("X-Request-Id", ""))
        g.started = time.perf_counter()
        if request.method in WRITE_METHODS and request.path not in READ_ONLY_POSTS:
            writes.begin()
            g.writing = True

    @app.after_request
    def identify(response: Response) -> Response:
        response.headers["X-Request-Id"] = request_id()
        return response

    @app.teardown_request
    def finish(exc: BaseException | None) -> None:
        if g.pop("writing", False):
            writes.end()

    @app.after_request
    def log(response: Response) -> Response:
        log_access(request_id(), request.remote_addr, request.method, request.path, response.status_code,
                   response.content_length, g.get("started", time.perf_counter()),
                   request.headers.get("User-Agent", ""), g.get("refusal") if response.status_code >= 400 else None)
        return response


def new_request_id(incoming: str) -> str:
    """The client's X-Request-Id if it is a plain token holding no personal data (it is logged and sent back), else a
    new one: "0612345678" or "tel:0612345678" would put a phone number in the log and the answer."""
    return incoming if REQUEST_ID.fullmatch(incoming) and _masked(incoming) == incoming else uuid.uuid4().hex


@lru_cache(maxsize=1024)  # a client sends the same user agent with each request
def _masked(value: str) -> str:
    """A field of the request as the log shows it: the personal data it holds shown as its kinds."""
    return redact(value)


def log_access(request_id: str, client: str | None, method: str, path: str, status: int, size: int | None,
               started: float, user_agent: str, refusal: str | None = None) -> None:
    """The access log line of a request (started: its time.perf_counter() at arrival); personal data in the fields
    the client writes (its path, /id/person/jean@example.org, its method, its user agent, "MonRobot/1.0 (+contact
    jean.dupont@exemple.fr)") is shown as its kinds, the user agent read before it is shortened. A refused
    request's line says the kind of refusal
    (the problem's code): a user's mistake is this one line, never a traceback."""
    ACCESS_LOG.info(json.dumps({
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "request_id": request_id,
        "client": client, "method": _masked(method), "path": redact(path), "status": status, "bytes": size,
        "ms": round((time.perf_counter() - started) * 1000, 1), "user_agent": _masked(user_agent[:1000])[:200] or None,
        **({"refusal": refusal} if refusal else {})},
        ensure_ascii=False))
