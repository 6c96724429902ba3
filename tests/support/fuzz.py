"""How many examples a property test tries: each test names its count for the full run (`pytest`); the quick
run (`pytest -m "not live"`) loads the `quick` Hypothesis profile, which tries a quarter of them (at least 10).
`--hypothesis-profile` chooses the profile whatever the run."""

from __future__ import annotations

from hypothesis import settings

FULL = 100  # the full profile's max_examples: counts are scaled against it
settings.register_profile("full", max_examples=FULL)
settings.register_profile("quick", max_examples=FULL // 4)


def examples(full: int, quick: int | None = None) -> int:
    """The examples a test that tries `full` of them in the full run tries under the loaded profile; `quick`: how
    many the quick run tries, for a test whose examples each cost the engine a store's worth of work (the quick
    run is the one run while changing the code, the full run tries them all)."""
    if quick is not None and settings.default.max_examples < FULL:
        return quick
    return max(10, full * settings.default.max_examples // FULL)


def leaves_out_live(mark_expression: str) -> bool:
    """Whether a run leaves the live tests out: the quick run (`-m "not live"`)."""
    return "not live" in " ".join(mark_expression.split())


def choose_profile(mark_expression: str, asked: str | None) -> str:
    """The profile a run loads: the one asked for, else quick when the run leaves the live tests out."""
    if asked:
        return asked
    return "quick" if leaves_out_live(mark_expression) else "full"
