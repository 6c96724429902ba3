"""Cross-network identity: resources that two networks describe under different IRIs, recognised by
their shared identifiers and linked with owl:sameAs in a derived graph.

The rule:
- two organisations are the same when they share a SIRET number (`isic:siret`) or an RNA number
  (`isic:rna`);
- two territories are the same when they share an INSEE code (`isic:inseeCode`) at the same level
  (`isic:territoryLevel`: région 53, Bretagne, is not département 53, Mayenne), an intercommunality's
  SIREN number (`isic:siren`), or a priority neighbourhood's QPV code (`isic:qpvCode`);
- a territory's code holds in one edition of its list (`isic:codeVintage`: region 76 dates from 2016):
  territories stating different vintages of the same code are not the same. A territory stating none
  joins those that share its code when they all state the same vintage (or none); when they state
  different ones, the code alone no longer says which territory it names, and the territories stating
  none join only each other;
- only numbers that may identify count: a SIRET or a SIREN with a wrong check key, an RNA number not
  written W and 9 digits, or a QPV code not written QP/QN and six characters, links nothing
  (validation/identifiers.py), even where stored before the check existed;
- sameness is transitive: an organisation sharing its SIRET with a second and its RNA with a third
  is the same as both.
Each group of two or more IRIs is written to the identity graph as owl:sameAs between every ordered
pair. The graph is derived: it is recomputed from the whole store (local and harvested graphs) after
every ingestion and harvest, in one update, and never edited by hand.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import permutations
from typing import Any, Collection, Iterable, Iterator, Union

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.rdf.disjoint import DisjointSets
from isic_graph.rdf.namespaces import ISIC, OWL, RDF, RDF_TYPE, Graphs
from isic_graph.sparql.default_graph import Written, subjects_of
from isic_graph.sparql.terms import iri, iris, literal
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.validation.identifiers import valid

# Only the keys two or more IRIs share come back (the engine groups), each with its IRIs (which hold no
# space): on a large store, the resources that share nothing no longer cross into Python.
# Each resource comes with the vintage of its code (`resource@2016`, `resource@` for none), always bound.
# An identifier that is a blank node (an update may write one) has no key: it identifies nothing.
SHARED_KEYS = f"""SELECT ?key (GROUP_CONCAT(DISTINCT ?held; separator=" ") AS ?resources) WHERE {{
  {{ ?resource a <{ISIC}Organisation> ; <{ISIC}siret> ?id . BIND(CONCAT("siret ", STR(?id)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Organisation> ; <{ISIC}rna> ?id . BIND(CONCAT("rna ", STR(?id)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Territory> ; <{ISIC}inseeCode> ?id ; <{ISIC}territoryLevel> ?level .
          BIND(CONCAT("insee ", STR(?id), " ", STR(?level)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Territory> ; <{ISIC}siren> ?id . BIND(CONCAT("siren ", STR(?id)) AS ?key) }}
  UNION {{ ?resource a <{ISIC}Territory> ; <{ISIC}qpvCode> ?id . BIND(CONCAT("qpvCode ", STR(?id)) AS ?key) }}
  OPTIONAL {{ ?resource <{ISIC}codeVintage> ?vintage }}
  BIND(CONCAT(STR(?resource), "@", COALESCE(STR(?vintage), "")) AS ?held)
  FILTER(isIRI(?resource) && BOUND(?key))
}} GROUP BY ?key HAVING (COUNT(DISTINCT ?resource) > 1)"""
VINTAGED = ("insee", "siren", "qpvCode")  # territory codes: each holds in one edition of its list
SAME_AS = NamedNode(f"{OWL}sameAs")
Term = Union[NamedNode, BlankNode, Literal]


def same_groups(store: Store) -> list[list[str]]:
    """The groups of IRIs that name one organisation or territory (two or more each), sorted."""
    holders: dict[tuple[str, ...], dict[str, set[str]]] = {}
    for row in store.select(SHARED_KEYS).rows:
        kind, _, rest = row["key"].value.partition(" ")
        value = rest.split(" ", 1)[0]
        if not valid(ISIC + ("inseeCode" if kind == "insee" else kind), value):
            continue
        held: dict[str, set[str]] = defaultdict(set)
        for item in row["resources"].value.split(" "):
            resource, _, vintage = item.rpartition("@")
            held[resource].add(vintage)
        holders[(kind, rest)] = held
    return _joined(holders)


def _joined(holders: dict[tuple[str, ...], dict[str, set[str]]]) -> list[list[str]]:
    """The groups (two or more IRIs) of the resources holding the same keys: key -> resource -> the vintages
    it states of its code ("" for none). Holders of a code stating different vintages are apart; those
    stating none join the others when these all state one vintage, else only each other."""
    sets: DisjointSets[str] = DisjointSets()
    for key, held in holders.items():
        if key[0] not in VINTAGED:
            groups = [sorted(held)]
        else:
            stated = {resource: sorted(v for v in vintages if v) for resource, vintages in held.items()}
            single = {resource: found[0] for resource, found in stated.items() if len(found) == 1}
            unstated = sorted(resource for resource, found in stated.items() if not found)
            editions = sorted(set(single.values()))
            groups = [sorted(r for r, v in single.items() if v == edition) for edition in editions]
            if len(editions) == 1:
                groups[0] += unstated
            else:
                groups.append(unstated)
            # a resource stating two vintages of its code does not say which one it means: it joins nothing
        for members in groups:
            for other in members[1:]:
                sets.union(members[0], other)
    return sorted(sorted(group) for group in sets.groups() if len(group) > 1)


def recompute_identity(store: Store, graphs: Graphs) -> int:
    """Rewrite the identity graph from the store's identifiers; the number of owl:sameAs links written."""

    links = [Triple(NamedNode(a), SAME_AS, NamedNode(b))
             for group in same_groups(store) for a, b in permutations(group, 2)]
    store.update(f"DROP SILENT GRAPH {iri(graphs.identity)}" + (" ;\n" + insert_data(graphs.identity, links)
                                                                if links else ""),
                 written=Written(graphs=[graphs.identity]))
    return len(links)


# The identifying triples of given resources, and the resources holding given identifiers (exact terms).
# One triple pattern each: a territory described in many graphs would otherwise match every combination
# of them in the union graph.
DESCRIPTIONS = f"""SELECT DISTINCT ?resource ?p ?o WHERE {{ VALUES ?resource {{ %s }} ?resource ?p ?o
  FILTER(?p IN (<{ISIC}siret>, <{ISIC}rna>, <{ISIC}inseeCode>, <{ISIC}territoryLevel>, <{ISIC}siren>,
                <{ISIC}qpvCode>, <{ISIC}codeVintage>, <{RDF}type>)) }}"""
HOLDERS = "SELECT DISTINCT ?resource WHERE { VALUES (?p ?o) { %s } ?resource ?p ?o FILTER(isIRI(?resource)) }"
CHUNK = 400
KEY_PROPERTIES = frozenset(f"{ISIC}{name}" for name in ("siret", "rna", "inseeCode", "territoryLevel", "siren",
                                                          "qpvCode", "codeVintage"))
KEY_CLASSES = frozenset(f"{ISIC}{name}" for name in ("Organisation", "Territory"))


def key_holders(triples: Iterable[Triple]) -> set[str]:
    """The IRIs these triples give an identifier, or the type that makes it count (see KEYS_OF)."""
    return {t.subject.value for t in triples if isinstance(t.subject, NamedNode) and (
        t.predicate.value in KEY_PROPERTIES or (t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode)
                                                 and t.object.value in KEY_CLASSES))}


def key_holders_in_graph(store: Store, graph: str) -> set[str]:
    """The IRIs a named graph gives an identifier, or the type that makes it count."""
    properties = " ".join(f"<{p}>" for p in sorted(KEY_PROPERTIES))
    classes = " ".join(f"<{c}>" for c in sorted(KEY_CLASSES))
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH {iri(graph)} "
                        f"{{ {{ VALUES ?p {{ {properties} }} ?s ?p ?o }} "
                        f"UNION {{ VALUES ?o {{ {classes} }} ?s a ?o }} }} FILTER(isIRI(?s)) }}").rows
    return {row["s"].value for row in rows}


def update_identity(store: Store, graphs: Graphs, changed: Collection[str]) -> int:
    """Rewrite the identity links of the resources a write may have joined or parted: those whose
    descriptions it changed, the ones they were the same as, and every resource sharing an identifier
    with these, transitively. The result is the one recompute_identity gives for identifiers written
    as the shapes require them (plain strings), in time that grows with the batch, not with the store.
    The number of owl:sameAs links written."""

    start = {name for name in changed if "#genid-" not in name}
    start |= {row["b"].value for row in _rows(store, f"SELECT ?b WHERE {{ VALUES ?a {{ %s }} "
                                                     f"GRAPH {iri(graphs.identity)} {{ ?a <{OWL}sameAs> ?b }} }}",
                                              start)}
    reached, keys_seen = set(start), set()
    holders: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(dict)
    frontier = set(start)
    while frontier:
        described: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for row in _rows(store, DESCRIPTIONS, frontier):
            described[row["resource"].value][row["p"].value].append(row["o"])
        wanted: set[str] = set()  # (?p ?o) pairs, as SPARQL, of identifiers not looked up yet
        for resource, properties in described.items():
            vintages = {v.value for v in properties.get(f"{ISIC}codeVintage", [])} or {""}
            for key, property_, term in _keys(properties):
                holders[key][resource] = vintages if key[0] in VINTAGED else {""}
                if key not in keys_seen:
                    keys_seen.add(key)
                    wanted |= {f"(<{property_}> {term})", f"(<{property_}> {literal(term.value)})"}
        frontier = {row["resource"].value for row in _rows(store, HOLDERS, wanted, raw=True)} - reached
        reached |= frontier
    groups = _joined({key: held for key, held in holders.items() if len(held) > 1})
    links = [Triple(NamedNode(a), SAME_AS, NamedNode(b)) for group in groups for a, b in permutations(group, 2)]
    operations = []
    for part in _chunks(sorted(reached)):
        values = iris(part)
        identity = iri(graphs.identity)
        for side in ("?a", "?b"):
            operations.append(f"DELETE {{ GRAPH {identity} {{ ?a <{OWL}sameAs> ?b }} }} WHERE {{ "
                              f"VALUES {side} {{ {values} }} GRAPH {identity} {{ ?a <{OWL}sameAs> ?b }} }}")
    if links:
        operations.append(insert_data(graphs.identity, links))
    if operations:
        store.update(" ;\n".join(operations), written=Written(subjects=reached | subjects_of(links)))
    return len(links)


def _keys(properties: dict[str, list[Term]]) -> Iterator[tuple[tuple[str, ...], str, Term]]:
    """The keys of a resource, as SHARED_KEYS makes them, with the property and term giving each."""
    types = {t.value for t in properties.get(f"{RDF}type", [])}
    if f"{ISIC}Organisation" in types:
        for kind in ("siret", "rna"):
            for term in properties.get(f"{ISIC}{kind}", []):
                if valid(f"{ISIC}{kind}", term.value):
                    yield (kind, term.value), f"{ISIC}{kind}", term
    if f"{ISIC}Territory" in types:
        for term in properties.get(f"{ISIC}inseeCode", []):
            for level in properties.get(f"{ISIC}territoryLevel", []):
                yield ("insee", f"{term.value} {level.value}"), f"{ISIC}inseeCode", term
        for kind in ("siren", "qpvCode"):
            for term in properties.get(f"{ISIC}{kind}", []):
                if valid(f"{ISIC}{kind}", term.value):
                    yield (kind, term.value), f"{ISIC}{kind}", term


def _rows(store: Store, template: str, items: Collection[str], raw: bool = False) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for part in _chunks(sorted(items)):
        values = " ".join(part) if raw else iris(part)
        found += store.select(template % values).rows
    return found


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]

