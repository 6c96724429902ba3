"""The graphs an update writes, told from its one reading (the tokens the engine receives), operation by operation.

What each operation form writes (SPARQL 1.1 Update, section 3):

- INSERT DATA / DELETE DATA and DELETE WHERE: the graphs their GRAPH blocks name;
- DELETE / INSERT … WHERE: the graphs their templates' GRAPH blocks name, and WITH's graph (for_engine has made
  it GRAPH blocks already; it is counted in case it is still there); its WHERE clause and USING graphs are read;
- CLEAR, DROP, CREATE: the graph named; ADD, COPY: the graph after TO; MOVE: both (it empties the first);
- LOAD … INTO GRAPH: the graph named (LOAD is refused before anyway).

Where an operation may write a graph it does not name (`GRAPH ?g` in a template, CLEAR / DROP ALL or NAMED,
a graph term no IRI stands for), `unnamed` says so: no check of graph IRIs holds for such an update. An operation
of no form above (the engine will refuse it) counts every IRI it holds as written. The default graph (DEFAULT,
triples outside GRAPH blocks) is update_dataset.writes_default_graph's to tell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from isic_graph.sparql.guard import declarations, expand, past_prologue
from isic_graph.sparql.lexer import Token, write
from isic_graph.sparql.update_dataset import _closing, _operations

CONSTRUCT, WHERE = Token("word", "CONSTRUCT", -1), Token("word", "WHERE", -1)
OPEN, CLOSE = Token("punct", "{", -1), Token("punct", "}", -1)
_Namer = Callable[[Token], "str | None"]  # the IRI a term stands for, if any


@dataclass(frozen=True)
class Insertion:
    """What an operation inserts into a graph it names, as a query: `CONSTRUCT { template } WHERE { pattern }`
    (INSERT DATA's: WHERE {}; ADD, COPY, MOVE's: the graph they read), with the prologue before it. `dataset`: its
    WHERE clause reads the update's USING graphs (for_engine took them out), given to the query as FROM clauses.
    Run before the update, it reads the store as the request finds it, not as an earlier operation of the same
    request leaves it: an operation whose insertions read the store (`reads_the_store`) after another is refused
    (Targets.reads_after_a_write)."""

    graph: str
    tokens: tuple[Token, ...]
    dataset: bool = False
    with_graph: str | None = None  # WITH's graph, which the pattern reads as its default graph (GRAPH g { … })
    fresh: tuple[Token, ...] = ()  # the query with the pattern as WITH wrote it, for a WITH graph not made yet
    reads_the_store: bool = True  # what it inserts hangs on the store's data (a WHERE pattern, a graph copied)

    def query(self, using: Sequence[str] = (), using_named: Sequence[str] = (), fresh: bool = False) -> str:
        """The query's text, its WHERE clause read from the USING graphs when it reads the update's dataset; `fresh`:
        the pattern as written under WITH, to read with FROM <the WITH graph> (empty: it does not exist yet) and
        FROM NAMED every graph (`using`, `using_named`), as SPARQL reads it."""
        tokens = self.fresh if fresh else self.tokens
        if not (self.dataset or fresh) or not (using or using_named):
            return write(tokens)
        at = next(i for i, t in enumerate(tokens) if t.is_word("WHERE"))
        dataset = [token for named, names in ((False, using), (True, using_named)) for name in names
                   for token in (Token("word", "FROM", -1), *([Token("word", "NAMED", -1)] if named else []),
                                 Token("iri", name, -1))]
        return write([*tokens[:at], *dataset, *tokens[at:]])


@dataclass
class Targets:
    """The graphs an update writes, each once in the order named; `unnamed` says why it may write others
    (`unnamed_fr`, in French);
    `inserted`, what it inserts into each (its DELETE templates are left out: what leaves a graph is not read)."""

    graphs: list[str] = field(default_factory=list)
    unnamed: str | None = None
    unnamed_fr: str | None = None  # the same, in French
    inserted: list[Insertion] = field(default_factory=list)
    operations: int = 0  # the client's operations read so far
    written: bool = False  # whether one of them writes
    reads_after_a_write: int | None = None  # the first operation (from 1) after another whose insertions read the store

    def add(self, name: str) -> None:
        if name not in self.graphs:
            self.graphs.append(name)


def update_targets(tokens: Sequence[Token]) -> Targets:
    """The graphs the operations of an update's tokens write (as for_engine writes them, or as read)."""
    targets = Targets()
    for start, end in _operations(tokens):
        at = min(past_prologue(tokens, start), end)
        prefixes, base = declarations(tokens[:at])  # an operation's, and those before it (the engine keeps them)
        prologue = (*((Token("word", "BASE", -1), Token("iri", base, -1)) if base else ()),
                    *(t for label, name in prefixes.items() for t in (
                        Token("word", "PREFIX", -1), Token("pname", label + ":", -1), Token("iri", name, -1))))
        if at == end:
            continue
        before = len(targets.inserted)
        _operation(prologue, list(tokens[at:end]), targets, lambda t: expand(t, prefixes, base))
        if targets.written and targets.reads_after_a_write is None and any(
                insertion.reads_the_store for insertion in targets.inserted[before:]):
            targets.reads_after_a_write = targets.operations + 1
        targets.operations += not tokens[at].start < 0  # as the client wrote them
        # an operation of the client's writes; the CREATE SILENT GRAPH for_engine puts before a WITH's creates the
        # graph that operation writes, and nothing a pattern reads
        targets.written = targets.written or not (tokens[at].start < 0 and tokens[at].is_word("CREATE"))
        if targets.unnamed is not None:
            break
    return targets


