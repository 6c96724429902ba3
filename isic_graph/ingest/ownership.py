"""Who owns each subject IRI, and the check that a write states nothing about a subject it does not own.

Owners:
- a network owns `{base}id/network/{slug}` and what it is first to publish (recorded by that ingestion);
- the instance owns the shared vocabulary, its own IRIs outside `{base}id/` (graphs, catalogue), the
  IRIs it mints for its records (`id/ingestion/…`, `id/harvest/…`, `id/load/…`, `id/ownership…/…`,
  `id/peer/…`, and the `ni:` names of submitted files), and
  what `isic-graph load` brings (reference data, territories included: loading reference data about a
  subject makes the instance its owner);
- a registered peer owns the IRIs under its `void:uriSpace` (outside this instance's own base, where it
  owns what it is first to publish here, as a network does), from the moment it is added: the peer
  registry is read at each check, and the space is recorded in the ownership graph at its harvests. A
  record that gave one of them to a network or to reference data before the peer was registered no longer
  counts; where spaces nest, the longest holds.
Each owned subject has a record in the ownership graph, `<{base}id/ownership/{hash of the key}>`:
`dcterms:subject` the IRI, `prov:wasAttributedTo` the owner, `prov:wasGeneratedBy` the activity (the
ingestion, load, harvest, migration or transfer) that made it so. Records outlive retraction.

Owners are compared on keys (iris.py): the IRI normalised, without its fragment (a skolemised blank
node `X#genid-…` is part of X), in lower case. An IRI under this instance's base not written with that
very base in normal form (`HTTP://…`, `…//id/…`, `%69d/…`, `user@`, `:05000`) is refused outright.

What counts as a statement about a subject: every triple whose subject it is, and the triples that
attach something to it as their object (ATTACHING: a collection sheet `isic:describes` it, a lesson is
`isic:learnedFrom` it, `owl:sameAs` and the other identity links, which would merge two descriptions;
an identity link to an IRI nobody owns, such as Wikidata's, claims nothing).
Any other link to another's subject (a project carried by the CAF, a lesson that confirms another
network's lesson) is what linked data is for, and is shown on the target's page as an incoming link.

A row about another's subject is accepted as a reference when it only repeats the subject's identity
(IDENTITY: its type, label, SIRET / RNA / INSEE code, territory level and enclosing territory, actor
type) exactly as its owner's graphs hold it (a literal's language tag and datatype included); so networks
list Rennes or the CAF without describing them. One rule for every owner: network, peer or instance.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import NotOwner, UsageError
from isic_graph.ingest.documents import Batch
from isic_graph.rdf.iris import lookalike_key, normal
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
    XSD,
    Graphs,
)
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
MINTED_PATH = re.compile(r"[a-z][a-z-]*(?:/[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)+(?:#[A-Za-z0-9_-]+)?")
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
        k.startswith(key(graphs, space)) for space in registered_spaces(graphs).values())


def names_a_network(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI, in any spelling, is (or is under) `{base}id/network/…`: a network's own, which
    always stays that network's whoever else writes about it (reference data included)."""
    return key(graphs, iri).startswith(key(graphs, graphs.base) + "id/network/")


def key(graphs: Graphs, iri: str) -> str:
    """What owners are compared on (iris.lookalike_key); a skolemised orphan blank node keeps its fragment."""
    return lookalike_key(iri, keep_fragment=normal(iri).startswith(graphs.base + ".well-known/genid#"))


def record(graphs: Graphs, subject_key: str) -> str:
    """The IRI of a subject's ownership record."""
    return f"{graphs.base}id/ownership/{hashlib.sha256(subject_key.encode()).hexdigest()[:32]}"


def owners(store: Store, graphs: Graphs, iris: Iterable[str]) -> dict[str, Owner]:
    """The owner of each IRI that has one (by record, else by rule), by IRI."""
    return {iri: owner for iri, (owner, _) in _resolve(store, graphs, iris).items()}


