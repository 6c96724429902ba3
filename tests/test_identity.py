"""Cross-network identity: shared SIRET, RNA or INSEE code (at the same level) make one resource of several IRIs."""

from __future__ import annotations

from isic_graph.identity import recompute_identity, same_groups
from isic_graph.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore

GRAPHS = Graphs("http://localhost:5000/")
DATA = """PREFIX isic: <https://w3id.org/isic/ontology#>
PREFIX level: <https://w3id.org/isic/thesaurus/territory-level/>
PREFIX a: <http://a.example/> PREFIX b: <http://b.example/> PREFIX c: <http://c.example/>
INSERT DATA {
  GRAPH <http://localhost:5000/graph/network/one> {
    a:caf a isic:Organisation ; isic:siret "53451234500019" .
    a:asso a isic:Organisation ; isic:rna "W353012345" .
    a:rennes a isic:Territory ; isic:inseeCode "35238" ; isic:territoryLevel level:commune .
    a:bretagne a isic:Territory ; isic:inseeCode "53" ; isic:territoryLevel level:region .
  }
  GRAPH <http://localhost:5000/graph/peer/p/two> {
    b:caf a isic:Organisation ; isic:siret "53451234500019" ; isic:rna "W359999999" .
    c:caf a isic:Organisation ; isic:rna "W359999999" .
    b:asso a isic:Organisation ; isic:siret "81234567800015" .
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
