"""WITH, USING and USING NAMED in an update, for an engine whose default graph is the union of its graphs.

Oxigraph run with `--union-default-graph` refuses an update that holds WITH or USING. Such an update is
written for it in forms that mean the same (SPARQL 1.1 Update, 3.1.3), in tokens, so that the engine
still receives only what the one writer (`lexer.write`) makes of checked tokens:

- `WITH g`: the template's triples outside a GRAPH block go into `GRAPH g { … }`. Without USING, the
  WHERE becomes `{ GRAPH g { … } }` (g is its default graph; its named graphs stay all of the store's:
  a GRAPH inside it overrides g), after `CREATE SILENT GRAPH g`, so that a graph that does not exist yet
  reads as the empty graph SPARQL takes it for (`WITH g INSERT { … } WHERE {}` inserts), not as no
  graph (which matches nothing). Such a graph is left existing and empty if nothing was written to it,
  as the engine leaves a graph whose last triple was deleted.
- `USING` / `USING NAMED`: taken out of the text and given to the engine as the protocol's
  `using-graph-uri` / `using-named-graph-uri`, which it honours with its union default graph, with the
  same meaning (the WHERE's default graph is the merge of the USING graphs, its named graphs those of
  USING NAMED and no other). They apply to the whole request, so every operation of it that reads the
  store (DELETE / INSERT … WHERE, DELETE WHERE, ADD, MOVE, COPY) must then hold the same USING clauses;
  a request that mixes them is refused (400), as is one that gives both USING clauses (or WITH) and the
  protocol's parameters (SPARQL 1.1 Protocol, 2.2.3).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from isic_graph.errors import UsageError
from isic_graph.sparql.guard import Checked, declarations, expand, past_prologue
from isic_graph.sparql.lexer import Token

OPENERS = frozenset({"{", "(", "[", "{|", "<<"})
CLOSERS = frozenset({"}", ")", "]", "|}", ">>"})
READING = frozenset({"ADD", "MOVE", "COPY"})  # operations that read the store without a WHERE of their own


@dataclass(frozen=True)
class ForEngine:
    """An update as the engine gets it: its tokens (WITH and USING rewritten), and the dataset of its WHERE
    clauses as protocol parameters (the USING and USING NAMED graphs)."""

    checked: Checked
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Operation:
    tokens: tuple[Token, ...]
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None  # its USING and USING NAMED graphs, if it has any
    reads: bool  # whether the engine would read it against a protocol dataset


def for_engine(checked: Checked, using: Sequence[str] = (), using_named: Sequence[str] = ()) -> ForEngine:
    """The update written for an engine with a union default graph, with the protocol's using-graph-uri and
    using-named-graph-uri the client sent (UsageError where they conflict with the text)."""
    tokens = checked.tokens
    if tokens and tokens[-1].is_punct(";"):  # allowed after the last operation: what the store adds would follow it
        tokens = tokens[:-1]
        checked = dataclasses.replace(checked, tokens=tokens)
    if not any(t.is_word("WITH", "USING") for t in tokens):
        return ForEngine(checked, tuple(using), tuple(using_named))
    if using or using_named:
        raise UsageError("an update holding USING, USING NAMED or WITH may not also be sent with using-graph-uri "
                         "or using-named-graph-uri (SPARQL 1.1 Protocol): name its dataset in one place",
                         fr="une mise à jour qui contient USING, USING NAMED ou WITH ne peut pas être envoyée aussi "
                            "avec using-graph-uri ou using-named-graph-uri (protocole SPARQL 1.1) : nommez son jeu "
                            "de données à un seul endroit")
    operations = [_rewrite(tokens, start, end) for start, end in _operations(tokens)]
    datasets = {op.dataset for op in operations if op.reads}
    dataset = next((d for d in datasets if d is not None), None)
    if dataset is not None and len(datasets) > 1:
        raise UsageError("the USING and USING NAMED clauses of an update apply here to every operation of its "
                         "request that reads the store: send an operation with USING in a request of its own, "
                         "or give each DELETE / INSERT … WHERE of the request the same USING clauses",
                         fr="les clauses USING et USING NAMED d'une mise à jour valent ici pour toutes les opérations "
                            "de sa demande qui lisent la base : envoyez une opération avec USING dans une demande à "
                            "part, ou donnez à chaque DELETE / INSERT … WHERE de la demande les mêmes clauses USING")
    written: list[Token] = []
    for i, op in enumerate(operations):
        if i:
            written.append(Token("punct", ";", -1))
        written.extend(op.tokens)
    using_graphs, named_graphs = dataset or ((), ())
    return ForEngine(dataclasses.replace(checked, tokens=tuple(written)), using_graphs, named_graphs)


def _operations(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Where each operation of an update (with the prologue before it) starts and ends, split at `;`."""
    spans, start, depth = [], 0, 0
    for i, token in enumerate(tokens):
        if token.kind == "punct" and token.value in OPENERS:
            depth += 1
        elif token.kind == "punct" and token.value in CLOSERS:
            depth -= 1
        elif depth == 0 and token.is_punct(";"):
            spans.append((start, i))
            start = i + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def _rewrite(tokens: Sequence[Token], start: int, end: int) -> _Operation:
    """One operation with its WITH written as GRAPH forms and its USING clauses taken out."""
    at = min(past_prologue(tokens, start), end)
    prologue, body = tuple(tokens[start:at]), tokens[at:end]
    first = body[0] if body else None
    if first is None or not (first.is_word("WITH") or (first.is_word("DELETE", "INSERT") and len(body) > 1
                                                     and body[1].is_punct("{"))):
        if any(t.is_word("WITH", "USING") for t in body):
            raise UsageError("WITH and USING belong to a DELETE / INSERT … WHERE operation: WITH <graph> first, "
                             "then DELETE { … } and / or INSERT { … }, then USING <graph> clauses, then WHERE { … }",
                             fr="WITH et USING appartiennent à une opération DELETE / INSERT … WHERE : d'abord WITH "
                                "<graphe>, puis DELETE { … } et / ou INSERT { … }, puis les clauses USING <graphe>, "
                                "puis WHERE { … }")
        reads = first is not None and (first.is_word(*READING) or (
            first.is_word("DELETE") and len(body) > 1 and body[1].is_word("WHERE")))
        return _Operation(prologue + tuple(body), None, reads)
    prefixes, base = declarations(tokens[:at])
    graph: Token | None = None
    i = 0
    if first.is_word("WITH"):
        if len(body) < 2 or body[1].kind not in ("iri", "pname") or expand(body[1], prefixes, base) is None:
            raise UsageError("WITH must name a graph by its IRI (or a declared prefixed name)",
                             fr="WITH doit nommer un graphe par son IRI (ou par un nom préfixé déclaré)")
        graph, i = body[1], 2
    written: list[Token] = []
    while i < len(body) and body[i].is_word("DELETE", "INSERT"):
        if i + 1 >= len(body) or not body[i + 1].is_punct("{"):
            raise UsageError(f"{body[i].value.upper()} must be followed by a template in braces",
                             fr=f"{body[i].value.upper()} doit être suivi d'un modèle de triplets entre accolades")
        close = _closing(body, i + 1)
        template = body[i + 2:close]
        written += [body[i], body[i + 1], *(_into(template, graph) if graph is not None else template), body[close]]
        i = close + 1
    using: list[str] = []
    named: list[str] = []
    while i < len(body) and body[i].is_word("USING"):
        named_clause = i + 1 < len(body) and body[i + 1].is_word("NAMED")
        name = body[i + 1 + named_clause] if i + 1 + named_clause < len(body) else None
        iri = expand(name, prefixes, base) if name is not None else None
        if iri is None:
            raise UsageError("USING must name a graph by its IRI (or a declared prefixed name)",
                             fr="USING doit nommer un graphe par son IRI (ou par un nom préfixé déclaré)")
        (named if named_clause else using).append(iri)
        i += 2 + named_clause
    if i + 1 >= len(body) or not body[i].is_word("WHERE") or not body[i + 1].is_punct("{") \
            or _closing(body, i + 1) != len(body) - 1:
        raise UsageError("a DELETE / INSERT operation ends with WHERE { … }",
                         fr="une opération DELETE / INSERT se termine par WHERE { … }")
    pattern = body[i + 1:]
    dataset = (tuple(using), tuple(named)) if using or named else None
    if graph is not None and dataset is None:
        created = (Token("word", "CREATE", -1), Token("word", "SILENT", -1), Token("word", "GRAPH", -1), graph,
                   Token("punct", ";", -1))
        return _Operation(prologue + created + tuple(written) + (
            body[i], Token("punct", "{", -1), Token("word", "GRAPH", -1), graph, *pattern, Token("punct", "}", -1)),
            None, True)
    return _Operation(prologue + tuple(written) + tuple(body[i:]), dataset, True)


