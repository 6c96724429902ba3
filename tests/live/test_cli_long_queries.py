"""`isic-graph query` on the embedded store runs the query in its own process: a query that never ends (a cross join
of the whole store) kept the terminal for ever, deaf to Ctrl-C (Python sees a signal between its own steps only,
never inside the engine). It now stops at ISIC_QUERY_TIMEOUT, saying so in the command's language, and at once on
Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.live import COMMAND, LiveServer

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 7,000⁴ rows counted


def default_ctrl_c() -> None:
    """SIGINT as a terminal leaves it to a command (a test run started in the background, by a shell that has no
    terminal, ignores it, and so would the command)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("long")
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "c.json"),
           "ISIC_BASE_IRI": "http://localhost:5000/"}
    subprocess.run([*COMMAND, "init", "--samples"], env=env, check=True, capture_output=True, timeout=300)
    return env


@pytest.mark.parametrize("lang, said", [
    ("en", "error: the query ran longer than the 1 s limit and was stopped; narrow it"),
    ("fr", "erreur : la requête a dépassé le délai de 1 s et a été arrêtée ; resserrez-la"),
])
def test_a_query_past_the_timeout_is_stopped_and_said(env: dict[str, str], lang: str, said: str) -> None:
    done = subprocess.run([*COMMAND, "--lang", lang, "query", ENDLESS], env={**env, "ISIC_QUERY_TIMEOUT": "1"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == "", (done.stdout, done.stderr)
    assert done.stderr.startswith(said) and "ISIC_QUERY_TIMEOUT=300 isic-graph query" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_a_running_query(env: dict[str, str]) -> None:
    process = subprocess.Popen([*COMMAND, "query", ENDLESS], env={**env, "ISIC_QUERY_TIMEOUT": "3600"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=default_ctrl_c)
    time.sleep(2)  # the query is running: the store is opened and read within a second
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)  # the query alone would run for hours
    finally:
        process.kill()
    assert process.returncode == 1 and out == "" and err.strip() == "Aborted!", (out, err)


def test_a_query_within_the_timeout_answers_as_before(env: dict[str, str]) -> None:
    done = subprocess.run([*COMMAND, "query", "--format", "csv", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"],
                          env={**env, "ISIC_QUERY_TIMEOUT": "1"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "n", done.stderr
    assert int(done.stdout.splitlines()[1]) > 5000


def engine_of(store: Path) -> int | None:
    """The process id of the engine serving a store (its `--location`), if any."""
    for process in Path("/proc").iterdir():
        try:
            if process.name.isdigit() and b"oxigraph" in (process / "cmdline").read_bytes() and \
                    str(store).encode() in (process / "cmdline").read_bytes():
                return int(process.name)
        except OSError:
            continue
    return None


def test_a_query_given_up_on_in_a_running_servers_engine_is_stopped_there(tmp_path: Path) -> None:
    """Beside a running server, the command reads through the server's engine: given up on (its deadline, Ctrl-C),
    the query ran on there for ever, a core and gigabytes an abandoned query. The engine is stopped, and the
    server starts it again and answers."""
    server = LiveServer(tmp_path, {"ISIC_QUERY_TIMEOUT": "30"}).init().start()
    try:
        store = tmp_path / "store"
        before = engine_of(store)
        assert before is not None
        done = subprocess.run([*COMMAND, "query", ENDLESS], env={**server.environment, "ISIC_QUERY_TIMEOUT": "1"},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "error: the query ran longer than the 1 s limit" in done.stderr, done.stderr
        assert "the running server's engine, which ran the query, was stopped" in done.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the server starts another engine, which answers
            after = engine_of(store)
            try:
                with urllib.request.urlopen(f"{server.url}/sparql?query=ASK%7B%7D", timeout=10) as answer:
                    status = answer.status
            except urllib.error.HTTPError as refused:
                status = refused.code
            if status == 200 and after not in (None, before):
                break
            time.sleep(0.5)
        assert after not in (None, before) and status == 200, (before, after, status)
    finally:
        server.stop()
