"""Progress of the long commands on stderr (stdout keeps the data): a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from isic_graph.cli.context import chosen_language
from isic_graph.progress import Step

TENTHS = 10  # plain lines per stage of known size: one a tenth
EVERY = 100_000  # plain lines per stage of unknown size: one every so many units
# the words of the steps, in French (`isic-graph --lang fr`): stages and units; a harvest's stages are peers' names
FRENCH = {"reading": "lecture", "writing": "écriture", "checking": "vérification", "counting": "décompte",
          "loading": "chargement", "bytes": "octets", "quads": "quadruplets", "triples": "triplets",
          "networks": "réseaux", "of": "sur", "done": "fini"}


class Display:
    """Shows the steps of one command (see progress.Step) as they come: each stage a bar of its own on a
    terminal, else a line at each tenth of a stage (or every EVERY units when its size is unknown) and one
    when it ends. terminal: None to tell from the stream."""

    def __init__(self, command: str, stream: TextIO | None = None, terminal: bool | None = None,
                 lang: str | None = None) -> None:
        self.command = command
        self.words = FRENCH if chosen_language(lang) == "fr" else {}
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = _is_terminal(self.stream) if terminal is None else terminal
        self._step: Step | None = None
        self._bar: tqdm[None] | None = None
        self._shown = -1  # the last tenth (or EVERY) shown as a line

    def __call__(self, step: Step) -> None:
        if self._step is None or step.stage != self._step.stage:
            self._end()
            self._begin(step)
        self._step = step
        if self._bar is not None:
            if step.total is not None and self._bar.total != step.total:
                self._bar.total = step.total
            self._bar.update(step.done - self._bar.n)
            return
        mark = step.done * TENTHS // step.total if step.total else step.done // EVERY
        if mark > self._shown:
            self._shown = mark
            self._line(step)

    def close(self) -> None:
        self._end()

    def __enter__(self) -> Display:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _begin(self, step: Step) -> None:
        self._shown = -1
        if self.terminal:
            size = step.unit == "bytes"
            self._bar = tqdm(total=step.total, desc=f"{self.command}: {self._said(step.stage)}",
                             unit="B" if size else f" {self._said(step.unit)}",
                             unit_scale=size, unit_divisor=1024 if size else 1000, file=self.stream, leave=True,
                             dynamic_ncols=True, mininterval=0.2)

    def _end(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._step is not None and not (self._step.total and self._shown == TENTHS):
            self._line(self._step, ended=True)
        self._step = None

    def _line(self, step: Step, ended: bool = False) -> None:
        unit, of = self._said(step.unit), self._said("of")
        if step.total:
            text = f"{min(step.done * 100 // step.total, 100)}% ({step.done:,} {of} {step.total:,} {unit})"
        else:
            text = f"{step.done:,} {unit}" + (f", {self._said('done')}" if ended else "")
        self.stream.write(f"{self.command}: {self._said(step.stage)} {text}\n")
        self.stream.flush()

    def _said(self, word: str) -> str:
        return self.words.get(word, word)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
