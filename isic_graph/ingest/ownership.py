"""Who owns each subject IRI, and the records in the ownership graph that say so.

Owners:
- a network owns `{base}id/network/{slug}` and what it is first to publish (recorded by that ingestion);
- the instance owns the shared vocabulary and the well-known vocabularies it uses (rdf/vocabularies.py: RDF, RDFS,
  OWL, SKOS, Dublin Core, FOAF, PROV, schema.org…, in any spelling, either web scheme), its own IRIs outside
  `{base}id/` (graphs, catalogue, `.well-known/genid`: no network or peer ever owns one, whatever a record made
  before this rule says), the IRIs it mints for its records (`id/ingestion/…`, `id/harvest/…`,
  `id/load/…`, `id/ownership…/…`, `id/peer/…`, and the `ni:` names of submitted files), and
  what `isic-graph load` brings (reference data: loading reference data about a subject nobody else owns, or
  about a territory a network described first, makes the instance its owner; reference data about another
  resource a network or a peer owns is refused, admin/reference.py);
- a registered peer owns the IRIs under its `void:uriSpace` (outside this instance's own base, where it
  owns what it is first to publish here, as a network does), from the moment it is added: the peer
  registry is read at each check, and the space is recorded in the ownership graph at its harvests. A
  record that gave one of them to a network or to reference data before the peer was registered no longer
  counts; where spaces nest, the longest holds. A space covers whole path segments (iris.in_space): one ending in
  `/` or `#` what starts with it, one ending otherwise itself and what continues it with `/`, `#` or `?`.
Each owned subject has a record in the ownership graph, `<{base}id/ownership/{hash of the key}>`:
`dcterms:subject` the IRI, `prov:wasAttributedTo` the owner, `prov:wasGeneratedBy` the activity (the
ingestion, load, harvest, migration or transfer) that made it so. Records outlive retraction.

Owners are compared on keys (iris.py): the IRI normalised, without its fragment (a skolemised blank
node `X#genid-…` is part of X: a network's node that hangs from no subject is part of the network's own IRI,
reading.skolemise), in lower case. An IRI under this instance's base not written with that
very base in normal form (`HTTP://…`, `…//id/…`, `%69d/…`, `user@`, `:05000`, the other web scheme) is refused
outright.

The check that a write or a harvest states nothing about a subject another owns is in ownercheck.py."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from pyoxigraph import Literal

from isic_graph.rdf.iris import in_space, lookalike_key, normal, scheme_blind, scheme_twin, space_key
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    OWL,
    PROV,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SKOS,
    VOCABULARY,
    VOID,
    Graphs,
)
from isic_graph.rdf.vocabularies import is_vocabulary_term
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri as sparql_iri
from isic_graph.store.base import Store
from isic_graph.store.jsonfile import read_entries
from isic_graph.store.results import term_value

IDENTITY = frozenset({RDF_TYPE, RDFS + "label", SKOS + "prefLabel", ISIC + "siret", ISIC + "rna", ISIC + "inseeCode",
                      ISIC + "territoryLevel", ISIC + "within", ISIC + "actorType"})
PART_OF = frozenset({ISIC + "describes", ISIC + "learnedFrom"})  # attach a sheet or lesson: publish the target too
ATTACHING = PART_OF | {OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty", SKOS + "exactMatch",
                       SKOS + "closeMatch", SCHEMA + "sameAs", "http://schema.org/sameAs"}  # schema.org: both schemes
CHUNK = 400
ATTRIBUTED = PROV + "wasAttributedTo"
GENERATED = PROV + "wasGeneratedBy"
SUBJECT = DCTERMS + "subject"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class Owner:
    """A network, a peer or the instance itself, by the IRI that names it (its agent)."""

    agent: str
    kind: str  # "network", "peer" or "instance"
    name: str  # the network's slug or the peer's name; "" for the instance

    def describe(self, lang: str = "en") -> str:
        """Who it is, in English or French ("fr", or "fr à" after the preposition: "au réseau « x »")."""
        if lang.startswith("fr"):
            article = ("à " if self.kind == "instance" else "au ") if lang == "fr à" else ("" if self.kind == "instance"
                                                                                          else "le ")
            return article + ("cette instance" if self.kind == "instance" else
                              f'{"réseau" if self.kind == "network" else "pair"} « {self.name} »')
        return "this instance" if self.kind == "instance" else f'{self.kind} "{self.name}"'


@dataclass(frozen=True)
class Record:
    """A subject's owner, and the activity (ingestion, load, harvest, migration, transfer) that made it so."""

    owner: Owner
    activity: str | None = None
    since: str | None = None  # when that activity ended (xsd:dateTime)


