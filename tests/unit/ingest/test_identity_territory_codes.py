"""Territories of the second edition are recognised by their own codes: an intercommunality (EPCI) by its SIREN
(with a right key), a priority neighbourhood by its QPV code; a code joins only resources of the same vintage of its
list (isic:codeVintage), and one stating no vintage joins those that agree on one. The incremental update gives
what the full recompute gives."""

from __future__ import annotations

import pytest

from isic_graph.ingest.identity import recompute_identity, same_groups, update_identity
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore

GRAPHS = Graphs("http://localhost:5000/")
PREFIXES = """PREFIX isic: <https://w3id.org/isic/ontology#>
PREFIX level: <https://w3id.org/isic/thesaurus/territory-level/>
PREFIX a: <http://a.example/> PREFIX b: <http://b.example/> PREFIX c: <http://c.example/>
"""
ONE = "http://localhost:5000/graph/network/one"
TWO = "http://localhost:5000/graph/peer/p/two"
DATA = PREFIXES + f"""INSERT DATA {{
  GRAPH <{ONE}> {{
    a:mel a isic:Territory ; isic:siren "200093201" ; isic:codeVintage 2015 ;
        isic:territoryLevel level:intercommunality .
    a:wrong-key a isic:Territory ; isic:siren "200040716" ; isic:territoryLevel level:intercommunality .
    a:qpv a isic:Territory ; isic:qpvCode "QN05907M" ; isic:territoryLevel level:neighbourhood .
    a:midi-pyrenees a isic:Territory ; isic:inseeCode "73" ; isic:codeVintage 2015 ;
        isic:territoryLevel level:region .
    a:bretagne a isic:Territory ; isic:inseeCode "53" ; isic:codeVintage 2016 ; isic:territoryLevel level:region .
    a:r76 a isic:Territory ; isic:inseeCode "76" ; isic:codeVintage 2016 ; isic:territoryLevel level:region .
  }}
  GRAPH <{TWO}> {{
    b:metropole-lille a isic:Territory ; isic:siren "200093201" ; isic:territoryLevel level:intercommunality .
    b:wrong-key a isic:Territory ; isic:siren "200040716" ; isic:territoryLevel level:intercommunality .
    b:qpv a isic:Territory ; isic:qpvCode "QN05907M" ; isic:codeVintage 2024 ;
        isic:territoryLevel level:neighbourhood .
    b:region-73 a isic:Territory ; isic:inseeCode "73" ; isic:codeVintage 2016 ; isic:territoryLevel level:region .
    b:bretagne a isic:Territory ; isic:inseeCode "53" ; isic:territoryLevel level:region .
    b:r76 a isic:Territory ; isic:inseeCode "76" ; isic:territoryLevel level:region .
    c:r76 a isic:Territory ; isic:inseeCode "76" ; isic:codeVintage 2015 ; isic:territoryLevel level:region .
    c:r76-bis a isic:Territory ; isic:inseeCode "76" ; isic:territoryLevel level:region .
    c:mel-organisation a isic:Organisation ; isic:siret "20009320100013" .
  }}
}}"""


def store_with(data: str) -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.update(data)
    return store


def test_an_epci_named_by_two_networks_under_two_iris_is_one_by_its_siren() -> None:
    groups = same_groups(store_with(DATA))
    assert ["http://a.example/mel", "http://b.example/metropole-lille"] in groups
    assert not any("http://a.example/wrong-key" in g for g in groups)  # a SIREN with a wrong key joins nothing
    assert not any("http://c.example/mel-organisation" in g for g in groups)  # an organisation is no territory


def test_a_neighbourhood_is_one_by_its_qpv_code() -> None:
    assert ["http://a.example/qpv", "http://b.example/qpv"] in same_groups(store_with(DATA))


def test_the_same_code_in_two_vintages_names_two_territories() -> None:
    groups = same_groups(store_with(DATA))
    assert not any("http://a.example/midi-pyrenees" in g for g in groups)  # 73 in 2015 is not 73 in 2016
    assert ["http://a.example/bretagne", "http://b.example/bretagne"] in groups  # no vintage: joins the one stated
    # 76 stated in 2016 and in 2015: the two stated apart, those stating none only with each other
    assert ["http://b.example/r76", "http://c.example/r76-bis"] in groups
    assert not any("http://a.example/r76" in g or "http://c.example/r76" in g for g in groups)


@pytest.mark.parametrize("graph", [ONE, TWO])
def test_the_incremental_update_gives_what_the_full_recompute_gives(graph: str) -> None:
    full = store_with(DATA)
    recompute_identity(full, GRAPHS)
    incremental = store_with(DATA)
    held = incremental.select(f"SELECT ?s ?p ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
    incremental.update(f"DROP GRAPH <{graph}>")
    recompute_identity(incremental, GRAPHS)  # the store without that graph
    incremental.update(f"INSERT DATA {{ GRAPH <{graph}> {{ "
                       + " ".join(f"{r['s']} {r['p']} {r['o']} ." for r in held) + " } }")
    update_identity(incremental, GRAPHS, sorted({r["s"].value for r in held}))

    def links(store: EmbeddedStore) -> set[tuple[str, str]]:
        rows = store.select(f"SELECT ?a ?b {{ GRAPH <{GRAPHS.identity}> {{ ?a ?p ?b }} }}").rows
        return {(r["a"].value, r["b"].value) for r in rows}

    assert links(incremental) == links(full) and len(links(full)) == 2 * 4
