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
