"""The default dataset of queries, on each backend: each named graph keeps its own triples; the default graph
holds a triple stated by several graphs once (RDF merge), whatever writes it and however."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, Triple

from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from tests.conftest import BASE
from tests.support.fuzz import examples

GRAPHS = [f"http://localhost:5000/graph/network/n{i}" for i in range(3)]
TRIPLE = "<http://localhost:5000/id/project/p> <https://w3id.org/isic/ontology#territory> " \
         "<http://localhost:5000/id/territory/rennes>"
ISIC = "PREFIX isic: <https://w3id.org/isic/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


@pytest.fixture
def stated_thrice(store: Store) -> Store:
    store.update("INSERT DATA { " + " ".join(f"GRAPH <{g}> {{ {TRIPLE} }}" for g in GRAPHS) + " }")
    return store


def count(store: Store, where: str) -> int:
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0]["n"].value)


def test_graph_sees_each_graph_s_own_triples(stated_thrice: Store) -> None:
    assert count(stated_thrice, f"GRAPH ?g {{ {TRIPLE} }}") == 3


def test_the_default_dataset_answers_a_triple_stated_by_three_graphs_once(stated_thrice: Store) -> None:
    assert count(stated_thrice, TRIPLE) == 1


def test_the_triple_stays_while_one_graph_states_it_and_goes_with_the_last(stated_thrice: Store) -> None:
    stated_thrice.update(f"DROP GRAPH <{GRAPHS[0]}>", written=Written(graphs=[GRAPHS[0]]))
    stated_thrice.update(f"DELETE DATA {{ GRAPH <{GRAPHS[1]}> {{ {TRIPLE} }} }}", written=Written(graphs=[GRAPHS[1]]))
    assert count(stated_thrice, TRIPLE) == 1 and count(stated_thrice, f"GRAPH ?g {{ {TRIPLE} }}") == 1
    stated_thrice.update(f"DELETE WHERE {{ GRAPH ?g {{ {TRIPLE} }} }}")  # any graph: the whole rebuild after it
    assert count(stated_thrice, TRIPLE) == 0


def test_the_default_graph_is_no_named_graph(stated_thrice: Store) -> None:
    assert set(stated_thrice.graph_names()) >= set(GRAPHS)
    names = {row["g"].value for row in stated_thrice.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows}
    assert names == set(stated_thrice.graph_names())
    assert all(q.graph_name.value in names for q in stated_thrice.stream())  # dumps hold no copy of it


def test_on_the_samples_the_obvious_count_of_projects_per_territory_is_the_true_one(sample_store: Store) -> None:
    obvious = {r["name"].value: int(r["n"].value) for r in sample_store.select(
        ISIC + "SELECT ?name (COUNT(?p) AS ?n) WHERE { ?p a isic:Project ; isic:territory ?t . ?t rdfs:label ?name } "
               "GROUP BY ?name").rows}
    by_graphs = ("SELECT ?name (COUNT({}) AS ?n) WHERE {{ GRAPH ?a {{ ?p a isic:Project }} "
                 "GRAPH ?b {{ ?p isic:territory ?t }} GRAPH ?c {{ ?t rdfs:label ?name }} }} GROUP BY ?name")
    truth = {r["name"].value: int(r["n"].value) for r in sample_store.select(
        ISIC + by_graphs.format("DISTINCT ?p")).rows}
    bag = {r["name"].value: int(r["n"].value) for r in sample_store.select(ISIC + by_graphs.format("?p")).rows}
    assert obvious == truth and truth["Rennes"] >= 2
    assert bag["Rennes"] > truth["Rennes"]  # Rennes is restated by several networks: a union bag would count it again


NODES = [NamedNode(f"{BASE}id/x/{i}") for i in range(4)]
TRIPLES = st.builds(Triple, st.sampled_from(NODES), st.sampled_from(NODES[:2]), st.sampled_from(NODES))
WRITE = st.tuples(st.sampled_from(["insert", "delete", "drop", "replace"]), st.sampled_from(GRAPHS),
                  st.lists(TRIPLES, max_size=4), st.sampled_from(["graphs", "subjects", "unknown"]))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WRITE, min_size=1, max_size=8))
def test_after_any_writes_the_default_graph_is_the_set_union_of_the_named_graphs(writes: list[tuple]) -> None:
    store = EmbeddedStore(None)
    for kind, graph, triples, told in writes:
        body = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        update = {"insert": insert_data(graph, triples) if triples else f"CREATE SILENT GRAPH <{graph}>",
                  "delete": f"DELETE DATA {{ GRAPH <{graph}> {{ {body} }} }}",
                  "drop": f"DROP SILENT GRAPH <{graph}>",
                  "replace": f"DROP SILENT GRAPH <{graph}> ;\n" + (insert_data(graph, triples) if triples
                                                                   else f"CREATE SILENT GRAPH <{graph}>")}[kind]
        if told == "graphs":
            written: Written | None = Written(graphs=[graph])
        elif told == "subjects" and kind in ("insert", "delete"):  # what a bookkeeping write says of itself
            written = Written(subjects={t.subject.value for t in triples})
        else:
            written = None
        store.update(update, written=written)
    union = {t for g in store.graph_names() for t in store.graph_triples(g)}
    assert sorted(map(str, store.default_triples())) == sorted(map(str, union))
