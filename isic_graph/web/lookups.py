"""What a page asks of the store about the many IRIs it shows, asked once for all of them: who owns each
(ingest/ownership.py), their labels as their owners give them (query/own_words.py), their aliases. Within a
page (`one_page`), an IRI's owner, labels or aliases already asked are not asked again; outside one, every
question goes to the store.

A page's answers live only while it is rendered; the store's answers to its questions are kept until the next
write (store/kept_reads.py: the same page in the other language, the network every project page names, ask
them again), as are the peers' URI spaces the store records, which most pages need (derived.py keeps whole
pages, per store version).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar, cast

from flask import g, has_app_context
from pyoxigraph import NamedNode, Triple

from isic_graph.ingest.ownership import (
    ATTRIBUTED,
    Owner,
    decide,
    key,
    owner_named,
    owners,
    peer_spaces,
    record,
    recorded_spaces,
)
from isic_graph.query.aliases import Alias, aliases_among, aliases_of
from isic_graph.query.own_words import owned_by
from isic_graph.rdf.namespaces import OWL
from isic_graph.sparql.terms import iri
from isic_graph.store.kept_reads import reading
from isic_graph.web.derived import kept_until_a_write, store_version
from isic_graph.web.services import services

View = TypeVar("View", bound=Callable[..., Any])
MAX_NODES = 500  # the most IRIs a page asks about at once


@dataclass
class Lookups:
    """The answers a page has had so far, by IRI."""

    spaces: dict[str, str] | None = None  # the peers' URI spaces, asked once
    owner: dict[str, Owner | None] = field(default_factory=dict)
    labels: dict[tuple[str, ...], dict[str, list[Triple]]] = field(default_factory=dict)  # by predicates, IRI
    aliases: dict[str, list[Alias]] = field(default_factory=dict)
    twins: dict[str, list[str]] = field(default_factory=dict)  # what the identity graph links an IRI to


def lookups() -> Lookups:
    """The current page's answers, or none kept (every question asked) outside one."""
    found = g.get("isic_lookups") if has_app_context() else None
    return found if isinstance(found, Lookups) else Lookups()


def one_page(view: View) -> View:
    """Render the view with one set of answers: each IRI's owner, labels and aliases asked at most once."""

    @functools.wraps(view)
    def batched(*args: Any, **kwargs: Any) -> Any:
        g.isic_lookups = Lookups()
        s = services()
        try:
            if s.reads is None or s.store.version is None:
                return view(*args, **kwargs)
            with reading(s.reads, store_version(s)):  # and the store's answers kept across pages until a write
                return view(*args, **kwargs)
        finally:
            g.pop("isic_lookups", None)

    return cast(View, batched)


def spaces(known: Lookups | None = None) -> dict[str, str]:
    """The peers' URI spaces (ingest/ownership.py), asked once per page (or per `known`): those the store records
    kept until the next write, the registry's read each time (`peer add` changes it without writing)."""
    known = known or lookups()
    if known.spaces is None:
        s = services()
        recorded = kept_until_a_write("peer-spaces", lambda: json.dumps(recorded_spaces(s.store, s.graphs)).encode())
        known.spaces = peer_spaces(s.store, s.graphs, json.loads(recorded))
    return known.spaces


def owners_of(iris: Iterable[str]) -> dict[str, Owner | None]:
    """The owner of each IRI (None while nobody owns it), asking the store only about those not yet asked."""
    known, s = lookups(), services()
    wanted = list(dict.fromkeys(iris))
    missing = [i for i in wanted if i not in known.owner]
    if missing:
        found = owners(s.store, s.graphs, missing, spaces())
        known.owner.update((i, found.get(i)) for i in missing)
    return {i: known.owner[i] for i in wanted}


def own_rows(rows: Iterable[Mapping[str, Any]], subject: str = "s", graph: str = "g") -> list[dict[str, Any]]:
    """The rows where the graph holds the subject's owner's words, each once without its graph (owned_rows)."""
    found = list(rows)
    return owned_by(services().graphs, found, owners_of(row[subject].value for row in found), subject, graph)


