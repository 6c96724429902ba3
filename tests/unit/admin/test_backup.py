"""Backups round-trip the store exactly, even while served; a damaged one is refused before the store is touched."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from isic_graph import __version__
from isic_graph.admin.backup import Backup, backup, verify
from isic_graph.admin.restoration import Restored
from isic_graph.admin.restoration import restore as restore_with
from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.errors import BackupError, StoreError, UsageError
from isic_graph.rdf.namespaces import Graphs
from isic_graph.sparql.updates import insert_data
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine, serving_engine
from isic_graph.store.remote import RemoteStore
from isic_graph.validation.validator import Validator
from tests.conftest import BASE
from tests.support.isomorphism import isomorphic
from tests.support.other_backend import OtherBackend

XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = [
    Literal("deux lignes\r\net une tabulation\t, des \"guillemets\", un \\ oblique et un '", language="fr"),
    Literal("Québec, ½, 東京, 🧶, e\u0301, עברית, \u2028, \x7f", language="fr-CA"),
    Literal("colour", language="en-GB"),
    Literal("une leçon\n" * 20_000 + "fin"),  # long and multiline
    Literal("2026-11-24", datatype=NamedNode(XSD + "date")),
    Literal("0042", datatype=NamedNode(XSD + "integer")),  # Oxigraph keeps 42; that is what must come back
    Literal("1.50", datatype=NamedNode(XSD + "decimal")),
    Literal("x y", datatype=NamedNode("urn:x:custom-type")),
    Literal(""),
]


def restore(store: Store, checked: Backup, replace: bool = False, only_conforming: bool = False) -> Restored:
    """Restore as the CLI does, with this instance's graphs and the shipped shapes."""
    return restore_with(store, checked, Graphs(BASE), Validator.default(), replace, only_conforming)


def by_graph(store: Store) -> dict[str, list[Quad]]:
    """Every quad of the store, the default graph's included (under ""), by graph."""
    found: dict[str, list[Quad]] = {}
    for quad in store.stream():
        found.setdefault(getattr(quad.graph_name, "value", ""), []).append(quad)
    return found


def assert_same_content(before: dict[str, list[Quad]], after: dict[str, list[Quad]]) -> None:
    """The same graphs; in each, the same ground triples term for term, and the whole graph up to blank-node names."""
    assert sorted(before) == sorted(after)
    for name in before:
        assert len(before[name]) == len(after[name]), name
        held = ground(before[name])
        assert held == ground(after[name]), name
        if len(held) < len(before[name]):  # blank nodes (else the same ground triples are the whole graph)
            assert isomorphic(before[name], after[name]), name


def ground(quads: list[Quad]) -> set[Triple]:
    return {q.triple for q in quads if not any(isinstance(t, BlankNode) for t in (q.subject, q.object))}


