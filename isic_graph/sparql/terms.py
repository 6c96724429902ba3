"""SPARQL terms written from values: every IRI or literal put into SPARQL text is checked and written here.

A value that came from outside (a peer's listing, a network's slug, a graph name, an IRI from a dump,
a form field) is never pasted into a query: `iri` refuses anything that is not an absolute IRI or that
holds a character an IRIREF may not (spaces, controls, `<>"{}|^` and backquote, backslash), then lets
pyoxigraph write it; `literal` lets pyoxigraph escape the string.
"""

from __future__ import annotations

import re
from typing import Iterable

from pyoxigraph import Literal, NamedNode

from isic_graph.errors import UsageError

NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def iri(value: str) -> str:
    """`<value>`, for an absolute IRI; UsageError for anything else."""
    if not isinstance(value, str) or NOT_IN_IRIREF.search(value):
        raise UsageError(f"{_shown(value)} is not an IRI (spaces, control characters and <>\"{{}}|^`\\ are not "
                         "allowed)",
                         fr=f"{_shown(value)} n'est pas une IRI (les espaces, les caractères de contrôle et "
                            "<>\"{}|^`\\ n'y sont pas permis)")
    try:
        return str(NamedNode(value))
    except ValueError as exc:
        raise UsageError(f"{_shown(value)} is not an absolute IRI: {exc}",
                         fr=f"{_shown(value)} n'est pas une IRI absolue (le lecteur dit, en anglais : {exc})") from None


def iris(values: Iterable[str]) -> str:
    """IRIs separated by spaces, as in a VALUES block."""
    return " ".join(iri(value) for value in values)


def is_iri(value: str) -> bool:
    try:
        iri(value)
    except UsageError:
        return False
    return True


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal, its lexical form escaped; with a datatype IRI or a language tag (checked too)."""
    try:
        if language is not None:
            return str(Literal(value, language=language))
        return str(Literal(value, datatype=NamedNode(iri(datatype)[1:-1]) if datatype else None))
    except ValueError as exc:
        raise UsageError(f"{_shown(value)} cannot be written as a literal: {exc}",
                         fr=f"{_shown(value)} ne peut pas s'écrire comme un littéral (le lecteur dit, en anglais : "
                            f"{exc})") from None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "…"
