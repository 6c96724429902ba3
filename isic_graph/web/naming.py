"""The instance's named graphs in words, for the pages: « thésaurus », « propriété des ressources », « graphe du
réseau Fédération des centres sociaux… », each by the name of what it holds rather than by its IRI."""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from isic_graph.rdf.labels import words_in
from isic_graph.rdf.namespaces import Graphs

GRAPH_WORDS = {
    "fr": {"ontology": "ontologie", "thesauri": "thésaurus", "metadata": "journal des publications",
           "identity": "liens d'identité", "ownership": "propriété des ressources",
           "network": "graphe du réseau {name}", "peer": "copie moissonnée de {name} (pair {peer})"},
    "en": {"ontology": "ontology", "thesauri": "thesauri", "metadata": "publication log",
           "identity": "identity links", "ownership": "ownership of resources",
           "network": "graph of the network {name}", "peer": "harvested copy of {name} (peer {peer})"},
}

Names = Callable[[Iterable[str]], Mapping[str, str]]  # IRIs -> their names in the page's language, when known


def graph_resources(graph: str, graphs: Graphs) -> list[str]:
    """The resources whose names a graph's name needs: its network's, for a network graph."""
    if graph.startswith(graphs.network_prefix):
        return [graphs.network_resource(graph[len(graphs.network_prefix):])]
    return []


def graph_name(graph: str, graphs: Graphs, names: Mapping[str, str], lang: str) -> str:
    """A graph of this instance in words in `lang`, its network by its label (`names`: IRI -> name); another
    graph by its IRI."""
    words = words_in(GRAPH_WORDS, lang)
    own = {graphs.ontology: "ontology", graphs.thesauri: "thesauri", graphs.metadata: "metadata",
           graphs.identity: "identity", graphs.ownership: "ownership"}
    if graph in own:
        return words[own[graph]]
    if graph.startswith(graphs.network_prefix):
        slug = graph[len(graphs.network_prefix):]
        return words["network"].format(name=names.get(graphs.network_resource(slug)) or slug)
    if graph.startswith(graphs.peer_prefix) and "/" in graph[len(graphs.peer_prefix):]:
        peer, network = graph[len(graphs.peer_prefix):].split("/", 1)
        return words["peer"].format(name=network, peer=peer)
    return graph
