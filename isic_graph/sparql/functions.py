"""The functions a query may call by IRI: the ones the query engine has, read from the guard's tokens.

SPARQL's built-ins (STR, CONCAT, REGEX…) are keywords; a function named by an IRI is an extension, and an
engine that does not have it fails at run time (Oxigraph answers HTTP 500 "The custom function … is not
supported", which read as the engine having stopped). Such a call is refused here with 400 naming it. Known:
the XSD casts and the GeoSPARQL functions that Oxigraph (0.5) evaluates, each tried on the engine.

An IRI followed by `(` is a call only in an expression: in a triple pattern it is a predicate or an item
followed by a collection (`?s <urn:p> (1 2)`). So the tokens are walked with what each open bracket is: a
group `{ }` or a node `[ ]` holds triples; a `( )` is an expression when it follows a keyword (FILTER,
BIND, STR…, but `a`, `true`, `false`), a called IRI, or is opened within an expression, in a projection
(`SELECT (… AS ?x)`) or in the solution modifiers (GROUP BY, HAVING, ORDER BY); any other `( )` is a
collection, a path or a list of variables.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

from isic_graph.errors import UsageError
from isic_graph.sparql.lexer import Token

XSD = "http://www.w3.org/2001/XMLSchema#"
CASTS = frozenset(XSD + name for name in (
    "string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time", "duration",
    "yearMonthDuration", "dayTimeDuration", "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth"))
GEOF = "http://www.opengis.net/def/function/geosparql/"
GEOSPARQL = frozenset(GEOF + name for name in (
    "sfContains", "sfIntersects", "sfWithin", "sfTouches", "sfCrosses", "sfOverlaps", "sfDisjoint", "sfEquals",
    "ehEquals", "ehDisjoint", "ehMeet", "ehOverlap", "ehCovers", "ehCoveredBy", "ehInside", "ehContains",
    "rcc8eq", "rcc8dc", "rcc8ec", "rcc8po", "rcc8tppi", "rcc8tpp", "rcc8ntpp", "rcc8ntppi",
    "distance", "envelope", "convexHull", "intersection", "union", "difference", "symDifference", "getSRID",
    "relate", "area", "length", "isEmpty", "isSimple", "dimension", "asGeoJSON"))
KNOWN = CASTS | GEOSPARQL
NAMES = frozenset({"iri", "pname"})
NOT_CALLS = frozenset({"A", "TRUE", "FALSE"})  # words that end a term: a `(` after them opens a collection
CLAUSE_STARTS = {"SELECT": "projection", "BY": "modifiers", "HAVING": "modifiers"}
CLAUSE_ENDS = frozenset({"WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"})


def check_functions(tokens: Sequence[Token], expand: Callable[[Token], str | None]) -> None:
    """Refuse (UsageError, 400) a call of a function named by an IRI that the engine does not have."""
    for token in calls(tokens):
        iri = expand(token)
        if iri is not None and iri not in KNOWN:
            name = f"<{iri}>" if token.kind == "iri" else f"{token.value} (<{iri}>)"
            raise UsageError(
                f"the function {name} is not one the query engine has: a query may call the SPARQL built-ins "
                "(STR, CONCAT, REGEX…), the XSD casts (xsd:string, xsd:integer, xsd:decimal, xsd:double, "
                "xsd:boolean, xsd:date, xsd:dateTime…) and the GeoSPARQL functions (geof:distance, "
                "geof:sfWithin…)",
                fr=f"la fonction {name} n'est pas une de celles du moteur de requêtes : une requête peut appeler "
                   "les fonctions de SPARQL (STR, CONCAT, REGEX…), les conversions XSD (xsd:string, xsd:integer, "
                   "xsd:decimal, xsd:double, xsd:boolean, xsd:date, xsd:dateTime…) et les fonctions GeoSPARQL "
                   "(geof:distance, geof:sfWithin…)")


def calls(tokens: Sequence[Token]) -> Iterator[Token]:
    """The IRI and prefixed-name tokens that name a function called in an expression."""
    if not any(a.kind in NAMES and b.value == "(" and b.kind == "punct" for a, b in zip(tokens, tokens[1:])):
        return  # no IRI before a bracket: most queries, read at no more cost
    opened: list[str] = []  # for each open bracket: "group", "node", "expr" or "list"
    clause: tuple[str, int] | None = None  # a projection or the solution modifiers, and the depth they are at
    called = False  # whether the previous token named a called function
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i else None
        at_clause = clause is not None and clause[1] == len(opened)
        in_expression = bool(opened) and opened[-1] == "expr"
        was_called, called = called, False
        if token.kind in ("iri", "pname"):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if following is not None and following.is_punct("(") and (
                    in_expression or at_clause or (previous is not None and previous.is_word("FILTER"))):
                called = True
                yield token
        elif token.kind == "word":
            word = token.value.upper()
            if word in CLAUSE_STARTS:
                clause = (CLAUSE_STARTS[word], len(opened))
            elif word in CLAUSE_ENDS and at_clause:
                clause = None
        elif token.is_punct("("):
            expression = in_expression or at_clause or was_called or (
                previous is not None and previous.kind == "word" and previous.value.upper() not in NOT_CALLS)
            opened.append("expr" if expression else "list")
        elif token.is_punct("{", "{|", "[", "<<"):
            if at_clause:
                clause = None
            opened.append("node" if token.value == "[" else "group")
        elif token.is_punct(")", "]", "}", "|}", ">>") and opened:
            opened.pop()
            if clause is not None and clause[1] > len(opened):
                clause = None


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LANGUAGE_DATATYPES = frozenset({RDF + "langString", RDF + "dirLangString"})  # a language tag's, never a datatype's


def check_datatypes(tokens: Sequence[Token], expand: Callable[[Token], str | None]) -> None:
    """Refuse (400) what makes a literal no RDF reader takes: `"x"^^rdf:langString` (the datatype of a literal that
    has a language tag, which none then has), named anywhere, and a STRDT whose datatype is not written as an IRI
    (`STRDT("x", DATATYPE("y"@fr))` is the same literal): the engine built it, and its answer could not be read."""
    for token in tokens:
        if token.kind in NAMES and expand(token) in LANGUAGE_DATATYPES:
            _refuse(f"{token.value if token.kind == 'pname' else '<' + str(expand(token)) + '>'} is the datatype of "
                    "a literal with a language tag, which no literal may be given otherwise",
                    f"{token.value if token.kind == 'pname' else '<' + str(expand(token)) + '>'} est le type des "
                    "littéraux à étiquette de langue, qu'aucun littéral ne peut recevoir autrement")
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.value.upper() == "STRDT" and not _constant_datatype(tokens, i + 1):
            _refuse("STRDT's datatype is written as an IRI (STRDT(?x, xsd:date)), not computed",
                    "le type donné à STRDT s'écrit comme une IRI (STRDT(?x, xsd:date)), sans être calculé")


def _constant_datatype(tokens: Sequence[Token], opening: int) -> bool:
    """Whether the call opening at `opening` (its `(`) has for its last argument one IRI or prefixed name."""
    depth, comma = 0, None
    for j in range(opening, len(tokens)):
        mark = tokens[j].value if tokens[j].kind == "punct" else None
        if mark in ("(", "[", "{"):
            depth += 1
        elif mark in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return comma is not None and j == comma + 2 and tokens[comma + 1].kind in NAMES
        elif mark == "," and depth == 1:
            comma = j
    return False


def _refuse(en: str, fr: str) -> None:
    raise UsageError(f"{en}: such a literal can be read by no RDF reader; give a language tag (\"x\"@fr) or "
                     "another datatype",
                     fr=f"{fr} : un tel littéral ne peut être lu par aucun lecteur RDF ; donnez une étiquette de "
                        "langue (\"x\"@fr) ou un autre type")
