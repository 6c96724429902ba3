"""The remote backend: any SPARQL 1.1 server, over the Protocol (and the Graph Store Protocol when given)."""

from __future__ import annotations

import fcntl
import json
import re
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable, Iterator, Sequence, cast
from xml.etree.ElementTree import Element, SubElement, tostring

import urllib3
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from urllib3.exceptions import HTTPError as TransportError
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as TransportTimeout

from isic_graph.errors import (
    EngineFailed,
    IsicError,
    QueryTimeout,
    StorageFull,
    StoreError,
    StoreUnavailable,
    UsageError,
)
from isic_graph.rdf.formats import RESULTS, formats_for, media_types
from isic_graph.rdf.namespaces import SPARQL_RESULTS
from isic_graph.sparql.default_graph import SEPARATOR
from isic_graph.sparql.terms import iri
from isic_graph.store.base import FULL_FR, FULL_MESSAGE, NO_SPACE, Store, graph_state_refusal
from isic_graph.store.capping import ANSWER_LIMIT, cap, too_many_bytes
from isic_graph.store.results import QueryResult, SelectResult, from_pyoxigraph
from isic_graph.store.version import StoreVersion

if TYPE_CHECKING:  # the engine's module reads this one's words for a full disk
    from isic_graph.store.engine import Engine

ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8")
SOLUTIONS_ACCEPT = "application/sparql-results+json"
TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.9"
PLAIN_JSON = "application/json"  # how some stores label SPARQL JSON results
SOLUTION_TYPES = frozenset({*media_types(RESULTS), PLAIN_JSON})
PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|(?:PREFIX\s+[^\s:]*:|BASE)\s*<[^>]*>)", re.IGNORECASE)
FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
UNSUPPORTED_FUNCTION = re.compile(r"custom function <([^<>\s]*)> is not supported")  # Oxigraph's words
# An engine's words for a body past its limit: Oxigraph ("SPARQL body payloads are limited to N bytes"), and a 413's
PAYLOAD_REFUSED = re.compile(r"payloads? (?:are|is) limited to|payload too large|request entity too large", re.I)
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso 7 answers ASK as a table of this variable: a row "1" if true, none if false
RESULT_FORMATS = {**{f.media_type: f.results_format for f in formats_for(RESULTS)
                     if f.results_format is not None and not f.rows_as_lines}, PLAIN_JSON: QueryResultsFormat.JSON}
LINE_FORMATS = tuple(f.media_type for f in formats_for(RESULTS) if f.rows_as_lines)
USER_AGENT = "isic-graph"
BLOCK = 64 * 1024  # bytes read from the store at a time
CONNECTIONS = 32  # kept-alive connections to the store, at most (as many as the query workers)
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
QUERY_TYPE = "application/sparql-query; charset=utf-8"
STREAMED_UPDATE_TIMEOUT = 3600.0  # seconds a store may take to apply an update streamed to it (a load of any size)


@dataclass(frozen=True)
class RawResponse:
    """An engine's answer, passed on as it is (but for the rows past the limit): status, media type, body."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def too_large_for_engine(status: int, detail: str) -> bool:
    """Whether an engine's refusal says the request's body was larger than it accepts. Never the client's doing: a
    client's text is held far below any engine's limit, so the body was one this server built (a query with what
    its SERVICE blocks brought in, an update)."""
    return status == 413 or PAYLOAD_REFUSED.search(detail) is not None


def engine_failure(status: int, detail: str) -> IsicError:
    """What an engine's error answer to a query means: a function it does not have is the query's fault (400,
    naming it); any other is the engine's own failure, while it runs on (EngineFailed: not a stopped engine)."""
    if too_large_for_engine(status, detail):  # the engine's own words go to the log only (EngineFailed)
        return EngineFailed(f"the query engine refused a text this server wrote as too large (HTTP {status}: "
                            f"{detail})")
    unsupported = UNSUPPORTED_FUNCTION.search(detail)
    if unsupported:
        return UsageError(f"the function <{unsupported.group(1)}> is not one the query engine has",
                         f"la fonction <{unsupported.group(1)}> n'est pas une de celles du moteur de requêtes")
    return EngineFailed(f"the query engine answered HTTP {status}: {detail}")


