"""The HTTP server's connections: waitress, with a cap on the connections one client address holds.

waitress serves a request on a thread only once it has been read whole, so slow or idle connections
cost a socket each, not a thread; but its connection limit is one for all clients together: one address
opening as many idle sockets as the limit stopped everyone else being answered. Here each address may
hold at most `per_client` open connections (the trusted proxies, which carry many clients, are not
capped); past it, a new connection is told 429 and closed at once. Idle connections are closed after
CHANNEL_TIMEOUT seconds without a byte.

The answers waitress gives itself, before the application sees the request (a malformed request line,
header, Content-Length or chunked body: 400; a body past the upload limit: 413; headers past its limit:
431; a Transfer-Encoding other than chunked: 501), are RFC 9457 problem documents like every other error,
in the client's language (English, or French when Accept-Language prefers it), in words of ours that
never repeat what the client sent; so is the 429 of an address past its connections. A header whose lines end
by a bare LF, and a chunk announced past the upload limit, are refused at once (StrictParser). What is still
waitress's own: a request whose header never ends (no blank line) gets no answer, and its connection is closed
after CHANNEL_TIMEOUT seconds; a connection closed mid-request is just closed.
"""

from __future__ import annotations

import re
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.receiver import ChunkedReceiver
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import BadRequest, RequestEntityTooLarge

from isic_graph.web.clients import TrustedProxies, holder
from isic_graph.web.headers import HEADERS
from isic_graph.web.problems import document, prefers_french

CONNECTION_LIMIT = 500  # open connections of all clients together
CHANNEL_TIMEOUT = 30  # seconds a connection may stay without sending a byte (waitress: 120)
CLEANUP_INTERVAL = 5  # seconds between looks for such connections (waitress: 30)
REFUSED = document(429, "too-many-connections", "Too many connections",
                   "this address holds as many connections as it may at once; send the next request on one of them, "
                   "or when one has closed (other addresses are not affected)")
REFUSAL = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nContent-Type: application/problem+json\r\n"
           + b"".join(f"{name}: {value}\r\n".encode() for name, value in HEADERS)
           + f"Connection: close\r\nContent-Length: {len(REFUSED)}\r\n\r\n".encode() + REFUSED)
ACCEPT_LANGUAGE = re.compile(rb"(?im)^accept-language[ \t]*:[ \t]*([^\r\n]{0,200})")
MAX_LANGUAGE_SEARCH = 262_144  # bytes of a request's head searched for it (waitress's header limit)
# What waitress found wrong, by the start of its own message: in our words, English and French.
MALFORMED = (
    (("Framing",), "its length is said two ways (Transfer-Encoding with a Content-Length, or a Transfer-Encoding in "
     "HTTP/1.0), which a proxy in front may read otherwise: send one of them", "sa longueur est dite de deux façons "
     "(un Transfer-Encoding avec un Content-Length, ou un Transfer-Encoding en HTTP/1.0), qu'un serveur mandataire "
     "devant celui-ci peut lire autrement : n'en envoyez qu'une"),
    (("Host",), "it needs exactly one Host header (HTTP/1.1)", "il lui faut exactement un en-tête Host (HTTP/1.1)"),
    (("Content-Length",), "its Content-Length is not one number of bytes",
     "son Content-Length n'est pas un nombre d'octets unique"),
    (("Invalid chunk", "Chunk", "chunk"), "its chunked body is malformed", "son corps découpé (chunked) est mal formé"),
    (("Start line", "Malformed HTTP", "Invalid HTTP"), "its request line is malformed (METHOD /target HTTP/1.1, "
     "the method in capitals)", "sa ligne de requête est mal formée (MÉTHODE /cible HTTP/1.1, la méthode en "
                                "majuscules)"),
    (("Invalid header", "Header", "Invalid"), "a header line is malformed (a name without colon, a space before the "
     "colon, or a control character)", "une ligne d'en-tête est mal formée (un nom sans deux-points, une espace avant "
     "eux, ou un caractère de contrôle)"),
)


class ProblemErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's own error answers, as problem documents."""

    def execute(self) -> None:
        error = self.request.error
        headers = getattr(self.request, "headers", {}) or {}
        french = prefers_french(str(headers.get("ACCEPT_LANGUAGE", "")) or _language_read(self.request))
        code, title, detail = _said(error.code, str(error.body), self.channel.server.adj, french)
        body = document(error.code, code, title, detail)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/problem+json"), *HEADERS])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _language_read(request: Any) -> str:
    """The Accept-Language of a request whose headers were never parsed (past the size limit: 431), from the part of
    them read before the limit."""
    found = ACCEPT_LANGUAGE.search(bytes(getattr(request, "header_plus", b""))[:MAX_LANGUAGE_SEARCH])
    return found.group(1).decode("latin-1") if found else ""


