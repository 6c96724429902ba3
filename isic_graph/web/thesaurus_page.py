"""What the thesaurus pages show: the schemes, a scheme's concepts, and for a concept everything that uses it
whatever the property (a lesson by isic:concernsRole, an organisation by isic:actorType, a partner role…),
grouped by network, each network once, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.publish.links import page_link
from isic_graph.publish.reference import Scheme, reference
from isic_graph.rdf.labels import in_order, pick
from isic_graph.rdf.namespaces import ISIC, RDF_TYPE, SKOS
from isic_graph.sparql import terms as sparql_terms
from isic_graph.web.cells import local_name, term_value
from isic_graph.web.naming import graph_name
from isic_graph.web.resource_page import MAX_NODES, labels_of, select
from isic_graph.web.served import artefacts
from isic_graph.web.services import services
from isic_graph.web.summaries import summaries


@dataclass(frozen=True)
class Use:
    """One thing that uses a concept: what it is, where its page is, its name, and by which property."""

    kind: str
    href: str
    label: str
    relation: str


def scheme_of(iri: str) -> Scheme | None:
    return next((s for s in reference().schemes if s.iri == iri), None)


def concept_triples(iri: str) -> list[Triple]:
    """What the thesauri graph says of a concept (or a scheme)."""
    subject, graph = sparql_terms.iri(iri), sparql_terms.iri(services().graphs.thesauri)
    rows = select(f"SELECT ?p ?o WHERE {{ GRAPH {graph} {{ {subject} ?p ?o }} }} LIMIT {MAX_NODES}").rows
    return [Triple(NamedNode(iri), r["p"], r["o"]) for r in rows]  # type: ignore[arg-type]


def uses(iri: str, lang: str) -> list[tuple[str, str | None, list[Use]]]:
    """Everything stored that names the concept, by network (its name and page), in the language asked for;
    a theme's projects bring their lessons with them."""
    graphs = services().graphs
    subject, base = sparql_terms.iri(iri), graphs.base
    skip = " ".join(sparql_terms.iri(g) for g in (graphs.thesauri, graphs.ontology))
    rows = select(f"""SELECT DISTINCT ?g ?item ?p ?type WHERE {{
        {{ GRAPH ?g {{ ?item ?p {subject} }} }}
        UNION {{ GRAPH ?g {{ ?item <{ISIC}learnedFrom> ?project }} ?project <{ISIC}theme> {subject}
                 BIND(<{ISIC}learnedFrom> AS ?p) }}
        FILTER(?g NOT IN ({skip.replace(' ', ', ')}))
        OPTIONAL {{ GRAPH ?g {{ ?item a ?type }} }}
    }} LIMIT {MAX_NODES}""").rows
    items = [term_value(r["item"]) for r in rows]
    networks = {term_value(r["g"]): network_of(term_value(r["g"])) for r in rows}
    named: dict[str, dict[str, str]] = {}
    for t in labels_of([NamedNode(i.split("#", 1)[0]) for i in items]
                       + [NamedNode(n) for n in networks.values() if n.startswith("http")]):
        if isinstance(t.object, Literal):
            named.setdefault(term_value(t.subject), {}).setdefault(t.object.language or "", t.object.value)
    known = artefacts().labels
    unnamed = [o for o in dict.fromkeys(i.split("#", 1)[0] for i in items) if o.startswith(base) and o not in named]
    facts = summaries(unnamed, base, lang)  # a resource with no name of its own goes by its key facts
    groups: dict[str, dict[str, Use]] = {}
    for row in rows:
        item, graph = term_value(row["item"]), term_value(row["g"])
        owner = item.split("#", 1)[0]
        if term_value(row["p"]).startswith(SKOS) or not item.startswith(base):
            continue
        kind = pick(known.get(term_value(row["type"]), {}), lang) if "type" in row else None
        title = (pick(named.get(item, {}), lang) or pick(named.get(owner, {}), lang)
                 or facts.get(owner, (None, None, ""))[1] or local_name(owner, base))
        relation = pick(known.get(term_value(row["p"]), {}), lang) or term_value(row["p"])
        found = groups.setdefault(networks[graph], {})
        if item not in found or not found[item].kind:
            found[item] = Use(kind or "", page_link(owner, base) or "", title, relation)
    out = []
    for network, found in groups.items():
        name = pick(named.get(network, {}), lang) or graph_name(network, graphs, {}, lang)
        out.append((name, page_link(network, base) if network.startswith(base) else None,
                    sorted(found.values(), key=lambda u: (in_order(u.kind), in_order(u.label)))))
    return sorted(out, key=lambda g: in_order(g[0]))


def network_of(graph: str) -> str:
    """The network a graph holds (its IRI), or the graph itself (a harvested copy, reference data)."""
    graphs = services().graphs
    if graph.startswith(graphs.network_prefix):
        return graphs.network_resource(graph[len(graphs.network_prefix):])
    return graph


def concept_labels(iri: str) -> dict[str, dict[str, str]]:
    """The concept's labels, definition and scheme label, by language."""
    found: dict[str, dict[str, str]] = {}
    subject = sparql_terms.iri(iri)
    for row in select(f"""SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {subject} }}
            {{ ?x <{SKOS}prefLabel> ?l BIND("label" AS ?p) }}
            UNION {{ ?x <{SKOS}definition> ?l BIND("definition" AS ?p) }}
            UNION {{ ?x <{SKOS}inScheme>/<{SKOS}prefLabel> ?l BIND("scheme" AS ?p) }}
            UNION {{ ?x <{SKOS}inScheme> ?l BIND("scheme-iri" AS ?p) }} }}""").rows:
        found.setdefault(term_value(row["p"]), {})[getattr(row["l"], "language", None) or ""] = term_value(row["l"])
    return found


def is_scheme(triples: list[Triple]) -> bool:
    return any(t.predicate.value == RDF_TYPE and term_value(t.object) == SKOS + "ConceptScheme" for t in triples)
