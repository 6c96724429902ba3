"""The query engine as a supervised process: `oxigraph serve` on the store directory, on 127.0.0.1.

The web process never runs a query itself. A query that overruns its timeout gets the engine killed
and started again, which is the only way to free its CPU (pyoxigraph cannot cancel a query, and
`oxigraph serve --timeout-s` answers a cancelled query with a truncated 200).

Every start after the first is logged (logger `isic_graph.engine`, one line) with its cause: a query
that overran its deadline, a reopening after a full disk, a kill from outside (SIGKILL: an operator,
the OOM killer), a crash (the signal, or the exit status, and the engine's last words on stderr).
"""

from __future__ import annotations

import ctypes
import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

from isic_graph.errors import StorageFull, StoreError, StoreLocked, StoreUnavailable
from isic_graph.store.base import NO_SPACE
from isic_graph.store.swap import recover

MIN_FREE = 4 * 1024 * 1024  # bytes of free disk needed before writes are tried again after a full disk, beyond the log
BACKOFF = 5.0  # most seconds between two attempts to start an engine that exits at start
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}  # an engine bound to every address, reached on loopback
OVERRUN = "a query overran its deadline"
LAST_WORDS = 300  # characters of the engine's stderr quoted when it crashes
LOG = logging.getLogger("isic_graph.engine")


