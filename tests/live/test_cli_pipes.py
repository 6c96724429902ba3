"""A command whose output is piped into a reader that stops early (`isic-graph export | head`) ends quietly: it
ended "error: the file  could not be read or written (Broken pipe)", exit 2."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.live import COMMAND


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    env = {**os.environ, "ISIC_STORE": str(tmp_path / "store"), "ISIC_CREDENTIALS": str(tmp_path / "c.json"),
           "ISIC_BASE_IRI": "http://localhost:5000/"}
    subprocess.run([*COMMAND, "init", "--samples"], env=env, check=True, capture_output=True, timeout=300)
    for args in (["export"], ["stats"], ["query", "SELECT * { ?s ?p ?o }"]):
        process = subprocess.Popen([*COMMAND, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        errors = process.stderr.read().decode()
        assert process.wait(timeout=120) == 0, (args, errors)
        assert "Broken pipe" not in errors and "Traceback" not in errors, (args, errors)


def test_a_token_that_cannot_be_written_out_is_revoked_and_said_without_a_traceback(tmp_path: Path) -> None:
    """`network add … > /dev/full` crashed with OSError, the network left active with a token nobody had seen."""
    env = {**os.environ, "ISIC_STORE": str(tmp_path / "store"), "ISIC_CREDENTIALS": str(tmp_path / "c.json")}
    with open("/dev/full", "w") as full:
        done = subprocess.run([*COMMAND, "network", "add", "plein", "--name", "Plein"], env=env, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "the token could not be written out" in done.stderr and "it is revoked" in done.stderr
    listed = subprocess.run([*COMMAND, "network", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.stdout.startswith("plein\tPlein\trevoked "), listed.stdout
