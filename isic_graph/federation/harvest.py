"""Harvesting: each peer's network graphs copied into graphs of their own, validated, with their provenance.

A peer is read through its dumps (`/dumps/`), not its SPARQL endpoint: a dump is a whole graph in one
response, with no result cap to page around, and with an ETag, so a conditional GET transfers nothing
when nothing changed. Each changed network graph replaces its copy in one update; resources that do
not conform to the shapes are reported and left out, never loaded, and with them what fails without them (a
project's lessons, sheet and resources; a project whose carrier is left out), each listed with what it depended
on: what is stored conforms as a whole, as a backup's audit checks it. A peer that cannot be read keeps
its last good copies. A dump of an older edition of the model (its listing's `conforms_to`; none said:
the first) is migrated with the data steps a store is migrated with (ingest/editions.py) before it is
validated; a dump of a newer one is validated as it is (what the shapes of this edition refuse is left out).

Several peers are harvested together (`harvest_peers`): every changed copy is fetched first, then all of them are
checked at once, each against the store and every other copy, before any is stored; so a resource of one peer's
copy that refers to what only another peer holds (a project drawing on a lesson of another network, a partner
organisation another network describes) is kept whatever the order of the peers, and what refers to nothing
anywhere is still left out and reported.
"""

from __future__ import annotations

import datetime
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Collection, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph import __version__
from isic_graph.errors import DocumentTooLarge, IsicError, PeerUnavailable, UsageError
from isic_graph.federation import client as peerclient
from isic_graph.federation.address import locate
from isic_graph.federation.peers import Peer, space_overlap
from isic_graph.ingest import editions, ownership
from isic_graph.ingest.classes import misclassed, misclassed_reason
from isic_graph.ingest.documents import LIMITS, Batch, Document
from isic_graph.ingest.identity import recompute_identity
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.ownercheck import keep_owned, record_claims, release_claims
from isic_graph.ingest.reading import read_batch
from isic_graph.privacy import masked, personal_data_in_iri
from isic_graph.progress import OnStep, counted, ignore
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import (
    DCTERMS,
    OWL,
    PEER_NAME,
    PROJECT_IRI,
    PROV,
    RDF_TYPE,
    VOID,
    XSD,
    Graphs,
    check_slug,
    curie,
)
from isic_graph.sparql.default_graph import Written, subjects_of
from isic_graph.sparql.guard import NestedTooDeep, json_within
from isic_graph.sparql.terms import iri
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.reports import Violation
from isic_graph.validation.validator import Validator

USER_AGENT = f"isic-graph/{__version__} (harvester; +{PROJECT_IRI})"
TIMEOUT = 30.0
MAX_BYTES = 64 * 1024 * 1024
# A peer's network graph, read whole: a network's graph grows past one submission's 50,000 triples (upserts), so a
# copy is held to the dump's bytes and to twenty submissions' triples (about 400 MB while it is checked), not to one's
DUMP_LIMITS = replace(LIMITS, max_triples=1_000_000, max_marks=MAX_BYTES)
DUMP_FORMAT = format_named("turtle")  # the networks' dumps a harvest reads
ROUNDS = 8  # validations at most, as leaving a resource out can leave another one dangling (more with several
# copies checked together: one more for each copy, as a chain of references may run through each of them)



@dataclass(frozen=True)
class NetworkOutcome:
    """What a harvest did with one of a peer's networks."""

    network: str
    graph: str
    changed: bool
    triples: int = 0
    skipped: tuple[str, ...] = ()  # resources left out because they do not conform
    reasons: dict[str, str] = field(default_factory=dict)  # why each of them was left out (what it depended on)
    withdrawn: bool = False  # the peer's listing no longer names the network: its copy was dropped
    error: str | None = None  # why this network was not copied (its last copy is kept)
    migrated_from: int | None = None  # the older edition of the model the peer's dump was in, migrated here


@dataclass(frozen=True)
class PeerOutcome:
    peer: str
    networks: tuple[NetworkOutcome, ...] = field(default_factory=tuple)
    error: str | None = None


@dataclass(frozen=True)
class _Fetched:
    """A changed network graph of a peer, read and kept to what the peer owns, not yet checked nor stored."""

    peer: Peer
    network: str
    graph: str
    url: str
    etag: str | None
    edition: int
    triples: tuple[Triple, ...]
    left_out: frozenset[str]  # resources already left out: another's, named by personal data (masked), or classless
    reasons: tuple[tuple[str, str], ...] = ()  # why each of them was
    claimed: tuple[str, ...] = ()  # the subjects the peer is the first to publish here (recorded when stored)


