"""The HTTP server's connections: waitress, with a cap on the connections one client address holds.

waitress serves a request on a thread only once it has been read whole, so slow or idle connections
cost a socket each, not a thread; but its connection limit is one for all clients together: one address
opening as many idle sockets as the limit stopped everyone else being answered. Here each address may
hold at most `per_client` open connections (the trusted proxies, which carry many clients, are not
capped); past it, a new connection is told 429 and closed at once. Idle connections are closed after
CHANNEL_TIMEOUT seconds without a byte.
"""

from __future__ import annotations

from typing import Any

from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from isic_graph.web.clients import TrustedProxies

CONNECTION_LIMIT = 500  # open connections of all clients together
CHANNEL_TIMEOUT = 30  # seconds a connection may stay without sending a byte (waitress: 120)
CLEANUP_INTERVAL = 5  # seconds between looks for such connections (waitress: 30)
REFUSAL = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nContent-Type: text/plain\r\n"
           b"Connection: close\r\nContent-Length: 53\r\n\r\nthis address holds as many connections as it may\r\n\r\n")


class CappedServer(TcpWSGIServer):  # type: ignore[misc]
    """A waitress TCP server that refuses a client address its connection past `per_client`."""

    per_client = 32
    proxies = TrustedProxies(())

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
        return sum(1 for channel in list(self.active_channels.values())
                   if isinstance(channel.addr, tuple) and channel.addr[0] == client)


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
