"""The per-client time budget: spent time is refused with a Retry-After until it refills; clients are apart."""

from __future__ import annotations

import pytest

from isic_graph.errors import BudgetExceeded
from isic_graph.query.budget import TimeBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_served_until_its_budget_is_spent_then_told_when_to_come_back() -> None:
    clock = Clock()
    budget = TimeBudget(60, clock)  # 60 s a minute: refills 1 s per second
    budget.check("a")
    budget.charge("a", 70)  # one long query may overdraw
    with pytest.raises(BudgetExceeded) as refused:
        budget.check("a")
    assert refused.value.status == 429 and refused.value.retry_after == 10
    budget.check("b")  # another client is not affected
    clock.now += 10.5
    budget.check("a")


def test_the_budget_refills_no_higher_than_its_capacity() -> None:
    clock = Clock()
    budget = TimeBudget(6, clock)
    clock.now += 3600
    budget.charge("a", 6.5)
    with pytest.raises(BudgetExceeded) as refused:
        budget.check("a")
    assert refused.value.retry_after == 5  # 0.5 s owed at 0.1 s per second
