"""Retraction: a network withdraws one of its projects or lessons from publication, leaving a record.

What is withdrawn: the resource and what hangs from it in the network's graph. A lesson alone; a project with
its lessons, the collection sheets that describe only it, and the parts only they point to (roles, groups,
partnerships, fundings, steering committees…; organisations, territories and other projects stay). One update
removes their descriptions from the network's graph and writes in the metadata graph a prov:Activity (who, when,
why) that each withdrawn IRI `prov:wasInvalidatedBy`: the record types nothing but the activity, so no query
sees a withdrawn IRI as a project or lesson any more. Ownership stays: the network still owns the IRIs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Mapping

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import NotFound, UsageError
from isic_graph.ingest.documents import NOT_TEXT_CHARACTERS
from isic_graph.ingest.ownership import owners
from isic_graph.privacy import personal_data
from isic_graph.rdf.namespaces import DCTERMS, FOAF, ISIC, PROV, RDF_TYPE, RDFS, SCHEMA, XSD, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, iris, literal
from isic_graph.store.base import Store
from isic_graph.store.results import term_value

WITHDRAWABLE = {ISIC + "Project": "project", ISIC + "Lesson": "lesson"}
PARTS = {ISIC + c for c in ("ProfessionalRole", "UserGroup", "Partnership", "PartnerRole", "SteeringCommittee",
                            "Funding", "KnowledgeResource")} | {FOAF + "Person", SCHEMA + "Person"}
HANGING = (ISIC + "learnedFrom", ISIC + "describes")  # a lesson hangs from its project, a sheet from what it describes
HANGERS = {ISIC + "Lesson", ISIC + "CollectionSheet"}  # only by those links: a lesson another confirms stays
INVALIDATED = PROV + "wasInvalidatedBy"
MAX_REASON = 2000
# a lone surrogate (`\ud800` in JSON) or a control character but tab and line ends: no text a record can keep
NOT_TEXT = re.compile(f"[\ud800-\udfff{NOT_TEXT_CHARACTERS}]")
LABELS = (DCTERMS + "title", ISIC + "statement", RDFS + "label")
ROUNDS = 50  # parts of parts: bounded


@dataclass(frozen=True)
class Link:
    """A statement left pointing at a withdrawn IRI: who states it (a network, or a harvested peer) and where."""

    graph: str
    holder: str  # the network's slug, or "peer:<name>"
    subject: str
    predicate: str
    target: str

    def to_dict(self) -> dict[str, str]:
        return {"network": self.holder, "graph": self.graph, "subject": self.subject, "predicate": self.predicate,
                "target": self.target}


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing a resource takes away (the resource first), and the links others keep to it."""

    resource: str
    kind: str  # project | lesson
    network: str
    withdrawn: tuple[str, ...]
    labels: dict[str, str]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Retraction:
    """The record of a withdrawal: the activity, when, by whom, why, and what it took away."""

    activity: str
    resource: str
    network: str
    ended: str
    reason: str
    by: str  # the agent who asked: the network, or the instance (its administrator)
    withdrawn: tuple[str, ...]
    links: tuple[Link, ...] = ()


def plan(store: Store, graphs: Graphs, resource: str, spaces: Mapping[str, str] | None = None) -> Withdrawal:
    """What withdrawing a project or lesson would take away: NotFound unless a network publishes it here (`spaces`,
    the peers' URI spaces, when they are at hand: see ownership.resolve)."""
    iri(resource)  # an IRI a person typed: refused (UsageError) unless it is one
    rows = store.select(f"SELECT ?g ?t WHERE {{ GRAPH ?g {{ {iri(resource)} a ?t }} "
                        f"FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)})) }}").rows
    found = [(term_value(r["g"]), WITHDRAWABLE[term_value(r["t"])]) for r in rows
             if term_value(r["t"]) in WITHDRAWABLE]
    owner = owners(store, graphs, [resource], spaces).get(resource)
    mine = [(g, kind) for g, kind in found if owner is not None and owner.kind == "network"
            and g == graphs.network(owner.name)]
    if not mine or owner is None:
        raise NotFound(f"no project or lesson <{resource}> published by a network here",
                       fr=f"aucun projet ni enseignement <{resource}> publié ici par un réseau")
    graph, kind = mine[0]
    stated = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
    assert isinstance(stated, list)  # triples, read by the store's own parser rather than as solutions
    triples = [(term_value(t.subject), term_value(t.predicate), term_value(t.object)) for t in stated]
    types: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p == RDF_TYPE:
            types.setdefault(s, set()).add(o)
    withdrawn = {resource}
    for _ in range(ROUNDS):
        before = len(withdrawn)
        withdrawn |= _hanging(triples, types, withdrawn) | _parts(triples, types, withdrawn)
        if len(withdrawn) == before:
            break
    ordered = (resource, *sorted(withdrawn - {resource}))
    labels = {term_value(t.subject): term_value(t.object) for t in stated
              if term_value(t.subject) in withdrawn and term_value(t.predicate) in LABELS
              and getattr(t.object, "language", None) in ("fr", None)}
    return Withdrawal(resource, kind, owner.name, ordered, labels, _links(store, graphs, graph, ordered))


