"""Progress of the long commands: a bar on a terminal, plain lines on stderr otherwise; stdout keeps the data."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios
from pathlib import Path

from isic_graph.store.embedded import EmbeddedStore
from tests.support.terminal import drawn
from tests.unit.admin.test_reference import REFERENCE, generated
from tests.unit.test_cli_progress import BASE, COMMAND


def test_on_a_terminal_load_draws_a_bar_that_ends_full(tmp_path: Path) -> None:
    path = generated(tmp_path / "ref.nt", 40_000)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    env = {**os.environ, "ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store")}
    EmbeddedStore(tmp_path / "store").close()  # a store there: `load` makes none
    process = subprocess.Popen([*COMMAND, "load", str(path), "--graph", REFERENCE], env=env,
                               stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL)
    os.close(terminal)
    shown = drawn(controller, process, 300)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert stdout.decode() == f"loaded 40000 triples into <{REFERENCE}>\n"
    text = shown.decode("utf-8", "replace")
    assert "\r" in text and "load: reading" in text
    assert "100%|" in text and "█" in text  # tqdm's bar, drawn full at the end
