"""Backups: the whole store as gzipped N-Quads beside a manifest with its checksum, and their exact restoration."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import shutil
import zlib
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, parse, serialize

from . import __version__
from .errors import IsicError, UsageError
from .ingest import insert_data
from .store import Store

FORMAT = "isic-graph-backup/1"
DATA = "store.nq.gz"
MANIFEST = "manifest.json"
CHUNK = 20_000  # quads serialized, or inserted, at a time


class BackupError(IsicError):
    """The backup is missing, damaged or does not match its manifest; nothing was restored."""

    status = 422
    code = "bad-backup"


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, and the checksum of its data file."""

    created: str
    version: str
    base_iri: str
    sha256: str
    bytes: int
    quads: int
    graphs: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    file: str = DATA


def backup(store: Store, target: Path, base_iri: str) -> Manifest:
    """Write every quad of the store into a new folder `target`, with its manifest; never half a backup."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not an empty folder; choose a new one")
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    counts: dict[str, int] = {}
    with gzip.open(partial / DATA, "wb") as out:
        quads = store.stream()
        while chunk := list(islice(quads, CHUNK)):
            for quad in chunk:
                name = str(getattr(quad.graph_name, "value", ""))
                counts[name] = counts.get(name, 0) + 1
            out.write(serialize(chunk, format=RdfFormat.N_QUADS) or b"")
    digest, size = _checksum(partial / DATA)
    manifest = Manifest(datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), __version__,
                        base_iri, digest, size, sum(counts.values()), dict(sorted(counts.items())))
    (partial / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1, ensure_ascii=False) + "\n", "utf-8")
    if target.exists():
        target.rmdir()
    os.replace(partial, target)
    return manifest


def verify(source: Path) -> Manifest:
    """The manifest of a backup whose data file matches its checksum and size; BackupError otherwise."""
    try:
        raw = json.loads((source / MANIFEST).read_text("utf-8"))
        manifest = Manifest(**raw)
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup") from None
    except (ValueError, TypeError) as exc:
        raise BackupError(f"{source / MANIFEST} is not a backup manifest: {exc}") from None
    if manifest.format != FORMAT:
        raise BackupError(f"unknown backup format {manifest.format!r}; this version reads {FORMAT}")
    data = source / manifest.file
    if not data.is_file():
        raise BackupError(f"{data} is missing")
    digest, size = _checksum(data)
    if (digest, size) != (manifest.sha256, manifest.bytes):
        raise BackupError(f"{data} does not match its manifest (sha256 {digest[:12]}…, {size} bytes; expected "
                          f"{manifest.sha256[:12]}…, {manifest.bytes} bytes): it is damaged or was changed")
    return manifest


def restore(store: Store, source: Path, replace: bool = False) -> Manifest:
    """Load a verified backup into the store, graph by graph (each graph in one update), then recount."""
    manifest = verify(source)
    existing = store.graph_names()
    if existing and not replace:
        raise UsageError(f"the store is not empty ({len(existing)} graphs); restore into an empty store, "
                         "or pass --replace to replace its content")
    try:
        with gzip.open(source / manifest.file, "rb") as data:
            by_graph: dict[str, list[Quad]] = {}
            for quad in parse(cast(IO[bytes], data), format=RdfFormat.N_QUADS):
                by_graph.setdefault(str(getattr(quad.graph_name, "value", "")), []).append(quad)
    except (OSError, EOFError, zlib.error, SyntaxError) as exc:
        raise BackupError(f"{source / manifest.file} cannot be read: {exc}") from None
    if {g: len(q) for g, q in by_graph.items()} != manifest.graphs:
        raise BackupError(f"{source / manifest.file} does not hold what its manifest lists")
    for graph in existing:
        if graph not in by_graph:
            store.update(f"DROP SILENT GRAPH <{graph}>")
    for graph, quads in sorted(by_graph.items()):
        store.update(f"DROP SILENT GRAPH <{graph}> ;\n" + insert_data(graph, (q.triple for q in quads)))
    found = {graph: store.count(graph) for graph in store.graph_names()}
    if found != manifest.graphs:
        raise BackupError(f"after restoring, the store holds {sum(found.values())} quads in {len(found)} graphs; "
                          f"the backup lists {manifest.quads} in {len(manifest.graphs)}")
    return manifest


def _checksum(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
