"""Reads of the store layer across a restart of the supervised engine: a read whose engine was killed under it (for
another query's overrun, or from outside) is sent again, once, on the new engine; a write is never sent again, and
its caller is told (503 store-unavailable, with Retry-After). Real engines, no mock."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from isic_graph.config import Settings
from isic_graph.errors import StoreUnavailable
from isic_graph.store.remote import RemoteStore
from isic_graph.web import create_app
from tests.support.oxigraph_server import engine_on_copy
from tests.support.queries import BASE, COUNT_LESSONS, RUNAWAY

NOTE = "INSERT DATA { GRAPH <urn:x-test:notes> { <urn:x-test:a> <urn:x-test:b> \"written\" } }"


def lessons(store: RemoteStore) -> int:
    return int(store.select(COUNT_LESSONS).rows[0]["n"].value)


def test_a_read_sent_to_an_engine_killed_for_an_overrun_is_answered_by_the_next_one(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", f"{engine.url}/store", timeout=30,
                            engine=engine)
        before = lessons(store)
        engine.restart(engine.generation)  # as another query's overrun does: killed now, started again soon
        assert lessons(store) == before >= 20
        graph = store.graph_names()[0]
        triples = sorted(map(str, store.graph_triples(graph)))
        engine.restart(engine.generation)
        assert sorted(map(str, store.graph_triples(graph))) == triples != []  # a Graph Store read, the same way
        assert engine.restarts == 2
    finally:
        engine.stop()


def test_a_read_sent_to_an_engine_killed_from_outside_is_answered_by_the_next_one(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=30, engine=engine)
        before = lessons(store)
        pid = engine.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)  # an operator, the OOM killer
        assert lessons(store) == before
        assert engine.pid != pid
    finally:
        engine.stop()


def test_a_write_sent_to_an_engine_killed_under_it_is_not_sent_again_and_says_so(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=30, engine=engine)
        engine.restart(engine.generation)
        with pytest.raises(StoreUnavailable) as raised:
            store.update(NOTE)
        assert "applied whole or not at all" in raised.value.message
        assert lessons(store) >= 20  # the next engine answers reads
    finally:
        engine.stop()


def test_another_clients_reads_succeed_while_a_runaway_query_gets_the_engine_killed(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        app = create_app(Settings(store_path=None, base_iri=BASE, query_timeout=2), engine)
        runaway_answer: list[int] = []

        def run_away() -> None:
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
            runaway_answer.append(client.get("/sparql", query_string={"query": RUNAWAY}).status_code)

        thread = threading.Thread(target=run_away, daemon=True)
        thread.start()
        reader = app.test_client()
        reader.environ_base["REMOTE_ADDR"] = "127.0.0.2"
        first = engine.generation
        answers: list[tuple[int, str]] = []
        bound = time.monotonic() + 120  # a bound on the loop, not a duration under test
        # reads all along: while the runaway runs, when its engine is killed, and until the next one answers
        while (thread.is_alive() or engine.answering <= first) and time.monotonic() < bound:
            answer = reader.get("/api/search", query_string={"q": "parole"})
            answers.append((answer.status_code, "" if answer.status_code == 200 else str(answer.json["code"])))
        thread.join(60)
        assert runaway_answer == [503] and engine.restarts == 1
        assert answers and all(status == 200 for status, _ in answers), [a for a in answers if a[0] != 200][:3]
        sent_after = reader.get("/api/search", query_string={"q": "parole"})
        assert sent_after.status_code == 200
    finally:
        engine.stop()
