"""`isic-graph serve` as operators run it: a sustained load plus a runaway query, on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .oxigraph_server import free_port
from .oxigraph_server import http_get as get
from .test_web_sparql import COUNT_LESSONS, RUNAWAY

LOAD_SECONDS = 30.0


def child_pids(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(x) for x in text)
    return found


def test_server_keeps_answering_under_load_while_a_runaway_query_is_stopped(
        server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = server
    cheap = f"{url}/sparql?{urllib.parse.urlencode({'query': COUNT_LESSONS})}"
    statuses: list[int] = []
    stop_at = time.monotonic() + LOAD_SECONDS
    lock = threading.Lock()

    def load() -> None:
        while time.monotonic() < stop_at:
            status, _ = get(cheap)
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=load) for _ in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(3)
    engines_before = child_pids(process.pid)
    started = time.monotonic()
    status, body = get(f"{url}/sparql?{urllib.parse.urlencode({'query': RUNAWAY})}", timeout=30)
    runaway_seconds = time.monotonic() - started
    for worker in workers:
        worker.join(timeout=LOAD_SECONDS + 30)
    assert status == 503 and b"query-timeout" in body
    assert runaway_seconds < 3.0
    assert len(statuses) > 100 and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    engines_after = child_pids(process.pid)
    assert engines_before and engines_after and not engines_before & engines_after  # the overrun engine is gone
    assert get(cheap)[0] == 200


def test_cli_on_the_served_store_says_what_to_do(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = server
    env_store = None
    for line in Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0"):
        if line.startswith(b"ISIC_STORE="):
            env_store = line.split(b"=", 1)[1].decode()
    result = subprocess.run([sys.executable, "-m", "isic_graph.cli", "stats"], capture_output=True, text=True,
                            env={**os.environ, "ISIC_STORE": env_store or ""}, timeout=60)
    assert result.returncode == 1 and "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_stops_the_engine_too(tmp_path: Path) -> None:
    env = {**os.environ, "ISIC_STORE": str(tmp_path / "store"), "ISIC_CREDENTIALS": str(tmp_path / "c.json")}
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    engines: set[int] = set()
    while time.monotonic() < deadline and not engines:
        time.sleep(0.2)
        engines = child_pids(process.pid)
    assert engines
    time.sleep(1)
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    for pid in engines:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_reads_select_results_in_every_format(
        server: tuple[str, subprocess.Popen[bytes]], return_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    url, _ = server
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


def test_sparqlwrapper_reads_construct_results_as_a_graph(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    url, _ = server
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery("CONSTRUCT { ?l a <https://w3id.org/isic/ontology#Lesson> } "
                    "WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }")
    client.setReturnFormat(TURTLE)
    graph_text = client.query().convert()
    from rdflib import Graph

    graph = Graph().parse(data=graph_text, format="turtle")
    assert len(graph) >= 20
