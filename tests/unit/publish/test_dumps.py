"""Streamed dumps (export.py) and the published dump files (dumps.py), on both backends."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path
from typing import Iterable, Iterator

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    parse,
)

from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.errors import NotFound, StoreError, UsageError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.publish import dumps
from isic_graph.publish.export import (
    BATCH,
    EXPORT_FORMATS,
    export,
    export_stream,
    export_to_file,
    gzip_chunks,
    serialize_chunks,
)
from isic_graph.publish.jsonld import to_nquads
from isic_graph.rdf.context import context_document
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.engine import free_port
from isic_graph.store.remote import RemoteStore
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.unit.test_cli import environment

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
NETWORK_FORMATS = [("turtle", RdfFormat.TURTLE), ("ntriples", RdfFormat.N_TRIPLES), ("nquads", RdfFormat.N_QUADS),
                   ("trig", RdfFormat.TRIG), ("jsonld", None)]


def canonical(quads: Iterable[Quad]) -> set[str]:
    """The dataset's quads with canonical blank node labels (RDFC-1.0), for comparing datasets."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def reload(data: bytes, format_name: str, graph: str | None = None) -> set[str]:
    """A dump parsed back (into the given graph when its format has none), canonically."""
    if format_name == "jsonld":
        import json

        data, rdf_format = to_nquads(json.loads(data)).encode("utf-8"), RdfFormat.N_QUADS
    else:
        rdf_format = format_named(format_name).rdf_format  # type: ignore[assignment]
    quads = []
    for q in parse(data, format=rdf_format):
        name = q.graph_name if isinstance(q, Quad) else None
        triple = q.triple if isinstance(q, Quad) else q
        if graph is not None and (name is None or not isinstance(name, NamedNode)):
            name = NamedNode(graph)
        quads.append(Quad(triple.subject, triple.predicate, triple.object, name))
    return canonical(quads)


def endless_quads(counter: list[int]) -> Iterator[Quad]:
    """Quads without end, counting how many were taken."""
    graph, predicate = NamedNode("http://example.org/g"), NamedNode("http://example.org/p")
    for n in itertools.count():
        counter[0] = n + 1
        yield Quad(NamedNode(f"http://example.org/s{n // 3}"), predicate, Literal(f"value {n}"), graph)


def test_the_whole_store_as_nquads_reloads_into_the_same_dataset(sample_store: Store, graphs: Graphs) -> None:
    chunks = export_stream(sample_store, graphs, "nquads")
    assert not isinstance(chunks, (bytes, list))
    assert reload(b"".join(chunks), "nquads") == canonical(sample_store.quads())


@pytest.mark.parametrize("format_name", ["trig", "jsonld"])
def test_the_whole_store_keeps_its_graphs_in_dataset_formats(sample_store: Store, graphs: Graphs,
                                                             format_name: str) -> None:
    assert reload(export(sample_store, graphs, format_name), format_name) == canonical(sample_store.quads())


@pytest.mark.parametrize("format_name, rdf_format", NETWORK_FORMATS)
def test_a_network_dump_reloads_into_the_same_graph(sample_store: Store, graphs: Graphs, format_name: str,
                                                    rdf_format: RdfFormat | None) -> None:
    graph = graphs.network("anas")
    expected = canonical(sample_store.quads([graph]))
    data = export(sample_store, graphs, format_name, "anas")
    assert reload(data, format_name, graph) == expected and len(expected) > 100


def test_turtle_keeps_the_prefixes_once_and_jsonld_uses_the_project_context(sample_store: Store,
                                                                            graphs: Graphs) -> None:
    turtle = export(sample_store, graphs, "turtle", "anas").decode("utf-8")
    assert turtle.startswith("@prefix") and turtle.count("@prefix isic:") == 1
    jsonld = export(sample_store, graphs, "jsonld", "anas").decode("utf-8")
    document = json.loads(jsonld)
    assert list(document) == ["@context", "@graph"]  # the context written in: no loader needed to read it
    assert document["@context"] == context_document()["@context"]


def test_gzip_is_really_gzip(sample_store: Store, graphs: Graphs) -> None:
    compressed = b"".join(export_stream(sample_store, graphs, "turtle", "fcsf", compress=True))
    assert compressed[:2] == b"\x1f\x8b"
    assert gzip.decompress(compressed) == export(sample_store, graphs, "turtle", "fcsf")


