"""The peer registry: the other networks' instances this one may query and harvest, in a JSON file.

A peer owns the IRIs under its URI space (see ownership.py): the `void:uriSpace` of its VoID description,
read when it is added (peerclient.register), or given by the operator. It owns them from then on: the
ownership checks read this registry (the path is in Graphs), before the peer's first harvest as after.

A peer's endpoint must be http(s), without credentials in the URL; it is kept as `peeraddress` reads it
(host decoded and normalised). Loopback, link-local, private and reserved addresses (the usual targets
of request forgery: 127.0.0.1, 169.254.169.254, 10.0.0.0/8…), in any spelling, are refused unless the
operator registers the peer there on purpose (`--allow-private`); the address is checked again, after
name resolution, each time the peer is called (`peerclient`).

A URI space that would give the peer what is not its own is refused (space_overlap): one that holds this instance's
base IRI (a prefix of it); one that overlaps the shared vocabulary's namespaces (the ontology's, the thesauri's:
https://w3id.org/isic/) or a standard one. One inside the base, or overlapping another peer's, is accepted (the peer
then owns only what it is first to publish here). They are compared on their look-alike keys, web schemes made
one (iris.lookalike_key, scheme_blind), by whole path segments (iris.in_space: `http://h/id/` and `http://h/id`
cover `http://h/id/x`, not `http://h/identifiers/x` nor `http://h/idx`), as the ownership checks compare IRIs.
The rule holds for a space given by the operator and for one read from the peer's VoID, at `peer add`, and again at
each harvest (a registry written by hand or before the rule).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from isic_graph.errors import NotFound, SpaceOverlap, UsageError
from isic_graph.federation.address import registrable
from isic_graph.rdf.iris import in_space, lookalike_key, scheme_blind, space_key, spaces_overlap
from isic_graph.rdf.namespaces import PEER_NAME, PREFIXES, VOCABULARY, check_slug
from isic_graph.sparql.terms import is_iri
from isic_graph.store.jsonfile import read_records, write_entries


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
            uri_space: str | None = None, base: str | None = None) -> Peer:
        """Register a peer (or change its addresses), owning the IRIs under uri_space (see
        peerclient.register, which reads it from the peer); base is this instance's base IRI, which no peer's
        space may cover (SpaceOverlap, as for the vocabularies' and the other peers' spaces)."""
        check_slug(name, PEER_NAME)
        sparql = registrable(sparql, allow_private).url
        dumps = registrable(dumps, allow_private).url if dumps is not None else None
        not_iri = UsageError(f"the URI space {uri_space!r} is not an absolute IRI",
                             fr=f"l'espace d'IRI {uri_space!r} n'est pas une IRI absolue (http://, https:// ou urn:)")
        if uri_space is not None and not uri_space.lower().startswith(("http://", "https://", "urn:")):
            raise not_iri
        if uri_space is not None and not re.match(r"(?:https?://[^/?#\s]+|urn:[^:\s]+:)", uri_space, re.IGNORECASE):
            # the peer owns every IRI under it at once: "http://" or "urn:" alone would give it everyone's
            raise UsageError(f"the URI space {uri_space!r} names no host (or URN namespace) of the peer's",
                             fr=f"l'espace d'IRI {uri_space!r} ne nomme aucun hôte (ni espace de noms URN) du pair")
        if uri_space is not None and (not is_iri(uri_space) or not _port_reads(uri_space)):
            raise not_iri  # `\`, an empty or a second port: no IRI's (a browser reads `http://h:80\` as `http://h:80/`)
        entries = self._read()
        if uri_space is not None:
            check_space(name, uri_space, base, {other: peer.uri_space for other, peer in entries.items()
                                                if peer.uri_space})
        peer = Peer(name, sparql, dumps, _now(), allow_private, uri_space)
        entries[name] = peer
        self._write(entries)
        return peer

    def remove(self, name: str) -> None:
        entries = self._read()
        if entries.pop(name, None) is None:
            raise NotFound(f"no peer {name!r}", fr=f"aucun pair {name!r}")
        self._write(entries)

    def list(self) -> list[Peer]:
        return sorted(self._read().values(), key=lambda p: p.name)

    def get(self, name: str) -> Peer:
        peer = self._read().get(name)
        if peer is None:
            raise NotFound(f"no peer {name!r}; registered: {', '.join(self._read()) or 'none'}",
                           fr=f"aucun pair {name!r} ; pairs enregistrés : {', '.join(self._read()) or 'aucun'}")
        return peer

    def endpoints(self) -> frozenset[str]:
        """The SPARQL endpoints a query may name in SERVICE."""
        return frozenset(p.sparql for p in self._read().values())

    def _read(self) -> dict[str, Peer]:
        return read_records(self.path, "peers", Peer)

    def _write(self, entries: dict[str, Peer]) -> None:
        write_entries(self.path, "peers", {name: asdict(peer) for name, peer in entries.items()}, 0o644)


def _space_key(iri: str) -> str:
    return space_key(iri, lambda i: scheme_blind(lookalike_key(i)))


def _overlap(one: str, other: str) -> bool:
    """Whether two spaces share an IRI, by whole path segments (iris.in_space, as ownership compares IRIs)."""
    return spaces_overlap(_space_key(one), _space_key(other))


def _port_reads(address: str) -> bool:
    """Whether a web address's authority reads as a host and a port of digits, if any (`h:80:` does not)."""
    if not address.lower().startswith(("http://", "https://")):
        return True
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018  (reading it checks it)
    except ValueError:
        return False
    return not parts.netloc.endswith(":") and bool(parts.hostname)


def space_overlap(name: str, uri_space: str, base: str | None, others: Mapping[str, str],
                  lang: str = "en") -> str | None:
    """What peer `name`'s URI space would cover that is not its own, said in a sentence; None when nothing.

    Refused: a space holding this instance's base IRI (the peer would own all it publishes) or overlapping a
    vocabulary's namespace (the model's terms). A space inside the base, or overlapping another peer's, is let be:
    instances sharing one base, as the samples' networks do, each declare the same `{base}id/` (between peers, the
    longest space wins)."""
    if base is not None and in_space(_space_key(uri_space), scheme_blind(lookalike_key(base))):
        if lang == "fr":
            return (f"l'espace d'IRI {uri_space!r} contient l'IRI de base de cette instance, {base} : le pair "
                    "posséderait ce que publient les réseaux de cette instance")
        return (f"the URI space {uri_space!r} holds this instance's base IRI {base}: the peer would own what this "
                "instance's networks publish")
    for namespace in (VOCABULARY, *PREFIXES.values()):
        if _overlap(uri_space, namespace):
            if lang == "fr":
                return (f"l'espace d'IRI {uri_space!r} recouvre l'espace de noms du vocabulaire {namespace} : le "
                        "pair posséderait les termes du modèle")
            return (f"the URI space {uri_space!r} overlaps the vocabulary namespace {namespace}: the peer would "
                    "own the model's terms")
    return None


def check_space(name: str, uri_space: str, base: str | None, others: Mapping[str, str]) -> None:
    """Refuse (SpaceOverlap) a URI space that space_overlap finds covering another's."""
    problem = space_overlap(name, uri_space, base, others)
    if problem is not None:
        raise SpaceOverlap(problem, fr=space_overlap(name, uri_space, base, others, "fr"))


def check_address(url: str, allow_private: bool = False) -> None:
    """Refuse a URL that is not plain http(s), or that points (in any spelling, after resolution) at a
    non-public address."""
    registrable(url, allow_private)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
