"""Real servers for the tests, on 127.0.0.1, stopped by PID: `oxigraph serve`, and our supervised engine."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from isic_graph.admin.bootstrap import init_store
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.engine import PORT_TAKEN, PORT_TRIES, Engine, free_port, oxigraph_command
from isic_graph.store.remote import RemoteStore
from isic_graph.validation.validator import Validator

__all__ = ["OxigraphServer", "Watched", "engine_on_copy", "engine_state", "free_port", "http_get", "load_dataset",
           "loaded_engine", "work_done"]


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def work_done(pid: int) -> tuple[int, int]:
    """What a process has done so far (Linux /proc): CPU time in clock ticks, and bytes passed to write(2)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    io = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines() if ": " in line)
    return int(fields[11]) + int(fields[12]), int(io["wchar"])


def loaded_engine(folder: Path, validator: Validator, base: str = "http://localhost:5000/") -> Engine:
    """A supervised engine process on a new store, with the ontology, thesauri and sample networks."""
    engine = Engine(folder)
    engine.start()
    store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=60)
    init_store(store, Graphs(base), validator, samples=True)
    return engine


def load_dataset(store_url: str, nquads: bytes) -> None:
    """Add N-Quads to a server's dataset through its Graph Store endpoint (Oxigraph's /store)."""
    sent = urllib.request.Request(store_url, data=nquads, method="POST",
                                  headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(sent, timeout=60) as answer:
        answer.read()


def engine_on_copy(store: Path, folder: Path) -> Engine:
    """A supervised engine process on a copy (at `folder`) of a store folder that no process holds."""
    shutil.copytree(store, folder)
    engine = Engine(folder)
    engine.start()
    return engine


def engine_state(url: str) -> tuple[bytes, bytes]:
    """Everything a server's dataset holds: every quad (N-Quads, in the store's own order, blank nodes named as
    stored) and the names of its graphs, empty ones included. Equal states are equal datasets."""
    quads = urllib.request.Request(f"{url}/store", headers={"Accept": "application/n-quads"})
    graphs = urllib.request.Request(f"{url}/query?query=SELECT%20%3Fg%20%7B%20GRAPH%20%3Fg%20%7B%7D%20%7D%20"
                                    "ORDER%20BY%20%3Fg", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(quads, timeout=60) as dumped, urllib.request.urlopen(graphs, timeout=60) as named:
        return dumped.read(), named.read()


Files = frozenset[tuple[str, int, int]]


def store_files(folder: Path) -> Files | None:
    """An engine's files as they stand (name, size, modification time), its info log (LOG*) left out; None when one
    went away while they were listed (a compaction)."""
    try:
        return frozenset((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns) for entry in os.scandir(folder)
                         if not entry.name.startswith("LOG"))
    except FileNotFoundError:
        return None


class Watched:
    """An engine's dataset as last seen, to tell whether it changed since (see `engine_state`).

    Each write the engine commits, even one that changes nothing in the dataset, appends to its write-ahead log (a
    flush or a compaction, which only writes bring, rewrites its other files), and reads touch none of its files:
    so while its files are as they were, its dataset is as it was, and the dump is taken only when they changed.
    """

    def __init__(self, engine: Engine, state: tuple[bytes, bytes] | None = None) -> None:
        """state: the dataset's when known already (an engine started on a copy of a store whose dataset was seen),
        taken from the engine otherwise."""
        self.engine = engine
        self.files, self.state = (store_files(engine.location), state) if state is not None else self._seen()

    def _seen(self) -> tuple[Files | None, tuple[bytes, bytes]]:
        files = store_files(self.engine.location)
        state = engine_state(self.engine.url)
        return (files if files == store_files(self.engine.location) else None), state

    def unchanged(self) -> bool:
        """Whether the dataset is still the one seen: every quad and the names of its graphs."""
        if self.files is not None and store_files(self.engine.location) == self.files:
            return True
        files, state = self._seen()
        if state != self.state:
            return False
        self.files = files  # the same dataset, written again: its files as they now are
        return True

    def now(self) -> Watched:
        """This watch brought up to the dataset as it is now, to tell a change from here on (then returned): the
        dump is taken only when the engine's files changed since the dataset was last seen, so that tests sharing
        one watch over a module of refusals dump the dataset once, not before each of them."""
        if self.files is None or store_files(self.engine.location) != self.files:
            self.files, self.state = self._seen()
        return self


class OxigraphServer:
    """`oxigraph serve` on a free loopback port, with its data in a folder (its default graph its own: the store
    keeps it the set union of the named graphs)."""

    def __init__(self, location: Path | None = None) -> None:
        kept = ["--location", str(location)] if location is not None else []  # else in memory
        for attempt in range(PORT_TRIES + 1):  # the free port may be bound by another program before the server
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self.process = subprocess.Popen(
                [oxigraph_command(), "serve", *kept, "--bind", f"127.0.0.1:{self.port}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                self._wait_ready()
                return
            except RuntimeError as exc:
                if PORT_TAKEN not in str(exc) or attempt == PORT_TRIES:
                    raise

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def _wait_ready(self, seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("oxigraph serve exited: "
                                   f"{self.process.stderr.read().decode() if self.process.stderr else ''}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except (OSError, http.client.HTTPException):  # not yet; or connected to itself before the bind
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
