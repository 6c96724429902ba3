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

What peers' answers may add to one query is bounded (`Budget`), so that a small query naming a peer that answers
huge terms cannot make the server hold gigabytes, nor build a text the engine refuses: at most `MAX_BLOCKS` SERVICE
blocks (more is refused before any request, 400); at most `MAX_ANSWER_BYTES` read from all the peers together, each
read capped at what is left; at most `MAX_ROWS` rows and `MAX_TERMS` bound terms in all, both counted as each
answer is parsed (nothing past them is built: `results.read_results`); at most `MAX_VALUES_BYTES` of VALUES text
written, and no term longer than `MAX_TERM_CHARS`. Past any of these the block fails like any other call (502
naming the peer and the limit; SILENT: the empty solution).
"""

from __future__ import annotations

import dataclasses
import re
import time
import urllib.parse
from typing import Any, Mapping, Sequence

from pyoxigraph import Literal, NamedNode

from isic_graph.errors import PeerAnswerTooLarge, PeerUnavailable, UsageError
from isic_graph.federation.client import MAX_BYTES, sparql_answer
from isic_graph.federation.peers import Peer
from isic_graph.privacy import redact
from isic_graph.rdf.namespaces import RDF
from isic_graph.sparql.guard import Checked, allow_services
from isic_graph.sparql.lexer import VARNAME, Token, string_token, write

VARIABLE = re.compile(VARNAME)
LANG_STRING = RDF + "langString"
TAGGED = frozenset({LANG_STRING, RDF + "dirLangString"})  # the datatypes only a language tag gives
# One query's budget for what its SERVICE blocks bring in. 8 blocks: a federated query joins a pattern or two per
# peer, and a network registers few peers; each block is a request made for an anonymous client, in turn, within
# the query's time, so the count bounds what one query asks of the peers, and is far from what any query we know
# of needs. 16 MiB, read and written: the engine refuses a body past 128 MiB, and the text it is sent may be form-
# encoded (up to 3 bytes for one); 16 MiB is some 100,000 rows of short terms, far more than a join with local data
# needs. The rows in all (100,000) only bind when the operator raises the result limit (each block's cap) past 12,500.
# 200,000 terms: the bytes read bound what is built only loosely, for 16 MiB of terms of a few dozen bytes each (the
# same variable bound again and again, or names head.vars does not list, which are counted and left out) are half a
# million terms; loaded whole, over 200 MB for one query. 200,000 is two terms for each of the rows in all, some
# 40 MB built at the most (bench/peer_terms.py); honest answers meet it only with more than two variables a row in
# blocks whose rows together pass 66,000.
MAX_BLOCKS = 8
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # read from all the peers' answers to one query, together
MAX_VALUES_BYTES = 16 * 1024 * 1024  # of VALUES text written into one query, together
MAX_ROWS = 100_000  # rows of all the peers' answers to one query, together (each block: the result limit too)
MAX_TERMS = 200_000  # terms bound by all the rows of the peers' answers to one query, together
MAX_TERM_CHARS = 1024 * 1024  # one IRI or literal of a peer's: nothing a join needs is longer
SHOWN_CHARS = 80  # of a refused term's value, in the message
SHOWN_KIND_CHARS = 20  # of its type
MASKED_CHARS = 4000  # of either, searched for personal data: 80 characters of masks stand for less than 2,500


class Budget:
    """What is left of one query's budget for its SERVICE answers; each spending past it raises PeerUnavailable
    naming the peer and the limit."""

    def __init__(self, answer_bytes: int = MAX_ANSWER_BYTES, rows: int = MAX_ROWS,
                 values_bytes: int = MAX_VALUES_BYTES, terms: int = MAX_TERMS) -> None:
        self.limits = (answer_bytes, rows, values_bytes, terms)
        self.answer_bytes = answer_bytes
        self.rows = rows
        self.values_bytes = values_bytes
        self.terms = terms

    def read_cap(self, peer: Peer) -> int:
        """The bytes the next answer may take: what is left (no request is made when nothing is)."""
        if self.answer_bytes <= 0:
            raise self.past_answers(peer)
        return min(self.answer_bytes, MAX_BYTES)

    def past_answers(self, peer: Peer) -> PeerUnavailable:
        self.answer_bytes = 0
        return PeerUnavailable(f"peer {peer.name}: the answers to this query's SERVICE blocks are larger than "
                               f"{self.limits[0]} bytes in all, the most one query may read from peers: "
                               "narrow the blocks",
                               fr=f"pair {peer.name} : les réponses aux blocs SERVICE de cette requête dépassent "
                                  f"{self.limits[0]} octets en tout, le plus qu'une requête peut lire des pairs : "
                                  "resserrez les blocs")

    def read(self, size: int, peer: Peer) -> None:
        self.answer_bytes -= size
        if self.answer_bytes < 0:
            raise self.past_answers(peer)

    def row_cap(self, cap: int) -> int:
        """The rows the next block may bring: the result limit, or what is left of the query's if less."""
        return max(min(cap, self.rows), 0)

    def take_rows(self, count: int, cap: int, peer: Peer) -> None:
        if count > self.row_cap(cap):
            if self.rows < cap:
                raise PeerUnavailable(f"peer {peer.name}: the answers to this query's SERVICE blocks hold more than "
                                      f"{self.limits[1]} rows in all, the most one query may take from peers: "
                                      "narrow the blocks",
                                      fr=f"pair {peer.name} : les réponses aux blocs SERVICE de cette requête "
                                         f"dépassent {self.limits[1]} lignes en tout, le plus qu'une requête peut "
                                         "prendre des pairs : resserrez les blocs")
            raise PeerUnavailable(f"peer {peer.name} answered more than {cap} rows for a SERVICE block: "
                                  "narrow the pattern sent to it",
                                  fr=f"le pair {peer.name} a répondu plus de {cap} lignes à un bloc SERVICE : "
                                     "resserrez le motif qui lui est envoyé")
        self.rows -= count

    def term_cap(self) -> int:
        """The terms the next answer may bind: what is left (the reader builds none past it)."""
        return max(self.terms, 0)

    def take_terms(self, count: int, peer: Peer) -> None:
        if count > self.term_cap():  # none of them is kept: what is left stays for the blocks after it
            raise PeerUnavailable(f"peer {peer.name}: the answers to this query's SERVICE blocks bind more than "
                                  f"{self.limits[3]} terms in all, the most one query may take from peers: "
                                  "narrow the blocks",
                                  fr=f"pair {peer.name} : les réponses aux blocs SERVICE de cette requête lient plus "
                                     f"de {self.limits[3]} termes en tout, le plus qu'une requête peut prendre des "
                                     "pairs : resserrez les blocs")
        self.terms -= count

    def write(self, size: int, peer: Peer) -> None:
        self.values_bytes -= size
        if self.values_bytes < 0:
            raise PeerUnavailable(f"peer {peer.name}: the VALUES written from this query's SERVICE answers are larger "
                                  f"than {self.limits[2]} bytes in all, the most one query may carry: narrow the "
                                  "blocks",
                                  fr=f"pair {peer.name} : les VALUES écrits à partir des réponses aux blocs SERVICE "
                                     f"de cette requête dépassent {self.limits[2]} octets en tout, le plus qu'une "
                                     "requête peut porter : resserrez les blocs")


