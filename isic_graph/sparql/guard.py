"""The query guard: what is refused before a query or update reaches an engine, read from its one reading.

A text is cut into tokens once (`sparql.lexer`, the SPARQL grammar's terminals); every check reads
those tokens, and the engine receives the text written back from them (`Checked.text`), never the
client's. Refused, with 400: a text no token fits (an escape outside a string or IRI, a code point that
is not a character), nesting deeper than the limit (brackets inside what was read as an IRI count too:
an engine may read them as code), a call of a function the engine does not have (`functions.py`), a triple
term or quoted triple (RDF 1.2, RDF-star), a keyword glued to what follows it (`keywords.py`), LOAD,
SERVICE inside SERVICE, SERVICE to a variable, and SERVICE to anything but a registered peer's endpoint
(the server evaluates those blocks itself: `service.py`). An update read as a query (its first word after the
prologue starts an update operation) is refused with UpdateNotAccepted, naming /update; a query read as an update,
naming /sparql.
What the tokens tell (the query form, its FROM / FROM NAMED graphs) is kept, so that the caller can
hold the dataset to the graphs of its store. Syntax is the engine's to judge: the text it gets is the
one checked here.
"""

from __future__ import annotations

import difflib
import json
import re
import urllib.parse
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterable, Sequence

from isic_graph.errors import QueryTooLarge, UpdateNotAccepted, UsageError
from isic_graph.rdf.formats import CONTROL
from isic_graph.rdf.namespaces import PREFIXES
from isic_graph.sparql.functions import check_datatypes, check_functions
from isic_graph.sparql.keywords import check_glued
from isic_graph.sparql.lexer import Token, ends_operand, source_position, tokenize, where, write

IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
OPENERS, CLOSERS = "{([", "})]"
SIGNIFICANT = re.compile(r"[{}()\[\]\"'<#]")
STRINGS = {  # (long?, quote) -> the string from its opening quote to its end (or the end of its line / text);
    # possessive: a text that ends inside a string (a lone backslash last) is matched to its end, never tried again
    (True, '"'): re.compile(r'"""(?:[^"\\]++|\\.|\\\Z|"(?!""))*+(?:"""|\Z)', re.DOTALL),
    (True, "'"): re.compile(r"'''(?:[^'\\]++|\\.|\\\Z|'(?!''))*+(?:'''|\Z)", re.DOTALL),
    (False, '"'): re.compile(r'"(?:[^"\\\r\n]++|\\.)*+"?'),
    (False, "'"): re.compile(r"'(?:[^'\\\r\n]++|\\.)*+'?"),
}
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# SPARQL 1.2's triple terms, reifiers and annotations, and RDF-star's quoted triples: the engine reads them, but the
# data holds none, and some answer formats fail on one half-way through the answer (JSON-LD)
TRIPLE_TERM_PUNCT = frozenset({"<<", ">>", "<<(", ")>>", "{|", "|}", "~"})
TRIPLE_TERM_WORDS = frozenset({"TRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "ISTRIPLE"})
TRIPLE_TERM_MARKS = ("<<", ">>", "{|", "|}", "~")  # in the text wherever one of those tokens is
# the words an update's operations start with (SPARQL 1.1 Update, section 3); no query starts with one
UPDATE_WORDS = ("INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE", "SERVICE"})


@dataclass(frozen=True)
class Limits:
    """What a query may be: its size in bytes, its nesting depth, and how many operators and patterns it
    combines (a chain of a few thousand `+1`, `||`, `UNION {}`, `BIND`, `MINUS {}` builds a tree as deep
    as a nest of brackets, and overflowed the engine's stack at 5,000; a few queries sent at once each run
    on a smaller stack: three of 990 BINDs, 900 projected expressions or 5,000 DESCRIBEd IRIs overflowed it,
    six of 500 of each ran)."""

    max_bytes: int = 64 * 1024
    max_depth: int = 64
    max_combined: int = 500


@dataclass(frozen=True)
class ServiceBlock:
    """One `SERVICE [SILENT] <endpoint> { pattern }`: its tokens are checked.tokens[start:end]; the
    pattern's are [opening + 1:end - 1]."""

    start: int
    opening: int
    end: int
    endpoint: str
    silent: bool


ENGINE_POSITION = re.compile(r"error at (\d+):(\d+)")  # where Oxigraph says it stopped reading


@dataclass(frozen=True)
class Checked:
    """A query or update the guard let through: its tokens, what they say, and the text the engine gets."""

    tokens: tuple[Token, ...]
    source: str  # the text the tokens were read from (for positions in messages)
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE (or UPDATE)
    dataset: tuple[str, ...] = ()  # FROM and FROM NAMED graphs, resolved
    services: tuple[ServiceBlock, ...] = ()
    prologue: int = 0  # how many leading tokens are BASE, PREFIX and VERSION declarations

    @cached_property
    def text(self) -> str:
        """The text sent to the engine: these tokens written back, and nothing else."""
        return write(self.tokens)

    def in_source(self, message: str) -> str:
        """An engine's refusal of `text` with the positions it gives (`error at 1:46`, in the text written for it)
        given in the client's own text (`error at line 3, column 18`)."""
        def place(match: re.Match[str]) -> str:
            found = source_position(self.tokens, self.source, int(match.group(2))) if match.group(1) == "1" else None
            return f"error at {found}" if found else "error"

        return ENGINE_POSITION.sub(place, message)

    @cached_property
    def volatile(self) -> bool:
        """Whether the answer may change without a write (RAND, NOW…, or SERVICE, which reads peers)."""
        return any(t.kind == "word" and t.value.upper() in VOLATILE for t in self.tokens)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return declarations(self.tokens[:self.prologue])[0]

    @cached_property
    def base(self) -> str | None:
        return declarations(self.tokens[:self.prologue])[1]

    def expand(self, token: Token) -> str | None:
        """The IRI an IRI or prefixed-name token stands for (None for any other token, or an unknown prefix)."""
        return expand(token, self.prefixes, self.base)

    @cached_property
    def from_graphs(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The graphs its FROM and its FROM NAMED clauses name, each once, in their order (the engine reads a graph
        named twice as two graphs: each triple of a default graph named twice counted twice)."""
        if not self.dataset:
            return (), ()
        default: dict[str, None] = {}
        named: dict[str, None] = {}
        for is_named, iri in _clauses(self.tokens, self.prefixes, self.base):
            (named if is_named else default)[iri] = None
        return tuple(default), tuple(named)

    @cached_property
    def repeats_graphs(self) -> bool:
        """Whether its FROM or FROM NAMED clauses name a graph more than once."""
        return sum(map(len, self.from_graphs)) < len(self.dataset)


def read(text: str, limits: Limits = Limits(), update: bool = False, base: str | None = None) -> Checked:
    """The one reading of a text, refused (UsageError, QueryTooLarge) if it may not reach an engine.

    `base`: the IRI its relative IRIs resolve against when it declares no BASE first (the service's own): the
    reading then starts with a BASE declaration of it (see `based`), so that every check and the engine read the
    same IRIs."""
    what = "update" if update else "query"
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise QueryTooLarge(f"the {what} is larger than {limits.max_bytes} bytes",
                            fr=f"la {'mise à jour' if update else 'requête'} dépasse {limits.max_bytes} octets")
    tokens = based(tokenize(text), base)
    prologue = past_prologue(tokens)
    _check_operation(tokens[prologue:prologue + 1], update, text)
    check_glued(tokens, update)
    depth = _depth(tokens, limits.max_depth)
    if depth > limits.max_depth:
        raise UsageError(f"the {what} nests {depth} levels deep or more; the limit is {limits.max_depth}",
                         fr=f"la {'mise à jour' if update else 'requête'} imbrique {depth} niveaux ou plus ; la limite "
                            f"est {limits.max_depth}")
    combined = _combined(tokens)
    if combined > limits.max_combined:
        raise UsageError(f"the {what} combines {combined} operators and patterns; the limit is "
                         f"{limits.max_combined}: split it into several, or use VALUES or IN for long lists",
                         fr=f"la {'mise à jour' if update else 'requête'} combine {combined} opérateurs et motifs ; "
                            f"la limite est {limits.max_combined} : découpez-la, ou utilisez VALUES ou IN pour les "
                            "longues listes")
    words = {t.value.upper() for t in tokens if t.kind == "word"}  # the keywords, to pass over checks of others
    if "LOAD" in words:
        raise UsageError("LOAD is not allowed: the store never fetches URLs; send the data instead",
                         fr="LOAD n'est pas permis : la base ne va chercher aucune adresse ; envoyez les données "
                            "elles-mêmes")
    if words & TRIPLE_TERM_WORDS or (any(mark in text for mark in TRIPLE_TERM_MARKS)  # tokens read only then
                                     and any(t.kind == "punct" and t.value in TRIPLE_TERM_PUNCT for t in tokens)):
        raise UsageError(f"the {what} writes a triple term or a quoted triple (RDF 1.2 and RDF-star: << >>, <<( )>>, "
                         "{| |}, ~, TRIPLE(), SUBJECT()…): the store holds none, and not every answer format can "
                         "carry one; match and build ordinary triples",
                         fr=f"la {'mise à jour' if update else 'requête'} écrit un triplet cité (RDF 1.2 et RDF-star : "
                            "<< >>, <<( )>>, {| |}, ~, TRIPLE(), SUBJECT()…) : la base n'en contient aucun, et tous "
                            "les formats de réponse ne savent pas en porter ; cherchez et construisez des triplets "
                            "ordinaires")
    if "STRLANGDIR" in words or any(t.kind == "lang" and "--" in t.value for t in tokens):
        raise UsageError(f"the {what} writes a literal with a base direction (RDF 1.2: \"…\"@ar--rtl, STRLANGDIR()): "
                         "the store holds none, and RDF 1.1 readers of its dumps and answers refuse one; give the "
                         "literal its language tag alone",
                         fr=f"la {'mise à jour' if update else 'requête'} écrit un littéral avec un sens d'écriture "
                            "(RDF 1.2 : \"…\"@ar--rtl, STRLANGDIR()) : la base n'en contient aucun, et les lecteurs "
                            "RDF 1.1 de ses exports et de ses réponses le refusent ; donnez au littéral sa seule "
                            "étiquette de langue")
    # what an update inserts (one that only deletes may name such a text, to remove it)
    written = next((found for t in tokens if t.kind in ("string", "iri") and (found := CONTROL.search(t.value))),
                   None) if update and "INSERT" in words else None
    if written is not None:
        code = f"U+{ord(written.group()):04X}"
        raise UsageError(f"the update writes the character {code}, which no text of the store holds (a control "
                         "character other than tab and line ends, U+FFFE, U+FFFF): XML answers and pages cannot "
                         "carry it; write the text without it",
                         fr=f"la mise à jour écrit le caractère {code}, qu'aucun texte de la base ne contient (un "
                            "caractère de contrôle autre que la tabulation et les fins de ligne, U+FFFE, U+FFFF) : les "
                            "réponses XML et les pages ne peuvent pas le porter ; écrivez le texte sans lui")
    prefixes, base = declarations(tokens[:prologue])
    services = tuple(_service_blocks(tokens, prefixes, base)) if "SERVICE" in words else ()
    declared, declared_base = declarations(tokens) if update else (prefixes, base)  # updates declare between operations
    _check_prefixes(tokens, declared, what)
    check_functions(tokens, lambda token: expand(token, declared, declared_base))
    check_datatypes(tokens, lambda token: expand(token, declared, declared_base))
    if update and services:
        raise UsageError("SERVICE is not allowed in an update: the store never fetches URLs",
                         fr="SERVICE n'est pas permis dans une mise à jour : la base ne va chercher aucune adresse")
    form = "UPDATE" if update else next((t.value.upper() for t in tokens[prologue:] if t.is_word(*FORMS)), "SELECT")
    dataset = () if update or "FROM" not in words else tuple(_dataset(tokens, prefixes, base))
    return Checked(tokens, text, form, dataset, services, prologue)


BASE_FUNCTIONS = ("IRI", "URI")  # the functions whose answer depends on the base (a relative IRI resolved)


def based(tokens: tuple[Token, ...], base: str | None) -> tuple[Token, ...]:
    """The tokens, with a BASE declaration of `base` put first when they depend on a base (a relative IRI, or
    IRI() / URI(), which resolve a relative one) and do not start by declaring an absolute one. Without it the
    engine resolves them against its own address (an internal loopback URL, which the answers would then show).
    The added tokens come from no place in the text (start -1), so positions in messages stay those of the
    client's text. A BASE of the text's own that follows still applies (a relative one resolved against this one)."""
    if base is None or (len(tokens) > 1 and tokens[0].is_word("BASE") and tokens[1].kind == "iri"
                        and ABSOLUTE.match(tokens[1].value)):
        return tokens
    if any((t.kind == "iri" and not ABSOLUTE.match(t.value)) or t.is_word(*BASE_FUNCTIONS) for t in tokens):
        return (Token("word", "BASE", -1), Token("iri", base, -1), *tokens)
    return tokens


def update_not_accepted(operation: str | None = None) -> UpdateNotAccepted:
    """The refusal of an update sent where queries are asked, pointing to /update (`operation`: the word it
    starts with, when the text was read)."""
    said, dit = "", ""
    if operation is not None:
        said = f"this text is an update (it starts with {operation}), not a query: "
        dit = f"ce texte est une mise à jour (il commence par {operation}), pas une requête : "
    load, charge = "", ""
    if operation == "LOAD":
        load = " (/update refuses LOAD too: the store never fetches URLs; send the data itself)"
        charge = (" (/update refuse LOAD aussi : la base ne va chercher aucune adresse ; envoyez les données "
                  "elles-mêmes)")
    return UpdateNotAccepted(
        f"{said}updates are not accepted here: send them to /update, with the administrator's token "
        f"(Authorization: Bearer …); a network writes its own data with its token through /graph-store or "
        f"/api/networks/{{slug}}/sheets{load}",
        fr=f"{dit}les mises à jour ne sont pas acceptées ici : envoyez-les à /update, avec le jeton de "
           f"l'administrateur (Authorization: Bearer …) ; un réseau écrit ses propres données avec son jeton par "
           f"/graph-store ou /api/networks/{{slug}}/sheets{charge}")


def _check_operation(first: Sequence[Token], update: bool, text: str) -> None:
    """Refuse an update read as a query (UpdateNotAccepted, naming /update) and a query read as an update (naming
    /sparql), by the first token after the prologue: the word an operation or a query starts with; and a query
    starting with another word (`SELEC`), at that word (the engine names the first form it expected, further on)."""
    if not first or first[0].kind != "word":
        return
    word = first[0].value.upper()
    if not update and word in UPDATE_WORDS:
        raise update_not_accepted(word)
    if not update and word not in FORMS and first[0].start >= 0:
        close = difflib.get_close_matches(word, FORMS, n=1)
        at, at_fr = where(text, first[0].start), where(text, first[0].start, "fr")
        raise UsageError(f"{at}: a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE, not {first[0].value[:40]}"
                         + (f"; did you mean {close[0]}?" if close else ""),
                         fr=f"{at_fr} : une requête commence par SELECT, CONSTRUCT, ASK ou DESCRIBE, pas par "
                            f"{first[0].value[:40]}" + (f" ; vouliez-vous dire {close[0]} ?" if close else ""))
    if update and word in FORMS:
        raise UsageError(f"this text is a query (it starts with {word}), not an update: send it to /sparql",
                         fr=f"ce texte est une requête (il commence par {word}), pas une mise à jour : "
                            "envoyez-la à /sparql")


def check_query(text: str, limits: Limits = Limits(), peers: frozenset[str] = frozenset(),
                base: str | None = None) -> Checked:
    """Refuse a query that is too large, too deeply nested, unreadable, or that uses LOAD or SERVICE but to
    the given endpoints (the registered peers' SPARQL endpoints)."""
    return allow_services(read_query(text, limits, base), peers)


def read_query(text: str, limits: Limits = Limits(), base: str | None = None) -> Checked:
    """A query's reading, refused as check_query does but for its SERVICE blocks, which `service.evaluate`
    checks against the peers registered when it runs; relative IRIs resolved against `base` (see `read`)."""
    return _read(text, limits, False, base)


def check_update(text: str, limits: Limits = Limits(), base: str | None = None) -> Checked:
    """Refuse an update that is too large, too deeply nested, unreadable, or that uses SERVICE or LOAD;
    relative IRIs resolved against `base` (see `read`)."""
    return _read(text, limits, True, base)


def allow_services(checked: Checked, peers: frozenset[str]) -> Checked:
    for block in checked.services:
        if block.endpoint not in peers:
            raise UsageError(f"SERVICE is not allowed here ({block.endpoint}): this endpoint only queries the "
                             "registered peers' endpoints" + (f" ({', '.join(sorted(peers))})" if peers else
                                                              ", and none is registered"),
                             fr=f"SERVICE n'est pas permis ici ({block.endpoint}) : ce point d'accès n'interroge que "
                                "les points d'accès des pairs enregistrés" + (
                                    f" ({', '.join(sorted(peers))})" if peers else ", et aucun n'est enregistré")
                                + " ; retirez ce bloc SERVICE ou nommez-y l'un d'eux")
    return checked


CACHED_TEXT = 16 * 1024  # readings of texts up to this length are kept (a few hundred kB in all)


def _read(text: str, limits: Limits, update: bool, base: str | None = None) -> Checked:
    return _kept(text, limits, update, base) if len(text) <= CACHED_TEXT else read(text, limits, update, base)


@lru_cache(maxsize=256)
def _kept(text: str, limits: Limits, update: bool, base: str | None) -> Checked:
    return read(text, limits, update, base)


def check_dataset(iris: Iterable[str], graphs: Iterable[str]) -> None:
    """Refuse a dataset (FROM, FROM NAMED, default-graph-uri, named-graph-uri) naming other than these graphs."""
    known = set(graphs)
    for iri in iris:
        if iri not in known:
            raise UsageError(f"<{iri}> is not a graph of this store: a dataset may only name its graphs "
                             "(SELECT DISTINCT ?g WHERE { GRAPH ?g { } } lists them)",
                             fr=f"<{iri}> n'est pas un graphe de cette base : un jeu de données ne peut nommer que "
                                "ses graphes (SELECT DISTINCT ?g WHERE { GRAPH ?g { } } les donne)")


def _check_prefixes(tokens: Sequence[Token], declared: dict[str, str], what: str) -> None:
    """Refuse a prefixed name whose prefix the text does not declare (the engine's own words for it name what it
    expected instead, `ENCODE_FOR_URI` or `[_]`), saying the declaration to add: the one this instance's documents
    use for the prefixes they name."""
    used = {token.value.partition(":")[0] for token in tokens if token.kind == "pname"}  # declarations' own too
    if used <= declared.keys():
        return
    for token in tokens:
        prefix = token.value.partition(":")[0]
        if token.kind != "pname" or prefix in declared:
            continue
        known = PREFIXES.get(prefix)
        add = f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <…>"
        raise UsageError(f"the prefix {prefix}: of {token.value} is not declared: add `{add}` at the start of the "
                         f"{what}" + ("" if known else ", with the namespace IRI it stands for"),
                         fr=f"le préfixe {prefix}: de {token.value} n'est pas déclaré : ajoutez `{add}` au début de "
                            f"la {'mise à jour' if what == 'update' else 'requête'}"
                            + ("" if known else ", avec l'IRI de l'espace de noms qu'il désigne"))


def declarations(tokens: Sequence[Token]) -> tuple[dict[str, str], str | None]:
    """The PREFIX declarations (resolved against BASE) and the last BASE among these tokens."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_word("BASE") and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1].value, base)
            i += 2
        elif token.is_word("PREFIX") and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" \
                and tokens[i + 1].value.endswith(":") and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].value[:-1]] = _resolve(tokens[i + 2].value, base)
            i += 3
        else:
            i += 1
    return prefixes, base


def expand(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI an IRI or prefixed-name token stands for, as the engine builds it."""
    if token.kind == "iri":
        return _resolve(token.value, base)
    if token.kind == "pname":
        prefix, _, local = token.value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local.replace("\\", "")
    return None


ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _resolve(iri: str, base: str | None) -> str:
    """The IRI against the base (RFC 3986); an absolute one as it is (urljoin would drop an empty fragment:
    `<http://www.w3.org/2001/XMLSchema#>` under a BASE)."""
    if not base or ABSOLUTE.match(iri):
        return iri
    resolved = urllib.parse.urljoin(base, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved


def past_prologue(tokens: Sequence[Token], start: int = 0) -> int:
    """Where the operation after the prologue starting at `start` begins (BASE, PREFIX, and SPARQL 1.2's VERSION
    declarations); len(tokens) if none follows: one reading for queries and updates alike."""
    at = start
    while at < len(tokens) and tokens[at].is_word("BASE", "PREFIX", "VERSION"):
        at += 2 + tokens[at].is_word("PREFIX")
    return min(at, len(tokens))


def _depth(tokens: Sequence[Token], limit: int) -> int:
    """The deepest nesting of brackets; brackets inside an IRI count, as an engine reading `<` as an
    operator there would see them."""
    depth = deepest = 0
    for token in tokens:
        if token.kind == "punct":
            if token.value in ("{", "(", "[", "{|", "<<", "<<("):
                depth += 1
                deepest = max(deepest, depth)
            elif token.value in ("}", ")", "]", "|}", ">>", ")>>"):
                depth -= 1
        elif token.kind == "iri" and ("(" in token.value or "[" in token.value):
            deepest = max(deepest, depth + token.value.count("(") + token.value.count("["))
        if deepest > limit:
            break
    return deepest


COMBINING_MARKS = frozenset("{ * / ! | ^ || && = != < > <= >= << <<(".split())
# AS: each BIND, projected expression and GROUP BY expression extends the solutions by one level
COMBINING_WORDS = frozenset({"UNION", "MINUS", "OPTIONAL", "AS", "LATERAL", "GRAPH", "SERVICE", "EXISTS", "FILTER"})


TERMS = frozenset({"var", "number", "string", "iri", "pname", "bnode"})
TRUTHS = frozenset({"TRUE", "FALSE"})
ITEM_OPENERS, ITEM_CLOSERS = frozenset("(["), frozenset(")]")
LIST_OPENERS, LIST_CLOSERS = frozenset("([{"), frozenset(")]}")


def _combined(tokens: Sequence[Token]) -> int:
    """How many tokens each make the query's tree one level deeper when chained: operators (a sign that
    starts a number, after no operand, is the number's own), group patterns and the keywords joining them,
    and the items of lists (collections, object lists, the resources a DESCRIBE names)."""
    count = _listed(tokens)
    describing = False
    for i, token in enumerate(tokens):
        if describing and token.kind in ("iri", "pname", "var"):
            count += 1
            continue
        describing = token.is_word("DESCRIBE")
        if token.kind == "punct":
            if token.value == "^^" and not (i and tokens[i - 1].kind == "string"):
                count += 2  # two inverse paths, as the engine reads them
            elif token.value in COMBINING_MARKS or (token.value in ("+", "-") and not (
                    i + 1 < len(tokens) and tokens[i + 1].kind == "number" and not _operand_ends(tokens, i))):
                count += 1
        elif token.kind == "word" and token.value.upper() in COMBINING_WORDS:
            count += 1
    return count


def _listed(tokens: Sequence[Token]) -> int:
    """The items the engine reads as a chain: each item of a collection `( 1 2 … )` (an item set right after
    another, within round brackets, where expressions put an operator or a comma between theirs), each `,` of
    an object list (outside round brackets: within them, commas part a call's arguments or an IN list, which
    are flat), and each `;` of a predicate list and `.` between triple patterns within braces or brackets (the
    engine joins the patterns one by one: 3,000 `; :p ?o` or 5,000 `?s ?p ?o .` overflowed its stack). The rows of
    a VALUES block, `(1 "x") (2 "y")`, are a table the engine reads flat: their values are no collection's items."""
    count, ended, data = 0, False, 0  # data: the depth of an INSERT DATA / DELETE DATA block's braces (a flat list)
    table, heading = 0, False  # the depth of a VALUES block's braces; after VALUES, before its brace
    openers: list[str] = []
    for i, token in enumerate(tokens):  # comparisons written out: this runs on every token of every new query
        kind, value = token.kind, token.value
        punct = kind == "punct"
        if kind == "word" and value.upper() == "DATA" and i + 1 < len(tokens) and tokens[i + 1].value == "{":
            data = len(openers) + 1
        elif kind == "word" and value.upper() == "VALUES":
            heading = True
        elif heading and punct and value == "{":
            table, heading = len(openers) + 1, False
        truth = kind == "word" and value.upper() in TRUTHS
        if openers and openers[-1] == "(" and not table:
            if ended and (kind in TERMS or truth or (punct and value in ITEM_OPENERS)):
                count += 1  # `(1 -1)`, a signed number after an operand (the sign its own), an addition too
        elif punct and (value == "," or (value in (";", ".") and openers and not data)):
            count += 1
        if punct:
            if value in LIST_OPENERS:
                openers.append(value)
            elif value in LIST_CLOSERS and openers:
                if len(openers) == data:
                    data = 0
                if len(openers) == table:
                    table = 0
                openers.pop()
        ended = kind in TERMS or kind == "lang" or truth or (punct and value in ITEM_CLOSERS)
    return count


def _operand_ends(tokens: Sequence[Token], i: int) -> bool:
    """Whether the token before i ends an operand (so that a sign at i is an operator)."""
    if i == 0:
        return False
    return ends_operand(tokens[i - 1])


def _service_blocks(tokens: Sequence[Token], prefixes: dict[str, str], base: str | None) -> list[ServiceBlock]:
    blocks: list[ServiceBlock] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].is_word("SERVICE"):
            i += 1
            continue
        at = i + 1
        silent = at < len(tokens) and tokens[at].is_word("SILENT")
        at += silent
        if at >= len(tokens) or tokens[at].kind not in ("iri", "pname"):
            raise UsageError("SERVICE is not allowed here: SERVICE must name a registered peer's endpoint by "
                             "its IRI (not a variable)",
                             fr="SERVICE n'est pas permis ici : SERVICE doit nommer le point d'accès d'un pair "
                                "enregistré par son IRI (pas par une variable)")
        endpoint = expand(tokens[at], prefixes, base)
        if endpoint is None:
            raise UsageError(f"SERVICE names {tokens[at].value}, whose prefix is not declared",
                             fr=f"SERVICE nomme {tokens[at].value}, dont le préfixe n'est pas déclaré : déclarez-le "
                                "par PREFIX au début de la requête")
        opening = at + 1
        if opening >= len(tokens) or not tokens[opening].is_punct("{"):
            raise UsageError("SERVICE must be followed by an endpoint IRI and a group pattern in braces",
                             fr="SERVICE doit être suivi de l'IRI d'un point d'accès et d'un motif entre accolades")
        end = _closing(tokens, opening) + 1
        if any(t.is_word("SERVICE") for t in tokens[opening:end]):
            raise UsageError("SERVICE inside SERVICE is not evaluated here: query the inner peer from the outer one",
                             fr="un SERVICE dans un SERVICE n'est pas évalué ici : interrogez le pair intérieur "
                                "depuis l'extérieur, dans un bloc à part")
        blocks.append(ServiceBlock(i, opening, end, endpoint, silent))
        i = end
    return blocks


def _closing(tokens: Sequence[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i].kind == "punct" and tokens[i].value in ("{", "{|"):
            depth += 1
        elif tokens[i].kind == "punct" and tokens[i].value in ("}", "|}"):
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("a SERVICE block is not closed", fr="un bloc SERVICE n'est pas fermé : ajoutez l'accolade "
                                                         "fermante qui manque")


def _dataset(tokens: Sequence[Token], prefixes: dict[str, str], base: str | None) -> Iterable[str]:
    return (iri for _, iri in _clauses(tokens, prefixes, base))


def _clauses(tokens: Sequence[Token], prefixes: dict[str, str], base: str | None) -> Iterable[tuple[bool, str]]:
    """Each FROM clause's graph, and whether the clause is FROM NAMED."""
    for i, token in enumerate(tokens):
        if token.is_word("FROM"):
            named = i + 1 < len(tokens) and tokens[i + 1].is_word("NAMED")
            at = i + 1 + named
            iri = expand(tokens[at], prefixes, base) if at < len(tokens) else None
            if iri is None:
                raise UsageError("FROM must name a graph by its IRI",
                                 fr="FROM doit nommer un graphe par son IRI")
            yield named, iri


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings, IRIs and comments."""
    return deepest_nesting(text)[0]


def deepest_nesting(text: str, limit: int | None = None) -> tuple[int, int]:
    """The deepest nesting (as nesting_depth) and where it is reached; with a limit, where it is first passed.

    For documents (Turtle, JSON), whose lexical rules match SPARQL's for this purpose. Only the
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


JSON_DEPTH = 64  # levels a JSON text from outside may nest: every JSON the server reads nests a few


class NestedTooDeep(ValueError):
    """A JSON text nesting deeper than it may: refused before Python's reader sees it."""


def json_within(data: str | bytes, limit: int = JSON_DEPTH, **options: Any) -> Any:
    """A JSON text from outside, read once its nesting is measured (NestedTooDeep past `limit`; ValueError, as
    json.loads, for what is no JSON). Python's reader recurses once a level: a thousand levels raise RecursionError
    so deep in the stack that whatever the collector runs meanwhile (a finalizer) fails too, and Python writes that
    failure's traceback to the log. The scan reads Turtle's strings, comments and IRIs too: JSON has none of those
    outside its strings, and its reader stops at the first, before any level past it."""
    text = data.decode(json.detect_encoding(data)) if isinstance(data, bytes) else data
    depth, _ = deepest_nesting(text, limit)
    if depth > limit:
        raise NestedTooDeep(f"JSON nested more than {limit} levels deep")
    return json.loads(text, **options)
