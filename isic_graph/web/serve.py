"""`isic-graph serve`: the query engine as a supervised process, and the web app under waitress.

On SIGTERM or SIGINT the server stops accepting connections, refuses new writes (503), lets the
writes in flight finish and their answers go out (for at most `drain` seconds), then stops the engine.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import logging
import os
import queue
import signal
import sys
import threading
import time
from logging.handlers import QueueHandler, QueueListener
from types import FrameType
from typing import Callable

from isic_graph.admin.bootstrap import derive_default_graph
from isic_graph.admin.credentials import CredentialStore
from isic_graph.admin.startup import bring_to_edition
from isic_graph.config import Settings
from isic_graph.errors import ConfigError, UsageError
from isic_graph.federation.peers import PeerRegistry
from isic_graph.ingest.settling import migrate
from isic_graph.store.engine import Engine
from isic_graph.web import MAX_UPLOAD, create_app
from isic_graph.web.clients import TrustedProxies
from isic_graph.web.connections import create_servers
from isic_graph.web.origin import listening_origins
from isic_graph.web.services import services

DRAIN = 60.0  # seconds the writes in flight are given to finish at shutdown
FLUSH = 0.5  # seconds given to the last answers to be sent
ARENAS = 2  # glibc malloc arenas for the server's threads
M_ARENA_MAX = -8  # mallopt's parameter for it (glibc's malloc.h)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 5000, threads: int = 8,
          drain: float = DRAIN, listening: Callable[[], None] = lambda: None) -> None:
    """Run until SIGTERM or SIGINT; the engine (embedded store) is stopped on the way out. `listening`: told once the
    server listens (a refused start never says it serves)."""
    from waitress import wasyncore


    if settings.costly_slots >= threads:
        raise ConfigError(f"ISIC_COSTLY_SLOTS ({settings.costly_slots}) must be below the server's threads "
                          f"({threads}): a thread must stay free for cheap requests and refusals")
    CredentialStore(settings.credentials_path).list()  # a file that cannot be read stops the start (ConfigError),
    PeerRegistry(settings.peers_path).list()  # not every write after it, while /healthz said ok
    _few_malloc_arenas()
    listener = _log_to_stderr()
    try:  # a store of an older edition of the model is migrated (or refused), before the engine holds it
        bring_to_edition(settings, logging.getLogger("isic_graph").info)
    except BaseException:
        if listener is not None:
            listener.stop()
        raise
    engine: Engine | None = None
    if not settings.store_url:
        assert settings.store_path is not None, "serve needs an on-disk store or ISIC_STORE_URL"
        engine = Engine(settings.store_path)
        engine.start()
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        # the forms are accepted from the pages at the address the server listens at, as from the base IRI's
        settings = settings.with_(served_origins=(*settings.served_origins, *listening_origins(host, port)))
        app = create_app(settings, engine)
        derive_default_graph(services(app).store, services(app).graphs)
        migrate(services(app).store, services(app).graphs)  # a store written before owners were recorded gets them
        _freeze_heap()
        writes = services(app).writes
        try:
            sockets, servers = create_servers(app, host, port, threads, settings.client_connections,
                                              TrustedProxies(settings.trusted_proxies), ident="isic-graph",
                                              max_request_body_size=MAX_UPLOAD)
        except (OSError, ValueError) as exc:  # a port taken, an address no interface has, a host that resolves not
            raise UsageError(_unlistened(host, port, exc), fr=_unlistened(host, port, exc, "fr")) from None
        listening()
        while not stopping.is_set():
            wasyncore.loop(timeout=0.2, map=sockets, count=1, use_poll=True)
        for server in servers:
            server.accepting = False
        writes.close()
        deadline = time.monotonic() + drain
        while writes.in_flight and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, map=sockets, count=1, use_poll=True)
        flushed = time.monotonic() + FLUSH
        while time.monotonic() < flushed:
            wasyncore.loop(timeout=0.05, map=sockets, count=1, use_poll=True)
        servers[0].task_dispatcher.shutdown(timeout=1)
        for server in servers:
            server.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if engine is not None:
            engine.stop()
        if listener is not None:
            listener.stop()  # what is still queued is written first


def _unlistened(host: str, port: int, exc: OSError | ValueError, lang: str = "en") -> str:
    """Why the server cannot listen at host:port, and what to do."""
    taken = isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE
    if lang == "fr":
        return (f"le port {port} de {host} est déjà pris par un autre programme (un autre `isic-graph serve` ?) : "
                "arrêtez-le, ou choisissez un autre port (--port)" if taken else
                f"impossible d'écouter à {host}:{port} ({exc}) : donnez une adresse de cette machine (--host) et un "
                "port libre (--port)")
    return (f"port {port} of {host} is taken by another program (another `isic-graph serve`?): stop it, or choose "
            "another port (--port)" if taken else
            f"cannot listen at {host}:{port} ({exc}): give an address of this machine (--host) and a free port "
            "(--port)")


def _few_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at ARENAS, unless MALLOC_ARENA_MAX says otherwise.

    By default each thread that allocates may get an arena of its own (up to 8 per core), and memory
    freed in one is not reused for another: the server's peak memory grew with its threads (JSON-LD
    dumps of 1M triples: 161 MB; with 2 arenas 109 MB, as fast). Elsewhere than on glibc, nothing.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):
        pass


def _log_to_stderr() -> QueueListener | None:
    """The access log and error log, one line each, on stderr, written by a thread of their own so that
    no request waits on the stream (or on another request writing to it)."""
    logger = logging.getLogger("isic_graph")
    if logger.handlers:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(lines, handler)
    logger.addHandler(QueueHandler(lines))
    logger.setLevel(logging.INFO)
    listener.start()
    return listener


def _freeze_heap() -> None:
    """What the server holds for its whole life (the modules, the application, the validator's shapes: some
    230,000 objects) is moved out of the garbage collector's reach, so that a full collection goes through what
    the requests allocate only: where it went through everything, it cost 0.12–0.15 s of CPU, once every few
    cold renders of /maps (0.04–0.06 s since)."""
    gc.collect()
    gc.freeze()
