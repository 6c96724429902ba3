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
