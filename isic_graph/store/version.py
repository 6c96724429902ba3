"""The store's version: a counter of the writes this instance's processes sent, in the instance folder."""

from __future__ import annotations

import datetime
import os
from pathlib import Path


class StoreVersion:
    """The counter of the writes sent to the store by this instance's processes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> str:
        try:
            return self.path.read_text(encoding="ascii").strip() or "0"
        except FileNotFoundError:
            return "0"
        except OSError:
            return "unknown"

    def written_at(self) -> datetime.datetime | None:
        """When the last write was counted (None before any): a date for what holds the whole store."""
        try:
            return datetime.datetime.fromtimestamp(self.path.stat().st_mtime, datetime.timezone.utc)
        except OSError:
            return None

    def bump(self) -> None:
        """Count one more write (the caller holds the write lock)."""
        try:
            value = int(self.current()) + 1
        except ValueError:
            value = 1
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + f".{os.getpid()}.partial")
        partial.write_text(str(value), encoding="ascii")
        os.replace(partial, self.path)
