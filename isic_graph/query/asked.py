"""What a query is held to before it is answered, on /sparql and on the command line alike: its one reading
(the guard's tokens, `sparql.guard`) and its dataset, FROM, FROM NAMED and the protocol's dataset parameters,
held to the graphs of the store. SERVICE blocks are checked against the registered peers by
`federation.service.evaluate`, which both call next."""

from __future__ import annotations

from typing import Sequence

from isic_graph.sparql.guard import Checked, Limits, check_dataset, read_query
from isic_graph.store.base import Store


def check_asked(text: str, limits: Limits, store: Store, default_graphs: Sequence[str] = (),
                named_graphs: Sequence[str] = (), base: str | None = None) -> Checked:
    """The query's reading, refused (UsageError, QueryTooLarge, UpdateNotAccepted) as the guard refuses it, or
    when its FROM or FROM NAMED clauses or the protocol's dataset name a graph the store does not hold (a BASE
    resolves `FROM <>` first): nothing is fetched, and no graph outside the store is read as empty. Its relative
    IRIs resolve against `base` (the service's own IRI) unless it declares a BASE first: so does the engine, which
    gets the reading's text, with that BASE put first."""
    checked = read_query(text, limits, base)
    dataset = [*checked.dataset, *default_graphs, *named_graphs]
    if dataset:
        check_dataset(dataset, store.graphs_among(dataset))  # asked of them alone
    return checked