INDEXED_GRAPHS = "SELECT ?g WHERE { GRAPH ?g {} FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } } ORDER BY ?g"
CUT_WRITE = ("la base n'a pas pu être jointe, ou a cessé de répondre pendant cette écriture : l'écriture a été "
             "appliquée en entier ou pas du tout ; renvoyez-la dans un instant")

class RemoteStore(Store):
    """A store behind SPARQL 1.1 query and update endpoints whose default graph is the store's own (not the
    union of its graphs: this store keeps its default graph the set union of them itself).

    lock_path: a file that every process writing to this store locks around each update (the
    instance folder's `writes.lock`), so that server processes sharing one store never mix updates.
    engine: the supervised engine process behind the URLs, when this process owns it. A read that fails because
    that engine was replaced under it (killed for another query's overrun, or from outside) is sent once more,
    on the new engine, once it answers; a streamed read (a dump, a CONSTRUCT stream) too, if none of its blocks was
    given out yet (past that, it is cut short); a write never is (it was applied whole or not at all: the caller is
    told).
    """

    def __init__(self, query_url: str, update_url: str, gsp_url: str | None, timeout: float,
                 lock_path: Path | None = None, engine: Engine | None = None) -> None:

        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.lock_path = lock_path
        self.engine = engine
        self.version = StoreVersion(lock_path.with_name("store.version")) if lock_path else None
        self._writing = threading.RLock()
        self._depth = 0  # how many writing() blocks this process's holder is in (the file lock is taken once)
        # Kept-alive connections: a new TCP connection per query cost more than the engine's answer to a cheap one.
        self._http = urllib3.PoolManager(maxsize=CONNECTIONS, retries=False, headers={"User-Agent": USER_AGENT})

    def query(self, sparql: str) -> QueryResult:
        form = query_form(sparql)
        accept = TRIPLES_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS_ACCEPT if form else ACCEPT
        # the query is the request body, as query_raw sends one without a dataset (a form would encode it again)
        body, content_type = self._read("POST", self.query_url, sparql, {"Content-Type": QUERY_TYPE, "Accept": accept})
        try:
            if RESULT_FORMATS.get(content_type) == QueryResultsFormat.JSON:
                result = from_pyoxigraph(parse_query_results(body, format=QueryResultsFormat.JSON))
                return as_boolean(result) if form == "ASK" else result
            if content_type == "application/n-triples":
                return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)]
            if content_type == "text/turtle":
                return [quad.triple for quad in parse(body, format=RdfFormat.TURTLE)]
        except (SyntaxError, ValueError) as exc:  # a term no reader takes: the engine answered, and runs on
            raise EngineFailed(f"the query engine sent an answer that cannot be read: {exc}") from None
        raise StoreError(f"the SPARQL server answered with an unexpected media type {content_type!r}")

    def query_raw(self, sparql: str, accept: str, default_graphs: Sequence[str] = (),
                  named_graphs: Sequence[str] = (), limit: int | None = None,
                  deadline: float | None = None, form: str | None = None) -> RawResponse:
        """Send a query with the client's Accept and dataset; return the answer, held to `limit` rows if given.

        With a deadline (time.monotonic()), no read waits past it: QueryTimeout is raised then.

        Client errors (400 syntax, 406 not acceptable) are passed on; server errors become StoreError,
        and StoreUnavailable when the engine could not be reached at all (the query was never run).
        Only the media types of Accept that fit the query's form are sent on, and an ASK answered as a
        table (Virtuoso 7) is sent back as the boolean it stands for.
        """
        kind = form or query_form(sparql)  # the form the guard's reading found, when the caller has it
        # Without a dataset, the query is the request body (the protocol's POST directly): encoding a long text
        # as a form field cost about as much as a cheap query's whole answer. A dataset (a scope may name every
        # network's graph) goes in the form with it, never in a URL of unbounded length.
        dataset = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        sent = urllib.parse.urlencode([("query", sparql), *dataset]) if dataset else sparql
        headers = {"Content-Type": FORM_TYPE if dataset else QUERY_TYPE, "Accept": fitting_accept(accept, kind)}
        deadline = deadline if deadline is not None else time.monotonic() + self.timeout
        wait = max(deadline - time.monotonic(), 0.001)
        try:
            with self._exchange("POST", self.query_url, sent, headers,
                                urllib3.Timeout(connect=min(wait, self.timeout), read=wait)) as response:
                body = _Deadline(response, deadline, ANSWER_LIMIT if limit is not None else None)
                content_type = response.headers.get("Content-Type", "")
                if 400 <= response.status < 500:
                    said = body.read()
                    if too_large_for_engine(response.status, said[:300].decode("utf-8", "replace")):
                        raise engine_failure(response.status, said[:300].decode("utf-8", "replace"))
                    return RawResponse(response.status, content_type or "text/plain", said)
                if response.status >= 300:
                    raise engine_failure(response.status, body.read().decode("utf-8", "replace")[:300])
                if kind == "ASK":
                    return RawResponse(response.status, content_type, boolean_body(body.read(), content_type))
                if limit is None:
                    return RawResponse(response.status, content_type, body.read())
                capped = cap(cast(IO[bytes], body), content_type, limit)
                return RawResponse(response.status, content_type, capped.body, capped.truncated)
        except NewConnectionError as exc:  # before TransportTimeout: to urllib3, a ConnectTimeoutError
            if isinstance(exc.__cause__, ConnectionRefusedError):
                raise StoreUnavailable("the query engine is not accepting connections",
                                       fr="le moteur de requêtes n'accepte pas de connexion") from None
            raise StoreError(f"the query engine could not be reached: {exc.__cause__ or exc}") from None
        except TransportTimeout:
            if time.monotonic() < deadline - 0.01:  # the store's own limit, not the query's
                raise StoreError("the query engine stopped answering") from None
            raise QueryTimeout("the query ran past its deadline", fr="la requête a dépassé son délai") from None
        except (TransportError, OSError) as exc:
            raise StoreError(f"the query engine stopped while answering: {exc!r}") from None

    def _apply(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = ()) -> None:
        """Send an update; updates run one at a time, in this process and across the processes sharing the lock file.

        Oxigraph applies each update atomically but not in isolation from a concurrent one: two
        `DROP GRAPH g ; INSERT DATA { GRAPH g {…} }` sent together leave the union of both.
        An engine that dies during the update has applied all of it or none (its write-ahead log).
        """
        form = [("update", sparql)] + [("using-graph-uri", g) for g in using_graphs] \
            + [("using-named-graph-uri", g) for g in using_named_graphs]
        with self.writing():
            try:
                self._post(self.update_url, form, "*/*")
            except StoreUnavailable:
                raise StoreUnavailable("the store could not be reached, or stopped answering during this write: "
                                       "the write was applied whole or not at all; send it again in a moment",
                                       fr=CUT_WRITE) from None
            finally:  # whatever happened, answers computed before may be wrong now
                if self.version is not None:
                    self.version.bump()

    def _apply_operations(self, operations: Iterable[str]) -> None:
        """Send operations as one update whose text is sent as it is written (chunked), never held whole here.

        The store runs it once the whole text has come, all or nothing: should writing the text fail
        midway (the operations raise), the request is cut short and nothing is applied.
        """
        body = (f"{SEPARATOR if i else ''}{operation}".encode("utf-8") for i, operation in enumerate(operations))
        headers = {"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"}
        with self.writing():
            try:
                self._send("POST", self.update_url, body, headers,
                           urllib3.Timeout(connect=self.timeout, read=max(self.timeout, STREAMED_UPDATE_TIMEOUT)))
            except StoreUnavailable:
                raise StoreUnavailable("the store could not be reached, or stopped answering during this write: "
                                       "the write was applied whole or not at all; send it again in a moment",
                                       fr=CUT_WRITE) from None
            finally:
                if self.version is not None:
                    self.version.bump()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Updates one at a time: in this process (a lock), and across processes (the lock file), re-entrant."""
        with self._writing:
            if self.lock_path is None or self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            try:
                self.lock_path.parent.mkdir(parents=True, exist_ok=True)
                handle = self.lock_path.open("ab")
            except OSError as exc:
                raise StoreError(f"cannot open the write lock file {self.lock_path.name}: {exc.strerror}") from None
            with handle:  # closing the file releases the lock, whatever happens to the update
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1

    def graph_names(self) -> list[str]:
        """The graphs holding a triple. Any SPARQL server lists them from every quad it holds (Store.graph_names);
        the supervised engine, an Oxigraph, from its index of graphs (SPARQL's `GRAPH ?g {}`, which Virtuoso and
        RDF4J answer with nothing), each asked for a triple, as a graph emptied by CLEAR stays in that index: a
        listing then reads a few rows instead of the whole store (8 ms against 0.07 ms on the samples' 14,000
        quads), at each start of the server among others."""
        if self.engine is None:
            return super().graph_names()
        rows = self.select(INDEXED_GRAPHS).rows
        return [row["g"].value for row in rows]

    def graph_triples(self, graph: str) -> list[Triple]:
        if self.gsp_url:
            url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': graph})}"
            try:
                body, _ = self._read("GET", url, None, {"Accept": "application/n-triples"})
            except StoreError as exc:
                if "HTTP 404" in exc.message:
                    return []
                raise
            return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)]
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
        assert isinstance(result, list)
        return result

    def raw_chunks(self, graph: str | None = None) -> Iterator[bytes] | None:
        if not self.gsp_url:
            return None
        if graph is None:  # the named graphs one by one: the whole store's N-Quads would hold the default graph
            return self._named_graphs_chunks()
        return self._triples_of(graph)

    def _named_graphs_chunks(self) -> Iterator[bytes]:
        for name in self.graph_names():  # asked when the first block is: a failure comes with it
            yield from _in_graph(self._triples_of(name), name)

    def _triples_of(self, graph: str) -> Iterator[bytes]:
        assert self.gsp_url is not None
        url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': graph})}"
        return self._chunks("GET", url, None, "application/n-triples")

    def stream(self, graph: str | None = None) -> Iterator[Quad]:
        raw = self.raw_chunks(graph)
        if raw is not None:
            yield from parse_chunks(raw, graph)
            return
        for name in [graph] if graph is not None else self.graph_names():
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(name)} {{ ?s ?p ?o }} }}"
            body = urllib.parse.urlencode({"query": query})
            yield from parse_chunks(self._chunks("POST", self.query_url, body, "application/n-triples"), name)

    def close(self) -> None:
        self._http.clear()

    @contextmanager
    def _exchange(self, method: str, url: str, body: str | Iterator[bytes] | None, headers: dict[str, str],
                  timeout: urllib3.Timeout | None = None) -> Iterator[urllib3.BaseHTTPResponse]:
        """A response to read as it comes; its connection is kept for the next request once it is read whole.
        A body given as an iterator of blocks is sent as they come (chunked)."""
        streamed = body is not None and not isinstance(body, str)
        response = self._http.request(method, url, body=body, headers=headers, preload_content=False, redirect=False,
                                      timeout=timeout or urllib3.Timeout(connect=self.timeout, read=self.timeout),
                                      chunked=streamed)
        try:
            yield response
        finally:
            if not response.closed:  # not read to the end: the connection cannot carry another request
                response.close()
            response.release_conn()

    def _chunks(self, method: str, url: str, body: str | None, accept: str) -> Iterator[bytes]:
        """A response body in blocks, read as it comes; a missing graph (404) is an empty body.

        Like `_read`, a read that fails because the engine it went to was replaced under it is sent once more, on
        the new engine, once it answers; but only while none of its blocks was given out. Once one was, it may be
        on its way to a client (a dump, a CONSTRUCT stream): the answer cannot be started again under it, and the
        failure cuts the stream short (StoreError), as when the engine was not replaced.
        """
        engine = self.engine
        sent_to = engine.generation if engine is not None else 0
        given = False
        try:
            for block in self._blocks(method, url, body, accept):
                given = True
                yield block
            return
        except _Cut as cut:
            if given or engine is None or not engine.replaced_under(sent_to):
                raise StoreError(cut.message) from None
        try:
            yield from self._blocks(method, url, body, accept)
        except _Cut as cut:
            raise StoreError(cut.message) from None

    def _blocks(self, method: str, url: str, body: str | None, accept: str) -> Iterator[bytes]:
        """One request's body in blocks; a failure of the connection (not an answer of the store's) is a _Cut."""
        headers = {"Accept": accept, **({"Content-Type": FORM_TYPE} if body is not None else {})}
        try:
            with self._exchange(method, url, body, headers) as response:
                if response.status == 404:
                    return
                if response.status >= 300:
                    detail = response.read().decode("utf-8", "replace")[:300]
                    raise StoreError(f"the store at {url} answered HTTP {response.status}: {detail}")
                try:
                    while block := response.read(BLOCK):
                        yield block
                except (TransportError, OSError) as exc:
                    raise _Cut(f"the store stopped answering during a read: {exc}") from None
        except (TransportError, OSError) as exc:
            raise _Cut(f"cannot reach the store at {url}: {getattr(exc, '__cause__', None) or exc}") from None

    def _post(self, url: str, form: dict[str, str] | list[tuple[str, str]], accept: str) -> tuple[bytes, str]:
        return self._send("POST", url, urllib.parse.urlencode(form), {"Content-Type": FORM_TYPE, "Accept": accept})

    def _read(self, method: str, url: str, body: str | None, headers: dict[str, str]) -> tuple[bytes, str]:
        """A request that writes nothing, sent once more (on the new engine) if the engine it went to was replaced
        under it; when no new engine answers in time, or the read failed by itself, the failure is the caller's."""
        engine = self.engine
        sent_to = engine.generation if engine is not None else 0
        try:
            return self._send(method, url, body, headers)
        except StoreUnavailable:
            if engine is None or not engine.replaced_under(sent_to):
                raise
        return self._send(method, url, body, headers)

    def _send(self, method: str, url: str, body: str | Iterator[bytes] | None,
              headers: dict[str, str], timeout: urllib3.Timeout | None = None) -> tuple[bytes, str]:
        try:
            with self._exchange(method, url, body, headers, timeout) as response:
                content = response.read()
                status, content_type = response.status, response.headers.get("Content-Type", "")
        except (TransportError, OSError):
            raise StoreUnavailable("the store is not reachable, or stopped answering; nothing may have been "
                                   "written: retry in a moment",
                                   fr="la base est injoignable, ou a cessé de répondre ; rien n'a peut-être été "
                                      "écrit : réessayez dans un instant") from None
        if status >= 300:
            detail = content.decode("utf-8", "replace")[:500]
            if too_large_for_engine(status, detail):
                raise EngineFailed(f"the SPARQL server refused a request this server wrote as too large "
                                   f"(HTTP {status}: {detail})")
            if status == 400:
                raise UsageError(f"the SPARQL server refused the request: {detail}",
                                 f"le serveur SPARQL a refusé la requête (ses mots, en anglais) : {detail}")
            refusal = graph_state_refusal(detail) if url == self.update_url else None  # (GSP's 404 says the same)
            if refusal is not None:
                raise refusal
            if NO_SPACE in detail:
                raise StorageFull(FULL_MESSAGE, FULL_FR)
            raise StoreError(f"the SPARQL server at {url} answered HTTP {status}: {detail}")
        return content, content_type.split(";")[0].strip().lower() or "text/plain"


