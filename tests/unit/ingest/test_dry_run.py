"""Dry runs in a process of their own: the same verdicts as in process, the report capped, the deadline kept."""

from __future__ import annotations

import threading

import pytest

from isic_graph.errors import ParseError, ValidationTimeout
from isic_graph.ingest.dry_run import DryRuns, Submission, dry_run
from isic_graph.store.engine import Engine
from tests.support import paths
from tests.support.floods import many_problems
from tests.support.queries import BASE

VALID = paths.DATA / "valid" / "minimal-sheet.ttl"


def submission(engine: Engine, data: bytes, limit: int = 100, report_format: str | None = None) -> Submission:
    return Submission(f"{engine.url}/query", BASE, (("sheet.ttl", data, "turtle"),), None, report_format, limit)


@pytest.mark.live  # a dry run's process
def test_a_conforming_sheet_conforms(engine: Engine) -> None:
    outcome = dry_run(submission(engine, VALID.read_bytes()), 30)
    assert outcome.conforms and outcome.problems == 0 and outcome.triples > 20 and outcome.subjects > 5


@pytest.mark.live  # a dry run's process
def test_the_report_shows_the_first_problems_and_counts_them_all(engine: Engine) -> None:
    outcome = dry_run(submission(engine, many_problems(40), limit=7, report_format="turtle"), 30)
    assert not outcome.conforms and outcome.problems >= 40 and len(outcome.violations) == 7
    text = outcome.describe("en")
    assert text.startswith(f"{outcome.problems} problem(s) to fix:")
    assert text.endswith(f"… and {outcome.problems - 7} more") and text.count("\n  - ") == 7
    assert outcome.report is not None and f"the first 7 of {outcome.problems} results" in outcome.report


@pytest.mark.live  # a dry run's process
def test_an_error_in_the_dry_run_is_raised_as_itself(engine: Engine) -> None:
    with pytest.raises(ParseError) as refused:
        dry_run(submission(engine, b"<http://e/s> <http://e/p> ."), 30)
    assert refused.value.status == 400


@pytest.mark.live  # a dry run's process
def test_a_dry_run_past_its_deadline_is_stopped(engine: Engine) -> None:
    with pytest.raises(ValidationTimeout) as stopped:
        dry_run(submission(engine, many_problems(3000)), 1)
    assert stopped.value.status == 503 and "ran past 1 s" in stopped.value.message
    assert stopped.value.text("fr").startswith("la vérification a dépassé 1 s et a été arrêtée ; rien n'a été "
                                               "enregistré")


@pytest.mark.live  # a dry run's process
def test_past_the_servers_dry_runs_at_once_the_next_waits_within_its_deadline(engine: Engine) -> None:
    runs = DryRuns(1)
    outcomes: list[BaseException] = []

    def long_one() -> None:
        try:
            runs.run(submission(engine, many_problems(3000)), 3)
        except ValidationTimeout as exc:
            outcomes.append(exc)

    first = threading.Thread(target=long_one)
    first.start()
    try:
        with pytest.raises(ValidationTimeout, match="validating 1 submissions at once") as waited:
            while first.is_alive():  # until the long one holds the turn
                try:
                    runs.run(submission(engine, VALID.read_bytes()), 0.5)
                except ValidationTimeout as exc:  # a busy machine may take longer than that to validate it
                    if "at once" in exc.message:
                        raise
        assert "le serveur vérifiait déjà 1 envois" in waited.value.text("fr")
    finally:
        first.join(timeout=30)
    assert len(outcomes) == 1
