"""What a query is held to before it is answered, on /sparql and on the command line alike: its one reading
(the guard's tokens, `sparql.guard`) and its dataset, FROM, FROM NAMED and the protocol's dataset parameters,
held to the graphs of the store. SERVICE blocks are checked against the registered peers by
`federation.service.evaluate`, which both call next. The dataset is then named each graph once (each_once): the
engine reads a graph named twice as two."""

from __future__ import annotations

import dataclasses
from typing import Sequence

from isic_graph.sparql.guard import Checked, Limits, check_dataset, read_query
from isic_graph.sparql.lexer import Token
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


def each_once(checked: Checked, default_graphs: Sequence[str] = (),
              named_graphs: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The protocol's dataset, each graph named once; when it names none, the query's FROM and FROM NAMED graphs,
    each once (however each is written: `<…>`, a prefixed name, an escape, relative to BASE), if they name one twice
    (that dataset then stands for them). The engine reads a graph named twice as two: a default graph counted
    twice, each named graph's matches given twice."""
    if default_graphs or named_graphs:
        return list(dict.fromkeys(default_graphs)), list(dict.fromkeys(named_graphs))
    if checked.repeats_graphs:
        default, named = checked.from_graphs
        return list(default), list(named)
    return list(default_graphs), list(named_graphs)


def once_in_text(checked: Checked) -> Checked:
    """The query with its FROM and FROM NAMED clauses naming each graph once (each_once), for an engine asked
    without the protocol's dataset (`isic-graph query`): the clauses are written again where the first one was. For a
    query whose SERVICE blocks were evaluated (their places in the tokens are not kept)."""
    if not checked.repeats_graphs:
        return checked
    default, named = each_once(checked)
    tokens = checked.tokens
    kept: list[Token] = []
    first: int | None = None
    i = 0
    while i < len(tokens):
        if tokens[i].is_word("FROM"):
            first = len(kept) if first is None else first
            i += 3 if i + 1 < len(tokens) and tokens[i + 1].is_word("NAMED") else 2
            continue
        kept.append(tokens[i])
        i += 1
    clauses = [token for graphs, words in ((default, ("FROM",)), (named, ("FROM", "NAMED"))) for graph in graphs
               for token in (*(Token("word", word, -1) for word in words), Token("iri", graph, -1))]
    at = len(kept) if first is None else first
    written = tuple([*kept[:at], *clauses, *kept[at:]])
    return dataclasses.replace(checked, tokens=written, dataset=tuple(default) + tuple(named), services=())


def article(form: str) -> str:
    """The English article before a query form's name: "an ASK query", "a SELECT query"."""
    return "an" if form[:1] in "AEIOU" else "a"
