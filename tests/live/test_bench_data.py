"""The bench's data at its larger sizes (bench/generate.py, cached in bench/.data/), submitted network by network
through every check a submission goes through: nothing refused, every SIRET and RNA number right and an
organisation's own. 10M triples is submitted at its ends (the first and last 32 replicas' parts: the networks'
descriptions, the territories, the highest-numbered replicas), its numbers checked over the whole file. The
smallest size is checked in the quick run (tests/unit/validation/test_conformance.py). Minutes each."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import paths

sys.path.insert(0, str(paths.ROOT / "bench"))
from accepted import SIZES, accepted  # noqa: E402
from generate import data_file  # noqa: E402

ENDS = {"10m": 32}
SECONDS = 3600.0  # a bound on each size's ingestion, not a target


@pytest.mark.parametrize("size", ["100k", "1m", "10m"])
def test_generated_networks_are_accepted_at_every_size(size: str, tmp_path: Path) -> None:
    outcome = accepted(data_file(size, SIZES[size]), tmp_path, SECONDS, ENDS.get(size))
    assert outcome.refused == [] and outcome.numbers == []
    if not outcome.finished:
        pytest.skip(f"{outcome.ingested} submissions accepted before the bound of {SECONDS:.0f} s, none refused")
    assert outcome.ingested == outcome.submissions > 0
