"""Queries that overrun together at a live `isic-graph serve` (a 2 s query timeout), from several clients and sent
each way the protocol allows: every one answers 503 `query-timeout` with its message (the engine is killed once,
for the first of them, and the others had run their time too), while another client's cheap queries, sent all
along and during the restart, are answered, or told 503 `store-unavailable` with Retry-After: never
`query-timeout`, which they did not reach."""

from __future__ import annotations

import threading
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

from isic_graph.errors import StoreUnavailable
from isic_graph.query.runner import QueryService
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore
from tests.support.floods import new_query
from tests.support.live import Answer, LiveServer, query, request

TIMEOUT = 2
RUNAWAYS = [("127.0.0.11", "form", "en"), ("127.0.0.12", "get", "fr"), ("127.0.0.13", "sparql-query", "en"),
            ("127.0.0.14", "form", "fr"), ("127.0.0.15", "get", "en")]
OTHER = "127.0.0.20"
MESSAGES = {"en": f"the query ran longer than the {TIMEOUT} s limit and was stopped",
            "fr": f"la requête a dépassé le délai de {TIMEOUT} s et a été arrêtée"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("overruns"), {"ISIC_QUERY_TIMEOUT": str(TIMEOUT)}).init()
    server.start()
    yield server
    server.stop()


def runaway(url: str, source: str, spelling: str, lang: str, index: int) -> Answer:
    """A query that runs past any deadline (a cross product of the store with itself, four times); each one new."""
    text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
            f"FILTER(?a != <urn:x:{index}-{time.time_ns()}>) }}")
    headers = {"Accept-Language": lang, "Accept": "application/sparql-results+json"}
    if spelling == "form":
        body = urllib.parse.urlencode({"query": text}).encode()
        return request(f"{url}/sparql", "POST", body, {**headers, "Content-Type": "application/x-www-form-urlencoded"},
                       source=source, timeout=60)
    if spelling == "sparql-query":
        return request(f"{url}/sparql", "POST", text.encode(), {**headers, "Content-Type": "application/sparql-query"},
                       source=source, timeout=60)
    return request(f"{url}/sparql?query={urllib.parse.quote(text)}", headers=headers, source=source, timeout=60)


def overrun_together(live: LiveServer, stagger: float) -> tuple[dict[int, Answer], list[Answer]]:
    """The runaways, started together (each `stagger` seconds after the one before), and the other client's
    queries, one after another from before the first deadline until a while after the last answer."""
    answers: dict[int, Answer] = {}
    others: list[Answer] = []
    done = threading.Event()
    start = threading.Barrier(len(RUNAWAYS))

    def send(index: int) -> None:
        source, spelling, lang = RUNAWAYS[index]
        start.wait(10)
        time.sleep(index * stagger)
        answers[index] = runaway(live.url, source, spelling, lang, index)

    def ask() -> None:
        time.sleep(TIMEOUT * 0.6)
        stop_at = time.monotonic() + 60  # bounded, whatever happens
        while time.monotonic() < stop_at:
            others.append(query(live.url, new_query(), source=OTHER, timeout=20))
            if done.wait(0.02):
                break

    threads = [threading.Thread(target=send, args=(n,), daemon=True) for n in range(len(RUNAWAYS))]
    other = threading.Thread(target=ask, daemon=True)
    for thread in [*threads, other]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    time.sleep(TIMEOUT)  # the other client asks on, while the engine comes back
    done.set()
    other.join(timeout=60)
    return answers, others


def assert_query_timeout(answer: Answer, lang: str) -> None:
    assert answer.status == 503, answer.body[:300]
    problem = answer.json()
    assert problem["code"] == "query-timeout" and problem["type"].endswith("/query-timeout"), problem
    assert problem["detail"].startswith(MESSAGES[lang]) and "ISIC_QUERY_TIMEOUT" in problem["detail"], problem
    assert answer.headers["content-type"].startswith("application/problem+json") and "retry-after" in answer.headers


def assert_answered_or_unavailable(answers: list[Answer]) -> None:
    assert answers, "the other client asked nothing"
    codes = [a.status if a.status == 200 else a.json().get("code") for a in answers]
    assert set(codes) <= {200, "store-unavailable"}, codes
    for answer in answers:
        if answer.status != 200:
            assert answer.status == 503 and int(answer.headers["retry-after"]) >= 1
            assert "send it again in a moment" in answer.json()["detail"]
    assert codes[-1] == 200, codes  # the engine came back


@pytest.mark.parametrize("stagger", [0.0, 0.05, 0.2], ids=["together", "50ms-apart", "200ms-apart"])
def test_queries_overrunning_together_each_answer_query_timeout_and_another_client_never_does(
        live: LiveServer, stagger: float) -> None:
    engine = live.engine_pid
    restarts = live.log.read_text().count("query engine restarted")
    answers, others = overrun_together(live, stagger)
    assert sorted(answers) == list(range(len(RUNAWAYS)))
    for index, answer in answers.items():
        assert_query_timeout(answer, RUNAWAYS[index][2])
    assert live.engine_pid != engine  # the engine was killed, and is back
    # killed once: a query cut short with less time left than it ran is not sent again, to overrun the new engine
    assert live.log.read_text().count("query engine restarted") == restarts + 1
    assert_answered_or_unavailable(others)


def test_a_query_waiting_for_an_engine_that_does_not_come_back_is_told_store_unavailable_in_both_languages(
        tmp_path: Path) -> None:
    engine = Engine(tmp_path / "store")
    engine.start()
    store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=TIMEOUT + 5)
    engine.stop()  # away, and not started again
    with pytest.raises(StoreUnavailable) as told:
        QueryService(store, TIMEOUT, 10, engine).run("ASK {}", "application/sparql-results+json", form="ASK")
    assert "did not reach its own deadline: send it again in a moment" in told.value.text("en")
    assert "n'a pas atteint son propre délai : renvoyez-la dans un instant" in told.value.text("fr")

