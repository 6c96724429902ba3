"""A function named by an IRI is refused (400 naming it) when the engine does not have it, and only then.

The guard's verdict is held to the engine's own: each text is also compiled by Oxigraph (pyoxigraph, the
same evaluator as the engine process), which fails "The custom function … is not supported" exactly for
the calls the guard must refuse. The texts put a call in every place an expression may stand, and an IRI
followed by `(` in every place where it is not a call (a predicate or item before a collection, a path).
"""

from __future__ import annotations

import itertools

import pyoxigraph
import pytest

from isic_graph.errors import UsageError
from isic_graph.sparql.functions import calls
from isic_graph.sparql.guard import check_update, read_query
from isic_graph.sparql.lexer import tokenize

PROLOGUE = ("BASE <http://e.example/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            "PREFIX geof: <http://www.opengis.net/def/function/geosparql/> PREFIX ex: <http://e.example/> "
            "PREFIX : <urn:> ")
KNOWN = ["xsd:integer", "xsd:string", "xsd:gDay", "xsd:dayTimeDuration", "<http://www.w3.org/2001/XMLSchema#double>",
         "geof:distance", "geof:sfWithin", "<http://www.opengis.net/def/function/geosparql/asGeoJSON>"]
UNKNOWN = ["<http://e.example/f>", "<urn:x>", "xsd:foo", "xsd:int", "xsd:anyURI", "geof:buffer", "ex:f", "<f>",
           "<http://e.example/\\u0066>", ":f", "<http://www.w3.org/2005/xpath-functions#concat>",
           "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"]
GAPS = ["", " ", "\n", " # a comment\n"]
CALLS = [  # {call}: a function called on ?o
    "SELECT * WHERE {{ ?s ?p ?o FILTER({call}) }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER {call} }}",
    "SELECT * WHERE {{ ?s ?p ?o . FILTER ( ?o = {call} ) }}",
    "SELECT * WHERE {{ BIND({call} AS ?x) }}",
    "SELECT ({call} AS ?x) WHERE {{ ?s ?p ?o }}",
    "SELECT DISTINCT ?s ({call} AS ?x) {{ ?s ?p ?o }}",
    "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY {call}",
    "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY ?s DESC({call})",
    "SELECT ?x WHERE {{ ?s ?p ?o }} GROUP BY ({call} AS ?x)",
    "SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s {call}",
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (SAMPLE({call}) != 0)",
    "SELECT (SUM({call}) AS ?n) WHERE {{ ?s ?p ?o }}",
    "SELECT * WHERE {{ {{ SELECT ({call} AS ?x) WHERE {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING({call}) }} }}",
    "ASK {{ ?s ?p ?o FILTER(STR(?o) IN ({call}, 1)) }}",
    "ASK {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s ?q ?r FILTER({call}) }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o OPTIONAL {{ BIND(COALESCE({call}, 1) AS ?y) }} }}",
    "DESCRIBE ?s WHERE {{ ?s ?p ?o MINUS {{ ?s ?p ?o FILTER(!{call}) }} }}",
    "SELECT * WHERE {{ ?s ?p ?o BIND(CONCAT(STR({call}), 'a') AS ?x) }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(IF(BOUND(?o), {call}, false)) }}",
    "SELECT * WHERE {{ ?s ?p [ ?q ?o ] FILTER (( {call} )) }}",
]
NOT_CALLS = [  # {iri}: an IRI followed by a bracket that opens no call
    "SELECT * WHERE {{ ?s {iri}{gap}( 1 2 ) }}",
    "SELECT * WHERE {{ ( {iri}{gap}( 1 ) ) ?p ?o }}",
    "SELECT * WHERE {{ ?s ?p [ {iri}{gap}( 1 ) ] }}",
    "CONSTRUCT {{ ?s {iri}{gap}( 1 ) }} WHERE {{ ?s ?p ?o }}",
    "SELECT * WHERE {{ ?s a{gap}( {iri} ) }}",
    "SELECT * WHERE {{ ?s {iri}{gap}( ?x ) FILTER(?x = 1) }}",
    "SELECT * WHERE {{ ?s ( {iri} | {iri} ) ?o }}",
    "SELECT * WHERE {{ ?s {iri} / ( {iri} ) ?o }}",
    "SELECT * WHERE {{ ?s {iri} ?o ; {iri}{gap}( ?x ) }}",
    "SELECT * WHERE {{ ?s {iri} ?o , {iri}{gap}( 1 ) }}",
    "SELECT ?s WHERE {{ VALUES ( ?x ) {{ ( {iri} ) }} ?x {iri}{gap}( 1 ) }} ORDER BY ?s",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ ?o {iri}{gap}( true ) }} }}",
    "SELECT ?s {{ ?s {iri}{gap}( ?o ) }} GROUP BY ?s",
    "SELECT (1 AS ?one) WHERE {{ ?s {iri}{gap}( {iri}{gap}( 1 ) ) }}",
]