def _resolve(store: Store, graphs: Graphs, iris: Iterable[str]) -> dict[str, tuple[Owner, bool]]:
    """The owner of each IRI that has one, and whether a record says so (or only a rule)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for iri in iris:
        by_key[key(graphs, iri)].append(iri)
    found: dict[str, tuple[Owner, bool]] = {}
    recorded = _recorded(store, graphs, by_key)
    spaces = {key(graphs, space): name for name, space in peer_spaces(store, graphs).items()}
    own = key(graphs, graphs.base)
    networks = own + "id/network/"
    for k, named in by_key.items():
        owner = recorded.get(k)
        slug = k[len(networks):] if k.startswith(networks) else ""
        holder = None if k.startswith((own, VOCABULARY, *MINTED_ELSEWHERE)) else _space_holder(k, spaces)
        if SLUG.fullmatch(slug) and (owner is None or owner.kind == "instance"):  # a network's own IRI is its
            owner = network(graphs, slug)  # own, whatever reference data recorded before that was kept from it
            recorded.pop(k, None)
        elif holder is not None and owner != peer(graphs, holder):  # under a registered peer's space: the
            owner = peer(graphs, holder)  # peer's, whatever a network or reference data recorded before it was
            recorded.pop(k, None)  # registered (that record no longer counts)
        elif owner is None and (k.startswith(VOCABULARY) or k.startswith(MINTED_ELSEWHERE) or (
                k.startswith(own) and not k.startswith((own + "id/", own + ".well-known/genid")))
                or k.startswith(tuple(own + path for path in MINTED_HERE))):  # and what it serves under its base
            owner = instance(graphs)
        if owner is not None:
            found.update((iri, (owner, k in recorded)) for iri in named)
    return found


def _space_holder(k: str, spaces: Mapping[str, str]) -> str | None:
    """The peer whose URI space (by key) holds a key: the longest that does, if spaces nest."""
    holding = [space for space in spaces if k.startswith(space)]
    return spaces[max(holding, key=len)] if holding else None


def owner_of(store: Store, graphs: Graphs, iri: str) -> Owner | None:
    """Who owns an IRI, or None while nobody has published it."""
    return owners(store, graphs, [iri]).get(iri)


def record_of(store: Store, graphs: Graphs, iri: str) -> Record | None:
    """A subject's owner with the activity that recorded it (none for an owner by rule alone)."""
    sparql_iri(iri)  # an IRI a person typed: refused (UsageError) unless it is one
    owner = owner_of(store, graphs, iri)
    if owner is None:
        return None
    rows = store.select(f"SELECT ?a ?t WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ "
                        f"{sparql_iri(record(graphs, key(graphs, iri)))} "
                        f"<{ATTRIBUTED}> {sparql_iri(owner.agent)} ; <{GENERATED}> ?a }} OPTIONAL {{ ?a "
                        f"<{PROV}endedAtTime> ?t }} "
                        "} ORDER BY DESC(?t) LIMIT 1").rows
    if not rows:
        return Record(owner)
    return Record(owner, term_value(rows[0]["a"]), term_value(rows[0]["t"]) if "t" in rows[0] else None)


def peer_spaces(store: Store, graphs: Graphs) -> dict[str, str]:
    """The peers' URI spaces, by peer name: as their harvests (or `peer add` with the store at hand) recorded
    them, and as the peer registry holds them now, which a peer owns from the moment it is added."""
    rows = store.select(f"SELECT ?peer ?space WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?peer <{VOID}uriSpace> "
                        f"?space }} }}"
                        ).rows
    prefix = graphs.base + "id/peer/"
    spaces = {term_value(r["peer"])[len(prefix):]: term_value(r["space"]) for r in rows
              if term_value(r["peer"]).startswith(prefix)}
    return {**spaces, **registered_spaces(graphs)}


