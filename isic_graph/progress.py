"""How far a long task has gone: the steps core functions report, for whoever shows them (the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One stage of a long task (reading a file, writing quads, checking graphs), and how far it has gone.

    done counts units since the stage began; total is None when it is not known beforehand.
    """

    stage: str
    done: int
    total: int | None = None
    unit: str = ""


OnStep = Callable[[Step], None]


def ignore(step: Step) -> None:
    """The default: nobody is watching."""


def counted(items: Iterable[T], on_step: OnStep, stage: str, total: int | None, unit: str,
            every: int = 10_000) -> Iterator[T]:
    """The items as they come, reporting how many went by (every so many, and at the end)."""
    if on_step is ignore:  # nobody is watching: the items alone, without counting each one
        yield from items
        return
    done = 0
    on_step(Step(stage, 0, total, unit))
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            on_step(Step(stage, done, total, unit))
    on_step(Step(stage, done, total, unit))


class ReadCounter:
    """A binary file read for a parser or a decompressor, reporting the bytes read so far."""

    def __init__(self, handle: IO[bytes], on_step: OnStep, stage: str, total: int | None) -> None:
        self.handle = handle
        self.on_step = on_step
        self.stage = stage
        self.total = total
        self.done = 0
        on_step(Step(stage, 0, total, "bytes"))

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        if block:
            self.done += len(block)
            self.on_step(Step(self.stage, self.done, self.total, "bytes"))
        return block

    def close(self) -> None:
        self.handle.close()