def _root(node: str) -> str:
    return node.split("#genid-")[0]


def _hanging(triples: list[tuple[str, str, str]], types: dict[str, set[str]], withdrawn: set[str]) -> set[str]:
    """The lessons and sheets whose every hanging link points to a withdrawn resource."""
    targets: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p in HANGING and "#genid-" not in s and types.get(s, set()) & HANGERS:
            targets.setdefault(s, set()).add(o)
    return {s for s, t in targets.items() if t <= withdrawn}


def _parts(triples: list[tuple[str, str, str]], types: dict[str, set[str]], withdrawn: set[str]) -> set[str]:
    """The parts the withdrawn resources point to that nothing else in the graph points to."""
    pointed: dict[str, set[str]] = {}
    for s, _, target in triples:
        if target in types and types[target] & PARTS and _root(s) != target:
            pointed.setdefault(target, set()).add(_root(s))
    return {t for t, by in pointed.items() if by <= withdrawn and t not in withdrawn}


def _links(store: Store, graphs: Graphs, graph: str, withdrawn: tuple[str, ...]) -> tuple[Link, ...]:
    """The statements, in network graphs and harvested copies, that point at a withdrawn IRI from outside, and
    those that restate its identity there (a type, a label: withdrawn with it)."""
    found: list[Link] = []
    for start in range(0, len(withdrawn), 200):
        chunk = iris(withdrawn[start:start + 200])
        for r in store.select(f"""SELECT DISTINCT ?g ?s ?p ?o ?w WHERE {{
  {{ VALUES ?o {{ {chunk} }} GRAPH ?g {{ ?s ?p ?o }} BIND(?o AS ?w) }}
  UNION {{ VALUES ?s {{ {chunk} }} GRAPH ?g {{ ?s ?p ?o }} BIND(?s AS ?w) FILTER(?g != {iri(graph)}) }}
  FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) || STRSTARTS(STR(?g), {literal(graphs.peer_prefix)}))
}} ORDER BY ?g ?s ?p ?o""").rows:
            g, s = term_value(r["g"]), term_value(r["s"])
            if g == graph and _root(s) in withdrawn:
                continue
            found.append(Link(g, _holder(graphs, g), s, term_value(r["p"]), term_value(r["w"])))
    return tuple(found)


def links_to(store: Store, graphs: Graphs, graph: str, withdrawn: tuple[str, ...]) -> tuple[Link, ...]:
    """The statements outside `graph`'s own description of `withdrawn` that point at them (see _links)."""
    return _links(store, graphs, graph, withdrawn) if withdrawn else ()


def removal_record(graphs: Graphs, network: str, withdrawn: tuple[str, ...], reason: str,
                   now: datetime.datetime) -> list[Triple]:
    """The record of projects and lessons a network's upload removes (rows deleted from a table, or left out of a
    replaced graph), as a retraction records them: an activity (who, when, why) each removed IRI
    `prov:wasInvalidatedBy`, so that its address answers 410 Gone and other networks find their links to it."""
    activity = NamedNode(f"{graphs.base}id/retraction/{now.strftime('%Y%m%dT%H%M%S%fZ')}")
    stamp = Literal(now.isoformat(), datatype=NamedNode(XSD + "dateTime"))
    return [Triple(activity, NamedNode(RDF_TYPE), NamedNode(PROV + "Activity")),
            Triple(activity, NamedNode(PROV + "wasAssociatedWith"), NamedNode(graphs.network_resource(network))),
            Triple(activity, NamedNode(PROV + "endedAtTime"), stamp),
            Triple(activity, NamedNode(DCTERMS + "type"), Literal("retraction")),
            Triple(activity, NamedNode(RDFS + "comment"), Literal(reason)),
            *[Triple(activity, NamedNode(PROV + "invalidated"), NamedNode(w)) for w in withdrawn],
            *[Triple(NamedNode(w), NamedNode(INVALIDATED), activity) for w in withdrawn]]


def _holder(graphs: Graphs, graph: str) -> str:
    if graph.startswith(graphs.network_prefix):
        return graph[len(graphs.network_prefix):]
    return "peer:" + graph[len(graphs.peer_prefix):].split("/")[0]


def checked_reason(reason: str) -> str:
    """The reason given for a withdrawal, stripped, if it may be published with its record, else UsageError: it is
    said, short, plain text, with no personal data."""
    reason = reason.strip()
    if not reason:
        raise UsageError("say why the resource is withdrawn (a reason is kept in the record)",
                         fr="dites pourquoi la ressource est retirée (la raison est gardée dans le registre)")
    if len(reason) > MAX_REASON:
        raise UsageError(f"the reason is longer than {MAX_REASON} characters",
                         fr=f"la raison dépasse {MAX_REASON} caractères")
    if NOT_TEXT.search(reason):
        raise UsageError("the reason holds a character that is no text (a lone surrogate such as \\ud800, or a control "
                         "character); write it again as plain text",
                         fr="la raison contient un caractère qui n'est pas du texte (une moitié de paire de "
                            "substitution comme \\ud800, ou un caractère de contrôle) ; écrivez-la de nouveau en texte "
                            "simple")
    kinds = personal_data(reason)
    if kinds:
        raise UsageError(f"the reason holds {', '.join(k.en for k in kinds)}: it is published with the record; "
                         "say why without it",
                         fr=f"la raison contient {', '.join(k.fr for k in kinds)} : elle est publiée avec le "
                            "registre ; dites pourquoi sans cela")
    return reason


