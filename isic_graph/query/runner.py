"""Public queries: sent to the engine process with an enforced deadline and a row cap; an overrun restarts
the engine."""

from __future__ import annotations

import time
from typing import Sequence

from isic_graph.errors import EngineFailed, QueryTimeout, StoreError, StoreUnavailable
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RawResponse, RemoteStore

RETRY_PAUSE = 0.05


class QueryService:
    """Runs client queries on a remote engine, never longer than the timeout.

    No read from the engine waits past the query's deadline; when it overruns, the client gets
    QueryTimeout and, when this process owns the engine, the engine is killed and started again,
    which frees its CPU.
    """

    def __init__(self, store: RemoteStore, timeout: float, limit: int, engine: Engine | None = None) -> None:
        self.store = store
        self.timeout = timeout
        self.limit = limit
        self.engine = engine

    def run(self, sparql: str, accept: str, default_graphs: Sequence[str] = (),
            named_graphs: Sequence[str] = (), form: str | None = None) -> RawResponse:
        sent_to = [0]  # the engine generation the query was last sent to
        deadline = time.monotonic() + self.timeout
        try:
            return self._send(sparql, accept, default_graphs, named_graphs, deadline, sent_to, form)
        except QueryTimeout:
            if self.engine is not None:
                self.engine.restart(sent_to[0], f"a query overran its {self.timeout:g} s deadline")
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                               "narrow it (filters, LIMIT, fewer joins) or ask the operator about ISIC_QUERY_TIMEOUT") \
                from None
        except StoreUnavailable:
            raise StoreUnavailable("the query engine is restarting; retry in a moment") from None
        except EngineFailed:  # it answered, so it did not stop: its own words go to the log
            raise
        except StoreError:
            if self.engine is None:  # a SPARQL server of the operator's failed on this query: nothing restarts
                raise
            raise StoreUnavailable("the query engine stopped while running this query (it is being restarted); "
                                   "if this query stops it again, simplify it") from None

    def _send(self, sparql: str, accept: str, default_graphs: Sequence[str], named_graphs: Sequence[str],
              deadline: float, sent_to: list[int], form: str | None = None) -> RawResponse:
        """Send the query; if the engine is being restarted (another query overran), wait for it and retry.

        A query that was running when the engine crashed (an abort, a segfault) may be what crashed it,
        and is not sent again; one that was running when the engine was killed for another query's
        overrun is, and so, once, is one running when something outside (an operator, the OOM killer)
        killed the engine.
        """
        killed_under_it: set[int] = set()  # engines killed from outside while running this query
        while True:
            sent_to[0] = self.engine.generation if self.engine else 0
            try:
                return self.store.query_raw(sparql, accept, default_graphs, named_graphs, self.limit, deadline, form)
            except (QueryTimeout, EngineFailed):
                raise
            except StoreError as exc:
                if self.engine is None or time.monotonic() > deadline - RETRY_PAUSE:
                    raise
                if not (isinstance(exc, StoreUnavailable) or sent_to[0] in self.engine.killed):
                    if not self.engine.killed_from_outside(sent_to[0]):
                        raise
                    killed_under_it.add(sent_to[0])
                    if len(killed_under_it) > 1:
                        raise
                time.sleep(RETRY_PAUSE)