def oxigraph_command() -> str:
    """The `oxigraph` executable installed beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the `oxigraph` command is missing: pip install oxigraph")
    return found


PORT_TAKEN = "os error 98"  # the engine's words when its port was bound by another program (EADDRINUSE)
PORT_TRIES = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serving_engine(location: Path) -> str | None:
    """The URL of an `oxigraph serve` process holding the store at `location`, read from the
    process table (Linux /proc; elsewhere None): how another process reads a store a server holds."""
    found = _serving(location)
    return found[0] if found is not None else None


def stop_serving_engine(location: Path) -> bool:
    """Stop the `oxigraph serve` process holding the store at `location` (its server starts another): the one way to
    stop a query it runs for another process, which gave up on it (the engine keeps evaluating a query whose client
    left). Whether there was one."""
    found = _serving(location)
    if found is None:
        return False
    try:
        os.kill(found[1], signal.SIGTERM)
    except OSError:  # gone meanwhile, or another user's
        return False
    return True


def _serving(location: Path) -> tuple[str, int] | None:
    """The URL and process id of an `oxigraph serve` process holding the store at `location` (Linux /proc)."""
    target = location.resolve()
    try:
        processes = [p for p in Path("/proc").iterdir() if p.name.isdigit()]
    except OSError:
        return None
    for process in processes:
        try:
            arguments = [os.fsdecode(a) for a in (process / "cmdline").read_bytes().split(b"\0")]
            command = next((i for i, a in enumerate(arguments[:2]) if Path(a).name == "oxigraph"), None)
            where = _option(arguments, "--location", "-l")
            if command is None or arguments[command + 1:command + 2] != ["serve"] or where is None:
                continue
            if not Path(where).is_absolute():  # relative to the directory the engine was started in
                where = os.path.join(os.readlink(process / "cwd"), where)
            if Path(where).resolve() != target:
                continue
        except OSError:  # gone meanwhile, or another user's
            continue
        host, _, port = (_option(arguments, "--bind", "-b") or "localhost:7878").rpartition(":")
        host = ANY_ADDRESS.get(host, host)
        return f"http://{host}:{port}", int(process.name)
    return None


def _option(arguments: list[str], long: str, short: str) -> str | None:
    for i, argument in enumerate(arguments[:-1]):
        if argument in (long, short):
            return arguments[i + 1]
    prefix = long + "="
    return next((a[len(prefix):] for a in arguments if a.startswith(prefix)), None)


def log_bytes(location: Path) -> int:
    """The size of a store's write-ahead log (RocksDB's numbered *.log files), what reopening it may write."""
    total = 0
    for path in location.glob("*.log"):
        try:
            total += path.stat().st_size if path.stem.isdigit() else 0
        except OSError:  # removed meanwhile
            pass
    return total


def _libc_prctl() -> ctypes._NamedFuncPointer | None:
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except OSError:  # no glibc: the engine does not die with its parent
        return None


# Found once, here: the engine's child is forked from a process with threads, and between the fork and the
# exec it may take no lock another thread could have held at the fork (loading a library takes the dynamic
# loader's): it would wait forever, and with it the supervisor, which then never starts the engine again.
PRCTL = _libc_prctl()
PR_SET_PDEATHSIG = 1


# An ignored signal stays ignored across exec: an engine started by a process that ignores SIGQUIT (a library,
# nohup for SIGHUP) would outlive a quit. The engine gets each signal's default action.
DEFAULT_SIGNALS = (signal.SIGQUIT, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGABRT, signal.SIGUSR1,
                   signal.SIGUSR2)


def _die_with_parent() -> None:
    """In the engine's child process: signals at their default action, and killed when the process that started
    it dies (Linux)."""
    for number in DEFAULT_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    if PRCTL is not None:
        PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)


class Engine:
    """One `oxigraph serve` process owning the store directory, started again whenever it dies.

    Only the supervisor thread (long-lived) starts engines, so that the engine dies with this process. It runs in
    a process group of its own: what stops the server's group (Ctrl-C in a terminal, `kill -- -PGID`) reaches the
    server, which stops the engine once the writes in flight are done.
    """

    def __init__(self, location: Path, start_timeout: float = 30.0) -> None:
        self.location = location
        self.start_timeout = start_timeout
        self.port = free_port()
        self._port_tries = 0
        self.generation = 0  # the number of the engine process, given when it is started: a request sent once it
        # can be reached goes to that number's process
        self.answering = 0  # the last generation that answered once started
        self.restarts = 0
        self.killed: set[int] = set()  # generations killed on purpose (overruns), as opposed to crashed
        self.ends: dict[int, int] = {}  # how each generation that died by itself ended (its exit status)
        self.storage_full = False  # set when a write failed for want of disk space
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None  # the running engine's stderr, a temporary file
        self._cause: str | None = None  # why the engine is being started again, logged once it answers
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._failure: Exception | None = None
        self._supervisor = threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None

    def start(self) -> None:
        """Start the supervisor, which starts the engine; return once it answers."""
        self._supervisor.start()
        self._ready.wait(self.start_timeout + 5)
        if self._failure is not None:
            raise self._failure
        if not self._ready.is_set():
            raise StoreError("the query engine did not start in time")

    def restart(self, generation: int, cause: str = OVERRUN) -> None:
        """Kill the engine now (freeing its CPU) and have it started again, once per generation."""
        with self._lock:
            if generation != self.generation or generation in self.killed or self._stopping.is_set():
                return
            self.killed.add(generation)
            pid = self.pid
            self._kill()
            self._cause = f"killed on purpose (pid {pid}): {cause}"
            self.restarts += 1
        self._wake.set()

    def reopen_after_full(self) -> None:
        """After a full disk, RocksDB refuses every write until it is reopened: reopen it once there is room.

        Reopening replays the write-ahead log into new table files, which takes up to the log's size on
        disk; an engine that cannot do it exits at start, and then nothing can be read either. So until
        there is that much room (and MIN_FREE more) the engine is left running, reads go on, and writes
        are refused at once with StorageFull.
        """
        if not self.storage_full:
            return
        needed = log_bytes(self.location) + MIN_FREE
        if shutil.disk_usage(self.location).free < needed:
            raise StorageFull(f"the store's disk is still full: writes resume once {needed // 2**20 + 1} MiB "
                              "are free; nothing was written, and what is stored stays readable",
                              fr=f"le disque de la base est encore plein : les écritures reprennent quand "
                                 f"{needed // 2**20 + 1} Mio sont libres ; rien n'a été écrit, et ce qui est "
                                 "enregistré reste lisible")
        generation = self.generation
        self.restart(generation, "reopening the store after a full disk, now that there is room")
        deadline = time.monotonic() + self.start_timeout
        while self.answering <= generation and time.monotonic() < deadline:
            time.sleep(0.02)
        if self.answering <= generation:
            raise StoreUnavailable("the query engine is being started again after a full disk; nothing was "
                                   "written: send again in a moment",
                                   fr="le moteur de requêtes redémarre après un disque plein ; rien n'a été écrit : "
                                      "renvoyez dans un instant")
        self.storage_full = False

    def killed_from_outside(self, generation: int, wait: float = 0.5) -> bool:
        """Whether that engine was ended by SIGKILL from outside (an operator, the OOM killer), not by a crash.

        A kill lands a moment after it is sent, so an engine still running is given `wait` seconds to end.
        """
        process = self._process  # read before the ends: the supervisor records an end before replacing it
        if generation in self.ends:
            return self.ends[generation] == -signal.SIGKILL
        if generation != self.generation or process is None:
            return False
        try:
            status = process.wait(wait)
        except subprocess.TimeoutExpired:
            return False
        self._wake.set()
        return status == -signal.SIGKILL

    def replaced_under(self, generation: int) -> bool:
        """Whether a request sent to that engine failed because the engine was replaced under it, and the next one
        now answers: so a read may be sent once more, on the new engine.

        Replaced: killed on purpose (another query's overrun, a reopening after a full disk), killed from outside
        (an operator, the OOM killer), or still being started when the request came (refused). Not replaced: an
        engine that crashed (the request may be what crashed it) or one still running (the request failed by
        itself, its own time ran out). True once the next engine answers; False if none does within start_timeout.
        """
        if generation in self.killed or generation > self.answering:
            wanted = generation + 1 if generation in self.killed else generation
        elif self.killed_from_outside(generation):
            wanted = generation + 1
        else:
            return False
        deadline = time.monotonic() + self.start_timeout
        while self.answering < wanted and not self._stopping.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.answering >= wanted and not self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        with self._lock:
            self._kill()

    def _supervise(self) -> None:
        pause = 0.2  # grows while the engine keeps exiting at start, which also leaves a log file behind each time
        while not self._stopping.is_set():
            process = self._process
            if process is None or process.poll() is not None:
                if process is not None:
                    self.ends.setdefault(self.generation, process.returncode)
                    self._cause = self._cause or self._ended(process)
                try:
                    with self._lock:
                        if not self._stopping.is_set():
                            self._spawn()
                    if self._cause is not None and self._process is not None:
                        LOG.warning("query engine restarted (generation %d, pid %d); cause: %s", self.generation,
                                    self._process.pid, self._cause)
                        self._cause = None
                    self._ready.set()
                    pause = 0.2
                except StoreError as exc:
                    if not self._ready.is_set():
                        self._failure = exc
                        self._ready.set()
                        return
                    if pause == 0.2:  # the first failed attempt of a run of them
                        LOG.error("query engine could not be started again (cause of the restart: %s): %s",
                                  self._cause, exc.message)
                    pause = min(pause * 2, BACKOFF)
            self._wake.wait(pause)
            self._wake.clear()

    def _spawn(self) -> None:
        recover(self.location)  # a swap cut short between its two renames is finished first
        self.location.mkdir(parents=True, exist_ok=True)
        log = tempfile.TemporaryFile()  # not a pipe: a chatty engine must never block on a full pipe
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = log
        self.generation += 1  # before it can be reached: a query it takes is known to be its
        self._process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent,
            process_group=0)  # its own: a Ctrl-C (or a signal to the server's group) stops the server, which lets
        # the writes in flight finish and then stops the engine; reaching it too, it crashed it under those writes
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log.seek(0)
                message = log.read().decode("utf-8", "replace")
                self._process = None
                if "lock" in message.lower():
                    raise StoreLocked(f"the store at {self.location} is in use by another process: {message.strip()}",
                                      f"la base {self.location} est ouverte par un autre programme : arrêtez-le, "
                                      "ou envoyez la demande au serveur")
                if NO_SPACE in message:
                    raise StorageFull("the store's disk is full: the query engine needs free space to open the "
                                      "store (as much as its write-ahead log, the numbered *.log files); nothing "
                                      "stored is lost",
                                      fr="le disque de la base est plein : le moteur de requêtes a besoin de place "
                                         "pour ouvrir la base (autant que son journal d'écriture, les fichiers *.log "
                                         "numérotés) ; rien de ce qui est enregistré n'est perdu")
                if PORT_TAKEN in message and self.answering == 0 and self._port_tries < PORT_TRIES:
                    # another program bound the free port between our choice and the engine's bind: choose again
                    # (only before the engine first answered: the web app then holds its address)
                    self._port_tries += 1
                    self.port = free_port()
                    return self._spawn()
                raise StoreError(f"the query engine exited at start: {message.strip()}")
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                self.answering = self.generation
                return
            except (OSError, http.client.HTTPException):  # not answering yet; or, before the engine bound its port,
                time.sleep(0.02)  # connected to itself (TCP's simultaneous open) and read its own request back
        self._kill()
        raise StoreError("the query engine did not start in time")

    def _ended(self, process: subprocess.Popen[bytes]) -> str:
        """Why an engine that was not killed on purpose ended, in words, with its last words on stderr."""
        status = process.returncode
        if status == -signal.SIGKILL:
            cause = f"killed from outside (pid {process.pid}, SIGKILL: an operator, or the kernel's OOM killer)"
        elif status < 0:
            cause = f"crashed with signal {-status} ({_signal_name(-status)}) (pid {process.pid})"
        else:
            cause = f"exited by itself with status {status} (pid {process.pid})"
        said = _tail(self._stderr)
        return cause + (f"; its stderr ended with: {said}" if said else "")

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


def _tail(log: IO[bytes] | None) -> str:
    """The last line an engine wrote on stderr (at most LAST_WORDS characters), on one line."""
    if log is None:
        return ""
    try:
        log.seek(0, os.SEEK_END)
        log.seek(max(log.tell() - 4 * LAST_WORDS, 0))
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
    except (OSError, ValueError):
        return ""
    return " ".join(lines[-1].split())[-LAST_WORDS:] if lines else ""
