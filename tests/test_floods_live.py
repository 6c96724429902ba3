"""One client flooding a live `isic-graph serve` does not stop another being answered.

The flooder is 127.0.0.2, the other client 127.0.0.3 (127.0.0.0/8 is all loopback). Each flood runs
for at most FLOOD seconds from its own threads, which stop by themselves at the end; while it runs,
the other client's queries and pages must be answered 200 within CEILING seconds (the socket's
timeout: a generous ceiling, not a measure; bench/floods.py measures the latency). The server runs
with a 5 s query timeout, so that a runaway query or validation holds its slot for 5 s.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from isic_graph.config import Settings
from isic_graph.web.clients import TrustedProxies

from .live import Answer, LiveServer, child_pids, query, request
from .test_web_sparql import RUNAWAY

FLOODER, OTHER = "127.0.0.2", "127.0.0.3"
FLOOD = 8.0  # seconds a flood lasts at most
CEILING = 10.0  # seconds the other client waits at most for each answer
CONNECTIONS = 32  # the default of ISIC_CLIENT_CONNECTIONS
ISIC = "https://w3id.org/isic/ontology#"
BASE = "http://localhost:5000/"


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


def many_problems(count: int) -> bytes:
    """A sheet of `count` projects, each ending before it starts: about 4 ms of validation a project."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    lines += [f'<{BASE}id/project/p{n}> a isic:Project ; isic:startDate "2020-01-02"^^xsd:date ; '
              f'isic:endDate "2019-01-01"^^xsd:date .' for n in range(count)]
    return "\n".join(lines).encode()


@contextmanager
def flooding(work: Callable[[int, threading.Event], None], workers: int) -> Iterator[None]:
    """`workers` threads running work(index, stop) until stop is set: at the end of the block or after FLOOD s."""
    stop = threading.Event()
    timer = threading.Timer(FLOOD, stop.set)
    threads = [threading.Thread(target=work, args=(n, stop), daemon=True) for n in range(workers)]
    timer.start()
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # the flood is on
        yield
    finally:
        stop.set()
        timer.cancel()
        for thread in threads:
            thread.join(timeout=30)


def assert_the_other_client_is_served(live: LiveServer) -> None:
    """Queries (each a new one, so no cached answer) and a page, each answered 200 within CEILING seconds."""
    for n in range(3):
        answer = query(live.url, f"SELECT ?p WHERE {{ ?p a <{ISIC}Project> }} LIMIT {n + 1} # {time.time_ns()}",
                       source=OTHER, timeout=CEILING)
        assert answer.status == 200, answer.body[:300]
    page = request(f"{live.url}/search?q=logement", source=OTHER, timeout=CEILING)
    assert page.status == 200


def connect(live: LiveServer, source: str = FLOODER) -> socket.socket:
    return socket.create_connection(("127.0.0.1", live.port), timeout=5, source_address=(source, 0))


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
    sockets = []
    try:
        for _ in range(120):
            sock = connect(live)
            sock.sendall(opening)
            sockets.append(sock)
        assert_the_other_client_is_served(live)
        told = sum(refused(sock) for sock in sockets)
        assert told >= len(sockets) - CONNECTIONS  # past its connections, the flooder is turned away
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("head", [
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 1000000\r\n\r\n# ",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"100000\r\nASK {",
], ids=["slow-headers", "slow-body", "slow-chunked-body"])
def test_slow_senders_from_one_address_do_not_stop_another_being_served(live: LiveServer, head: bytes) -> None:
    def dribble(index: int, stop: threading.Event) -> None:
        """Fifty connections, each sent its head then a byte every half second; those closed are opened again."""
        held: list[socket.socket] = []
        try:
            while not stop.is_set():
                while len(held) < 50 and not stop.is_set():
                    try:
                        sock = connect(live)
                        sock.sendall(head)
                        held.append(sock)
                    except OSError:
                        break
                for sock in list(held):
                    try:
                        sock.sendall(b" ")
                    except OSError:
                        held.remove(sock)
                        sock.close()
                stop.wait(0.5)
        finally:
            for sock in held:
                sock.close()

    with flooding(dribble, 3):  # 150 connections
        assert_the_other_client_is_served(live)


@pytest.mark.parametrize("spelling", ["form", "sparql-query", "get"])
def test_parallel_runaway_queries_from_one_address_do_not_stop_another_being_served(live: LiveServer,
                                                                                    spelling: str) -> None:
    statuses: list[Answer] = []

    def runaway(index: int, stop: threading.Event) -> None:
        while not stop.is_set():
            text = f"{RUNAWAY} # {index} {time.time_ns()}"
            if spelling == "form":
                answer = query(live.url, text, source=FLOODER, timeout=60)
            elif spelling == "sparql-query":
                answer = request(f"{live.url}/sparql", "POST", text.encode(),
                                 {"Content-Type": "application/sparql-query"}, source=FLOODER, timeout=60)
            else:
                answer = request(f"{live.url}/sparql?query={urllib.parse.quote(text)}", source=FLOODER, timeout=60)
            statuses.append(answer)
            if answer.status == 429:
                stop.wait(0.05)

    with flooding(runaway, 8):
        assert_the_other_client_is_served(live)
    too_many = [a for a in statuses if a.status == 429]
    assert too_many and all(a.headers["retry-after"] for a in too_many)
    assert any("at once" in a.json()["detail"] for a in too_many), [a.body[:200] for a in too_many]
    assert {a.status for a in statuses} <= {429, 503}


def test_parallel_validations_from_one_address_do_not_stop_another_being_served(live: LiveServer,
                                                                                token: str) -> None:
    heavy = many_problems(2000)  # about 8 s of validation: stopped at the 5 s deadline
    statuses: list[int] = []

    def validate(index: int, stop: threading.Event) -> None:
        while not stop.is_set():
            if index % 4 == 3:  # the form's live check, which needs no credential
                answer = request(f"{live.url}/sheets/check", "POST", b"project.title=Flood",
                                 {"Content-Type": "application/x-www-form-urlencoded"}, source=FLOODER, timeout=60)
            else:
                answer = request(f"{live.url}/api/validate", "POST", heavy,
                                 {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
                                 source=FLOODER, timeout=60)
            statuses.append(answer.status)
            if answer.status == 429:
                stop.wait(0.05)

    with flooding(validate, 8):
        assert_the_other_client_is_served(live)
    assert 429 in statuses and set(statuses) <= {200, 422, 429, 503}, statuses


def test_parallel_map_renders_from_one_address_do_not_stop_another_being_served(live: LiveServer) -> None:
    paths = ["/maps", "/maps/partnerships.png", "/maps/partnerships.svg", "/maps/coverage-categories.png"]
    statuses: list[int] = []

    def render(index: int, stop: threading.Event) -> None:
        day = 0
        while not stop.is_set():
            day += 1  # a new filter each time: never a page kept from before
            start = f"20{index:02d}-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
            answer = request(f"{live.url}{paths[index % len(paths)]}?start={start}", source=FLOODER, timeout=60)
            statuses.append(answer.status)
            if answer.status == 429:
                stop.wait(0.05)

    with flooding(render, 8):
        assert_the_other_client_is_served(live)
    assert 429 in statuses and set(statuses) <= {200, 429}, statuses


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
    import json

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
    sockets = [connect(live, "127.0.0.5") for _ in range(CONNECTIONS + 8)]
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