def registered_spaces(graphs: Graphs) -> dict[str, str]:
    """The URI spaces of the peers in the registry (federation/peers.py), by peer name."""
    if graphs.peer_registry is None:
        return {}
    return {name: entry["uri_space"] for name, entry in read_entries(graphs.peer_registry, "peers").items()
            if isinstance(entry, dict) and isinstance(entry.get("uri_space"), str) and entry["uri_space"]}


def check_batch(store: Store, graphs: Graphs, owner: Owner, batch: Batch) -> list[str]:
    """Refuse (NotOwner) a batch stating anything about a subject another owns, but rows that repeat
    its identity as stored; the IRIs the batch will claim (nobody's yet, or the owner's by rule only)."""
    stated = _statements(batch.triples)
    base = key(graphs, graphs.base)
    for iri in stated:
        if key(graphs, iri).startswith(base) and not _spelled_as_ours(graphs, iri):
            raise UsageError(f"<{iri}> is not written as this instance's IRIs are (<{graphs.base}id/KIND/NAME>, "
                             "names of letters, digits and hyphens, in normal form): write it as they are",
                             f"<{iri}> n'est pas écrit comme les IRI de cette instance (<{graphs.base}id/TYPE/NOM>, "
                             "noms de lettres, chiffres et tirets, sous forme normale) : écrivez-le comme elles")
    found = _resolve(store, graphs, stated)
    references: list[tuple[str, Owner, Triple]] = []
    for iri, (other, _) in found.items():
        if other == owner:
            continue
        for t, attached in stated[iri]:
            if attached or t.predicate.value not in IDENTITY or term_value(t.subject) != iri:
                raise _refusal(batch, iri, other, owner, t)
            references.append((iri, other, t))
    matching = _matching(store, graphs, references)
    for iri, other, t in references:
        if t not in matching:
            raise _refusal(batch, iri, other, owner, t)
    claimed: dict[str, str] = {}
    if owner.kind == "network":  # its own IRI, recorded once it publishes (a peer sharing the base may not take it)
        claimed[key(graphs, owner.agent)] = owner.agent
    for iri, statements in stated.items():
        if _published(statements) and (iri not in found or (found[iri][0] == owner and not found[iri][1])):
            claimed.setdefault(key(graphs, iri), iri)
    return sorted(claimed.values())


def _published(statements: list[tuple[Triple, bool]]) -> bool:
    """Whether the statements publish their IRI (describe it, or attach a sheet or lesson to it), or only
    link it as the same as another (owl:sameAs <http://www.wikidata.org/…> claims nothing)."""
    return any(not attached or t.predicate.value in PART_OF for t, attached in statements)


def _statements(triples: Iterable[Triple]) -> dict[str, list[tuple[Triple, bool]]]:
    """The triples stating something about each IRI: those it is the subject of (or a blank node of it
    is), and those attaching something to it (True)."""
    stated: dict[str, list[tuple[Triple, bool]]] = defaultdict(list)
    for t in triples:
        stated[term_value(t.subject).split("#genid-")[0]].append((t, False))
        if t.predicate.value in ATTACHING and isinstance(t.object, NamedNode):
            stated[t.object.value.split("#genid-")[0]].append((t, True))
    return stated


