"""A peer's answer to a SERVICE block, read into the VALUES block the engine joins: only the variables the block
itself can bind come in, the head's variables must be a list of SPARQL names, and every term must be valid RDF."""

from __future__ import annotations

from typing import Any

import pytest

from isic_graph.errors import PeerUnavailable
from isic_graph.federation.peers import Peer
from isic_graph.federation.service import in_scope, values
from isic_graph.sparql.lexer import tokenize, write

PEER = Peer("south", "http://127.0.0.1:9/sparql", None, "2026-01-01T00:00:00+00:00", True)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.mark.parametrize("block, names", [
    ("{ ?s ?p ?o }", {"s", "p", "o"}),
    ("{ ?s <urn:p>/<urn:q>* ?o . OPTIONAL { ?o <urn:r> ?r } }", {"s", "o", "r"}),
    ("{ { ?a <urn:p> ?b } UNION { GRAPH ?g { ?c <urn:p> ?d } } }", {"a", "b", "g", "c", "d"}),
    ("{ ?s ?p ?o FILTER(?o != ?z && EXISTS { ?z <urn:p> ?w }) }", {"s", "p", "o"}),
    ("{ ?s ?p ?o FILTER regex(str(?z), 'a') FILTER NOT EXISTS { ?w ?v ?u } FILTER EXISTS { ?t ?t ?t } }",
     {"s", "p", "o"}),
    ("{ ?s ?p ?o MINUS { ?s <urn:p> ?m } }", {"s", "p", "o"}),
    ("{ ?s ?p ?o BIND(IF(?hidden, ?o, ?other) AS ?b) }", {"s", "p", "o", "b"}),
    ("{ VALUES (?v ?w) { (1 UNDEF) } ?v <urn:p> ?x }", {"v", "w", "x"}),
    ("{ SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o ; <urn:q> ?inner } GROUP BY ?s HAVING(COUNT(?z) > 1) }",
     {"s", "n"}),
    ("{ ?x <urn:p> ?y { SELECT DISTINCT * { ?y <urn:q> ?z FILTER(?f) } } }", {"x", "y", "z"}),
    ("{ { SELECT ?a { ?a ?b ?c } ORDER BY ?c } ?a <urn:p> ?d }", {"a", "d"}),
    ("{ ?s ?p ?o {| <urn:r> ?annotated |} }", {"s", "p", "o", "annotated"}),
])
def test_the_variables_a_block_can_bind_are_what_select_star_over_it_projects(block: str, names: set[str]) -> None:
    assert in_scope(tokenize(block)) == names


def answer(names: Any, *rows: dict[str, Any]) -> dict[str, Any]:
    return {"head": {"vars": names}, "results": {"bindings": list(rows)}}


IRI = {"type": "uri", "value": "http://127.0.0.1:5301/id/project/les-incompris"}


def test_a_variable_the_block_does_not_use_is_refused_when_a_row_binds_it() -> None:
    hostile = answer(["s", "x"], {"s": {"type": "uri", "value": "x:a"}, "x": IRI})
    with pytest.raises(PeerUnavailable, match=r"peer south answered variables the SERVICE block does not use: \?x$"):
        values(hostile, PEER, frozenset({"s", "o", "l"}))


def test_a_variable_listed_by_the_peer_but_bound_in_no_row_is_left_out() -> None:
    listed = answer(["s", "z"], {"s": IRI}, {})
    assert write(values(listed, PEER, frozenset({"s"}))) == f"VALUES ( ?s ) {{ ( <{IRI['value']}> ) ( UNDEF ) }}"


def test_the_blocks_variables_come_in_and_a_subset_is_enough() -> None:
    honest = answer(["o"], {"o": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#int"}})
    assert write(values(honest, PEER, frozenset({"s", "o"}))) == \
        'VALUES ( ?o ) { ( "1" ^^ <http://www.w3.org/2001/XMLSchema#int> ) }'


@pytest.mark.parametrize("names, problem", [
    ("s", "without a list of variable names"),
    ([1], "without a list of variable names"),
    (None, "without a list of variable names"),
    (["1 ?x"], "odd variable name"),
    (["?s"], "odd variable name"),
    (["s", "s"], "variable named twice"),
])
def test_the_heads_variables_must_be_a_list_of_sparql_names(names: Any, problem: str) -> None:
    with pytest.raises(PeerUnavailable, match=f"peer south answered .*{problem}"):
        values(answer(names), PEER, frozenset({"s"}))


@pytest.mark.parametrize("term", [
    {"type": "literal", "value": "x", "datatype": RDF + "langString"},
    {"type": "literal", "value": "x", "datatype": RDF + "dirLangString"},
    {"type": "literal", "value": "x", "xml:lang": "en", "datatype": "x:y"},
    {"type": "literal", "value": "x", "xml:lang": "en", "datatype": "http://www.w3.org/2001/XMLSchema#string"},
    {"type": "literal", "value": "x", "xml:lang": ""},
    {"type": "literal", "value": "x", "xml:lang": 1},
    {"type": "literal", "value": 1},
    {"type": "literal", "value": "x", "datatype": ["x:y"]},
    {"type": "literal", "value": "x", "xml:lang": "not a tag"},
    {"type": "uri", "value": "not an iri> ."},
    {"type": "triple", "value": {}},
])
def test_a_term_that_is_not_valid_rdf_is_refused(term: dict[str, Any]) -> None:
    with pytest.raises(PeerUnavailable, match="peer south answered with a term that is not valid RDF"):
        values(answer(["s"], {"s": term}), PEER, frozenset({"s"}))


@pytest.mark.parametrize("term, written", [
    ({"type": "literal", "value": "x", "xml:lang": "en"}, '"x" @en'),
    ({"type": "literal", "value": "x", "xml:lang": "en", "datatype": RDF + "langString"}, '"x" @en'),
    ({"type": "literal", "value": "x"}, '"x" ^^ <http://www.w3.org/2001/XMLSchema#string>'),
    ({"type": "typed-literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
     '"2" ^^ <http://www.w3.org/2001/XMLSchema#integer>'),
])
def test_valid_literals_are_carried_as_they_are(term: dict[str, Any], written: str) -> None:
    assert write(values(answer(["s"], {"s": term}), PEER, frozenset({"s"}))) == f"VALUES ( ?s ) {{ ( {written} ) }}"