class _Cut(Exception):
    """A streamed read whose connection to the store failed (`RemoteStore._chunks`: sent once more, or a
    StoreError with its message); never raised out of this module."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Deadline:
    """A response's body whose reads never wait past a deadline (time.monotonic()), nor go past max_bytes."""

    def __init__(self, response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int | None = None) -> None:
        self._response = response
        self._deadline = deadline
        self._left = max_bytes  # bytes the caller may still read: past them, AnswerTooLarge

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(BLOCK), b""))
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout("the query ran past its deadline", fr="la requête a dépassé son délai")
        sock = getattr(getattr(self._response, "connection", None), "sock", None)
        if sock is not None:
            sock.settimeout(left)
        data = self._response.read(size)
        if self._left is not None:
            self._left -= len(data)
            if self._left < 0:
                raise too_many_bytes()
        return data


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword past comments, PREFIX and BASE (None if unclear)."""
    position = 0
    while found := PROLOGUE.match(sparql, position):
        position = found.end()
    form = FORM.match(sparql, position)
    return form.group(1).upper() if form else None


def fitting_accept(accept: str, form: str | None) -> str:
    """Accept without the media types that cannot carry this form's answer (unchanged if none would be left).

    Virtuoso 7 answers in the first media type of Accept it can write, whatever the q values and whether
    or not it fits the form: a CONSTRUCT as a table, a SELECT as Turtle. The ranges kept keep their order.
    """
    if form is None:
        return accept
    ranges = [part.strip() for part in accept.split(",") if part.strip()]
    kept = [part for part in ranges if _fits(part.split(";")[0].strip().lower(), form)]
    return ", ".join(kept) or accept


def _fits(media_type: str, form: str) -> bool:
    if "*" in media_type:
        return True
    return (media_type in SOLUTION_TYPES) == (form in ("SELECT", "ASK"))


def as_boolean(result: QueryResult) -> QueryResult:
    """An ASK result as a boolean, also when the server answered it as a table (Virtuoso 7)."""
    if isinstance(result, SelectResult) and result.variables == (ASK_VARIABLE,):
        return any(value == "1" for value in result.values(ASK_VARIABLE))
    return result


def boolean_body(body: bytes, content_type: str) -> bytes:
    """An ASK answer in the protocol's boolean form, written again if the server answered it as a table."""
    media_type = content_type.split(";")[0].strip().lower()
    truth = _table_truth(body, media_type) if ASK_VARIABLE.encode() in body else None
    return body if truth is None else _boolean_document(truth, media_type).encode("utf-8")


