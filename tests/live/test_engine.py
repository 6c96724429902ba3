"""The supervised engine: each time it is started again, one log line says why."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from isic_graph.store.engine import Engine


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
