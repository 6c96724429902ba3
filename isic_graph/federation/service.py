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
become IRIs of the peer's `/.well-known/genid/` (VALUES cannot carry blank nodes). Only the variables the block
can bind (`in_scope`: what `SELECT *` over it projects) come in from the answer, a row binding any other is
refused (502), and so is an answer whose `head.vars` is not a list of variable names or a term that is not
valid RDF.
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
from isic_graph.rdf.namespaces import RDF
from isic_graph.sparql.guard import Checked, allow_services
from isic_graph.sparql.lexer import VARNAME, Token, string_token, write

VARIABLE = re.compile(VARNAME)
LANG_STRING = RDF + "langString"
TAGGED = frozenset({LANG_STRING, RDF + "dirLangString"})  # the datatypes only a language tag gives


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
            inline = values(answer, peer, in_scope(pattern))
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


def values(answer: Mapping[str, Any], peer: Peer, scope: frozenset[str]) -> list[Token]:
    """The tokens of a VALUES block holding a peer's SELECT answer to a block whose variables are `scope`, every
    term checked by pyoxigraph.

    The answer's variables must be SPARQL variable names, each once. One the block cannot bind (it is not in the
    block, or only in a FILTER, a MINUS or what a sub-select does not project) is refused when a row binds it:
    joined where the block stood, it would filter or steer the rest of the query. One that no row binds is left
    out (it could change nothing), so that a peer listing a FILTER's variable too is still read.
    """
    names = answer["head"].get("vars")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise PeerUnavailable(f"peer {peer.name} answered without a list of variable names (head.vars)")
    for name in names:
        if not VARIABLE.fullmatch(name):
            raise PeerUnavailable(f"peer {peer.name} answered with an odd variable name: {name[:100]!r}")
    if len(set(names)) != len(names):
        raise PeerUnavailable(f"peer {peer.name} answered with a variable named twice")
    bindings = answer["results"]["bindings"]
    foreign = sorted(name for name in names if name not in scope and any(name in b for b in bindings))
    if foreign:
        raise PeerUnavailable(f"peer {peer.name} answered variables the SERVICE block does not use: "
                              + ", ".join(f"?{name}" for name in foreign)[:200])
    names = [name for name in names if name in scope]
    tokens = [word("VALUES"), punct("("), *(Token("var", f"?{n}", -1) for n in names), punct(")"), punct("{")]
    for binding in bindings:
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
            if not isinstance(lexical, str) or not isinstance(datatype, (str, type(None))):
                raise TypeError
            if language is not None:  # a language tag, and no datatype but rdf:langString, which it implies
                if not isinstance(language, str) or not language or datatype not in (None, LANG_STRING):
                    raise ValueError
                literal = Literal(lexical, language=language)
                return [string_token(literal.value), Token("lang", f"@{literal.language}", -1)]
            if datatype in TAGGED:  # a language-tagged string without its language
                raise ValueError
            literal = Literal(lexical, datatype=NamedNode(datatype) if datatype else None)
            return [string_token(literal.value), punct("^^"), Token("iri", literal.datatype.value, -1)]
    except (ValueError, TypeError):
        pass
    raise PeerUnavailable(f"peer {peer.name} answered with a term that is not valid RDF: {str(value)[:100]}")


def in_scope(tokens: Sequence[Token]) -> frozenset[str]:
    """The names of the variables a group pattern can bind (its tokens, braces included): what `SELECT *` over it
    projects. A variable counts wherever it stands in a triple pattern, a path, GRAPH, VALUES or as BIND's target;
    not in a FILTER, a MINUS or BIND's expression; a sub-select counts for what it projects only."""
    names: set[str] = set()
    _scope(tokens, 0, len(tokens), names)
    return frozenset(names)


def _scope(tokens: Sequence[Token], i: int, stop: int, names: set[str]) -> None:
    while i < stop:
        token = tokens[i]
        if token.kind == "var":
            names.add(token.value[1:])
        elif token.is_word("FILTER"):
            i = _past_constraint(tokens, i + 1, stop)
            continue
        elif token.is_word("MINUS"):
            i = _past(tokens, i + 1, stop, "{", "}")
            continue
        elif token.is_word("BIND"):
            end = _past(tokens, i + 1, stop, "(", ")")
            if end - 2 > i and tokens[end - 2].kind == "var":  # BIND ( expression AS ?v )
                names.add(tokens[end - 2].value[1:])
            i = end
            continue
        elif token.is_punct("{") and i + 1 < stop and tokens[i + 1].is_word("SELECT"):
            end = _past(tokens, i, stop, "{", "}")
            _projected(tokens, i + 2, end - 1, names)
            i = end
            continue
        i += 1


def _projected(tokens: Sequence[Token], i: int, stop: int, names: set[str]) -> None:
    """The variables a sub-select (its tokens after SELECT) projects."""
    while i < stop and tokens[i].is_word("DISTINCT", "REDUCED"):
        i += 1
    if i < stop and tokens[i].is_punct("*"):
        opening = next((j for j in range(i, stop) if tokens[j].is_punct("{")), stop)
        _scope(tokens, opening, _past(tokens, opening, stop, "{", "}"), names)
        return
    while i < stop and not (tokens[i].is_word("WHERE") or tokens[i].is_punct("{")):
        if tokens[i].kind == "var":
            names.add(tokens[i].value[1:])
            i += 1
        elif tokens[i].is_punct("("):  # ( expression AS ?v )
            end = _past(tokens, i, stop, "(", ")")
            if end - 2 > i and tokens[end - 2].kind == "var":
                names.add(tokens[end - 2].value[1:])
            i = end
        else:
            i += 1


def _past_constraint(tokens: Sequence[Token], i: int, stop: int) -> int:
    """Where a FILTER's constraint ends: a bracketed expression, [NOT] EXISTS and its group, or a call."""
    if i < stop and tokens[i].is_word("NOT"):
        i += 1
    if i < stop and tokens[i].is_word("EXISTS"):
        return _past(tokens, i + 1, stop, "{", "}")
    while i < stop and not tokens[i].is_punct("("):  # a function's name, then its arguments
        i += 1
    return _past(tokens, i, stop, "(", ")")


def _past(tokens: Sequence[Token], i: int, stop: int, opening: str, closing: str) -> int:
    """The index just past the bracket that closes the first `opening` at or after i (stop if none does)."""
    depth = 0
    while i < stop:
        if tokens[i].is_punct(opening, opening + "|" if opening == "{" else opening):
            depth += 1
        elif tokens[i].is_punct(closing, "|" + closing if closing == "}" else closing):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return stop
