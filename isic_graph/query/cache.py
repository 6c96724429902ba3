"""Answers kept between writes: a result cache keyed on the store's version, and the ETags it gives.

The store's version is a counter in the instance folder (`store.version`, beside `writes.lock`), bumped
after every update that the processes of this instance send, under the write lock, joined with a name
drawn at each start of the server (the embedded store is written by the CLI only while no server runs). An
answer is kept with the version it was computed at and serves any identical request (query, accepted formats,
dataset, scope) until the next write; its ETag names that version, so a conditional GET with a matching
If-None-Match is a 304 without running anything. An answer keyed by no version (its key names what it is made
from, whole: a map's drawing by the map's data) is kept across writes, within the same budget. Programs that
write to a remote store behind the server's back do not bump the counter: set ISIC_QUERY_CACHE=0 for such
stores.

Not kept: answers that are not 200, queries whose answer may change without a write (RAND, NOW,
UUID, STRUUID, BNODE; SERVICE, which reads peers; the `live` scope), answers larger than a quarter of
the cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, Protocol, Sequence, TypeVar

from isic_graph.sparql.guard import Checked
from isic_graph.store.version import StoreVersion


@dataclass(frozen=True)
class CacheKey:
    version: str
    query: str
    accept: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    scope: str

    @property
    def etag(self) -> str:
        digest = hashlib.sha256("\x00".join([self.query, self.accept, *self.default_graphs, "\x01",
                                             *self.named_graphs, self.scope]).encode("utf-8")).hexdigest()
        return f'"v{self.version}-{digest[:32]}"'


def cacheable(query: Checked, scope: str) -> bool:
    return scope != "live" and not query.volatile


def key_for(version: str, query: str, accept: str, default_graphs: Sequence[str], named_graphs: Sequence[str],
            scope: str) -> CacheKey:
    return CacheKey(version, query, accept, tuple(default_graphs), tuple(named_graphs), scope)


class Answer(Protocol):
    """What the cache keeps: an answer's status and body (the engine's answers, the derived pages)."""

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> bytes: ...


Kept = TypeVar("Kept", bound=Answer)


class ResultCache(Generic[Kept]):
    """Answers by key, least recently used first out, within a budget of bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, Kept] = OrderedDict()
        self._size = 0
        self._version = ""  # the version of the entries (those of others were dropped when it came)
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> Kept | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: CacheKey, answer: Kept) -> None:
        size = len(answer.body) + len(key.query)
        if answer.status != 200 or size > self.max_bytes // 4:
            return
        with self._lock:
            if key.version != self._version:  # a write made those of another version wrong
                self._entries.clear()
                self._size = 0
                self._version = key.version
            if key in self._entries:
                return
            self._entries[key] = answer
            self._size += size
            while self._size > self.max_bytes and self._entries:
                old, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body) + len(old.query)


__all__ = ["CacheKey", "ResultCache", "StoreVersion", "cacheable", "key_for"]
