"""The result cache: answers kept until the next write, ETags naming the store's version, 304 for conditional GETs."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask

from isic_graph.config import Settings
from isic_graph.query.cache import ResultCache, key_for
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RawResponse, RemoteStore
from isic_graph.store.version import StoreVersion
from isic_graph.web import create_app
from tests.conftest import ADMIN, BASE
from tests.support.oxigraph_server import engine_on_copy

LESSONS = "SELECT (COUNT(?l) AS ?n) WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }"


def test_the_cache_keeps_answers_of_one_version_within_its_budget() -> None:
    cache = ResultCache(max_bytes=1000)
    first = key_for("1", "ASK {}", "application/json", (), (), "all")
    cache.put(first, RawResponse(200, "application/json", b"x" * 50))
    assert cache.get(first) is not None
    cache.put(key_for("1", "q2", "a", (), (), "all"), RawResponse(500, "text/plain", b"boom"))
    assert cache.get(key_for("1", "q2", "a", (), (), "all")) is None  # failures are not kept
    cache.put(key_for("1", "big", "a", (), (), "all"), RawResponse(200, "a", b"x" * 300))
    assert cache.get(key_for("1", "big", "a", (), (), "all")) is None  # over a quarter of the budget
    later = key_for("2", "ASK {}", "application/json", (), (), "all")
    cache.put(later, RawResponse(200, "application/json", b"y"))
    assert cache.get(first) is None and cache.get(later) is not None  # a write made the old answers wrong
    for i in range(30):
        cache.put(key_for("2", f"q{i}", "a", (), (), "all"), RawResponse(200, "a", b"z" * 60))
    assert cache.get(key_for("2", "q0", "a", (), (), "all")) is None and cache.get(key_for("2", "q29", "a", (), (),
                                                                                           "all"))
    assert first.etag != later.etag and first.etag.startswith('"v1-')


def test_the_version_counts_writes(tmp_path: Path) -> None:
    version = StoreVersion(tmp_path / "store.version")
    assert version.current() == "0"
    version.bump()
    version.bump()
    assert version.current() == "2" and not list(tmp_path.glob("*.partial"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, loaded_store: Path) -> Iterator[tuple[Flask, Engine]]:
    engine = engine_on_copy(loaded_store, tmp_path_factory.mktemp("cache") / "store")
    folder = tmp_path_factory.mktemp("instance")
    application = create_app(Settings(store_path=None, base_iri=BASE, admin_token=ADMIN,
                                      credentials_path=folder / "credentials.json"), engine)
    yield application, engine
    engine.stop()


def test_a_repeated_query_is_answered_from_the_cache_and_a_write_renews_it(app: tuple[Flask, Engine]) -> None:
    application, engine = app
    client = application.test_client()
    first = client.get("/sparql", query_string={"query": LESSONS})
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    same = client.get("/sparql", query_string={"query": LESSONS}, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.headers["ETag"] == etag and same.data == b""
    added = client.post("/update", data=f"INSERT DATA {{ GRAPH <{BASE}graph/extra> {{ <{BASE}id/lesson/extra> a "
                                        "<https://w3id.org/isic/ontology#Lesson> } }",
                        headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/sparql-update"})
    assert added.status_code == 204
    after = client.get("/sparql", query_string={"query": LESSONS}, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    before_count = int(first.json["results"]["bindings"][0]["n"]["value"])
    assert int(after.json["results"]["bindings"][0]["n"]["value"]) == before_count + 1


def test_cached_answers_are_not_asked_again_and_volatile_ones_are_not_kept(app: tuple[Flask, Engine]) -> None:
    application, engine = app
    client = application.test_client()
    warm = client.get("/sparql", query_string={"query": LESSONS})
    volatile = client.get("/sparql", query_string={"query": "SELECT (RAND() AS ?r) WHERE {}"})
    assert volatile.status_code == 200 and "ETag" not in volatile.headers
    # a write behind the server's back (not through this instance) is not seen by the cached answer:
    # the answer did not come from the engine (this is why such stores want ISIC_QUERY_CACHE=0)
    behind = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=30)
    behind.update(f"INSERT DATA {{ GRAPH <{BASE}graph/behind> {{ <{BASE}id/lesson/behind> a "
                  "<https://w3id.org/isic/ontology#Lesson> } }")
    cached = client.get("/sparql", query_string={"query": LESSONS})
    assert cached.status_code == 200 and cached.data == warm.data
    fresh = client.get("/sparql", query_string={"query": f"ASK {{ <{BASE}id/lesson/behind> ?p ?o }}"})
    assert fresh.json["boolean"] is True


def test_a_cached_answer_given_without_the_framework_carries_what_the_view_gives(
        app: tuple[Flask, Engine], caplog: pytest.LogCaptureFixture) -> None:
    application, _ = app
    client = application.test_client()
    query = "SELECT ?l WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> } ORDER BY ?l LIMIT 3"
    first = client.get("/sparql", query_string={"query": query})  # computed by the view
    with caplog.at_level("INFO", logger="isic_graph.access"):
        again = client.get("/sparql", query_string={"query": query}, headers={"X-Request-Id": "again-1"})
    assert again.status_code == 200 and again.data == first.data and len(first.json["results"]["bindings"]) == 3
    varying = {"X-Request-Id", "Date"}
    assert {k: v for k, v in again.headers.items() if k not in varying} == \
        {k: v for k, v in first.headers.items() if k not in varying}
    assert again.headers["X-Request-Id"] == "again-1"
    logged = [r.getMessage() for r in caplog.records if '"again-1"' in r.getMessage()]
    assert len(logged) == 1 and '"path": "/sparql"' in logged[0] and '"status": 200' in logged[0]
    ask = "ASK { ?l a <https://w3id.org/isic/ontology#Lesson> }"
    asked = [client.get("/sparql", query_string={"query": ask}) for _ in range(2)]
    assert asked[1].json == {"head": {}, "boolean": True} and "Isic-Result-Limit" not in asked[1].headers


def test_a_client_past_its_time_budget_is_refused_even_when_the_answer_is_cached(
        tmp_path: Path, loaded_store: Path) -> None:
    engine = engine_on_copy(loaded_store, tmp_path / "engine")
    application = create_app(Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, client_budget=0.000001,
                                      credentials_path=tmp_path / "credentials.json"), engine)
    try:
        client = application.test_client()
        assert client.get("/sparql", query_string={"query": LESSONS}).status_code == 200  # spends the budget
        refused = client.get("/sparql", query_string={"query": LESSONS})
        assert refused.status_code == 429 and "Retry-After" in refused.headers
    finally:
        engine.stop()
