"""The peer registry: the other networks' instances this one may query and harvest, in a JSON file.

A peer owns the IRIs under its URI space (see ownership.py): the `void:uriSpace` of its VoID description,
read when it is added (peerclient.register), or given by the operator. It owns them from then on: the
ownership checks read this registry (the path is in Graphs), before the peer's first harvest as after.

A peer's endpoint must be http(s), without credentials in the URL; it is kept as `peeraddress` reads it
(host decoded and normalised). Loopback, link-local, private and reserved addresses (the usual targets
of request forgery: 127.0.0.1, 169.254.169.254, 10.0.0.0/8…), in any spelling, are refused unless the
operator registers the peer there on purpose (`--allow-private`); the address is checked again, after
name resolution, each time the peer is called (`peerclient`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from isic_graph.errors import NotFound, UsageError
from isic_graph.federation.address import registrable
from isic_graph.rdf.namespaces import PEER_NAME, check_slug
from isic_graph.store.jsonfile import read_entries, write_entries


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
        """Register a peer (or change its addresses), owning the IRIs under uri_space (see
        peerclient.register, which reads it from the peer)."""
        check_slug(name, PEER_NAME)
        sparql = registrable(sparql, allow_private).url
        dumps = registrable(dumps, allow_private).url if dumps is not None else None
        if uri_space is not None and not uri_space.startswith(("http://", "https://", "urn:")):
            raise UsageError(f"the URI space {uri_space!r} is not an absolute IRI")
        if uri_space is not None and not re.match(r"(?:https?://[^/?#\s]+|urn:[^:\s]+:)", uri_space, re.IGNORECASE):
            # the peer owns every IRI under it at once: "http://" or "urn:" alone would give it everyone's
            raise UsageError(f"the URI space {uri_space!r} names no host (or URN namespace) of the peer's")
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
    """Refuse a URL that is not plain http(s), or that points (in any spelling, after resolution) at a
    non-public address."""
    registrable(url, allow_private)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
