"""Hostile requests against a live `isic-graph serve`: each ends in its documented status, the store
unchanged, nothing fetched from anywhere, and the server still answering.

The server runs with a 2 s query timeout, a 100-row result cap and a client budget of 5 s a minute.
Clients are told apart by their loopback source address (127.0.0.0/8 is all loopback).
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
from pyoxigraph import QueryResultsFormat, parse_query_results
from werkzeug.test import encode_multipart

from tests.support import paths
from tests.support.live import Answer, Listener, LiveServer, query, request
from tests.support.queries import RUNAWAY

ADMIN = "hostile-admin"
ALL_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
MANY_ROWS = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o"
SAMPLES = paths.ROOT / "samples"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("hostile"), {
        "ISIC_QUERY_TIMEOUT": "2", "ISIC_RESULT_LIMIT": "100", "ISIC_CLIENT_BUDGET": "5",
        "ISIC_ADMIN_TOKEN": ADMIN}).init()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


def quad_count(url: str) -> int:
    answer = query(url, ALL_QUADS, source="127.0.0.9")
    assert answer.status == 200, answer.body
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def assert_clean_problem(answer: Answer, status: int, code: str | None = None,
                         engine: str | None = None) -> dict[str, object]:
    """A problem+json of this status, naming its request, with no trace, path or the engine's address in it."""
    assert answer.status == status, answer.body[:500]
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status and body["request_id"] == answer.headers["x-request-id"]
    if code:
        assert body["code"] == code, body
    text = answer.body.decode()
    assert "Traceback" not in text and "/tmp/" not in text and "site-packages" not in text
    assert engine is None or engine not in text, text
    return body


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}/> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<{url}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * FROM <{url}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
], ids=["service", "escaped-service", "service-silent", "service-variable", "from", "from-named", "from-file"])
def test_queries_that_would_fetch_are_refused_before_any_connection(live: LiveServer, listener: Listener,
                                                                     sparql: str) -> None:
    before = quad_count(live.url)
    answer = query(live.url, sparql.replace("{url}", listener.url))
    body = assert_clean_problem(answer, 400, "bad-request", live.engine_address)
    assert any(reason in str(body["detail"]) for reason in ("SERVICE", "not a graph of this store",
                                                            "backslash outside a string"))
    time.sleep(0.2)
    assert listener.connections == 0
    assert quad_count(live.url) == before


def test_protocol_dataset_is_held_to_the_stores_graphs(live: LiveServer, listener: Listener) -> None:
    answer = query(live.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": f"{listener.url}/g"})
    assert_clean_problem(answer, 400)
    answer = query(live.url, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
                   **{"named-graph-uri": "http://169.254.169.254/latest"})
    assert_clean_problem(answer, 400)
    own = query(live.url, "SELECT (COUNT(*) AS ?n) FROM <http://localhost:5000/graph/network/anas> "
                          "WHERE { ?s a <https://w3id.org/isic/ontology#Lesson> }")
    assert own.status == 200 and int(json.loads(own.body)["results"]["bindings"][0]["n"]["value"]) > 0
    assert listener.connections == 0


def test_load_in_an_update_is_refused_before_any_connection(live: LiveServer, listener: Listener) -> None:
    before = quad_count(live.url)
    answer = request(f"{live.url}/update", "POST", f"LOAD <{listener.url}/x.ttl>".encode(),
                     {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {ADMIN}"})
    assert "LOAD is not allowed" in str(assert_clean_problem(answer, 400)["detail"])
    assert listener.connections == 0 and quad_count(live.url) == before


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE { ?s ?p " + "(" * 2000 + "1" + ")" * 2000 + " }",
], ids=["braces", "parentheses", "lists"])
def test_deep_nesting_is_refused_and_the_engine_lives(live: LiveServer, sparql: str) -> None:
    engine = live.engine_pid
    assert "nests" in str(assert_clean_problem(query(live.url, sparql), 400)["detail"])
    assert live.engine_pid == engine and quad_count(live.url) > 0


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { ?s <http://e/p> ?o" + " ; <http://e/p> ?o" * 3000 + " } LIMIT 5",
    "SELECT * WHERE { " + "?s ?p ?o . " * 5000 + "} LIMIT 5",
    "ASK { ?s ?p [ <http://e/p> ?o" + " ; <http://e/p> ?o" * 3000 + " ] }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { " + "?s ?p ?o . " * 5000 + "} }",
    "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(990)) + " }",
    "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(900)) + " {}",
    "DESCRIBE" + " <http://e/x>" * 5000,
], ids=["predicate-list", "triple-patterns", "bracketed-predicate-list", "patterns-in-exists", "binds", "projection",
        "describe"])
