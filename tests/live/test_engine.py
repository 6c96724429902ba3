"""The supervised engine: each time it is started again, one log line says why."""

from __future__ import annotations

import http.server
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from isic_graph.errors import EngineFailed, StoreError, StoreUnavailable, UsageError
from isic_graph.query.runner import QueryService
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore
from tests.support.live import PeerServer


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    running = Engine(tmp_path / "store")
    running.start()
    yield running
    running.stop()


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def restarts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "isic_graph.engine" and "query engine restarted" in r.getMessage()]


def kill_and_wait(engine: Engine, sig: signal.Signals, caplog: pytest.LogCaptureFixture) -> str:
    generation, pid = engine.generation, engine.pid
    assert pid is not None
    os.kill(pid, sig)
    assert wait_for(lambda: engine.generation > generation and len(restarts(caplog)) >= 1), "no restart logged"
    [line] = restarts(caplog)
    assert f"pid {pid}" in line and f"generation {engine.generation}" in line
    return line


def test_an_engine_killed_from_outside_is_logged_as_such(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="isic_graph")
    line = kill_and_wait(engine, signal.SIGKILL, caplog)
    assert "killed from outside" in line and "SIGKILL" in line


# (oxigraph's Rust runtime outlives a SIGSEGV or SIGBUS sent from outside: its handler waits for a fault)
@pytest.mark.parametrize("sig", [signal.SIGABRT, signal.SIGQUIT, signal.SIGILL])
def test_an_engine_that_crashes_is_logged_with_its_signal(engine: Engine, caplog: pytest.LogCaptureFixture,
                                                          sig: signal.Signals) -> None:
    caplog.set_level(logging.INFO, logger="isic_graph")
    line = kill_and_wait(engine, sig, caplog)
    assert f"crashed with signal {int(sig)} ({sig.name})" in line and "killed from outside" not in line


def test_an_engine_ended_by_sigterm_from_outside_is_logged_with_that_signal(engine: Engine,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="isic_graph")
    line = kill_and_wait(engine, signal.SIGTERM, caplog)
    assert f"crashed with signal {int(signal.SIGTERM)} (SIGTERM)" in line and "killed from outside" not in line


def test_an_engine_killed_for_an_overrun_is_logged_with_that_cause(engine: Engine,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="isic_graph")
    generation, pid = engine.generation, engine.pid
    engine.restart(generation, "a query overran its 2 s deadline")
    engine.restart(generation, "the same overrun, seen by a second query")  # once per generation
    assert wait_for(lambda: engine.generation > generation and len(restarts(caplog)) >= 1)
    time.sleep(0.3)  # a second, wrong line would be written by now
    [line] = restarts(caplog)
    assert f"killed on purpose (pid {pid}): a query overran its 2 s deadline" in line
    assert "killed from outside" not in line


def test_stopping_the_engine_logs_no_restart(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="isic_graph")
    running = Engine(tmp_path / "store")
    running.start()
    running.stop()
    time.sleep(0.3)
    assert restarts(caplog) == []


def test_an_engine_whose_port_another_program_took_first_starts_on_another(tmp_path: Path) -> None:
    """The free port is chosen before the engine binds it: a program binding it meanwhile makes the engine choose
    again, and it is never mistaken for the engine."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        running = Engine(tmp_path / "store")
        running.port = taken.getsockname()[1]
        try:
            running.start()
            assert running.port != taken.getsockname()[1]
            with urllib.request.urlopen(f"{running.url}/query?query=ASK%7B%7D", timeout=5) as answer:
                assert b"true" in answer.read()
        finally:
            running.stop()


def answering(status: int, body: bytes) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """An engine's answer to every request: this status and this text."""
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


answering_500 = answering(500, b"Some failure of the engine's own")
# Oxigraph refusing a text this server wrote as too large: the server's failure, never the client's request
TOO_LARGE = answering(400, b"SPARQL body payloads are limited to 134217728 bytes, found 300000444 bytes")


