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
from itertools import groupby, islice
from pathlib import Path
from typing import IO, Iterator, cast

from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

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
    target = target.resolve()
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        counts = _write_quads(store, partial / DATA)
        digest, size = _checksum(partial / DATA)
        manifest = Manifest(datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                            __version__, base_iri, digest, size, sum(counts.values()), dict(sorted(counts.items())))
        (partial / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1, ensure_ascii=False) + "\n", "utf-8")
        if target.exists():
            target.rmdir()
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _write_quads(store: Store, path: Path) -> dict[str, int]:
    """Stream the store's quads into a gzipped N-Quads file, a chunk at a time; the quads per graph."""
    counts: dict[str, int] = {}
    with gzip.open(path, "wb") as out:
        quads = store.stream()
        while chunk := list(islice(quads, CHUNK)):
            for quad in chunk:
                name = _graph_of(quad)
                counts[name] = counts.get(name, 0) + 1
            out.write(serialize(chunk, format=RdfFormat.N_QUADS) or b"")
    return counts


def verify(source: Path) -> Manifest:
    """The manifest of a backup whose data file matches its checksum and size; BackupError otherwise."""
    try:
        raw = json.loads((source / MANIFEST).read_text("utf-8"))
        manifest = Manifest(**raw)
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup") from None
    except OSError as exc:
        raise BackupError(f"{source / MANIFEST} cannot be read: {exc}") from None
    except (ValueError, TypeError) as exc:
        raise BackupError(f"{source / MANIFEST} is not a backup manifest: {exc}") from None
    if manifest.format != FORMAT:
        raise BackupError(f"unknown backup format {manifest.format!r}; this version reads {FORMAT}")
    if not _consistent(manifest):
        raise BackupError(f"{source / MANIFEST} is inconsistent (data file, or quads against their sum per graph)")
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
    data = source / manifest.file
    counted = _count_quads(data)  # the whole file is read once, and must parse, before the store is touched
    if counted != manifest.graphs:
        raise BackupError(f"{data} does not hold what its manifest lists ({sum(counted.values())} quads in "
                          f"{len(counted)} graphs; the manifest lists {manifest.quads} in {len(manifest.graphs)})")
    existing = store.graph_names()
    if existing and not replace:
        raise UsageError(f"the store is not empty ({len(existing)} graphs); restore into an empty store, "
                         "or pass --replace to replace its content")
    for graph in existing:
        if graph not in manifest.graphs:
            store.update(f"DROP SILENT GRAPH <{graph}>")
    loaded: set[str] = set()
    for graph, quads in _graph_runs(data):
        drop = "" if graph in loaded else f"DROP SILENT GRAPH <{graph}> ;\n"
        store.update(drop + insert_data(graph, (q.triple for q in quads)))
        loaded.add(graph)
    found = {graph: store.count(graph) for graph in store.graph_names()}
    if found != manifest.graphs:
        raise BackupError(f"after restoring, the store holds {sum(found.values())} quads in {len(found)} graphs; "
                          f"the backup lists {manifest.quads} in {len(manifest.graphs)}")
    return manifest


def _quads_in(data: Path) -> Iterator[Quad]:
    """The quads of a gzipped N-Quads file, streamed; a damaged or truncated file raises BackupError."""
    try:
        with gzip.open(data, "rb") as handle:
            for quad in parse(cast(IO[bytes], handle), format=RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, NamedNode):
                    raise BackupError(f"{data} holds a quad outside any named graph: {quad}")
                yield quad
    except (OSError, EOFError, zlib.error, SyntaxError, ValueError) as exc:
        raise BackupError(f"{data} cannot be read: {exc}") from None


def _count_quads(data: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in _quads_in(data):
        name = _graph_of(quad)
        counts[name] = counts.get(name, 0) + 1
    return counts


def _graph_runs(data: Path) -> Iterator[tuple[str, list[Quad]]]:
    """The file's quads as runs of one graph each (a backup writes each graph in one run): one graph in memory."""
    for graph, run in groupby(_quads_in(data), key=_graph_of):
        yield graph, list(run)


def _graph_of(quad: Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""


def _consistent(manifest: Manifest) -> bool:
    """The manifest names the usual data file, and its total is the sum of its counts per graph."""
    graphs = manifest.graphs
    return (manifest.file == DATA and isinstance(graphs, dict) and isinstance(manifest.quads, int)
            and all(isinstance(n, int) for n in graphs.values()) and manifest.quads == sum(graphs.values()))


def _checksum(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
