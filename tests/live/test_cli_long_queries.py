"""`isic-graph query` on the embedded store runs the query in its own process: a query that never ends (a cross join
of the whole store) kept the terminal for ever, deaf to Ctrl-C (Python sees a signal between its own steps only,
never inside the engine). It now stops at ISIC_QUERY_TIMEOUT, saying so in the command's language, and at once on
Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.support.live import COMMAND

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