def test_unknown_networks_and_formats_are_refused_before_any_byte(sample_store: Store, graphs: Graphs) -> None:
    with pytest.raises(NotFound):
        export_stream(sample_store, graphs, "turtle", "nobody")
    with pytest.raises(UsageError):
        export_stream(sample_store, graphs, "turtle", "Not A Slug")
    with pytest.raises(UsageError):
        export_stream(sample_store, graphs, "csv")


@pytest.mark.parametrize("format_name", ["nquads", "ntriples", "turtle", "trig", "jsonld"])
def test_serialization_never_reads_the_whole_input_before_the_first_chunk(format_name: str) -> None:
    taken = [0]
    chunks = serialize_chunks(endless_quads(taken), format_named(format_name))
    first = next(chunks)
    assert first and taken[0] <= 4 * BATCH + 1
    next(chunks)
    assert taken[0] <= 8 * BATCH + 2


def test_gzip_compression_streams_too() -> None:
    taken = [0]
    compressed = gzip_chunks(serialize_chunks(endless_quads(taken), format_named("nquads")))
    header = next(compressed)
    assert header[:2] == b"\x1f\x8b" and taken[0] <= 4 * BATCH + 1
    body = next(compressed)
    assert body and taken[0] < 200 * BATCH  # deflate emits a block every few hundred kB of input


def test_export_to_file_compresses_gz_and_takes_the_format_from_the_name(sample_store: Store, graphs: Graphs,
                                                                        tmp_path: Path) -> None:
    target = tmp_path / "dump.nq.gz"
    written = export_to_file(sample_store, graphs, target)
    assert written == target.stat().st_size
    assert reload(gzip.decompress(target.read_bytes()), "nquads") == canonical(sample_store.quads())
    turtle = tmp_path / "anas.ttl"
    export_to_file(sample_store, graphs, turtle, network="anas")
    assert turtle.read_bytes().startswith(b"@prefix")
    with pytest.raises(NotFound):
        export_to_file(sample_store, graphs, tmp_path / "nobody.ttl", network="nobody")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anas.ttl", "dump.nq.gz"]


def test_dump_names() -> None:
    assert dumps.dump_file("isic-graph.nq.gz").compressed
    anas = dumps.dump_file("network/anas.ttl")
    assert anas.network == "anas" and anas.content_type == "text/turtle; charset=utf-8"
    assert dumps.dump_file("network/anas.jsonld").media_type == "application/ld+json"
    for name in ("network/anas.csv", "network/anas", "network/Anas.ttl", "other.ttl", "network/a/b.ttl"):
        with pytest.raises(NotFound):
            dumps.dump_file(name)


def test_listing_has_the_whole_store_then_two_files_per_network(sample_store: Store, graphs: Graphs) -> None:
    entries = dumps.listing(sample_store, graphs)
    names = [e.file.name for e in entries]
    assert names[0] == "isic-graph.nq.gz"
    for slug in ("anas", "fcsf", "action-sociale-35"):
        assert f"network/{slug}.ttl" in names and f"network/{slug}.jsonld" in names
    assert all(e.modified is not None for e in entries)
    assert entries[0].modified == max(e.modified for e in entries if e.modified)


def test_versions_change_when_a_network_is_ingested(store: Store, graphs: Graphs, validator: Validator) -> None:
    whole = dumps.whole_store()
    before = dumps.version(store, graphs, whole)
    assert dumps.version(store, graphs, whole) == before
    with pytest.raises(NotFound):
        dumps.version(store, graphs, dumps.dump_file("network/demo.ttl"))
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    after = dumps.version(store, graphs, whole)
    demo = dumps.version(store, graphs, dumps.dump_file("network/demo.ttl"))
    assert after.tag != before.tag and after.modified is not None and demo.modified == after.modified
    assert dumps.version(store, graphs, dumps.dump_file("network/demo.jsonld")).tag != demo.tag
    again = ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")  # the same data: no publication
    assert not again.written and dumps.version(store, graphs, dumps.dump_file("network/demo.ttl")) == demo
    edited = Document.from_path(VALID)
    edited = Document(edited.name, edited.data.replace(b'"Demo network"', b'"Demo network (bis)"'), edited.format)
    ingest(store, validator, graphs, [edited], "demo")
    assert dumps.version(store, graphs, dumps.dump_file("network/demo.ttl")).tag != demo.tag


