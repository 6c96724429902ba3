"""The CLI waits for work that may never end (a query inside the engine) on a thread of its own: the command gives
its answer, its error, its deadline's message, or stops on Ctrl-C, whatever the work is doing."""

from __future__ import annotations

import os
import signal
import threading
from typing import Iterator

import pytest

from isic_graph.cli.context import interruptible
from isic_graph.errors import QueryTimeout, UsageError

LATE = QueryTimeout("late", fr="en retard")


@pytest.fixture
def stuck() -> Iterator[threading.Event]:
    """Work that waits until the test ends (a query that runs for hours), then ends."""
    released = threading.Event()
    yield released
    released.set()


def test_the_works_answer_is_given_back() -> None:
    assert interruptible(lambda: 42, 5, LATE) == 42


def test_the_works_error_is_raised_as_it_is() -> None:
    def refused() -> int:
        raise UsageError("bad", fr="mauvais")
    with pytest.raises(UsageError, match="bad"):
        interruptible(refused, 5, LATE)


def test_work_past_its_deadline_raises_the_deadlines_error(stuck: threading.Event) -> None:
    with pytest.raises(QueryTimeout) as raised:
        interruptible(stuck.wait, 0.2, LATE)
    assert raised.value is LATE


def test_ctrl_c_while_the_work_runs_reaches_the_command(stuck: threading.Event) -> None:
    """SIGINT, as a terminal's Ctrl-C sends it, with Python's own handler (a process started in the background by a
    shell that has no terminal ignores it)."""
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            interruptible(stuck.wait, 3600, LATE)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, handler)
    assert not stuck.is_set()  # the work was still running
