"""Where the tests' temporary folders go: a RAM-backed folder when the machine has one with room to spare.

The tests open, write, flush and close on-disk stores (RocksDB) a thousand times and more a run; on a disk each
open and flush waits for the file system (0.14 s wall for 0.02 s of CPU on the machine of docs/performance.md,
0.02 s on tmpfs). The stores are the same stores, on another file system: what a test checks (atomic swaps, a
process killed half-way, a full disk simulated by the store's own errors) holds on both. `--basetemp` given on the
command line, or no RAM-backed folder with room (a container's 64 MiB /dev/shm), leaves pytest's own default.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

RAM = Path("/dev/shm")
ROOM = 4 << 30  # bytes free: a whole run writes a few hundred MiB
PREFIX = "isic-graph-tests-"


def in_ram(config: pytest.Config) -> None:
    """Point the run's base temporary folder into RAM (the controller's; xdist gives each worker a folder in it)."""
    if config.option.basetemp is not None or hasattr(config, "workerinput"):
        return
    try:
        usage = shutil.disk_usage(RAM)
    except OSError:
        return
    if usage.free < ROOM or not os.access(RAM, os.W_OK):
        return
    _prune()
    config.option.basetemp = str(RAM / f"{PREFIX}{os.getuid()}-{os.getpid()}")
    config.stash[OURS] = Path(config.option.basetemp)


def done(config: pytest.Config) -> None:
    """The RAM folder of the run, removed at its end (pytest keeps its disk ones; RAM is not for keeping)."""
    folder = config.stash.get(OURS, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _prune() -> None:
    """Folders left by runs that were killed (their process is gone)."""
    for folder in RAM.glob(f"{PREFIX}{os.getuid()}-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


OURS = pytest.StashKey[Path]()
