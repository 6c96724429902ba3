"""What one client may hold at once: its costly requests running, counted per client address."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask

from isic_graph.config import Settings
from isic_graph.errors import TooManyAtOnce
from isic_graph.query.budget import Concurrency
from isic_graph.store.engine import Engine
from isic_graph.web import create_app
from isic_graph.web.limits import HeldBody
from tests.conftest import ADMIN, bearer
from tests.support.queries import BASE

OTHER = {"REMOTE_ADDR": "127.0.0.9"}


@pytest.fixture(scope="module")
def app(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application with one costly request at a time per client."""
    folder: Path = tmp_path_factory.mktemp("limits")
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, credentials_path=folder / "credentials.json",
                        client_concurrency=1)
    yield create_app(settings, engine)


def test_a_client_past_its_share_is_refused_and_others_are_not() -> None:
    running = Concurrency(2)
    running.acquire("a")
    running.acquire("a")
    with pytest.raises(TooManyAtOnce) as refused:
        running.acquire("a")
    assert refused.value.status == 429 and refused.value.retry_after == 1 and "at once" in refused.value.message
    running.acquire("b")
    running.release("a")
    running.acquire("a")
    assert running.running("a") == 2 and running.running("b") == 1


def test_a_held_body_gives_its_slot_back_once_whether_sent_or_closed() -> None:
    given_back: list[int] = []
    sent = HeldBody(iter(["a", "é"]), lambda: given_back.append(1))
    assert b"".join(sent) == "aé".encode() and given_back == [1]
    sent.close()
    assert given_back == [1]
    closed = HeldBody(iter([b"a"]), lambda: given_back.append(2))
    closed.close()
    closed.close()
    assert given_back == [1, 2]


def test_a_streamed_answer_holds_its_clients_slot_until_it_is_sent(app: Flask) -> None:
    client = app.test_client()
    dump = client.get("/dumps/isic-graph.nq.gz")  # streamed: its body is not read yet
    assert dump.status_code == 200 and dump.is_streamed
    for path in ("/maps/partnerships.svg", "/id/network/anas", "/search?q=x", "/graph-store?default"):
        refused = client.get(path)
        assert refused.status_code == 429 and refused.json["code"] == "too-many-requests", path
        assert refused.headers["Retry-After"] == "1" and "at once" in refused.json["detail"]
    refused = client.post("/sparql", data={"query": "ASK {}"})
    assert refused.status_code == 429
    assert client.get("/maps/partnerships.svg", environ_base=OTHER).status_code == 200
    assert client.get("/healthz").status_code == 200  # not costly
    update = {"update": "INSERT DATA { GRAPH <http://example.org/limits> { <urn:a> <urn:b> <urn:c> } }"}
    assert client.post("/update", data=update, headers=bearer(ADMIN)).status_code == 204  # writes are not held
    assert dump.data[:2] == b"\x1f\x8b"
    assert client.get("/maps/partnerships.svg").status_code == 200


def test_a_refused_or_failed_request_gives_its_slot_back(app: Flask) -> None:
    client = app.test_client()
    for _ in range(3):
        assert client.get("/id/network/nobody-at-all").status_code == 404
        assert client.get("/maps/nothing.svg").status_code == 404
        assert client.get("/maps/partnerships.svg?start=not-a-date").status_code == 400
    assert client.get("/maps/partnerships.svg").status_code == 200
