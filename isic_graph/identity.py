"""Cross-network identity: resources that two networks describe under different IRIs, recognised by
their shared identifiers and linked with owl:sameAs in a derived graph.

The rule:
- two organisations are the same when they share a SIRET number (`isic:siret`) or an RNA number
  (`isic:rna`);
- two territories are the same when they share an INSEE code (`isic:inseeCode`) at the same level
  (`isic:territoryLevel`: région 53, Bretagne, is not département 53, Mayenne);
- sameness is transitive: an organisation sharing its SIRET with a second and its RNA with a third
  is the same as both.
Each group of two or more IRIs is written to the identity graph as owl:sameAs between every ordered
pair. The graph is derived: it is recomputed from the whole store (local and harvested graphs) after
every ingestion and harvest, in one update, and never edited by hand.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import permutations

from pyoxigraph import NamedNode, Triple

from .namespaces import ISIC, OWL, Graphs
from .store import Store

# Only the keys two or more IRIs share come back (the engine groups), each with its IRIs (which hold no
# space): on a large store, the resources that share nothing no longer cross into Python.
SHARED_KEYS = f"""SELECT ?key (GROUP_CONCAT(DISTINCT STR(?resource); separator=" ") AS ?resources) WHERE {{
  {{ ?resource a <{ISIC}Organisation> ; <{ISIC}siret> ?id . BIND(CONCAT("siret ", STR(?id)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Organisation> ; <{ISIC}rna> ?id . BIND(CONCAT("rna ", STR(?id)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Territory> ; <{ISIC}inseeCode> ?id ; <{ISIC}territoryLevel> ?level .
          BIND(CONCAT("insee ", STR(?level), " ", STR(?id)) AS ?key) }}
  FILTER(isIRI(?resource))
}} GROUP BY ?key HAVING (COUNT(DISTINCT ?resource) > 1)"""
SAME_AS = NamedNode(f"{OWL}sameAs")


def same_groups(store: Store) -> list[list[str]]:
    """The groups of IRIs that name one organisation or territory (two or more each), sorted."""
    parent: dict[str, str] = {}

    def root(iri: str) -> str:
        while parent.setdefault(iri, iri) != iri:
            parent[iri] = parent[parent[iri]]
            iri = parent[iri]
        return iri

    for row in store.select(SHARED_KEYS).rows:
        resources = row["resources"].value.split(" ")
        for resource in resources[1:]:
            a, b = root(resources[0]), root(resource)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for iri in parent:
        members[root(iri)].append(iri)
    return sorted(sorted(group) for group in members.values() if len(group) > 1)


def recompute_identity(store: Store, graphs: Graphs) -> int:
    """Rewrite the identity graph from the store's identifiers; the number of owl:sameAs links written."""
    from .ingest import insert_data

    links = [Triple(NamedNode(a), SAME_AS, NamedNode(b))
             for group in same_groups(store) for a, b in permutations(group, 2)]
    store.update(f"DROP SILENT GRAPH <{graphs.identity}>" + (" ;\n" + insert_data(graphs.identity, links)
                                                                if links else ""))
    return len(links)