@pytest.fixture(scope="module")
def sample_backup(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple[Backup, Path]:
    """The samples' store (on each backend) backed up once for the module's tests, which only read the backup:
    what backup answered, and its folder (the only thing in its parent folder)."""
    folder = tmp_path_factory.mktemp("sample-backup") / "b"
    return backup(sample_store, folder, BASE), folder


@pytest.fixture
def empty(settings: Settings) -> Iterator[Store]:
    """An empty store on each backend (as the `store` fixture's after a DROP ALL), emptied again afterwards."""
    opened = open_store(settings, create=True)
    if settings.store_url:  # the server is shared: what an earlier test left is dropped
        opened.update("DROP ALL")
    yield opened
    if settings.store_url:
        opened.update("DROP ALL")
    opened.close()


def test_backup_then_restore_into_a_fresh_store_gives_back_every_graph(sample_store: Store, empty: Store,
                                                                       sample_backup: tuple[Backup, Path]) -> None:
    manifest, folder = sample_backup
    store = empty
    restore(store, verify(folder))
    held = by_graph(sample_store)
    assert_same_content(held, by_graph(store))
    assert len(manifest.graphs) >= 5 and any("/graph/network/" in g for g in manifest.graphs)
    assert manifest.graphs == {g: len(q) for g, q in held.items()}
    assert manifest.quads == sample_store.count() and manifest.default_graph == 0


def test_the_manifest_describes_the_data_file(sample_backup: tuple[Backup, Path]) -> None:
    _, folder = sample_backup
    assert sorted(os.listdir(folder)) == ["manifest.json", "store.nq.gz"]
    assert os.listdir(folder.parent) == ["b"]  # nothing left beside it
    written = json.loads((folder / "manifest.json").read_text("utf-8"))
    data = (folder / "store.nq.gz").read_bytes()
    assert written["format"] == "isic-graph-backup/1" and written["version"] == __version__
    assert written["base_iri"] == BASE and written["file"] == "store.nq.gz"
    assert written["sha256"] == hashlib.sha256(data).hexdigest() and written["bytes"] == len(data)
    created = datetime.datetime.fromisoformat(written["created"])
    assert created.utcoffset() == datetime.timedelta(0)
    assert abs(datetime.datetime.now(datetime.timezone.utc) - created) < datetime.timedelta(minutes=5)
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert len(lines) == written["quads"] == sum(written["graphs"].values())


def test_literals_blank_nodes_and_the_default_graph_survive_on_each_backend(store: Store, tmp_path: Path) -> None:
    s, p, b = NamedNode("urn:x:s"), NamedNode("urn:x:p"), BlankNode()
    triples = [Triple(s, p, o) for o in TRICKY] + [Triple(s, p, b), Triple(b, p, BlankNode()), Triple(b, p, TRICKY[0])]
    store.update(insert_data("urn:x:tricky", triples) + " ; " + insert_data("urn:x:again", triples[:3]))
    original, held, union = by_graph(store), literals(store, "urn:x:tricky"), default_graph(store)
    assert len(held) == len(TRICKY)
    manifest = backup(store, tmp_path / "b", BASE)
    assert manifest.graphs["urn:x:tricky"] == len(triples) and manifest.default_graph == 0  # derived, not kept
    store.update('DROP GRAPH <urn:x:tricky> ; '
                 'INSERT DATA { GRAPH <urn:x:later> { <urn:x:s> <urn:x:p> "written after the backup" } }')
    restore(store, verify(tmp_path / "b"), replace=True)
    assert_same_content(original, by_graph(store))
    assert "urn:x:later" not in store.graph_names()
    assert literals(store, "urn:x:tricky") == held  # term for term: lexical forms, language tags, datatypes
    assert len(default_graph(store)) == len(union) == store.count() - 3  # each triple once, the blank nodes too


def test_a_backup_whose_default_graph_held_triples_of_its_own_keeps_them_in_their_graph(
        store: Store, tmp_path: Path) -> None:
    store.update(insert_data("urn:x:g", [Triple(NamedNode("urn:x:s"), NamedNode("urn:x:p"), Literal("named"))]))
    backup(store, tmp_path / "b", BASE)
    data, manifest_path = tmp_path / "b" / "store.nq.gz", tmp_path / "b" / "manifest.json"
    own = '<urn:x:s> <urn:x:p> "of the default graph itself"@en .\n'  # as a store of an earlier version held it
    data.write_bytes(gzip.compress(gzip.decompress(data.read_bytes()) + own.encode()))
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest.update(sha256=hashlib.sha256(data.read_bytes()).hexdigest(), bytes=data.stat().st_size,
                    quads=manifest["quads"] + 1, default_graph=1)
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    restore(store, verify(tmp_path / "b"), replace=True)
    kept = store.graph_triples(Graphs(BASE).default_own)
    assert [t.object.value for t in kept] == ["of the default graph itself"]
    answers = store.select("SELECT ?o WHERE { <urn:x:s> <urn:x:p> ?o }").rows
    assert sorted(r["o"].value for r in answers) == ["named", "of the default graph itself"]


def default_graph(store: Store) -> list[object]:
    return store.select("SELECT * WHERE { ?s ?p ?o }").rows


def test_a_store_that_is_not_empty_is_refused_on_each_backend(store: Store, tmp_path: Path) -> None:
    backup(EmbeddedStore(None), tmp_path / "nothing", BASE)
    before = by_graph(store)
    with pytest.raises(UsageError, match="--replace"):
        restore(store, verify(tmp_path / "nothing"))
    assert by_graph(store) == before
    restore(store, verify(tmp_path / "nothing"), replace=True)
    assert by_graph(store) == {}


def literals(store: Store, graph: str) -> set[Literal]:
    return {t.object for t in store.graph_triples(graph) if isinstance(t.object, Literal)}


@pytest.fixture
def live(engine: Engine) -> RemoteStore:
    """The module's running engine, written to over HTTP as the server writes to it."""
    return RemoteStore(f"{engine.url}/query", f"{engine.url}/update", f"{engine.url}/store", timeout=60)


def test_a_served_store_is_backed_up_through_its_engine_with_its_latest_writes(engine: Engine, live: RemoteStore,
                                                                               tmp_path: Path) -> None:
    live.update('INSERT DATA { GRAPH <urn:x:just-written> { <urn:x:s> <urn:x:p> "while serving" } }')
    assert serving_engine(engine.location) == engine.url
    with open_store(Settings(store_path=engine.location, base_iri=BASE), read_only=True) as store:
        assert isinstance(store, RemoteStore)  # the engine holds the store: it is read through the engine
        manifest = backup(store, tmp_path / "live", BASE)
    assert manifest.graphs["urn:x:just-written"] == 1 and manifest.quads == live.count() > 3000
    copy = EmbeddedStore(None)
    restore(copy, verify(tmp_path / "live"))
    assert_same_content(by_graph(live), by_graph(copy))


def test_restoring_a_served_store_is_refused_and_touches_nothing(engine: Engine, live: RemoteStore,
                                                                 tmp_path: Path) -> None:
    backup(EmbeddedStore(None), tmp_path / "empty", BASE)
    before = by_graph(live)
    result = cli({"ISIC_STORE": str(engine.location)}, "restore", "--replace", str(tmp_path / "empty"))
    assert result.exit_code == 1 and "in use by another process" in result.output
    assert by_graph(live) == before


def cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"ISIC_BASE_IRI": BASE, **env})


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, initialised: tuple[Path, bytes]) -> Path:
    """A backup of a store as `init` leaves it (ontology and thesauri: a copy of the one initialised once), made
    once by the CLI; tests damage copies of it."""
    folder = tmp_path_factory.mktemp("made")
    shutil.copytree(initialised[0], folder / "store")
    done = cli({"ISIC_STORE": str(folder / "store")}, "backup", str(folder / "backup"))
    assert done.exit_code == 0 and "backed up" in done.output
    return folder / "backup"


