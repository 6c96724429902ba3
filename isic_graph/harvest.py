"""Harvesting: each peer's network graphs copied into graphs of their own, validated, with their provenance.

A peer is read through its dumps (`/dumps/`), not its SPARQL endpoint: a dump is a whole graph in one
response, with no result cap to page around, and with an ETag, so a conditional GET transfers nothing
when nothing changed. Each changed network graph replaces its copy in one update; resources that do
not conform to the shapes are reported and left out, never loaded. A peer that cannot be read keeps
its last good copies.
"""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from . import __version__
from .documents import Document, read_batch
from .errors import IsicError, PeerUnavailable, UsageError
from .formats import format_named
from .identity import recompute_identity
from .ingest import check, insert_data
from .namespaces import DCTERMS, OWL, PROV, RDF_TYPE, VOID, XSD, Graphs
from .ownership import keep_owned
from .peers import OPENER, Peer, check_address
from .store import Store
from .store.results import term_value
from .validation import Validator

USER_AGENT = f"isic-graph/{__version__} (harvester; +https://w3id.org/isic)"
TIMEOUT = 30.0
MAX_BYTES = 64 * 1024 * 1024
ROUNDS = 5  # validations at most, as leaving a resource out can leave another one dangling



@dataclass(frozen=True)
class NetworkOutcome:
    """What a harvest did with one of a peer's networks."""

    network: str
    graph: str
    changed: bool
    triples: int = 0
    skipped: tuple[str, ...] = ()  # resources left out because they do not conform
    error: str | None = None  # why this network was not copied (its last copy is kept)


@dataclass(frozen=True)
class PeerOutcome:
    peer: str
    networks: tuple[NetworkOutcome, ...] = field(default_factory=tuple)
    error: str | None = None


def harvest(store: Store, validator: Validator, graphs: Graphs, peer: Peer, timeout: float = TIMEOUT) -> PeerOutcome:
    """Copy the peer's changed network graphs; a peer that fails leaves everything as it was.

    timeout: seconds allowed for each request to the peer."""
    if not peer.dumps:
        return PeerOutcome(peer.name, error=f"peer {peer.name} has no dumps address (peer add --dumps URL)")
    try:
        listing = json.loads(_get(peer, _join(peer.dumps, ""), "application/json", None, timeout)[0] or b"{}")
        entries = [e for e in listing.get("dumps", []) if e.get("network") and e.get("media_type") == "text/turtle"]
        outcomes = tuple(_safely(store, validator, graphs, peer, entry, timeout) for entry in entries)
    except (PeerUnavailable, ValueError) as exc:
        return PeerOutcome(peer.name, error=getattr(exc, "message", str(exc)))
    if any(outcome.changed for outcome in outcomes):
        recompute_identity(store, graphs)
    return PeerOutcome(peer.name, outcomes)


def _safely(store: Store, validator: Validator, graphs: Graphs, peer: Peer, entry: dict[str, Any],
            timeout: float) -> NetworkOutcome:
    try:
        return _network(store, validator, graphs, peer, entry, timeout)
    except PeerUnavailable:
        raise
    except IsicError as exc:
        network = str(entry.get("network"))
        return NetworkOutcome(network, graphs.peer(peer.name, network), False, error=exc.message)


def _network(store: Store, validator: Validator, graphs: Graphs, peer: Peer, entry: dict[str, Any],
             timeout: float) -> NetworkOutcome:
    network = str(entry["network"])
    graph = graphs.peer(peer.name, network)
    known = store.select(f"SELECT ?tag WHERE {{ GRAPH <{graphs.metadata}> {{ <{graph}> <{OWL}versionInfo> ?tag }} }}")
    etag = known.rows[0]["tag"].value if known.rows else None
    url = _join(peer.dumps or "", str(entry["url"]))
    body, new_etag = _get(peer, url, "text/turtle", etag, timeout)
    if body is None:  # 304: unchanged since the last harvest
        return NetworkOutcome(network, graph, changed=False)
    owned, foreign = keep_owned(store, graphs, peer.name, peer.uri_space,  # only what the peer owns (ownership.py)
                                read_batch([Document(f"{network}.ttl", body, format_named("turtle"))],
                                           graphs.base).triples)
    triples, skipped = _conforming(owned, validator, graphs)
    skipped = tuple(sorted({*skipped, *foreign}))
    now = datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/harvest/{peer.name}/{network}/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    store.update(" ;\n".join([
        f"DROP SILENT GRAPH <{graph}>",
        insert_data(graph, triples),
        f"DELETE WHERE {{ GRAPH <{graphs.metadata}> {{ <{graph}> ?p ?o }} }}",
        insert_data(graphs.metadata, _provenance(activity, graph, peer, url, new_etag, len(triples), skipped, now)),
    ]))
    return NetworkOutcome(network, graph, True, len(triples), skipped)