def engine_refuses(text: str) -> bool:
    """Whether the engine refuses the text for a function it does not have."""
    try:
        pyoxigraph.Store().query(text)
    except (RuntimeError, SyntaxError, ValueError) as exc:
        assert "custom function" in str(exc) or isinstance(exc, SyntaxError), (text, exc)
        return "custom function" in str(exc)
    return False


def guard_refuses(text: str) -> bool:
    try:
        read_query(text)
    except UsageError as exc:
        assert "function" in exc.message and "fonction" in exc.text("fr"), (text, exc.message)
        return True
    return False


@pytest.mark.parametrize("template", CALLS)
def test_a_call_is_refused_exactly_when_the_engine_has_no_such_function(template: str) -> None:
    for name, gap in itertools.product(KNOWN + UNKNOWN, GAPS):
        text = PROLOGUE + template.format(call=f"{name}{gap}(?o)")
        assert guard_refuses(text) == engine_refuses(text) == (name in UNKNOWN), text


@pytest.mark.parametrize("template", NOT_CALLS)
def test_an_iri_before_a_collection_or_in_a_path_is_no_call(template: str) -> None:
    for name, gap in itertools.product(KNOWN + UNKNOWN, GAPS):
        text = PROLOGUE + template.format(iri=name, gap=gap)
        assert not engine_refuses(text), text
        assert not guard_refuses(text), text


def test_the_refusal_names_the_function_as_written_and_as_the_engine_reads_it() -> None:
    with pytest.raises(UsageError) as refused:
        read_query("SELECT * WHERE { BIND(<http://e.example/f>(1) AS ?x) }")
    assert refused.value.status == 400 and "<http://e.example/f>" in refused.value.message
    with pytest.raises(UsageError) as refused:
        read_query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { ?s ?p ?o FILTER(xsd:foo(?o)) }")
    assert "xsd:foo (<http://www.w3.org/2001/XMLSchema#foo>)" in refused.value.message
    assert "xsd:foo" in refused.value.text("fr") and "n'est pas une de celles du moteur" in refused.value.text("fr")


@pytest.mark.parametrize("update", [
    "PREFIX ex: <http://e.example/> INSERT {{ ?s <urn:p> ?x }} WHERE {{ ?s ?p ?o BIND({call} AS ?x) }}",
    "PREFIX ex: <http://e.example/> WITH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER({call}) }}",
    "PREFIX ex: <http://e.example/> INSERT DATA {{ <urn:a> <urn:b> 1 }} ; DELETE WHERE {{ ?s ?p ?o }} ; "
    "INSERT {{ ?s <urn:p> ?x }} WHERE {{ ?s ?p ?o BIND({call} AS ?x) }}",
])
def test_an_update_calling_a_function_the_engine_has_not_is_refused(update: str) -> None:
    for name in ("<http://e.example/f>", "ex:f", "<urn:x>"):
        with pytest.raises(UsageError, match="function"):
            check_update(update.format(call=f"{name}(?o)"))
    check_update(update.format(call="<http://www.w3.org/2001/XMLSchema#integer>(?o)"))
    check_update("INSERT DATA { <urn:a> <urn:b> ( 1 2 ) }")


def test_only_the_called_iris_are_calls() -> None:
    tokens = tokenize("SELECT (<urn:f>(?o) AS ?x) WHERE { ?s <urn:p> (<urn:q> (1)) FILTER(<urn:g> (?s)) } "
                      "ORDER BY <urn:h>(?x)")
    assert [t.value for t in calls(tokens)] == ["urn:f", "urn:g", "urn:h"]
