"""The query guard: what is refused before a query or update reaches an engine.

Codepoint escapes (\\uXXXX, \\UXXXXXXXX) are decoded first, as the SPARQL grammar requires, so
`\\u0053ERVICE` is SERVICE. Nesting is measured by a scan that knows strings, IRIs and comments,
before any recursive parser runs; then the text is parsed by a SPARQL 1.1 parser (rdflib's), and
SERVICE (to anything but a registered peer's endpoint, or a variable) and LOAD are refused: they would
make the engine fetch URLs. What the parse tells (the query form, its FROM / FROM NAMED graphs) is
returned, so that the caller can hold the dataset to the graphs of its store.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable

from .errors import IsicError, QueryTooLarge, UsageError

PARSER_LOCK = threading.Lock()
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
OPENERS, CLOSERS = "{([", "})]"
SIGNIFICANT = re.compile(r"[{}()\[\]\"'<#]")
STRINGS = {  # (long?, quote) -> the string from its opening quote to its end (or the end of its line / text)
    (True, '"'): re.compile(r'"""(?:[^"\\]+|\\.|"(?!""))*(?:"""|\Z)', re.DOTALL),
    (True, "'"): re.compile(r"'''(?:[^'\\]+|\\.|'(?!''))*(?:'''|\Z)", re.DOTALL),
    (False, '"'): re.compile(r'"(?:[^"\\\r\n]+|\\.)*"?'),
    (False, "'"): re.compile(r"'(?:[^'\\\r\n]+|\\.)*'?"),
}




@dataclass(frozen=True)
class Limits:
    """What a query may be: its size in bytes, its nesting depth, and the endpoints SERVICE may call."""

    max_bytes: int = 64 * 1024
    max_depth: int = 64
    peers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QueryFacts:
    """What the guard learnt of an accepted query: its form and the graphs its dataset clauses name."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE (or UPDATE)
    dataset: tuple[str, ...] = ()


def check_query(text: str, limits: Limits = Limits()) -> QueryFacts:
    """Refuse a query that is too large, too deeply nested, malformed, or that uses SERVICE."""
    return _outcome(_verdict(text, limits, False))


def check_update(text: str, limits: Limits = Limits()) -> QueryFacts:
    """Refuse an update that is too large, too deeply nested, malformed, or that uses SERVICE or LOAD."""
    return _outcome(_verdict(text, limits, True))


def check_dataset(iris: Iterable[str], graphs: Iterable[str]) -> None:
    """Refuse a dataset (FROM, FROM NAMED, default-graph-uri, named-graph-uri) naming other than these graphs."""
    known = set(graphs)
    for iri in iris:
        if iri not in known:
            raise UsageError(f"<{iri}> is not a graph of this store: a dataset may only name its graphs "
                             "(listed in the service description at /sparql and in /.well-known/void)")


class Guard:
    """The guard as the server runs it: parses in worker processes under a deadline, verdicts cached."""

    def __init__(self, limits: Limits, workers: int = 2, timeout: float = 5.0) -> None:
        from .parsers import ParserPool

        self.limits = limits
        self._pool = ParserPool(workers, timeout)
        self._verdict = lru_cache(maxsize=2048)(self._compute)

    def check_query(self, text: str, peers: frozenset[str] = frozenset()) -> QueryFacts:
        """Check a query; SERVICE may name the given endpoints (the peers registered now)."""
        return _outcome(self._verdict(text, False, peers))

    def check_update(self, text: str) -> QueryFacts:
        return _outcome(self._verdict(text, True, frozenset()))

    def close(self) -> None:
        self._pool.close()

    def _compute(self, text: str, update: bool, peers: frozenset[str]) -> IsicError | QueryFacts:
        limits = replace(self.limits, peers=peers)
        _check_shape(text, limits, update)  # size and depth here: cheap, and refused without a round trip
        verdict: IsicError | QueryFacts = self._pool.verdict(text, limits, update)
        return verdict


@lru_cache(maxsize=2048)
def _verdict(text: str, limits: Limits, update: bool) -> IsicError | QueryFacts:
    return compute_verdict(text, limits, update)


def compute_verdict(text: str, limits: Limits, update: bool) -> IsicError | QueryFacts:
    """The refusal for a text, or what it is."""
    try:
        tree = _parse(text, limits, update)
        _refuse_remote(tree, limits.peers, update)
    except IsicError as exc:
        return exc
    return _facts(tree, update)


def _outcome(verdict: IsicError | QueryFacts) -> QueryFacts:
    if isinstance(verdict, IsicError):
        raise type(verdict)(verdict.message)
    return verdict


def _facts(tree: Any, update: bool) -> QueryFacts:
    if update:
        return QueryFacts("UPDATE")
    from rdflib.plugins.sparql.algebra import translatePrologue

    prologue, query = translatePrologue(tree[0], None), tree[1]
    dataset = tuple(str(prologue.absolutize(clause["default"] if "default" in clause else clause["named"]))
                    for clause in (query["datasetClause"] if "datasetClause" in query else ()))
    return QueryFacts(query.name.removesuffix("Query").upper(), dataset)


def decode_escapes(text: str) -> str:
    return ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings, IRIs and comments."""
    return deepest_nesting(text)[0]


def deepest_nesting(text: str, limit: int | None = None) -> tuple[int, int]:
    """The deepest nesting (as nesting_depth) and where it is reached; with a limit, where it is first passed.

    The lexical rules are those of SPARQL, which Turtle and JSON share for this purpose. Only the
    characters that matter are visited, and strings are skipped whole, so megabytes scan in milliseconds.
    """
    depth = deepest = where = 0
    i, n = 0, len(text)
    while i < n:
        match = SIGNIFICANT.search(text, i)
        if match is None:
            break
        i = match.start()
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "'\"":
            i = STRINGS[text.startswith(c * 3, i), c].match(text, i).end()  # type: ignore[union-attr]
            continue
        if c == "<":
            iri = IRIREF.match(text, i)
            if iri:
                i = iri.end()
                continue
        elif c in OPENERS:
            depth += 1
            if depth > deepest:
                deepest, where = depth, i
                if limit is not None and depth > limit:
                    break
        elif c in CLOSERS:
            depth -= 1
        i += 1
    return deepest, where


def blank_literals(text: str) -> str:
    """The text with the insides of its strings, IRIs and comments blanked: the same length, so that
    a keyword or brace found in it is at the same place in the text, and is a keyword or brace."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        match = SIGNIFICANT.search(text, i)
        if match is None:
            break
        i = match.start()
        c = text[i]
        end = i + 1
        if c == "#":
            newline = text.find("\n", i)
            end = n if newline < 0 else newline
            out[i:end] = " " * (end - i)
        elif c in "'\"":
            end = STRINGS[text.startswith(c * 3, i), c].match(text, i).end()  # type: ignore[union-attr]
            out[i + 1:end - 1] = " " * max(0, end - i - 2)
        elif c == "<" and (iri := IRIREF.match(text, i)):
            end = iri.end()
            out[i + 1:end - 1] = " " * (end - i - 2)
        i = end
    return "".join(out)


def _check_shape(text: str, limits: Limits, update: bool) -> str:
    """The text with its escapes decoded, if it is within the size and nesting limits."""
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise QueryTooLarge(f"the {'update' if update else 'query'} is larger than {limits.max_bytes} bytes")
    decoded = decode_escapes(text)
    depth = nesting_depth(decoded)
    if depth > limits.max_depth:
        raise UsageError(f"the {'update' if update else 'query'} nests {depth} levels deep; "
                         f"the limit is {limits.max_depth}")
    return decoded


def _parse(text: str, limits: Limits, update: bool) -> Any:
    decoded = _check_shape(text, limits, update)
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        with PARSER_LOCK:  # rdflib's pyparsing grammar keeps state: concurrent parses corrupt it
            return parseUpdate(decoded) if update else parseQuery(decoded)
    except ParseException as exc:
        raise UsageError(f"SPARQL syntax error at line {exc.lineno}, column {exc.column}: {exc.msg}") from None
    except RecursionError:
        raise UsageError("the query is too deeply nested to be parsed") from None


def _refuse_remote(tree: Any, peers: frozenset[str], update: bool) -> None:
    resolve: Any = lambda term: term  # noqa: E731  (updates may name no peer: any SERVICE is refused)
    if not update:
        from rdflib.plugins.sparql.algebra import translatePrologue

        resolve = translatePrologue(tree[0], None).absolutize
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern" and (update or str(resolve(node.get("term"))) not in peers):
            raise UsageError(f"SERVICE is not allowed here ({resolve(node.get('term'))}): this endpoint only queries "
                             "the registered peers' endpoints" + (f" ({', '.join(sorted(peers))})" if peers else
                                                                  ", and none is registered"))
        if name == "Load":
            raise UsageError("LOAD is not allowed: the store never fetches URLs; send the data instead")


def _walk(node: Any) -> Any:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)) or type(current).__name__ == "ParseResults":
            stack.extend(list(current))