def _conforming(triples: tuple[Triple, ...], validator: Validator,
                graphs: Graphs) -> tuple[list[Triple], tuple[str, ...]]:
    """The triples of the resources that conform, and the resources left out."""
    from .documents import Batch

    kept, skipped = list(triples), set()
    for _ in range(ROUNDS):
        report = check(Batch(tuple(kept), ()), None, validator, graphs, None)
        if report.conforms:
            break
        bad = {v.focus for v in report.violations}
        skipped |= bad
        kept = [t for t in kept if term_value(t.subject).split("#genid-")[0] not in bad]
    else:
        return [], tuple(sorted({term_value(t.subject).split("#genid-")[0] for t in triples}))
    return kept, tuple(sorted(skipped))


def _provenance(activity: str, graph: str, peer: Peer, url: str, etag: str | None, count: int,
                skipped: tuple[str, ...], now: datetime.datetime) -> list[Triple]:
    a, g, source = NamedNode(activity), NamedNode(graph), NamedNode(url)
    stamp = Literal(now.isoformat(), datatype=NamedNode(XSD + "dateTime"))

    def t(s: NamedNode, p: str, o: NamedNode | Literal) -> Triple:
        return Triple(s, NamedNode(p), o)

    outcome = (f"{len(skipped)} non-conforming resource(s) left out: " + ", ".join(skipped[:20])) if skipped \
        else "every resource conforms to the shapes"
    found = [
        t(a, RDF_TYPE, NamedNode(PROV + "Activity")),
        t(a, PROV + "endedAtTime", stamp),
        t(a, PROV + "used", source),
        t(a, DCTERMS + "source", NamedNode(peer.sparql)),
        t(a, VOID + "triples", Literal(str(count), datatype=NamedNode(XSD + "integer"))),
        t(a, DCTERMS + "description", Literal(outcome, language="en")),
        t(g, PROV + "wasGeneratedBy", a),
        t(g, PROV + "wasDerivedFrom", source),
        t(g, DCTERMS + "modified", stamp),
    ]
    if etag:
        found.append(t(g, OWL + "versionInfo", Literal(etag)))
    return found


def _get(peer: Peer, url: str, accept: str, etag: str | None, timeout: float) -> tuple[bytes | None, str | None]:
    """GET from a peer (address checked again, no redirects, a timeout, a size bound); None when 304."""
    try:
        check_address(url, peer.allow_private)
    except UsageError as exc:
        raise PeerUnavailable(f"peer {peer.name}: {exc.message}") from None
    headers = {"Accept": accept, "User-Agent": USER_AGENT, **({"If-None-Match": etag} if etag else {})}
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise PeerUnavailable(f"peer {peer.name}: {url} is larger than {MAX_BYTES} bytes")
            return body, response.headers.get("ETag")
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None, etag
        raise PeerUnavailable(f"peer {peer.name} answered HTTP {exc.code} for {url}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise PeerUnavailable(f"peer {peer.name} cannot be reached at {url}: "
                              f"{getattr(exc, 'reason', exc)}") from None


def _join(base: str, url: str) -> str:
    """A URL of the peer's listing, resolved against its dumps address (which must stay on the same host)."""
    joined = urllib.parse.urljoin(base if base.endswith("/") else base + "/", url)
    if urllib.parse.urlsplit(joined).netloc != urllib.parse.urlsplit(base).netloc:
        raise PeerUnavailable(f"the peer's listing points to another host: {joined}")
    return joined

