"""The query guard: what is refused before a query or update reaches an engine.

Codepoint escapes (\\uXXXX, \\UXXXXXXXX) are decoded first, as the SPARQL grammar requires, so
`\\u0053ERVICE` is SERVICE. Nesting is measured by a scan that knows strings, IRIs and comments,
before any recursive parser runs; then the text is parsed by a SPARQL 1.1 parser (rdflib's), and
SERVICE (to any endpoint, or a variable) and LOAD are refused: they would make the engine fetch URLs.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import IsicError, UsageError

PARSER_LOCK = threading.Lock()
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
OPENERS, CLOSERS = "{([", "})]"


class QueryTooLarge(IsicError):
    """The query is larger than the configured limit."""

    status = 413
    code = "query-too-large"


@dataclass(frozen=True)
class Limits:
    """What a query may be: its size in bytes and its nesting depth."""

    max_bytes: int = 64 * 1024
    max_depth: int = 64


def check_query(text: str, limits: Limits = Limits()) -> None:
    """Refuse a query that is too large, too deeply nested, malformed, or that uses SERVICE."""
    _raise(_verdict(text, limits, False))


def check_update(text: str, limits: Limits = Limits()) -> None:
    """Refuse an update that is too large, too deeply nested, malformed, or that uses SERVICE or LOAD."""
    _raise(_verdict(text, limits, True))


@lru_cache(maxsize=2048)
def _verdict(text: str, limits: Limits, update: bool) -> IsicError | None:
    """The refusal for a text, or None; cached, since parsing costs tens of milliseconds."""
    try:
        _refuse_remote(_parse(text, limits, update))
    except IsicError as exc:
        return exc
    return None


def _raise(error: IsicError | None) -> None:
    if error is not None:
        raise type(error)(error.message)


def decode_escapes(text: str) -> str:
    return ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings, IRIs and comments."""
    depth = deepest = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "'\"":
            i = _skip_string(text, i)
            continue
        if c == "<":
            match = IRIREF.match(text, i)
            if match:
                i = match.end()
                continue
        if c in OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif c in CLOSERS:
            depth -= 1
        i += 1
    return deepest


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    long_quote = text.startswith(quote * 3, i)
    delimiter = quote * 3 if long_quote else quote
    j = i + len(delimiter)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(delimiter, j):
            return j + len(delimiter)
        if not long_quote and text[j] in "\r\n":
            return j
        j += 1
    return j


def _parse(text: str, limits: Limits, update: bool) -> Any:
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise QueryTooLarge(f"the {'update' if update else 'query'} is larger than {limits.max_bytes} bytes")
    decoded = decode_escapes(text)
    depth = nesting_depth(decoded)
    if depth > limits.max_depth:
        raise UsageError(f"the {'update' if update else 'query'} nests {depth} levels deep; "
                         f"the limit is {limits.max_depth}")
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        with PARSER_LOCK:  # rdflib's pyparsing grammar keeps state: concurrent parses corrupt it
            return parseUpdate(decoded) if update else parseQuery(decoded)
    except ParseException as exc:
        raise UsageError(f"SPARQL syntax error at line {exc.lineno}, column {exc.column}: {exc.msg}") from None
    except RecursionError:
        raise UsageError("the query is too deeply nested to be parsed") from None


def _refuse_remote(tree: Any) -> None:
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise UsageError(f"SERVICE is not allowed here ({node.get('term')}): this endpoint does not "
                             "query other endpoints on behalf of clients")
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
