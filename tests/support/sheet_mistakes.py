"""Sheets as a social worker gets them wrong: the sample network's sheet with one mistake each, of many kinds
(columns, quotes, encodings, dates, amounts, lists, identifiers, personal data, workbooks), and what a French
message must not hold (English words)."""

from __future__ import annotations

import csv
import io
import re
from typing import Callable

from openpyxl import Workbook

from tests.support import paths

SAMPLE = paths.ROOT / "samples" / "action-sociale-35"
NETWORK = "action-sociale-35"
ENGLISH = frozenset({
    "the", "is", "are", "not", "row", "rows", "column", "columns", "cannot", "must", "should", "expected", "value",
    "values", "missing", "unknown", "file", "files", "and", "of", "with", "nothing", "was", "were", "stored", "error",
    "invalid", "did", "you", "mean", "please", "more", "than", "this", "that", "these", "sheet", "table", "save",
    "read", "neither", "nor", "quote", "cell", "cells", "refused", "does", "conform", "shapes", "problem",
    "problems", "fix", "found", "possible", "only", "at", "least", "most", "larger", "longer", "characters",
    "given", "field", "required", "one", "it", "its", "be", "has", "have", "an", "or", "for", "from", "to", "by",
    "which", "whose", "there", "no", "any", "submission", "network", "owner", "owns", "describes", "belongs",
})
WORD = re.compile(r"[A-Za-zÀ-ÿ']+")

Files = dict[str, bytes]


def sample() -> dict[str, list[list[str]]]:
    """The sample network's sheet, table by table (file name -> rows, the header first)."""
    return {p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in sorted(SAMPLE.glob("*.csv"))}