@pytest.fixture
def copy_of(made: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(made, tmp_path / "backup"))


@dataclass(frozen=True)
class Target:
    """An on-disk store to restore into: the CLI's environment for it, and what it holds."""

    path: Path
    original: dict[str, list[Quad]]  # what it held when it was made

    @property
    def env(self) -> dict[str, str]:
        return {"ISIC_STORE": str(self.path)}

    def content(self) -> dict[str, list[Quad]]:
        return content_of(self.path)


def content_of(path: Path) -> dict[str, list[Quad]]:
    with EmbeddedStore(path) as opened:
        return by_graph(opened)


@pytest.fixture(scope="module")
def target_made(tmp_path_factory: pytest.TempPathFactory) -> Target:
    """A store with one graph of its own, made once; each test has a copy of its folder."""
    folder = tmp_path_factory.mktemp("target") / "target"
    with EmbeddedStore(folder) as store:
        store.update('INSERT DATA { GRAPH <urn:x:mine> { <urn:x:s> <urn:x:p> "kept" } }')
    return Target(folder, content_of(folder))


@pytest.fixture
def target(target_made: Target, tmp_path: Path) -> Target:
    """A store with one graph of its own: a copy of the one made once, holding what it held."""
    return Target(Path(shutil.copytree(target_made.path, tmp_path / "target")), target_made.original)


def flip_one_byte(folder: Path) -> None:
    data = bytearray((folder / "store.nq.gz").read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / "store.nq.gz").write_bytes(bytes(data))


def truncate(folder: Path) -> None:
    data = folder / "store.nq.gz"
    data.write_bytes(data.read_bytes()[:-100])


def forge_checksum(folder: Path) -> None:
    data = (folder / "store.nq.gz").read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    (folder / "manifest.json").write_text(json.dumps(manifest))


def truncate_and_forge(folder: Path) -> None:
    truncate(folder)
    forge_checksum(folder)