def test_long_pattern_chains_sent_at_once_are_refused_and_the_engine_lives(live: LiveServer, sparql: str) -> None:
    """Three such queries at once overflowed the engine's stack (each alone ran, or ran to the deadline)."""
    engine = live.engine_pid
    answers: list[Answer] = []
    senders = [threading.Thread(target=lambda source=source: answers.append(query(live.url, sparql, source=source)))
               for source in ("127.0.0.21", "127.0.0.22", "127.0.0.23")]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(60)
    assert len(answers) == 3
    for answer in answers:
        assert "combines" in str(assert_clean_problem(answer, 400)["detail"])
    assert live.engine_pid == engine and quad_count(live.url) > 0


def test_the_longest_chains_the_guard_lets_through_sent_at_once_leave_the_engine_alive(live: LiveServer) -> None:
    engine = live.engine_pid
    for sparql in ("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(490)) + " }",
                   "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(490)) + " {}",
                   "DESCRIBE" + " <http://e/x>" * 490, "SELECT (1" + "+1" * 490 + " AS ?x) {}"):
        answers: list[Answer] = []
        senders = [threading.Thread(target=lambda source=source: answers.append(
            query(live.url, sparql, accept="*/*", source=source))) for source in ("127.0.0.24", "127.0.0.25")]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(60)
        assert sorted(a.status for a in answers) == [200, 200], [a.body[:200] for a in answers]
    assert live.engine_pid == engine


def test_oversized_queries_get_413_by_post_and_414_by_get(live: LiveServer) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000
    assert_clean_problem(query(live.url, big), 413, "query-too-large")
    answer = request(f"{live.url}/sparql?{urllib.parse.urlencode({'query': big})}")
    assert_clean_problem(answer, 414, "uri-too-long")


def test_a_runaway_query_is_answered_503_in_time_and_frees_the_cpu(live: LiveServer) -> None:
    engine = live.engine_pid
    started = time.monotonic()
    answer = query(live.url, RUNAWAY, source="127.0.0.10")
    elapsed = time.monotonic() - started
    assert_clean_problem(answer, 503, "query-timeout", live.engine_address)
    assert elapsed < 2 + 1 and answer.headers["retry-after"]
    assert query(live.url, "ASK {}", source="127.0.0.11").status == 200
    assert not Path(f"/proc/{engine}").exists() or "zombie" in Path(f"/proc/{engine}/status").read_text().lower()
    fresh = live.engine_pid
    assert fresh != engine
    ticks = cpu_ticks(fresh)
    time.sleep(1.0)
    assert cpu_ticks(fresh) - ticks < 10  # under 0.1 s of CPU in a second: idle


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_an_engine_crash_mid_query_and_a_killed_engine_leave_the_server_serving(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, {"ISIC_QUERY_TIMEOUT": "20", "ISIC_QUERY_CACHE": "0",  # ask the engine
                                   "ISIC_ADMIN_TOKEN": ADMIN}).init().start()
    try:
        before = quad_count(server.url)
        engine, address = server.engine_pid, server.engine_address
        answers: list[Answer] = []
        running = threading.Thread(target=lambda: answers.append(query(server.url, RUNAWAY)))
        running.start()
        time.sleep(1.0)
        os.kill(engine, signal.SIGABRT)  # the engine aborts while running the query, as on a stack overflow
        running.join(timeout=30)
        assert_clean_problem(answers[0], 503, "store-unavailable", address)  # at once, not at the 20 s timeout
        back = wait_for_answer(server.url, seconds=10)
        assert back < 10 and server.engine_pid != engine
        os.kill(server.engine_pid, signal.SIGKILL)
        back = wait_for_answer(server.url, seconds=10)
        assert back < 10 and quad_count(server.url) == before
        deep = request(f"{server.url}/healthz?store=write", headers={"Authorization": f"Bearer {ADMIN}"})
        assert deep.json()["store"] == "writable"
    finally:
        server.stop()