def _said(status: int, said: str, adj: Adjustments, french: bool) -> tuple[str, str, str]:
    """The code, title and detail of one of waitress's error answers."""
    if status == 413:
        return ("request-entity-too-large", "Requête trop grande" if french else "Request Entity Too Large",
                f"le corps dépasse {adj.max_request_body_size} octets, le plus que ce serveur accepte" if french else
                f"the body is larger than {adj.max_request_body_size} bytes, the most this server accepts")
    if status == 431:
        return ("request-header-fields-too-large",
                "En-têtes trop grands" if french else "Request Header Fields Too Large",
                f"la ligne de requête et les en-têtes dépassent {adj.max_request_header_size} octets" if french else
                f"the request line and headers are larger than {adj.max_request_header_size} bytes")
    if status == 501:
        return ("not-implemented", "Non pris en charge" if french else "Not Implemented",
                "seul le Transfer-Encoding chunked est accepté (ni gzip, ni identity, ni une liste) : envoyez le corps "
                "tel quel avec un Content-Length, ou en chunked" if french else
                "only the chunked Transfer-Encoding is accepted (not gzip, identity, nor a list): send the body as it "
                "is with a Content-Length, or chunked")
    if status >= 500:
        return ("internal", "Erreur interne" if french else "Internal error",
                "le serveur n'a pas pu répondre à cette requête" if french else
                "the server failed to answer this request")
    what = next(((fr if french else en) for starts, en, fr in MALFORMED if said.startswith(starts)),
                "elle n'est pas du HTTP/1.1 bien formé" if french else "it is not well-formed HTTP/1.1")
    return ("bad-request", "Requête mal formée" if french else "Bad Request",
            f"la requête n'a pas été lue : {what} ; rien n'a été fait" if french else
            f"the request was not read: {what}; nothing was done")


FRAMING_FIELD = re.compile(rb"(?im)^(transfer-encoding|content-length|host)[ \t]*:")


CHUNK_LINE = 1024  # a chunk size with its extensions: waitress's own bound, commented out in its receiver


class StrictParser(HTTPRequestParser):  # type: ignore[misc]
    """waitress's request parser, refusing what a proxy in front of the server may frame otherwise (RFC 9112):
    a Transfer-Encoding with a Content-Length, or in an HTTP/1.0 request (6.1, request smuggling: the server read
    such a body as chunked and served what followed it as a second request), and several Host headers, or none
    in HTTP/1.1 (3.2). Refused 400, and the connection closed after the answer, as for every malformed request."""

    completed: bool  # waitress's, untyped

    def received(self, data: bytes) -> int:
        """waitress's reading, refusing at once (not after the whole body, or never) a header whose lines end by a
        bare LF (400), a chunk-size line longer than CHUNK_LINE bytes (400), and a chunk announced past the upload
        limit (`ffffffffffffffffffff`: 413)."""
        if self.body_rcv is None and not self.completed:
            head = self.header_plus + data
            end = head.find(b"\r\n\r\n")
            if head.find(b"\n\n", 0, end if end >= 0 else len(head)) >= 0:
                self.parse_header(b"GET / HTTP/1.0\r\n")
                self.error = BadRequest("Header lines ended by a bare LF")
                self.completed = True
                return len(data)
        consumed: int = super().received(data)
        rcv = self.body_rcv
        if isinstance(rcv, ChunkedReceiver) and not self.completed and not rcv.error:
            limit = self.adj.max_request_body_size
            if self.body_bytes_received + rcv.chunk_remainder >= limit:
                self.error = RequestEntityTooLarge(f"exceeds max_body of {limit}")
                self.completed = True
            elif len(rcv.control_line) > CHUNK_LINE:
                self.error = BadRequest("Invalid chunk size")
                self.completed = True
        return consumed

    def parse_header(self, header_plus: bytes) -> None:
        named = [name.lower() for name in FRAMING_FIELD.findall(header_plus.partition(b"\r\n")[2])]
        super().parse_header(header_plus)
        if b"transfer-encoding" in named and (b"content-length" in named or self.version == "1.0"):
            raise ParsingError("Framing: a Transfer-Encoding with a Content-Length, or in HTTP/1.0")
        if named.count(b"host") > 1 or (self.version == "1.1" and b"host" not in named):
            raise ParsingError("Host: none or several")


class ProblemChannel(HTTPChannel):  # type: ignore[misc]
    error_task_class = ProblemErrorTask
    parser_class = StrictParser


class CappedServer(TcpWSGIServer):  # type: ignore[misc]
    """A waitress TCP server that refuses a client address its connection past `per_client`."""

    per_client = 32
    proxies = TrustedProxies(())
    channel_class = ProblemChannel

    def handle_accept(self) -> None:
        try:
            accepted = self.accept()
            if accepted is None:
                return
            conn, addr = accepted
            self.set_socket_options(conn)
        except OSError:
            return  # the peer left before we got to it; nothing to serve
        client = str(addr[0]) if isinstance(addr, tuple) else ""
        if client and not self.proxies.trusts(client) and self.open_connections(client) >= self.per_client:
            try:
                conn.send(REFUSAL)
            except OSError:
                pass
            conn.close()
            return
        self.channel_class(self, conn, addr, self.adj, map=self._map)

    def open_connections(self, client: str) -> int:
        held = holder(client)  # an IPv6 address's /64, an IPv4-mapped address's IPv4 one: one client's
        return sum(1 for channel in list(self.active_channels.values())
                   if isinstance(channel.addr, tuple) and holder(str(channel.addr[0])) == held)


def create_servers(app: Any, host: str, port: int, threads: int, per_client: int, proxies: TrustedProxies,
                   **adjustments: Any) -> tuple[dict[int, Any], list[CappedServer]]:
    """One capped server per address `host` resolves to, sharing one socket map and one pool of threads.

    Without trusted proxies, waitress drops every X-Forwarded-* header; with them, ForwardedClients (web/clients.py)
    reads X-Forwarded-For from those proxies only and drops the headers of everyone else."""
    adj = Adjustments(host=host, port=port, threads=threads, connection_limit=CONNECTION_LIMIT,
                      channel_timeout=CHANNEL_TIMEOUT, cleanup_interval=CLEANUP_INTERVAL, asyncore_use_poll=True,
                      clear_untrusted_proxy_headers=not proxies, **adjustments)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    socket_map: dict[int, Any] = {}
    servers = []
    for sockinfo in adj.listen:
        server = CappedServer(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
        server.per_client = per_client
        server.proxies = proxies
        servers.append(server)
    return socket_map, servers
