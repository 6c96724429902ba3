"""Parser processes: the guard's SPARQL parse run away from the web process, under a deadline.

rdflib's grammar is pure Python: a hostile 64 KiB query can hold a parse for ten seconds, and its
recursion runs out on long flat patterns. In worker processes (`python -m isic_graph.parsers`, one
JSON line in, one out), a parse never blocks the web threads, runs with a deep stack, and is killed at
its deadline; the worker is replaced.
"""

from __future__ import annotations

import json
import queue
import select
import subprocess
import sys
import threading
from typing import Any

from .errors import IsicError, StoreUnavailable, UsageError

STACK = 256 * 1024 * 1024  # bytes of stack for a parse: deep enough for a 64 KiB flat pattern
RECURSION = 100_000


class ParserPool:
    """`workers` parser processes; `verdict` sends a text to an idle one and waits at most `timeout` seconds."""

    def __init__(self, workers: int = 2, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._idle: queue.Queue[subprocess.Popen[bytes]] = queue.Queue()
        self._unstarted = workers  # workers are started when first needed
        self._lock = threading.Lock()

    def verdict(self, text: str, limits: Any, update: bool) -> Any:
        """The guard's verdict for a text (a QueryFacts or an IsicError), computed in a worker."""
        from .errors import QueryTooLarge
        from .guard import QueryFacts

        worker = self._take()
        request = {"text": text, "max_bytes": limits.max_bytes, "max_depth": limits.max_depth,
                   "peers": sorted(limits.peers), "update": update}
        assert worker.stdin is not None and worker.stdout is not None
        try:
            worker.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            worker.stdin.flush()
            ready, _, _ = select.select([worker.stdout], [], [], self.timeout)
            line = worker.stdout.readline() if ready else b""
        except OSError:
            line = b""
        if not line:
            _stop(worker)
            self._idle.put(_start())
            return UsageError(f"the query could not be checked within {self.timeout:g} s: "
                              "it is too long or too complex; simplify it")
        self._idle.put(worker)
        answer = json.loads(line)
        if "error" in answer:
            return (QueryTooLarge if answer["error"] == "too-large" else UsageError)(answer["message"])
        return QueryFacts(answer["form"], tuple(answer["dataset"]))

    def _take(self) -> subprocess.Popen[bytes]:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            start = self._unstarted > 0
            self._unstarted -= start
        if start:
            return _start()
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise StoreUnavailable("every query checker is busy; retry in a moment") from None

    def close(self) -> None:
        while True:
            try:
                _stop(self._idle.get_nowait())
            except queue.Empty:
                return


def _start() -> subprocess.Popen[bytes]:
    from .store.engine import _die_with_parent

    return subprocess.Popen([sys.executable, "-m", "isic_graph.parsers"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.kill()
    worker.wait(timeout=5)
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            stream.close()


def _serve() -> None:
    """A worker: for each JSON line on stdin, the verdict as a JSON line on stdout."""
    from .errors import QueryTooLarge
    from .guard import Limits, QueryFacts, compute_verdict

    sys.setrecursionlimit(RECURSION)
    threading.stack_size(STACK)
    for line in sys.stdin.buffer:
        request = json.loads(line)
        limits = Limits(request["max_bytes"], request["max_depth"], frozenset(request["peers"]))
        verdict: list[Any] = []

        def run() -> None:
            try:
                verdict.append(compute_verdict(request["text"], limits, request["update"]))
            except RecursionError:
                verdict.append(UsageError("the query is too deeply nested to be parsed"))

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        result = verdict[0] if verdict else UsageError("the query could not be checked")
        if isinstance(result, QueryFacts):
            answer: dict[str, Any] = {"form": result.form, "dataset": list(result.dataset)}
        else:
            assert isinstance(result, IsicError)
            answer = {"error": "too-large" if isinstance(result, QueryTooLarge) else "usage",
                      "message": result.message}
        sys.stdout.buffer.write(json.dumps(answer).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
