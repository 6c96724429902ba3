"""Streamed dumps of the store or of one network, chunk by chunk: N-Quads, TriG, Turtle, N-Triples, JSON-LD, gzip."""

from __future__ import annotations

import itertools
import json
import os
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator

from pyoxigraph import Quad, RdfFormat, serialize

from isic_graph.errors import NotFound, UsageError
from isic_graph.progress import OnStep, Step, counted, ignore
from isic_graph.publish.jsonld import compact, inline_context
from isic_graph.rdf.formats import DOCUMENT, Format, format_for_path, format_named, formats_for
from isic_graph.rdf.namespaces import CONTEXT_IRI, PREFIXES, Graphs, check_slug
from isic_graph.sparql.terms import iri
from isic_graph.store.base import Store

EXPORT_FORMATS = tuple(f.name for f in formats_for(DOCUMENT) if f.rdf_format is not None)
WRITING = "writing"
BATCH = 2000  # statements serialized at a time (a batch ends on a change of subject, up to 4 times this)


def export_stream(store: Store, graphs: Graphs, format_name: str = "nquads", network: str | None = None,
                  compress: bool = False, on_step: OnStep = ignore) -> Iterator[bytes]:
    """The whole store, or one network's graph, as chunks of bytes; memory stays constant.

    A network's graph keeps its name in dataset formats (N-Quads, TriG) and is plain triples in the others.

    Checks the format and the network at once (NotFound for a network without a graph); reading from
    the store starts with the first chunk.
    """
    fmt = format_named(format_name)
    if fmt.name not in EXPORT_FORMATS:
        raise UsageError(f"cannot export as {fmt.name}; formats: {', '.join(EXPORT_FORMATS)}",
                         fr=f"pas d'export en {fmt.name} ; formats : {', '.join(EXPORT_FORMATS)}")
    graph = None
    if network is not None:
        graph = graphs.network(check_slug(network))
        if store.query(f"ASK {{ GRAPH {iri(graph)} {{ }} }}") is not True:
            raise NotFound(f"no data for network {network!r}", fr=f"aucune donnée pour le réseau {network!r}")
    chunks = _chunks(store, fmt, graph, on_step)
    return gzip_chunks(chunks) if compress else chunks


def export(store: Store, graphs: Graphs, format_name: str = "nquads", network: str | None = None) -> bytes:
    """The whole dump in memory (for small stores and tests; prefer export_stream)."""
    return b"".join(export_stream(store, graphs, format_name, network))