def word(value: str) -> Token:
    return Token("word", value, -1)


def punct(value: str) -> Token:
    return Token("punct", value, -1)


def evaluate(query: Checked, peers: Sequence[Peer], timeout: float, cap: int, budget: Budget | None = None) -> Checked:
    """The query with each SERVICE block replaced by its peer's answer (the query itself if it has none).

    Raises UsageError for a SERVICE to anything but a registered peer, before any request is made;
    PeerUnavailable (502) or PeerTimeout (504), naming the peer, when a call fails and is not SILENT; so is an
    answer past what is left of the query's budget (a fresh one if none is given).
    """
    if not query.services:
        return query
    by_endpoint = {peer.sparql: peer for peer in peers}
    allow_services(query, frozenset(by_endpoint))
    if len(query.services) > MAX_BLOCKS:
        raise UsageError(f"the query holds {len(query.services)} SERVICE blocks, more than the {MAX_BLOCKS} one query "
                         "may send to peers: join fewer patterns, or put several in one block",
                         f"la requête contient {len(query.services)} blocs SERVICE, plus que les {MAX_BLOCKS} qu'une "
                         "requête peut envoyer aux pairs : joignez moins de motifs, ou regroupez-les dans un bloc")
    head = list(query.tokens[:query.prologue])
    deadline = time.monotonic() + timeout
    budget = budget if budget is not None else Budget()
    tokens: list[Token] = []
    last = 0
    for block in query.services:
        peer = by_endpoint[block.endpoint]
        pattern = query.tokens[block.opening:block.end]
        try:
            rows = budget.row_cap(cap)
            sent = write([*head, word("SELECT"), punct("*"), word("WHERE"), *pattern, word("LIMIT"),
                          Token("number", str(rows + 1), -1)])
            try:
                answer, size, terms = sparql_answer(peer, sent, deadline - time.monotonic(), budget.read_cap(peer),
                                                    rows, budget.term_cap())
            except PeerAnswerTooLarge:
                raise budget.past_answers(peer) from None
            budget.read(size, peer)
            budget.take_rows(len(answer["results"]["bindings"]), cap, peer)
            budget.take_terms(terms, peer)
            inline = values(answer, peer, in_scope(pattern), budget)
        except PeerUnavailable:
            if not block.silent:
                raise
            inline = [punct("{"), punct("}")]  # SILENT: the one empty solution
        tokens += [*query.tokens[last:block.start], *inline]
        last = block.end
    tokens += query.tokens[last:]
    evaluated = dataclasses.replace(query, tokens=tuple(tokens), services=())
    if any(t.is_word("SERVICE") for t in evaluated.tokens):  # by construction none is left; never sent if one is
        raise UsageError("the query still holds SERVICE after its blocks were evaluated",
                         fr="la requête contient encore SERVICE après l'évaluation de ses blocs")
    return evaluated


