"""What is wrong with a sheet, cell by cell, in the sheet's words (table, row, column, value, what is expected)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from isic_graph.privacy import address_in_identifier, personal_data, redact
from isic_graph.validation.validator import Location

MASK = {"fr": "(valeur masquée : donnée personnelle)", "en": "(value masked: personal data)"}


@dataclass(frozen=True)
class SheetProblem:
    """One problem of a sheet, at its cell (column None: the whole row or table)."""

    location: Location
    value: str | None
    messages: Mapping[str, str]  # lang -> what is expected

    @property
    def severity(self) -> str:
        return "Violation"

    def shown_value(self, lang: str) -> str | None:
        if self.value is None:
            return None
        return MASK[lang] if personal_data(self.value) or address_in_identifier(self.value) \
            else redact(self.value[:200])

    def describe(self, lang: str = "fr") -> str:
        lang = lang if lang in ("fr", "en") else "fr"
        value = self.shown_value(lang)
        shown = "" if value is None else (f"« {value} » : " if lang == "fr" else f"'{value}': ")
        return f"[{self.location.describe(lang)}] {shown}{self.messages[lang]}"

    def to_dict(self) -> dict[str, object]:
        return {"value": self.shown_value("fr"), "message": dict(self.messages), "severity": self.severity,
                "location": self.location.to_dict(),
                "focusNode": None, "path": None, "label": None, "field": {}}


@dataclass(frozen=True)
class SheetReport:
    """A refused sheet's problems, each once, in the order of the sheet."""

    violations: tuple[SheetProblem, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def describe(self, lang: str = "fr") -> str:
        head = (f"{len(self.violations)} problème(s) à corriger dans la fiche :" if lang == "fr"
                else f"{len(self.violations)} problem(s) to fix in the sheet:")
        return "\n".join([head] + [f"  - {v.describe(lang)}" for v in self.violations])

    def serialize(self, fmt: str = "turtle") -> str:
        """No SHACL report: the sheet was not read far enough to be validated; its problems as text."""
        return "\n".join(f"# {v.describe('en')}" for v in self.violations) + "\n"


class Problems:
    """Problems gathered while a sheet is read: each (cell, value, message) once."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, int, str | None, str | None, str], SheetProblem] = {}

    def add(self, file: str, row: int, column: str | None, value: str | None, fr: str, en: str) -> None:
        self.found.setdefault((file, row, column, value, en), SheetProblem(Location(file, row, column), value,
                                                                            {"fr": fr, "en": en}))

    def report(self) -> SheetReport:
        return SheetReport(tuple(self.found.values()))

    def __bool__(self) -> bool:
        return bool(self.found)


__all__ = ["Problems", "SheetProblem", "SheetReport"]
