"""Two `isic-graph serve` processes over one `oxigraph serve`: each sees the other's writes at once,
and their writes never mix (they share the instance folder, hence its write lock): whole replaces, and small
changes, each written as its difference from the graph it read."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from tests.live.test_durability import (
    BASE,
    GRAPHS,
    LARGE,
    OK,
    PER_NOTE,
    described,
    notes,
    organisations,
    post,
    rows,
    subjects,
    triples_in,
)
from tests.support.live import LiveServer
from tests.support.oxigraph_server import OxigraphServer

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer, str]]:
    folder = tmp_path_factory.mktemp("shared")
    engine = OxigraphServer(folder / "oxigraph")
    shared = {"ISIC_STORE_URL": engine.query_url, "ISIC_STORE_UPDATE_URL": engine.update_url,
              "ISIC_STORE_GSP_URL": engine.store_url, "ISIC_CREDENTIALS": str(folder / "instance" / "credentials.json"),
              "ISIC_CLIENT_BUDGET": "100000"}
    for name in ("first", "second"):
        (folder / name).mkdir()
    first = LiveServer(folder / "first", dict(shared)).init()
    added = first.cli("network", "add", "east", "--name", "East")
    assert added.returncode == 0, added.stderr
    second = LiveServer(folder / "second", dict(shared))
    servers = [first.start()]
    try:
        servers.append(second.start())
        yield first, second, added.stdout.strip()
    finally:
        for server in servers:
            server.stop()
        engine.stop()


def test_a_write_through_one_server_is_seen_at_once_through_the_other(
        pair: tuple[LiveServer, LiveServer, str]) -> None:
    first, second, token = pair
    for round_, (writer, reader) in enumerate([(first, second), (second, first)]):
        sheet = organisations("east", f"seen{round_}", 5)
        assert post(writer, token, sheet, "upsert").status in OK
        assert sheet.subjects <= subjects(reader, "east")


def test_replaces_of_one_graph_through_two_servers_end_as_exactly_one_of_them(
        pair: tuple[LiveServer, LiveServer, str]) -> None:
    first, second, token = pair
    for round_ in range(3):
        sheets = [notes("east", f"s{round_}{tag}", LARGE) for tag in "ab"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda job: post(job[0], token, job[1], "replace"),
                                    [(first, sheets[0]), (second, sheets[1])]))
        assert all(a.status in OK for a in answers), [a.body[:300] for a in answers]
        kept = sorted(described(first, sheet) for sheet in sheets)
        assert kept == [0, LARGE], f"round {round_}: a mix of both replaces ({kept})"
        assert triples_in(second, GRAPHS.network("east")) == PER_NOTE * LARGE


def test_small_changes_of_one_graph_through_two_servers_end_as_exactly_one_of_them(
        pair: tuple[LiveServer, LiveServer, str]) -> None:
    """Each server reads the graph and writes what its sheet changes in it (a label): one write's difference is
    never applied to the graph the other has changed, which would keep both labels."""
    first, second, token = pair
    sheet = notes("east", "small", 50)
    assert post(first, token, sheet, "upsert").status in OK
    label, first_note = b'"Note small 0"@fr', f"{BASE}id/note/east-small-0"
    assert first_note in sheet.subjects
    for round_ in range(6):
        names = [f"Note small 0, version {round_}{side}" for side in "ab"]
        changed = [replace(sheet, body=sheet.body.replace(label, f'"{name}"@fr'.encode())) for name in names]
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda job: post(job[0], token, job[1], "upsert"),
                                    [(first, changed[0]), (second, changed[1])]))
        assert all(a.status in OK for a in answers), [a.body[:300] for a in answers]
        for where in (f"GRAPH <{GRAPHS.network('east')}> {{ <{first_note}> <{LABEL}> ?l }}",
                      f"<{first_note}> <{LABEL}> ?l"):  # the network's graph, and the default graph
            found = {r["l"] for r in rows(second, f"SELECT ?l WHERE {{ {where} }}")}
            assert len(found) == 1 and found <= set(names), f"round {round_}: {found}"


def test_the_servers_share_the_lock_file_of_their_instance_folder(
        pair: tuple[LiveServer, LiveServer, str]) -> None:
    first, _, _ = pair
    assert (Path(first.environment["ISIC_CREDENTIALS"]).parent / "writes.lock").is_file()