def append_a_quad_and_forge(folder: Path) -> None:
    with gzip.open(folder / "store.nq.gz", "ab") as out:
        out.write(b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n")
    forge_checksum(folder)


def misstate_a_count(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    graph = next(iter(manifest["graphs"]))
    manifest["graphs"][graph] -= 1
    manifest["quads"] -= 1
    (folder / "manifest.json").write_text(json.dumps(manifest))


def misstate_the_total(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["quads"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))


DAMAGES = [
    pytest.param(flip_one_byte, "does not match its manifest", id="one-byte-changed"),
    pytest.param(truncate, "does not match its manifest", id="truncated"),
    pytest.param(truncate_and_forge, "cannot be read to its end", id="truncated-checksum-forged"),
    pytest.param(append_a_quad_and_forge, "does not hold what its manifest lists: <urn:x:g> 1 quads (listed: 0)",
                 id="quad-added-checksum-forged"),
    pytest.param(misstate_a_count, "does not hold what its manifest lists", id="count-misstated"),
    pytest.param(misstate_the_total, "is inconsistent", id="total-misstated"),
    pytest.param(lambda folder: (folder / "manifest.json").unlink(), "holds no manifest.json: it is not a backup",
                 id="manifest-missing"),
    pytest.param(lambda folder: (folder / "manifest.json").write_text("{ not json"), "manifest.json cannot be read",
                 id="manifest-not-json"),
    pytest.param(lambda folder: (folder / "store.nq.gz").unlink(), "store.nq.gz is missing", id="data-missing"),
    pytest.param(shutil.rmtree, "there is no backup folder", id="folder-missing"),
]


@pytest.mark.parametrize(("damage", "message"), DAMAGES)
def test_a_damaged_backup_is_refused_and_the_store_left_untouched(
        copy_of: Path, target: Target, damage: Callable[[Path], object], message: str) -> None:
    damage(copy_of)
    result = cli(target.env, "restore", "--replace", str(copy_of))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert target.content() == target.original != {}


def test_a_damaged_backup_is_refused_before_a_missing_store_is_created(copy_of: Path, tmp_path: Path) -> None:
    flip_one_byte(copy_of)
    result = cli({"ISIC_STORE": str(tmp_path / "new-store")}, "restore", str(copy_of))
    assert result.exit_code == 1 and not (tmp_path / "new-store").exists()


def test_a_store_that_is_not_empty_is_replaced_only_with_replace(copy_of: Path, target: Target) -> None:
    refused = cli(target.env, "restore", str(copy_of))
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert target.content() == target.original != {}
    replaced = cli(target.env, "restore", "--replace", str(copy_of))
    assert replaced.exit_code == 0 and "restored" in replaced.output
    manifest = json.loads((copy_of / "manifest.json").read_text())
    assert {g: len(q) for g, q in target.content().items()} == manifest["graphs"]  # urn:x:mine is gone


def test_backup_never_writes_into_a_folder_that_is_not_empty(target: Target, tmp_path: Path) -> None:
    env = target.env
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    result = cli(env, "backup", str(tmp_path / "b"))
    assert result.exit_code == 1 and "already exists" in result.output
    assert os.listdir(tmp_path / "b") == ["keep.txt"]
    assert cli(env, "backup", str(tmp_path / "b" / "keep.txt")).exit_code == 1
    (tmp_path / "empty").mkdir()
    assert cli(env, "backup", str(tmp_path / "empty")).exit_code == 0  # an empty folder is a new one
    assert sorted(os.listdir(tmp_path / "empty")) == ["manifest.json", "store.nq.gz"]


class Failing(EmbeddedStore):
    """A store whose reading fails half-way, as a store that goes away during a backup."""

    def stream(self, graph: str | None = None) -> Iterator[Quad]:
        for n, quad in enumerate(super().stream(graph)):
            if n == 50:
                raise StoreError("the store stopped answering during a read")
            yield quad


def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(tmp_path: Path) -> None:
    store = Failing(None)
    store.update(insert_data("urn:x:g", [Triple(NamedNode(f"urn:x:s{i}"), NamedNode("urn:x:p"), Literal("o"))
                                         for i in range(100)]))
    with pytest.raises(StoreError):
        backup(store, tmp_path / "b", BASE)
    assert os.listdir(tmp_path) == []


class Lossy(OtherBackend):
    """A store (written graph by graph, as a SPARQL server is) that acknowledges the writes to one graph and keeps
    none of them."""

    def _apply(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = ()) -> None:
        if "urn:x:lost" not in sparql:
            super()._apply(sparql)


def test_a_restore_that_the_store_does_not_keep_is_an_error(tmp_path: Path) -> None:
    source = EmbeddedStore(None)
    source.update('INSERT DATA { GRAPH <urn:x:kept> { <urn:x:s> <urn:x:p> "a" } '
                  'GRAPH <urn:x:lost> { <urn:x:s> <urn:x:p> "b" } }')
    backup(source, tmp_path / "b", BASE)
    with pytest.raises(BackupError, match=r"after restoring.*<urn:x:lost> 0 quads \(listed: 1\)"):
        restore(Lossy(), verify(tmp_path / "b"))


class BlankGraph(EmbeddedStore):
    """A store with a graph named by a blank node, as a remote store's N-Quads dump may show one."""

    def stream(self, graph: str | None = None) -> Iterator[Quad]:
        yield Quad(NamedNode("urn:x:s"), NamedNode("urn:x:p"), Literal("o"), BlankNode())


def test_a_graph_named_by_a_blank_node_is_refused_rather_than_left_out(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="blank node"):
        backup(BlankGraph(None), tmp_path / "b", BASE)
    assert os.listdir(tmp_path) == []


def test_usage_errors_exit_2_and_a_missing_store_is_not_created(tmp_path: Path) -> None:
    env = {"ISIC_STORE": str(tmp_path / "store")}
    assert cli(env, "backup").exit_code == 2
    assert cli(env, "restore").exit_code == 2
    assert cli(env, "restore", "--replace-all", str(tmp_path)).exit_code == 2
    missing = cli(env, "backup", str(tmp_path / "b"))
    assert missing.exit_code == 1 and "there is no store" in missing.output
    assert not (tmp_path / "store").exists() and not (tmp_path / "b").exists()


@pytest.mark.usefixtures("collector_at_every_step")
def test_a_manifest_nested_past_what_json_reading_holds_is_refused_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"format": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    with pytest.raises(BackupError, match="nests too deep"):
        verify(folder)
