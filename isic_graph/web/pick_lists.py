"""The sheet form's pick-lists (sheetform.options): a thesaurus's concepts, or the stored resources of a class.
Each distinct list is asked once per form, whatever the number of fields picking from it, and kept with the
derived pages (derived.py) until the next write: a form shown again, or sent back with mistakes to mend, at the
same store version is not asked again. Nothing is kept when the store has no version counter."""

from __future__ import annotations

import json
from typing import Iterable

from isic_graph.ingest.sheetform import Field, Option, options
from isic_graph.query.cache import key_for
from isic_graph.web.services import Page, services


def pick_lists(every: Iterable[Field], lang: str) -> dict[str, list[Option]]:
    """The options of each choice field among these, by the field's path."""
    lists: dict[tuple[str | None, str | None], list[Option]] = {}
    chosen: dict[str, list[Option]] = {}
    for f in every:
        if f.kind != "choice":
            continue
        if (f.scheme, f.target_class) not in lists:
            lists[f.scheme, f.target_class] = _kept(f, lang)
        chosen[f.path] = lists[f.scheme, f.target_class]
    return chosen


def _kept(f: Field, lang: str) -> list[Option]:
    s = services()
    if s.pages is None or s.store.version is None:
        return options(s.store, f, lang)
    version = f"{s.store.version.current()}.{s.boot}"  # read before asking: a write meanwhile is not missed
    key = key_for(version, f"{f.scheme} {f.target_class} {lang}", "", (), (), "pick-list")
    kept = s.pages.get(key)
    if kept is None:
        kept = Page((), json.dumps([[o.value, o.label] for o in options(s.store, f, lang)]).encode("utf-8"))
        s.pages.put(key, kept)
    return [Option(value, label) for value, label in json.loads(kept.body)]
