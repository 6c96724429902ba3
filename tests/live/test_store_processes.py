"""A store between processes: a second process is told the store is in use, a write killed midway leaves all
or nothing, and a store another process holds is neither swapped nor opened while swapped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isic_graph.errors import StoreLocked
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.swap import held
from tests.unit.store.test_swap import COMMAND, made


def test_second_process_on_an_open_embedded_store_is_told_what_to_do(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "s")
    try:
        code = ("from pathlib import Path; from isic_graph.store.embedded import EmbeddedStore\n"
                "from isic_graph.errors import StoreLocked\n"
                f"try:\n EmbeddedStore(Path({str(tmp_path / 's')!r}))\nexcept StoreLocked as e:\n print(e.message)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
        assert "in use by another process" in out
    finally:
        first.close()


def test_a_write_killed_midway_leaves_all_or_nothing(tmp_path: Path) -> None:
    """Kill the writing process during a large single-request write; reopen: none or all of it is there."""
    path = tmp_path / "store"
    triples = 300_000
    code = f"""
from pathlib import Path
from isic_graph.store.embedded import EmbeddedStore
store = EmbeddedStore(Path({str(path)!r}))
print("ready", flush=True)
body = " .\\n".join(f'<urn:s{{i}}> <urn:p> "{{i}}"' for i in range({triples}))
store.update("INSERT DATA {{ GRAPH <urn:g> {{ " + body + " . }} }}")
print("done", flush=True)
"""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    reopened = EmbeddedStore(path)
    try:
        assert reopened.count("urn:g") in (0, triples)
    finally:
        reopened.close()


def test_a_store_another_process_holds_is_not_swapped_and_one_being_swapped_is_not_opened(tmp_path: Path) -> None:
    store = made(tmp_path / "store", "old")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        with pytest.raises(StoreLocked, match="opened by another process"):
            with held(store):
                pass
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with held(store):
        opener = subprocess.run([*COMMAND, "stats"], env={**os.environ, "ISIC_STORE": str(store)},
                                capture_output=True, text=True, timeout=120)
        assert opener.returncode == 1 and "in use by another process" in opener.stderr
