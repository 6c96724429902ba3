"""Progress of the long commands: a bar on a terminal, plain lines on stderr otherwise; stdout keeps the data."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import RdfFormat, parse

from isic_graph.admin import reference
from isic_graph.cli import main
from isic_graph.cli.progress import Display
from isic_graph.progress import Step
from isic_graph.store.embedded import EmbeddedStore
from tests.unit.admin.test_reference import REFERENCE, generated

BASE = "http://localhost:5000/"
COMMAND = [sys.executable, "-m", "isic_graph.cli"]


def cli(store: Path, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(store)})


def test_plain_lines_say_each_tenth_of_a_stage_once_and_when_a_stage_of_unknown_size_ends() -> None:
    out = io.StringIO()
    with Display("load", out, terminal=False) as show:
        for done in range(0, 1001, 7):
            show(Step("reading", done, 1000, "bytes"))
        show(Step("reading", 1000, 1000, "bytes"))
        for done in (0, 50_000, 150_000, 230_000):
            show(Step("claiming", done, None, "subjects"))
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["load: reading 0% (0 of 1,000 bytes)", "load: reading 10% (105 of 1,000 bytes)"]
    assert [line.split()[2] for line in lines[:11]] == [f"{10 * i}%" for i in range(11)]
    assert lines[11:] == ["load: claiming 0 subjects", "load: claiming 150,000 subjects",
                          "load: claiming 230,000 subjects", "load: claiming 230,000 subjects, done"]
    assert "\r" not in out.getvalue()


def test_load_export_backup_and_restore_report_on_stderr_and_keep_stdout_for_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference, "BLOCK", reference.BLOCK // 64)  # a file of some twenty blocks, read in as many
    monkeypatch.setattr(reference, "CHUNK", reference.CHUNK // 10)  # steps and written in four chunks
    store = tmp_path / "store"
    EmbeddedStore(store).close()  # a store there, empty: `load` makes none where ISIC_STORE names nothing
    path = generated(tmp_path / "ref.nt", 4_000)
    loaded = cli(store, "load", str(path), "--graph", REFERENCE)
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout == f"loaded 4000 triples into <{REFERENCE}>\n"
    size = path.stat().st_size
    assert f"load: reading 100% ({size:,} of {size:,} bytes)" in loaded.stderr.splitlines()
    assert "load: reading 50% (" in loaded.stderr

    exported = cli(store, "export")
    assert exported.exit_code == 0
    assert len(list(parse(exported.stdout_bytes, format=RdfFormat.N_QUADS))) >= 4_000  # stdout: the data only
    assert "export: writing 100% (" in exported.stderr and "quads)" in exported.stderr

    small = tmp_path / "small"
    EmbeddedStore(small).close()  # (1 in about 10,000 ownership records has an IRI that reads as an IBAN, which
    assert cli(small, "load", str(generated(tmp_path / "small.nt", 2_000)), "--graph", REFERENCE).exit_code == 0
    backed = cli(small, "backup", str(tmp_path / "backup"))  # a restoration refuses: a store of a few)
    assert backed.exit_code == 0 and backed.stdout.startswith("backed up ")
    assert "backup: writing 100% (" in backed.stderr

    restored = cli(tmp_path / "other", "restore", str(tmp_path / "backup"))
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith("restored ")
    for stage in ("checking 100%", "loading 100%", "counting 100%", "checking graphs 100% (2 of 2 graphs)"):
        assert f"restore: {stage}" in restored.stderr, restored.stderr


