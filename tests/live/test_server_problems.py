"""The answers the HTTP server gives before the application reads a request (a malformed request line,
header, Content-Length or chunked body, a Transfer-Encoding it does not speak, a body or headers past its
limits, an address past its connections) are problem documents like every other error, in the client's
language, and never repeat what the client sent. Sent as raw bytes to `isic-graph serve` on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest

from tests.support.live import LiveServer

MARK = b"zq9marker"  # sent in the malformed part: never to be read back
MALFORMED = {  # the request, and the status the server answers it with
    "transfer-encoding-gzip": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    "transfer-encoding-list": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 501),
    "transfer-encoding-identity": (b"POST /api/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n",
                                   501),
    "transfer-encoding-unknown": (b"PUT /graph-store?default HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + MARK
                                  + b"\r\n\r\n", 501),
    "header-without-colon": (b"GET / HTTP/1.1\r\nHost: x\r\n" + MARK + b" header\r\n\r\n", 400),
    "space-before-colon": (b"GET / HTTP/1.1\r\nHost : x\r\nX-" + MARK + b" : y\r\n\r\n", 400),
    "control-character-in-header": (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + MARK + b"\x00\r\n\r\n", 400),
    "content-length-not-a-number": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: " + MARK + b"\r\n\r\n", 400),
    "content-length-negative": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
    "content-length-twice": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                             400),
    "chunk-size-not-hexadecimal": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   + MARK + b"\r\nabc\r\n0\r\n\r\n", 400),
    "chunk-size-past-the-limit": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  + b"f" * 22 + b"\r\n" + MARK, 413),
    "chunk-size-line-never-ending": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     + b"0" * 2000, 400),
    "header-lines-ended-by-bare-line-feeds": (b"GET /healthz HTTP/1.1\nHost: x\nX-A: " + MARK + b"\n\n", 400),
    "request-line-garbage": (MARK + b"\r\n\r\n", 400),
    "method-in-lower-case": (b"g" + MARK + b" / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "content-length-past-the-limit": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n", 413),
    "headers-past-the-limit": (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + MARK * 40_000 + b"\r\n\r\n", 431),
    # framing a proxy in front may read otherwise (RFC 9112 6.1, 3.2): refused, the connection closed after it
    "transfer-encoding-with-content-length": (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n"
                                              b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /" + MARK
                                              + b" HTTP/1.1\r\nX: \r\n\r\n", 400),
    "content-length-then-transfer-encoding-in-capitals": (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\nTRANSFER-ENCODING:\tCHUNKED\r\n\r\n0\r\n\r\n",
        400),
    "transfer-encoding-in-http-1.0": (b"POST /sparql HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    "host-twice": (b"GET / HTTP/1.1\r\nHost: x\r\nHost: " + MARK + b"\r\n\r\n", 400),
    "no-host-in-http-1.1": (b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
}


def exchange(port: int, data: bytes, source: str = "127.0.0.1", seconds: float = 10) -> bytes:
    """Send raw bytes; what comes back until the server closes the connection (or `seconds` pass)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=seconds, source_address=(source, 0))
    received = []
    try:
        try:
            sock.sendall(data)
        except OSError:  # the server answered and closed before reading everything
            pass
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            received.append(chunk)
    finally:
        sock.close()
    return b"".join(received)


def answer(raw: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body[:int(headers["content-length"])])


@pytest.mark.parametrize("request_bytes, status", MALFORMED.values(), ids=list(MALFORMED))
def test_a_request_the_server_cannot_read_gets_a_problem_document(server: LiveServer, request_bytes: bytes,
                                                                  status: int) -> None:
    raw = exchange(server.port, request_bytes)
    found, headers, problem = answer(raw)
    assert found == status and headers["content-type"] == "application/problem+json"
    assert problem["status"] == status and problem["type"].endswith(problem["code"])
    assert problem["title"] and problem["detail"] and "waitress" not in problem["detail"]
    assert MARK not in raw and b"generated by" not in raw
    assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"


