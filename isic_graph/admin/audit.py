"""The checks every graph of a backup passes before it is restored: ingestion's for network data, fitting ones
for the rest.

    network graphs ({base}graph/network/{slug})  the shapes and the personal-data check, as ingestion runs
                                                 them (with the rest of the backup as the store)
    harvested copies ({base}graph/peer/…)        the same, as harvesting runs them; and, as harvesting keeps
                                                 only that, nothing about a network's resource but what that
                                                 network's graph states (its name, its type: a copy repeats them)
    ontology, thesauri                           no personal data; no resource of the instance's own
                                                 namespace (data there would escape the shapes)
    identity                                     owl:sameAs links between IRIs, nothing else; no personal data
    ownership                                    one owner for each resource: two records of it naming two
                                                 owners contradict each other (and no personal data)
    reference data, the default graph's own      as `isic-graph load` and the Graph Store check them: no
                                                 personal data, nothing about a resource a network or a peer
                                                 owns (by the backup's records), but territories
    metadata (provenance)                        no personal data

Problems name the graph, the resource and what is wrong, never the personal datum itself.
"""

from __future__ import annotations

from itertools import groupby
from typing import Iterable

from pyoxigraph import NamedNode, Triple
from rdflib import URIRef

from isic_graph.admin.backup import graph_of
from isic_graph.admin.reference import described_iris, faults
from isic_graph.errors import NotOwner, Problem, UsageError
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.ownership import ATTRIBUTED, SUBJECT, is_record_name, key, owner_named
from isic_graph.ingest.ownership import owners as owners_of
from isic_graph.ingest.targets import described, withdrawn
from isic_graph.privacy import Kind, masked, personal_data_in_iri
from isic_graph.progress import OnStep, counted, ignore
from isic_graph.rdf.namespaces import OWL, Graphs, check_slug
from isic_graph.sparql.terms import iri
from isic_graph.store.base import Store
from isic_graph.validation.personal import SH, personal_data_in
from isic_graph.validation.reports import ValidationReport
from isic_graph.validation.validator import Validator

SAME_AS = OWL + "sameAs"
# What a link's target fails when nothing describes it: its class, or a shape it must conform to (one of several)
DESCRIBED = {SH.ClassConstraintComponent, SH.OrConstraintComponent, SH.XoneConstraintComponent,
             SH.AndConstraintComponent, SH.NodeConstraintComponent}


def audit(store: Store, graphs: Graphs, validator: Validator, lang: str = "en",
          on_step: OnStep = ignore) -> list[Problem]:
    """The problems of every graph of a store holding a whole backup (nothing, when every graph passes)."""
    problems: list[Problem] = []
    checked_by_shapes = set()
    private: dict[str, list[Problem]] = {}  # the personal data in each graph the shapes did not check
    names = store.graph_names()
    for graph in counted(names, on_step, "checking graphs", len(names), "graphs", every=1):
        if graph.startswith(graphs.network_prefix):
            problems += network_problems(store, graph, graphs, validator, lang)
            checked_by_shapes.add(graph)
        elif graph.startswith(graphs.peer_prefix):
            problems += harvested_problems(store, graph, graphs, validator, lang)
            checked_by_shapes.add(graph)
        elif graph in (graphs.ontology, graphs.thesauri):
            triples = store.graph_triples(graph)  # read whole for its check: searched from there, not read again
            problems += vocabulary_problems(triples, graph, graphs)
            private[graph] = privacy_problems(graph, triples, graphs)
        elif graph == graphs.identity:
            triples = store.graph_triples(graph)
            problems += identity_problems(triples, graph)
            private[graph] = privacy_problems(graph, triples, graphs)
        elif graph == graphs.ownership:
            problems += ownership_problems(store, graphs)
        elif not graphs.is_reserved(graph):  # reference data, or the default graph's own triples
            problems += reference_problems(store, graph, graphs)
    rest = (quad for graph in names if graph not in checked_by_shapes and graph not in private
            for quad in store.stream(graph))
    for graph, quads in groupby(counted(rest, on_step, "checking personal data", None, "quads"), key=graph_of):
        private[graph] = privacy_problems(graph, (q.triple for q in quads), graphs)  # streamed, graph by graph
    return problems + [problem for graph in names for problem in private.get(graph, [])]


