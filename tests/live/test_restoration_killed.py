"""`restore --replace` killed (SIGKILL) at any moment leaves the old store or the new one, never a mix."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from isic_graph.admin.backup import backup
from isic_graph.store.embedded import EmbeddedStore
from tests.conftest import BASE
from tests.unit.admin.test_restoration import cli, content, fingerprint, leftovers

COMMAND = [sys.executable, "-m", "isic_graph.cli"]


# Kill -9 during `restore --replace`: the old store or the new one, never a mix.

BULK = 50_000  # quads of reference data in the new backup: a restoration that takes a moment


@pytest.fixture(scope="module")
def swap_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """An old store (a graph of its own), a backup of another content, and both fingerprints (no blank nodes)."""
    folder = tmp_path_factory.mktemp("swap")
    with EmbeddedStore(folder / "old") as old:
        old.update("INSERT DATA { GRAPH <urn:x:old> { " + " ".join(
            f'<urn:x:old{i}> <urn:x:p> "old {i}" .' for i in range(1000)) + " } }")
        old_print = fingerprint(old)
    new = EmbeddedStore(None)
    new._store.bulk_extend(Quad(NamedNode(f"urn:x:item{i}"), NamedNode("urn:x:label"), Literal(f"item {i}"),
                                NamedNode(f"urn:x:bulk{i % 7}")) for i in range(BULK))
    new_print = fingerprint(new)
    backup(new, folder / "backup", BASE)
    return folder / "old", folder / "backup", old_print, new_print


def run_restore(store: Path, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ISIC_STORE": str(store), "ISIC_BASE_IRI": BASE}
    return subprocess.Popen([*COMMAND, "restore", "--replace", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen[bytes], store: Path, stage: str | None, delay: float) -> None:
    """SIGKILL the restoration `delay` seconds after a folder of that stage (partial, ready) appears beside the
    store (None: after its start); not at all if it ends first."""
    deadline = time.monotonic() + 600
    while stage is not None and not any(n.endswith(stage) for n in leftovers(store)):
        if process.poll() is not None or time.monotonic() > deadline:
            return
        time.sleep(0.001)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)


# When to kill: at start; while the new store is built beside the old one; as soon as it is complete, around the
# exchange and while the old one is deleted; not at all.
KILLS = [(None, 0.05), ("partial", 0.0), ("partial", 0.5), ("partial", 1.5), ("ready", 0.0), ("ready", 0.002),
         ("ready", 0.01), ("ready", 0.05), (None, 600.0)]


def test_restore_replace_killed_at_any_moment_leaves_the_old_store_or_the_new_one(
        swap_case: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    old, folder, old_print, new_print = swap_case
    outcomes, killed_while_building = [], 0
    for n, (stage, delay) in enumerate(KILLS):
        store = tmp_path / f"run{n}" / "store"
        shutil.copytree(old, store)
        process = run_restore(store, folder)
        kill_when(process, store, stage, delay)
        process.wait(timeout=600)
        killed_while_building += any(name.endswith(".partial") for name in leftovers(store))
        found = content(store)
        assert found in (old_print, new_print), f"a mix after a kill at {stage} + {delay} s"
        outcomes.append(found == new_print)
        stats = cli({"ISIC_STORE": str(store)}, "stats")  # the store works, whatever was left beside it
        assert stats.exit_code == 0 and "triples in all" in stats.output
    assert killed_while_building >= 1 and not outcomes[0] and outcomes[-1], outcomes
    assert leftovers(tmp_path / f"run{len(KILLS) - 1}" / "store") == []  # a whole restoration leaves nothing

    again = tmp_path / "run1" / "store"  # killed while building: a new restoration completes and sweeps what was left
    assert cli({"ISIC_STORE": str(again)}, "restore", "--replace", str(folder)).exit_code == 0
    assert content(again) == new_print and leftovers(again) == []