def values(answer: Mapping[str, Any], peer: Peer, scope: frozenset[str], budget: Budget | None = None) -> list[Token]:
    """The tokens of a VALUES block holding a peer's SELECT answer to a block whose variables are `scope`, every
    term checked by pyoxigraph.

    The answer's variables must be SPARQL variable names, each once. One the block cannot bind (it is not in the
    block, or only in a FILTER, a MINUS or what a sub-select does not project) is refused when a row binds it:
    joined where the block stood, it would filter or steer the rest of the query. One that no row binds is left
    out (it could change nothing), so that a peer listing a FILTER's variable too is still read. The text written
    is counted against the query's budget (a fresh one if none is given) as it is written.
    """
    budget = budget if budget is not None else Budget()
    names = answer["head"].get("vars")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise PeerUnavailable(f"peer {peer.name} answered without a list of variable names (head.vars)",
                              fr=f"le pair {peer.name} a répondu sans liste de noms de variables (head.vars)")
    for name in names:
        if not VARIABLE.fullmatch(name):
            raise PeerUnavailable(f"peer {peer.name} answered with an odd variable name: {name[:100]!r}",
                                  fr=f"le pair {peer.name} a répondu avec un nom de variable étrange : "
                                     f"{name[:100]!r}")
    if len(set(names)) != len(names):
        raise PeerUnavailable(f"peer {peer.name} answered with a variable named twice",
                              fr=f"le pair {peer.name} a répondu avec une variable nommée deux fois")
    bindings = answer["results"]["bindings"]
    foreign = sorted(name for name in names if name not in scope and any(name in b for b in bindings))
    if foreign:
        raise PeerUnavailable(f"peer {peer.name} answered variables the SERVICE block does not use: "
                              + ", ".join(f"?{name}" for name in foreign)[:200],
                              fr=f"le pair {peer.name} a répondu des variables que le bloc SERVICE n'emploie pas : "
                                 + ", ".join(f"?{name}" for name in foreign)[:200])
    names = [name for name in names if name in scope]
    tokens = [word("VALUES"), punct("("), *(Token("var", f"?{n}", -1) for n in names), punct(")"), punct("{")]
    budget.write(_size(tokens) + 2, peer)
    for binding in bindings:
        row = [punct("(")]
        for name in names:
            row += _term(binding[name], peer) if name in binding else [word("UNDEF")]
        row.append(punct(")"))
        budget.write(_size(row), peer)
        tokens += row
    return [*tokens, punct("}")]