def _table_truth(body: bytes, media_type: str) -> bool | None:
    """The truth of an ASK answered as a one-column table of ASK_VARIABLE; None if the body is not that."""
    if media_type in LINE_FORMATS:
        lines = [line.strip().strip('"?') for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
        return any(line == "1" for line in lines[1:]) if lines[:1] == [ASK_VARIABLE] else None
    if media_type not in RESULT_FORMATS:
        return None
    try:
        parsed = from_pyoxigraph(parse_query_results(body, format=RESULT_FORMATS[media_type]))
    except (SyntaxError, ValueError):
        return None
    truth = as_boolean(parsed)
    return truth if isinstance(truth, bool) and isinstance(parsed, SelectResult) else None


def _boolean_document(truth: bool, media_type: str) -> str:
    """A boolean answer in this results format (CSV and TSV have none: the word, as Oxigraph writes it)."""
    word = "true" if truth else "false"
    if RESULT_FORMATS.get(media_type) == QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": truth})
    if media_type == "application/sparql-results+xml":
        document = Element("sparql", xmlns=SPARQL_RESULTS)
        SubElement(document, "head")
        SubElement(document, "boolean").text = word
        return '<?xml version="1.0"?>' + tostring(document, encoding="unicode", short_empty_elements=False)
    return word


def _in_graph(chunks: Iterator[bytes], graph: str) -> Iterator[bytes]:
    """N-Triples chunks (one statement a line, each ending ` .`) as N-Quads lines of the given graph."""
    name = f" {iri(graph)} .\n".encode("utf-8")
    block: list[bytes] = []
    rest, size = b"", 0
    for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if line.strip():
                quad = line.rstrip()[:-1].rstrip() + name
                if size + len(quad) > BLOCK and block:  # blocks no larger than those read
                    yield b"".join(block)
                    block, size = [], 0
                block.append(quad)
                size += len(quad)
    if rest.strip():
        block.append(rest.rstrip()[:-1].rstrip() + name)
    if block:
        yield b"".join(block)


def parse_chunks(chunks: Iterator[bytes], graph: str | None) -> Iterator[Quad]:
    """Quads parsed lazily from N-Quads chunks (graph None) or from N-Triples chunks put in the given graph."""
    reader = cast(IO[bytes], _ChunkReader(chunks))
    if graph is None:
        yield from parse(reader, format=RdfFormat.N_QUADS)
        return
    name = NamedNode(graph)
    for t in parse(reader, format=RdfFormat.N_TRIPLES):
        yield Quad(t.subject, t.predicate, t.object, name)


class _ChunkReader:
    """A read(size) file-like over an iterator of byte chunks, as pyoxigraph's lazy parser wants."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            rest, self._buffer, self._offset = self._buffer[self._offset:], b"", 0
            return rest + b"".join(self._chunks)
        while len(self._buffer) - self._offset < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer, self._offset = self._buffer[self._offset:] + chunk, 0
        out = self._buffer[self._offset:self._offset + size]
        self._offset += len(out)
        return out
