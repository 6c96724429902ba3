"""Keywords glued to what follows them: read one way here, another by the engine.

The engine (Oxigraph) matches a keyword by its letters alone, whatever follows them: `SERVICESILENT<…>` is
SERVICE SILENT <…> to it, `SERVICE:x` is SERVICE and the prefixed name `:x`, `FROMNAMED<…>` is FROM NAMED
<…>. The lexer reads each as one word or one prefixed name, as the grammar's terminals say, and the checks
(SERVICE, the dataset, LOAD, the graphs an update writes) would pass over them. Such a text has two
readings, and is refused with 400 (`check_glued`):

- a word that is no keyword of SPARQL but begins with one (`SERVICESILENT`, `LIMIT10`, `servicex`);
- a prefixed name whose prefix begins with a keyword that changes what the engine fetches, reads or writes
  (`SERVICE:x`, `FROMX:y`; in an update `CREATESILENTGRAPH:g`, `DROPGRAPH:g` too). Other prefixes named like
  keywords stay (`insert:data` in a query, `a:p`): where the engine could read the keyword, the text would be
  no query it runs.
"""

from __future__ import annotations

from typing import Sequence

from isic_graph.errors import UsageError
from isic_graph.sparql.lexer import Token

# SPARQL 1.1's keywords and built-ins (section 19.8 of the grammar), and SPARQL 1.2's and Oxigraph's
KEYWORDS = frozenset("""
BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC
LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD TO MOVE COPY INSERT DATA DELETE WITH USING DEFAULT
GRAPH ALL OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER TRUE FALSE NOT IN EXISTS STR LANG LANGMATCHES DATATYPE
BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS
STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256
SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
VERSION LANGDIR HASLANG HASLANGDIR STRLANGDIR TRIPLE ISTRIPLE SUBJECT PREDICATE OBJECT LATERAL ADJUST
""".split())
# the keywords whose reading changes what the engine fetches, which graphs it reads, or what the prologue declares
QUERY_PREFIXES = ("SERVICE", "SILENT", "FROM", "NAMED", "LOAD", "PREFIX")
# and, in an update, which graphs it writes
UPDATE_PREFIXES = QUERY_PREFIXES + ("CREATE", "DROP", "CLEAR", "ADD", "MOVE", "COPY", "TO", "INTO", "WITH",
                                    "USING", "INSERT", "DELETE", "DATA", "GRAPH", "DEFAULT", "ALL", "WHERE")


def check_glued(tokens: Sequence[Token], update: bool) -> None:
    """Refuse (UsageError, 400) a word or a prefixed name that the engine would read as a keyword glued to what
    follows it."""
    prefixes = UPDATE_PREFIXES if update else QUERY_PREFIXES
    for token in tokens:
        if token.kind == "word":
            word = token.value.upper()
            if word in KEYWORDS or token.value == "a":
                continue
            keyword = _begins(word, KEYWORDS)
            if keyword is not None:
                raise UsageError(
                    f"'{token.value[:40]}' is no SPARQL word, but begins with the keyword {keyword}, which the query "
                    f"engine would read there: write a space after {keyword}",
                    fr=f"« {token.value[:40]} » n'est pas un mot de SPARQL, mais commence par le mot-clé {keyword}, "
                       f"que le moteur de requêtes lirait là : mettez une espace après {keyword}")
        elif token.kind == "pname":
            prefix = token.value.partition(":")[0].upper()
            keyword = _begins(prefix, prefixes) if prefix else None
            if keyword is not None:
                raise UsageError(
                    f"the prefix '{token.value.partition(':')[0][:40]}:' begins with the keyword {keyword}, which "
                    "the query engine would read there: give the prefix another name",
                    fr=f"le préfixe « {token.value.partition(':')[0][:40]}: » commence par le mot-clé {keyword}, "
                       "que le moteur de requêtes lirait là : donnez un autre nom au préfixe")


def _begins(word: str, keywords: Sequence[str] | frozenset[str]) -> str | None:
    """The longest keyword the word begins with (its letters, without case), if any."""
    found = [k for k in keywords if word.startswith(k)]
    return max(found, key=len) if found else None


__all__ = ["KEYWORDS", "check_glued"]
