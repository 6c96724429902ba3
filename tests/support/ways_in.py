"""The ways in of a test that sends the same thing every way in, split in two: the writes (the API, the Graph Store…)
and the check (`/api/validate`, the sheet form's check), whose dry run runs in a process of its own, so that its half
is `live` (tests/support/processes.py) and the quick run still sends the rest."""

from __future__ import annotations

from typing import Any, Sequence

import pytest


def split(writes: Sequence[Any], checks: Sequence[Any]) -> list[Any]:
    """Parameters for a test taking its ways in as one argument: the writes, then the checks (live)."""
    return [pytest.param(tuple(writes), id="writes"), pytest.param(tuple(checks), id="check", marks=pytest.mark.live)]
