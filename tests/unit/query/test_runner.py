"""The query runner over a SPARQL server of the operator's (no engine of its own): a server that does not accept
connections is told as such, at once, in English and French."""

from __future__ import annotations

import pytest

from isic_graph.errors import StoreUnavailable
from isic_graph.query.runner import QueryService
from isic_graph.store.engine import free_port
from isic_graph.store.remote import RemoteStore


def test_a_sparql_server_not_accepting_connections_is_store_unavailable_in_both_languages() -> None:
    port = free_port()  # nothing listens there
    store = RemoteStore(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update", None, timeout=5)
    with pytest.raises(StoreUnavailable) as told:
        QueryService(store, 5, 10).run("ASK {}", "application/sparql-results+json", form="ASK")
    assert told.value.text("en").startswith("the SPARQL store is not accepting connections")
    assert told.value.text("fr").startswith("la base SPARQL n'accepte pas de connexion")
