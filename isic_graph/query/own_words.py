"""A resource's own words: what its owner's graphs state about it (ingest/ownership.py), and nothing another
network repeats of it (a stale copy of its name) or the identity graph derives (its twins' names).

Pages name a resource, title it and give its key facts from these statements only.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from isic_graph.ingest.ownership import Owner, owners
from isic_graph.rdf.namespaces import Graphs
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
