"""The one HTTP client for peers: every request to another instance (harvests, SERVICE calls) goes through it.

A request reads the peer's URL once (`peeraddress`), resolves its host once, checks every address it
resolves to (unless the peer was registered with `allow_private`), and connects to the first of those
very addresses, sending the URL's host in the Host header and, over TLS, as the server name that the
certificate must match. No redirect is followed: a 3xx is an error naming the peer. The whole request,
answer included, has one deadline, and an answer has a size cap. Every failure is a PeerUnavailable
(PeerTimeout when time ran out) naming the peer, and a failed connection says why in plain words (`_reason`:
connection refused, timed out, name not resolved…), never with a library's message or objects.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple

import urllib3
from pyoxigraph import parse
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from isic_graph import __version__
from isic_graph.errors import PeerAnswerTooLarge, PeerTimeout, PeerUnavailable, UsageError
from isic_graph.federation.address import Address, registrable, resolve
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.federation.results import read_results
from isic_graph.rdf.formats import FORMAT
from isic_graph.rdf.namespaces import PROJECT_IRI, VOID

USER_AGENT = f"isic-graph/{__version__} (+{PROJECT_IRI})"
SPARQL_AGENT = f"isic-graph/{__version__} (federated query; +{PROJECT_IRI})"
MAX_BYTES = 64 * 1024 * 1024
VOID_BYTES = 1024 * 1024
CHUNK = 64 * 1024
SPARQL_RESULTS = FORMAT["json"].media_type
VOID_FORMAT = FORMAT["ntriples"]  # how a peer's VoID description is read


@dataclass(frozen=True)
class PeerResponse:
    """A peer's answer: 200 with its body, or 304 (not modified) with none."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def get(peer: Peer, url: str, headers: Mapping[str, str], timeout: float,
        max_bytes: int = MAX_BYTES) -> PeerResponse:
    """GET a URL of the peer's; 200 or 304, anything else is a PeerUnavailable."""
    return request(peer, "GET", url, headers, None, timeout, max_bytes)


