"""Reads of the store layer across a restart of the supervised engine: a read whose engine was killed under it (for
another query's overrun, or from outside) is sent again, once, on the new engine, and so is a streamed read (a dump,
a CONSTRUCT stream) none of whose blocks was given out yet; a streamed read cut after that is not; a write is never
sent again, and its caller is told (503 store-unavailable, with Retry-After). Real engines, and for a stream cut at
a chosen byte, an HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from isic_graph.config import Settings
from isic_graph.errors import StoreError, StoreUnavailable
from isic_graph.store.remote import BLOCK, RemoteStore
from isic_graph.web import create_app
from tests.support.live import PeerServer
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


def test_a_streamed_read_sent_to_an_engine_killed_under_it_is_answered_by_the_next_one(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "store")
    try:
        store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", f"{engine.url}/store", timeout=30,
                            engine=engine)
        constructed = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=30, engine=engine)
        graph = max(store.graph_names(), key=lambda name: store.count(name))
        dumped = sorted(b"".join(store.raw_chunks(graph) or []).splitlines())
        quads = sorted(map(str, constructed.stream(graph)))
        assert len(dumped) == len(quads) >= 20
        engine.restart(engine.generation)  # as another query's overrun does: killed now, started again soon
        assert sorted(b"".join(store.raw_chunks(graph) or []).splitlines()) == dumped  # a dump (Graph Store)
        engine.restart(engine.generation)
        assert sorted(map(str, constructed.stream(graph))) == quads  # a CONSTRUCT stream
        pid = engine.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)  # an operator, the OOM killer
        assert sorted(b"".join(store.raw_chunks(graph) or []).splitlines()) == dumped
        assert engine.restarts == 2 and engine.pid != pid
    finally:
        engine.stop()


class Replaced:
    """An engine's stand-in whose every request failed because it was replaced under it (or, `replaced` False,
    was not); it records the generations asked about."""

    def __init__(self, replaced: bool = True) -> None:
        self.generation = 7
        self.replaced = replaced
        self.asked: list[int] = []

    def replaced_under(self, generation: int) -> bool:
        self.asked.append(generation)
        return self.replaced


DUMP = b"".join(b"<urn:x-test:s%d> <urn:x-test:p> <urn:x-test:o> .\n" % n for n in range(3 * BLOCK // 40))


def cut_at(sizes: list[int | None]) -> PeerServer:
    """A store's stand-in answering its n-th request with DUMP cut after sizes[n] bytes (None: whole; 0: no answer
    at all, the connection closed), each answer declaring DUMP's whole length."""
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        size = sizes.pop(0) if sizes else None
        if size == 0:
            handler.close_connection = True
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/n-triples")
        handler.send_header("Content-Length", str(len(DUMP)))
        handler.end_headers()
        handler.wfile.write(DUMP[:size])
        handler.wfile.flush()
        handler.close_connection = True

    return PeerServer(answer)


def test_a_streamed_read_that_failed_before_its_first_block_is_sent_once_more() -> None:
    server = cut_at([0, None])
    try:
        engine = Replaced()
        store = RemoteStore(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store", timeout=10,
                            engine=engine)  # type: ignore[arg-type]
        assert b"".join(store.raw_chunks("urn:x-test:g") or []) == DUMP
        assert len(server.requests) == 2 and engine.asked == [7]
    finally:
        server.close()


@pytest.mark.parametrize("sizes, replaced, requests, asked, message", [
    ([BLOCK + BLOCK // 2, None], True, 1, [], "stopped answering during a read"),  # a block was given out
    ([0, None], False, 1, [7], "cannot reach the store"),  # the engine was not replaced: the failure is the read's
    ([0, 0, None], True, 2, [7], "cannot reach the store"),  # sent once more, no more
])
def test_a_streamed_read_is_cut_short_once_a_block_was_given_out_or_the_engine_was_not_replaced(
        sizes: list[int | None], replaced: bool, requests: int, asked: list[int], message: str) -> None:
    server = cut_at(list(sizes))
    try:
        engine = Replaced(replaced)
        store = RemoteStore(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store", timeout=10,
                            engine=engine)  # type: ignore[arg-type]
        given: list[bytes] = []
        with pytest.raises(StoreError, match=message) as raised:
            for block in store.raw_chunks("urn:x-test:g") or []:
                given.append(block)
        assert type(raised.value) is StoreError
        assert b"".join(given) == DUMP[:len(b"".join(given))] and (len(given) > 0) == (sizes[0] != 0)
        assert len(server.requests) == requests and engine.asked == asked
    finally:
        server.close()


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
