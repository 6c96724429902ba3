"""SERVICE to registered peers, evaluated by this server: each SERVICE block is sent to its peer with
SPARQLWrapper, and its answer written into the query as a VALUES block, which the engine then joins.

This is SERVICE's meaning in SPARQL 1.1 Federated Query: the block is evaluated by the remote endpoint
on its own, and its solutions joined where the block stood. The engine itself never makes a request.
Each call has the query's remaining time and a row cap (past it, the answer would be partial: the
client is told so, 502, rather than given half an answer); no redirect is followed; the peer's address
is checked again after name resolution. SERVICE SILENT turns a failed call into the one empty
solution, as the specification says. Blank nodes in a peer's answer become IRIs of the peer's
`/.well-known/genid/` (VALUES cannot carry blank nodes).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, cast

from pyoxigraph import Literal, NamedNode
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__
from .errors import PeerTimeout, PeerUnavailable, UsageError
from .guard import blank_literals, decode_escapes
from .peers import OPENER, Peer, check_address

USER_AGENT = f"isic-graph/{__version__} (federated query; +https://w3id.org/isic)"
KEYWORD = re.compile(r"(?<![\w?$:.-])SERVICE\b", re.IGNORECASE)
SILENT = re.compile(r"\s*SILENT\b", re.IGNORECASE)
PREFIXED = re.compile(r"\s*([A-Za-z][\w.-]*)?:((?:[\w:%-]|\.(?=[\w:%-]))*)")
DECLARATION = re.compile(r"(?<![\w?$:])(?:(PREFIX)\s*([A-Za-z][\w.-]*)?:\s*|(BASE)\s*)<", re.IGNORECASE)


@dataclass(frozen=True)
class ServiceBlock:
    """One `SERVICE [SILENT] <endpoint> { pattern }` of a query: where it stands, and what it asks."""

    start: int
    end: int
    endpoint: str
    silent: bool
    pattern: str


def service_blocks(text: str) -> list[ServiceBlock]:
    """The SERVICE blocks of a (decoded) query, outermost first; a SERVICE inside another is refused."""
    code = blank_literals(text)
    prefixes, base = declarations(text, code)
    blocks = []
    position = 0
    while match := KEYWORD.search(code, position):
        at = match.end()
        silent = SILENT.match(code, at)
        if silent:
            at = silent.end()
        endpoint, at = _endpoint(text, code, at, prefixes, base)
        opening = code.find("{", at)
        if opening < 0 or code[at:opening].strip():
            raise UsageError("SERVICE must be followed by an endpoint IRI and a group pattern in braces")
        closing = _matching(code, opening)
        if KEYWORD.search(code, opening, closing):
            raise UsageError("SERVICE inside SERVICE is not evaluated here: query the inner peer from the outer one")
        blocks.append(ServiceBlock(match.start(), closing + 1, endpoint, bool(silent), text[opening + 1:closing]))
        position = closing + 1
    return blocks


def declarations(text: str, code: str) -> tuple[dict[str, str], str | None]:
    """The query's PREFIX declarations (resolved against BASE) and its last BASE."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    for match in DECLARATION.finditer(code):
        opening = match.end() - 1
        iri = text[opening + 1:code.index(">", opening)]
        if base is not None:
            iri = urllib.parse.urljoin(base, iri)
        if match.group(1):
            prefixes[match.group(2) or ""] = iri
        else:
            base = iri
    return prefixes, base


def prologue(prefixes: Mapping[str, str], base: str | None) -> str:
    lines = [f"BASE <{base}>"] if base else []
    return "\n".join(lines + [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items()])


def evaluate(text: str, peers: Sequence[Peer], timeout: float, cap: int) -> str:
    """The query with each SERVICE block replaced by its peer's answer (the text unchanged if it has none).

    Raises UsageError for a SERVICE to anything but a registered peer, before any request is made;
    PeerUnavailable (502) or PeerTimeout (504), naming the peer, when a call fails and is not SILENT.
    """
    decoded = decode_escapes(text)
    blocks = service_blocks(decoded)
    if not blocks:
        return text
    by_endpoint = {peer.sparql: peer for peer in peers}
    for block in blocks:
        if block.endpoint not in by_endpoint:
            raise UsageError(f"SERVICE is not allowed here ({block.endpoint}): only registered peers' endpoints "
                             "may be queried")
    code = blank_literals(decoded)
    head = prologue(*declarations(decoded, code))
    deadline = time.monotonic() + timeout
    parts, last = [], 0
    for block in blocks:
        peer = by_endpoint[block.endpoint]
        try:
            answer = call(peer, f"{head}\nSELECT * WHERE {{{block.pattern}}}\nLIMIT {cap + 1}",
                          deadline - time.monotonic())
            if len(answer["results"]["bindings"]) > cap:
                raise PeerUnavailable(f"peer {peer.name} answered more than {cap} rows for a SERVICE block: "
                                      "narrow the pattern sent to it")
            inline = values(answer, peer)
        except PeerUnavailable:
            if not block.silent:
                raise
            inline = "{}"  # SILENT: the one empty solution
        parts += [decoded[last:block.start], inline]
        last = block.end
    return "".join(parts) + decoded[last:]