# the instance's records: no network may describe them
MINTED_HERE = ("id/ingestion/", "id/harvest/", "id/load/", "id/ownership/", "id/ownership-transfer/",
               "id/ownership-migration/", "id/peer/", "id/retraction/")
MINTED_ELSEWHERE = ("ni:",)  # the names of submitted files (RFC 6920), in the instance's provenance
# The names the instance's code makes for its records, and only those: a digest or a time stamp. Their hex and
# digits are no one's personal data (a digest can read as an IBAN with a right key, about once in 10,000).
RECORD_NAME = re.compile(r"id/(?:ownership/[0-9a-f]{32}"
                         r"|(?:ingestion|load|ownership-transfer|ownership-migration|retraction)/\d{8}T\d{12}Z(?:-[0-9a-f]{12})?"
                         r"|harvest/[a-z0-9-]+(?:/[a-z0-9-]+)?/\d{8}T\d{12}Z(?:-ownership)?)")


def is_record_name(graphs: Graphs, iri: str) -> bool:
    """Whether the IRI is one the instance's code names its records with (a digest or a time stamp)."""
    return iri.startswith(graphs.base) and RECORD_NAME.fullmatch(iri, len(graphs.base)) is not None


def network(graphs: Graphs, slug: str) -> Owner:
    return Owner(graphs.network_resource(slug), "network", slug)


def peer(graphs: Graphs, name: str) -> Owner:
    return Owner(f"{graphs.base}id/peer/{name}", "peer", name)


def instance(graphs: Graphs) -> Owner:
    return Owner(graphs.base, "instance", "")


def owner_named(graphs: Graphs, agent: str) -> Owner:
    """The owner an agent IRI names."""
    for kind, prefix in (("network", graphs.base + "id/network/"), ("peer", graphs.base + "id/peer/")):
        if agent.startswith(prefix):
            return Owner(agent, kind, agent[len(prefix):])
    return instance(graphs)


