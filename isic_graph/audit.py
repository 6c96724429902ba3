"""The checks every graph of a backup passes before it is restored: ingestion's for network data, fitting ones for the rest.

    network graphs ({base}graph/network/{slug})  the shapes and the personal-data check, as ingestion runs
                                                 them (with the rest of the backup as the store)
    harvested copies ({base}graph/peer/…)        the same, as harvesting runs them
    ontology, thesauri                           no personal data; no resource of the instance's own
                                                 namespace (data there would escape the shapes)
    identity                                     owl:sameAs links between IRIs, nothing else; no personal data
    metadata (provenance), reference data,       no personal data
    the default graph

Problems name the graph, the resource and what is wrong, never the personal datum itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from .backup import DEFAULT, graph_of
from .documents import Batch
from .errors import UsageError
from .ingest import check, check_slug
from .namespaces import OWL, Graphs
from .privacy import Kind, personal_data, personal_data_in_iri
from .store import Store
from .store.results import term_value
from .validation import UNTEXTUAL, Validator

SAME_AS = OWL + "sameAs"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
UNTEXTUAL_IRIS = frozenset(str(d) for d in UNTEXTUAL)


@dataclass(frozen=True)
class Problem:
    """Why one graph of a backup is not restored: its resource at fault (None: the graph as a whole) and what is wrong."""

    graph: str
    subject: str | None
    problem: str

    def describe(self) -> str:
        where = "the default graph" if self.graph == DEFAULT else f"graph <{self.graph}>"
        return f"{where}: {self.problem}"


def audit(store: Store, graphs: Graphs, validator: Validator, lang: str = "en") -> list[Problem]:
    """The problems of every graph of a store holding a whole backup (nothing, when every graph passes)."""
    problems: list[Problem] = []
    checked_by_shapes = set()
    for graph in store.graph_names():
        if graph.startswith(graphs.network_prefix):
            problems += network_problems(store, graph, graphs, validator, lang)
            checked_by_shapes.add(graph)
        elif graph.startswith(graphs.peer_prefix):
            problems += harvested_problems(store, graph, graphs, validator, lang)
            checked_by_shapes.add(graph)
        elif graph in (graphs.ontology, graphs.thesauri):
            problems += vocabulary_problems(store, graph, graphs)
        elif graph == graphs.identity:
            problems += identity_problems(store, graph)
    for graph, quads in groupby(store.stream(), key=graph_of):  # every quad once, streamed, graph by graph
        if graph not in checked_by_shapes:
            problems += privacy_problems(graph, (q.triple for q in quads))
    return problems


def network_problems(store: Store, graph: str, graphs: Graphs, validator: Validator, lang: str) -> list[Problem]:
    """A network's graph checked as ingestion checks a submission replacing it."""
    slug = graph[len(graphs.network_prefix):]
    try:
        check_slug(slug)
        report = check(Batch(tuple(store.graph_triples(graph)), ()), store, validator, graphs, slug)
    except UsageError as exc:
        return [Problem(graph, None, exc.message)]
    return [Problem(graph, v.focus, v.describe(lang)) for v in report.violations]


def harvested_problems(store: Store, graph: str, graphs: Graphs, validator: Validator, lang: str) -> list[Problem]:
    """A peer's network graph checked as harvesting checks it (on its own, attributed to no network of ours)."""
    try:
        report = check(Batch(tuple(store.graph_triples(graph)), ()), None, validator, graphs, None)
    except UsageError as exc:
        return [Problem(graph, None, exc.message)]
    return [Problem(graph, v.focus, v.describe(lang)) for v in report.violations]


def vocabulary_problems(store: Store, graph: str, graphs: Graphs) -> list[Problem]:
    """The shared vocabulary describes no resource of the instance (which the shapes would not check there)."""
    own = sorted({t.subject.value for t in store.graph_triples(graph)
                  if isinstance(t.subject, NamedNode) and t.subject.value.startswith(graphs.base)})
    return [Problem(graph, s, f"<{s}> is a resource of this instance, which the vocabulary graphs never describe")
            for s in own[:20]]


def identity_problems(store: Store, graph: str) -> list[Problem]:
    """The identity graph holds owl:sameAs links between IRIs, and nothing else."""
    odd = [t for t in store.graph_triples(graph) if t.predicate.value != SAME_AS
           or not isinstance(t.subject, NamedNode) or not isinstance(t.object, NamedNode)]
    return [Problem(graph, _shown(t.subject), f"{_shown(t.subject)} {_shown(t.predicate)} …: the identity graph holds "
                    "owl:sameAs links between IRIs only") for t in odd[:20]]


def privacy_problems(graph: str, triples: Iterable[Triple]) -> list[Problem]:
    """Personal data in a graph's text values and contact IRIs (mailto:, tel:, sms:), one problem per resource and field."""
    found: dict[tuple[str, str | None], list[Kind]] = {}
    for t in triples:
        subject = term_value(t.subject)
        if isinstance(t.subject, NamedNode):
            for kind in personal_data_in_iri(subject):
                found.setdefault((subject, None), []).append(kind)
        for kind in _kinds(t.object):
            found.setdefault((subject, t.predicate.value), []).append(kind)
    problems = []
    for (subject, field), kinds in found.items():
        named = {k.code: k for k in kinds}
        what = " and ".join(named[code].en for code in sorted(named))
        if field is None:
            shown = f"*** ({', '.join(sorted(named))})"
            problems.append(Problem(graph, shown, f"the IRI of the resource {shown} is {what}: no personal data "
                                    "is published here"))
        else:
            shown = _masked_subject(subject)
            problems.append(Problem(graph, shown, f"{shown} — <{field}> holds {what}: no personal data is "
                                    "published here"))
    return problems


def _kinds(term: object) -> list[Kind]:
    if isinstance(term, NamedNode):
        return personal_data_in_iri(term.value)
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if term.language or datatype == XSD_STRING or datatype not in UNTEXTUAL_IRIS:
            return personal_data(term.value)
    return []


def _masked_subject(subject: str) -> str:
    return f"*** ({', '.join(k.code for k in personal_data_in_iri(subject))})" if personal_data_in_iri(subject) \
        else f"<{subject}>"


def _shown(term: object) -> str:
    if isinstance(term, NamedNode):
        return _masked_subject(term.value)
    return str(term)

