"""The sheet form's pick-lists: a thesaurus's concepts, or the stored resources of a class.
The lists of a form are asked in one query (sheetform.options_of), each distinct list once whatever the number
of fields picking from it, and kept with the derived pages (derived.py) until the next write: a form shown
again, or sent back with mistakes to mend, at the same store version is not asked again. Nothing is kept when
the store has no version counter."""

from __future__ import annotations

import json
from typing import Iterable

from isic_graph.ingest.sheetform import Field, Option, options_of
from isic_graph.query.cache import CacheKey, key_for
from isic_graph.web.services import Page, services

List = tuple[str | None, str | None]  # a thesaurus, or a class


def pick_lists(every: Iterable[Field], lang: str) -> dict[str, list[Option]]:
    """The options of each choice field among these, by the field's path."""
    chosen = [f for f in every if f.kind == "choice"]
    lists: dict[List, list[Option] | None] = {(f.scheme, f.target_class): None for f in chosen}
    s = services()
    keys: dict[List, CacheKey] = {}
    if s.pages is not None and s.store.version is not None:
        version = f"{s.store.version.current()}.{s.boot}"  # read before asking: a write meanwhile is not missed
        for scheme, target in lists:
            keys[scheme, target] = key_for(version, f"{scheme} {target} {lang}", "", (), (), "pick-list")
            kept = s.pages.get(keys[scheme, target])
            if kept is not None:
                lists[scheme, target] = [Option(value, label) for value, label in json.loads(kept.body)]
    missing = {wanted: next(f for f in chosen if (f.scheme, f.target_class) == wanted)
               for wanted, found in lists.items() if found is None}
    for wanted, found in zip(missing, options_of(s.store, list(missing.values()), lang)):
        lists[wanted] = found
        if s.pages is not None and wanted in keys:
            s.pages.put(keys[wanted], Page((), json.dumps([[o.value, o.label] for o in found]).encode("utf-8")))
    return {f.path: lists[f.scheme, f.target_class] or [] for f in chosen}
