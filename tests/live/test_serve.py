"""`isic-graph serve` as operators run it: a sustained load plus a runaway query, on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.support.live import LiveServer, engine_pids, query, request
from tests.support.queries import COUNT_LESSONS, RUNAWAY

LOAD_SECONDS = 30.0


def test_server_keeps_answering_under_load_while_a_runaway_query_is_stopped(server: LiveServer) -> None:
    statuses: list[int] = []
    stop_at = time.monotonic() + LOAD_SECONDS
    lock = threading.Lock()

    def load(source: str) -> None:
        while time.monotonic() < stop_at:
            status = query(server.url, COUNT_LESSONS, source=source).status
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=load, args=(f"127.0.0.{n}",)) for n in range(20, 24)]  # four clients
    for worker in workers:
        worker.start()
    time.sleep(3)
    assert server.process is not None
    engines_before = engine_pids(server.process.pid)
    started = time.monotonic()
    answer = query(server.url, RUNAWAY, source="127.0.0.24")
    runaway_seconds = time.monotonic() - started
    for worker in workers:
        worker.join(timeout=LOAD_SECONDS + 30)
    assert answer.status == 503 and b"query-timeout" in answer.body
    assert runaway_seconds < 3.0
    assert len(statuses) > 100 and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    engines_after = engine_pids(server.process.pid)
    assert engines_before and engines_after and not engines_before & engines_after  # the overrun engine is gone
    assert query(server.url, COUNT_LESSONS, source="127.0.0.25").status == 200


def test_cli_reads_the_served_store_and_says_what_to_do_to_write_it(server: LiveServer, tmp_path: Path) -> None:
    read = server.cli("stats", timeout=60)
    assert read.returncode == 0 and "isic:Lesson" in read.stdout  # read through the server's engine
    sheet = tmp_path / "sheet.ttl"
    sheet.write_text("<http://localhost:5000/id/note/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@fr .")
    write = server.cli("ingest", str(sheet), "--network", "fcsf", timeout=60)
    assert write.returncode == 1 and "in use by another process" in write.stderr
    assert "Traceback" not in write.stderr


def test_sigterm_stops_the_engine_too(tmp_path: Path) -> None:
    live = LiveServer(tmp_path).start()
    engine = live.engine_pid
    assert live.stop() == 0
    assert not Path(f"/proc/{engine}").exists() or "zombie" in Path(f"/proc/{engine}/status").read_text().lower()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_to_the_servers_process_group_stops_it_without_a_crash_of_the_engine(tmp_path: Path,
                                                                                    sig: int) -> None:
    """Ctrl-C in the terminal (SIGINT to the foreground process group) or `kill -- -PGID`: the engine, in a group
    of its own, is stopped by the server once the writes in flight are done; reached by the signal too, it crashed
    under them and was started again during the shutdown ("query engine restarted … crashed with signal 2")."""
    live = LiveServer(tmp_path, own_group=True).start()
    assert live.process is not None
    server, engine = live.process, live.engine_pid
    os.killpg(server.pid, sig)
    assert server.wait(timeout=90) == 0
    log = live.log.read_text()
    assert "restarted" not in log and "crashed" not in log, log[-2000:]
    assert not Path(f"/proc/{engine}").exists() or "zombie" in Path(f"/proc/{engine}/status").read_text().lower()
    live.process = None


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_reads_select_results_in_every_format(
        server: LiveServer, return_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    url = server.url
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(COUNT_LESSONS)
    client.setReturnFormat(return_format)
    result = client.query().convert()
    text = result if isinstance(result, (str, bytes)) else getattr(result, "toxml", lambda: str(result))()
    if isinstance(text, bytes):
        text = text.decode()
    if return_format == "json":
        assert int(result["results"]["bindings"][0]["n"]["value"]) >= 20
    else:
        assert any(str(n) in str(text) for n in range(20, 200))


def test_sparqlwrapper_reads_construct_results_as_a_graph(server: LiveServer) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    url = server.url
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery("CONSTRUCT { ?l a <https://w3id.org/isic/ontology#Lesson> } "
                    "WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }")
    client.setReturnFormat(TURTLE)
    graph_text = client.query().convert()
    from rdflib import Graph

    graph = Graph().parse(data=graph_text, format="turtle")
    assert len(graph) >= 20


def test_a_port_taken_is_said_so_without_saying_it_serves(tmp_path: Path) -> None:
    """It said "serving … listening on …", then "the file  could not be read or written (Address already in use)"."""
    import socket

    live = LiveServer(tmp_path).init()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", live.port))
        taken.listen()
        done = live.cli("serve", "--port", str(live.port), timeout=60)
    assert done.returncode == 1, done.stderr
    assert f"port {live.port} of 127.0.0.1 is taken by another program" in done.stderr, done.stderr
    assert "listening on" not in done.stderr and "Traceback" not in done.stderr


def test_a_live_server_whose_port_was_taken_meanwhile_starts_on_another(tmp_path: Path) -> None:
    """The tests' servers choose a free port, then start on it: another process may bind it first."""
    import socket

    live = LiveServer(tmp_path)
    assert live.cli("init").returncode == 0
    first = live.port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", first))
        taken.listen()
        live.start()
        try:
            assert live.port != first
            assert request(f"{live.url}/healthz").status == 200
        finally:
            live.stop()
