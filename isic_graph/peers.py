"""The peer registry: the other networks' instances this one may query and harvest, in a JSON file.

A peer owns the IRIs under its URI space (see ownership.py), read from the `void:uriSpace` of its VoID
description (`/.well-known/void`, beside its SPARQL endpoint) when it is added, or given by the operator.

A peer's endpoint must be http(s), without credentials in the URL. Loopback, link-local, private and
reserved addresses (the usual targets of request forgery: 127.0.0.1, 169.254.169.254, 10.0.0.0/8…)
are refused unless the operator registers the peer there on purpose (`--allow-private`); the address
is checked again, after name resolution, each time the peer is called.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse

from .errors import NotFound, UsageError
from .ingest import check_slug
from .jsonfile import read_entries, write_entries
from .namespaces import VOID

VOID_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Peer:
    """A registered instance: its name, SPARQL endpoint, optional dumps address, date, and URI space."""

    name: str
    sparql: str
    dumps: str | None
    added: str
    allow_private: bool = False
    uri_space: str | None = None  # the IRIs it owns; None: only what it is first to publish here


class PeerRegistry:
    """The peers, in a JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, name: str, sparql: str, dumps: str | None = None, allow_private: bool = False,
            uri_space: str | None = None) -> Peer:
        """Register a peer (or change its addresses). Its URI space, unless given, is read from its VoID
        description; a peer to harvest (with dumps) whose description cannot be read is refused."""
        check_slug(name)
        for url in (sparql, dumps):
            if url is not None:
                check_address(url, allow_private)
        if uri_space is None:
            try:
                uri_space = read_uri_space(sparql, allow_private)
            except UsageError as exc:
                if dumps is not None:
                    raise UsageError(f"{exc.message}; give the IRIs it owns with --uri-space") from None
        elif not uri_space.startswith(("http://", "https://", "urn:")):
            raise UsageError(f"the URI space {uri_space!r} is not an absolute IRI")
        peer = Peer(name, sparql, dumps, _now(), allow_private, uri_space)
        entries = self._read()
        entries[name] = peer
        self._write(entries)
        return peer

    def remove(self, name: str) -> None:
        entries = self._read()
        if entries.pop(name, None) is None:
            raise NotFound(f"no peer {name!r}")
        self._write(entries)

    def list(self) -> list[Peer]:
        return sorted(self._read().values(), key=lambda p: p.name)

    def get(self, name: str) -> Peer:
        peer = self._read().get(name)
        if peer is None:
            raise NotFound(f"no peer {name!r}; registered: {', '.join(self._read()) or 'none'}")
        return peer

    def endpoints(self) -> frozenset[str]:
        """The SPARQL endpoints a query may name in SERVICE."""
        return frozenset(p.sparql for p in self._read().values())

    def _read(self) -> dict[str, Peer]:
        return {name: Peer(**entry) for name, entry in read_entries(self.path, "peers").items()}

    def _write(self, entries: dict[str, Peer]) -> None:
        write_entries(self.path, "peers", {name: asdict(peer) for name, peer in entries.items()}, 0o644)


def check_address(url: str, allow_private: bool = False) -> None:
    """Refuse a URL that is not plain http(s), or that points (after resolution) at a non-public address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password or parts.fragment:
        raise UsageError(f"{url!r}: no credentials or fragment in a peer's URL")
    if allow_private:
        return
    for address in _addresses(parts.hostname):
        if not address.is_global:
            raise UsageError(f"{url!r} points to {address}, a loopback, link-local, private or reserved address; "
                             "register it with --allow-private if this peer is really there")


def read_uri_space(sparql: str, allow_private: bool = False, timeout: float = 10.0) -> str:
    """The `void:uriSpace` of the VoID description beside a peer's SPARQL endpoint."""
    url = urllib.parse.urljoin(sparql, ".well-known/void")
    check_address(url, allow_private)
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            body = response.read(VOID_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise UsageError(f"the peer's VoID description {url} cannot be read: {getattr(exc, 'reason', exc)}") from None
    try:
        spaces = sorted({str(q.object.value) for q in parse(body[:VOID_BYTES], format=RdfFormat.N_TRIPLES)
                         if q.predicate.value == VOID + "uriSpace"})
    except (SyntaxError, ValueError):
        spaces = []
    if len(body) > VOID_BYTES or len(spaces) != 1:
        raise UsageError(f"the peer's VoID description {url} gives no single void:uriSpace")
    return spaces[0]


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        return [ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)]
    except OSError:
        return []  # not resolvable now: checked again when the peer is called


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a peer's redirect could lead anywhere: urllib reports it as an HTTP error instead


OPENER = urllib.request.build_opener(_NoRedirect)  # every request to a peer: harvests and SERVICE calls
