"""The VoID and DCAT description: what it states matches what the store holds, on both backends."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import NamedNode, QuerySolutions

from isic_graph.publish.catalog import DEFAULT_LICENSE, Summary, catalog, summarize
from isic_graph.rdf.namespaces import ISIC, RDFS, Graphs, sparql_prefixes
from isic_graph.store.base import Store

ROOT = "http://example.org/isic/"
SAMPLES = ("action-sociale-35", "anas", "fcsf")


@pytest.fixture
def summary(sample_store: Store, graphs: Graphs) -> Summary:
    return summarize(sample_store, graphs)


@pytest.fixture
def description(sample_store: Store, graphs: Graphs) -> pyoxigraph.Store:
    """The description loaded in a store of its own, to be queried."""
    loaded = pyoxigraph.Store()
    loaded.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in catalog(sample_store, graphs, ROOT))
    return loaded


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    result = store.query(sparql_prefixes() + query)
    assert isinstance(result, QuerySolutions)
    variables = [v.value for v in result.variables]
    return [{v: s[v].value for v in variables if s[v] is not None} for s in result]


def test_counts_are_those_of_count_queries(summary: Summary, sample_store: Store, graphs: Graphs) -> None:
    assert summary.quads == sample_store.count()
    assert summary.triples == len({q.triple for q in sample_store.quads()}) < summary.quads
    assert [n.slug for n in summary.networks] == list(SAMPLES)
    for net in summary.networks:
        assert net.triples == sample_store.count(graphs.network(net.slug)) > 0
    lessons = sample_store.select(f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a <{ISIC}Lesson> }}").rows[0]["n"]
    assert dict(summary.classes)[ISIC + "Lesson"] == int(lessons.value)
    anas = next(n for n in summary.networks if n.slug == "anas")
    in_anas = sample_store.select(f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ GRAPH <{anas.graph}> "
                                  f"{{ ?l a <{ISIC}Lesson> }} }}").rows[0]["n"]
    assert dict(anas.classes)[ISIC + "Lesson"] == int(in_anas.value)


def test_titles_are_the_networks_labels_and_the_licence_defaults_to_cc_by(summary: Summary, sample_store: Store,
                                                                          graphs: Graphs) -> None:
    for net in summary.networks:
        labels = sample_store.select(f"SELECT ?l WHERE {{ <{graphs.network_resource(net.slug)}> <{RDFS}label> ?l }}")
        assert sorted(t.value for t in net.titles) == sorted(labels.values("l")) and net.titles
        assert net.license == DEFAULT_LICENSE and net.modified is not None
        assert net.publisher == graphs.network_resource(net.slug)


def test_one_dataset_per_network_with_its_distributions(description: pyoxigraph.Store, graphs: Graphs) -> None:
    rows = select(description, """SELECT ?d ?title ?publisher ?triples ?url ?type WHERE {
        ?c a dcat:Catalog ; dcat:dataset ?d . ?d a void:Dataset ; dcterms:title ?title ; dcterms:publisher ?publisher ;
        void:triples ?triples ; dcat:distribution [ dcat:downloadURL ?url ; dcat:mediaType ?type ] }""")
    by_url = {r["url"]: r for r in rows}
    titles = {r["title"] for r in rows if r["url"] == ROOT + "dumps/network/fcsf.ttl"}
    assert by_url[ROOT + "dumps/network/anas.ttl"]["type"].endswith("/text/turtle")
    assert by_url[ROOT + "dumps/network/anas.jsonld"]["type"].endswith("/application/ld+json")
    assert by_url[ROOT + "dumps/network/anas.ttl"]["publisher"] == graphs.network_resource("anas")
    assert "Federation of social and socio-cultural centres of France" in titles and len(titles) == 2
    assert len(by_url) == 2 * len(SAMPLES)


def test_the_whole_store_has_a_subset_per_network_a_dump_and_class_partitions(
        description: pyoxigraph.Store, sample_store: Store) -> None:
    whole = select(description, """SELECT ?d ?triples ?dump ?vocabulary ?endpoint WHERE {
        ?description foaf:primaryTopic ?d . ?d void:triples ?triples ; void:dataDump ?dump ;
        void:vocabulary ?vocabulary ; void:sparqlEndpoint ?endpoint }""")
    assert len(whole) == 1
    assert whole[0]["dump"] == ROOT + "dumps/isic-graph.nq.gz" and whole[0]["vocabulary"] == ISIC
    assert int(whole[0]["triples"]) == len({q.triple for q in sample_store.quads()})  # each triple once
    assert whole[0]["endpoint"] == ROOT + "sparql"
    (extent,) = select(description, """SELECT ?n WHERE { ?description foaf:primaryTopic ?d .
        ?d dcterms:extent [ a dcterms:SizeOrDuration ; rdf:value ?n ] }""")
    assert int(extent["n"]) == sample_store.count()  # the statements, once per graph stating them
    subsets = select(description, "SELECT ?s WHERE { ?d void:subset ?s }")
    assert len(subsets) == len(SAMPLES)
    projects = select(description, f"""SELECT ?n WHERE {{ <{whole[0]['d']}> void:classPartition
        [ void:class <{ISIC}Project> ; void:entities ?n ] }}""")
    expected = sample_store.select(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{ISIC}Project> }}").rows[0]["n"]
    assert [int(r["n"]) for r in projects] == [int(expected.value)]


def test_the_sparql_service_serves_every_dataset(description: pyoxigraph.Store) -> None:
    rows = select(description, """SELECT ?url (COUNT(?d) AS ?n) WHERE { ?c dcat:service ?s .
        ?s a dcat:DataService ; dcat:endpointURL ?url ; dcat:servesDataset ?d } GROUP BY ?url""")
    assert rows == [{"url": ROOT + "sparql", "n": str(len(SAMPLES) + 1)}]


def test_a_network_may_state_its_own_licence(store: Store, graphs: Graphs) -> None:
    network, licence = graphs.network_resource("x"), "http://example.org/licence"
    store.update(f"INSERT DATA {{ GRAPH <{graphs.network('x')}> {{ <{network}> <{RDFS}label> \"X\"@en ; "
                 f"<http://purl.org/dc/terms/license> <{licence}> }} }}")
    (x,) = summarize(store, graphs).networks
    assert x.license == licence and [t.value for t in x.titles] == ["X"] and x.triples == 2 and x.modified is None
    triples = catalog(store, graphs, ROOT)
    assert NamedNode(licence) in [t.object for t in triples if t.predicate.value.endswith("/license")]
