"""Who the client is: the TCP peer, or, behind a trusted reverse proxy, the address it forwarded.

A client-sent `X-Forwarded-For` means nothing: only a peer named in ISIC_TRUSTED_PROXIES is believed,
and of the addresses in the header only the right-most one that is not itself a trusted proxy (the
one the outermost trusted proxy saw) is taken; what a client wrote to the left of it is ignored.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any, Callable, Iterable, Sequence

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The addresses and networks of the reverse proxies in front of the server."""

    def __init__(self, proxies: Sequence[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The client of a request that came from `peer` with this X-Forwarded-For header."""
        if not self.trusts(peer):
            return peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if self.trusts(hop):
                continue
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a hop that is not an address: the proxy is the client named
        return peer


IPV6_HOLDER = 64  # the prefix one IPv6 subscriber is given at least: its addresses are one client's


@functools.lru_cache(maxsize=4096)  # asked of every open connection's address at each new connection
def holder(address: str) -> str:
    """Who holds a client's share of slots and budget: an IPv4 address (also when written IPv4-mapped, as a
    dual-stack socket gives it), an IPv6 address's /64 (one host may send from any of its addresses), anything
    else as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_HOLDER), strict=False))
    return str(ip)


class ForwardedClients:
    """WSGI middleware: REMOTE_ADDR becomes the forwarded client when the peer is a trusted proxy."""

    def __init__(self, app: WSGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR") or ""
        environ["isic.peer"] = peer
        environ["REMOTE_ADDR"] = self.proxies.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
        if not self.proxies.trusts(peer):
            for name in [n for n in environ if n.startswith("HTTP_X_FORWARDED_") or n == "HTTP_FORWARDED"]:
                del environ[name]
        return self.app(environ, start_response)
