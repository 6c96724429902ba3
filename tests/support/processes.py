"""The processes a test starts: a test that starts one other than the engine is `live` (the quick run, `-m "not live"`,
starts none), and tests/conftest.py fails a test that starts one without the mark.

Seen from the test's own process: a command started by subprocess (Python's audit event `subprocess.Popen`), unless
the engine's supervisor starts it (isic_graph/store/engine.py), and a process started by multiprocessing (a dry run's,
which its fork server forks: isic_graph/ingest/dry_run.py)."""

from __future__ import annotations

import os
import sys
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

ENGINE = (str(Path("isic_graph", "store", "engine.py")), "_spawn")  # the engine's supervisor, starting the engine
STARTED: list[str] = []  # what the running test has started, in words


def watch() -> None:
    """Note every process this process starts from now on (once per process)."""
    sys.addaudithook(_heard)
    start = BaseProcess.start

    def noted_start(process: BaseProcess) -> None:
        target = getattr(process, "_target", None)
        named = f"{target.__module__}.{target.__qualname__}" if callable(target) else process.name
        STARTED.append(f"a process of multiprocessing ({named})")
        start(process)

    BaseProcess.start = noted_start  # type: ignore[method-assign]


def _heard(event: str, arguments: tuple[Any, ...]) -> None:
    if event != "subprocess.Popen" or _by_the_engines_supervisor():
        return
    command = arguments[1]
    words = [os.fsdecode(part) for part in command] if isinstance(command, (list, tuple)) else [os.fsdecode(command)]
    STARTED.append(f"the command {' '.join(words)[:120]!r}")


def _by_the_engines_supervisor() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == ENGINE[1] and frame.f_code.co_filename.endswith(ENGINE[0]):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False