def harvest(store: Store, validator: Validator, graphs: Graphs, peer: Peer, timeout: float = TIMEOUT,
            on_step: OnStep = ignore) -> PeerOutcome:
    """Copy the peer's changed network graphs; a peer that fails leaves everything as it was.

    timeout: seconds allowed for each request to the peer; on_step: told of each network done."""
    return harvest_peers(store, validator, graphs, [peer], timeout, on_step)[0]


def harvest_peers(store: Store, validator: Validator, graphs: Graphs, peers: Sequence[Peer],
                  timeout: float = TIMEOUT, on_step: OnStep = ignore,
                  deadline: float | None = None) -> tuple[PeerOutcome, ...]:
    """Copy the peers' changed network graphs, the same whatever their order: every copy is fetched, then all are
    checked together (what one refers to may be in another's), then stored. The peers are read in the order of
    their names, so that a resource two of them are the first to publish here becomes the one's whose name sorts
    first (see ownership.keep_owned), whatever the order they were given in. A peer that fails leaves its copies
    as they were; one reached after `deadline` (time.monotonic()) is not asked and says so.

    timeout: seconds allowed for each request to a peer; on_step: told of each network fetched."""
    fetched: dict[str, list[_Fetched | NetworkOutcome]] = {}
    named: dict[str, set[str]] = {}
    failed: dict[str, str] = {}
    for peer in sorted(peers, key=lambda peer: peer.name):
        remaining = timeout if deadline is None else min(timeout, deadline - time.monotonic())
        if remaining <= 0:
            failed[peer.name] = "not harvested: the time allowed ran out before this peer was asked"
            continue
        # a registry written by hand or before `peer add` refused such spaces: the vocabularies are nobody's
        problem = space_overlap(peer.name, peer.uri_space, None, {}) if peer.uri_space else None
        if problem is not None:
            failed[peer.name] = f"not harvested: {problem}; register the peer again with its own --uri-space"
            continue
        try:
            fetched[peer.name], named[peer.name] = _fetch_peer(store, graphs, peer, remaining, on_step)
        except (PeerUnavailable, UsageError, ValueError) as exc:
            failed[peer.name] = getattr(exc, "message", str(exc))
            continue
        changed = [item for item in fetched[peer.name] if isinstance(item, _Fetched)]
        if changed:  # claimed now, before the next peers are read: the first to publish a resource here owns it
            record_claims(store, graphs, peer.name, peer.uri_space, [i for copy in changed for i in copy.claimed])
    copies = [item for items in fetched.values() for item in items if isinstance(item, _Fetched)]
    settled = _settle(copies, validator, graphs, store)
    stored = {id(copy): _stored(store, graphs, copy, *settled[id(copy)]) for copy in copies}
    _release_unstored(store, graphs, copies, settled, stored)
    # a copy is dropped when the peer's listing, read whole, no longer names its network (a listing with an entry
    # refused may name it otherwise: `FCSF`; nothing is dropped then)
    withdrawn = {name: tuple(NetworkOutcome(network, graphs.peer(name, network), True, withdrawn=True)
                             for network in drop_copies(store, graphs, name, keep=named[name]))
                 if not any(_refused_entry(item) for item in fetched[name]) else ()
                 for name in sorted(fetched)}
    outcomes = tuple(PeerOutcome(peer.name, error=failed[peer.name]) if peer.name in failed else
                     PeerOutcome(peer.name, tuple(stored[id(item)] if isinstance(item, _Fetched) else item
                                                  for item in fetched[peer.name]) + withdrawn[peer.name])
                     for peer in peers)
    if any(network.changed for outcome in outcomes for network in outcome.networks):
        recompute_identity(store, graphs)
    return outcomes


def _refused_entry(item: _Fetched | NetworkOutcome) -> bool:
    """An entry of a peer's listing refused as it was read (no network's slug, no address…): it may name a network
    whose copy is held otherwise spelt; a network the listing names whose dump failed (unreadable, too large, the peer
    failing on it) keeps its copy, being named, and lets the others' withdrawals be done."""
    return isinstance(item, NetworkOutcome) and item.error is not None and not item.graph


