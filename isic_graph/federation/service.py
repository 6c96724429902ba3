"""SERVICE to registered peers, evaluated by this server: each SERVICE block is sent to its peer by the
one peer client (`peerclient.post_sparql`), and its answer written into the query as a VALUES block, which
the engine then joins.

This is SERVICE's meaning in SPARQL 1.1 Federated Query: the block is evaluated by the remote endpoint
on its own, and its solutions joined where the block stood. The engine itself never makes a request:
the blocks are found in the guard's one reading of the query (`guard.Checked.services`), the query
sent to a peer and the query given to the engine are both written from tokens, and a query that still
holds SERVICE afterwards is refused. Each call has the query's remaining time and a row cap (past it,
the answer would be partial: the client is told so, 502, rather than given half an answer); no
redirect is followed; the peer's address is checked again after name resolution. SERVICE SILENT turns
a failed call into the one empty solution, as the specification says. Blank nodes in a peer's answer
become IRIs of the peer's `/.well-known/genid/` (VALUES cannot carry blank nodes).
"""

from __future__ import annotations

import dataclasses
import re
import time
import urllib.parse
from typing import Any, Mapping, Sequence

from pyoxigraph import Literal, NamedNode

from isic_graph.errors import PeerUnavailable, UsageError
from isic_graph.federation.client import post_sparql
from isic_graph.federation.peers import Peer
from isic_graph.sparql.guard import Checked, allow_services
from isic_graph.sparql.lexer import VARNAME, Token, string_token, write

VARIABLE = re.compile(VARNAME)


def word(value: str) -> Token:
    return Token("word", value, -1)


def punct(value: str) -> Token:
    return Token("punct", value, -1)


def evaluate(query: Checked, peers: Sequence[Peer], timeout: float, cap: int) -> Checked:
    """The query with each SERVICE block replaced by its peer's answer (the query itself if it has none).

    Raises UsageError for a SERVICE to anything but a registered peer, before any request is made;
    PeerUnavailable (502) or PeerTimeout (504), naming the peer, when a call fails and is not SILENT.
    """
    if not query.services:
        return query
    by_endpoint = {peer.sparql: peer for peer in peers}
    allow_services(query, frozenset(by_endpoint))
    head = list(query.tokens[:query.prologue])
    deadline = time.monotonic() + timeout
    tokens: list[Token] = []
    last = 0
    for block in query.services:
        peer = by_endpoint[block.endpoint]
        pattern = query.tokens[block.opening:block.end]
        sent = write([*head, word("SELECT"), punct("*"), word("WHERE"), *pattern, word("LIMIT"),
                      Token("number", str(cap + 1), -1)])
        try:
            answer = post_sparql(peer, sent, deadline - time.monotonic())
            if len(answer["results"]["bindings"]) > cap:
                raise PeerUnavailable(f"peer {peer.name} answered more than {cap} rows for a SERVICE block: "
                                      "narrow the pattern sent to it")
            inline = values(answer, peer)
        except PeerUnavailable:
            if not block.silent:
                raise
            inline = [punct("{"), punct("}")]  # SILENT: the one empty solution
        tokens += [*query.tokens[last:block.start], *inline]
        last = block.end
    tokens += query.tokens[last:]
    evaluated = dataclasses.replace(query, tokens=tuple(tokens), services=())
    if any(t.is_word("SERVICE") for t in evaluated.tokens):  # by construction none is left; never sent if one is
        raise UsageError("the query still holds SERVICE after its blocks were evaluated")
    return evaluated


def values(answer: Mapping[str, Any], peer: Peer) -> list[Token]:
    """The tokens of a VALUES block holding a peer's SELECT answer, every term checked by pyoxigraph."""
    names = [str(v) for v in answer["head"].get("vars", [])]
    for name in names:
        if not VARIABLE.fullmatch(name):
            raise PeerUnavailable(f"peer {peer.name} answered with an odd variable name")
    tokens = [word("VALUES"), punct("("), *(Token("var", f"?{n}", -1) for n in names), punct(")"), punct("{")]
    for binding in answer["results"]["bindings"]:
        tokens.append(punct("("))
        for name in names:
            tokens += _term(binding[name], peer) if name in binding else [word("UNDEF")]
        tokens.append(punct(")"))
    return [*tokens, punct("}")]


def _term(value: Mapping[str, str], peer: Peer) -> list[Token]:
    kind, lexical = value.get("type"), value.get("value", "")
    try:
        if kind == "uri":
            return [Token("iri", NamedNode(lexical).value, -1)]
        if kind == "bnode":
            return [Token("iri", NamedNode(urllib.parse.urljoin(peer.sparql, "/.well-known/genid/")
                                           + urllib.parse.quote(lexical, safe="")).value, -1)]
        if kind in ("literal", "typed-literal"):
            language, datatype = value.get("xml:lang"), value.get("datatype")
            if language:
                literal = Literal(lexical, language=language)
                return [string_token(literal.value), Token("lang", f"@{literal.language}", -1)]
            literal = Literal(lexical, datatype=NamedNode(datatype) if datatype else None)
            return [string_token(literal.value), punct("^^"), Token("iri", literal.datatype.value, -1)]
    except (ValueError, TypeError):
        pass
    raise PeerUnavailable(f"peer {peer.name} answered with a term that is not valid RDF: {str(value)[:100]}")
