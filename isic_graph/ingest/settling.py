"""Owners given after the fact: to the subjects of a store written before owners were recorded (migrate), to
those a restored backup recorded no owner for (reclaim), by the administrator (transfer), and the subjects typed
in several network graphs left for the administrator to settle (conflicts). Who owns what, and the check of each
write, are in ownership.py."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Collection, Sequence

from pyoxigraph import Literal

from isic_graph.errors import UsageError
from isic_graph.ingest.ownercheck import described_beyond_identity, misspelt_as_ours, misspelt_refusal
from isic_graph.ingest.ownership import (
    CHUNK,
    GENERATED,
    IDENTITY,
    Owner,
    claim_records,
    claim_update,
    id_key,
    key,
    network,
    owner_of,
    owners,
    record,
)
from isic_graph.rdf.namespaces import DCTERMS, PROV, XSD, Graphs
from isic_graph.rdf.vocabularies import is_vocabulary_term
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri as sparql_iri
from isic_graph.store.base import Store
from isic_graph.store.results import term_value


@dataclass(frozen=True)
class Conflict:
    """A subject typed in several network graphs, and its owner if it has one."""

    subject: str
    networks: tuple[str, ...]
    owner: Owner | None


def transfer(store: Store, graphs: Graphs, iri: str, new: Owner, registered: Collection[str] | None = None,
             now: datetime.datetime | None = None) -> Owner | None:
    """Give a subject to another owner, with a provenance record of the transfer; the previous owner. A network
    must be registered (`registered`, when given: the credentials' slugs) or have a graph in the store."""
    sparql_iri(iri)  # an IRI a person typed: refused (UsageError) unless it is one
    if misspelt_as_ours(graphs, iri):  # a look-alike of one of ours, taken, would be owned under a second name
        raise misspelt_refusal(graphs, iri)
    previous = owner_of(store, graphs, iri)
    if previous is not None and previous.kind == "network" and key(graphs, iri) == key(
            graphs, graphs.network_resource(previous.name)):
        raise UsageError(f"<{iri}> names network {previous.name!r}, which always owns it",
                         fr=f"<{iri}> nomme le réseau {previous.name!r}, qui le possède toujours")
    if new.kind != "instance" and is_vocabulary_term(iri):
        raise UsageError(f"<{iri}> is a term of a vocabulary: this instance always owns it",
                         f"<{iri}> est un terme d'un vocabulaire : cette instance le possède toujours")
    own = key(graphs, graphs.base)
    if new.kind != "instance" and key(graphs, iri).startswith(own) and not key(graphs, iri).startswith(id_key(graphs)):
        raise UsageError(f"<{iri}> is this instance's own IRI outside {graphs.base}id/ (a page, a graph, a node of "
                         "no subject): this instance always owns it",
                         f"<{iri}> est une IRI de cette instance hors de {graphs.base}id/ (une page, un graphe, un "
                         "nœud d'aucun sujet) : cette instance la possède toujours")
    if new.kind == "network" and registered is not None and new.name not in registered \
            and not store.graphs_among([graphs.network(new.name)]):
        raise UsageError(f"no network {new.name!r}: none is registered by that name (`isic-graph network list`) nor "
                         "has a graph in the store; nothing was changed",
                         fr=f"aucun réseau « {new.name} » : aucun n'est enregistré sous ce nom (`isic-graph network "
                            "list`) ni n'a de graphe dans la base ; rien n'a été changé")
    if previous == new:
        raise UsageError(f"<{iri}> is {new.describe()}'s already: nothing was changed",
                         fr=f"<{iri}> appartient déjà {new.describe('fr à')} : rien n'a été changé")
    if previous is not None and previous.kind == "network":
        _still_described(store, graphs, iri, previous, new)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/ownership-transfer/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    before = previous.describe() if previous else "nobody"
    store.update(claim_update(graphs, new, [iri], activity, replace=True) + f""" ;
INSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(activity)} a <{PROV}Activity> ;
  <{PROV}endedAtTime> "{now.isoformat()}"^^<{XSD}dateTime> ; <{PROV}used> \
{sparql_iri(record(graphs, key(graphs, iri)))} ;
  <{DCTERMS}description> {Literal(f"<{iri}> transferred from {before} to {new.describe()}", language="en")} }} }}""",
                 written=Written(subjects=[activity, *claim_records(graphs, [iri])]))
    return previous


def _still_described(store: Store, graphs: Graphs, iri: str, previous: Owner, new: Owner) -> None:
    """UsageError when the network owning the subject still describes it in its graph (more than its identity, or
    a sheet or lesson of its attached to it: what check_batch would refuse of another's subject): given away, that
    description would be nobody's to publish, the network could not send its own graph again, and the store's backup
    would not restore. Its data is never moved alone: a lesson moved without its project, or a project without its
    sheet, breaks the same rule."""
    wanted = key(graphs, iri)
    if not any(key(graphs, described) == wanted
               for described in described_beyond_identity(store.graph_triples(graphs.network(previous.name)))):
        return
    raise UsageError(
        f"network {previous.name!r} still describes <{iri}> in its graph (more than its identity, or a sheet or "
        f"lesson of its attached to it): given to {new.describe()}, that description would be nobody's to publish, "
        f"{previous.name!r} could not send its own sheets again, and the store's backup would not restore. Have "
        f"{previous.name!r} take it out of its sheets (or withdraw it: `isic-graph retract`), then transfer it; "
        "nothing was changed",
        fr=f"le réseau « {previous.name} » décrit encore <{iri}> dans son graphe (plus que son identité, ou une "
           f"feuille ou un enseignement qui y est rattaché) : donnée {new.describe('fr à')}, cette description ne "
           f"serait plus publiable par personne, « {previous.name} » ne pourrait plus renvoyer ses propres feuilles, "
           f"et la sauvegarde de la base ne se restaurerait plus. Que « {previous.name} » la retire de ses feuilles "
           "(ou la retire de la publication : `isic-graph retract`), puis transférez-la ; rien n'a été changé")


def settled(store: Store, graphs: Graphs) -> bool:
    """Whether the store records owners (its ownership graph states when it began to): every subject published
    since is recorded as it is claimed; a store that does not is given owners once (migrate)."""
    return store.query(f"ASK {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(graphs.ownership)} "
                       f"<{DCTERMS}created> ?d }} }}") is True


def migrate(store: Store, graphs: Graphs, now: datetime.datetime | None = None) -> int:
    """Once per store: give each subject to the network graph holding its type, or, when several do, to
    the only one that states more than its identity; the others are left to the administrator (see
    conflicts), their data kept. The number of subjects given an owner."""
    if settled(store, graphs):
        return 0
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/ownership-migration/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    by_network: dict[str, list[str]] = defaultdict(list)
    for graph in store.graph_names():
        if graph.startswith(graphs.network_prefix):
            by_network[graph[len(graphs.network_prefix):]].append(graphs.network_resource(graph[len(graphs.network_prefix):]))
    for subject, described in _typed_in_networks(store, graphs, several=False).items():
        describing = [g for g, predicates in described.items() if predicates - IDENTITY]
        holder = next(iter(described)) if len(described) == 1 else describing[0] if len(describing) == 1 else None
        if holder is not None:
            by_network[holder[len(graphs.network_prefix):]].append(subject)
    operations = [claim_update(graphs, network(graphs, slug), sorted(set(iris)), activity)
                  for slug, iris in by_network.items()]
    operations.append(f"""INSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{
  {sparql_iri(graphs.ownership)} <{DCTERMS}created> "{now.isoformat()}"^^<{XSD}dateTime> ; <{GENERATED}> \
{sparql_iri(activity)} .
  {sparql_iri(activity)} a <{PROV}Activity> ; <{PROV}endedAtTime> "{now.isoformat()}"^^<{XSD}dateTime> ;
  <{DCTERMS}description> "owners given to the subjects of a store written before ownership was recorded"@en }} }}""")
    store.update(" ;\n".join(operations), written=Written(subjects=[
        graphs.ownership, activity, *claim_records(graphs, [i for iris in by_network.values() for i in iris])]))
    return sum(len(set(iris)) for iris in by_network.values())


@dataclass(frozen=True)
class Reclaimed:
    """What reclaim did: the subjects given an owner again, with their network's slug; those left to the
    administrator (typed in several network graphs)."""

    given: dict[str, str]
    left: tuple[str, ...]


def reclaim(store: Store, graphs: Graphs, subjects: Sequence[str],
            now: datetime.datetime | None = None) -> Reclaimed:
    """Give owners again to subjects that network graphs type and nobody owns, in a store that records owners (a
    backup whose ownership graph lost records): as at a store's first start (migrate), each to the one network
    graph holding its type, recorded with provenance (an activity of its own); a subject typed in several network
    graphs is left unowned, for the administrator (conflicts lists it, transfer settles it): no network's graph
    decides over another's."""
    typing: dict[str, set[str]] = defaultdict(set)
    wanted = sorted(set(subjects))
    for start in range(0, len(wanted), CHUNK):
        values = " ".join(sparql_iri(s) for s in wanted[start:start + CHUNK])
        for row in store.select(f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?t }} "
                                f'FILTER(STRSTARTS(STR(?g), "{graphs.network_prefix}")) }}').rows:
            typing[term_value(row["s"])].add(term_value(row["g"])[len(graphs.network_prefix):])
    given = {s: next(iter(slugs)) for s, slugs in typing.items() if len(slugs) == 1}
    left = tuple(sorted(s for s, slugs in typing.items() if len(slugs) > 1))
    if not given:
        return Reclaimed({}, left)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/ownership-migration/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    by_network: dict[str, list[str]] = defaultdict(list)
    for subject, slug in sorted(given.items()):
        by_network[slug].append(subject)
    operations = [claim_update(graphs, network(graphs, slug), iris, activity) for slug, iris in by_network.items()]
    operations.append(f"""INSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{
  {sparql_iri(activity)} a <{PROV}Activity> ; <{PROV}endedAtTime> "{now.isoformat()}"^^<{XSD}dateTime> ;
  <{DCTERMS}description> "owners given again, at a restoration, to resources the backup recorded no owner for: \
each to the network graph holding its type"@en }} }}""")
    store.update(" ;\n".join(operations), written=Written(subjects=[activity, *claim_records(graphs, list(given))]))
    return Reclaimed(given, left)


