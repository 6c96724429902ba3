"""A store folder put in place of another: in one exchange, or, where there is none, finished at the next opening."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.swap import put_in_place, ready, staging_folder, sweep

COMMAND = [sys.executable, "-m", "isic_graph.cli"]
MINE = 'INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "%s" } }'


def made(path: Path, word: str) -> Path:
    with EmbeddedStore(path) as store:
        store.update(MINE % word)
    return path


def word_in(path: Path) -> str:
    with EmbeddedStore(path) as store:
        return str(store.graph_triples("urn:x:g")[0].object.value)


def test_a_ready_folder_takes_the_place_of_the_store_and_the_old_one_is_given_back(tmp_path: Path) -> None:
    store = made(tmp_path / "store", "old")
    done = ready(made(staging_folder(store), "new"))
    assert done.name.startswith(".store.") and done.name.endswith(".ready")
    old = put_in_place(done, store)
    assert word_in(store) == "new" and old is not None and word_in(old) == "old"


def test_a_swap_cut_between_its_two_renames_is_finished_when_the_store_is_opened(tmp_path: Path) -> None:
    store = made(tmp_path / "store", "old")
    done = ready(made(staging_folder(store), "new"))
    os.replace(store, done.with_name(done.name.replace(".ready", ".old")))  # the first rename, then a kill
    assert word_in(store) == "new"  # opening the store finished the swap
    sweep(store)
    assert sorted(os.listdir(tmp_path)) == ["store"]


def test_leftovers_beside_a_store_in_place_are_swept_and_the_store_kept(tmp_path: Path) -> None:
    store = made(tmp_path / "store", "kept")
    made(staging_folder(store), "unfinished")
    ready(made(staging_folder(store), "finished but not swapped"))
    (tmp_path / ".other.1234.partial").mkdir()  # another store's: not ours to delete
    sweep(store)
    assert sorted(os.listdir(tmp_path)) == [".other.1234.partial", "store"] and word_in(store) == "kept"


def test_a_ready_folder_alone_is_never_put_in_place_of_a_missing_store(tmp_path: Path) -> None:
    store = tmp_path / "store"  # deleted by its operator, say, beside what an exchange left: the old store
    ready(made(staging_folder(store), "old, exchanged out"))
    with EmbeddedStore(store) as opened:
        assert opened.graph_names() == []
