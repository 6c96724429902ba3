"""A resource's own words: what its owner's graphs state about it (ingest/ownership.py), and nothing another
network repeats of it (a stale copy of its name) or the identity graph derives (its twins' names).

Pages name a resource, title it and give its key facts from these statements only.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from isic_graph.ingest.ownership import Owner, owners
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import DCTERMS, RDFS, SKOS, Graphs
from isic_graph.sparql.terms import iri
from isic_graph.store.base import Store


def speaks_for(graphs: Graphs, owner: Owner | None, graph: str) -> bool:
    """Whether a graph holds an owner's words: a network's graph, a peer's harvested copies, the instance's
    other graphs (reference data, metadata); for a resource nobody owns, any graph. Never the identity graph."""
    if graph == graphs.identity:
        return False
    if owner is None:
        return True
    if owner.kind == "network":
        return graph == graphs.network(owner.name)
    if owner.kind == "peer":
        return graph.startswith(f"{graphs.peer_prefix}{owner.name}/")
    return not graph.startswith((graphs.network_prefix, graphs.peer_prefix))


def owned_rows(store: Store, graphs: Graphs, rows: Iterable[Mapping[str, Any]], subject: str = "s",
               graph: str = "g") -> list[dict[str, Any]]:
    """The rows (each binding `?subject` and the `?graph` that states it) where that graph holds the subject's
    owner's words, each once without its graph."""
    found = list(rows)
    return owned_by(graphs, found, owners(store, graphs, {row[subject].value for row in found}), subject, graph)


def owned_by(graphs: Graphs, rows: Iterable[Mapping[str, Any]], owned: Mapping[str, Owner | None],
             subject: str = "s", graph: str = "g") -> list[dict[str, Any]]:
    """owned_rows with the subjects' owners at hand (`owned`: IRI -> owner; an IRI absent is nobody's)."""
    kept: dict[frozenset[tuple[str, Any]], dict[str, Any]] = {}  # terms compare and hash as RDF terms
    for row in rows:
        if speaks_for(graphs, owned.get(row[subject].value), row[graph].value):
            rest = {k: v for k, v in row.items() if k != graph}
            kept.setdefault(frozenset(rest.items()), rest)
    return list(kept.values())


def names_of(store: Store, iris: set[str], lang: str = "fr", graphs: Graphs | None = None) -> dict[str, str]:
    """Each IRI's name in `lang` (labels.pick's fallback), else the last segment of its IRI; with `graphs`, as
    its owner names it (query/own_words.py), not as a copy another network keeps."""
    if not iris:
        return {}
    rows = store.select("SELECT ?x ?l ?g WHERE { VALUES ?x { " + " ".join(iri(i) for i in sorted(iris)) + " } "
                        f"GRAPH ?g {{ ?x <{RDFS}label>|<{SKOS}prefLabel>|<{DCTERMS}title> ?l }} }}").rows
    if graphs is not None:
        rows = tuple(owned_rows(store, graphs, rows, subject="x"))
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["x"].value, {}).setdefault(getattr(row["l"], "language", None) or "", row["l"].value)
    return {name: pick(found.get(name, {}), lang) or name.rsplit("/", 1)[-1] for name in iris}