class _PeerQuery(SPARQLWrapper):
    """SPARQLWrapper whose requests follow no redirect: a peer may not send this server elsewhere."""

    def _query(self) -> Any:
        return OPENER.open(self._createRequest(), timeout=self.timeout), self.returnFormat


def call(peer: Peer, query: str, timeout: float) -> dict[str, Any]:
    """A SELECT sent to a peer; its JSON results. Every failure is a PeerUnavailable naming the peer."""
    if timeout <= 0:
        raise PeerTimeout(f"no time was left to query peer {peer.name}")
    try:
        check_address(peer.sparql, peer.allow_private)
    except UsageError as exc:
        raise PeerUnavailable(f"peer {peer.name}: {exc.message}") from None
    wrapper = _PeerQuery(peer.sparql, agent=USER_AGENT)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setTimeout(timeout)  # type: ignore[arg-type]  # urllib takes seconds as a float
    wrapper.setQuery(query)
    try:
        result = wrapper.query().convert()
    except (socket.timeout, TimeoutError):
        raise PeerTimeout(f"peer {peer.name} did not answer within {timeout:.1f} s") from None
    except urllib.error.HTTPError as exc:
        raise PeerUnavailable(f"peer {peer.name} answered HTTP {exc.code} ({exc.msg})") from None
    except SPARQLWrapperException as exc:
        raise PeerUnavailable(f"peer {peer.name} refused the query: {_first_line(exc)}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            raise PeerTimeout(f"peer {peer.name} did not answer within {timeout:.1f} s") from None
        raise PeerUnavailable(f"peer {peer.name} cannot be reached: {exc.reason}") from None
    except (ConnectionError, http.client.HTTPException, json.JSONDecodeError, ValueError) as exc:
        raise PeerUnavailable(f"peer {peer.name} gave no usable answer: {type(exc).__name__}") from None
    if not _is_results(result):
        raise PeerUnavailable(f"peer {peer.name} did not answer with SPARQL JSON results")
    return cast(dict[str, Any], result)


def _is_results(result: object) -> bool:
    if not isinstance(result, dict) or not isinstance(result.get("head"), dict) \
            or not isinstance(result.get("results"), dict):
        return False
    bindings = result["results"].get("bindings")
    return isinstance(bindings, list) and all(
        isinstance(b, dict) and all(isinstance(v, dict) for v in b.values()) for b in bindings)


def values(answer: Mapping[str, Any], peer: Peer) -> str:
    """A VALUES block holding a peer's SELECT answer, every term checked and written by pyoxigraph."""
    names = [str(v) for v in answer["head"].get("vars", [])]
    for name in names:
        if not re.fullmatch(r"[\w]+", name):
            raise PeerUnavailable(f"peer {peer.name} answered with an odd variable name")
    rows = []
    for binding in answer["results"]["bindings"]:
        rows.append("(" + " ".join(_term(binding[n], peer) if n in binding else "UNDEF" for n in names) + ")")
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{\n" + "\n".join(rows) + "\n}"


def _term(value: Mapping[str, str], peer: Peer) -> str:
    kind, lexical = value.get("type"), value.get("value", "")
    try:
        if kind == "uri":
            return str(NamedNode(lexical))
        if kind == "bnode":
            return str(NamedNode(urllib.parse.urljoin(peer.sparql, "/.well-known/genid/")
                                 + urllib.parse.quote(lexical, safe="")))
        if kind in ("literal", "typed-literal"):
            language, datatype = value.get("xml:lang"), value.get("datatype")
            if language:
                return str(Literal(lexical, language=language))
            return str(Literal(lexical, datatype=NamedNode(datatype) if datatype else None))
    except ValueError:
        pass
    raise PeerUnavailable(f"peer {peer.name} answered with a term that is not valid RDF: {str(value)[:100]}")


def _endpoint(text: str, code: str, at: int, prefixes: Mapping[str, str], base: str | None) -> tuple[str, int]:
    """The IRI after SERVICE [SILENT], resolved, and where it ends."""
    rest = len(code[at:]) - len(code[at:].lstrip())
    at += rest
    if code.startswith("<", at):
        end = code.find(">", at)
        iri = text[at + 1:end]
        return (urllib.parse.urljoin(base, iri) if base else iri), end + 1
    name = PREFIXED.match(code, at)
    if name and name.group(0).strip() and (name.group(1) or "") in prefixes:
        return prefixes[name.group(1) or ""] + name.group(2), name.end()
    raise UsageError("SERVICE must name a registered peer's endpoint by its IRI (not a variable)")


def _matching(code: str, opening: int) -> int:
    depth = 0
    for i in range(opening, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("a SERVICE block is not closed")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
