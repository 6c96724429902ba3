"""What one client may spend: seconds of query time per minute (a token bucket), and costly requests at once."""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from isic_graph.errors import BudgetExceeded, ServerBusy, TooManyAtOnce

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
    """Costly requests running: at most `limit` for each client, and at most `slots` in all.

    The server's threads are fewer than its clients, so a per-client cap alone lets a few addresses take
    them all (three addresses x three runaway queries held eight threads). The pool of `slots` is kept
    below the thread count, so that cheap requests and refusals always find a thread, and it is shared
    fairly: a client that has nothing running is let in while any slot is free, but one that already holds
    a slot may take another only while more than half the pool (`reserve`) stays free. So clients that
    hold slots never take the reserve from a newcomer: as many addresses as the reserve holds can flood
    at once and another client is still served. Nobody waits for a slot: a waiting request would hold the
    very thread the pool protects; the refusal says when to come back (429 to a client over its share,
    503 when the pool is full).
    """

    def __init__(self, limit: int, slots: int = 6) -> None:
        self.limit = limit
        self.slots = slots
        self.reserve = slots // 2  # slots a client already holding one may not take
        self._running: dict[str, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    def acquire(self, client: str, credential: str | None = None) -> None:
        """One slot for the client (an address); `credential`: the credential the request carries, which may hold
        no more slots than one address, whatever addresses it is sent from (one network's token sent from six
        addresses held six slots, and every other client got 503 for as long as its uploads ran)."""
        with self._lock:
            running = self._running.get(client, 0)
            if running >= self.limit:
                raise TooManyAtOnce(f"this client already has {running} costly requests running, as many as it may "
                                    "at once; send the next when one has ended (other clients are not affected)", 1,
                                    fr=f"ce client a déjà {running} requêtes coûteuses en cours, autant qu'il peut "
                                       "à la "
                                       "fois ; envoyez la suivante quand l'une est finie (les autres clients ne sont "
                                       "pas touchés)")
            held = self._running.get(credential, 0) if credential is not None else 0
            if held >= self.limit:
                raise TooManyAtOnce(f"this credential already has {held} costly requests running, from any address, "
                                    "as many as it may at once; send the next when one has ended (other clients are "
                                    "not affected)", 1,
                                    fr=f"cet identifiant a déjà {held} requêtes coûteuses en cours, d'où qu'elles "
                                       "viennent, autant qu'il peut à la fois ; envoyez la suivante quand l'une est "
                                       "finie (les autres clients ne sont pas touchés)")
            if self._total >= self.slots:
                raise ServerBusy(f"the server is running as many costly requests as it may at once ({self.slots}); "
                                 "send this one again in a moment", 1,
                                 fr=f"le serveur exécute autant de requêtes coûteuses qu'il peut à la fois "
                                    f"({self.slots}) ; renvoyez celle-ci dans un instant")
            if (running or held) and self.slots - self._total <= self.reserve:
                raise TooManyAtOnce(f"this client already has {max(running, held)} costly request(s) running and the "
                                    "server is busy: its last free slots are kept for clients that have none running; "
                                    "send the next when one has ended", 1,
                                    fr=f"ce client a déjà {max(running, held)} requête(s) coûteuse(s) en cours et le "
                                       "serveur est occupé : ses dernières places sont gardées aux clients qui n'en "
                                       "ont aucune en cours ; envoyez la suivante quand l'une est finie")
            self._running[client] = running + 1
            if credential is not None:
                self._running[credential] = held + 1
            self._total += 1

    def release(self, client: str, credential: str | None = None) -> None:
        with self._lock:
            if self._running.get(client, 0) <= 0:
                return
            self._total -= 1
            for key in (client, credential):
                if key is None:
                    continue
                running = self._running.get(key, 0)
                if running > 1:
                    self._running[key] = running - 1
                elif running == 1:
                    del self._running[key]

    def running(self, client: str | None = None) -> int:
        """The costly requests running for a client (for every client: None)."""
        with self._lock:
            return self._total if client is None else self._running.get(client, 0)