def owned_statements(subjects: Sequence[str], predicates: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The rows ?s ?p ?o where the graph holds the subject's owner's words, each once (owned_rows), of what the
    graphs state about these subjects (with these predicates, if given): one query."""
    known = lookups()
    return owned_by(services().graphs, statements(subjects, predicates, known), known.owner)


def statements(subjects: Sequence[str], predicates: Sequence[str] = (),
               known: Lookups | None = None) -> list[dict[str, Any]]:
    """The rows ?s ?p ?o ?g of what the graphs state about these subjects (with these predicates, if given),
    asked in one query that also reads their ownership records: their owners are then known (in `known`, by
    default the page's) without asking."""
    if not subjects:
        return []
    known, graphs = known or lookups(), services().graphs
    keys = {subject: key(graphs, subject) for subject in subjects}
    pairs = " ".join(f"({iri(subject)} {iri(record(graphs, k))})" for subject, k in keys.items())
    chosen = f"VALUES ?p {{ {' '.join(iri(p) for p in predicates)} }} " if predicates else ""
    rows = services().store.select(
        f"SELECT ?s ?p ?o ?g ?agent WHERE {{ VALUES (?s ?r) {{ {pairs} }} {chosen}GRAPH ?g {{ ?s ?p ?o }} "
        f"OPTIONAL {{ GRAPH {iri(graphs.ownership)} {{ ?r {iri(ATTRIBUTED)} ?agent }} }} }}").rows
    recorded = {keys[row["s"].value]: owner_named(graphs, row["agent"].value) for row in rows if "agent" in row}
    by_key: dict[str, list[str]] = {}
    for subject in dict.fromkeys(row["s"].value for row in rows):
        if subject not in known.owner:
            by_key.setdefault(keys[subject], []).append(subject)
    if by_key:
        found = decide(graphs, by_key, {k: recorded[k] for k in by_key if k in recorded}, spaces(known))
        known.owner.update((subject, found[subject][0] if subject in found else None)
                           for named in by_key.values() for subject in named)
    return [{k: v for k, v in row.items() if k != "agent"} for row in rows]


def labels_of(nodes: Iterable[object], predicates: Sequence[str]) -> list[Triple]:
    """The labels (these predicates) of the given IRIs as their owners give them: those already asked first,
    IRI by IRI, then the others in the store's order, asked in one query."""
    names = list(dict.fromkeys(n.value for n in nodes if isinstance(n, NamedNode)))[:MAX_NODES]
    known = lookups().labels.setdefault(tuple(predicates), {})
    missing = [n for n in names if n not in known]
    out = [t for n in names if n in known for t in known[n]]
    if missing:
        fetched = list(dict.fromkeys(Triple(r["s"], r["p"], r["o"]) for r in owned_statements(missing, predicates)))
        for n in missing:
            known[n] = []
        for t in fetched:
            known[cast(NamedNode, t.subject).value].append(t)
        out += fetched
    return out


def note_twins(subjects: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Learn what the identity graph links these subjects to (owl:sameAs: see same_as in query/aliases.py)
    from rows ?s ?p ?o ?g holding everything the graphs state about them."""
    known, identity = lookups(), services().graphs.identity
    found: dict[str, set[str]] = {subject: set() for subject in subjects}
    for row in rows:
        if (row["g"].value == identity and row["p"].value == OWL + "sameAs" and isinstance(row["o"], NamedNode)
                and row["s"].value in found):
            found[row["s"].value].add(row["o"].value)
    known.twins.update((subject, sorted(others)) for subject, others in found.items())


def aliases(iri: str) -> list[Alias]:
    """The resource's aliases (query/aliases.py), asked once per page (and its links not again, once known)."""
    known, s = lookups(), services()
    if iri not in known.aliases:
        known.aliases[iri] = (aliases_among(s.store, s.graphs, known.twins[iri]) if iri in known.twins
                              else aliases_of(s.store, s.graphs, iri))
    return known.aliases[iri]
