"""Aliases: the other IRIs the identity graph links to a resource (owl:sameAs: another network describing the
same organisation or territory under its own IRI, recognised by a shared SIRET, RNA number or INSEE code).

An alias is another owner's description: its words are never the resource's own. Pages show an alias only
attributed to its owner (`aliases_of`), read a resource's own statements only (query/own_words.py), and the
merged view names an identity group by the member that speaks for it (`speakers`):
the one this instance owns (reference data), else the one published first here (the earliest ownership
record), else the least IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pyoxigraph import Literal, NamedNode

from isic_graph.ingest.ownership import Owner, key, owners, record
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS, Graphs
from isic_graph.sparql.terms import iri, iris
from isic_graph.store.base import Store

NAMES = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", FOAF + "name")
MAX_MEMBERS = 500


@dataclass(frozen=True)
class Alias:
    """Another IRI of a resource: its owner (None while nobody owns it) and its own names by language."""

    iri: str
    owner: Owner | None
    names: dict[str, str]

    def name(self, lang: str) -> str | None:
        return pick(self.names, lang)


def same_as(store: Store, graphs: Graphs, names: Iterable[str]) -> dict[str, list[str]]:
    """The IRIs the identity graph links to each of these IRIs (sorted; none for an IRI it links to nothing)."""
    wanted = sorted(set(names))[:MAX_MEMBERS]
    if not wanted:
        return {}
    rows = store.select(f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {iris(wanted)} }} "
                        f"GRAPH {iri(graphs.identity)} {{ ?a <{OWL}sameAs> ?b }} }}").rows
    found: dict[str, list[str]] = {name: [] for name in wanted}
    for row in rows:
        if isinstance(row["b"], NamedNode):
            found[row["a"].value].append(row["b"].value)
    return {name: sorted(set(others)) for name, others in found.items()}


def names_of(store: Store, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each IRI's own names (rdfs:label, skos:prefLabel, dcterms:title, foaf:name) by language."""
    wanted = sorted(set(names))[:MAX_MEMBERS]
    if not wanted:
        return {}
    rows = store.select(f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {iris(wanted)} }} "
                        f"VALUES ?p {{ {' '.join(f'<{p}>' for p in NAMES)} }} ?s ?p ?o }} ORDER BY ?s ?p ?o").rows
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        if isinstance(row["o"], Literal):
            found.setdefault(row["s"].value, {}).setdefault(row["o"].language or "", row["o"].value)
    return found


def aliases_of(store: Store, graphs: Graphs, resource: str) -> list[Alias]:
    """The resource's aliases, each with its owner and its own names."""
    return aliases_among(store, graphs, same_as(store, graphs, [resource]).get(resource, []))


def aliases_among(store: Store, graphs: Graphs, others: list[str]) -> list[Alias]:
    """These IRIs (a resource's, as same_as finds them) as aliases, each with its owner and its own names."""
    owned, named = owners(store, graphs, others), names_of(store, others)
    return [Alias(other, owned.get(other), named.get(other, {})) for other in others]


def speakers(store: Store, graphs: Graphs, members: Iterable[str]) -> dict[str, str]:
    """For each IRI, the member of its identity group that names the group in the merged view: the one this
    instance owns, else the one published first (its ownership record's activity ended first), else the
    least IRI."""
    wanted = sorted(set(members))[:MAX_MEMBERS]
    groups = {name: sorted({name, *others}) for name, others in same_as(store, graphs, wanted).items()}
    everyone = sorted({m for group in groups.values() for m in group})
    owned = owners(store, graphs, everyone)
    records = " ".join(f"({iri(record(graphs, key(graphs, m)))} {iri(m)})" for m in everyone)
    since: dict[str, str] = {}
    if records:
        for row in store.select(f"SELECT ?s (MIN(STR(?t)) AS ?first) WHERE {{ VALUES (?r ?s) {{ {records} }} "
                                f"GRAPH {iri(graphs.ownership)} {{ ?r <{PROV}wasGeneratedBy> ?a }} "
                                f"OPTIONAL {{ ?a <{PROV}endedAtTime> ?t }} }} GROUP BY ?s").rows:
            if "first" in row:
                since[row["s"].value] = row["first"].value

    def rank(member: str) -> tuple[int, int, str, str]:
        owner = owned.get(member)
        return (0 if owner is not None and owner.kind == "instance" else 1 if owner is not None else 2,
                0 if member in since else 1, since.get(member, ""), member)

    return {name: min(group, key=rank) for name, group in groups.items()}