def written(rows: list[list[str]], separator: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def english_words(text: str) -> list[str]:
    """The English words of a message (quoted values, file and column names left out)."""
    text = re.sub(r"«[^»]*»|\[[^\]]*\]|<[^>]*>|'[^']*'|\"[^\"]*\"|\S+\.(csv|xlsx|ods|ttl)\b", " ", text)
    return sorted({w for w in WORD.findall(text) if w.lower() in ENGLISH and w != "a"})


def _edit(table: str, change: Callable[[list[list[str]]], None]) -> Files:
    rows = sample()[table]
    change(rows)
    return {table: written(rows)}


def _set(table: str, row: int, header: str, value: str) -> Files:
    def change(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(header)] = value
    return _edit(table, change)


def _rename(table: str, header: str, new: str) -> Files:
    def change(rows: list[list[str]]) -> None:
        rows[0][rows[0].index(header)] = new
    return _edit(table, change)


def _drop_column(table: str, header: str) -> Files:
    def change(rows: list[list[str]]) -> None:
        i = rows[0].index(header)
        for r in rows:
            del r[i]
    return _edit(table, change)


def _raw(table: str, transform: Callable[[bytes], bytes]) -> Files:
    return {table: transform(written(sample()[table]))}


def _workbook_with(table: str, change: Callable[[list[list[str]]], None]) -> Files:
    rows = sample()[table]
    change(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.removesuffix(".csv")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"fiche.xlsx": out.getvalue()}


def _unterminated(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    lines[1] = lines[1].replace(b",", b',"', 1)
    return b"\r\n".join(lines)


def _stray_quote(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    lines[1] = lines[1].replace(b",", b',"oui" non,', 1)
    return b"\r\n".join(lines)


def _other_separator(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    lines[1] = lines[1].replace(b",", b";")
    return b"\r\n".join(lines)


def _extra_cell(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    lines[2] = lines[2] + b",une valeur de trop"
    return b"\r\n".join(lines)


MISTAKES: dict[str, Callable[[], Files]] = {
    "unknown column": lambda: _rename("projects.csv", "titre", "tittre"),
    "column in English": lambda: _rename("lessons.csv", "recommandation", "recommendation"),
    "missing required column": lambda: _drop_column("lessons.csv", "enseignement"),
    "column twice": lambda: _rename("projects.csv", "genese", "description"),
    "unterminated quote": lambda: _raw("projects.csv", _unterminated),
    "stray quote": lambda: _raw("lessons.csv", _stray_quote),
    "extra cell": lambda: _raw("lessons.csv", _extra_cell),
    "utf-16 file": lambda: {"projects.csv": written(sample()["projects.csv"]).decode().encode("utf-16")},
    "undecodable bytes": lambda: _raw("projects.csv", lambda d: d.replace("é".encode(), b"\x81", 1)),
    "accents converted twice": lambda: _raw("projects.csv", lambda d: d.decode().encode().decode("cp1252",
                                                                                               "replace").encode()),
    "mac roman file": lambda: {"lessons.csv": written(sample()["lessons.csv"]).decode().encode("mac_roman",
                                                                                               "replace")},
    "control character": lambda: _set("projects.csv", 2, "titre", "Café\x00 des parents"),
    "impossible date": lambda: _set("projects.csv", 2, "date_debut", "31/02/2015"),
    "date in words": lambda: _set("projects.csv", 2, "date_fin", "fin décembre"),
    "amount with a comma before three digits": lambda: _set("fundings.csv", 2, "montant", "3,500"),
    "amount with more than cents": lambda: _set("fundings.csv", 2, "montant", "2500.505"),
    "identifier with a space and an accent": lambda: _set("lessons.csv", 3, "enseignement", "Leçon n°2"),
    "identifier naming a resource": lambda: _set("projects.csv", 2, "porte_par", "CAF d'Ille-et-Vilaine"),
    "row with another separator": lambda: _raw("organisations.csv", _other_separator),
    "amount in words": lambda: _set("fundings.csv", 3, "montant", "mille cinq cents"),
    "yes-no": lambda: _set("projects.csv", 2, "issu_situations_individuelles", "peut-être"),
    "thesaurus typo": lambda: _set("lessons.csv", 2, "categorie", "obstcle"),
    "thesaurus list typo": lambda: _set("projects.csv", 2, "themes", "parentalite | isolemnt"),
    "empty key": lambda: _set("lessons.csv", 3, "enseignement", ""),
    "bad identifier": lambda: _set("lessons.csv", 3, "confirme", "http://[::1"),
    "unknown table": lambda: {"projetts.csv": written(sample()["projects.csv"])},
    "unknown format": lambda: {"projects.txt": written(sample()["projects.csv"])},
    "dangling confirm": lambda: _set("lessons.csv", 4, "confirme", "cdp-elus-invite"),
    "wrong siret key": lambda: _set("organisations.csv", 2, "siret", "22350001800212"),
    "e-mail": lambda: _set("projects.csv", 2, "modalites", "Contact : marie.dupont@example.org"),
    "web address": lambda: _set("network.csv", 2, "site_web", "www.exemple.fr"),
    "required value empty": lambda: _set("projects.csv", 2, "titre", ""),
    "end before start": lambda: _set("projects.csv", 2, "date_fin", "01/01/2010"),
    "another's organisation": lambda: {"organisations.csv": written([
        ["organisation", "nom", "types"], ["ville-de-rennes", "Mairie de Rennes (renommée)", "local-authority"]])},
    "cell too long": lambda: _set("projects.csv", 2, "description", "x" * 32_768),
    "broken workbook": lambda: {"fiche.xlsx": b"PK\x03\x04 ce n'est pas un classeur"},
    "workbook column typo": lambda: _workbook_with("lessons.csv", lambda rows: rows[0].__setitem__(
        rows[0].index("categorie"), "catégori")),
    "workbook bad value": lambda: _workbook_with("fundings.csv", lambda rows: rows[1].__setitem__(
        rows[0].index("montant"), "beaucoup")),
}

__all__ = ["ENGLISH", "MISTAKES", "NETWORK", "english_words", "sample", "written"]