def conflicts(store: Store, graphs: Graphs) -> list[Conflict]:
    """The subjects typed in several network graphs that are unsettled: nobody owns them, or a network
    graph other than their owner's states more than their identity. For the administrator to settle
    (owner transfer, or the network publishing again); their data is kept meanwhile."""
    typed = _typed_in_networks(store, graphs, several=True)
    found = owners(store, graphs, typed)
    unsettled = []
    for subject, described in sorted(typed.items()):
        owner = found.get(subject)
        mine = graphs.network(owner.name) if owner is not None and owner.kind == "network" else None
        if owner is None or any(predicates - IDENTITY for g, predicates in described.items() if g != mine):
            unsettled.append(Conflict(subject, tuple(sorted(g[len(graphs.network_prefix):] for g in described)), owner))
    return unsettled


def _typed_in_networks(store: Store, graphs: Graphs, several: bool) -> dict[str, dict[str, set[str]]]:
    """The subjects typed in network graphs (in several only, or all), with the predicates each graph states."""
    having = "HAVING (COUNT(DISTINCT ?g) > 1)" if several else ""
    rows = store.select(f"""SELECT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }} FILTER(isIRI(?s) && !CONTAINS(STR(?s), "#genid-")
  && STRSTARTS(STR(?g), "{graphs.network_prefix}")) }} GROUP BY ?s {having}""").rows
    subjects = sorted(term_value(r["s"]) for r in rows)
    found: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in subjects}
    for start in range(0, len(subjects), CHUNK):
        values = " ".join(sparql_iri(s) for s in subjects[start:start + CHUNK])
        for row in store.select(f"SELECT DISTINCT ?s ?g ?p WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                                f'FILTER(STRSTARTS(STR(?g), "{graphs.network_prefix}")) }}').rows:
            found[term_value(row["s"])][term_value(row["g"])].add(term_value(row["p"]))
    return {s: {g: p for g, p in d.items()} for s, d in found.items()}
