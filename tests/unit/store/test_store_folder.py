"""A load or a restoration puts a new store folder in the old one's place: whatever else the folder held (the
credentials an operator kept beside the store, a backup made into it) was deleted without a word. Such a folder is
refused before any work, naming what it holds, and a backup is not written inside the store's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from isic_graph.cli import main
from isic_graph.store.swap import foreign_entries

BASE = "http://localhost:5000/"


@pytest.fixture
def store(tmp_path: Path, initialised: tuple[Path, bytes]) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(initialised[0], folder)
    return folder


def run(store: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, list(args), env={"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(store)})
    return done.exit_code, done.output


def test_a_store_folder_holds_only_the_stores_files(store: Path) -> None:
    assert foreign_entries(store) == []


@pytest.mark.parametrize("kept", ["credentials.json", "readme.txt", "sauvegarde/"])
def test_a_load_into_a_folder_holding_other_files_is_refused_and_they_are_kept(store: Path, tmp_path: Path,
                                                                             kept: str) -> None:
    if kept.endswith("/"):
        (store / kept).mkdir()
        (store / kept / "manifest.json").write_text("{}")
    else:
        (store / kept).write_text('{"networks": {}}')
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    code, output = run(store, "load", str(data), "--graph", "https://example.org/graph/ref")
    assert code != 0 and kept in output and "would be lost" in output, output
    assert (store / kept.rstrip("/")).exists()


def test_a_backup_inside_the_stores_folder_is_refused(store: Path) -> None:
    code, output = run(store, "backup", str(store / "sauvegarde"))
    assert code != 0 and "inside the store's folder" in output, output
    assert not (store / "sauvegarde").exists()


def test_a_load_where_isic_store_names_no_store_makes_none(tmp_path: Path) -> None:
    """`ISIC_STORE=/a/mistyped/path isic-graph load …` made a new store holding that graph alone, without a word."""
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    missing = tmp_path / "a" / "b" / "store"
    code, output = run(missing, "load", str(data), "--graph", "https://example.org/graph/ref")
    assert code != 0 and "there is no store at" in output and "isic-graph init" in output, output
    assert not missing.exists() and not (tmp_path / "a").exists()


def test_a_refused_load_or_restore_writes_no_store_into_a_folder_of_other_files(tmp_path: Path, store: Path) -> None:
    """Refused, they had made a store among the files all the same (opening it created it)."""
    backup = tmp_path / "bk"
    assert run(store, "backup", str(backup))[0] == 0
    before = sorted(p.name for p in backup.iterdir())
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    for args in (["load", str(data), "--graph", "https://example.org/graph/ref"], ["restore", str(backup)]):
        code, output = run(backup, *args)
        assert code != 0, output
        assert sorted(p.name for p in backup.iterdir()) == before, args


def test_a_write_into_an_empty_folder_makes_no_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    code, output = run(tmp_path / "empty", "load", str(data), "--graph", "https://example.org/graph/ref")
    assert code != 0 and "there is no store at" in output and not any((tmp_path / "empty").iterdir()), output


def test_a_store_named_by_a_link_is_replaced_where_the_link_leads_and_the_link_kept(store: Path,
                                                                                    tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(store)
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    code, output = run(link, "load", str(data), "--graph", "https://example.org/graph/ref")
    assert code == 0, output
    assert link.is_symlink() and link.resolve() == store.resolve()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".link.")]


def test_a_folder_named_like_a_store_file_is_the_operators(store: Path, tmp_path: Path) -> None:
    (store / "999999.log").mkdir()
    assert foreign_entries(store) == ["999999.log/"]


def test_a_backup_inside_the_store_through_a_link_or_dots_is_refused(store: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(store)
    for target in (link / "bk", tmp_path / "x" / ".." / store.name / "bk"):
        code, output = run(store, "backup", str(target))
        assert code != 0 and "inside the store's folder" in output, (target, output)
    assert not (store / "bk").exists()


def test_the_current_folder_named_as_the_store_is_its_folder(store: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`ISIC_STORE=.` ended in a traceback (a path with no name to put a new folder beside)."""
    data = tmp_path / "ref.ttl"
    data.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    monkeypatch.chdir(store)
    code, output = run(Path("."), "load", str(data), "--graph", "https://example.org/graph/ref")
    assert code == 0 and "loaded 1 triple" in output, output
