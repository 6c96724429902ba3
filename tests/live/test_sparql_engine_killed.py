"""/sparql when the engine is killed, for a query that overran its deadline or from outside: it is started again, a
query it was running is sent again, and a query that crashed it is not."""

from __future__ import annotations

import time
from pathlib import Path

from isic_graph.config import Settings
from isic_graph.validation.validator import Validator
from isic_graph.web import create_app
from tests.support.oxigraph_server import engine_on_copy, loaded_engine
from tests.support.queries import BASE, COUNT_LESSONS, RUNAWAY
from tests.web.test_sparql import lesson_count


def test_killed_engine_is_started_again(tmp_path: Path, validator: Validator) -> None:
    import os
    import signal

    engine = loaded_engine(tmp_path / "store", validator)
    try:
        client = create_app(Settings(store_path=None, base_iri=BASE, query_timeout=10), engine).test_client()
        os.kill(engine.pid or 0, signal.SIGKILL)
        response = client.get("/sparql", query_string={"query": COUNT_LESSONS})
        assert response.status_code == 200 and lesson_count(response.data) >= 20
    finally:
        engine.stop()


def test_a_query_running_when_the_engine_is_killed_from_outside_is_sent_again_but_one_that_crashed_it_is_not(
        tmp_path: Path, validator: Validator) -> None:
    import os
    import signal
    import threading

    engine = loaded_engine(tmp_path / "store", validator)
    try:
        client = create_app(Settings(store_path=None, base_iri=BASE, query_timeout=3), engine).test_client()
        outcomes = {}
        for sig in (signal.SIGKILL, signal.SIGABRT):
            back_by = time.monotonic() + 30  # the engine killed for the last overrun is back: it runs the next query
            while client.get("/sparql", query_string={"query": f"ASK {{ <urn:{time.time_ns()}> ?p ?o }}"}).status_code \
                    != 200 and time.monotonic() < back_by:
                time.sleep(0.05)
            running = threading.Thread(target=lambda: outcomes.__setitem__(
                sig, client.get("/sparql", query_string={"query": RUNAWAY})))
            started = time.monotonic()
            running.start()
            time.sleep(0.8)
            os.kill(engine.pid or 0, sig)
            running.join(timeout=10)
            outcomes[sig].elapsed = time.monotonic() - started
        resent, crashed = outcomes[signal.SIGKILL], outcomes[signal.SIGABRT]
        assert resent.status_code == 503 and resent.json["code"] == "query-timeout" and resent.elapsed > 2.5
        assert crashed.status_code == 503 and crashed.json["code"] == "store-unavailable" and crashed.elapsed < 2.5
    finally:
        engine.stop()


def test_runaway_query_is_stopped_by_its_deadline_with_a_503_and_the_engine_comes_back(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        client = create_app(Settings(store_path=None, base_iri=BASE, query_timeout=2), engine).test_client()
        first_pid = engine.pid
        response = client.get("/sparql", query_string={"query": RUNAWAY})
        assert response.status_code == 503 and response.json["code"] == "query-timeout"
        assert "Retry-After" in response.headers
        after = client.get("/sparql", query_string={"query": COUNT_LESSONS})
        assert after.status_code == 200 and lesson_count(after.data) >= 20
        assert engine.pid != first_pid and engine.restarts == 1
    finally:
        engine.stop()