def in_a_peer_space(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI, in any spelling, is under the URI space of a peer in the registry (outside this
    instance's base): that peer's, whoever else writes about it (reference data included)."""
    k = key(graphs, iri)
    return not k.startswith(key(graphs, graphs.base)) and any(
        in_space(space_key_of(graphs, space), k) for space in registered_spaces(graphs).values())


def id_key(graphs: Graphs) -> str:
    """What the key of every IRI under `{base}id/` starts with (`key` takes a path's closing `/` off the base:
    `https://example.org/isic/` is `https://example.org/isic`, to which `id/` cannot just be added)."""
    return key(graphs, graphs.base).rstrip("/") + "/id/"


def names_a_network(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI, in any spelling, is (or is under) `{base}id/network/…`: a network's own, which
    always stays that network's whoever else writes about it (reference data included)."""
    return key(graphs, iri).startswith(id_key(graphs) + "network/")


def key(graphs: Graphs, iri: str) -> str:
    """What owners are compared on (iris.lookalike_key); a skolemised orphan blank node keeps its fragment."""
    return lookalike_key(iri, keep_fragment=normal(iri).startswith(graphs.base + ".well-known/genid#"))


def space_key_of(graphs: Graphs, space: str) -> str:
    """A URI space's key, for in_space against IRIs' keys (`key`): `…/` and `…#` kept, so that `http://h/id/` covers
    `http://h/id/x` and not `http://h/identifiers/x`."""
    return space_key(space, lambda iri: key(graphs, iri))


def record(graphs: Graphs, subject_key: str) -> str:
    """The IRI of a subject's ownership record."""
    return f"{graphs.base}id/ownership/{hashlib.sha256(subject_key.encode()).hexdigest()[:32]}"


def owners(store: Store, graphs: Graphs, iris: Iterable[str],
           spaces: Mapping[str, str] | None = None) -> dict[str, Owner]:
    """The owner of each IRI that has one (by record, else by rule), by IRI."""
    return {iri: owner for iri, (owner, _) in resolve(store, graphs, iris, spaces).items()}


def resolve(store: Store, graphs: Graphs, iris: Iterable[str],
            spaces: Mapping[str, str] | None = None) -> dict[str, tuple[Owner, bool]]:
    """The owner of each IRI that has one, and whether a record says so (or only a rule); `spaces`, the peers'
    URI spaces (peer_spaces) when they are at hand."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for iri in iris:
        by_key[key(graphs, iri)].append(iri)
    if not by_key:
        return {}
    recorded = _recorded(store, graphs, by_key)
    return decide(graphs, by_key, recorded, peer_spaces(store, graphs) if spaces is None else spaces)


def decide(graphs: Graphs, by_key: Mapping[str, Sequence[str]], recorded: dict[str, Owner],
           spaces: Mapping[str, str]) -> dict[str, tuple[Owner, bool]]:
    """resolve, with the IRIs by key, the owner each key's record names (`recorded`, changed) and the peers'
    URI spaces at hand."""
    found: dict[str, tuple[Owner, bool]] = {}
    spaces_by_key = {scheme_blind(space_key_of(graphs, space)): name for name, space in spaces.items()}
    own, ids = key(graphs, graphs.base), id_key(graphs)
    networks = ids + "network/"
    minted = tuple(ids[:-3] + path for path in MINTED_HERE)  # its records, ingestions… (`id/…` under the base)
    for k, named in by_key.items():
        owner = recorded.get(k)
        slug = k[len(networks):] if k.startswith(networks) else ""
        vocabulary = not k.startswith(own) and is_vocabulary_term(k)
        holder = None if vocabulary or k.startswith((own, *MINTED_ELSEWHERE)) else _space_holder(k, spaces_by_key)
        if SLUG.fullmatch(slug) and (owner is None or owner.kind == "instance"):  # a network's own IRI is its
            owner = network(graphs, slug)  # own, whatever reference data recorded before that was kept from it
            recorded.pop(k, None)
        elif vocabulary and (owner is None or owner.kind != "instance"):  # a vocabulary's term, in any spelling:
            owner = instance(graphs)  # the instance's, whatever a network recorded before it was recognised
            recorded.pop(k, None)
        elif holder is not None and owner != peer(graphs, holder):  # under a registered peer's space: the
            owner = peer(graphs, holder)  # peer's, whatever a network or reference data recorded before it was
            recorded.pop(k, None)  # registered (that record no longer counts)
        elif k.startswith(own) and not k.startswith(ids) and (owner is None or owner.kind != "instance"):
            owner = instance(graphs)  # what it serves under its base outside `id/` (pages, graphs, catalogue, the
            recorded.pop(k, None)  # `.well-known/genid` nodes of no subject): its own, whatever a record says
        elif owner is None and (k.startswith(VOCABULARY) or k.startswith(MINTED_ELSEWHERE)
                                or k.startswith(minted)):
            owner = instance(graphs)
        if owner is not None:
            found.update((iri, (owner, k in recorded)) for iri in named)
    return found


def _space_holder(k: str, spaces: Mapping[str, str]) -> str | None:
    """The peer whose URI space (by key, web schemes made one) holds a key in either web scheme (`https://peer/x` is
    under `http://peer/`): the longest that does, if spaces nest."""
    blind = scheme_blind(k)
    holding = [space for space in spaces if in_space(space, blind)]
    return spaces[max(holding, key=len)] if holding else None


def owner_of(store: Store, graphs: Graphs, iri: str) -> Owner | None:
    """Who owns an IRI, or None while nobody has published it."""
    return owners(store, graphs, [iri]).get(iri)


def record_of(store: Store, graphs: Graphs, iri: str) -> Record | None:
    """A subject's owner with the activity that recorded it (none for an owner by rule alone)."""
    sparql_iri(iri)  # an IRI a person typed: refused (UsageError) unless it is one
    owner = owner_of(store, graphs, iri)
    return None if owner is None else record_for(store, graphs, iri, owner)


def record_for(store: Store, graphs: Graphs, iri: str, owner: Owner) -> Record:
    """A subject's owner, known, with the activity that recorded it (none for an owner by rule alone)."""
    rows = store.select(f"SELECT ?a ?t WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ "
                        f"{sparql_iri(record(graphs, key(graphs, iri)))} "
                        f"<{ATTRIBUTED}> {sparql_iri(owner.agent)} ; <{GENERATED}> ?a }} OPTIONAL {{ ?a "
                        f"<{PROV}endedAtTime> ?t }} "
                        "} ORDER BY DESC(?t) LIMIT 1").rows
    if not rows:
        return Record(owner)
    return Record(owner, term_value(rows[0]["a"]), term_value(rows[0]["t"]) if "t" in rows[0] else None)


def peer_spaces(store: Store, graphs: Graphs, recorded: dict[str, str] | None = None) -> dict[str, str]:
    """The peers' URI spaces, by peer name: as their harvests (or `peer add` with the store at hand) recorded
    them (recorded_spaces, unless given), and as the peer registry holds them now, which a peer owns from the
    moment it is added."""
    return {**(recorded_spaces(store, graphs) if recorded is None else recorded), **registered_spaces(graphs)}


def recorded_spaces(store: Store, graphs: Graphs) -> dict[str, str]:
    """The peers' URI spaces the ownership graph records, by peer name."""
    rows = store.select(f"SELECT ?peer ?space WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?peer <{VOID}uriSpace> "
                        f"?space }} }}"
                        ).rows
    prefix = graphs.base + "id/peer/"
    return {term_value(r["peer"])[len(prefix):]: term_value(r["space"]) for r in rows
            if term_value(r["peer"]).startswith(prefix)}


def registered_spaces(graphs: Graphs) -> dict[str, str]:
    """The URI spaces of the peers in the registry (federation/peers.py), by peer name."""
    if graphs.peer_registry is None:
        return {}
    return {name: entry["uri_space"] for name, entry in read_entries(graphs.peer_registry, "peers").items()
            if isinstance(entry, dict) and isinstance(entry.get("uri_space"), str) and entry["uri_space"]}


def claim_update(graphs: Graphs, owner: Owner, iris: Sequence[str], activity: str, replace: bool = False) -> str:
    """The update that records an owner for IRIs: those nobody owns yet, or (replace) all of them."""
    operations: list[str] = []
    for start in range(0, len(iris), CHUNK):
        part = iris[start:start + CHUNK]
        values = " ".join(f"({sparql_iri(record(graphs, key(graphs, iri)))} "
                          f"{sparql_iri(normal(iri) if is_orphan(graphs, iri) else normal(iri).split('#genid-')[0])})"
                          for iri in part)
        if replace:
            operations.append(f"DELETE {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?r ?p ?o }} }} "
                              f"WHERE {{ VALUES (?r ?s) "
                              f"{{ {values} }} GRAPH {sparql_iri(graphs.ownership)} {{ ?r ?p ?o }} }}")
        operations.append(f"""INSERT {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?r a <{PROV}Entity> ; <{SUBJECT}> ?s ;
  <{ATTRIBUTED}> {sparql_iri(owner.agent)} ; <{GENERATED}> {sparql_iri(activity)} }} }}
WHERE {{ VALUES (?r ?s) {{ {values} }} FILTER NOT EXISTS {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?r <{ATTRIBUTED}> \
?any }} }} }}""")
    return " ;\n".join(operations)


def claim_records(graphs: Graphs, iris: Iterable[str]) -> list[str]:
    """The IRIs of the ownership records claim_update writes for these IRIs (what it changes in the store)."""
    return [record(graphs, key(graphs, iri)) for iri in iris]


def claim(store: Store, graphs: Graphs, owner: Owner, iris: Sequence[str], activity: str,
          replace: bool = False) -> None:
    """Record an owner for IRIs (see claim_update)."""
    if iris:
        store.update(claim_update(graphs, owner, list(iris), activity, replace),
                     written=Written(subjects=claim_records(graphs, iris)))


def _recorded(store: Store, graphs: Graphs, keys: Mapping[str, object]) -> dict[str, Owner]:
    """The owner each key's record names; a key with no record of its own takes the record of the same address in the
    other web scheme (`https://h/x` is `http://h/x`'s, which a reader takes for one another), if there is one."""
    by_record: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # record -> (key asking, its own record?)
    for k in keys:
        by_record[record(graphs, k)].append((k, True))
        if (twin := scheme_twin(k)) is not None:
            by_record[record(graphs, twin)].append((k, False))
    own: dict[str, Owner] = {}
    twins: dict[str, Owner] = {}
    names = sorted(by_record)
    for start in range(0, len(names), CHUNK):
        values = " ".join(sparql_iri(r) for r in names[start:start + CHUNK])
        for row in store.select(f"SELECT ?r ?agent WHERE {{ VALUES ?r {{ {values} }} GRAPH "
                                f"{sparql_iri(graphs.ownership)} "
                                f"{{ ?r <{ATTRIBUTED}> ?agent }} }}").rows:
            for k, its_own in by_record[term_value(row["r"])]:
                (own if its_own else twins)[k] = owner_named(graphs, term_value(row["agent"]))
    return {**twins, **own}



def record_peer(store: Store, graphs: Graphs, name: str, uri_space: str | None) -> None:
    """Record (or forget) the URI space of a peer: from then on, it owns the IRIs under it here."""
    store.update(space_update(graphs, name, uri_space), written=Written(subjects=[peer(graphs, name).agent]))


def space_update(graphs: Graphs, name: str, uri_space: str | None) -> str:
    agent = peer(graphs, name).agent
    update = (f"DELETE WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(agent)} <{VOID}uriSpace> ?space }} "
              f"}}")
    if uri_space:
        update += (f" ;\nINSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(agent)} <{VOID}uriSpace> "
                   f"{Literal(uri_space)} }} }}")
    return update


def is_orphan(graphs: Graphs, iri: str) -> bool:
    return iri.startswith(graphs.base + ".well-known/genid")