def network_problems(store: Store, graph: str, graphs: Graphs, validator: Validator, lang: str) -> list[Problem]:
    """A network's graph checked as ingestion checks a submission replacing it; but a link to a resource withdrawn
    here (see withdrawn_links) is kept, as the live store keeps it."""
    slug = graph[len(graphs.network_prefix):]
    try:
        check_slug(slug)
        report = check(Batch(tuple(store.graph_triples(graph)), ()), store, validator, graphs, slug, strict=False)
    except NotOwner as exc:  # a subject another network, a peer or the instance owns: the graph fails, as ingestion's
        return [Problem(graph, exc.subject, exc.message)]
    except UsageError as exc:
        return [Problem(graph, None, exc.message)]
    kept = withdrawn_links(store, graphs, report)
    return [Problem(graph, v.focus, v.describe(lang)) for v in report.violations
            if (v.focus, v.path, v.value) not in kept]


def withdrawn_links(store: Store, graphs: Graphs, report: ValidationReport) -> set[tuple[str, str | None, str]]:
    """The results of a report that only say a link names no resource of its class (or shape), where the resource
    is one the metadata graph records as withdrawn and no graph describes any more (focus, path, value as the
    report's violations show them). A withdrawal leaves such links in other resources' descriptions, listed for their
    networks to mend (`isic-graph dangling`): the live store keeps and serves them, so a backup of it restores
    them; a new submission naming a withdrawn resource is refused as before."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for result in report.graph.objects(None, SH.result):
        value = report.graph.value(result, SH.value)
        if isinstance(value, URIRef) and report.graph.value(result, SH.sourceConstraintComponent) in DESCRIBED:
            path = report.graph.value(result, SH.resultPath)
            found.setdefault(str(value), []).append((str(report.graph.value(result, SH.focusNode)),
                                                     str(path) if isinstance(path, URIRef) else None))
    if not found:
        return set()
    gone = withdrawn(store, graphs, found) - described(store, graphs, found, None)
    return {(focus, path, f"<{value}>") for value in gone for focus, path in found[value]}


def harvested_problems(store: Store, graph: str, graphs: Graphs, validator: Validator, lang: str) -> list[Problem]:
    """A peer's network graph checked as harvesting checks it (attributed to no network of ours, the resources it
    names looked up in the rest of the backup, as a harvest looks them up in the store)."""
    triples = store.graph_triples(graph)
    foreign = foreign_problems(store, graph, graphs, triples)
    if foreign:
        return foreign
    try:
        report = check(Batch(tuple(triples), ()), store, validator, graphs, None, strict=False)
    except NotOwner as exc:
        return [Problem(graph, exc.subject, exc.message)]
    except UsageError as exc:
        return [Problem(graph, None, exc.message)]
    kept = withdrawn_links(store, graphs, report)
    return [Problem(graph, v.focus, v.describe(lang)) for v in report.violations
            if (v.focus, v.path, v.value) not in kept]


def foreign_problems(store: Store, graph: str, graphs: Graphs, triples: list[Triple]) -> list[Problem]:
    """The resources of this instance's networks a harvested copy says what their network's graph does not: a
    harvest keeps of another's resource only the rows its owner states (ownercheck.keep_owned)."""
    about: dict[str, set[Triple]] = {}
    for t in triples:
        if isinstance(t.subject, NamedNode):
            about.setdefault(t.subject.value.split("#genid-")[0], set()).add(t)
    problems = []
    stated: dict[str, set[Triple]] = {}  # each network graph named, read once
    for subject, owner in sorted(owners_of(store, graphs, about).items()):
        if owner.kind != "network":
            continue
        if owner.name not in stated:
            stated[owner.name] = set(store.graph_triples(graphs.network(owner.name)))
        extra = sorted((t for t in about[subject] if t not in stated[owner.name]), key=str)
        if extra:
            problems.append(Problem(graph, subject, f"{_shown(extra[0].subject)} {_shown(extra[0].predicate)} …: "
                                    f"the copy states about a resource of {owner.describe()} what its graph does not "
                                    "(a harvest keeps only the peer's own resources)"))
    return problems[:20]