def claim_update(graphs: Graphs, owner: Owner, iris: Sequence[str], activity: str, replace: bool = False) -> str:
    """The update that records an owner for IRIs: those nobody owns yet, or (replace) all of them."""
    operations: list[str] = []
    for start in range(0, len(iris), CHUNK):
        part = iris[start:start + CHUNK]
        values = " ".join(f"({sparql_iri(record(graphs, key(graphs, iri)))} "
                          f"{sparql_iri(normal(iri) if _orphan(graphs, iri) else normal(iri).split('#genid-')[0])})"
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


def keep_owned(store: Store, graphs: Graphs, name: str, uri_space: str | None, triples: Sequence[Triple],
               now: datetime.datetime | None = None) -> tuple[tuple[Triple, ...], tuple[str, ...]]:
    """A harvested peer's triples about the subjects it owns, with the rows repeating the identity of
    another's subject as its owner states it; and the subjects of the triples left out (sorted).

    The peer owns the IRIs under its URI space (under this instance's own base, those nobody here published
    first; outside it, all of them, whatever was recorded before the peer was registered); with no known URI
    space, what it publishes here first.
    Its URI space and the subjects it is first to publish here are recorded.
    """
    stated = _statements(triples)
    mine = peer(graphs, name)
    found = _resolve(store, graphs, stated)
    space = key(graphs, uri_space) if uri_space else None
    own = key(graphs, graphs.base)
    claimed: list[str] = []
    references: list[tuple[str, Owner, Triple]] = []
    refused: set[Triple] = set()
    for iri, statements in stated.items():
        owner, recorded = found.get(iri, (None, False))
        inside = space is None or key(graphs, iri).startswith(space)
        claimable = owner is None or (not recorded and owner.kind == "network")  # a network never published here
        if (key(graphs, iri).startswith(own) and not _spelled_as_ours(graphs, iri)) or (
                inside and normal(iri) != iri and not _orphan(graphs, iri)):
            refused.update(t for t, _ in statements)
        elif (owner == mine and recorded) or (owner is None and not _published(statements)):
            continue
        elif owner == mine or (inside and claimable):  # its own by rule (its registered space): recorded now
            claimed.append(iri)
        elif owner is None:
            refused.update(t for t, _ in statements)
        else:
            for t, attached in statements:
                if attached or t.predicate.value not in IDENTITY or term_value(t.subject) != iri:
                    refused.add(t)
                else:
                    references.append((iri, owner, t))
    matching = _matching(store, graphs, references)
    refused.update(t for _, _, t in references if t not in matching)
    kept = tuple(t for t in triples if t not in refused)
    left_out = {iri for iri, statements in stated.items() if any(t in refused for t, _ in statements)}
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/harvest/{name}/{now.strftime('%Y%m%dT%H%M%S%fZ')}-ownership"
    operations = [_space_update(graphs, name, uri_space)]
    claimed = sorted(set(claimed) - left_out)
    if claimed:
        operations.append(f"INSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(activity)} a "
                          f"<{PROV}Activity> ; "
                          f'<{PROV}endedAtTime> "{now.isoformat()}"^^<{XSD}dateTime> ; '
                          f"<{PROV}wasAssociatedWith> {sparql_iri(mine.agent)} }} }}")
        operations.append(claim_update(graphs, mine, claimed, activity))
    store.update(" ;\n".join(operations),
                 written=Written(subjects=[peer(graphs, name).agent, activity, *claim_records(graphs, claimed)]))
    return kept, tuple(sorted(left_out))


def _recorded(store: Store, graphs: Graphs, keys: Mapping[str, object]) -> dict[str, Owner]:
    by_record = {record(graphs, k): k for k in keys}
    found: dict[str, Owner] = {}
    names = sorted(by_record)
    for start in range(0, len(names), CHUNK):
        values = " ".join(sparql_iri(r) for r in names[start:start + CHUNK])
        for row in store.select(f"SELECT ?r ?agent WHERE {{ VALUES ?r {{ {values} }} GRAPH "
                                f"{sparql_iri(graphs.ownership)} "
                                f"{{ ?r <{ATTRIBUTED}> ?agent }} }}").rows:
            found[by_record[term_value(row["r"])]] = owner_named(graphs, term_value(row["agent"]))
    return found


def record_peer(store: Store, graphs: Graphs, name: str, uri_space: str | None) -> None:
    """Record (or forget) the URI space of a peer: from then on, it owns the IRIs under it here."""
    store.update(_space_update(graphs, name, uri_space), written=Written(subjects=[peer(graphs, name).agent]))


def _space_update(graphs: Graphs, name: str, uri_space: str | None) -> str:
    agent = peer(graphs, name).agent
    update = (f"DELETE WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(agent)} <{VOID}uriSpace> ?space }} "
              f"}}")
    if uri_space:
        update += (f" ;\nINSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(agent)} <{VOID}uriSpace> "
                   f"{Literal(uri_space)} }} }}")
    return update


def _matching(store: Store, graphs: Graphs, references: list[tuple[str, Owner, Triple]]) -> set[Triple]:
    """The reference rows stated in a graph of their subject's owner, exactly: the same IRI, or the same
    literal (its text, language tag and datatype; "Victim network"@x-hacked is not "Victim network"@en, a
    name written in a language its owner never used would be a new statement about another's resource)."""
    held: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    pairs = sorted({(term_value(t.subject), t.predicate.value) for _, _, t in references})
    for start in range(0, len(pairs), CHUNK):
        values = " ".join(f"({sparql_iri(s)} {sparql_iri(p)})" for s, p in pairs[start:start + CHUNK])
        for row in store.select(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p) {{ {values} }} "
                                f"GRAPH ?g {{ ?s ?p ?o }} }}").rows:
            held[(term_value(row["s"]), term_value(row["p"]), _text(row["o"]))].add(term_value(row["g"]))
    return {t for _, other, t in references
            if any(_holds(graphs, other, g) for g in held.get((term_value(t.subject), t.predicate.value,
                                                               _text(t.object)),
                                                                ()))}


