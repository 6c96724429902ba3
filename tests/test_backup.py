"""Backups round-trip the store exactly; a damaged backup is refused before the store is touched."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.backup import BackupError, backup, restore, verify
from isic_graph.cli import main
from isic_graph.errors import StoreLocked, UsageError
from isic_graph.ingest import insert_data
from isic_graph.store import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore

BASE = "http://localhost:5000/"


def graphs_of(store: Store) -> dict[str, object]:
    """Each named graph as an rdflib graph, for comparison up to blank-node renaming."""
    from pyoxigraph import RdfFormat

    dataset = Dataset()
    dataset.parse(data=store.dump(RdfFormat.N_QUADS), format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def test_backup_and_restore_round_trip_every_graph_exactly(sample_store: Store, tmp_path: Path) -> None:
    manifest = backup(sample_store, tmp_path / "b", BASE)
    assert manifest.quads == sum(manifest.graphs.values()) == sample_store.count()
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["sha256"] == manifest.sha256
    copy = EmbeddedStore(None)
    restore(copy, tmp_path / "b")
    original, restored = graphs_of(sample_store), graphs_of(copy)
    assert original.keys() == restored.keys() and len(original) >= 5
    for name in original:
        assert isomorphic(original[name], restored[name]), name  # the ontology's blank nodes included


TRICKY = [
    Literal("deux lignes\r\net une tabulation\t, des \"guillemets\" et un \\ oblique", language="fr"),
    Literal("Québec, ½, 東京, 🧶, e\u0301, עברית", language="fr-CA"),
    Literal("colour", language="en-GB"),
    Literal("2026-11-24", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    Literal("0042", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),  # not normalised
    Literal("x y", datatype=NamedNode("urn:x:custom-type")),
    Literal(""),
]


def test_literals_blank_nodes_and_graphs_round_trip_on_each_backend(store: Store, tmp_path: Path) -> None:
    s, p, b = NamedNode("urn:x:s"), NamedNode("urn:x:p"), BlankNode()
    triples = [Triple(s, p, o) for o in TRICKY]
    triples += [Triple(s, p, b), Triple(b, p, BlankNode()), Triple(b, p, TRICKY[0])]
    store.update(insert_data("urn:x:tricky", triples))
    before, literals = graphs_of(store), literals_of(store, "urn:x:tricky")
    assert len(literals) == len(TRICKY)
    manifest = backup(store, tmp_path / "b", BASE)
    assert manifest.graphs["urn:x:tricky"] == len(triples) and manifest.quads == store.count()
    store.update('DROP GRAPH <urn:x:tricky> ; INSERT DATA { GRAPH <urn:x:later> { <urn:x:s> <urn:x:p> "new" } }')
    restore(store, tmp_path / "b", replace=True)
    after = graphs_of(store)
    assert before.keys() == after.keys() and "urn:x:later" not in after
    for name in before:
        assert isomorphic(before[name], after[name]), name
    assert literals_of(store, "urn:x:tricky") == literals  # as the store held them, byte for byte


def test_a_running_engines_store_is_backed_up_read_only_with_its_latest_writes(engine: Engine,
                                                                                 tmp_path: Path) -> None:
    live = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=60)
    live.update('INSERT DATA { GRAPH <urn:x:just-written> { <urn:x:s> <urn:x:p> "while serving" } }')
    with EmbeddedStore(engine.location, read_only=True) as store:
        manifest = backup(store, tmp_path / "live", BASE)
    assert manifest.quads > 3000 and any("/graph/network/" in g for g in manifest.graphs)
    assert manifest.graphs["urn:x:just-written"] == 1 and manifest.quads == live.count()


def test_a_running_engines_store_cannot_be_opened_for_writing(engine: Engine) -> None:
    with pytest.raises(StoreLocked, match="in use by another process"):
        EmbeddedStore(engine.location)


def literals_of(store: Store, graph: str) -> set[Literal]:
    """The literals of a graph as pyoxigraph terms (rdflib would normalise some lexical forms)."""
    return {t.object for t in store.graph_triples(graph) if isinstance(t.object, Literal)}


@pytest.fixture
def made(sample_store: Store, tmp_path: Path) -> Path:
    backup(sample_store, tmp_path / "b", BASE)
    return tmp_path / "b"


def test_one_changed_byte_is_refused_before_the_store_is_touched(made: Path) -> None:
    data = made / "store.nq.gz"
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    data.write_bytes(bytes(raw))
    target = EmbeddedStore(None)
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(target, made)
    assert target.graph_names() == []


def test_a_truncated_file_with_a_forged_checksum_is_refused(made: Path) -> None:
    data = made / "store.nq.gz"
    data.write_bytes(data.read_bytes()[:-200])
    import hashlib

    manifest = json.loads((made / "manifest.json").read_text())
    manifest.update(sha256=hashlib.sha256(data.read_bytes()).hexdigest(), bytes=data.stat().st_size)
    (made / "manifest.json").write_text(json.dumps(manifest))
    target = EmbeddedStore(None)
    with pytest.raises(BackupError):
        restore(target, made)
    assert target.graph_names() == []


def test_a_folder_without_manifest_is_not_a_backup(made: Path) -> None:
    (made / "manifest.json").unlink()
    with pytest.raises(BackupError, match="not a backup"):
        verify(made)


def test_a_non_empty_store_is_replaced_only_when_asked(made: Path) -> None:
    target = EmbeddedStore(None)
    target.update('INSERT DATA { GRAPH <urn:x:other> { <urn:x:s> <urn:x:p> "kept" } }')
    with pytest.raises(UsageError, match="--replace"):
        restore(target, made)
    assert target.graph_names() == ["urn:x:other"]
    manifest = restore(target, made, replace=True)
    assert "urn:x:other" not in target.graph_names() and target.count() == manifest.quads


def test_backup_never_writes_into_an_existing_folder(sample_store: Store, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="already exists"):
        backup(sample_store, tmp_path / "b", BASE)
    assert os.listdir(tmp_path / "b") == ["keep.txt"]


def test_the_cli_backs_up_restores_and_says_what_went_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ISIC_STORE": str(tmp_path / "store"), "ISIC_CREDENTIALS": str(tmp_path / "c.json")}
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    done = runner.invoke(main, ["backup", str(tmp_path / "b")], env=env)
    assert done.exit_code == 0 and "backed up" in done.output
    again = runner.invoke(main, ["restore", str(tmp_path / "b")], env=env)
    assert again.exit_code == 1 and "--replace" in again.output
    fresh = {**env, "ISIC_STORE": str(tmp_path / "fresh")}
    restored = runner.invoke(main, ["restore", str(tmp_path / "b")], env=fresh)
    assert restored.exit_code == 0 and "restored" in restored.output
    with gzip.open(tmp_path / "b" / "store.nq.gz", "ab") as out:
        out.write(b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n")
    broken = runner.invoke(main, ["restore", "--replace", str(tmp_path / "b")], env=fresh)
    assert broken.exit_code == 1 and "does not match its manifest" in broken.output


def test_the_cli_refuses_a_folder_that_is_not_a_backup_and_a_missing_argument(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ISIC_STORE": str(tmp_path / "store"), "ISIC_CREDENTIALS": str(tmp_path / "c.json")}
    (tmp_path / "empty").mkdir()
    refused = runner.invoke(main, ["restore", str(tmp_path / "empty")], env=env)
    assert refused.exit_code == 1 and "holds no manifest.json" in refused.output
    assert not (tmp_path / "store").exists() or EmbeddedStore(tmp_path / "store").graph_names() == []
    assert runner.invoke(main, ["backup"], env=env).exit_code == 2
    assert runner.invoke(main, ["restore"], env=env).exit_code == 2
