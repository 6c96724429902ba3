"""Cross-network identity: shared SIRET, RNA or INSEE code (at the same level) make one resource of several IRIs."""

from __future__ import annotations

import pytest

from isic_graph.ingest.identity import (
    key_holders,
    key_holders_in_graph,
    recompute_identity,
    same_groups,
    update_identity,
)
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore

GRAPHS = Graphs("http://localhost:5000/")
DATA = """PREFIX isic: <https://w3id.org/isic/ontology#>
PREFIX level: <https://w3id.org/isic/thesaurus/territory-level/>
PREFIX a: <http://a.example/> PREFIX b: <http://b.example/> PREFIX c: <http://c.example/>
INSERT DATA {
  GRAPH <http://localhost:5000/graph/network/one> {
    a:caf a isic:Organisation ; isic:siret "53451234800010" .
    a:asso a isic:Organisation ; isic:rna "W353012345" .
    a:rennes a isic:Territory ; isic:inseeCode "35238" ; isic:territoryLevel level:commune .
    a:bretagne a isic:Territory ; isic:inseeCode "53" ; isic:territoryLevel level:region .
  }
  GRAPH <http://localhost:5000/graph/peer/p/two> {
    b:caf a isic:Organisation ; isic:siret "53451234800010" ; isic:rna "W359999999" .
    c:caf a isic:Organisation ; isic:rna "W359999999" .
    b:asso a isic:Organisation ; isic:siret "81234567600017" .
    b:rennes a isic:Territory ; isic:inseeCode "35238" ; isic:territoryLevel level:commune .
    b:mayenne a isic:Territory ; isic:inseeCode "53" ; isic:territoryLevel level:departement .
  }
}"""


def test_shared_identifiers_group_iris_transitively_and_territories_only_at_one_level() -> None:
    store = EmbeddedStore(None)
    store.update(DATA)
    assert same_groups(store) == [
        ["http://a.example/caf", "http://b.example/caf", "http://c.example/caf"],
        ["http://a.example/rennes", "http://b.example/rennes"],
    ]


def test_the_identity_graph_is_rewritten_whole_and_emptied_when_nothing_is_shared() -> None:
    store = EmbeddedStore(None)
    store.update(DATA)
    assert recompute_identity(store, GRAPHS) == 3 * 2 + 2
    assert store.count(GRAPHS.identity) == 8
    store.update("DROP GRAPH <http://localhost:5000/graph/peer/p/two>")
    assert recompute_identity(store, GRAPHS) == 0
    assert store.count(GRAPHS.identity) == 0


ONE = "http://localhost:5000/graph/network/one"
# Each rewrites graph one: the identity graph then holds what a recompute from the whole store gives.
REWRITES = {
    "the bridge leaves": "a:caf a isic:Organisation . a:asso a isic:Organisation ; isic:rna \"W353012345\" .",
    "a new resource joins": "a:caf a isic:Organisation ; isic:siret \"53451234800010\" . "
                            "a:new a isic:Organisation ; isic:siret \"81234567600017\" .",
    "a territory changes level": "a:rennes a isic:Territory ; isic:inseeCode \"35238\" ; "
                                 "isic:territoryLevel level:departement .",
    "everything goes": "",
}


def identity_links(store: EmbeddedStore) -> set[str]:
    return {str(t) for t in store.graph_triples(GRAPHS.identity)}


@pytest.mark.parametrize("name", REWRITES)
def test_updating_the_identity_of_what_a_write_changed_gives_what_a_full_recompute_gives(name: str) -> None:
    store = EmbeddedStore(None)
    store.update(DATA)
    recompute_identity(store, GRAPHS)
    before = key_holders_in_graph(store, ONE)
    prefixes = DATA.split("INSERT DATA")[0]
    store.update(f"{prefixes} DROP GRAPH <{ONE}> ; INSERT DATA {{ GRAPH <{ONE}> {{ {REWRITES[name]} }} }}")
    written = {t for t in store.graph_triples(ONE)}
    update_identity(store, GRAPHS, before | key_holders(written))
    incremental = identity_links(store)
    recompute_identity(store, GRAPHS)
    assert incremental == identity_links(store)
