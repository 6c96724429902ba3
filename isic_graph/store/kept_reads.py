"""SELECT and CONSTRUCT answers kept while the store is not written to, for the pages.

A page asks the store many small questions (a resource's statements, the labels and owners of what it links to),
and the pages of one site ask many of the same: the same page in French and in English, the network every project
page names. While a page is rendered (`reading`, which the web layer opens with the store's version read before
rendering), Store.select (and Store.constructed) answers a question already asked at that version from what is
kept, and keeps what it asks (a withdrawal page reads its network's whole graph: the pages of that network's
projects and lessons, in both languages, read it once). Only one version is kept: the first question at a newer
one drops the rest. Within a budget of rows (a triple counts as a row), least recently used first out; an answer
larger than a tenth of the budget is not kept. Outside `reading`, every question goes to the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from isic_graph.store.results import SelectResult

    Answer = SelectResult | tuple[Triple, ...]

MAX_ROWS = 200_000


class KeptReads:
    """SELECT answers (and CONSTRUCT ones, as triples) by query text, at one version of the store."""

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self._version = ""
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, version: str, query: str) -> Answer | None:
        with self._lock:
            found = self._entries.get(query) if version == self._version else None
            if found is not None:
                self._entries.move_to_end(query)
            return found

    def put(self, version: str, query: str, result: Answer) -> None:
        size = _size(result)
        if size > self.max_rows // 10:
            return
        with self._lock:
            if version != self._version:
                self._version, self._entries, self._rows = version, OrderedDict(), 0
            if query in self._entries:
                return
            self._entries[query] = result
            self._rows += size
            while self._rows > self.max_rows and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._rows -= _size(dropped)


def _size(answer: Answer) -> int:
    return (len(answer) if isinstance(answer, tuple) else len(answer.rows)) + 1


_current: ContextVar[tuple[KeptReads, str] | None] = ContextVar("isic_kept_reads", default=None)


@contextmanager
def reading(kept: KeptReads, version: str) -> Iterator[None]:
    """Within the block (a page's rendering), SELECT answers at this version of the store are kept in `kept`."""
    token = _current.set((kept, version))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> tuple[KeptReads, str] | None:
    """The reads kept for the block under way, and the version they are at, if any."""
    return _current.get()
