"""What one client may spend: seconds of query time per minute (a token bucket), and costly requests at once."""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from isic_graph.errors import BudgetExceeded, TooManyAtOnce

WINDOW = 60.0  # seconds over which a client's budget refills



class TimeBudget:
    """Each client holds up to `seconds` of query time, refilled at `seconds` per minute.

    A query is let through while the client's balance is positive and its time is charged afterwards,
    so one long query can take a client below zero: it then waits until the balance is back above it.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = seconds
        self.rate = seconds / WINDOW
        self._clock = clock
        self._balances: dict[str, tuple[float, float]] = {}  # client -> (balance, when)
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Refuse the client if its balance is spent."""
        with self._lock:
            balance = self._balance(client)
        if balance <= 0:
            wait = max(1, math.ceil(round(-balance / self.rate, 6)))
            raise BudgetExceeded(f"this client used its {self.capacity:g} s of query time per minute; "
                                 f"retry in {wait} s (other clients are not affected)", wait,
                                 fr=f"ce client a utilisé ses {self.capacity:g} s de temps de requête par minute ; "
                                    f"réessayez dans {wait} s (les autres clients ne sont pas touchés)")

    def charge(self, client: str, seconds: float) -> None:
        with self._lock:
            self._balances[client] = (self._balance(client) - seconds, self._clock())
            if len(self._balances) > 10_000:
                self._forget_refilled()

    def _balance(self, client: str) -> float:
        balance, when = self._balances.get(client, (self.capacity, self._clock()))
        return min(self.capacity, balance + (self._clock() - when) * self.rate)

    def _forget_refilled(self) -> None:
        for client in [c for c in self._balances if self._balance(c) >= self.capacity]:
            del self._balances[client]


class Concurrency:
    """Costly requests running, by client; at most `limit` each."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, client: str) -> None:
        with self._lock:
            running = self._running.get(client, 0)
            if running >= self.limit:
                raise TooManyAtOnce(f"this client already has {running} costly requests running, as many as it may "
                                    "at once; send the next when one has ended (other clients are not affected)", 1,
                                    fr=f"ce client a déjà {running} requêtes coûteuses en cours, autant qu'il peut "
                                       "à la "
                                       "fois ; envoyez la suivante quand l'une est finie (les autres clients ne sont "
                                       "pas touchés)")
            self._running[client] = running + 1

    def release(self, client: str) -> None:
        with self._lock:
            running = self._running.get(client, 0) - 1
            if running > 0:
                self._running[client] = running
            else:
                self._running.pop(client, None)

    def running(self, client: str) -> int:
        with self._lock:
            return self._running.get(client, 0)
