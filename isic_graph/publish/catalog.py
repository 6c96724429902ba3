"""The VoID description and DCAT catalogue of this instance's datasets (the store and each network), from the store."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Sequence, Union

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.federation.peers import Peer
from isic_graph.ingest import editions
from isic_graph.publish import dumps
from isic_graph.rdf.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    ISIC,
    RDF_TYPE,
    RDFS,
    VOID,
    XSD,
    Graphs,
)
from isic_graph.sparql.terms import iri, literal
from isic_graph.store.base import Store

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
Object = Union[NamedNode, BlankNode, Literal]


def stable_node(kind: str, *of: str) -> BlankNode:
    """A blank node named after what it stands for: the same document each time it is written, byte for byte (an
    integrator comparing two downloads sees no change where there is none, and HEAD's length is GET's)."""
    return BlankNode(kind + hashlib.sha256("\n".join(of).encode()).hexdigest()[:16])
ClassCounts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class NetworkDataset:
    """One network's graph, as a dataset."""

    slug: str
    graph: str
    publisher: str  # the network resource
    titles: tuple[Literal, ...]  # the network's rdfs:label(s), in its own graph
    license: str
    modified: datetime.datetime | None
    triples: int
    classes: ClassCounts  # class IRI, distinct instances


@dataclass(frozen=True)
class Summary:
    """What the description states, as counted in the store."""

    networks: tuple[NetworkDataset, ...]
    triples: int  # distinct triples: a triple stated in several graphs counts once
    quads: int  # statements, graph by graph
    modified: datetime.datetime | None
    classes: ClassCounts
    edition: int | None = None  # of the model, the store's (None: the software's)


def summarize(store: Store, graphs: Graphs, written: datetime.datetime | None = None) -> Summary:
    """Count triples per graph and instances per class (whole store and per network), read titles and licences;
    `written`: when the store was last written, if known (see dumps.listing)."""
    counts = {r["g"].value: int(r["n"].value) for r in store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows}
    per_graph: dict[str, list[tuple[str, int]]] = {}
    for r in store.select(
            f"SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} "
            f"FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)}) && isIRI(?c)) }} "
            f"GROUP BY ?g ?c ORDER BY ?c").rows:
        per_graph.setdefault(r["g"].value, []).append((r["c"].value, int(r["n"].value)))
    classes = tuple((r["c"].value, int(r["n"].value)) for r in store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } "
        "GROUP BY ?c ORDER BY ?c").rows)
    nets = dumps.networks(store, graphs)
    titles, licenses = _titles_and_licenses(store, graphs, [n.slug for n in nets])
    networks = tuple(NetworkDataset(
        n.slug, n.graph, graphs.network_resource(n.slug), tuple(titles.get(n.slug, ())),
        licenses.get(n.slug, DEFAULT_LICENSE), n.modified, counts.get(n.graph, 0), tuple(per_graph.get(n.graph, ())))
        for n in nets)
    latest = dumps.last_change(nets, written)
    distinct = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                            "GRAPH ?g { ?s ?p ?o } } }")
    return Summary(networks, int(distinct.rows[0]["n"].value), sum(counts.values()), latest, classes,
                   editions.store_edition(store, graphs))


def catalog(store: Store, graphs: Graphs, root: str, peers: Sequence[Peer] = ()) -> list[Triple]:
    """The description, with access and download URLs under root (the server's public URL, ending with /)."""
    return describe(summarize(store, graphs), graphs, root, peers)


