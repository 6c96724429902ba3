"""Small JSON files of the instance (credentials, peers): read whole, written atomically (replace on rename)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

from isic_graph.errors import ConfigError

T = TypeVar("T")


def read_entries(path: Path, section: str) -> dict[str, Any]:
    """The entries of one section of a JSON file; none if the file does not exist yet."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    entries = raw.get(section, {}) if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise ConfigError(f"{path}: {section!r} must be an object")
    return entries


def read_records(path: Path, section: str, make: Callable[..., T]) -> dict[str, T]:
    """The entries of one section, each made a record by `make` from its fields; an entry that is no object of the
    record's fields is refused (ConfigError) naming it, as the rest of the file is."""
    records = {}
    for name, entry in read_entries(path, section).items():
        try:
            if not isinstance(entry, dict):
                raise TypeError("not an object")
            records[name] = make(**entry)
        except TypeError as exc:
            raise ConfigError(f"{path}: the entry {name!r} of {section!r} is not one this file holds ({exc})") from None
    return records


def write_entries(path: Path, section: str, entries: dict[str, Any], mode: int = 0o600) -> None:
    """Replace the file with these entries; readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({section: dict(sorted(entries.items()))}, indent=1, ensure_ascii=False),
                         encoding="utf-8")
    os.chmod(temporary, mode)
    temporary.replace(path)
