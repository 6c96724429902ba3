"""Live servers for tests: `isic-graph serve` as an operator runs it, and HTTP from chosen loopback addresses."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from isic_graph.config import Settings
from isic_graph.ingest.ingestion import after_raw_update
from isic_graph.rdf.namespaces import Graphs
from isic_graph.sparql.guard import check_update
from isic_graph.store.engine import serving_engine
from isic_graph.store.remote import RemoteStore

from .oxigraph_server import free_port

COMMAND = [sys.executable, "-m", "isic_graph.cli"]
Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(url: str, method: str = "GET", body: bytes | None = None, headers: Mapping[str, str] | None = None,
            source: str = "127.0.0.1", timeout: float = 30) -> Answer:
    """One HTTP request, sent from the loopback address `source` (127.0.0.0/8 is all loopback)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.connect()
        if connection.sock is not None and connection.sock.getsockname() == connection.sock.getpeername():
            # connected to itself (a port of the ephemeral range that nothing listens on yet: TCP's simultaneous
            # open), which would read its own request as the answer
            raise ConnectionRefusedError(f"nothing listens at {parts.netloc} yet")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def query(url: str, sparql: str, accept: str = "application/sparql-results+json", source: str = "127.0.0.1",
          timeout: float = 30, token: str | None = None, **params: str) -> Answer:
    form = urllib.parse.urlencode({"query": sparql, **params}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return request(f"{url}/sparql", "POST", form, headers, source, timeout)


def child_pids(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(x) for x in (task / "children").read_text().split())
    return found


def engine_pids(pid: int) -> set[int]:
    """The server's engine processes."""
    found = set()
    for child in child_pids(pid):
        try:
            if b"oxigraph" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            pass
    return found


TAKEN = b"is taken by another program"  # what `isic-graph serve` says of a port it cannot bind


class PortTaken(Exception):
    """The server's port was taken by another process before the server could bind it."""


@dataclass
class LiveServer:
    """`isic-graph init --samples` then `isic-graph serve` on 127.0.0.1, its log kept in a file."""

    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    own_group: bool = False  # started in a process group of its own, as a terminal starts a command
    _engine_address: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / "serve.log"

    @property
    def environment(self) -> dict[str, str]:
        return {**os.environ, "ISIC_STORE": str(self.folder / "store"),
                "ISIC_CREDENTIALS": str(self.folder / "credentials.json"), **self.env}

    def init(self) -> LiveServer:
        subprocess.run([*COMMAND, "init", "--samples"], env=self.environment, check=True, capture_output=True,
                       timeout=300)
        return self

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*COMMAND, *args], env=self.environment, capture_output=True, text=True,
                              timeout=timeout)

    def raw_update(self, update: str) -> None:
        """Write straight into the store the server holds, as another process of the instance would (under the
        instance's write lock, the store's version counted): what no route of the server lets anyone write, a
        network's graph holding data its shapes refuse, set up for a test."""
        settings = Settings.from_env(self.environment)
        assert settings.store_path is not None
        engine = serving_engine(settings.store_path)
        assert engine is not None, "the server's engine is not running"
        store = RemoteStore(f"{engine}/query", f"{engine}/update", f"{engine}/store", timeout=60,
                            lock_path=settings.write_lock_path)
        try:
            store.update(update)
            after_raw_update(store, Graphs(settings.base_iri), check_update(update))  # its graphs marked modified
        finally:
            store.close()

    def start(self, wait: float = 60) -> LiveServer:
        """Start the server; if its port was taken meanwhile by another process, on a new port."""
        for _ in range(3):
            try:
                return self._start(wait)
            except PortTaken:
                self.port = free_port()
        return self._start(wait)

    def _start(self, wait: float) -> LiveServer:
        mark = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([*COMMAND, "serve", "--port", str(self.port), "--threads", "8"],
                                            env=self.environment, stdout=log, stderr=log,
                                            process_group=0 if self.own_group else None)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if request(f"{self.url}/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            if self.process is not None and self.process.poll() is not None:
                if TAKEN in self.log.read_bytes()[mark:]:
                    self.process = None
                    raise PortTaken(self.url)
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"isic-graph serve did not answer; its log:\n{self.log.read_text()[-2000:]}")

    @property
    def engine_pid(self) -> int:
        assert self.process is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            engines = engine_pids(self.process.pid)
            if engines:
                return min(engines)
            time.sleep(0.05)
        raise RuntimeError("the server has no engine process")

    @property
    def engine_address(self) -> str:
        """The host:port the engine listens on (the same across its restarts), which no answer may reveal."""
        if not self._engine_address:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not self._engine_address:
                arguments = Path(f"/proc/{self.engine_pid}/cmdline").read_bytes().split(b"\0")
                if b"--bind" in arguments:  # not a child between fork and exec
                    self._engine_address = arguments[arguments.index(b"--bind") + 1].decode()
                time.sleep(0.05)
        return self._engine_address

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int | None:
        """Stop the server by its PID; returns its exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            os.kill(process.pid, sig)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            return process.wait(timeout=10)


def reply(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"",
          headers: Mapping[str, str] | None = None) -> None:
    """Answer a request to a PeerServer: the status, the headers given and the body's length, then the body."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class PeerServer:
    """An HTTP server on 127.0.0.1, in a thread, answering every request with `answer`; it records each request
    (method, path, headers in lower case, body)."""

    def __init__(self, answer: Handler) -> None:
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handle(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append({"method": "GET", "path": self.path,
                                       **{k.lower(): v for k, v in self.headers.items()}})
                answer(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append({"method": "POST", "path": self.path, "body": self.rfile.read(length).decode(),
                                       **{k.lower(): v for k, v in self.headers.items()}})
                answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (and answers nothing)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        try:  # wakes the accept at once (else it waits out its timeout)
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(timeout=5)
        self.socket.close()


def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()


def add_peer(server: LiveServer, name: str, peer: LiveServer) -> None:
    """Register `peer` with `server` (`isic-graph peer add`, private addresses allowed: both are on 127.0.0.1)."""
    added = server.cli("peer", "add", name, "--sparql", f"{peer.url}/sparql", "--dumps", f"{peer.url}/dumps/",
                       "--allow-private")
    assert added.returncode == 0, added.stderr
