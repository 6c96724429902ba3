"""The store interface behaves the same on the embedded and the remote backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from isic_graph.config import Settings
from isic_graph.errors import StoreError, StoreLocked, UsageError, StoreUnavailable
from isic_graph.store import Store, open_store
from isic_graph.store.embedded import EmbeddedStore

G = "http://example.org/g"


def test_default_graph_is_the_union_of_named_graphs(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}1> {{ <urn:a> <urn:p> "1" }} GRAPH <{G}2> {{ <urn:b> <urn:p> "2" }} }}')
    assert sorted(store.select("SELECT ?o WHERE { ?s <urn:p> ?o }").values("o")) == ["1", "2"]


def test_select_ask_and_construct_results(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> "x"@fr }} }}')
    result = store.select("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    assert result.variables == ("o",) and result.rows[0]["o"].language == "fr"
    assert store.query("ASK { <urn:a> <urn:p> ?o }") is True
    triples = store.query("CONSTRUCT { ?s <urn:q> ?o } WHERE { ?s <urn:p> ?o }")
    assert isinstance(triples, list) and str(triples[0]) == '<urn:a> <urn:q> "x"@fr'


def test_graph_names_triples_count_and_dump(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> <urn:b> . <urn:b> <urn:p> <urn:c> }} }}')
    assert G in store.graph_names()
    assert store.count(G) == 2 and len(store.graph_triples(G)) == 2
    assert f"<urn:a> <urn:p> <urn:b> <{G}> .".encode() in store.dump(RdfFormat.N_QUADS, [G])


def test_syntax_error_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError):
        store.query("SELECT WHERE")


def test_second_process_on_an_open_embedded_store_is_told_what_to_do(tmp_path: Path) -> None:
    import subprocess
    import sys

    first = EmbeddedStore(tmp_path / "s")
    try:
        code = ("from pathlib import Path; from isic_graph.store.embedded import EmbeddedStore\n"
                "from isic_graph.errors import StoreLocked\n"
                f"try:\n EmbeddedStore(Path({str(tmp_path / 's')!r}))\nexcept StoreLocked as e:\n print(e.message)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
        assert "in use by another process" in out
    finally:
        first.close()


def test_unreachable_remote_store_is_a_store_error() -> None:
    from tests.oxigraph_server import free_port

    port = free_port()
    remote = open_store(Settings(store_path=None, store_url=f"http://127.0.0.1:{port}/query", query_timeout=2))
    with pytest.raises(StoreUnavailable, match="not reachable"):
        remote.query("ASK {}")
    assert not isinstance(StoreError("x"), StoreLocked)


def test_a_write_killed_midway_leaves_all_or_nothing(tmp_path: Path) -> None:
    """Kill the writing process during a large single-request write; reopen: none or all of it is there."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "store"
    triples = 300_000
    code = f"""
from pathlib import Path
from isic_graph.store.embedded import EmbeddedStore
store = EmbeddedStore(Path({str(path)!r}))
print("ready", flush=True)
body = " .\\n".join(f'<urn:s{{i}}> <urn:p> "{{i}}"' for i in range({triples}))
store.update("INSERT DATA {{ GRAPH <urn:g> {{ " + body + " . }} }}")
print("done", flush=True)
"""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    reopened = EmbeddedStore(path)
    try:
        assert reopened.count("urn:g") in (0, triples)
    finally:
        reopened.close()