@pytest.mark.parametrize("send", [
    lambda store: store.query_raw("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    lambda store: store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
], ids=["query", "update"])
def test_a_text_the_engine_refuses_as_too_large_is_the_servers_failure(send: Callable[[RemoteStore], object]) -> None:
    refusing = PeerServer(TOO_LARGE)
    try:
        with pytest.raises(EngineFailed) as failed:
            send(RemoteStore(f"{refusing.url}/query", f"{refusing.url}/update", None, timeout=5))
    finally:
        refusing.close()
    assert failed.value.status == 502 and not failed.value.public


@pytest.mark.parametrize("text,named", [
    ("SELECT * WHERE { BIND(<http://e.example/f>(1) AS ?x) }", "<http://e.example/f>"),
    ("ASK { FILTER(<urn:x>(1)) }", "<urn:x>"),
    ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { ?s ?p ?o FILTER(xsd:foo(?o)) }",
     "<http://www.w3.org/2001/XMLSchema#foo>"),
])
def test_a_function_the_engine_has_not_is_the_querys_fault_and_the_engine_runs_on(engine: Engine, text: str,
                                                                                 named: str) -> None:
    """Sent past the guard, as a remote store's own queries are: the engine's answer is read, not taken for a
    stopped engine (which it was said to be, with a 503 after half a second)."""
    queries = QueryService(RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, 10), 10, 100, engine)
    pid, generation = engine.pid, engine.generation
    with pytest.raises(UsageError) as refused:
        queries.run(text, "application/sparql-results+json")
    assert refused.value.status == 400 and named in refused.value.message and named in refused.value.text("fr")
    assert (engine.pid, engine.generation, engine.restarts) == (pid, generation, 0)


def test_an_error_answered_by_a_running_engine_is_not_told_as_a_stopped_engine(engine: Engine) -> None:
    failing = PeerServer(answering_500)
    try:
        queries = QueryService(RemoteStore(f"{failing.url}/query", f"{failing.url}/update", None, 10), 10, 100,
                               engine)
        with pytest.raises(StoreError) as failed:
            queries.run("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    finally:
        failing.close()
    assert isinstance(failed.value, EngineFailed) and not isinstance(failed.value, StoreUnavailable)
    assert failed.value.status == 502 and failed.value.code == "store-error" and "stopped" not in failed.value.message
    assert len(failing.requests) == 1  # answered once: not sent again as after a crash
    assert engine.restarts == 0


OWNER = """
import os, signal, sys, time
from pathlib import Path
from isic_graph.store.engine import Engine
engine = Engine(Path(sys.argv[1]))
engine.start()
first = engine.pid
os.kill(first, signal.SIGABRT)  # the supervisor starts it again, from its thread
deadline = time.monotonic() + 30
while (engine.pid in (None, first) or engine.answering < 2) and time.monotonic() < deadline:
    time.sleep(0.02)
print(engine.pid, flush=True)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_an_engine_started_again_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """The engine's child sets its parent-death signal before exec; an engine started again by the supervisor
    thread (a fork from a process with threads) does too, so killing the owner leaves no engine behind."""
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(tmp_path / "store")], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert owner.stdout is not None
        engine_pid = int(owner.stdout.readline())
        assert alive(engine_pid)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(10)
        assert wait_for(lambda: not alive(engine_pid), 10), "the engine outlived the process that started it"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


IGNORING_OWNER = """
import os, signal, sys, time
from pathlib import Path
from isic_graph.store.engine import Engine
signal.signal(signal.SIGQUIT, signal.SIG_IGN)  # as a library or a shell may leave it: inherited across exec
engine = Engine(Path(sys.argv[1]))
engine.start()
first = engine.pid
os.kill(first, signal.SIGQUIT)
deadline = time.monotonic() + 30
while engine.answering < 2 and time.monotonic() < deadline:
    time.sleep(0.02)
print(engine.answering, engine.ends.get(1), flush=True)
engine.stop()
"""


def test_an_engine_quits_on_sigquit_even_when_the_process_that_started_it_ignores_it(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", IGNORING_OWNER, str(tmp_path / "store")], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.split() == ["2", str(-signal.SIGQUIT)], done.stdout + done.stderr
