"""`isic-graph serve` refuses what it cannot serve in one line and an exit status, before it says it serves: a port
out of range (it listened elsewhere and said 99999), a time of `inf` (a traceback), a base IRI with user
information (published in every IRI), a query or a fragment, a credentials file that cannot be read (it started,
then answered 500 to every write while /healthz said ok)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from isic_graph.cli import main

BASE = "http://localhost:5000/"


def serve(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["serve", *args], env={"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "s"),
                                                            "ISIC_CREDENTIALS": str(tmp_path / "c.json"),
                                                            "ISIC_PEERS": str(tmp_path / "p.json"), **env})
    assert "Traceback" not in done.output and done.exception is None or isinstance(done.exception, SystemExit)
    return done.exit_code, done.output


@pytest.mark.parametrize("args", [["--port", "99999"], ["--port", "-1"], ["--port", "0"], ["--threads", "0"]])
def test_a_port_or_a_thread_count_out_of_range_is_refused(tmp_path: Path, args: list[str]) -> None:
    code, output = serve(tmp_path, *args)
    assert code == 2 and "is not in the range" in output and "listening on" not in output, output


@pytest.mark.parametrize(("name", "value"), [("ISIC_QUERY_TIMEOUT", "inf"), ("ISIC_QUERY_TIMEOUT", "1e12"),
                                             ("ISIC_QUERY_CACHE", "inf"), ("ISIC_QUERY_TIMEOUT", "nan")])
def test_a_number_past_any_meant_is_refused_in_one_line(tmp_path: Path, name: str, value: str) -> None:
    code, output = serve(tmp_path, **{name: value})
    assert code == 1 and name in output and "finite number" in output and "listening on" not in output, output


@pytest.mark.parametrize("base", ["http://user:pw@localhost:5000/", "http://localhost:5000/#/", "http://localhost:5000/?x=/",
                                  "http:///", "http://localhost:99999/"])
def test_a_base_iri_with_user_information_a_query_a_fragment_no_host_or_a_bad_port_is_refused(
        tmp_path: Path, base: str) -> None:
    code, output = serve(tmp_path, ISIC_BASE_IRI=base)
    assert code == 1 and "ISIC_BASE_IRI" in output and "listening on" not in output, output
    assert "pw@" not in output or "user information" in output


@pytest.mark.parametrize("file", ["c.json", "p.json"])
def test_a_credentials_or_peers_file_that_cannot_be_read_stops_the_start(tmp_path: Path, file: str) -> None:
    (tmp_path / file).write_text('{"networks": {')
    code, output = serve(tmp_path)
    assert code == 1 and "is not valid JSON" in output and "listening on" not in output, output
