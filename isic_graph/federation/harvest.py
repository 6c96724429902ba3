"""Harvesting: each peer's network graphs copied into graphs of their own, validated, with their provenance.

A peer is read through its dumps (`/dumps/`), not its SPARQL endpoint: a dump is a whole graph in one
response, with no result cap to page around, and with an ETag, so a conditional GET transfers nothing
when nothing changed. Each changed network graph replaces its copy in one update; resources that do
not conform to the shapes are reported and left out, never loaded. A peer that cannot be read keeps
its last good copies. A dump of an older edition of the model (its listing's `conforms_to`; none said:
the first) is migrated with the data steps a store is migrated with (ingest/editions.py) before it is
validated; a dump of a newer one is validated as it is (what the shapes of this edition refuse is left out).
"""

from __future__ import annotations

import datetime
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph import __version__
from isic_graph.errors import IsicError, PeerUnavailable, UsageError
from isic_graph.federation import client as peerclient
from isic_graph.federation.peers import Peer
from isic_graph.ingest import editions
from isic_graph.ingest.documents import Batch, Document
from isic_graph.ingest.identity import recompute_identity
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.ownercheck import keep_owned
from isic_graph.ingest.reading import read_batch
from isic_graph.privacy import masked, personal_data_in_iri
from isic_graph.progress import OnStep, counted, ignore
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.namespaces import (
    DCTERMS,
    OWL,
    PROJECT_IRI,
    PROV,
    RDF_TYPE,
    VOID,
    XSD,
    Graphs,
    check_slug,
)
from isic_graph.sparql.terms import iri
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.validator import Validator

USER_AGENT = f"isic-graph/{__version__} (harvester; +{PROJECT_IRI})"
TIMEOUT = 30.0
MAX_BYTES = 64 * 1024 * 1024
DUMP_FORMAT = format_named("turtle")  # the networks' dumps a harvest reads
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
    migrated_from: int | None = None  # the older edition of the model the peer's dump was in, migrated here


@dataclass(frozen=True)
class PeerOutcome:
    peer: str
    networks: tuple[NetworkOutcome, ...] = field(default_factory=tuple)
    error: str | None = None


def harvest(store: Store, validator: Validator, graphs: Graphs, peer: Peer, timeout: float = TIMEOUT,
            on_step: OnStep = ignore) -> PeerOutcome:
    """Copy the peer's changed network graphs; a peer that fails leaves everything as it was.

    timeout: seconds allowed for each request to the peer; on_step: told of each network done."""
    if not peer.dumps:
        return PeerOutcome(peer.name, error=f"peer {peer.name} has no dumps address (peer add --dumps URL)")
    try:
        check_slug(peer.name)
        listing = json.loads(_get(peer, _join(peer.dumps, ""), "application/json", None, timeout)[0] or b"{}")
        entries = _entries(peer, listing)
        outcomes = tuple(entry if isinstance(entry, NetworkOutcome) else
                         _safely(store, validator, graphs, peer, entry, timeout)
                         for entry in counted(entries, on_step, peer.name, len(entries), "networks", every=1))
    except (PeerUnavailable, UsageError, ValueError) as exc:
        return PeerOutcome(peer.name, error=getattr(exc, "message", str(exc)))
    if any(outcome.changed for outcome in outcomes):
        recompute_identity(store, graphs)
    return PeerOutcome(peer.name, outcomes)