def drop_copies(store: Store, graphs: Graphs, name: str, keep: Collection[str] = ()) -> list[str]:
    """Drop the peer's copies of networks but those of `keep` (its listing's), with their records; take back what
    the peer owned by record that none of its copies left holds. The networks whose copies were dropped."""
    prefix = graphs.peer(name, "")
    held = [g[len(prefix):] for g in store.graph_names() if g.startswith(prefix)]
    dropped = sorted(n for n in held if n not in keep)
    if not dropped:
        return []
    copies = [graphs.peer(name, n) for n in dropped]

    def subjects(names: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for copy in names:
            found.update(ownership.key(graphs, _owner(t)) for t in store.graph_triples(copy))
        return found

    gone = subjects(copies) - subjects([graphs.peer(name, n) for n in held if n in keep])
    store.update(" ;\n".join(f"DROP SILENT GRAPH {iri(copy)} ;\n"
                             f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(copy)} ?p ?o }} }}"
                             for copy in copies), written=Written(graphs=copies, subjects=copies))
    release_claims(store, graphs, name, sorted(gone))
    if gone:
        read_again(store, graphs, name)
    return dropped  # the identity links are made again by the caller (a harvest: once, for all it changed)


def _release_unstored(store: Store, graphs: Graphs, copies: Sequence[_Fetched],
                      settled: dict[int, tuple[list[Triple], dict[str, str]]],
                      stored: dict[int, NetworkOutcome]) -> None:
    """Take back what each peer claimed and that none of its copies holds (left out as not conforming, or its copy
    not written): a peer owns by record only what it published here."""
    held: dict[str, set[str]] = {}
    claims: dict[str, set[str]] = {}
    for copy in copies:
        claims.setdefault(copy.peer.name, set()).update(copy.claimed)
        if stored[id(copy)].error is None:
            held.setdefault(copy.peer.name, set()).update(ownership.key(graphs, _owner(t))
                                                          for t in settled[id(copy)][0])
    for name, claimed in sorted(claims.items()):
        unheld = sorted(i for i in claimed if ownership.key(graphs, i) not in held.get(name, set()))
        release_claims(store, graphs, name, unheld)
        if unheld:
            read_again(store, graphs, name)


def read_again(store: Store, graphs: Graphs, but: str | None = None) -> None:
    """Forget the ETag of the other peers' copies (all, but those of peer `but`), so that the next harvest reads
    their dumps whole: what one of them left out as another's resource may be its own now that the claim was taken
    back (the peer whose claim it was keeps its 304s)."""
    mine = graphs.peer(but, "") if but is not None else None
    copies = [g for g in store.graph_names() if g.startswith(graphs.peer_prefix)
              and (mine is None or not g.startswith(mine))]
    if copies:
        store.update(f"DELETE {{ GRAPH {iri(graphs.metadata)} {{ ?g <{OWL}versionInfo> ?tag }} }} WHERE {{ "
                     f"VALUES ?g {{ {' '.join(iri(g) for g in copies)} }} "
                     f"GRAPH {iri(graphs.metadata)} {{ ?g <{OWL}versionInfo> ?tag }} }}",
                     written=Written(subjects=copies))


def _fetch_peer(store: Store, graphs: Graphs, peer: Peer, timeout: float,
                on_step: OnStep) -> tuple[list[_Fetched | NetworkOutcome], set[str]]:
    """The peer's changed network graphs, read (unchanged ones and those refused: their outcomes); and the networks
    its listing names."""
    if not peer.dumps:
        raise UsageError(f"peer {peer.name} has no dumps address (peer add --dumps URL)",
                         fr=f"le pair {peer.name} n'a pas d'adresse d'exports (peer add --dumps URL)")
    check_slug(peer.name, PEER_NAME)
    listing = _listing(peer, _get(peer, _join(peer.dumps, ""), "application/json", None, timeout)[0])
    entries = _entries(peer, listing)
    return [entry if isinstance(entry, NetworkOutcome) else _safely(store, graphs, peer, entry, timeout)
            for entry in counted(entries, on_step, peer.name, len(entries), "networks", every=1)], _named(listing)


def _listing(peer: Peer, body: bytes | None) -> object:
    """A peer's dump listing, read as JSON: its numbers as floats (none is used, and one of thousands of digits is
    past what Python turns into an int; still no string, which a network's name or a dump's address must be); a body
    that is no JSON refused in words naming the peer."""
    try:
        return json_within(body or b"{}", parse_int=float)
    except NestedTooDeep:  # "[[[[…": no listing nests so deep
        raise ValueError(f"peer {peer.name}'s dump listing nests too deep to be read") from None
    except ValueError:  # json's own words name neither the peer nor what was read
        raise ValueError(f"peer {peer.name}'s dump listing is not JSON (UTF-8)") from None


