"""Retraction: a network withdraws one of its projects or lessons from publication, leaving a record.

What is withdrawn: the resource and what hangs from it in the network's graph. A project with its lessons and
the collection sheets that describe only it; a lesson alone. With them goes every part that exists for them alone
(see _parts): a resource of the graph of no STANDING class (a role, a group, a partnership and its partner roles,
a funding, a steering committee, an activity, a participation, a milestone, a document…), linked to them either way
through parts only, that nothing kept points to and that points to no kept project, lesson or sheet.
Organisations, territories and other projects stay. One update
removes their descriptions from the network's graph and writes in the metadata graph a prov:Activity (who, when,
why) that each withdrawn IRI `prov:wasInvalidatedBy`: the record types nothing but the activity, so no query
sees a withdrawn IRI as a project or lesson any more. Ownership stays: the network still owns the IRIs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Collection, Mapping

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import NotFound, UsageError
from isic_graph.ingest.ownership import owners
from isic_graph.privacy import personal_data
from isic_graph.rdf.formats import NOT_TEXT_CHARACTERS
from isic_graph.rdf.namespaces import DCTERMS, FOAF, ISIC, PROV, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, iris, literal
from isic_graph.store.base import Store
from isic_graph.store.results import term_value

WITHDRAWABLE = {ISIC + "Project": "project", ISIC + "Lesson": "lesson"}
HANGING = (ISIC + "learnedFrom", ISIC + "describes")  # a lesson hangs from its project, a sheet from what it describes
HANGERS = {ISIC + "Lesson", ISIC + "CollectionSheet"}  # only by those links: a lesson another confirms stays
# What stands on its own, whoever points to it: never a part of a project or lesson (a project or lesson goes by its
# own withdrawal, a sheet or lesson by hanging). Any other resource a network's graph types (a role, a group, a
# partnership and its partner roles, a funding, a committee, an activity, a participation, a milestone, a
# contribution, a document, a person…) is a part: it goes with what it exists for alone.
STANDING = {ISIC + c for c in ("Project", "Lesson", "CollectionSheet", "Organisation", "Network", "Territory",
                               "Actor")} | {SKOS + "Concept", SKOS + "ConceptScheme", FOAF + "Organization",
                                            SCHEMA + "Organization", SCHEMA + "Place"}
ANCHORS = {ISIC + "Project", ISIC + "Lesson", ISIC + "CollectionSheet"}  # a part pointing to one kept is its too
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
    kinds: dict[str, str] = field(default_factory=dict)  # each withdrawn IRI's class, by its local name


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
    kinds: dict[str, str] = field(default_factory=dict)  # each withdrawn IRI's class, by its local name


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
        done = retraction_of(store, graphs, resource) if not found else None
        if done is not None:  # its address answers 410 with the record: say so, not that nothing is known of it
            network = done.network.rsplit("/", 1)[-1]
            raise NotFound(f"<{resource}> was withdrawn already, on {done.ended[:10]}, by network {network!r}: "
                           "its address answers 410 Gone with the record; nothing was changed",
                           fr=f"<{resource}> a déjà été retiré, le {done.ended[:10]}, par le réseau {network!r} : "
                              "son adresse répond 410 (retiré) avec le registre ; rien n'a été modifié")
        raise NotFound(f"no project or lesson <{resource}> published by a network here",
                       fr=f"aucun projet ni enseignement <{resource}> publié ici par un réseau")
    graph, kind = mine[0]
    stated = store.constructed(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
    triples = [(term_value(t.subject), term_value(t.predicate), term_value(t.object)) for t in stated]
    types: dict[str, set[str]] = {}  # of the resources the graph names by IRI
    for t in stated:
        if isinstance(t.subject, NamedNode) and t.predicate.value == RDF_TYPE:
            types.setdefault(t.subject.value, set()).add(term_value(t.object))
    pointers = [(_root(term_value(t.subject)), term_value(t.object)) for t in stated
                if isinstance(t.object, NamedNode) and term_value(t.predicate) != RDF_TYPE
                and _root(term_value(t.subject)) != term_value(t.object)]
    withdrawn = {resource}
    for _ in range(ROUNDS):
        before = len(withdrawn)
        withdrawn |= _hanging(triples, types, withdrawn)
        withdrawn |= _parts(store, graphs, graph, pointers, types, withdrawn)
        if len(withdrawn) == before:
            break
    ordered = (resource, *sorted(withdrawn - {resource}))
    labels = {term_value(t.subject): term_value(t.object) for t in stated
              if term_value(t.subject) in withdrawn and term_value(t.predicate) in LABELS
              and getattr(t.object, "language", None) in ("fr", None)}
    kinds = {w: _kind(types.get(w, set())) for w in ordered}
    return Withdrawal(resource, kind, owner.name, ordered, labels, _links(store, graphs, graph, ordered), kinds)


def _kind(types: set[str]) -> str:
    """A resource's class, by its local name (the ISIC one first): Partnership, UserGroup…"""
    ranked = sorted(types, key=lambda t: (not t.startswith(ISIC), t))
    return ranked[0].rsplit("#", 1)[-1].rsplit("/", 1)[-1] if ranked else ""


def _root(node: str) -> str:
    return node.split("#genid-")[0]


