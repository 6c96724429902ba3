"""The bench's data at 100k triples (bench/generate.py, cached in bench/.data/), submitted network by network
through every check a submission goes through: nothing refused, every SIRET and RNA number right and an
organisation's own. The smallest size is checked in the quick run (tests/unit/validation/test_conformance.py);
1M and 10M take from half an hour to hours and gigabytes of disk, so the bench checks them itself before it
measures them (`python bench/accepted.py --sizes 1m,10m`, docs/performance.md), not the suite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import paths

sys.path.insert(0, str(paths.ROOT / "bench"))
from accepted import SIZES, accepted  # noqa: E402
from generate import data_file  # noqa: E402

SECONDS = 600.0  # a bound on the ingestion, not a target


def test_generated_networks_are_accepted_at_100k(tmp_path: Path) -> None:
    outcome = accepted(data_file("100k", SIZES["100k"]), tmp_path, SECONDS, None)
    assert outcome.refused == [] and outcome.numbers == []
    if not outcome.finished:
        pytest.skip(f"{outcome.ingested} submissions accepted before the bound of {SECONDS:.0f} s, none refused")
    assert outcome.ingested == outcome.submissions > 0
