"""The peer client against real HTTP servers on 127.0.0.1: the checked address is the one connected to, in
whatever spelling; no redirect is followed; slow and huge answers are cut off; every failure names the peer."""

from __future__ import annotations

import http.server
import json
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from isic_graph.errors import PeerTimeout, PeerUnavailable, UsageError
from isic_graph.federation.address import locate
from isic_graph.federation.client import get, post_sparql
from isic_graph.federation.peers import Peer, PeerRegistry
from tests.support.live import Handler, Listener, PeerServer, listening

RESULTS = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], PeerServer]]:
    started: list[PeerServer] = []

    def start(answer: Handler) -> PeerServer:
        started.append(PeerServer(answer))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def canary() -> Iterator[Listener]:
    yield from listening()


def reply(status: int, body: bytes = b"", **headers: str) -> Handler:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


def peer(url: str, allow_private: bool = True) -> Peer:
    return Peer("south", url, url, "2026-01-01T00:00:00+00:00", allow_private)


def test_sparql_results_come_back_and_the_host_header_is_the_urls(serve: Callable[[Handler], PeerServer]) -> None:
    server = serve(reply(200, json.dumps(RESULTS).encode(), Content_Type="application/sparql-results+json"))
    answer = post_sparql(peer(f"http://localhost:{server.port}/sparql"), "SELECT * WHERE { ?s ?p ?o }", 10)
    assert answer == RESULTS
    sent = server.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/sparql" and sent["host"] == f"localhost:{server.port}"
    assert "query=SELECT" in sent["body"] and sent["accept"].startswith("application/sparql-results+json")


def test_a_conditional_get_sends_the_etag_and_reads_a_304(serve: Callable[[Handler], PeerServer]) -> None:
    server = serve(reply(304, ETag='"v1"'))
    answer = get(peer(f"http://127.0.0.1:{server.port}/dumps/"), f"http://127.0.0.1:{server.port}/dumps/a.ttl",
                 {"If-None-Match": '"v1"'}, 10)
    assert answer.status == 304 and answer.body == b""
    assert server.requests[0]["if-none-match"] == '"v1"'


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_naming_the_peer_and_is_not_followed(
        serve: Callable[[Handler], PeerServer], canary: Listener, status: int) -> None:
    server = serve(reply(status, Location=f"{canary.url}/inside"))
    for call in (lambda p: post_sparql(p, "ASK {}", 10), lambda p: get(p, p.sparql, {}, 10)):
        with pytest.raises(PeerUnavailable, match=f"peer south answered HTTP {status}.*redirect.*not followed"):
            call(peer(f"http://127.0.0.1:{server.port}/sparql"))
    assert canary.connections == 0


def test_a_slow_peer_times_out(serve: Callable[[Handler], PeerServer]) -> None:
    def silent(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(3)

    server = serve(silent)
    with pytest.raises(PeerTimeout, match="peer south did not answer in time"):
        post_sparql(peer(f"http://127.0.0.1:{server.port}/sparql"), "ASK {}", 0.5)


def test_a_peer_that_trickles_its_answer_times_out_by_the_deadline(serve: Callable[[Handler], PeerServer]) -> None:
    def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(40):  # one byte at a time, each well within a read timeout
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)

    server = serve(trickle)
    with pytest.raises(PeerTimeout):
        get(peer(f"http://127.0.0.1:{server.port}/"), f"http://127.0.0.1:{server.port}/big.ttl", {}, 1)


def test_a_peer_that_trickles_its_status_line_and_headers_is_cut_at_the_deadline(
        serve: Callable[[Handler], PeerServer]) -> None:
    written: list[int] = []

    def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
        for line in [b"HTTP/1.1 200 OK\r\n", *(b"X-Slow-%d: a\r\n" % n for n in range(60)),
                     b"Content-Length: 0\r\n\r\n"]:
            try:  # each line well within a read timeout, all of them far past the deadline
                handler.wfile.write(line)
                handler.wfile.flush()
            except OSError:
                return
            written.append(1)
            time.sleep(0.1)

    server = serve(trickle)
    with pytest.raises(PeerTimeout, match="peer south did not answer in time"):
        get(peer(f"http://127.0.0.1:{server.port}/"), f"http://127.0.0.1:{server.port}/dumps/", {}, 1)
    stop = time.monotonic() + 10
    while time.monotonic() < stop and len(written) < 62:  # until the peer is done, or stopped by the cut
        before = len(written)
        time.sleep(0.5)
        if len(written) == before:
            break
    assert len(written) < 62  # the connection was cut before the peer was done