def post_sparql(peer: Peer, query: str, timeout: float, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """A SELECT sent to the peer's SPARQL endpoint; its JSON results, checked for their shape."""
    return sparql_answer(peer, query, timeout, max_bytes).results


class SparqlAnswer(NamedTuple):
    """A peer's SPARQL JSON results (at most `max_rows` + 1 rows and `max_terms` + 1 terms of them built), the
    bytes they took and the terms their rows bind, all counted."""

    results: dict[str, Any]
    size: int
    terms: int


def sparql_answer(peer: Peer, query: str, timeout: float, max_bytes: int = MAX_BYTES, max_rows: int | None = None,
                  max_terms: int | None = None) -> SparqlAnswer:
    """A SELECT sent to the peer's SPARQL endpoint: its JSON results, checked for their shape as they are parsed
    (`results.read_results`: past `max_rows` rows or `max_terms` terms, none is built), the bytes they took (read
    within max_bytes: past it, PeerAnswerTooLarge) and the terms bound."""
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    headers = {"Accept": f"{SPARQL_RESULTS}, application/json;q=0.9",
               "Content-Type": "application/x-www-form-urlencoded", "User-Agent": SPARQL_AGENT}
    answer = request(peer, "POST", peer.sparql, headers, body, timeout, max_bytes)
    result, terms = read_results(answer.body, peer, max_rows, max_terms)
    return SparqlAnswer(result, len(answer.body), terms)


def register(registry: PeerRegistry, name: str, sparql: str, dumps: str | None = None, allow_private: bool = False,
             uri_space: str | None = None, timeout: float = 10.0, base: str | None = None) -> Peer:
    """Register a peer with the URI space it owns: as given, else the `void:uriSpace` of its VoID description
    (`.well-known/void` beside its SPARQL endpoint). A peer to harvest (with dumps) whose description
    cannot be read is refused; one only queried is registered without. Either way, a space covering this
    instance's base IRI, the vocabularies' or another peer's is refused (SpaceOverlap)."""
    if uri_space is None:
        candidate = Peer(name, registrable(sparql, allow_private).url, dumps, "", allow_private)
        try:
            uri_space = read_uri_space(candidate, timeout)
        except PeerUnavailable as exc:
            if dumps is not None:
                raise UsageError(f"{exc.message}; give the IRIs it owns with --uri-space",
                                 fr=f"{exc.text('fr')} ; donnez les IRI qu'il possède par --uri-space") from None
    return registry.add(name, sparql, dumps, allow_private, uri_space, base)


def read_uri_space(peer: Peer, timeout: float) -> str:
    """The one `void:uriSpace` of the VoID description beside a peer's SPARQL endpoint."""
    url = urllib.parse.urljoin(peer.sparql, ".well-known/void")
    answer = get(peer, url, {"Accept": VOID_FORMAT.media_type}, timeout, VOID_BYTES)
    try:
        spaces = sorted({str(q.object.value) for q in parse(answer.body, format=VOID_FORMAT.rdf_format)
                         if q.predicate.value == VOID + "uriSpace"})
    except (SyntaxError, ValueError):
        spaces = []
    if len(spaces) != 1:
        raise PeerUnavailable(f"peer {peer.name}: its VoID description {url} gives no single void:uriSpace",
                              fr=f"pair {peer.name} : sa description VoID {url} ne donne pas un seul void:uriSpace")
    return spaces[0]


def request(peer: Peer, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float,
            max_bytes: int = MAX_BYTES) -> PeerResponse:
    """One request to the peer, to the address that was checked, with no redirect, a deadline and a size cap."""
    if timeout <= 0:
        raise PeerTimeout(f"no time was left to call peer {peer.name}",
                          fr=f"il ne restait pas de temps pour appeler le pair {peer.name}")
    deadline = time.monotonic() + timeout
    try:
        address = resolve(url, peer.allow_private)
    except UsageError as exc:
        raise PeerUnavailable(f"peer {peer.name}: {exc.message}", fr=f"pair {peer.name} : {exc.text('fr')}") from None
    shown = address.location.url
    headers = {"User-Agent": USER_AGENT, **headers, "Host": address.location.authority}
    for index, ip in enumerate(address.addresses):  # the next checked address only when one refuses to connect
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            return _exchange(peer, shown, _pool(address, str(ip), remaining, deadline), method,
                             address.location.target, headers, body, deadline, max_bytes)
        except NewConnectionError as exc:  # a ConnectTimeoutError to urllib3, but refused is not slow
            if index == len(address.addresses) - 1:
                raise PeerUnavailable(f"peer {peer.name} cannot be reached at {shown}: {_reason(exc)}",
                              fr=unreachable(peer, shown, exc)) from None
    raise PeerTimeout(f"peer {peer.name} did not answer in time ({shown})", fr=too_slow(peer, shown))


def _exchange(peer: Peer, shown: str, pool: urllib3.HTTPConnectionPool, method: str, target: str,
              headers: Mapping[str, str], body: bytes | None, deadline: float, max_bytes: int) -> PeerResponse:
    try:
        response = pool.urlopen(method, target, body=body, headers=dict(headers), retries=False,
                                redirect=False, assert_same_host=False, preload_content=False, decode_content=False)
        try:
            return _answer(peer, shown, response, deadline, max_bytes)
        finally:
            response.release_conn()
    except NewConnectionError:
        raise
    except (ConnectTimeoutError, ReadTimeoutError, TimeoutError):
        raise PeerTimeout(f"peer {peer.name} did not answer in time ({shown})", fr=too_slow(peer, shown)) from None
    except HTTPError as exc:
        if isinstance(getattr(exc, "reason", None), (ConnectTimeoutError, ReadTimeoutError, TimeoutError)) \
                or time.monotonic() >= deadline:  # the connection was cut at the deadline
            raise PeerTimeout(f"peer {peer.name} did not answer in time ({shown})", fr=too_slow(peer, shown)) from None
        raise PeerUnavailable(f"peer {peer.name} cannot be reached at {shown}: {_reason(exc)}",
                              fr=unreachable(peer, shown, exc)) from None
    except OSError as exc:
        if time.monotonic() >= deadline:
            raise PeerTimeout(f"peer {peer.name} did not answer in time ({shown})", fr=too_slow(peer, shown)) from None
        raise PeerUnavailable(f"peer {peer.name} cannot be reached at {shown}: {_reason(exc)}",
                              fr=unreachable(peer, shown, exc)) from None
    finally:
        pool.close()


class _CutAtDeadline:
    """A connection whose socket is shut at the request's deadline, whatever it is waiting for: a socket timeout
    bounds each read only, and a peer sending its status line and headers a byte at a time would hold the
    request for as many timeouts as it sends bytes."""

    sock: socket.socket | None

    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = threading.Timer(max(deadline - time.monotonic(), 0.0), self._cut)
        self._watch.daemon = True
        self._watch.start()

    def _cut(self) -> None:
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._watch.cancel()
        super().close()  # type: ignore[misc]


class _Connection(_CutAtDeadline, HTTPConnection):
    pass


class _TlsConnection(_CutAtDeadline, HTTPSConnection):
    pass


def _pool(address: Address, ip: str, timeout: float, deadline: float) -> urllib3.HTTPConnectionPool:
    """A connection pool to one checked address, naming the URL's host for TLS, its connection cut at the
    deadline."""
    location = address.location
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    pool: urllib3.HTTPConnectionPool
    if location.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(ip, location.port, timeout=limits, maxsize=1, retries=False,
                                           cert_reqs="CERT_REQUIRED", server_hostname=location.host,
                                           assert_hostname=location.host, deadline=deadline)
        pool.ConnectionCls = _TlsConnection
    else:
        pool = urllib3.HTTPConnectionPool(ip, location.port, timeout=limits, maxsize=1, retries=False,
                                          deadline=deadline)
        pool.ConnectionCls = _Connection
    return pool


def _answer(peer: Peer, shown: str, response: urllib3.BaseHTTPResponse, deadline: float,
            max_bytes: int) -> PeerResponse:
    status = response.status
    headers = {k.lower(): v for k, v in response.headers.items()}
    if status == 304:
        return PeerResponse(304, headers, b"")
    if 300 <= status < 400:
        raise PeerUnavailable(f"peer {peer.name} answered HTTP {status} for {shown}, a redirect "
                              f"(to {headers.get('location', 'nowhere')[:200]}), which is not followed",
                              fr=f"le pair {peer.name} a répondu HTTP {status} pour {shown}, une redirection "
                                 f"(vers {headers.get('location', 'nulle part')[:200]}), qui n'est pas suivie")
    if status != 200:
        raise PeerUnavailable(f"peer {peer.name} answered HTTP {status} for {shown}",
                              fr=f"le pair {peer.name} a répondu HTTP {status} pour {shown}")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PeerAnswerTooLarge(f"peer {peer.name}: {shown} is larger than {max_bytes} bytes", max_bytes,
                                     fr=f"pair {peer.name} : {shown} dépasse {max_bytes} octets")
    return PeerResponse(status, headers, _read(peer, shown, response, deadline, max_bytes))


def _read(peer: Peer, shown: str, response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, read before the deadline (each read may wait only for the time left) and within the cap."""
    connection = getattr(response, "connection", None)
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock = getattr(connection, "sock", None)
        if sock is not None:
            sock.settimeout(remaining)
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise PeerAnswerTooLarge(f"peer {peer.name}: {shown} is larger than {max_bytes} bytes", max_bytes,
                                     fr=f"pair {peer.name} : {shown} dépasse {max_bytes} octets")
        chunks.append(chunk)


# What a failed connection is called, by the first of these kinds found in the exception or its causes: words of
# ours, never a library's message or the repr of its objects (which name internal classes).
REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((ssl.SSLCertVerificationError,), "its TLS certificate is not trusted"),
    ((ssl.SSLError, SSLError), "the TLS handshake failed"),
    ((ConnectionRefusedError,), "connection refused"),
    ((ConnectionResetError, ConnectionAbortedError, BrokenPipeError), "connection reset"),
    ((socket.gaierror,), "name not resolved"),
    ((http.client.RemoteDisconnected, http.client.IncompleteRead, ProtocolError),
     "the connection was closed before the answer was complete"),
    ((TimeoutError, ReadTimeoutError), "timed out"),
)
ERRNOS = {errno.EHOSTUNREACH: "host unreachable", errno.ENETUNREACH: "network unreachable",
          errno.ECONNREFUSED: "connection refused", errno.ETIMEDOUT: "timed out",
          errno.EADDRNOTAVAIL: "address not available"}


def too_slow(peer: Peer, shown: str) -> str:
    return f"le pair {peer.name} n'a pas répondu à temps ({shown})"


def unreachable(peer: Peer, shown: str, exc: BaseException) -> str:
    return f"le pair {peer.name} est injoignable à {shown} (la cause, en anglais : {_reason(exc)})"


def _reason(exc: BaseException) -> str:
    """A plain phrase for why a connection failed (connection refused, timed out, name not resolved…)."""
    causes: list[BaseException] = []
    pending = [exc]
    while pending and len(causes) < 16:
        cause = pending.pop(0)
        if cause in causes:
            continue
        causes.append(cause)
        pending += [c for c in (getattr(cause, "reason", None), cause.__cause__, cause.__context__, *cause.args)
                    if isinstance(c, BaseException)]
    for kinds, phrase in REASONS:
        if any(isinstance(c, kinds) for c in causes):
            return phrase
    for cause in causes:
        if isinstance(cause, OSError) and cause.errno in ERRNOS:
            return ERRNOS[cause.errno]
    if any(isinstance(c, ConnectTimeoutError) and not isinstance(c, NewConnectionError) for c in causes):
        return "timed out"
    return "connection failed"