def _into(template: Sequence[Token], graph: Token) -> list[Token]:
    """A template's triples outside GRAPH blocks, put into `GRAPH graph { … }`; its GRAPH blocks as they are."""
    written: list[Token] = []
    run: list[Token] = []

    def flush() -> None:
        if run:
            written.extend([Token("word", "GRAPH", -1), graph, Token("punct", "{", -1), *run, Token("punct", "}", -1)])
            run.clear()

    i = 0
    while i < len(template):
        if template[i].is_word("GRAPH") and i + 2 < len(template) and template[i + 2].is_punct("{"):
            flush()
            close = _closing(template, i + 2)
            written.extend(template[i:close + 1])
            i = close + 1
            if i < len(template) and template[i].is_punct("."):  # the dot that may follow a GRAPH block
                written.append(template[i])
                i += 1
            continue
        run.append(template[i])
        i += 1
    flush()
    return written


def _closing(tokens: Sequence[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i].kind == "punct" and tokens[i].value in OPENERS:
            depth += 1
        elif tokens[i].kind == "punct" and tokens[i].value in CLOSERS:
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("a bracket of the update is not closed",
                     fr="une parenthèse ou une accolade de la mise à jour n'est pas fermée : ajoutez celle qui manque")


def writes_default_graph(tokens: Sequence[Token]) -> bool:
    """Whether an update (as for_engine writes it: WITH already made GRAPH blocks) writes to the default graph
    itself: template triples outside a GRAPH block, CLEAR / DROP DEFAULT, or DEFAULT as what ADD, MOVE or COPY
    writes (or MOVE empties)."""
    for start, end in _operations(tokens):
        body = list(tokens[min(past_prologue(tokens, start), end):end])
        if not body:
            continue
        first = body[0]
        if first.is_word("CLEAR", "DROP") and any(t.is_word("DEFAULT") for t in body[1:3]):
            return True
        if first.is_word("ADD", "MOVE", "COPY"):
            to = next((i for i, t in enumerate(body) if t.is_word("TO")), len(body))
            if any(t.is_word("DEFAULT") for t in body[to:]) or (first.is_word("MOVE") and any(
                    t.is_word("DEFAULT") for t in body[:to])):
                return True
            continue
        if first.is_word("LOAD"):
            return not any(t.is_word("INTO") for t in body)
        i = 0
        while i < len(body):
            if body[i].is_word("DELETE", "INSERT"):
                at = i + 1 + (i + 1 < len(body) and body[i + 1].is_word("DATA", "WHERE"))
                if at < len(body) and body[at].is_punct("{"):
                    close = _closing(body, at)
                    if _outside_graphs(body[at + 1:close]):
                        return True
                    i = close + 1
                    continue
            i += 1
    return False


def _outside_graphs(template: Sequence[Token]) -> bool:
    """Whether a template holds anything but GRAPH blocks (and the dots between them)."""
    i = 0
    while i < len(template):
        if template[i].is_word("GRAPH") and i + 2 < len(template) and template[i + 2].is_punct("{"):
            i = _closing(template, i + 2) + 1
        elif template[i].is_punct("."):
            i += 1
        else:
            return True
    return False