def describe(summary: Summary, graphs: Graphs, root: str, peers: Sequence[Peer] = ()) -> list[Triple]:
    """A dcat:Catalog of void:Datasets: the whole store, with one subset per network, and the SPARQL service."""
    home = f"{graphs.base}catalog"
    catalogue, whole, service = NamedNode(home), NamedNode(f"{home}#isic-graph"), NamedNode(f"{home}#sparql")
    endpoint = NamedNode(f"{root}sparql")
    datasets = [whole] + [NamedNode(f"{home}#network-{n.slug}") for n in summary.networks]
    rdf = _Description(root, endpoint, service)
    add = rdf.add

    add(catalogue, RDF_TYPE, NamedNode(DCAT + "Catalog"))
    add(catalogue, DCTERMS + "title", Literal("isic-graph : catalogue des données", language="fr"))
    add(catalogue, DCTERMS + "title", Literal("isic-graph: data catalogue", language="en"))
    add(catalogue, DCTERMS + "license", NamedNode(DEFAULT_LICENSE))
    add(catalogue, FOAF + "homepage", NamedNode(root))
    add(catalogue, DCAT + "service", service)
    for dataset in datasets:
        add(catalogue, DCAT + "dataset", dataset)
    description = NamedNode(f"{root}.well-known/void")
    add(description, RDF_TYPE, NamedNode(VOID + "DatasetDescription"))
    add(description, FOAF + "primaryTopic", whole)

    add(service, RDF_TYPE, NamedNode(DCAT + "DataService"))
    add(service, DCTERMS + "title", Literal("SPARQL 1.1 endpoint", language="en"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "endpointDescription", endpoint)
    add(service, DCTERMS + "conformsTo", NamedNode(SPARQL_PROTOCOL))
    for dataset in datasets:
        add(service, DCAT + "servesDataset", dataset)

    conforms_to = NamedNode(editions.edition_iri(summary.edition or editions.software_edition()))
    rdf.dataset(whole, (Literal("isic-graph : toutes les données", language="fr"),
                        Literal("isic-graph: all data", language="en")),
                DEFAULT_LICENSE, summary.modified, summary.triples, summary.classes)
    rdf.quads(whole, summary.quads)
    rdf.distribution(NamedNode(f"{home}#isic-graph-nquads"), whole, dumps.whole_store())
    add(whole, VOID + "uriSpace", Literal(f"{graphs.base}id/"))  # what its networks own; peers read it at peer add
    add(whole, DCTERMS + "conformsTo", conforms_to)  # the edition of the model: harvesters migrate older copies
    for net, dataset in zip(summary.networks, datasets[1:]):
        add(whole, VOID + "subset", dataset)
        rdf.dataset(dataset, net.titles or (Literal(net.slug),), net.license, net.modified, net.triples, net.classes)
        add(dataset, DCTERMS + "identifier", Literal(net.slug))
        add(dataset, DCTERMS + "conformsTo", conforms_to)
        add(dataset, DCTERMS + "publisher", NamedNode(net.publisher))
        for file in dumps.network_files(net.slug):
            rdf.distribution(NamedNode(f"{home}#network-{net.slug}-{file.format.name}"), dataset, file)
    for peer in peers:  # the registered peers' catalogues, listed in this one (DCAT 3 dcat:catalog)
        node = NamedNode(f"{home}#peer-{peer.name}")
        add(catalogue, DCAT + "catalog", node)
        add(node, RDF_TYPE, NamedNode(DCAT + "Catalog"))
        add(node, RDF_TYPE, NamedNode(VOID + "Dataset"))
        add(node, DCTERMS + "title", Literal(peer.name))
        add(node, VOID + "sparqlEndpoint", NamedNode(peer.sparql))
        if peer.dumps:
            add(node, VOID + "dataDump", NamedNode(peer.dumps))
    return rdf.grouped()


class _Description:
    """The triples of the description, with the statements every dataset and distribution makes."""

    def __init__(self, root: str, endpoint: NamedNode, service: NamedNode) -> None:
        self.root = root
        self.endpoint = endpoint
        self.service = service
        self.triples: list[Triple] = []

    def add(self, subject: NamedNode | BlankNode, predicate: str, obj: Object) -> None:
        self.triples.append(Triple(subject, NamedNode(predicate), obj))

    def grouped(self) -> list[Triple]:
        """The triples subject by subject (in order of first appearance), so Turtle writes each subject once."""
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = {}
        for t in self.triples:
            by_subject.setdefault(t.subject, []).append(t)  # type: ignore[arg-type]
        return [t for group in by_subject.values() for t in group]

    def dataset(self, dataset: NamedNode, titles: tuple[Literal, ...], license: str,
                modified: datetime.datetime | None, triples: int, classes: ClassCounts) -> None:
        add = self.add
        add(dataset, RDF_TYPE, NamedNode(DCAT + "Dataset"))
        add(dataset, RDF_TYPE, NamedNode(VOID + "Dataset"))
        for title in titles:
            add(dataset, DCTERMS + "title", title)
        add(dataset, DCTERMS + "license", NamedNode(license))
        if modified is not None:
            add(dataset, DCTERMS + "modified", Literal(modified.isoformat(), datatype=NamedNode(XSD + "dateTime")))
        add(dataset, VOID + "triples", _integer(triples))
        add(dataset, VOID + "vocabulary", NamedNode(ISIC))
        add(dataset, VOID + "sparqlEndpoint", self.endpoint)
        add(dataset, DCAT + "accessService", self.service)
        for class_iri, entities in classes:
            partition = stable_node("partition", dataset.value, class_iri)
            add(dataset, VOID + "classPartition", partition)
            add(partition, VOID + "class", NamedNode(class_iri))
            add(partition, VOID + "entities", _integer(entities))

    def quads(self, dataset: NamedNode, quads: int) -> None:
        """The statements of a dataset of named graphs, a triple once per graph stating it (void:triples counts
        it once): its dcterms:extent, a dcterms:SizeOrDuration whose rdf:value is that number."""
        extent = stable_node("extent", dataset.value)
        self.add(dataset, DCTERMS + "extent", extent)
        self.add(extent, RDF_TYPE, NamedNode(DCTERMS + "SizeOrDuration"))
        self.add(extent, RDF_VALUE, _integer(quads))
        self.add(extent, RDFS + "label", Literal(f"{quads} quads (statements in named graphs)", language="en"))
        self.add(extent, RDFS + "label", Literal(f"{quads} quadruplets (énoncés dans les graphes nommés)",
                                                 language="fr"))

    def distribution(self, distribution: NamedNode, dataset: NamedNode, file: dumps.DumpFile) -> None:
        add = self.add
        url = NamedNode(f"{self.root}dumps/{file.name}")
        add(dataset, DCAT + "distribution", distribution)
        add(dataset, VOID + "dataDump", url)
        add(distribution, RDF_TYPE, NamedNode(DCAT + "Distribution"))
        add(distribution, DCTERMS + "title", Literal(f"{file.name} ({file.format.name})", language="en"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "mediaType", NamedNode(IANA + file.media_type))
        if file.compressed:
            add(distribution, DCAT + "compressFormat", NamedNode(IANA + dumps.GZIP))


def _titles_and_licenses(store: Store, graphs: Graphs,
                         slugs: list[str]) -> tuple[dict[str, list[Literal]], dict[str, str]]:
    """Each network's rdfs:label(s) and dcterms:license, as its own graph states them."""
    titles: dict[str, list[Literal]] = {}
    licenses: dict[str, str] = {}
    if not slugs:
        return titles, licenses
    pairs = " ".join(f"({iri(graphs.network_resource(s))} {iri(graphs.network(s))} {literal(s)})" for s in slugs)
    rows = store.select(f"SELECT ?slug ?p ?o WHERE {{ VALUES (?net ?g ?slug) {{ {pairs} }} "
                        f"VALUES ?p {{ <{RDFS}label> <{DCTERMS}license> }} GRAPH ?g {{ ?net ?p ?o }} }} "
                        f"ORDER BY ?slug ?p ?o").rows
    for row in rows:
        slug, value = row["slug"].value, row["o"]
        if row["p"].value == RDFS + "label" and isinstance(value, Literal):
            titles.setdefault(slug, []).append(value)
        elif isinstance(value, NamedNode):
            licenses.setdefault(slug, value.value)
    return titles, licenses


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))