def _entries(peer: Peer, listing: object) -> list[dict[str, Any] | NetworkOutcome]:
    """The Turtle dumps of networks in a peer's listing; an entry whose network is not a slug, or whose address
    is not a string, is refused (reported, never fetched nor written anywhere)."""
    dumps = listing.get("dumps", []) if isinstance(listing, dict) else None
    if not isinstance(dumps, list):
        raise ValueError(f"peer {peer.name}'s dump listing is not a JSON object with a list of dumps")
    found: list[dict[str, Any] | NetworkOutcome] = []
    for entry in dumps:
        if not isinstance(entry, dict) or not entry.get("network") or entry.get("media_type") != DUMP_FORMAT.media_type:
            continue
        try:
            check_slug(entry["network"])
            if not isinstance(entry.get("url"), str):
                raise UsageError(f"network {entry['network']!r} has no dump address")
        except UsageError as exc:
            shown = repr(entry["network"])
            found.append(NetworkOutcome(shown if len(shown) <= 80 else shown[:77] + "…", "", False,
                                        error=f"peer {peer.name}'s dump listing: {exc.message}; not harvested"))
            continue
        found.append(entry)
    return found


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
    known = store.select(f"SELECT ?tag WHERE {{ GRAPH {iri(graphs.metadata)} "
                         f"{{ {iri(graph)} <{OWL}versionInfo> ?tag }} }}")
    etag = known.rows[0]["tag"].value if known.rows else None
    url = _join(peer.dumps or "", str(entry["url"]))
    iri(url)  # recorded as the copy's source
    body, new_etag = _get(peer, url, DUMP_FORMAT.media_type, etag, timeout)
    if body is None:  # 304: unchanged since the last harvest
        return NetworkOutcome(network, graph, changed=False)
    read = read_batch([Document(f"{network}.ttl", body, DUMP_FORMAT)], graphs.base).triples
    edition = editions.edition_of(entry.get("conforms_to") if isinstance(entry.get("conforms_to"), str) else None)
    current = editions.software_edition()
    if edition < current:  # a peer of an older edition: its copy migrated as this store was, then validated
        read = tuple(editions.upgraded(read, editions.steps(edition, current)))
    owned, foreign = keep_owned(store, graphs, peer.name, peer.uri_space, read)  # only what the peer owns
    triples, skipped = _conforming(owned, validator, graphs, store)
    skipped = tuple(sorted({*skipped, *(masked(kinds) if (kinds := personal_data_in_iri(iri)) else iri
                                          for iri in foreign)}))
    now = datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/harvest/{peer.name}/{network}/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    store.update(" ;\n".join([
        f"DROP SILENT GRAPH {iri(graph)}",
        insert_data(graph, triples),
        f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(graph)} ?p ?o }} }}",
        insert_data(graphs.metadata, _provenance(activity, graph, peer, url, new_etag, len(triples), skipped, now)
                    + _editions(url, graph, edition, current)),
    ]))
    return NetworkOutcome(network, graph, True, len(triples), skipped, migrated_from=edition if edition < current
                          else None)


def _conforming(triples: tuple[Triple, ...], validator: Validator, graphs: Graphs,
                store: Store) -> tuple[list[Triple], tuple[str, ...]]:
    """The triples of the resources that conform, and the resources left out (an IRI that is personal data
    is named by its kinds: the report masks it, and the provenance that lists it is published). What the
    copy references is known by its type from the store: this instance's networks, the copies harvested
    before (a peer's project drew on another network's lesson), the reference data."""

    def owner(t: Triple) -> str:
        return term_value(t.subject).split("#genid-")[0]

    personal = {iri: kinds for iri in {owner(t) for t in triples} if (kinds := personal_data_in_iri(iri))}
    kept, skipped = [t for t in triples if owner(t) not in personal], {masked(kinds) for kinds in personal.values()}
    for _ in range(ROUNDS):
        report = check(Batch(tuple(kept), ()), store, validator, graphs, None, strict=False)
        if report.conforms:
            break
        bad = {v.focus for v in report.violations}
        skipped |= bad
        kept = [t for t in kept if owner(t) not in bad]
    else:
        return [], tuple(sorted({masked(personal[owner(t)]) if owner(t) in personal else owner(t) for t in triples}))
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


def _editions(url: str, graph: str, edition: int, current: int) -> list[Triple]:
    """The edition of the model the peer's dump was in, and the copy's (migrated to this store's when older)."""
    conforms = NamedNode(DCTERMS + "conformsTo")
    return [Triple(NamedNode(url), conforms, NamedNode(editions.edition_iri(edition))),
            Triple(NamedNode(graph), conforms, NamedNode(editions.edition_iri(max(edition, current))))]


def _get(peer: Peer, url: str, accept: str, etag: str | None, timeout: float) -> tuple[bytes | None, str | None]:
    """GET from a peer through the peer client; None when 304."""
    headers = {"Accept": accept, "User-Agent": USER_AGENT, **({"If-None-Match": etag} if etag else {})}
    answer = peerclient.get(peer, url, headers, timeout, MAX_BYTES)
    if answer.status == 304:
        return None, etag
    return answer.body, answer.headers.get("etag")


def _join(base: str, url: str) -> str:
    """A URL of the peer's listing, resolved against its dumps address (which must stay on the same host)."""
    joined = urllib.parse.urljoin(base if base.endswith("/") else base + "/", url)
    if urllib.parse.urlsplit(joined).netloc != urllib.parse.urlsplit(base).netloc:
        raise PeerUnavailable(f"the peer's listing points to another host: {joined}")
    return joined