def export_to_file(store: Store, graphs: Graphs, path: Path, format_name: str | None = None,
                   network: str | None = None, on_step: OnStep = ignore) -> int:
    """Write a dump to a file, gzip-compressed when its name ends with .gz; returns the bytes written.

    The format defaults to the one the file's extension names (else N-Quads). A file appears only once
    complete; a link is followed (the file it names is written, the link kept), and what is no file (a terminal,
    /dev/stdout, a pipe) is written to as it is, never replaced.
    """
    compress = path.suffix == ".gz"
    if format_name is None:
        format_name = output_format(path.with_suffix("") if compress else path)
    chunks = export_stream(store, graphs, format_name, network, compress, on_step)
    try:
        path = path.resolve() if path.is_symlink() else path
    except RuntimeError:  # a link to itself, or round a loop
        raise UsageError(f"{path} is a link that leads round a loop to no file: give another output",
                         fr=f"{path} est un lien qui tourne en rond sans mener à un fichier : donnez une autre "
                            "sortie") from None
    if path.exists() and not path.is_file() and not path.is_dir():  # a device, a pipe: written through, as `>` does
        with path.open("wb") as out:
            return write_chunks(chunks, out)
    partial = path.with_name(f".{path.name}.part")
    written = 0
    try:
        try:
            out = partial.open("wb")
        except OSError as exc:  # said of the file asked for, not of the hidden one written first
            raise type(exc)(exc.errno, exc.strerror, str(path)) from None
        with out:
            written = write_chunks(chunks, out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def write_chunks(chunks: Iterable[bytes], out: IO[bytes]) -> int:
    written = 0
    for chunk in chunks:
        out.write(chunk)
        written += len(chunk)
    return written


def output_format(path: Path) -> str:
    """The export format a file name asks for (N-Quads when it has no extension); UsageError for an extension of
    another format (`.csv`, `.rdf`, `.docx`), which would have held N-Quads."""
    if not path.suffix:
        return "nquads"
    try:
        fmt = format_for_path(path)
    except UsageError:
        fmt = None
    if fmt is not None and fmt.name in EXPORT_FORMATS:
        return fmt.name
    raise UsageError(f"{path.name} names no format the export writes ({', '.join(EXTENSIONS)}, each optionally "
                     "with .gz; a network's sheet: .xlsx, .zip, or --format csv): give --format, or another name",
                     fr=f"{path.name} ne nomme aucun format que l'export écrit ({', '.join(EXTENSIONS)}, chacun "
                        "éventuellement suivi de .gz ; la fiche d'un réseau : .xlsx, .zip, ou --format csv) : donnez "
                        "--format, ou un autre nom")


EXTENSIONS = (".nq", ".trig", ".ttl", ".nt", ".jsonld")  # one each of EXPORT_FORMATS, as output_format reads them


def gzip_chunks(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """Gzip-compress a stream of chunks (no file name, no time stamp: the same input gives the same bytes)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


def serialize_chunks(quads: Iterable[Quad], fmt: Format, named_graphs: bool = True) -> Iterator[bytes]:
    """Serialize quads batch by batch; formats without named graphs get their triples.

    JSON-LD keeps the graph names only with named_graphs (a whole-store dump, not a network's).
    """
    if fmt.name == "jsonld":
        yield from _jsonld_chunks(quads, named_graphs)
        return
    assert fmt.rdf_format is not None
    rdf_format = fmt.rdf_format
    prefixed = rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG)
    first = True
    for batch in _batches(quads):
        items = batch if rdf_format.supports_datasets else [q.triple for q in batch]
        out = serialize(items, format=rdf_format, prefixes=PREFIXES if prefixed else None) or b""
        if prefixed and not first:
            out = _without_prefixes(out)
        first = False
        if out:
            yield out


def _chunks(store: Store, fmt: Format, graph: str | None, on_step: OnStep = ignore) -> Iterator[bytes]:
    """The store's own N-Quads / N-Triples passed through when they are what is asked, else re-serialized;
    the quads written so far reported (out of the store's count, asked only when someone is watching)."""
    total = None if on_step is ignore else store.count(graph)
    if fmt.name == ("ntriples" if graph else "nquads"):
        raw = store.raw_chunks(graph)
        if raw is not None:
            return _lines_counted(raw, on_step, total)
    return serialize_chunks(counted(store.stream(graph), on_step, WRITING, total, "quads"), fmt,
                            named_graphs=graph is None)


def _lines_counted(chunks: Iterator[bytes], on_step: OnStep, total: int | None) -> Iterator[bytes]:
    """N-Quads or N-Triples chunks as they come, their statements (one a line) counted as they go by."""
    done = 0
    on_step(Step(WRITING, 0, total, "quads"))
    for chunk in chunks:
        yield chunk
        done += chunk.count(b"\n")
        on_step(Step(WRITING, done, total, "quads"))


def _batches(quads: Iterable[Quad]) -> Iterator[list[Quad]]:
    """Consecutive quads in lists of about BATCH, cut between subjects when possible."""
    batch: list[Quad] = []
    for quad in quads:
        if len(batch) >= BATCH and (len(batch) >= 4 * BATCH or quad.subject != batch[-1].subject
                                    or quad.graph_name != batch[-1].graph_name):
            yield batch
            batch = []
        batch.append(quad)
    if batch:
        yield batch


def _without_prefixes(data: bytes) -> bytes:
    start = 0
    while data.startswith(b"@prefix ", start):
        start = data.index(b"\n", start) + 1
    return data[start:]


def _jsonld_chunks(quads: Iterable[Quad], named_graphs: bool) -> Iterator[bytes]:
    """JSON-LD compacted with the project's context, batch by batch, as the entries of one "@graph".

    A node cut between two batches appears twice with the same "id"; JSON-LD processors merge them.
    """
    batches = _batches(quads)
    head = next(batches, None)  # read from the store before the first byte, so that its failures come first
    yield json.dumps({"@context": inline_context(CONTEXT_IRI)}, ensure_ascii=False)[:-1].encode("utf-8") \
        + b', "@graph": [\n'
    first = True
    for batch in itertools.chain([head] if head else [], batches):
        document = compact(batch if named_graphs else [q.triple for q in batch])
        document.pop("@context", None)
        nodes = document["@graph"] if list(document) == ["@graph"] else [document]
        if nodes:
            text = ",\n".join(json.dumps(node, ensure_ascii=False) for node in nodes)
            yield (b"" if first else b",\n") + text.encode("utf-8")
            first = False
    yield b"\n]}\n"
