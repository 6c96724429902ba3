"""The default dataset of queries, on each backend: each named graph keeps its own triples; the union of them
holds a triple stated by several graphs once (RDF merge), whatever writes it."""

from __future__ import annotations

import pytest

from isic_graph.store.base import Store

GRAPHS = [f"http://localhost:5000/graph/network/n{i}" for i in range(3)]
TRIPLE = "<http://localhost:5000/id/project/p> <https://w3id.org/isic/ontology#territory> " \
         "<http://localhost:5000/id/territory/rennes>"


@pytest.fixture
def stated_thrice(store: Store) -> Store:
    store.update("INSERT DATA { " + " ".join(f"GRAPH <{g}> {{ {TRIPLE} }}" for g in GRAPHS) + " }")
    return store


def test_graph_sees_each_graph_s_own_triples(stated_thrice: Store) -> None:
    rows = stated_thrice.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {TRIPLE} }} }}").rows
    assert int(rows[0]["n"].value) == 3


def test_the_default_dataset_answers_a_triple_stated_by_three_graphs_once(stated_thrice: Store) -> None:
    rows = stated_thrice.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {TRIPLE} }}").rows
    assert int(rows[0]["n"].value) == 1
