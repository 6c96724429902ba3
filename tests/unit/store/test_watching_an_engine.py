"""The tests' own watch over an engine's dataset (tests/support/oxigraph_server.py `Watched`), which the refusal
tests and the engine shared between modules rely on to say "nothing was written": a read is no change, any write
that changes the dataset is one, and a write that leaves the dataset as it was is none (told by the dump)."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from isic_graph.store.engine import Engine
from tests.support.oxigraph_server import Watched, engine_state


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    started = Engine(tmp_path / "store")
    started.start()
    send(started, "update", "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1, 2 } }")
    yield started
    started.stop()


def send(engine: Engine, endpoint: str, text: str) -> bytes:
    kind = "application/sparql-update" if endpoint == "update" else "application/sparql-query"
    sent = urllib.request.Request(f"{engine.url}/{endpoint}", data=text.encode(), headers={"Content-Type": kind})
    with urllib.request.urlopen(sent, timeout=30) as answer:
        return answer.read()


def test_reads_are_no_change(engine: Engine) -> None:
    watched = Watched(engine)
    for number in range(20):
        send(engine, "query", f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} # {number}")
    assert watched.unchanged()


@pytest.mark.parametrize("write", [
    "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 3 } }",
    "DELETE DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }",
    "CREATE GRAPH <urn:x:empty>",  # a graph's name alone is part of the dataset
    "MOVE <urn:x:g> TO <urn:x:h>",
])
def test_a_write_changing_the_dataset_is_a_change(engine: Engine, write: str) -> None:
    watched = Watched(engine)
    send(engine, "update", write)
    assert not watched.unchanged()
    assert not watched.unchanged()  # and stays one


@pytest.mark.parametrize("write", [
    "DELETE DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 9 } }",  # nothing to delete
    "DELETE DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } } ; "
    "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }",
])
def test_a_write_leaving_the_dataset_as_it_was_is_no_change(engine: Engine, write: str) -> None:
    watched = Watched(engine)
    before = engine_state(engine.url)
    send(engine, "update", write)
    assert engine_state(engine.url) == before
    assert watched.unchanged()
    send(engine, "update", "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 4 } }")
    assert not watched.unchanged()  # the files it now knows changed again: told by the dump
