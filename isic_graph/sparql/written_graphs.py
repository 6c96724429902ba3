"""The named graphs an administrator's update may write, told from its text, so that the default graph is kept in
step for those graphs alone (sparql/default_graph.py) rather than rebuilt from every graph of the store.

The answer over-counts on purpose: every IRI the update names, whatever its place (a subject, a predicate, a
graph). Keeping the default graph for a graph that was not written leaves it as it was (its triples leave it
before the update and come back after), so only a graph written and not counted could leave the default graph
wrong; when the text cannot rule that out, the answer is None and the caller rebuilds the default graph whole.
"""

from __future__ import annotations

from typing import Sequence

from isic_graph.sparql.guard import declarations, expand
from isic_graph.sparql.lexer import Token
from isic_graph.sparql.terms import is_iri

MANY = 64  # IRIs named: beyond, keeping the default graph graph by graph costs about what the rebuild does


def written_graphs(tokens: Sequence[Token]) -> list[str] | None:
    """Every IRI an update's tokens name (a superset of the graphs it may write), sorted; None when it may write a
    graph it does not name or names in a way this reading does not follow: a variable after GRAPH, ADD / MOVE /
    COPY, CLEAR / DROP ALL or NAMED, a prefix or base declared more than once, a prefixed name of a prefix it
    does not declare (an engine may declare some itself), or more than MANY IRIs. None too for an update that
    opens with PREFIX, BASE or VERSION (SPARQL 1.2's): what keeps the default graph for given graphs goes before the
    update in the same request, and Oxigraph takes no prologue after the request's first operation."""
    if tokens and tokens[0].is_word("PREFIX", "BASE", "VERSION"):
        return None
    labels = [tokens[i + 1].value for i, t in enumerate(tokens[:-1]) if t.is_word("PREFIX")]
    if len(labels) != len(set(labels)) or sum(t.is_word("BASE") for t in tokens) > 1:
        return None
    for i, token in enumerate(tokens):
        following = tokens[i + 1:i + 3]
        if token.is_word("ADD", "MOVE", "COPY") \
                or (token.is_word("GRAPH") and following[:1] and following[0].kind == "var") \
                or (token.is_word("DROP", "CLEAR") and any(t.is_word("ALL", "NAMED") for t in following)):
            return None
    prefixes, base = declarations(tokens)
    named: set[str] = set()
    for token in tokens:
        if token.kind not in ("iri", "pname"):
            continue
        name = expand(token, prefixes, base)
        if name is None or not is_iri(name):  # written into the keeping operations as the terms module allows
            return None
        named.add(name)
    if not named or len(named) > MANY:
        return None
    return sorted(named)
