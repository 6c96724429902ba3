"""The first searches a fresh application answers, all at once, are answered like any other: the thesaurus
synonyms are read once, and no two threads share a stemmer."""

from __future__ import annotations

import random
import sys
import threading
from pathlib import Path

import pytest

from isic_graph.config import Settings
from isic_graph.publish.search import stems
from isic_graph.store.engine import Engine
from isic_graph.web import create_app
from tests.conftest import ADMIN, BASE


def test_concurrent_first_searches_of_a_fresh_application_are_all_answered(engine: Engine,
                                                                          tmp_path: Path) -> None:
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN,
                        credentials_path=tmp_path / "credentials.json", peers_path=tmp_path / "peers.json")
    app = create_app(settings, engine)
    chosen = random.Random(11)
    queries = ["parents " + " ".join("".join(chosen.choice("abcdeéfghilmnoprstu") for _ in range(9)) + "ements"
                                     for _ in range(24)) for _ in range(6)]
    answers: list[tuple[int, str]] = []
    ready = threading.Barrier(len(queries))

    def search(number: int, text: str) -> None:
        client = app.test_client()
        ready.wait()
        answer = client.get("/api/search", query_string={"q": text}, headers={"Accept-Language": "fr"},
                            environ_base={"REMOTE_ADDR": f"127.0.0.{number + 10}"})  # clients of their own
        answers.append((answer.status_code, answer.get_data(as_text=True)[:300]))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can: a race shows at once
    try:
        threads = [threading.Thread(target=search, args=(n, text)) for n, text in enumerate(queries)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert [status for status, _ in answers] == [200] * len(queries), answers
    alone = app.test_client().get("/api/search", query_string={"q": "parents"})
    assert alone.status_code == 200 and alone.json["total"] > 0


@pytest.fixture(autouse=True)
def _fresh_stems() -> None:
    """stems() keeps what it found: the words here are stemmed for the first time."""
    stems.cache_clear()