def retract(store: Store, graphs: Graphs, resource: str, network: str, reason: str, by: str | None = None,
            now: datetime.datetime | None = None) -> Retraction:
    """Withdraw a network's project or lesson, in one update (see the module's docstring). `network` is the
    one asking (its credential's): NotFound unless it publishes the resource. `by`: the agent who asked, the
    network unless the administrator did (the instance)."""
    reason = checked_reason(reason)
    planned = plan(store, graphs, resource)
    if planned.network != network:
        raise NotFound(f"no project or lesson <{resource}> published by network {network!r}",
                       fr=f"aucun projet ni enseignement <{resource}> publié par le réseau {network!r}")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    stamp = literal(now.isoformat(), XSD + "dateTime")
    activity = f"{graphs.base}id/retraction/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    agent = graphs.network_resource(network)
    graph, metadata = iri(graphs.network(network)), iri(graphs.metadata)
    values = iris(planned.withdrawn)
    strings = ", ".join(literal(s) for s in planned.withdrawn)
    touched = sorted({graphs.network(network)} | {link.graph for link in planned.links if link.subject == link.target
                                                   and link.graph.startswith(graphs.network_prefix)})
    who = f"<{PROV}wasAssociatedWith> {iri(agent)}" + (f", {iri(by)}" if by and by != agent else "")
    store.update(f"""DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }}
  FILTER(CONTAINS(STR(?s), "#genid-") && STRBEFORE(STR(?s), "#genid-") IN ({strings})) }} ;
DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) || STRSTARTS(STR(?g), {literal(graphs.peer_prefix)})) }} ;
DELETE {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }} WHERE {{ VALUES ?g {{ {iris(touched)} }}
  GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }} ;
INSERT DATA {{ GRAPH {metadata} {{
  {' '.join(f'{iri(g)} <{DCTERMS}modified> {stamp} .' for g in touched)}
  {iri(activity)} a <{PROV}Activity> ; {who} ; <{PROV}endedAtTime> {stamp} ;
    <{DCTERMS}type> "retraction" ; <{RDFS}comment> {literal(reason)} ;
    <{PROV}invalidated> {', '.join(iri(w) for w in planned.withdrawn)} .
  {' '.join(f'{iri(w)} <{INVALIDATED}> {iri(activity)} .' for w in planned.withdrawn)}
}} }}""", written=Written(graphs=[graphs.network(network)], subjects=[*touched, activity, *planned.withdrawn]))
    return Retraction(activity, resource, network, now.isoformat(), reason, by or agent, planned.withdrawn,
                      planned.links)


def retraction_of(store: Store, graphs: Graphs, resource: str) -> Retraction | None:
    """The record of the withdrawal of an IRI, or None if it was never withdrawn (or published again since)."""
    rows = store.select(f"""SELECT ?a ?t ?why ?who WHERE {{ GRAPH {iri(graphs.metadata)} {{
  {iri(resource)} <{INVALIDATED}> ?a . ?a <{PROV}endedAtTime> ?t ; <{PROV}wasAssociatedWith> ?who
  OPTIONAL {{ ?a <{RDFS}comment> ?why }} }} }} ORDER BY DESC(?t) ?who""").rows
    if not rows or store.query(f"ASK {{ GRAPH ?g {{ {iri(resource)} a ?type }} "
                               f"FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)})) }}") is True:
        return None
    activity = term_value(rows[0]["a"])
    agents = [term_value(r["who"]) for r in rows if term_value(r["a"]) == activity]
    network = next((a for a in agents if a.startswith(graphs.base + "id/network/")), agents[0])
    withdrawn = tuple(sorted(term_value(r["w"]) for r in store.select(
        f"SELECT ?w WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(activity)} <{PROV}invalidated> ?w }} }}").rows))
    return Retraction(activity, resource, network[len(graphs.base + "id/network/"):], term_value(rows[0]["t"]),
                      term_value(rows[0]["why"]) if "why" in rows[0] else "",
                      next((a for a in agents if a != network), network), withdrawn)


def dangling(store: Store, graphs: Graphs, network: str) -> tuple[Link, ...]:
    """A network's statements pointing at IRIs withdrawn here (by any network), for it to mend."""
    graph = graphs.network(network)
    rows = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }}
  GRAPH {iri(graphs.metadata)} {{ ?o <{INVALIDATED}> ?a }}
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?o a ?t }} FILTER(STRSTARTS(STR(?h), {literal(graphs.network_prefix)})) }}
}} ORDER BY ?s ?p ?o""").rows
    return tuple(Link(graph, network, term_value(r["s"]), term_value(r["p"]), term_value(r["o"])) for r in rows)
