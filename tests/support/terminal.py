"""What a command writes to a terminal (a pseudo-terminal the test reads), read until it is done."""

from __future__ import annotations

import os
import select
import subprocess
import time


def drawn(controller: int, process: subprocess.Popen[bytes], seconds: float) -> bytes:
    """Everything written to the terminal whose controlling end is `controller` until the command ends (or the
    time allowed runs out); the controlling end is closed then."""
    shown = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1)
        if ready:
            try:
                block = os.read(controller, 4096)
            except OSError:  # the other end closed: the command is done
                break
            if not block:
                break
            shown += block
        elif process.poll() is not None:
            break
    os.close(controller)
    return shown
