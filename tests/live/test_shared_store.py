"""Two `isic-graph serve` processes over one `oxigraph serve`: each sees the other's writes at once,
and their writes never mix (they share the instance folder, hence its write lock)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from tests.live.test_durability import (
    GRAPHS,
    LARGE,
    OK,
    PER_NOTE,
    described,
    notes,
    organisations,
    post,
    subjects,
    triples_in,
)
from tests.support.live import LiveServer
from tests.support.oxigraph_server import OxigraphServer


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


def test_the_servers_share_the_lock_file_of_their_instance_folder(
        pair: tuple[LiveServer, LiveServer, str]) -> None:
    first, _, _ = pair
    assert (Path(first.environment["ISIC_CREDENTIALS"]).parent / "writes.lock").is_file()
