"""A store of a backend other than the embedded one, without a server: what a restoration writes graph by graph."""

from __future__ import annotations

from typing import Sequence

from pyoxigraph import Triple

from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.results import QueryResult


class OtherBackend(Store):
    """An in-memory store behind the Store interface alone (no EmbeddedStore): a restoration writes into it as into a
    SPARQL server, each graph in one update, after checking the backup in a store of its own."""

    def __init__(self) -> None:
        self.held = EmbeddedStore(None)

    def query(self, sparql: str) -> QueryResult:
        return self.held.query(sparql)

    def _apply(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = ()) -> None:
        self.held._apply(sparql, using_graphs, using_named_graphs)

    def graph_triples(self, graph: str) -> list[Triple]:
        return self.held.graph_triples(graph)

    def close(self) -> None:
        self.held.close()