def _named(listing: object) -> set[str]:
    """The networks a peer's listing names, whatever their dumps' formats (a copy of any other is dropped)."""
    dumps = listing.get("dumps", []) if isinstance(listing, dict) else []
    return {e["network"] for e in dumps if isinstance(e, dict) and isinstance(e.get("network"), str)} \
        if isinstance(dumps, list) else set()


def _entries(peer: Peer, listing: object) -> list[dict[str, Any] | NetworkOutcome]:
    """The Turtle dumps of networks in a peer's listing; an entry whose network is not a slug, or whose address
    is not a string or points to another host, is refused (reported, never fetched nor written anywhere), and
    the listing's other entries are harvested."""
    dumps = listing.get("dumps") if isinstance(listing, dict) else None
    if not isinstance(dumps, list):  # no list (`{"status": "maintenance"}`): not a listing, whose networks all left
        raise ValueError(f"peer {peer.name}'s dump listing is not a JSON object with a list of dumps")
    found: list[dict[str, Any] | NetworkOutcome] = []
    turtle = [entry for entry in dumps if isinstance(entry, dict) and entry.get("network")
              and isinstance(entry.get("media_type"), str)  # `text/turtle; charset=utf-8` too
              and entry["media_type"].split(";")[0].strip().lower() == DUMP_FORMAT.media_type]
    times = Counter(entry["network"] for entry in turtle if isinstance(entry["network"], str))
    for entry in turtle:
        shown: str | None = None  # the network's name, once known to be a slug
        try:
            if not isinstance(entry["network"], str):  # a number, a list…: no name (a number's digits are not kept)
                raise UsageError("a network's name is not a string", fr="le nom d'un réseau n'est pas une chaîne")
            check_slug(entry["network"])
            shown = entry["network"]
            if times[shown] > 1 and any(isinstance(f, NetworkOutcome) and f.network == shown for f in found):
                continue  # said once
            if times[shown] > 1:  # which of its dumps is the network's? each harvest would keep another: none
                raise UsageError(f"network {shown!r} is listed {times[shown]} times",
                                 fr=f"le réseau {shown!r} est listé {times[shown]} fois")
            if not isinstance(entry.get("url"), str):
                raise UsageError(f"network {entry['network']!r} has no dump address",
                                 fr=f"le réseau {entry['network']!r} n'a pas d'adresse d'export")
            locate(_join(peer.dumps or "", entry["url"]))  # a fragment or credentials in it: this entry, not the peer
        except UsageError as exc:
            shown = shown if shown is not None else repr(entry["network"]) if isinstance(entry["network"], str) \
                else "(no string)"
            found.append(NetworkOutcome(shown if len(shown) <= 80 else shown[:77] + "…", "", False,
                                        error=f"peer {peer.name}'s dump listing: {exc.message}; not harvested"))
            continue
        found.append(entry)
    return found


def _safely(store: Store, graphs: Graphs, peer: Peer, entry: dict[str, Any],
            timeout: float) -> _Fetched | NetworkOutcome:
    try:
        return _fetch(store, graphs, peer, entry, timeout)
    except PeerUnavailable:
        raise
    except IsicError as exc:
        network = str(entry.get("network"))
        return NetworkOutcome(network, graphs.peer(peer.name, network), False, error=exc.message)


