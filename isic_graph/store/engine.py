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
import threading
import time
import urllib.request
from pathlib import Path

from ..errors import StoreError, StoreLocked


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


class Engine:
    """One `oxigraph serve` process owning the store directory, started again whenever it dies."""

    def __init__(self, location: Path, start_timeout: float = 30.0) -> None:
        self.location = location
        self.start_timeout = start_timeout
        self.port = free_port()
        self.generation = 0
        self.restarts = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start the engine and a watcher that restarts it if it dies."""
        with self._lock:
            self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="engine-watcher", daemon=True)
        self._watcher.start()

    def restart(self, generation: int) -> None:
        """Kill and start the engine again, once per generation (concurrent callers restart it once)."""
        with self._lock:
            if generation != self.generation or self._stopping.is_set():
                return
            self._kill()
            self._spawn()
            self.restarts += 1

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self._kill()

    def _spawn(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.generation += 1
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                message = self._process.stderr.read().decode("utf-8", "replace") if self._process.stderr else ""
                if "lock" in message.lower():
                    raise StoreLocked(f"the store at {self.location} is in use by another process: {message.strip()}")
                raise StoreError(f"the query engine exited at start: {message.strip()}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        self._kill()
        raise StoreError("the query engine did not start in time")

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            process = self._process
            if process is not None and process.poll() is not None:
                self.restart(self.generation)