def test_a_huge_answer_is_refused_declared_or_not(serve: Callable[[Handler], PeerServer]) -> None:
    declared = serve(reply(200, b"x" * 5000))

    def undeclared(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()  # no length: read until the connection closes
        handler.wfile.write(b"x" * 5000)
        handler.close_connection = True

    streamed = serve(undeclared)
    for server in (declared, streamed):
        url = f"http://127.0.0.1:{server.port}/all.ttl"
        with pytest.raises(PeerUnavailable, match="peer south: .* is larger than 1000 bytes"):
            get(peer(url), url, {}, 10, max_bytes=1000)
        assert get(peer(url), url, {}, 10, max_bytes=5000).body == b"x" * 5000


@pytest.mark.parametrize("body, problem", [
    (b"<html>not json</html>", "gave no usable answer"),
    (b'{"boolean": true}', "did not answer with SPARQL JSON results"),
    (b'{"head": {}, "results": {"bindings": [1]}}', "did not answer with SPARQL JSON results"),
])
def test_an_answer_that_is_not_sparql_results_is_refused(serve: Callable[[Handler], PeerServer], body: bytes,
                                                         problem: str) -> None:
    server = serve(reply(200, body))
    with pytest.raises(PeerUnavailable, match=f"peer south {problem}"):
        post_sparql(peer(f"http://127.0.0.1:{server.port}/sparql"), "SELECT * {}", 10)


def test_an_error_status_and_a_closed_port_name_the_peer(serve: Callable[[Handler], PeerServer]) -> None:
    server = serve(reply(500, b"boom"))
    with pytest.raises(PeerUnavailable, match="peer south answered HTTP 500"):
        post_sparql(peer(f"http://127.0.0.1:{server.port}/sparql"), "SELECT * {}", 10)
    with pytest.raises(PeerUnavailable) as refused:
        post_sparql(peer("http://127.0.0.1:9/sparql"), "SELECT * {}", 10)
    assert refused.value.message == "peer south cannot be reached at http://127.0.0.1:9/sparql: connection refused"


def test_a_peer_that_hangs_up_is_named_in_plain_words(serve: Callable[[Handler], PeerServer]) -> None:
    def hang_up(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")

    server = serve(hang_up)
    with pytest.raises(PeerUnavailable) as failed:
        post_sparql(peer(f"http://127.0.0.1:{server.port}/sparql"), "SELECT * {}", 10)
    assert failed.value.message == (f"peer south cannot be reached at http://127.0.0.1:{server.port}/sparql: "
                                    "the connection was closed before the answer was complete")


# Every way to write a loopback (or otherwise private) address that a parser, a resolver or a connect() may read
# as one; {port} is the canary's.
LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:{port}/", "http://%31%32%37.0.0.1:{port}/", "http://%31%32%37%2e0%2e0%2e1:{port}/",
    "http://2130706433:{port}/", "http://0x7f000001:{port}/", "http://017700000001:{port}/", "http://0x7f.1:{port}/",
    "http://0x7F.0x0.0x0.0x1:{port}/", "http://0177.0.0.1:{port}/", "http://0177.0.0.01:{port}/", "http://127.1:{port}/",
    "http://127.0.1:{port}/", "http://127.0.0.1.:{port}/", "http://localhost:{port}/", "http://LocalHost.:{port}/",
    "http://%6c%6f%63%61%6c%68%6f%73%74:{port}/", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{port}/",
    "http://127\u30020\u30020\u30021:{port}/", "http://[::1]:{port}/", "http://[0:0:0:0:0:0:0:1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/", "http://[::ffff:7f00:1]:{port}/", "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
    "http://[64:ff9b::7f00:1]:{port}/", "http://[2002:7f00:1::]:{port}/", "http://0:{port}/", "http://0.0.0.0:{port}/",
    "http://[::]:{port}/", "HTTP://127.0.0.1:{port}/", "http://127.0.0.1:{port}", "http://127.000.000.001:{port}/",
    "http://169.254.169.254:{port}/", "http://0xa9fea9fe:{port}/", "http://10.0.0.1:{port}/", "http://[fe80::1]:{port}/",
]
MALFORMED = [
    "http://127.0.0.1%00.example.org:{port}/", "http://[fe80::1%25lo]:{port}/", "http://example.org\\@127.0.0.1:{port}/",
    "http://127.0.0.1:{port}@example.org/", "http://user@127.0.0.1:{port}/", "http:// 127.0.0.1:{port}/",
    "http://127.0.0.1\t:{port}/", "http://256.0.0.1:{port}/", "http://1.2.3.4.5:{port}/", "http://0x7g.1:{port}/",
    "http://09.0.0.1:{port}/", "http://127.0.0.1%2f:{port}/", "http://[127.0.0.1]:{port}/", "gopher://127.0.0.1:{port}/",
    "file:///etc/passwd", "http://:{port}/", "http://127.0.0.1:{port}/#x",
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS + MALFORMED)
def test_private_addresses_in_any_spelling_are_refused_before_any_connection(
        canary: Listener, tmp_path: Path, spelling: str) -> None:
    url = spelling.format(port=canary.port)
    refused = peer(url, allow_private=False)
    with pytest.raises(PeerUnavailable, match="peer south: "):
        post_sparql(refused, "ASK {}", 5)
    with pytest.raises(PeerUnavailable, match="peer south: "):
        get(refused, url, {}, 5)
    with pytest.raises(UsageError):
        PeerRegistry(tmp_path / "peers.json").add("inside", url)
    assert canary.connections == 0


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS[:15])
def test_an_allowed_private_peer_is_connected_to_as_checked(serve: Callable[[Handler], PeerServer],
                                                            spelling: str) -> None:
    server = serve(reply(200, json.dumps(RESULTS).encode()))
    url = spelling.format(port=server.port)
    assert post_sparql(peer(url), "SELECT * {}", 10) == RESULTS
    assert server.requests[0]["host"] == locate(url).authority


def test_a_registered_peer_keeps_its_address_as_it_is_read(tmp_path: Path) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    added = registry.add("inside", "http://%31%32%37.1:7878/sparql", "HTTP://LocalHost.:7878/dumps/",
                         allow_private=True)
    assert added.sparql == "http://127.0.0.1:7878/sparql" and added.dumps == "http://localhost:7878/dumps/"


def test_tls_to_a_server_that_does_not_speak_it_names_the_peer(serve: Callable[[Handler], PeerServer]) -> None:
    server = serve(reply(200, json.dumps(RESULTS).encode()))
    with pytest.raises(PeerUnavailable) as failed:
        post_sparql(peer(f"https://127.0.0.1:{server.port}/sparql"), "SELECT * {}", 10)
    assert failed.value.message == (f"peer south cannot be reached at https://127.0.0.1:{server.port}/sparql: "
                                    "the TLS handshake failed")