def _fetch(store: Store, graphs: Graphs, peer: Peer, entry: dict[str, Any],
           timeout: float) -> _Fetched | NetworkOutcome:
    """A network's dump, read, migrated from an older edition, kept to what the peer owns; its outcome if
    unchanged since the last harvest."""
    network = str(entry["network"])
    graph = graphs.peer(peer.name, network)
    known = store.select(f"SELECT ?tag WHERE {{ GRAPH {iri(graphs.metadata)} "
                         f"{{ {iri(graph)} <{OWL}versionInfo> ?tag }} }}")
    etag = known.rows[0]["tag"].value if known.rows else None
    ours = [graphs.network_resource(g[len(graphs.network_prefix):]) for g in store.graph_names()
            if g.startswith(graphs.network_prefix)]  # this instance's networks
    if etag is not None and _attributes_to(store, graph, ours):  # to a network made here since: read again
        etag = None
    url = _join(peer.dumps or "", str(entry["url"]))
    iri(url)  # recorded as the copy's source
    body, new_etag = _get(peer, url, DUMP_FORMAT.media_type, etag, timeout)
    if body is None:  # 304: unchanged since the last harvest
        return NetworkOutcome(network, graph, changed=False)
    try:
        read = read_batch([Document(f"{network}.ttl", body, DUMP_FORMAT)], graphs.base, DUMP_LIMITS).triples
    except DocumentTooLarge as exc:  # its words are a submitter's ("split it"): the harvester's are these
        raise DocumentTooLarge(f"peer {peer.name}'s dump of network {network} is past what a harvest copies "
                               f"({exc.message}); its last copy is kept",
                               fr=f"l'export du réseau {network} du pair {peer.name} dépasse ce qu'une moisson "
                                  f"copie ({exc.text('fr')}) ; sa dernière copie est gardée") from None
    edition = editions.edition_of(entry.get("conforms_to") if isinstance(entry.get("conforms_to"), str) else None)
    current = editions.software_edition()
    if edition < current:  # a peer of an older edition: its copy migrated as this store was, then validated
        read = tuple(editions.upgraded(read, editions.steps(edition, current)))
    owned, foreign, claimed = keep_owned(store, graphs, peer.name, peer.uri_space, read)  # what the peer owns
    personal = {iri: kinds for iri in {_owner(t) for t in owned} if (kinds := personal_data_in_iri(iri))}
    reasons = {masked(kinds): "its IRI holds personal data" for kinds in personal.values()}
    kept_of = {_owner(t) for t in owned}  # a resource of the peer's some of whose statements were left out: kept
    reasons |= {masked(kinds) if (kinds := personal_data_in_iri(iri)) else iri:
                "some of its statements were left out (a link to another's resource, or a term of a vocabulary "
                "spelt otherwise); the rest is kept" if iri in kept_of else
                "another's resource: a harvest keeps only what the peer owns" for iri in foreign}
    # a resource of a class no shape checks, or given another resource as a class or a property: left out, as new
    # data is refused
    classless = {iri: misclassed_reason(*why)["en"] for iri, why in misclassed(
        owned, [f"{graphs.base}id/", *filter(None, [peer.uri_space])]).items() if iri not in personal}
    reasons |= classless
    # a resource attributed to a network of this instance would read as that network's (its lists, search, the
    # competency queries): left out, as a network's submission attributed to another network is refused
    our_keys = {ownership.key(graphs, network) for network in ours}
    usurping = {_owner(t): f"attributed to this instance's network <{t.object.value}>: a peer's data is "
                           "attributed to its own networks"
                for t in owned if t.predicate.value == PROV + "wasAttributedTo" and isinstance(t.object, NamedNode)
                and ownership.key(graphs, t.object.value) in our_keys and _owner(t) not in personal}
    reasons |= usurping
    return _Fetched(peer, network, graph, url, new_etag, edition,
                    tuple(t for t in owned if _owner(t) not in personal and _owner(t) not in classless
                          and _owner(t) not in usurping),
                    frozenset(reasons),
                    tuple(sorted(reasons.items())), claimed)


def _attributes_to(store: Store, copy: str, ours: Sequence[str]) -> bool:
    """Whether a copy holds a resource attributed to one of these networks (of this instance, made after the copy)."""
    return bool(ours) and store.query(f"ASK {{ GRAPH {iri(copy)} {{ ?s <{PROV}wasAttributedTo> ?n }} "
                                      f"VALUES ?n {{ {' '.join(iri(n) for n in ours)} }} }}") is True


def _owner(t: Triple) -> str:
    """The resource a triple describes (a blank node's, its owner's, as skolemised: `IRI#genid-…`)."""
    return term_value(t.subject).split("#genid-")[0]


