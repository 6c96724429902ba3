"""Every character of this Python's Unicode version in a general category (Pd: the dashes, Cf: the invisible
formats), read in one pass over the code points (about half a second) made once per process for all the
categories the tests ask about."""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

ASKED = ("Pd", "Cf")


@cache
def _by_category() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {category: [] for category in ASKED}
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        kept = found.get(unicodedata.category(character))
        if kept is not None:
            kept.append(character)
    return {category: tuple(characters) for category, characters in found.items()}


def in_category(category: str) -> tuple[str, ...]:
    """The characters of one of the ASKED categories, in code point order."""
    return _by_category()[category]
