"""`isic-graph load`: reference data of any size, streamed into its graph, all of it or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from tests.unit.admin.test_reference import BASE, COMMAND, REFERENCE, generated
from tests.unit.admin.test_restoration import content, fingerprint, leftovers


def test_load_killed_at_any_moment_leaves_the_old_graph_or_the_new_one(tmp_path: Path, graphs: Graphs) -> None:
    source = tmp_path / "source"
    env = {**os.environ, "ISIC_STORE": str(source), "ISIC_BASE_IRI": BASE}
    old = generated(tmp_path / "old.nt", 2_000, word="old")
    new = generated(tmp_path / "new.nt", 200_000, word="new")
    EmbeddedStore(source).close()  # a store there: `load` makes none
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