def wait_for_answer(url: str, seconds: float) -> float:
    """Seconds until the server answers a query with 200 again."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if query(url, "ASK {}", source="127.0.0.12").status == 200:
            return time.monotonic() - started
        time.sleep(0.05)
    return float("inf")


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", QueryResultsFormat.JSON),
    ("application/sparql-results+xml", QueryResultsFormat.XML),
    ("text/tab-separated-values", QueryResultsFormat.TSV),
    ("text/csv", None),
])
def test_results_past_the_cap_are_cut_and_the_cut_is_said(live: LiveServer, accept: str,
                                                           fmt: QueryResultsFormat | None) -> None:
    answer = query(live.url, MANY_ROWS, accept=accept)
    assert answer.status == 200
    assert answer.headers["isic-result-limit"] == "100" and answer.headers["isic-result-truncated"] == "true"
    if fmt is None:
        assert answer.body.count(b"\r\n") == 101  # the header and 100 rows
    else:
        rows = list(parse_query_results(answer.body, format=fmt))
        assert len(rows) == 100
    small = query(live.url, "SELECT ?l WHERE { ?l a <https://w3id.org/isic/ontology#Network> }", accept=accept)
    assert small.status == 200 and small.headers["isic-result-truncated"] == "false"


def test_construct_results_past_the_cap_are_cut_too(live: LiveServer) -> None:
    answer = query(live.url, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", accept="application/n-triples")
    assert answer.status == 200 and answer.headers["isic-result-truncated"] == "true"
    assert len(answer.body.strip().splitlines()) == 100


def test_a_client_over_its_time_budget_gets_429_while_others_are_served(live: LiveServer) -> None:
    statuses = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = query(live.url, RUNAWAY, source="127.0.0.2")
        statuses.append(answer.status)
        if answer.status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {503}, statuses
    assert_clean_problem(answer, 429, "too-many-requests", live.engine_address)
    assert int(answer.headers["retry-after"]) >= 1
    other = query(live.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", source="127.0.0.3")
    assert other.status == 200


def test_bodies_over_the_limit_get_413_before_being_sent(live: LiveServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                     b"Content-Length: 104857600\r\n\r\n")
        answer = sock.recv(4096)  # the answer comes before any of the 100 MiB is sent
    assert answer.startswith(b"HTTP/1.1 413")


def test_chunked_bodies_over_the_limit_get_413(live: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        block = b"# " + b"x" * (1024 * 1024 - 3) + b"\n"
        for _ in range(40):
            yield block

    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
    try:
        connection.request("POST", "/api/validate", body=chunks(), headers={"Content-Type": "text/turtle"},
                           encode_chunked=True)
        status = connection.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = 413  # the server answered and closed while the body was still being sent
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
    finally:
        connection.close()
    assert status == 413
    assert quad_count(live.url) > 0


def test_healthz_says_the_engine_answers(live: LiveServer) -> None:
    answer = request(f"{live.url}/healthz")
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.json() == {"status": "ok", "engine": "reachable"}


def test_the_write_probe_of_healthz_is_the_administrators_and_leaves_nothing_behind(live: LiveServer) -> None:
    assert_clean_problem(request(f"{live.url}/healthz?store=write"), 401, "unauthorized")
    refused = request(f"{live.url}/healthz?store=write", headers={"Authorization": "Bearer not-the-admin"})
    assert_clean_problem(refused, 401, "unauthorized")  # a token that is nobody's (a network's would be 403)
    answer = request(f"{live.url}/healthz?store=write", headers={"Authorization": f"Bearer {ADMIN}"})
    assert answer.status == 200
    assert answer.json() == {"status": "ok", "engine": "reachable", "store": "writable"}
    probe = query(live.url, "ASK { GRAPH ?g { <urn:isic:healthz> ?p ?o } }")
    assert json.loads(probe.body)["boolean"] is False  # the write probe leaves nothing behind


def test_healthz_writes_nothing_and_changes_no_etag(live: LiveServer) -> None:
    version = Path(live.environment["ISIC_CREDENTIALS"]).parent / "store.version"
    before = version.read_text() if version.exists() else "0"
    target = f"{live.url}/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    etag = request(target, source="127.0.0.4").headers["etag"]
    page = request(f"{live.url}/maps/coverage-territories.svg", source="127.0.0.4").headers["etag"]
    for method, path in [("GET", "/healthz"), ("HEAD", "/healthz"), ("GET", "/healthz?store=write"),
                         ("GET", "/healthz?store=read"), ("GET", "/healthz?deep=1"), ("POST", "/healthz"),
                         ("GET", "/healthz/"), ("GET", "/HEALTHZ")]:
        for _ in range(3):
            request(f"{live.url}{path}", method, source="127.0.0.4")
    assert (version.read_text() if version.exists() else "0") == before
    again = request(target, headers={"If-None-Match": etag}, source="127.0.0.4")
    assert again.status == 304 and again.headers["etag"] == etag
    kept = request(f"{live.url}/maps/coverage-territories.svg", headers={"If-None-Match": page}, source="127.0.0.4")
    assert kept.status == 304


def test_request_ids_are_echoed_and_generated(live: LiveServer) -> None:
    mine = request(f"{live.url}/sparql?query=ASK%7B%7D", headers={"X-Request-Id": "client-42"})
    assert mine.headers["x-request-id"] == "client-42"
    hostile = request(f"{live.url}/sparql?query=ASK%7B%7D", headers={"X-Request-Id": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])


def test_access_log_has_one_json_line_per_request_and_no_payload(live: LiveServer) -> None:
    secret = "needle-9f2c"
    query(live.url, f'SELECT * WHERE {{ ?s ?p "{secret}" }}', source="127.0.0.4")
    time.sleep(0.2)
    lines = [json.loads(line) for line in live.log.read_text().splitlines() if line.startswith("{")]
    mine = [entry for entry in lines if entry["client"] == "127.0.0.4"]
    assert mine and mine[-1]["path"] == "/sparql" and mine[-1]["status"] == 200 and mine[-1]["request_id"]
    assert secret not in live.log.read_text()


def test_malformed_sparql_gets_400_with_its_position(live: LiveServer) -> None:
    body = assert_clean_problem(query(live.url, "SELECT * WHERE { ?s ?p }"), 400)
    assert "line" in str(body["detail"]) and "column" in str(body["detail"])


def test_invalid_utf8_and_nul_in_queries_get_400(live: LiveServer) -> None:
    answer = request(f"{live.url}/sparql", "POST", b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }",
                     {"Content-Type": "application/sparql-query"})
    assert_clean_problem(answer, 400)
    answer = query(live.url, "SELECT * WHERE { ?s ?p \"a\x00b\" }")
    assert answer.status in (200, 400)  # NUL is a legal character in a SPARQL string
    assert request(f"{live.url}/healthz").status == 200


def test_graceful_shutdown_finishes_the_write_in_flight(tmp_path: Path) -> None:
    server = LiveServer(tmp_path).init()
    token = server.cli("network", "add", "fcsf", "--name", "FCSF").stdout.strip()
    server.start()
    files = {p.name: p.read_bytes() for p in sorted((SAMPLES / "fcsf").glob("*.ttl"))}
    retitled = next(name for name, content in files.items() if b'dcterms:title "' in content)
    files[retitled] = files[retitled].replace(b'dcterms:title "', b'dcterms:title "Nouveau : ', 1)  # a real write:
    boundary, data = encode_multipart({name: _file(name, content) for name, content in files.items()})  # the samples
    outcome: list[Answer] = []  # are stored already, and a write changing nothing records nothing

    def post() -> None:
        outcome.append(request(f"{server.url}/api/networks/fcsf/sheets?mode=replace", "POST", data,
                               {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                "Authorization": f"Bearer {token}"}, timeout=60))

    writer = threading.Thread(target=post)
    writer.start()
    time.sleep(0.3)
    code = server.stop(signal.SIGTERM)
    writer.join(timeout=60)
    assert code == 0
    assert outcome and outcome[0].status in (200, 201), outcome[0].body[:300] if outcome else None
    activity = outcome[0].json()["provenance"]
    server.start()
    try:
        found = query(server.url, f"ASK {{ GRAPH ?g {{ <{activity}> ?p ?o }} }}")
        assert json.loads(found.body)["boolean"] is True
    finally:
        server.stop()


def _file(name: str, content: bytes) -> object:
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(content), filename=name, content_type="text/turtle")


@pytest.fixture(scope="module")
def network_token(live: LiveServer) -> str:
    result = live.cli("network", "add", "hostile", "--name", "Hostile")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("data,content_type,status", [
    (b"@prefix e: <http://e/> . e:s e:p " + b"[ e:p " * 50_000 + b"1" + b" ]" * 50_000 + b" .", "text/turtle", 400),
    (b'<http://e/s> <http://e/p> "' + b"x" * (3 * 1024 * 1024) + b'" .', "application/n-triples", 413),
    (b"<http://e/s> <http://e/p> ( " + b"1 " * 300_000 + b") .", "text/turtle", 413),
    (b'<http://e/s> <http://e/p> "a\x00b" .', "application/n-triples", 400),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "a">]><r>&a;</r>', "application/rdf+xml", 415),
    (b'{"@context": "http://169.254.169.254/ctx", "@id": "http://e/s"}', "application/ld+json", 400),
    (b'<http://e/s> a <http://www.w3.org/ns/shacl#NodeShape> .', "application/n-triples", 400),
    (b'<http://localhost:5000/id/group/g> a <https://w3id.org/isic/ontology#UserGroup> ; '
     b'<http://www.w3.org/2000/01/rdf-schema#label> "ecrire a paul@example.org"@fr .', "text/turtle", 422),
], ids=["nesting", "huge-literal", "huge-list", "nul", "rdf-xml", "remote-context", "shape", "personal-data"])
def test_hostile_submissions_are_refused_and_store_nothing(live: LiveServer, network_token: str, data: bytes,
                                                           content_type: str, status: int) -> None:
    before = quad_count(live.url)
    answer = request(f"{live.url}/api/networks/hostile/sheets", "POST", data,
                     {"Content-Type": content_type, "Authorization": f"Bearer {network_token}"})
    assert_clean_problem(answer, status, engine=live.engine_address)
    assert quad_count(live.url) == before
