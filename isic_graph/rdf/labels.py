"""The one pick of French or English text: the language asked for, else French, else English, else untagged,
else any text there is."""

from __future__ import annotations

import unicodedata
from typing import Iterable, Mapping, Protocol, TypeVar

LANGUAGES = ("fr", "en")  # the languages of the interface and of the vocabularies' labels, the default first
DEFAULT = LANGUAGES[0]
T = TypeVar("T")


class Tagged(Protocol):
    """A literal with a language tag (pyoxigraph's or rdflib's)."""

    @property
    def language(self) -> str | None: ...


L = TypeVar("L", bound=Tagged)


def in_order(label: str) -> tuple[str, str]:
    """A label's place in a list, as a French or English reader looks for it: its letters without accents and
    case first (« Éducation » among the E, not after « Violences »), then the label itself."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return bare.casefold(), label


def switch(lang: str) -> str:
    """The language a page offers to switch to."""
    return LANGUAGES[1] if lang == DEFAULT else DEFAULT


def pick(texts: Mapping[str, T], lang: str) -> T | None:
    """The text in `lang` from texts by language tag ("" for untagged), falling back as the module says;
    None when there is none. Empty texts count as missing."""
    for tag in dict.fromkeys((lang, *LANGUAGES, "")):
        found = texts.get(tag)
        if found:
            return found
    return next((text for text in texts.values() if text), None)


def pick_literal(literals: Iterable[L], lang: str) -> L | None:
    """The literal in `lang` among literals, with the same fallback as pick."""
    by_tag: dict[str, L] = {}
    for literal in literals:
        by_tag.setdefault((literal.language or "").lower(), literal)
    return pick(by_tag, lang)


def choose(lang: str, fr: T, en: T) -> T:
    """One of two texts written in the code, by language: French when it is asked for, else English."""
    return fr if lang == DEFAULT else en


def words_in(tables: Mapping[str, Mapping[str, T]], lang: str) -> Mapping[str, T]:
    """A page's words in `lang`, from its tables by language, with the fallback of pick."""
    return pick(tables, lang) or {}