def _operation(prologue: tuple[Token, ...], body: list[Token], targets: Targets, name_of: _Namer) -> None:
    if not body:
        return
    first = body[0]
    if first.is_word("CLEAR", "DROP", "CREATE"):
        i = 1 + (len(body) > 1 and body[1].is_word("SILENT"))
        if i < len(body) and body[i].is_word("ALL", "NAMED"):
            targets.unnamed = f"{first.value.upper()} {body[i].value.upper()} writes every named graph"
            targets.unnamed_fr = f"{first.value.upper()} {body[i].value.upper()} écrit chaque graphe nommé"
        elif i < len(body) and body[i].is_word("GRAPH"):
            _named(body, i + 1, targets, name_of)
        elif i < len(body) and not body[i].is_word("DEFAULT"):
            _named(body, i, targets, name_of)
        return
    if first.is_word("ADD", "MOVE", "COPY"):
        to = next((i for i, t in enumerate(body) if t.is_word("TO")), None)
        if to is None:
            _every_iri(body, targets, name_of)
            return
        source = 1 + (len(body) > 1 and body[1].is_word("SILENT"))
        target = _graph_ref(body, to + 1, targets, name_of)
        if first.is_word("MOVE"):  # the graph moved from is emptied
            _graph_ref(body, source, targets, name_of)
        if target is not None:
            read = ([] if body[source].is_word("DEFAULT") else  # the default graph: the union of the graphs
                    [Token("word", "GRAPH", -1), body[source + body[source].is_word("GRAPH")], OPEN])
            spo = [Token("var", "?s", -1), Token("var", "?p", -1), Token("var", "?o", -1)]
            targets.inserted.append(Insertion(target, (*prologue, CONSTRUCT, OPEN, *spo, CLOSE, WHERE, OPEN, *read,
                                                     *spo, *([CLOSE] if read else []), CLOSE)))
        return
    if first.is_word("LOAD"):
        into = next((i for i, t in enumerate(body) if t.is_word("INTO")), None)
        if into is not None:
            _graph_ref(body, into + 1, targets, name_of)
        return
    if not first.is_word("WITH", "INSERT", "DELETE"):
        _every_iri(body, targets, name_of)
        return
    i = 0
    if first.is_word("WITH"):
        _named(body, 1, targets, name_of)
        i = 2
    inserts: list[tuple[int, int]] = []  # where each INSERT's template opens and closes
    data = False
    while i < len(body) and body[i].is_word("DELETE", "INSERT"):
        data = data or (i + 1 < len(body) and body[i + 1].is_word("DATA"))
        block = i + 1 + (i + 1 < len(body) and body[i + 1].is_word("DATA", "WHERE"))
        if block >= len(body) or not body[block].is_punct("{"):
            _every_iri(body, targets, name_of)
            return
        close = _closing(body, block)
        for j in range(block + 1, close):
            if body[j].is_word("GRAPH"):
                _named(body, j + 1, targets, name_of)
        if body[i].is_word("INSERT"):
            inserts.append((block, close))
        i = close + 1
    # what follows (USING clauses, the WHERE clause) is read, not written
    where = next((j for j in range(i, len(body)) if body[j].is_word("WHERE")), None)
    pattern = (OPEN, CLOSE) if data or where is None else tuple(body[where + 1:])
    with_graph: str | None = None  # a WITH for_engine wrote as `WHERE { GRAPH g { … } }` (tokens of no place)
    written: tuple[Token, ...] = ()
    if where is not None and len(pattern) > 4 and pattern[0].start < 0 and pattern[1].is_word("GRAPH") \
            and pattern[1].start < 0 and pattern[-1].start < 0:
        with_graph, written = name_of(pattern[2]), pattern[3:-1]
    reads = not data and where is not None and any(  # `WHERE {}` reads nothing
        not (t.is_punct("{") or t.is_punct("}")) for t in (written if with_graph is not None else pattern))
    for block, close in inserts:
        j = block + 1
        while j < close:  # each GRAPH block of the template (triples outside one go to the default graph, refused)
            if body[j].is_word("GRAPH") and j + 2 < close and body[j + 2].is_punct("{"):
                end = _closing(body, j + 2)
                name = name_of(body[j + 1]) if body[j + 1].kind in ("iri", "pname") else None
                if name is not None:
                    template = (*prologue, CONSTRUCT, OPEN, *body[j + 3:end], CLOSE, WHERE)
                    targets.inserted.append(Insertion(
                        name, (*template, *pattern), dataset=not data, with_graph=with_graph,
                        fresh=(*template, *written) if with_graph is not None else (), reads_the_store=reads))
                j = end + 1
            else:
                j += 1


def _graph_ref(body: list[Token], i: int, targets: Targets, name_of: _Namer) -> str | None:
    """`DEFAULT` or `[GRAPH] iri` at i (ADD, MOVE, COPY, LOAD … INTO): the graph's IRI, None for the default."""
    if i < len(body) and body[i].is_word("DEFAULT"):
        return None
    return _named(body, i + (i < len(body) and body[i].is_word("GRAPH")), targets, name_of)


def _named(body: list[Token], i: int, targets: Targets, name_of: _Namer) -> str | None:
    """The graph the term at i names; a variable, or anything no IRI stands for, names any graph."""
    name = name_of(body[i]) if i < len(body) and body[i].kind in ("iri", "pname") else None
    if name is None:
        term = body[i].value if i < len(body) else None
        targets.unnamed = f"a graph is named by {term or 'nothing'}, no IRI: it may be any graph"
        targets.unnamed_fr = (f"un graphe y est nommé par {term or 'rien'}, pas par une IRI : ce peut être "
                              "n'importe lequel")
        return None
    targets.add(name)
    return name


def _every_iri(body: list[Token], targets: Targets, name_of: _Namer) -> None:
    for token in body:
        if token.kind in ("iri", "pname") and (name := name_of(token)) is not None:
            targets.add(name)
