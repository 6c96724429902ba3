"""The graphs an administrator's update may write, told from its text: every IRI it names, or None when the text
leaves room for a graph it does not name (the default graph is then rebuilt whole)."""

from __future__ import annotations

import pytest

from isic_graph.sparql.guard import check_update
from isic_graph.sparql.update_dataset import for_engine
from isic_graph.sparql.written_graphs import MANY, written_graphs


def told(update: str) -> list[str] | None:
    return written_graphs(for_engine(check_update(update)).checked.tokens)


@pytest.mark.parametrize("update, graphs", [
    ("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }", ["urn:g", "urn:p", "urn:s"]),
    ("DROP GRAPH <urn:g> ; PREFIX x: <urn:x:> DELETE { GRAPH x:A { ?s x:p ?o } } WHERE { GRAPH x:A { ?s x:p ?o } }",
     ["urn:g", "urn:x:", "urn:x:A", "urn:x:p"]),
    ("DROP GRAPH <urn:g> ; BASE <http://e.org/a/> INSERT DATA { GRAPH <g> { <s> <p> 1 } }",
     ["http://e.org/a/", "http://e.org/a/g", "http://e.org/a/p", "http://e.org/a/s", "urn:g"]),
    ("WITH <urn:g> INSERT { ?s <urn:p> 1 } WHERE { ?s <urn:q> 2 }", ["urn:g", "urn:p", "urn:q"]),
    ("INSERT DATA { GRAPH <urn:\\u0041> { <urn:s> <urn:p> 1 } }", ["urn:A", "urn:p", "urn:s"]),
    ("DROP SILENT GRAPH <urn:g> ; CLEAR GRAPH <urn:h>", ["urn:g", "urn:h"]),
], ids=["data", "prefixed", "base", "with", "escaped", "drop-and-clear"])
def test_every_iri_an_update_names_is_counted(update: str, graphs: list[str]) -> None:
    assert told(update) == graphs, update


@pytest.mark.parametrize("update", [
    "INSERT { GRAPH ?g { <urn:s> <urn:p> 1 } } WHERE { VALUES ?g { <urn:g> } }",
    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DELETE { GRAPH <urn:g> { ?s ?p ?o } } WHERE { GRAPH $g { ?s ?p ?o } }",
    "COPY <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
    "MOVE <urn:a> TO <urn:b>",
    "DROP ALL",
    "CLEAR SILENT NAMED",
    "PREFIX x: <urn:x:> INSERT DATA { GRAPH x:g { x:s x:p 1 } }",
    "BASE <urn:a/> INSERT DATA { GRAPH <g> { <s> <p> 1 } }",
    'VERSION "1.2" INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }',
    "DROP GRAPH <urn:g> ; PREFIX x: <urn:x:> PREFIX x: <urn:y:> INSERT DATA { GRAPH x:g { x:s x:p 1 } }",
    "DROP GRAPH <urn:g> ; BASE <urn:a/> INSERT DATA { GRAPH <g> { <s> <p> 1 } } ; BASE <urn:b/> INSERT DATA "
    "{ GRAPH <g> { <s> <p> 2 } }",
    "INSERT DATA { }",
    "INSERT DATA { GRAPH <urn:g> { " + " ".join(f"<urn:s{i}> <urn:p> 1 ." for i in range(MANY)) + " } }",
], ids=["graph-variable", "delete-where-variable", "dollar-variable", "copy", "add", "move", "drop-all", "clear-named",
        "opens-with-a-prefix", "opens-with-a-base", "opens-with-a-version", "prefix-twice", "base-twice",
        "no-iri",
        "too-many"])
def test_an_update_that_may_write_a_graph_it_does_not_name_is_not_told(update: str) -> None:
    assert told(update) is None, update
