"""A peer's SPARQL JSON results, read as they are parsed (ijson's events) rather than loaded whole: only what a
SERVICE block can use is built, and no more of it than the caller's caps allow.

`json.loads` builds an object for every value of a document before anything can be counted: 16 MiB of tiny terms
(`{"type":"uri","value":"a:"}`, a few dozen bytes each) become half a million dictionaries and more, over 200 MB
for one query; so would a list of short strings or numbers anywhere in the document, where nothing reads them. Here
each value is built only where it is kept: `head.vars` (at most `MAX_VARS` names) and the rows of
`results.bindings` (once head.vars is read, only the variables it lists), each term holding its `type`, `value`,
`xml:lang` and `datatype` and nothing else; every other member is parsed and dropped as it goes. Past `max_rows`
rows or `max_terms` bound terms (one row's variable and its term count one), the first one past is kept and nothing
after it is built; the terms are all counted (a row binding one variable twice counts both), so that the caller
sees the cap was passed; the rest of the document is still read to the end (a document that is not JSON says so,
whatever its shape).

A number the document holds outside its strings is never read (SPARQL JSON results carry every value as a string),
but the parser converts every one it meets: one longer than Python's limit for an int's digits (4,300 by default, no
fewer than 640 whatever it is set to) made ijson's C backend raise SystemError, or crash the whole process. So a body
holding a run of more than `MAX_DIGITS` digits outside its strings is refused before it is parsed (`_long_number`);
digits inside a string, however many, are a value like any other. And whatever else the parser or the reader might
raise, the caller gets a PeerUnavailable naming the peer, never an error of its own.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import Any, Iterator

import ijson

from isic_graph.errors import PeerUnavailable
from isic_graph.federation.peers import Peer

MAX_VARS = 10_000  # names in head.vars: a SERVICE block's text, and so its variables, are far fewer
FIELDS = {name: name for name in ("type", "value", "xml:lang", "datatype")}  # a term's members that are kept
KINDS = {kind: kind for kind in ("uri", "literal", "typed-literal", "bnode", "triple")}  # one string for each
# a high surrogate's escape not followed by a low one's (after an even run of backslashes: the escape is one): no
# character, which the parser would read as "?", a term other than the peer's
LONE_HIGH = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})")
MAX_DIGITS = 640  # of a JSON number: the least limit Python accepts for an int's digits, far past any real number
DIGITS = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))
AS_DIGIT_OR_NOT = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x78 for byte in range(256))  # each digit "0", the rest "x"
# from the start of the document, all it holds up to its first run of more than MAX_DIGITS digits outside a string:
# strings (a quote, then anything but a quote or a backslash, or an escape, up to the closing quote, as the parser
# reads them), bytes that are neither quotes nor digits, and runs of MAX_DIGITS digits or fewer
BEFORE_LONG_NUMBER = re.compile(rb'(?:[^"0-9]++|"(?:[^"\\]++|\\.)*+"|[0-9]{1,%d}+(?![0-9]))*+(?=[0-9])' % MAX_DIGITS,
                                re.DOTALL)
NOT_RESULTS_FR = "le pair {} n'a pas répondu par des résultats SPARQL en JSON"
OPENING = frozenset({"start_map", "start_array"})
CLOSING = frozenset({"end_map", "end_array"})


class _NotResults(Exception):
    """The document is JSON (so far) but not SPARQL JSON results."""


def read_results(body: bytes, peer: Peer, max_rows: int | None = None,
                 max_terms: int | None = None) -> tuple[dict[str, Any], int]:
    """The SPARQL JSON results in `body`: `head` (with `vars` when given) and `results.bindings`, holding at most
    `max_rows` + 1 rows and `max_terms` + 1 terms (None: no cap); and the number of terms the rows bind, all of
    them counted (past the cap, more than were kept). Raises PeerUnavailable naming the peer when the body is not
    JSON, or not SPARQL JSON results."""
    if LONE_HIGH.search(body):
        raise PeerUnavailable(f"peer {peer.name} gave no usable answer: an escape \\u that is half a character",
                              fr=f"le pair {peer.name} n'a pas donné de réponse utilisable : un échappement \\u "
                                 "qui n'est qu'une moitié de caractère")
    if _long_number(body):
        raise PeerUnavailable(f"peer {peer.name} gave no usable answer: a number of more than {MAX_DIGITS} digits",
                              fr=f"le pair {peer.name} n'a pas donné de réponse utilisable : un nombre de plus de "
                                 f"{MAX_DIGITS} chiffres")
    stream = io.BytesIO(body)  # the bytes themselves, not a copy
    if body.startswith(codecs.BOM_UTF8):  # which json.loads let pass
        stream.seek(len(codecs.BOM_UTF8))
    events = ijson.basic_parse(stream)
    reader = _Reader(events, peer, max_rows, max_terms)
    try:
        try:
            result = reader.document()
        except _NotResults:
            for _ in events:  # not JSON at all says so first, as when the document was loaded whole
                pass
            raise
        for _ in events:  # anything after the document is not JSON either
            pass
    except _NotResults:
        raise PeerUnavailable(f"peer {peer.name} did not answer with SPARQL JSON results", fr=NOT_RESULTS_FR.format(
            peer.name)) from None
    except (ijson.JSONError, ValueError, UnicodeDecodeError, StopIteration, RecursionError):
        raise PeerUnavailable(f"peer {peer.name} gave no usable answer: not JSON",
                              fr=f"le pair {peer.name} n'a pas donné de réponse utilisable : pas du JSON") from None
    except PeerUnavailable:
        raise
    except Exception:  # the parser's own failures (SystemError, decimal's errors…): the peer's answer
        raise PeerUnavailable(f"peer {peer.name} gave no usable answer: it could not be read",
                              fr=f"le pair {peer.name} n'a pas donné de réponse utilisable : elle n'a pas pu être "
                                 "lue") from None
    if "head" not in result or "results" not in result or "bindings" not in result["results"]:
        raise PeerUnavailable(f"peer {peer.name} did not answer with SPARQL JSON results",
                              fr=NOT_RESULTS_FR.format(peer.name))
    return result, reader.terms


def _long_number(body: bytes) -> bool:
    """Whether the document holds, outside its strings, a run of more than MAX_DIGITS digits: a number the parser
    would convert (an integer, or a fraction's or an exponent's digits). Only a body holding such a run anywhere is
    read up to it, string by string."""
    if b"0" * (MAX_DIGITS + 1) not in body.translate(AS_DIGIT_OR_NOT):  # a search a regular expression makes slowly
        return False
    before = BEFORE_LONG_NUMBER.match(body)
    return before is not None and DIGITS.match(body, before.end()) is not None


class _Reader:
    """The events of one document, read once, front to back."""

    def __init__(self, events: Iterator[tuple[str, Any]], peer: Peer, max_rows: int | None,
                 max_terms: int | None) -> None:
        self.events = events
        self.peer = peer
        self.max_rows = max_rows
        self.max_terms = max_terms
        self.rows = 0
        self.terms = 0
        self.full = False  # past a cap: nothing more is built
        self.names: dict[str, str] = {}  # one string for each variable name met, while they are few
        self.listed: frozenset[str] | None = None  # head.vars, once read (before the rows, as peers write them)

    def next(self) -> tuple[str, Any]:
        return next(self.events)

    def skip(self, event: str) -> None:
        """Past the value whose first event is `event`, building nothing of it."""
        if event not in OPENING:
            return
        depth = 1
        while depth:
            event = self.next()[0]
            if event in OPENING:
                depth += 1
            elif event in CLOSING:
                depth -= 1

    def members(self) -> Iterator[tuple[str, str, Any]]:
        """The members of the object just opened: its key and its value's first event."""
        while True:
            event, key = self.next()
            if event == "end_map":
                return
            event, value = self.next()
            yield key, event, value

    def document(self) -> dict[str, Any]:
        event, _ = self.next()
        if event != "start_map":
            self.skip(event)
            raise _NotResults
        result: dict[str, Any] = {}
        for key, event, _ in self.members():
            if key == "head":
                result["head"] = self.head(event)
            elif key == "results":
                result["results"] = self.results(event)
            else:
                self.skip(event)
        return result

    def head(self, event: str) -> dict[str, Any]:
        if event != "start_map":
            self.skip(event)
            raise _NotResults
        head: dict[str, Any] = {}
        for key, event, value in self.members():
            if key != "vars":
                self.skip(event)
            elif event != "start_array":
                self.skip(event)
                head["vars"] = None  # not a list: refused, with its own message, where the names are read
            else:
                head["vars"] = self.names_list()
                self.listed = frozenset(name for name in head["vars"] if name is not None)
        return head

    def names_list(self) -> list[str | None]:
        names: list[str | None] = []
        while True:
            event, value = self.next()
            if event == "end_array":
                return names
            if len(names) >= MAX_VARS:
                raise PeerUnavailable(f"peer {self.peer.name} answered with more than {MAX_VARS} variable names",
                                      fr=f"le pair {self.peer.name} a répondu plus de {MAX_VARS} noms de variables")
            self.skip(event)
            names.append(value if event == "string" else None)

    def results(self, event: str) -> dict[str, Any]:
        if event != "start_map":
            self.skip(event)
            raise _NotResults
        results: dict[str, Any] = {}
        for key, event, _ in self.members():
            if key != "bindings":
                self.skip(event)
            elif event != "start_array":
                self.skip(event)
                raise _NotResults
            else:
                results["bindings"] = self.bindings()
        return results

    def bindings(self) -> list[dict[str, dict[str, Any]]]:
        rows: list[dict[str, dict[str, Any]]] = []
        while True:
            event, _ = self.next()
            if event == "end_array":
                return rows
            if event != "start_map":
                self.skip(event)
                raise _NotResults
            self.rows += 1
            kept = not self.full
            row = self.row(kept)
            if kept:
                rows.append(row)
            if self.max_rows is not None and self.rows > self.max_rows:
                self.full = True

    def row(self, kept: bool) -> dict[str, dict[str, Any]]:
        row: dict[str, dict[str, Any]] = {}
        for name, event, _ in self.members():
            if event != "start_map":
                self.skip(event)
                raise _NotResults
            self.terms += 1
            if not kept or self.full or (self.listed is not None and name not in self.listed):
                self.skip(event)  # a name head.vars does not list is never read from a row: counted, not built
                continue
            if len(self.names) < MAX_VARS:
                name = self.names.setdefault(name, name)
            row[name] = self.term()
            if self.max_terms is not None and self.terms > self.max_terms:
                self.full = True  # this term is kept, to show the cap was passed; none after it is built
        return row

    def term(self) -> dict[str, Any]:
        term: dict[str, Any] = {}
        for key, event, value in self.members():
            field = FIELDS.get(key)
            self.skip(event)
            if field is not None:  # a value that is not a string (a triple term's, say) is kept as None
                term[field] = (KINDS.get(value, value) if field == "type" else value) if event == "string" else None
        return term