def _settle(copies: Sequence[_Fetched], validator: Validator, graphs: Graphs,
            store: Store) -> dict[int, tuple[list[Triple], dict[str, str]]]:
    """Each copy's triples that conform and its resources left out (with why), all copies checked together, each
    against the store and the others: what a copy references is known from the store (this instance's networks, the
    copies harvested before, the reference data) or from another copy, never from the copies these replace (what
    the last harvest kept of a resource is no longer there once it is left out). A resource that does not conform
    is left out with its blank-node parts, and the check made again without it: what required it (a lesson learned
    from a project left out, a sheet describing it, a resource about it) does not conform any more and is left out
    in turn, until what is kept conforms as a whole, as a backup's audit checks it; when that does not settle,
    every copy is left out whole."""
    kept = {id(copy): list(copy.triples) for copy in copies}
    why: dict[int, dict[str, str]] = {id(copy): dict(copy.reasons) for copy in copies}
    replacing = frozenset(copy.graph for copy in copies)
    gone: set[str] = set()  # the resources of the copies left out so far
    settled = False
    for _ in range(ROUNDS + len(copies)):
        triples = tuple(t for found in kept.values() for t in found)
        report = check(Batch(triples, ()), store, validator, graphs, None, strict=False,
                       replacing=replacing) if triples else None
        if report is None or report.conforms:
            settled = True
            break
        owners = {_owner(t) for t in triples}
        bad: dict[str, str] = {}
        for v in sorted(report.violations, key=lambda v: (v.value is None or _owner_of(v.value) not in gone,
                                                          v.focus, v.path or "")):
            focus = v.focus.split("#genid-")[0]
            if focus in owners and focus not in bad:
                bad[focus] = _reason(v, gone)
        if not bad:
            break  # nothing left to leave out
        gone |= set(bad)
        for key, found in kept.items():
            resources = {_owner(t) for t in found}
            why[key].update((resource, reason) for resource, reason in bad.items() if resource in resources)
            kept[key] = [t for t in found if _owner(t) not in bad]
    if not settled:
        return {id(copy): ([], dict(copy.reasons) | {_owner(t): "the copy was left out whole: leaving out what does "
                                                     "not conform did not settle" for t in copy.triples})
                for copy in copies}
    return {key: (found, why[key]) for key, found in kept.items()}


def _owner_of(value: str) -> str:
    """The resource a report's value names (an IRI in brackets; a blank node's, its owner's), or the value."""
    return value[1:-1].split("#genid-")[0] if value.startswith("<") and value.endswith(">") else value


def _reason(v: Violation, gone: set[str]) -> str:
    """Why a resource is left out: the resource left out before that it required, by which property; else what the
    shapes say of it (no value: it may be personal data)."""
    if v.value is not None and _owner_of(v.value) in gone:
        through = f" through {curie(v.path)}" if v.path else ""
        return f"depends on <{_owner_of(v.value)}>{through}, left out"
    message = pick(v.messages, "en") or "does not conform to the shapes"
    return f"{curie(v.path)}: {message}" if v.path else message


def _stored(store: Store, graphs: Graphs, copy: _Fetched, triples: list[Triple],
            reasons: dict[str, str]) -> NetworkOutcome:
    """The copy written in place of the last one, with its provenance."""
    current = editions.software_edition()
    now = datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/harvest/{copy.peer.name}/{copy.network}/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    records = _provenance(activity, copy.graph, copy.peer, copy.url, copy.etag, len(triples), reasons, now) \
        + _editions(copy.url, copy.graph, copy.edition, current)
    try:
        store.update(" ;\n".join([
            f"DROP SILENT GRAPH {iri(copy.graph)}",
            insert_data(copy.graph, triples),
            f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(copy.graph)} ?p ?o }} }}",
            insert_data(graphs.metadata, records),
        ]), written=Written(graphs=[copy.graph], subjects={copy.graph, *subjects_of(records)}))
    except IsicError as exc:
        return NetworkOutcome(copy.network, copy.graph, False, error=exc.message)
    return NetworkOutcome(copy.network, copy.graph, True, len(triples), tuple(sorted(reasons)),
                          dict(sorted(reasons.items())),
                          migrated_from=copy.edition if copy.edition < current else None)


def _provenance(activity: str, graph: str, peer: Peer, url: str, etag: str | None, count: int,
                reasons: dict[str, str], now: datetime.datetime) -> list[Triple]:
    a, g, source = NamedNode(activity), NamedNode(graph), NamedNode(url)
    stamp = Literal(now.isoformat(), datatype=NamedNode(XSD + "dateTime"))

    def t(s: NamedNode, p: str, o: NamedNode | Literal) -> Triple:
        return Triple(s, NamedNode(p), o)

    skipped = sorted(reasons)
    outcome = (f"{len(skipped)} non-conforming resource(s) left out: "
               + "; ".join(f"{resource} ({reasons[resource]})" for resource in skipped[:20])
               + ("; …" if len(skipped) > 20 else "")) if skipped \
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
        host = urllib.parse.urlsplit(joined).netloc
        raise UsageError(f"its dump address points to another host ({host[:80]!r}); a peer's dumps stay on its own",
                         fr=f"son adresse d'export mène à un autre hôte ({host[:80]!r}) ; les exports d'un pair "
                            "restent sur le sien")
    return joined

