"""The processes the benchmark starts: servers on 127.0.0.1 stopped by PID, and CLI commands bounded in time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def wait_for(url: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class Server:
    """A process listening on 127.0.0.1, stopped by PID."""

    def __init__(self, command: list[str], env: dict[str, str], ready: str) -> None:
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(ready)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def cli(env: dict[str, str], *args: str) -> None:
    """Run an `isic-graph` command (this Python's), for at most an hour; an error raises."""
    subprocess.run([sys.executable, "-m", "isic_graph.cli", *args], env=env, check=True, capture_output=True,
                   timeout=3600)


def bulk_load(location: str, data: str) -> tuple[float, float]:
    """Load an N-Quads file with the engine's bulk loader, then work out the store's default graph (the set
    union of its named graphs, which isic-graph keeps on every write it makes itself); the seconds each took."""
    from isic_graph.store.embedded import EmbeddedStore
    from isic_graph.store.engine import oxigraph_command

    started = time.perf_counter()
    subprocess.run([oxigraph_command(), "load", "--location", location, "--file", data],
                   check=True, capture_output=True, timeout=3600)
    loaded = time.perf_counter()
    with EmbeddedStore(Path(location)) as store:
        store.rebuild_default_graph()
        store.optimize()  # as the engine's own compaction leaves a store that has been written for a while
    return loaded - started, time.perf_counter() - loaded
