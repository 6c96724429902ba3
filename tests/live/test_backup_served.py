"""Backups beside a running server: `isic-graph serve` backed up by the CLI, and a store held by an engine
started by hand found through the engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from isic_graph.store.engine import oxigraph_command, serving_engine
from tests.support.live import LiveServer, query
from tests.support.oxigraph_server import free_port, http_get


def test_the_cli_backs_up_isic_graph_serve_and_refuses_to_restore_under_it(server: LiveServer,
                                                                          tmp_path: Path) -> None:
    def count() -> int:
        answer = query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    before = count()
    done = server.cli("backup", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["quads"] == before
    refused = server.cli("restore", "--replace", str(tmp_path / "b"))
    assert refused.returncode == 1 and "in use by another process" in refused.stderr
    assert "Traceback" not in refused.stderr and count() == before


def test_the_engine_of_a_store_named_relatively_is_found(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()  # as the default ISIC_STORE, data/store, is passed on to the engine
    port = free_port()
    process = subprocess.Popen([oxigraph_command(), "serve", "--location", "data/store", "--bind", f"127.0.0.1:{port}"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not answers(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
            assert time.monotonic() < deadline and process.poll() is None, "oxigraph serve did not start"
            time.sleep(0.05)
        assert serving_engine(tmp_path / "data" / "store") == f"http://127.0.0.1:{port}"
        assert serving_engine(tmp_path / "elsewhere") is None
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def answers(url: str) -> bool:
    try:
        return http_get(url, timeout=1)[0] == 200
    except OSError:
        return False
