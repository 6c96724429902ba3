"""Query scopes: which data a query sees, chosen per request with the same query text.

- `local`: this instance's own graphs (its networks, the vocabularies, its metadata and the derived
  identity graph), not the copies harvested from peers;
- `all` (the default): everything stored, local and harvested;
- `live`: as `all`, after the peers' changed graphs were fetched (conditional GETs: an unchanged peer
  costs one round trip). A peer fetched less than `interval` seconds ago is not asked again; a peer
  that fails keeps its last copy and is reported as stale.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Sequence

from isic_graph.errors import UsageError
from isic_graph.federation.harvest import harvest_peers
from isic_graph.federation.peers import Peer
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator

SCOPES = ("local", "all", "live")


def check_scope(scope: str, explicit_dataset: bool) -> str:
    """The scope asked for, refused when unknown or combined with a dataset of the query's own."""
    if scope not in SCOPES:
        raise UsageError(f"unknown scope {scope!r}; the scopes are {', '.join(SCOPES)}",
                         fr=f"portée inconnue {scope!r} ; les portées sont {', '.join(SCOPES)}")
    if scope != "all" and explicit_dataset:
        raise UsageError("a scope other than 'all' sets the dataset itself: it cannot be combined with FROM, "
                         "FROM NAMED, default-graph-uri or named-graph-uri",
                         fr="une portée autre que « all » fixe elle-même le jeu de données : elle ne se combine ni "
                            "avec FROM, ni avec FROM NAMED, default-graph-uri ou named-graph-uri")
    return scope


def local_graphs(store: Store, graphs: Graphs) -> list[str]:
    """The named graphs that are this instance's own (every graph but the harvested copies)."""
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { } }").rows
    return sorted(g for g in (row["g"].value for row in rows) if not g.startswith(graphs.peer_prefix))


class LiveRefresh:
    """Fetches the peers' changed graphs before a `live` query, one refresh at a time."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._fresh_at: dict[str, float] = {}

    def refresh(self, store: Store, validator: Validator, graphs: Graphs, peers: Sequence[Peer],
                timeout: float) -> tuple[str, ...]:
        """Refresh the peers within `timeout` seconds; the names of those whose copies may be stale."""
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            return tuple(peer.name for peer in peers)
        try:
            due = [peer for peer in peers
                   if time.monotonic() - self._fresh_at.get(peer.name, -math.inf) >= self.interval]
            stale = [peer.name for peer in due if not peer.dumps]
            asked = [peer for peer in due if peer.dumps]
            remaining = deadline - time.monotonic()
            if asked and remaining <= 0:
                return (*stale, *(peer.name for peer in asked))
            # the peers harvested together: what one's copy refers to may be in another's (harvest_peers)
            outcomes = harvest_peers(store, validator, graphs, asked, timeout=remaining, deadline=deadline) \
                if asked else ()
            for outcome in outcomes:
                if outcome.error or any(network.error for network in outcome.networks):
                    stale.append(outcome.peer)
                else:
                    self._fresh_at[outcome.peer] = time.monotonic()
            return tuple(stale)
        finally:
            self._lock.release()
