"""The result cap: an engine's answer is counted as it streams in and cut at the limit, never silently.

The engine's bytes are passed on unchanged when the answer holds no more rows (or triples) than the
limit; the first `limit` rows of a longer one are written again in the same format. An answer of up to
WHOLE bytes is read whole; when its bytes alone show it has no more rows than the limit (see at_most), it
is passed on without being parsed, else it is counted from memory (the parsers read from bytes at their own pace; fed
from a stream, they ask for 2 kB at a time, each ask a call back into Python); past WHOLE bytes, it is
counted as it streams in, and reading stops at the first row past the limit, which also stops the
engine's work on that answer. Counting parses the stream with the engine's own parsers (pyoxigraph), or
counts lines: CSV's line ends outside quoted fields (pyoxigraph cannot read CSV), TSV's each (a row a line).

An answer past ANSWER_LIMIT bytes is refused (AnswerTooLarge), as it streams in. pyoxigraph's parsers may be dropped
only by the thread that made them: one left in a frame of an error's traceback (a deadline or that limit passed as it
read) is dropped by whichever thread collects it ("PyQuerySolutions is unsendable, but is being dropped on another
thread" was seen once in a log, with a deadline passed as an answer of a gigabyte streamed in); each is let go where
it was made.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, cast
from xml.etree.ElementTree import Element, tostring

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from isic_graph.errors import AnswerTooLarge, StoreError
from isic_graph.rdf.formats import RESULTS, formats_for
from isic_graph.rdf.namespaces import PROBLEMS

RESULT_FORMATS = {f.media_type: f.results_format for f in formats_for(RESULTS) if f.results_format is not None}
READ_AHEAD = 64 * 1024  # bytes read from the engine at a time while counting
WHOLE = 16 * 1024 * 1024  # an answer up to this size is read whole before it is counted
VALUE_LIMIT = 16 * 1024 * 1024  # the largest term the parsers read (pyoxigraph's buffer); past it, AnswerTooLarge
ANSWER_LIMIT = 64 * 1024 * 1024  # the most bytes of one answer read from the engine; past it, AnswerTooLarge
TRUNCATED = PROBLEMS + "results-truncated"  # the note in truncated results' head
XML_NOTE = tostring(Element("link", href=TRUNCATED))  # the note as an element of the XML results' head
CSV_MARKS = re.compile(rb'["\n]')  # a quote opens or closes a field (a doubled one does both); a line end
LINE_ENDS = re.compile(rb"\n")
RDFLIB_RESULT_FORMATS = {f.media_type: f.rdflib for f in formats_for(RESULTS) if not f.rows_as_lines}


@dataclass(frozen=True)
class Capped:
    """An answer once held to the limit: the bytes to send, and whether rows were left out."""

    body: bytes
    content_type: str
    counted: bool  # False when the format has no rows to count (a boolean, an unknown format)
    truncated: bool = False


# For an answer read whole: bytes that every row (or triple) of its format writes at least once, and how a
# whole answer of it ends. When an answer ends so and has no more such bytes than the limit, neither has it
# rows, and it is passed on unparsed (strings may hold such bytes too, which only makes the bound looser);
# any other answer is parsed, which finds one cut short or broken.
ROW_MARKS = {"application/sparql-results+json": (b"{", b"]}}"),  # each solution is an object
             "application/sparql-results+xml": (b"result", b"sparql>"),  # a <result> element, prefixed or not
             "text/tab-separated-values": (b"\n", b"\n"), "text/csv": (b"\n", b"\n"),  # a line each
             "application/n-triples": (b"\n", b"\n"), "application/n-quads": (b"\n", b"\n")}


def at_most(body: bytes, media_type: str) -> int | None:
    """An upper bound on the rows (or triples) of a whole answer in this media type, from its bytes alone;
    None for a format without such marks, or a body that does not end as a whole answer does."""
    marks = ROW_MARKS.get(media_type)
    if marks is None or not body.rstrip(b" \t\r\n" if marks[1] != b"\n" else b" \t\r").endswith(marks[1]):
        return None
    return body.count(marks[0]) + 1


def cap(stream: IO[bytes], content_type: str, limit: int) -> Capped:
    """Read an answer of this media type, keeping at most `limit` rows or triples."""
    media_type = content_type.split(";")[0].strip().lower()
    tee = _Tee(stream, WHOLE)
    whole = tee.source()
    if isinstance(whole, bytes):
        bound = at_most(whole, media_type)
        if bound is not None and bound <= limit:
            return Capped(whole, content_type, counted=True)
    try:
        if media_type == "text/tab-separated-values":  # a row a line (its terms escape line ends)
            return _cap_lines(tee, content_type, limit, LINE_ENDS, VALUE_LIMIT)
        if media_type in RESULT_FORMATS:
            return _cap_solutions(tee, content_type, media_type, limit)
        if media_type == "text/csv":
            return _cap_lines(tee, content_type, limit, CSV_MARKS)
        rdf_format = RdfFormat.from_media_type(media_type)
        if rdf_format is not None:
            return _cap_triples(tee, content_type, rdf_format, limit)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the query engine sent an unreadable answer: {exc}") from None
    except MemoryError:  # the parsers' buffer limit (16 MiB) for one term: a literal a query built (CONCAT…)
        raise too_large() from None
    return Capped(tee.read_all(), content_type, counted=False)


def too_large() -> AnswerTooLarge:
    return AnswerTooLarge(f"the answer holds a value larger than {VALUE_LIMIT // (1024 * 1024)} MiB, "
                          "more than the server reads to count the rows: narrow the query (STRLEN, SUBSTR)",
                          f"la réponse contient une valeur de plus de {VALUE_LIMIT // (1024 * 1024)} Mio, plus "
                          "que le serveur ne lit pour compter les lignes : restreignez la requête (STRLEN, "
                          "SUBSTR)")


def too_many_bytes() -> AnswerTooLarge:
    """An answer past ANSWER_LIMIT bytes (a thousand rows of a megabyte each: a query's CONCATs can build them), which
    the server would hold in memory, several times over, to send it."""
    return AnswerTooLarge(f"the answer is larger than {ANSWER_LIMIT // (1024 * 1024)} MiB, more than the server sends "
                          "for one query: narrow the query (fewer rows or columns, LIMIT, shorter values with "
                          "SUBSTR), or read whole graphs from the dumps (/dumps/)",
                          f"la réponse dépasse {ANSWER_LIMIT // (1024 * 1024)} Mio, plus que le serveur n'envoie pour "
                          "une requête : restreignez la requête (moins de lignes ou de colonnes, LIMIT, des valeurs "
                          "plus courtes avec SUBSTR), ou lisez les graphes entiers dans les exports (/dumps/)")


def _cap_solutions(tee: _Tee, content_type: str, media_type: str, limit: int) -> Capped:
    results = parse_query_results(tee.source(), format=RESULT_FORMATS[media_type])
    try:
        if isinstance(results, QueryBoolean):
            return Capped(tee.read_all(), content_type, counted=False)
        kept = list(islice(results, limit + 1))
        variables = [v.value for v in results.variables]
    finally:
        del results  # by this thread, whatever happened (see the module's notes)
    if len(kept) <= limit:
        return Capped(tee.read_all(), content_type, counted=True)
    return Capped(_write_solutions(variables, kept[:limit], media_type), content_type, counted=True, truncated=True)


def _cap_lines(tee: _Tee, content_type: str, limit: int, marks: re.Pattern[bytes],
               longest: int | None = None) -> Capped:
    """Rows counted by their line ends: CSV's outside quoted fields (the engine quotes every field holding a quote,
    a comma or a line break, and doubles its quotes; marks: quotes and line ends), so that no field is too long
    to count (the csv module stops at 128 KiB); TSV's each (its terms escape line ends; marks: line ends), a line
    longer than `longest` refused as too large, as the parsers refuse it (pyoxigraph's TSV parser took seconds to
    say so, its time growing with the square of the line's length). A longer answer is cut after its header and
    `limit` rows, byte for byte."""
    source = tee.source()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    kept, lines, quoted, line = bytearray(), 0, False, 0  # line: the bytes of the line not yet ended
    while block := stream.read(READ_AHEAD):
        start = 0  # where, in this block, the line not yet ended starts
        for mark in marks.finditer(block):
            if mark.group() == b'"':
                quoted = not quoted
            elif not quoted:
                if longest is not None and line + mark.start() - start > longest:
                    raise too_large()
                line, start = 0, mark.end()
                lines += 1
                if lines == limit + 1:  # the header and `limit` rows: is anything written after them?
                    kept += block[:mark.end()]
                    rest = block[mark.end():] or stream.read(READ_AHEAD)
                    if not rest:
                        return Capped(tee.read_all(), content_type, counted=True)
                    return Capped(bytes(kept), content_type, counted=True, truncated=True)
        line += len(block) - start
        if longest is not None and line > longest:
            raise too_large()
        kept += block
    return Capped(tee.read_all(), content_type, counted=True)


def _cap_triples(tee: _Tee, content_type: str, rdf_format: RdfFormat, limit: int) -> Capped:
    triples = parse(tee.source(), format=rdf_format)
    try:
        kept = list(islice(triples, limit + 1))
    finally:
        del triples  # by this thread, whatever happened (see the module's notes)
    if len(kept) <= limit:
        return Capped(tee.read_all(), content_type, counted=True)
    return Capped(serialize(kept[:limit], format=rdf_format) or b"", content_type, counted=True, truncated=True)


def _write_solutions(variables: list[str], solutions: list[Any], media_type: str) -> bytes:
    """The solutions written again in their format (JSON or XML), by rdflib."""
    from rdflib import Variable
    from rdflib.query import Result

    result = Result("SELECT")
    result.vars = [Variable(v) for v in variables]
    result.bindings = [{Variable(v): _to_rdflib(solution[v]) for v in variables if solution[v] is not None}
                       for solution in solutions]
    out = io.BytesIO()
    result.serialize(out, format=RDFLIB_RESULT_FORMATS[media_type], encoding="utf-8")
    return _with_note(out.getvalue(), media_type)


def _with_note(body: bytes, media_type: str) -> bytes:
    """The cut said in the results themselves: a `link` in their head, the formats' place for notes."""
    if media_type == "application/sparql-results+json":
        tree = json.loads(body)
        tree["head"]["link"] = [TRUNCATED]
        return json.dumps(tree, ensure_ascii=False).encode("utf-8")
    return body.replace(b"</head>", XML_NOTE + b"</head>", 1)


def _to_rdflib(term: Any) -> Any:
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdflibLiteral

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return RdflibLiteral(term.value, lang=term.language)
        return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise StoreError(f"a result holds a term that cannot be written back: {term}")


class _Tee(io.RawIOBase):
    """A readable stream that keeps every byte read from the one it wraps, reading ahead in large blocks
    (the parsers ask for a few kB at a time: one network read each cost more than the parse). Up to
    `whole` bytes are read at once: when the stream ends within them, `source()` is those bytes."""

    def __init__(self, stream: IO[bytes], whole: int = 0) -> None:
        self._stream = stream
        self._seen = bytearray()
        self._position = 0  # how much of what was seen the parser has read
        self._whole: bytes | None = None  # the whole stream, once it ended within `whole` bytes
        blocks: list[bytes] = []
        size = 0
        while size < whole:
            block = stream.read(READ_AHEAD)
            if not block:
                self._whole = b"".join(blocks)
                return
            blocks.append(block)
            size += len(block)
        self._seen += b"".join(blocks)

    def source(self) -> bytes | IO[bytes]:
        """What a parser reads: the whole answer when it was read whole, else this stream."""
        return self._whole if self._whole is not None else cast(IO[bytes], self)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._position == len(self._seen):
            data = self._stream.read(max(len(buffer), READ_AHEAD))
            if not data:
                return 0
            self._seen += data
        size = min(len(buffer), len(self._seen) - self._position)
        buffer[:size] = memoryview(self._seen)[self._position:self._position + size]
        self._position += size
        return size

    def read_all(self) -> bytes:
        """Everything: what was read, then the rest of the stream."""
        if self._whole is not None:
            return self._whole
        self._seen += self._stream.read()
        return bytes(self._seen)

