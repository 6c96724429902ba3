"""Several values in one spreadsheet cell or form box: separated by `|`, a `|` within a value written `\\|`, so
that a value holding one (a milestone "Étape 1 | suite") reads back as the one value it is."""

from __future__ import annotations

import re
from typing import Iterable

BAR = re.compile(r"(?<!\\)\|")  # a separator: a bar not written as part of a value
BETWEEN = " | "


def escaped(value: str) -> str:
    """A value as written among others: its bars as `\\|`."""
    return value.replace("|", "\\|")


def joined(values: Iterable[str], between: str = BETWEEN) -> str:
    """Values written in one cell (or, between line ends, in one box)."""
    return between.join(escaped(v) for v in values)


def unescaped(part: str) -> str:
    """A value as it was, from its written form."""
    return part.replace("\\|", "|")


def split(cell: str) -> list[str]:
    """The values of a cell, trimmed, the empty ones left out."""
    return [value for part in BAR.split(cell) if (value := unescaped(part.strip()))]


__all__ = ["BAR", "escaped", "joined", "split", "unescaped"]