def _hanging(triples: list[tuple[str, str, str]], types: dict[str, set[str]], withdrawn: set[str]) -> set[str]:
    """The lessons and sheets whose every hanging link points to a withdrawn resource."""
    targets: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p in HANGING and "#genid-" not in s and types.get(s, set()) & HANGERS:
            targets.setdefault(s, set()).add(o)
    return {s for s, t in targets.items() if t <= withdrawn}


def _parts(store: Store, graphs: Graphs, graph: str, pointers: list[tuple[str, str]],
           types: dict[str, set[str]], withdrawn: set[str]) -> set[str]:
    """The parts (resources of the graph of no STANDING class) that exist only for the withdrawn resources: linked to
    them, in either direction, through parts alone; pointed to by nothing kept, in any network's graph or harvested
    copy; pointing to no kept project, lesson or sheet. A participation of the withdrawn project's group in its
    partnership goes with them; a role a kept lesson names, a funding another project shares, an activity held for
    another project too, stay (and so do the parts only they hold to the withdrawn ones)."""
    parts = {x for x, t in types.items() if not t & STANDING and "#genid-" not in x}
    linked: dict[str, set[str]] = {}  # either direction, between resources (a blank node stands for its root)
    pointing: dict[str, set[str]] = {}  # who points to a resource
    points: dict[str, set[str]] = {}  # what a resource points to
    for source, target in pointers:
        points.setdefault(source, set()).add(target)
        if target in types:
            linked.setdefault(source, set()).add(target)
            linked.setdefault(target, set()).add(source)
            pointing.setdefault(target, set()).add(source)
    candidates = _reached(linked, parts - withdrawn, withdrawn)
    if not candidates:
        return set()
    outside = _pointing_from_elsewhere(store, graphs, graph, candidates)
    anchors = _anchors(store, graphs, graph, {o for c in candidates for o in points.get(c, ())}, types)
    for _ in range(ROUNDS):
        going = withdrawn | candidates
        kept = {c for c in candidates
                if pointing.get(c, set()) - going - {c} or outside.get(c, set()) - going
                or points.get(c, set()) & anchors - going}
        if not kept:
            break
        candidates = _reached(linked, candidates - kept, withdrawn)
    return candidates


def _reached(linked: dict[str, set[str]], among: set[str], start: set[str]) -> set[str]:
    """Those of `among` linked to `start` through `among` alone."""
    reached: set[str] = set()
    frontier = [n for s in start for n in linked.get(s, ()) if n in among]
    while frontier:
        node = frontier.pop()
        if node in reached:
            continue
        reached.add(node)
        frontier.extend(n for n in linked.get(node, ()) if n in among and n not in reached)
    return reached


def _pointing_from_elsewhere(store: Store, graphs: Graphs, graph: str, targets: set[str]) -> dict[str, set[str]]:
    """Who points to each of the targets from another network's graph or a harvested copy."""
    found: dict[str, set[str]] = {}
    wanted = sorted(targets)
    for start in range(0, len(wanted), 200):
        for r in store.select(f"""SELECT DISTINCT ?s ?o WHERE {{ VALUES ?o {{ {iris(wanted[start:start + 200])} }}
  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {iri(graph)} && (STRSTARTS(STR(?g), {literal(graphs.network_prefix)})
  || STRSTARTS(STR(?g), {literal(graphs.peer_prefix)}))) }}""").rows:
            found.setdefault(term_value(r["o"]), set()).add(_root(term_value(r["s"])))
    return found


def _anchors(store: Store, graphs: Graphs, graph: str, targets: set[str], types: dict[str, set[str]]) -> set[str]:
    """Those of the targets that are projects, lessons or sheets: typed so in the graph, or in another network's
    graph or a harvested copy."""
    found = {t for t in targets if types.get(t, set()) & ANCHORS}
    elsewhere = sorted(t for t in targets if t not in types)
    for start in range(0, len(elsewhere), 200):
        found |= {term_value(r["s"]) for r in store.select(
            f"""SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {iris(elsewhere[start:start + 200])} }}
  VALUES ?t {{ {iris(sorted(ANCHORS))} }} GRAPH ?g {{ ?s a ?t }} FILTER(?g != {iri(graph)}
  && (STRSTARTS(STR(?g), {literal(graphs.network_prefix)})
      || STRSTARTS(STR(?g), {literal(graphs.peer_prefix)}))) }}""").rows}
    return found


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
                      planned.links, planned.kinds)


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


def dangling(store: Store, graphs: Graphs, network: str, registered: Collection[str] = ()) -> tuple[Link, ...]:
    """A network's statements pointing at IRIs withdrawn here (by any network), for it to mend; a network neither
    registered (`registered`) nor published here is refused (NotFound), not answered with nothing to mend."""
    graph = graphs.network(network)
    if network not in registered and store.query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}") is not True:
        raise NotFound(f"no network {network!r} here: it is neither registered nor published",
                       fr=f"aucun réseau {network!r} ici : il n'est ni inscrit ni publié")
    rows = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }}
  GRAPH {iri(graphs.metadata)} {{ ?o <{INVALIDATED}> ?a }}
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?o a ?t }} FILTER(STRSTARTS(STR(?h), {literal(graphs.network_prefix)})) }}
}} ORDER BY ?s ?p ?o""").rows
    return tuple(Link(graph, network, term_value(r["s"]), term_value(r["p"]), term_value(r["o"])) for r in rows)
