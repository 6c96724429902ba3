"""One client flooding a live `isic-graph serve` does not stop another being answered.

The flooder is 127.0.0.2, the other client 127.0.0.3 (127.0.0.0/8 is all loopback). Each flood (see
floods.py) runs for at most 8 s from its own threads, which stop by themselves; while it runs, the
other client's queries and pages must be answered 200 within CEILING seconds (the socket's timeout:
a generous ceiling, not a measure; bench/floods.py measures the latency). The server runs with a
5 s query timeout, so that a runaway query or validation holds its slot for 5 s.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Iterator

import pytest

from isic_graph.config import Settings
from isic_graph.web.clients import TrustedProxies
from tests.support.floods import (
    BASE,
    SLOW_HEADS,
    WRITE_ROUTES,
    connect,
    dribbler,
    flooding,
    idle_connections,
    many_problems,
    map_renders,
    new_query,
    runaway_queries,
    sheet_checks,
    spread,
    validations,
    writes,
)
from tests.support.live import Answer, LiveServer, child_pids, query, request

FLOODER, OTHER = "127.0.0.2", "127.0.0.3"
CEILING = 10.0  # seconds the other client waits at most for each answer
CONNECTIONS = 32  # the default of ISIC_CLIENT_CONNECTIONS


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("floods"), {"ISIC_QUERY_TIMEOUT": "5",
                                                            "ISIC_TRUSTED_PROXIES": "127.0.0.5"}).init()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def token(live: LiveServer) -> str:
    added = live.cli("network", "add", "flood", "--name", "Flood")
    assert added.returncode == 0, added.stderr
    return added.stdout.strip()


def assert_the_other_client_is_served(live: LiveServer, source: str = OTHER) -> None:
    """Queries (each a new one, so no cached answer) and a page, each answered 200 within CEILING seconds, by a
    client that does as it is told: while the engine starts again (a runaway query, of this flood or one before it,
    stopped at its deadline), it is told 503 with Retry-After, and sends the query again then."""
    for _ in range(3):
        deadline = time.monotonic() + CEILING
        answer = query(live.url, new_query(), source=source, timeout=CEILING)
        while answer.status == 503 and answer.json()["code"] == "store-unavailable" and time.monotonic() < deadline:
            time.sleep(min(float(answer.headers["retry-after"]), max(deadline - time.monotonic(), 0)))
            answer = query(live.url, new_query(), source=source, timeout=max(deadline - time.monotonic(), 0.1))
        assert answer.status == 200 and len(answer.json()["results"]["bindings"]) == 2, answer.body[:300]
    page = request(f"{live.url}/search?q=logement", source=source, timeout=CEILING)
    assert page.status == 200


def refused(sock: socket.socket) -> bool:
    """Whether the server told this connection 429 (or closed it) at once."""
    sock.settimeout(0.3)
    try:
        first = sock.recv(64)
    except socket.timeout:
        return False
    except OSError:
        return True
    return first == b"" or first.startswith(b"HTTP/1.1 429")


@pytest.mark.parametrize("opening", [b"GET / HTTP/1.1\r\n", b"", b"POST /sparql HTTP/1.1\r\nHost: x\r\n"],
                         ids=["request-line", "nothing", "headers-unfinished"])
def test_idle_connections_from_one_address_do_not_stop_another_being_served(live: LiveServer,
                                                                            opening: bytes) -> None:
    with idle_connections(live.port, FLOODER, opening) as sockets:
        assert_the_other_client_is_served(live)
        told = sum(refused(sock) for sock in sockets)
        assert told >= len(sockets) - CONNECTIONS  # past its connections, the flooder is turned away


@pytest.mark.parametrize("head", SLOW_HEADS.values(), ids=list(SLOW_HEADS))
def test_slow_senders_from_one_address_do_not_stop_another_being_served(live: LiveServer, head: bytes) -> None:
    with flooding(dribbler(live.port, FLOODER, head), 3):  # 150 connections
        assert_the_other_client_is_served(live)


def assert_told_429_past_its_share(answers: list[Answer], others: set[int]) -> None:
    too_many = [a for a in answers if a.status == 429]
    assert too_many and all(a.headers["retry-after"] for a in too_many)
    assert any("at once" in a.json()["detail"] for a in too_many), [a.body[:200] for a in too_many]
    assert {a.status for a in answers} <= {429} | others, {a.status for a in answers}


@pytest.mark.parametrize("spelling", ["form", "sparql-query", "get"])
def test_parallel_runaway_queries_from_one_address_do_not_stop_another_being_served(live: LiveServer,
                                                                                    spelling: str) -> None:
    answers: list[Answer] = []
    with flooding(runaway_queries(live.url, FLOODER, spelling, answers), 8):
        assert_the_other_client_is_served(live)
    assert_told_429_past_its_share(answers, {503})


def test_parallel_validations_from_one_address_do_not_stop_another_being_served(live: LiveServer,
                                                                                token: str) -> None:
    answers: list[Answer] = []
    with flooding(validations(live.url, FLOODER, token, answers), 8):  # 8 s each: stopped at the 5 s deadline
        assert_the_other_client_is_served(live)
    assert_told_429_past_its_share(answers, {200, 422, 503})


def test_parallel_map_renders_from_one_address_do_not_stop_another_being_served(live: LiveServer) -> None:
    answers: list[Answer] = []
    with flooding(map_renders(live.url, FLOODER, answers), 8):
        assert_the_other_client_is_served(live)
    assert_told_429_past_its_share(answers, {200})


@pytest.mark.parametrize("route", WRITE_ROUTES)
def test_parallel_writes_with_a_networks_token_from_one_address_do_not_stop_another_being_served(
        live: LiveServer, token: str, route: str) -> None:
    """A network's token does not lift its client's share: ten writes at once (each reads and validates 3,000
    organisations) are three running and the others told 429, and those that ran were applied one at a time."""
    answers: list[Answer] = []
    with flooding(writes(live.url, FLOODER, token, "flood", route, answers), 10):
        assert_the_other_client_is_served(live)
    assert_told_429_past_its_share(answers, {200, 201, 204})
    assert any(a.status != 429 for a in answers)
    if route == "dry-run":
        return
    found = query(live.url, f"SELECT ?s WHERE {{ GRAPH <{BASE}graph/network/flood> {{ ?s a ?type }} }}",
                  source=OTHER, timeout=60)
    assert found.status == 200
    held = {row["s"]["value"].rsplit("/", 1)[-1].rsplit("-", 1)[0] for row in found.json()["results"]["bindings"]}
    assert len(found.json()["results"]["bindings"]) == 3000 and held in ({"flood-a"}, {"flood-b"}), held


MANY = {"runaway-queries": ("127.0.0.10", "127.0.0.11", "127.0.0.12"),
        "sheet-checks": ("127.0.0.13", "127.0.0.14", "127.0.0.15"),
        "mixed": ("127.0.0.16", "127.0.0.17", "127.0.0.18")}


@pytest.mark.parametrize("kind", list(MANY))
def test_three_addresses_flooding_costly_requests_do_not_stop_another_being_served(live: LiveServer, token: str,
                                                                                  kind: str) -> None:
    """Three addresses with three costly requests each would hold 9 of the server's 8 threads; the server's
    costly slots (6, half of them kept for clients holding none) leave one to the other client."""
    answers: list[Answer] = []
    queries = [runaway_queries(live.url, address, "form", answers) for address in MANY[kind]]
    checks = [sheet_checks(live.url, address, token, answers) for address in MANY[kind]]
    works = {"runaway-queries": queries, "sheet-checks": checks, "mixed": [*queries, *checks]}[kind]
    with flooding(spread(works), 3 * len(MANY[kind])):
        assert_the_other_client_is_served(live, "127.0.0.8")
    too_many = [a for a in answers if a.status == 429]
    assert too_many and all(a.headers["retry-after"] for a in too_many)  # past its share, each is told at once
    assert {a.status for a in answers} <= {200, 429, 503}, {a.status for a in answers}


def test_a_validation_past_the_deadline_is_stopped_with_503_and_its_process_killed(live: LiveServer,
                                                                                   token: str) -> None:
    answer = request(f"{live.url}/api/validate", "POST", many_problems(4000),
                     {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}, source="127.0.0.6")
    assert answer.status == 503 and answer.json()["code"] == "validation-timeout"
    assert "nothing was stored" in answer.json()["detail"] and answer.headers["retry-after"]
    assert live.process is not None
    forkservers = [pid for pid in child_pids(live.process.pid)
                   if b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert forkservers, "the dry runs' fork server is not running"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(child_pids(pid) for pid in forkservers):
        time.sleep(0.1)
    assert not any(child_pids(pid) for pid in forkservers), "a dry run outlived its deadline"


def test_an_anonymous_validation_is_refused_before_anything_runs(live: LiveServer) -> None:
    for headers in ({}, {"Authorization": "Bearer guessed"}, {"X-Forwarded-For": "127.0.0.1"}):
        answer = request(f"{live.url}/api/validate", "POST", many_problems(10),
                         {"Content-Type": "text/turtle", **headers}, source=OTHER)
        assert answer.status == 401 and answer.json()["code"] == "unauthorized"


def access_log_clients(live: LiveServer, marker: str) -> list[str]:
    lines = [json.loads(line) for line in live.log.read_text(encoding="utf-8").splitlines()
             if line.startswith("{") and marker in line]
    return [line["client"] for line in lines if line.get("user_agent") == marker]


@pytest.mark.parametrize("peer,forwarded,client", [
    ("127.0.0.5", "203.0.113.7", "203.0.113.7"),  # behind the trusted proxy: the address it forwarded
    ("127.0.0.5", "198.51.100.1, 203.0.113.8", "203.0.113.8"),  # what the client wrote to the left is ignored
    ("127.0.0.5", "203.0.113.9, 127.0.0.5", "203.0.113.9"),  # trusted hops are skipped
    ("127.0.0.5", "not-an-address", "127.0.0.5"),
    ("127.0.0.6", "203.0.113.10", "127.0.0.6"),  # from anyone else, X-Forwarded-For is ignored
])
def test_the_client_is_the_peer_unless_a_trusted_proxy_forwarded_it(live: LiveServer, peer: str, forwarded: str,
                                                                    client: str) -> None:
    marker = f"proxy-test-{time.time_ns()}"
    answer = request(f"{live.url}/search?q=x", headers={"X-Forwarded-For": forwarded, "User-Agent": marker},
                     source=peer)
    assert answer.status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not access_log_clients(live, marker):
        time.sleep(0.1)
    assert access_log_clients(live, marker) == [client]


def test_a_trusted_proxy_may_hold_more_connections_than_one_client(live: LiveServer) -> None:
    sockets = [connect(live.port, "127.0.0.5") for _ in range(CONNECTIONS + 8)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert all(sock.recv(12) == b"HTTP/1.1 200" for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("peer,forwarded,client", [
    ("10.0.0.1", "203.0.113.1", "203.0.113.1"),
    ("10.0.0.2", "203.0.113.1", "10.0.0.2"),
    ("192.168.4.4", "2001:db8::1", "2001:db8::1"),
    ("192.168.4.4", "", "192.168.4.4"),
    ("::1", "203.0.113.1", "::1"),
])
def test_trusted_proxies_are_addresses_or_networks(peer: str, forwarded: str, client: str) -> None:
    proxies = TrustedProxies(Settings.from_env({"ISIC_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}).trusted_proxies)
    assert proxies.client(peer, forwarded) == client