def _size(tokens: Sequence[Token]) -> int:
    """The bytes the tokens take once written (each followed by a space)."""
    return sum(len(t.value.encode("utf-8", "surrogatepass")) + 1 for t in tokens)


def _term(value: Mapping[str, str], peer: Peer) -> list[Token]:
    kind, lexical = value.get("type"), value.get("value", "")
    if isinstance(lexical, str) and len(lexical) > MAX_TERM_CHARS:
        raise PeerUnavailable(f"peer {peer.name} answered with a term longer than {MAX_TERM_CHARS} characters, the "
                              f"longest a SERVICE answer may carry: {_shown(kind, lexical)}",
                              fr=f"le pair {peer.name} a répondu avec un terme de plus de {MAX_TERM_CHARS} "
                                 f"caractères, le plus long qu'une réponse à SERVICE peut porter : "
                                 f"{_shown(kind, lexical, 'fr')}")
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
    raise PeerUnavailable(f"peer {peer.name} answered with a term that is not valid RDF: {_shown(kind, lexical)}",
                          fr=f"le pair {peer.name} a répondu avec un terme qui n'est pas du RDF valide : "
                             f"{_shown(kind, lexical, 'fr')}")


def _shown(kind: object, lexical: object, lang: str = "en") -> str:
    """A peer's term in a message in `lang` (English or French): its kind and its value, quoted, at most
    SHOWN_KIND_CHARS and SHOWN_CHARS characters of them, personal data masked before they are shortened (a datum cut
    in two would no longer be recognised) and no mask cut; never a printout of the objects it was read into."""
    french = lang == "fr"
    if isinstance(kind, str):
        named = _masked_start(kind, SHOWN_KIND_CHARS, lang)
        shown = f"un terme de type « {named} »" if french else f"a {named} term"
    else:
        shown = "un terme sans type" if french else "a term without a type"
    if not isinstance(lexical, str):
        return f"{shown} dont la valeur n'est pas une chaîne" if french else f"{shown} whose value is not a string"
    quoted = _masked_start(lexical, SHOWN_CHARS, lang)
    return f"{shown}, de valeur « {quoted} »" if french else f'{shown} "{quoted}"'


# a mask of personal data, and the words redact() adds when it replaced a whole text: never cut
MASK = re.compile(r"\*\*\* \([^()]*\)(?: \((?:a text quoting|un texte citant)[^()]*\))?")


def _masked_start(text: str, limit: int, lang: str) -> str:
    """The start of a peer's text, printable, its personal data masked (in lang's words), then cut to `limit`
    characters ("…" after them when there was more), a mask begun before the limit kept whole.

    Only the first MASKED_CHARS characters are masked (a peer's term may be a mebibyte long): far more than the
    limit, so that the shown part, masks shortened, and every datum it begins lie wholly within them."""
    window = "".join(c if c.isprintable() else " " for c in text[:MASKED_CHARS])
    masked = redact(window, lang)
    more = len(text) > MASKED_CHARS
    if len(masked) <= limit and not more:
        return masked
    end = limit
    for mask in MASK.finditer(masked):
        if mask.start() < limit < mask.end():
            end = mask.end()
            break
        if mask.start() >= limit:
            break
    return masked[:end] + ("…" if more or end < len(masked) else "")


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
