"""Public queries: sent to the engine process with an enforced deadline and a row cap; an overrun restarts
the engine."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from isic_graph.errors import EngineFailed, QueryTimeout, StoreError, StoreUnavailable
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RawResponse, RemoteStore

RETRY_PAUSE = 0.05


@dataclass
class Attempts:
    """One query's time: when it started, its deadline, how long it ran on an engine (its requests in flight) and
    the engine generation it was last sent to. The rest of its time it waited for an engine being started again."""

    started: float
    deadline: float
    ran: float = 0.0
    longest: float = 0.0  # the longest it ran on an engine at one go, without an answer
    sent_to: int = 0

    def waited(self, now: float) -> float:
        return now - self.started - self.ran


class QueryService:
    """Runs client queries on a remote engine, never longer than the timeout.

    No read from the engine waits past the query's deadline. A query whose deadline passes answers QueryTimeout:
    running (when this process owns the engine, the engine is then killed and started again, which frees its
    CPU), or waiting for an engine being started again after it had run most of its time (the queries that
    overran together: the engine is killed once, for the first of them). A query that was still waiting for the
    engine after half its time answers StoreUnavailable (Retry-After): it did not overrun, the engine was away.
    So a query answers QueryTimeout only after running on an engine for more than half its time.
    """

    def __init__(self, store: RemoteStore, timeout: float, limit: int, engine: Engine | None = None) -> None:
        self.store = store
        self.timeout = timeout
        self.limit = limit
        self.engine = engine

    def run(self, sparql: str, accept: str, default_graphs: Sequence[str] = (),
            named_graphs: Sequence[str] = (), form: str | None = None) -> RawResponse:
        started = time.monotonic()
        attempts = Attempts(started, started + self.timeout)
        try:
            return self._send(sparql, accept, default_graphs, named_graphs, attempts, form)
        except QueryTimeout:
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                               "narrow it (filters, LIMIT, fewer joins) or ask the operator about ISIC_QUERY_TIMEOUT",
                               fr=f"la requête a dépassé le délai de {self.timeout:g} s et a été arrêtée ; "
                                  "resserrez-la (filtres, LIMIT, moins de jointures) ou demandez à l'opérateur de "
                                  "revoir ISIC_QUERY_TIMEOUT") from None
        except StoreUnavailable:
            if self.engine is None:  # a SPARQL server of the operator's, not accepting connections
                raise StoreUnavailable("the SPARQL store is not accepting connections: send the query again in a "
                                       "moment", fr="la base SPARQL n'accepte pas de connexion : renvoyez la "
                                                    "requête dans un instant") from None
            raise StoreUnavailable("the query engine is being started again (another query overran its deadline, "
                                   "or the engine stopped), and this query did not reach its own deadline: send it "
                                   "again in a moment",
                                   fr="le moteur de requêtes redémarre (une autre requête a dépassé son délai, ou le "
                                      "moteur s'est arrêté), et cette requête n'a pas atteint son propre délai : "
                                      "renvoyez-la dans un instant") from None
        except EngineFailed:  # it answered, so it did not stop: its own words go to the log
            raise
        except StoreError:
            if self.engine is None:  # a SPARQL server of the operator's failed on this query: nothing restarts
                raise
            raise StoreUnavailable("the query engine stopped while running this query (it is being restarted); "
                                   "if this query stops it again, simplify it",
                                   fr="le moteur de requêtes s'est arrêté pendant cette requête (il redémarre) ; si "
                                      "elle l'arrête encore, simplifiez-la") from None

    def _send(self, sparql: str, accept: str, default_graphs: Sequence[str], named_graphs: Sequence[str],
              attempts: Attempts, form: str | None = None) -> RawResponse:
        """Send the query; if the engine is being restarted (another query overran), wait for it and send again.

        A query that was running when the engine crashed (an abort, a segfault) may be what crashed it,
        and is not sent again; one that was running when the engine was killed for another query's
        overrun is, and so, once, is one running when something outside (an operator, the OOM killer)
        killed the engine, unless it has less time left than it ran without an answer: sent again, it could
        not end in time, and would only overrun the new engine; it waits for its deadline (QueryTimeout).
        Waiting ends at the query's deadline (QueryTimeout), or once the query has
        waited half its time (StoreUnavailable): so a query running at its deadline has run for at least
        half its time.
        """
        killed_under_it: set[int] = set()  # engines killed from outside while running this query
        while True:
            attempts.sent_to = self.engine.generation if self.engine else 0
            sent = time.monotonic()
            try:
                return self.store.query_raw(sparql, accept, default_graphs, named_graphs, self.limit,
                                            attempts.deadline, form)
            except QueryTimeout:  # running at its deadline: the engine is killed, which frees its CPU
                if self.engine is not None:  # a no-op when that engine was killed already (for another overrun)
                    self.engine.restart(attempts.sent_to, f"a query overran its {self.timeout:g} s deadline")
                raise
            except EngineFailed:
                raise
            except StoreError as exc:
                now = time.monotonic()
                refused = isinstance(exc, StoreUnavailable)  # no engine took it: it did not run
                if not refused:
                    attempts.ran += now - sent
                    attempts.longest = max(attempts.longest, now - sent)
                if self.engine is None:
                    raise
                if not (refused or attempts.sent_to in self.engine.killed):
                    if not self.engine.killed_from_outside(attempts.sent_to):
                        raise
                    killed_under_it.add(attempts.sent_to)
                    if len(killed_under_it) > 1:
                        raise
                if not refused and attempts.longest >= attempts.deadline - now:  # sent again, it could not end
                    time.sleep(max(attempts.deadline - now, 0))  # in time, and would only overrun the new engine
                    raise QueryTimeout("the query reached its deadline, cut short by an overrun",
                                       fr="la requête a atteint son délai, écourtée par un dépassement") from None
                if attempts.waited(now) > self.timeout / 2:
                    raise StoreUnavailable("the engine was away for half of the query's time",
                                           fr="le moteur a été absent la moitié du temps de la requête") from None
                if now > attempts.deadline - RETRY_PAUSE:
                    raise QueryTimeout("the query reached its deadline, cut short by an overrun",
                                       fr="la requête a atteint son délai, écourtée par un dépassement") from None
            time.sleep(RETRY_PAUSE)
