"""The query engine as a supervised process: `oxigraph serve` on the store directory, on 127.0.0.1.

The web process never runs a query itself. A query that overruns its timeout gets the engine killed
and started again, which is the only way to free its CPU (pyoxigraph cannot cancel a query, and
`oxigraph serve --timeout-s` answers a cancelled query with a truncated 200).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from ..errors import StorageFull, StoreError, StoreLocked


MIN_FREE = 4 * 1024 * 1024  # bytes of free disk needed before writes are tried again after a full disk


def oxigraph_command() -> str:
    """The `oxigraph` executable installed beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the `oxigraph` command is missing: pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the engine's child process: be killed when the process that started it dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Engine:
    """One `oxigraph serve` process owning the store directory, started again whenever it dies.

    Only the supervisor thread (long-lived) starts engines, so that the engine dies with this process.
    """

    def __init__(self, location: Path, start_timeout: float = 30.0) -> None:
        self.location = location
        self.start_timeout = start_timeout
        self.port = free_port()
        self.generation = 0
        self.restarts = 0
        self.killed: set[int] = set()  # generations killed on purpose (overruns), as opposed to crashed
        self.storage_full = False  # set when a write failed for want of disk space
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._failure: Exception | None = None
        self._supervisor = threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None

    def start(self) -> None:
        """Start the supervisor, which starts the engine; return once it answers."""
        self._supervisor.start()
        self._ready.wait(self.start_timeout + 5)
        if self._failure is not None:
            raise self._failure
        if not self._ready.is_set():
            raise StoreError("the query engine did not start in time")

    def restart(self, generation: int) -> None:
        """Kill the engine now (freeing its CPU) and have it started again, once per generation."""
        with self._lock:
            if generation != self.generation or self._stopping.is_set():
                return
            self.killed.add(generation)
            self._kill()
            self.restarts += 1
        self._wake.set()

    def reopen_after_full(self) -> None:
        """After a full disk, RocksDB refuses every write until it is reopened: reopen it once there is room.

        Until then reads go on, and writes are refused at once with StorageFull.
        """
        if not self.storage_full:
            return
        if shutil.disk_usage(self.location).free < MIN_FREE:
            raise StorageFull(f"the store's disk is still full (less than {MIN_FREE // 2**20} MiB free): "
                              "nothing was written; free space, then send again")
        generation = self.generation
        self.restart(generation)
        deadline = time.monotonic() + self.start_timeout
        while self.generation == generation and time.monotonic() < deadline:
            time.sleep(0.02)
        self.storage_full = False

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        with self._lock:
            self._kill()

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            process = self._process
            if process is None or process.poll() is not None:
                try:
                    with self._lock:
                        if not self._stopping.is_set():
                            self._spawn()
                    self._ready.set()
                except StoreError as exc:
                    if not self._ready.is_set():
                        self._failure = exc
                        self._ready.set()
                        return
            self._wake.wait(0.2)
            self._wake.clear()

    def _spawn(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        log = tempfile.TemporaryFile()  # not a pipe: a chatty engine must never block on a full pipe
        self._process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log.seek(0)
                message = log.read().decode("utf-8", "replace")
                self._process = None
                if "lock" in message.lower():
                    raise StoreLocked(f"the store at {self.location} is in use by another process: {message.strip()}")
                raise StoreError(f"the query engine exited at start: {message.strip()}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                self.generation += 1
                return
            except OSError:
                time.sleep(0.02)
        self._kill()
        raise StoreError("the query engine did not start in time")

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
