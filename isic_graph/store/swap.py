"""A store folder built beside the store, then put in its place at once: a kill at any moment leaves one or the other.

The new folder is built as `.{name}.{token}.partial` beside the store `name`, renamed `.{name}.{token}.ready`
once complete and on disk, then exchanged with the store in one step (Linux renameat2 RENAME_EXCHANGE);
the old store, now under the ready name, is deleted. Where the exchange is not offered (another system,
a file system without it), the store is first renamed aside (`.{name}.{token}.old`) and the ready folder
renamed in its place: for that moment there is no store folder, and `recover` (run whenever a store is
opened) puts the ready one in place. Leftovers (an unfinished .partial, an .old or a .ready beside a store
that is there) are deleted by `sweep` at the next restoration, and ignored by everything else.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from isic_graph.errors import StoreLocked, UsageError

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h
UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


# What RocksDB (the engine's and pyoxigraph's storage) writes in a store folder: a swap replaces the folder whole
ROCKSDB_FILE = re.compile(r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?"
                          r"|\d+\.(sst|log|blob|dbtmp)")


def holds_store(folder: Path) -> bool:
    """Whether a folder holds a store (RocksDB's CURRENT file names its manifest)."""
    return (folder / "CURRENT").is_file()


def foreign_entries(store: Path) -> list[str]:
    """The files and folders in a store folder that are not the store's own (credentials, a backup, notes)."""
    if not store.is_dir():
        return []
    return sorted(entry.name + ("/" if entry.is_dir() else "") for entry in store.iterdir()
                  if entry.is_dir() or not ROCKSDB_FILE.fullmatch(entry.name))  # RocksDB makes no folder


def check_replaceable(store: Path) -> None:
    """Refuse to replace a store folder that holds other files than the store's: they would be lost with it (a
    load, a restoration puts a new folder in its place)."""
    if found := foreign_entries(store):
        shown = ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
        montre = ", ".join(found[:10]) + (f" et {len(found) - 10} de plus" if len(found) > 10 else "")
        raise UsageError(f"the store folder {store} holds files that are not the store's ({shown}): a load or a "
                         "restoration replaces the folder whole, and they would be lost; move them out of it (the "
                         "store's folder holds the store alone); nothing was changed",
                         fr=f"le dossier de la base {store} contient des fichiers qui ne sont pas ceux de la base "
                            f"({montre}) : un chargement ou une restauration remplace le dossier en entier, et ils "
                            "seraient perdus ; déplacez-les hors de ce dossier (celui de la base ne contient "
                            "qu'elle) ; rien n'a été modifié")


def staging_folder(store: Path) -> Path:
    """A new name beside the store for the folder that will replace it (not created)."""
    return store.with_name(f".{store.name}.{secrets.token_hex(4)}.partial")


def ready(staging: Path) -> Path:
    """Mark a staging folder complete: flushed to disk, and renamed so that `recover` may put it in place."""
    sync_tree(staging)
    done = staging.with_name(staging.name.removesuffix(".partial") + ".ready")
    os.replace(staging, done)
    sync(done.parent)
    return done


def put_in_place(done: Path, store: Path) -> Path | None:
    """Put a ready folder in the store's place in one step; return where the old store now is (to delete), if any."""
    parent = store.parent
    if not store.exists():
        os.replace(done, store)
        sync(parent)
        return None
    if _exchange(done, store):
        sync(parent)
        return done  # the old store, under the ready folder's name
    old = done.with_name(done.name.removesuffix(".ready") + ".old")
    os.replace(store, old)  # from here until the next line there is no store folder: see recover
    os.replace(done, store)
    sync(parent)
    return old


@contextmanager
def held(store: Path) -> Iterator[None]:
    """Hold a closed store's lock as its engine does (a POSIX lock on its LOCK file), so no one opens it meanwhile.

    A store open in this process cannot be swapped: RocksDB reaches its files by path, and would write
    into the folder that took its place.
    """
    handle = os.open(store / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreLocked(f"the store at {store} was opened by another process meanwhile: nothing was "
                              "restored; stop it and restore again",
                              fr=f"la base {store} a été ouverte entre-temps par un autre programme : rien n'a été "
                                 "restauré ; arrêtez-le et restaurez de nouveau") from None
        yield
    finally:
        os.close(handle)  # releases the lock


def recover(store: Path) -> None:
    """If a kill came between the two renames of a swap without exchange, finish it: the new store goes in place.

    Only that cut leaves a store folder missing beside an .old and a .ready of one swap; a .ready alone may
    hold an old store (exchanged, not yet deleted) and is never put in place.
    """
    if store.exists() or not store.parent.is_dir():
        return
    for done in sorted(store.parent.glob(f".{store.name}.*.ready")):
        if done.with_name(done.name.removesuffix(".ready") + ".old").is_dir():
            try:
                os.replace(done, store)
            except OSError:  # another process did it meanwhile
                pass
            return


def sweep(store: Path) -> None:
    """Delete what unfinished or finished swaps left beside a store that is in place."""
    recover(store)
    if not store.exists() or not store.parent.is_dir():
        return
    for suffix in ("partial", "ready", "old"):
        for leftover in store.parent.glob(f".{store.name}.*.{suffix}"):
            shutil.rmtree(leftover, ignore_errors=True)


def sync_tree(folder: Path) -> None:
    """Have every file of a folder, and the folder itself, reach the disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            sync(path)
    sync(folder)


def sync(path: Path) -> None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:  # folders cannot be opened everywhere
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two folders atomically (Linux 3.15+); False when the system or file system does not offer it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))
