"""Every test under tests/live/ is marked `live`: it starts a server, a peer or a process other than the
engine, or kills one. So is every test's variant on the remote backend, which needs an Oxigraph server
(tests/conftest.py, BACKENDS). `pytest -m "not live"` leaves them out."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):  # the items' paths are absolute and resolved already
            item.add_marker(pytest.mark.live)
