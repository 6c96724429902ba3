"""A query may build a text holding a character XML 1.0 cannot carry ("a\\u0001b"): the engine wrote it as it was,
and a SPARQL XML or RDF/XML answer came with 200 that no XML reader could read ("not well-formed"). Such an answer
is refused (406), naming the character and the formats that carry it, in the client's language; a tab or a line
end, which XML carries, is answered as before."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

BUILT = ['"a\\u0001b"', '"\\u0000"', '"x\\u001Fy"', '"\\uFFFE"', '"\\uFFFF"', 'CONCAT("a", "\\u000B")',
         'REPLACE("abc", "b", "\\u0008")', 'STRLANG("\\u000C", "fr")']


@pytest.mark.parametrize("value", BUILT)
@pytest.mark.parametrize("lang, said", [("en", "which XML cannot carry: ask for"),
                                        ("fr", "que XML ne peut pas porter : demandez-la en")])
def test_an_xml_answer_holding_what_xml_cannot_carry_is_refused(client: FlaskClient, value: str, lang: str,
                                                                said: str) -> None:
    for query, accept, others in (
            (f"SELECT ?x WHERE {{ BIND({value} AS ?x) }}", "application/sparql-results+xml", "SPARQL JSON"),
            (f"CONSTRUCT {{ <http://ex.org/s> <http://ex.org/p> ?x }} WHERE {{ BIND({value} AS ?x) }}",
             "application/rdf+xml", "Turtle")):
        answer = client.post("/sparql", data={"query": query}, headers={"Accept": accept, "Accept-Language": lang})
        assert answer.status_code == 406, (query, answer.get_data()[:300])
        detail = answer.get_json()["detail"]
        assert said in detail and others in detail and "U+" in detail, detail
        as_json = client.post("/sparql", data={"query": query}, headers={
            "Accept": "application/sparql-results+json" if accept.endswith("results+xml") else "application/n-triples"})
        assert as_json.status_code == 200


@pytest.mark.parametrize("value", ['"a\\tb"', '"a\\nb"', '"é ✓ \\u007F"'])
def test_what_xml_carries_is_answered_in_xml(client: FlaskClient, value: str) -> None:
    answer = client.post("/sparql", data={"query": f"SELECT ?x WHERE {{ BIND({value} AS ?x) }}"},
                         headers={"Accept": "application/sparql-results+xml"})
    assert answer.status_code == 200
    literal = ElementTree.fromstring(answer.get_data()).find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert literal is not None and literal.text == json.loads(value.replace("\\u007F", "\\u007f"))
