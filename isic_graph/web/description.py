"""The SPARQL 1.1 Service Description of the endpoint."""

from __future__ import annotations

from pyoxigraph import BlankNode, NamedNode, Triple

from isic_graph.publish.catalog import stable_node
from isic_graph.rdf.formats import ANSWER, formats_for
from isic_graph.rdf.namespaces import RDF_TYPE, SD, W3C_FORMATS, Graphs

RESULT_FORMATS = tuple(f.w3c for f in formats_for(ANSWER) if f.w3c)


def service_description(endpoint: str, graphs: Graphs) -> list[Triple]:
    service, dataset = stable_node("service", endpoint), stable_node("dataset", endpoint)

    def t(s: NamedNode | BlankNode, p: str, o: NamedNode | BlankNode) -> Triple:
        return Triple(s, NamedNode(p), o)

    out = [
        t(service, RDF_TYPE, NamedNode(SD + "Service")),
        t(service, SD + "endpoint", NamedNode(endpoint)),
        t(service, SD + "supportedLanguage", NamedNode(SD + "SPARQL11Query")),
        t(service, SD + "feature", NamedNode(SD + "UnionDefaultGraph")),
        t(service, SD + "defaultDataset", dataset),
        t(dataset, RDF_TYPE, NamedNode(SD + "Dataset")),
    ]
    out += [t(service, SD + "resultFormat", NamedNode(W3C_FORMATS + f)) for f in RESULT_FORMATS]
    for graph in (graphs.ontology, graphs.thesauri, graphs.metadata):
        named = stable_node("graph", graph)
        out += [t(dataset, SD + "namedGraph", named), t(named, SD + "name", NamedNode(graph))]
    return out