def test_a_request_smuggled_after_a_body_framed_two_ways_is_never_served(server: LiveServer) -> None:
    """The smuggled request gets no answer of its own: one answer, 400, then the connection is closed."""
    raw = exchange(server.port, MALFORMED["transfer-encoding-with-content-length"][0])
    assert raw.count(b"HTTP/1.1 ") == 1 and raw.startswith(b"HTTP/1.1 400"), raw[:300]


def test_well_framed_requests_are_served_chunked_or_not_in_http_1_0_and_1_1(server: LiveServer) -> None:
    query = b"ASK {}"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query)
    for request in (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked,
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: 6\r\nConnection: close\r\n\r\n" + query,
                    b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\n\r\n"
                    + query):
        raw = exchange(server.port, request)
        assert raw.split(b"\r\n", 1)[0].split()[1] == b"200" and b'"boolean"' in raw, raw[:300]


def test_a_chunked_body_past_the_upload_limit_gets_a_problem_document(server: LiveServer) -> None:
    chunk = b"a" * (1 << 20)
    head = b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nTransfer-Encoding: chunked\r\n\r\n"
    raw = exchange(server.port, head + (b"100000\r\n" + chunk + b"\r\n") * 40 + b"0\r\n\r\n", seconds=30)
    status, headers, problem = answer(raw)
    assert status == 413 and problem["code"] == "request-entity-too-large" and "bytes" in problem["detail"]


@pytest.mark.parametrize("accept_language, french", [("fr", True), ("fr-FR,fr;q=0.9,en;q=0.8", True),
                                                     ("en;q=0.5, fr", True), ("en", False), ("de", False)])
def test_the_servers_own_problem_documents_speak_the_clients_language(server: LiveServer, accept_language: str,
                                                                       french: bool) -> None:
    request_bytes = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept-Language: {accept_language}\r\n"
                     "Transfer-Encoding: gzip\r\n\r\n").encode()
    _, _, problem = answer(exchange(server.port, request_bytes))
    assert problem["code"] == "not-implemented"
    assert ("seul le Transfer-Encoding" in problem["detail"]) is french
    assert ("only the chunked Transfer-Encoding" in problem["detail"]) is not french


@pytest.mark.parametrize("accept_language, french", [("fr", True), ("fr-FR,fr;q=0.9", True), ("en", False)])
def test_headers_past_the_limit_are_refused_in_the_language_asked_before_them(server: LiveServer,
                                                                              accept_language: str,
                                                                              french: bool) -> None:
    """Past the limit the headers are never parsed: the language is read from what came before it."""
    request_bytes = (f"GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: {accept_language}\r\nX-Big: ".encode()
                     + MARK * 40_000 + b"\r\n\r\n")
    status, _, problem = answer(exchange(server.port, request_bytes))
    assert status == 431 and problem["code"] == "request-header-fields-too-large"
    assert ("les en-têtes dépassent" in problem["detail"]) is french
    assert ("headers are larger than" in problem["detail"]) is not french


def test_an_address_past_its_connections_is_told_so_in_a_problem_document(server: LiveServer) -> None:
    sockets = []
    try:
        for _ in range(40):  # more than the 32 connections one address may hold
            sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5,
                                                    source_address=("127.0.0.7", 0)))
        told = []
        for sock in sockets:
            sock.settimeout(0.3)
            try:
                told.append(sock.recv(4096))
            except socket.timeout:
                pass
        refusals = [raw for raw in told if raw.startswith(b"HTTP/1.1 429")]
        assert refusals
        status, headers, problem = answer(refusals[0])
        assert headers["content-type"] == "application/problem+json" and headers["retry-after"]
        assert problem["code"] == "too-many-connections" and problem["status"] == 429
    finally:
        for sock in sockets:
            sock.close()