def test_the_cli_writes_the_same_files(settings: Settings, graphs: Graphs, tmp_path: Path) -> None:
    runner = CliRunner()

    def cli(*args: str) -> Result:
        result = runner.invoke(main, list(args), env=environment(settings), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    cli("init")
    try:
        cli("ingest", str(VALID), "--network", "demo")
        files = (("demo.ttl", "turtle", "demo"), ("demo.jsonld", "jsonld", "demo"), ("all.nq.gz", "nquads", None))
        for name, _, network in files:
            cli("export", "-o", str(tmp_path / name), *(["--network", network] if network else []))
        stdout = cli("export", "--network", "demo", "--format", "turtle").stdout_bytes
        assert stdout == (tmp_path / "demo.ttl").read_bytes()
        with open_store(settings, create=True) as store:
            for name, format_name, network in files:
                expected = b"".join(export_stream(store, graphs, format_name, network, compress=name.endswith(".gz")))
                assert (tmp_path / name).read_bytes() == expected, name
    finally:
        with open_store(settings, create=True) as store:
            store.update("DROP ALL")


@pytest.mark.parametrize("gsp", [True, False])
@pytest.mark.parametrize("format_name", EXPORT_FORMATS)
def test_a_store_failure_comes_with_the_first_chunk_not_after_it(graphs: Graphs, format_name: str, gsp: bool) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    unreachable = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store" if gsp else None, timeout=5)
    chunks = export_stream(unreachable, graphs, format_name, compress=format_name == "nquads")
    with pytest.raises(StoreError):
        next(chunks)


def test_an_export_to_a_link_writes_the_file_it_names_and_keeps_the_link(sample_store: Store, graphs: Graphs,
                                                                        tmp_path: Path) -> None:
    """`export -o link.ttl` replaced the link by a file; as root, `-o /dev/stdout` replaced the device itself."""
    from isic_graph.publish.export import export_to_file

    target = tmp_path / "target.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    export_to_file(sample_store, graphs, link, network="fcsf")
    assert link.is_symlink() and "isic" in target.read_text()


def test_an_export_to_a_pipe_writes_through_it(sample_store: Store, graphs: Graphs, tmp_path: Path) -> None:
    import os
    import threading

    from isic_graph.publish.export import export_to_file

    pipe = tmp_path / "pipe.nq"
    os.mkfifo(pipe)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()))
    reader.start()
    written = export_to_file(sample_store, graphs, pipe, network="fcsf")
    reader.join(timeout=30)
    assert pipe.exists() and not pipe.is_file() and written == len(read[0]) > 0


@pytest.mark.parametrize("name", ["fiche.csv", "dump.rdf", "graph.owl", "notes.docx", "fiche.csv.gz"])
def test_an_export_to_a_file_named_for_another_format_is_refused(sample_store: Store, graphs: Graphs,
                                                                 tmp_path: Path, name: str) -> None:
    """`export -o fiche.csv` wrote N-Quads into a file named .csv."""
    from isic_graph.publish.export import export_to_file

    with pytest.raises(UsageError, match="names no format the export writes"):
        export_to_file(sample_store, graphs, tmp_path / name, network="fcsf")
    assert not (tmp_path / name).exists()
    assert export_to_file(sample_store, graphs, tmp_path / "dump", network="fcsf") > 0  # no extension: N-Quads


def test_an_export_to_a_link_round_a_loop_or_into_a_missing_folder_says_so(sample_store: Store, graphs: Graphs,
                                                                           tmp_path: Path) -> None:
    """A loop was a traceback; a missing folder named the hidden `.part` file."""
    from isic_graph.publish.export import export_to_file

    loop = tmp_path / "loop.nq"
    loop.symlink_to(loop)
    with pytest.raises(UsageError, match="round a loop"):
        export_to_file(sample_store, graphs, loop, network="fcsf")
    with pytest.raises(OSError) as missing:
        export_to_file(sample_store, graphs, tmp_path / "nodir" / "a.nq", network="fcsf")
    assert missing.value.filename == str(tmp_path / "nodir" / "a.nq")