def ownership_problems(store: Store, graphs: Graphs) -> list[Problem]:
    """The resources the ownership graph gives to two owners or more (two records of one resource, or one record
    attributed twice): the store would read one of them, whichever it comes on first, and keep the other unseen."""
    rows = store.select(f"SELECT DISTINCT ?s ?a WHERE {{ GRAPH {iri(graphs.ownership)} {{ ?r <{SUBJECT}> ?s ; "
                        f"<{ATTRIBUTED}> ?a }} FILTER(isIRI(?s) && isIRI(?a)) }}").rows
    by_subject: dict[str, tuple[str, set[str]]] = {}  # by key: the spellings of a resource are one resource
    for row in rows:
        by_subject.setdefault(key(graphs, row["s"].value), (row["s"].value, set()))[1].add(row["a"].value)
    problems = []
    for subject, agents in sorted(by_subject.values()):
        if len(agents) > 1:
            named = " and ".join(f"{owner_named(graphs, a).describe()} (<{a}>)" for a in sorted(agents))
            problems.append(Problem(graphs.ownership, subject, f"the ownership records of <{subject}> contradict each "
                                    f"other: they give it to {named}, where a resource has one owner"))
    return problems[:20]


def reference_problems(store: Store, graph: str, graphs: Graphs) -> list[Problem]:
    """The resources a graph of reference data (or the default graph's own) describes that a network or a peer owns,
    by the backup's records or by rule: `isic-graph load` and the Graph Store refuse such data, and so does a
    restoration (territories, which reference data describes, excepted: reference.owned_elsewhere); a network's own
    IRI (`{base}id/network/…`) and its top-level blank nodes included, which it alone describes."""
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}").rows
    taken, misspelt = faults(store, graphs, described_iris((row["s"].value for row in rows), graphs))
    return ([Problem(graph, subject, f"<{subject}> belongs to {owner.describe()}, which alone describes it: reference "
                     "data describes territories and this instance's own resources, not another's")
             for subject, owner in taken] +
            [Problem(graph, subject, f"<{subject}> is not written as this instance's IRIs are: a look-alike of one of "
                     "them") for subject in misspelt])[:20]


def vocabulary_problems(triples: list[Triple], graph: str, graphs: Graphs) -> list[Problem]:
    """The shared vocabulary describes no resource of the instance (which the shapes would not check there)."""
    own = sorted({t.subject.value for t in triples
                  if isinstance(t.subject, NamedNode) and t.subject.value.startswith(graphs.base)})
    return [Problem(graph, s, f"<{s}> is a resource of this instance, which the vocabulary graphs never describe")
            for s in own[:20]]


def identity_problems(triples: list[Triple], graph: str) -> list[Problem]:
    """The identity graph holds owl:sameAs links between IRIs, and nothing else."""
    odd = [t for t in triples if t.predicate.value != SAME_AS
           or not isinstance(t.subject, NamedNode) or not isinstance(t.object, NamedNode)]
    return [Problem(graph, _shown(t.subject), f"{_shown(t.subject)} {_shown(t.predicate)} …: the identity graph holds "
                    "owl:sameAs links between IRIs only") for t in odd[:20]]


def privacy_problems(graph: str, triples: Iterable[Triple], graphs: Graphs) -> list[Problem]:
    """Personal data in a graph, in any term of any triple (as ingestion searches it), one problem per resource and
    place: its IRI, a property's IRI, a field's values, or their datatype; the names of the instance's own
    records (a digest, a time stamp) are not searched."""
    found: dict[tuple[str, str, str | None], list[Kind]] = {}
    for finding in personal_data_in(triples):
        if finding.place in ("resource", "value") and is_record_name(graphs, str(finding.term)):
            continue
        subject = masked([finding.kind]) if finding.place == "resource" else _masked_subject(str(finding.subject))
        field = None if finding.predicate is None else str(finding.predicate)
        found.setdefault((subject, finding.place, field), []).append(finding.kind)
    problems = []
    for (subject, place, field), kinds in found.items():
        named = {k.code: k for k in kinds}
        what = " and ".join(named[code].en for code in sorted(named))
        where = {"resource": f"the IRI of the resource {masked(kinds)}", "property": f"{subject} — the IRI of one of "
                 "its properties", "value": f"{subject} — <{field}>",
                 "datatype": f"{subject} — the datatype of a value of <{field}>"}[place]
        problems.append(Problem(graph, masked(kinds) if place == "resource" else subject,
                                f"{where} holds {what}: no personal data is published here"))
    return problems


def _masked_subject(subject: str) -> str:
    return f"*** ({', '.join(k.code for k in personal_data_in_iri(subject))})" if personal_data_in_iri(subject) \
        else f"<{subject}>"


def _shown(term: object) -> str:
    if isinstance(term, NamedNode):
        return _masked_subject(term.value)
    return str(term)