def _text(term: object) -> str:
    """A term as compared: an IRI, or a literal's text with its language tag (in lower case, as BCP 47 compares
    them) or its datatype."""
    if isinstance(term, Literal):
        return f'"{term.value}"' + (f"@{term.language.lower()}" if term.language else f"^^<{term.datatype.value}>")
    return f"<{term_value(term)}>"  # type: ignore[arg-type]


def _holds(graphs: Graphs, owner: Owner, graph: str) -> bool:
    """Whether a graph states what an owner says."""
    if owner.kind == "network":
        return graph == graphs.network(owner.name)
    if owner.kind == "peer":
        return graph.startswith(f"{graphs.peer_prefix}{owner.name}/")
    return not graph.startswith((graphs.network_prefix, graphs.peer_prefix)) \
        and graph not in (graphs.metadata, graphs.identity, graphs.ownership)


def _spelled_as_ours(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI under this instance's base is written as its IRIs are: its very base, normal form,
    and under `id/` a kind and names of letters, digits, hyphens and underscores (no `.`, `;`, `?`, `%`:
    `…/les-incompris.` or `…/les-incompris?x` would be look-alikes of `…/les-incompris`)."""
    if iri.startswith(graphs.base + "id/") and not MINTED_PATH.fullmatch(iri[len(graphs.base) + 3:]):
        return False
    return iri.startswith(graphs.base) and (normal(iri) == iri or normal(graphs.base) != graphs.base
                                            or _orphan(graphs, iri))


def _orphan(graphs: Graphs, iri: str) -> bool:
    return iri.startswith(graphs.base + ".well-known/genid")


def _refusal(batch: Batch, iri: str, other: Owner, owner: Owner, t: Triple) -> NotOwner:
    """The refusal names the subject, the property and the row, never the value (it may be personal data
    in a form no search recognises)."""
    where = batch.locations.get(term_value(t.subject)) or batch.locations.get(iri)
    row = where.describe("en") if where else None
    ligne = f" ({where.describe('fr')})" if where else ""
    return NotOwner(f"<{iri}> belongs to {other.describe()}, which alone describes it; {owner.describe()} may not "
                    f"state <{term_value(t.subject)}> <{t.predicate.value}> …{' (' + row + ')' if row else ''}"
                    "; nothing was stored", iri, other.agent, row,
                    fr=f"<{iri}> appartient {other.describe('fr à')}, qui seul le décrit ; {owner.describe('fr')} ne "
                       f"peut pas affirmer <{term_value(t.subject)}> <{t.predicate.value}> …{ligne} ; rien n'a été "
                       "enregistré")
