"""A filled collection-sheet form: its values by field name, and the blocks they belong to.

Fields are named after their part of the form (`project.title`, `sheet.source`) or their block and its number
(`lesson.3.statement`, `partner.0.role`, `milestones.1.date`): a block number the form cannot have is refused.
A field's values are read as typed: trimmed, a list box split one a line or at `|` (sheetform.listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from isic_graph.errors import UsageError
from isic_graph.ingest.listing import unescaped
from isic_graph.ingest.sheetform import Field, listed

MAX_LESSONS = 20


@dataclass
class FilledSheet:
    """The form's values, by field name (`project.title`, `lesson.0.statement`), as strings."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.values:
            block_index(name)  # a block the form cannot have is refused, not left out
            if name.rsplit(".", 1)[-1] not in HIDDEN:
                continue
            given = {v.strip() for v in self.values[name] if v.strip()}
            if len(given) > 1:  # which resource the block shows: one, never the last of several
                raise UsageError(f"the field {name!r} names {len(given)} different resources: send it once",
                                 fr=f"le champ « {name} » désigne {len(given)} ressources différentes : envoyez-le "
                                    "une seule fois")

    def get(self, name: str) -> list[str]:
        return [v for v in self.values.get(name, []) if v.strip()]

    def lessons(self) -> list[int]:
        """The indexes of the lesson blocks that say something."""
        return self.blocks("lesson")

    def blocks(self, kind: str) -> list[int]:
        """The indexes of the blocks of a kind (`lesson`, `partner`…) that say something."""
        found = sorted({i for name in self.values if (i := block_index(name, kind)) is not None})
        return [i for i in found if any(self.get(n) for n in self.values
                                        if n.startswith(f"{kind}.{i}.") and n.rsplit(".", 1)[-1] not in HIDDEN)]

    def stored(self, kind: str, key: str = "id") -> dict[int, str]:
        """The stored resources an edit form's blocks of a kind name (their hidden `id`, or a partner's
        `partnership`), by block, even those the user emptied."""
        found = {}
        for name in self.values:
            i = block_index(name, kind)
            if i is not None and name == f"{kind}.{i}.{key}" and self.get(name):
                found[i] = self.get(name)[0].strip()
        return found


# The sheet's tables of records around a project, each a block of the form (sheetblocks.py), named after its table.
SHEET_TABLES = ("groups", "roles", "committees", "participations", "milestones", "activities", "evaluations",
                "contributions", "family-aid", "resources")
BLOCK_KINDS = ("lesson", "partner", "funding", "organisation", "territory", *SHEET_TABLES)
HIDDEN = ("id", "partnership")  # what an edit form's block carries of the stored resource it shows
BLOCK_FIELD = re.compile(rf"({'|'.join(BLOCK_KINDS)})\.([^.]*)\.")
LESSON_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")


def lesson_index(name: str) -> int | None:
    """The lesson block a field name (`lesson.3.statement`) belongs to, None for a field of no lesson."""
    return block_index(name, "lesson")


def block_index(name: str, kind: str | None = None) -> int | None:
    """The block a field name (`lesson.3.statement`, `partner.0.role`) belongs to, None for a field of no block (or
    of a block of another kind); a UsageError when the index is not a number from 0 to MAX_LESSONS - 1."""
    found = BLOCK_FIELD.match(name)
    if found is None:
        return None
    index = found.group(2)
    if not LESSON_INDEX.fullmatch(index) or int(index) >= MAX_LESSONS:
        shown = index if len(index) <= 12 else index[:12] + "…"
        raise UsageError(f"field {name[:40]!r}: the {found.group(1)} number {shown!r} is not a number from 0 to "
                         f"{MAX_LESSONS - 1} (a sheet holds at most {MAX_LESSONS} of them)",
                         f"champ « {name[:40]} » : le numéro de bloc « {shown} » n'est pas un nombre de 0 à "
                         f"{MAX_LESSONS - 1} (une fiche en contient au plus {MAX_LESSONS})")
    return int(index) if kind in (None, found.group(1)) else None


LIST_SEPARATORS = re.compile(r"\s*(?:\r\n|\r|\n|(?<!\\)\|)\s*")  # a bar within a value is written \|


def entries(f: Field, raw: Sequence[str]) -> list[str]:
    """A field's values as typed: trimmed, the empty ones left out, a list box split one a line or at `|` (a bar
    within a value written `\\|`)."""
    found = [v.strip() for v in raw if v.strip()]
    if listed(f):
        found = [unescaped(part) for v in found for part in LIST_SEPARATORS.split(v) if part]
    return found


__all__ = ["BLOCK_KINDS", "HIDDEN", "MAX_LESSONS", "SHEET_TABLES", "FilledSheet", "block_index", "entries",
           "lesson_index"]
