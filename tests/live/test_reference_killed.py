"""`isic-graph load`: reference data of any size, streamed into its graph, all of it or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isic_graph.errors import ParseError, ValidationFailed
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from tests.unit.admin.test_restoration import content, fingerprint, leftovers

BASE = "http://localhost:5000/"
REFERENCE = "http://example.org/graph/reference"
COMMAND = [sys.executable, "-m", "isic_graph.cli"]


def generated(path: Path, count: int, start: int = 0, word: str = "item") -> Path:
    """An N-Triples file of `count` triples about count / 4 subjects (made here, never kept in the repository)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(start, start + count):
            subject, k = i // 4, i % 4
            if k == 0:
                out.write(f"<http://example.org/ref/{subject}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                          "<http://example.org/ref/Place> .\n")
            elif k == 1:
                out.write(f'<http://example.org/ref/{subject}> <http://www.w3.org/2000/01/rdf-schema#label> '
                          f'"{word} {subject}"@fr .\n')
            else:
                out.write(f"<http://example.org/ref/{subject}> <http://example.org/ref/near{k}> "
                          f"<http://example.org/ref/{(subject * 7 + k) % (count // 4 + 1)}> .\n")
    return path






def broken_in_the_middle(path: Path, fault: str) -> Path:
    """25,000 good triples, a faulty line, and 25,000 more: the fault comes after two chunks were written."""
    generated(path, 25_000)
    with path.open("a", encoding="utf-8") as out:
        out.write(fault + "\n")
    more = generated(path.with_suffix(".more"), 25_000, start=25_000)
    with path.open("a", encoding="utf-8") as out:
        out.write(more.read_text(encoding="utf-8"))
    return path


FAULTS = [
    pytest.param("<http://example.org/ref/x> <http://example.org/ref/p> \"unterminated .", ParseError, id="syntax"),
    pytest.param("<http://example.org/ref/x> <http://example.org/ref/p> <not an iri> .", ParseError, id="bad-iri"),
    pytest.param('<http://example.org/ref/x> <http://www.w3.org/2000/01/rdf-schema#comment> '
                 '"Contact: jean.dupont@example.org" .', ValidationFailed, id="personal-data"),
    pytest.param("<< <http://example.org/ref/x> <http://example.org/ref/p> <http://example.org/ref/y> >> "
                 "<http://example.org/ref/p> <http://example.org/ref/z> .", ParseError, id="triple-term"),
]










def test_load_killed_at_any_moment_leaves_the_old_graph_or_the_new_one(tmp_path: Path, graphs: Graphs) -> None:
    source = tmp_path / "source"
    env = {**os.environ, "ISIC_STORE": str(source), "ISIC_BASE_IRI": BASE}
    old = generated(tmp_path / "old.nt", 2_000, word="old")
    new = generated(tmp_path / "new.nt", 200_000, word="new")
    subprocess.run([*COMMAND, "load", str(old), "--graph", REFERENCE], env=env, check=True, capture_output=True)
    old_print = content(source)
    outcomes = []
    for n, delay in enumerate((0.3, 1.0, 3.0, 6.0, 600.0)):
        store = tmp_path / f"run{n}" / "store"
        store.parent.mkdir()
        subprocess.run(["cp", "-a", str(source), str(store)], check=True)
        process = subprocess.Popen([*COMMAND, "load", str(new), "--graph", REFERENCE],
                                   env={**env, "ISIC_STORE": str(store)}, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=600)
        with EmbeddedStore(store) as opened:
            count = opened.count(REFERENCE)
            found = fingerprint(opened)
            assert (found, count) == (old_print, 2_000) or count == 200_000, f"a mix after {delay} s: {count}"
            outcomes.append(count == 200_000)
            assert opened.query(f'ASK {{ GRAPH <{REFERENCE}> {{ ?s ?p "old 0"@fr }} }}') is (count == 2_000)
    assert not outcomes[0] and outcomes[-1], outcomes
    assert leftovers(tmp_path / "run4" / "store") == []
    again = tmp_path / "run0" / "store"  # killed early: the next load completes and sweeps what was left beside it
    started = time.monotonic()
    subprocess.run([*COMMAND, "load", str(new), "--graph", REFERENCE], env={**env, "ISIC_STORE": str(again)},
                   check=True, capture_output=True, timeout=600 - (time.monotonic() - started))
    assert leftovers(again) == []
    with EmbeddedStore(again) as opened:
        assert opened.count(REFERENCE) == 200_000
