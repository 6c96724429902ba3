"""Small JSON files of the instance (credentials, peers): read whole, written atomically (replace on rename)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from isic_graph.errors import ConfigError


def read_entries(path: Path, section: str) -> dict[str, Any]:
    """The entries of one section of a JSON file; none if the file does not exist yet."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    entries = raw.get(section, {})
    if not isinstance(entries, dict):
        raise ConfigError(f"{path}: {section!r} must be an object")
    return entries


def write_entries(path: Path, section: str, entries: dict[str, Any], mode: int = 0o600) -> None:
    """Replace the file with these entries; readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({section: dict(sorted(entries.items()))}, indent=1, ensure_ascii=False),
                         encoding="utf-8")
    os.chmod(temporary, mode)
    temporary.replace(path)
