"""A media range (`text/*`, `application/*`) in Accept matches the answer formats of that type alone, with its
q-value, as on every other route: `/sparql` answered `text/*` with JSON results, and a CONSTRUCT asked as
`application/*` with Turtle, types the client never accepted."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"


@pytest.mark.parametrize(("query", "accept", "fits"), [
    (SELECT, "text/*", "text/"),
    (SELECT, "text/*;q=0.9, application/sparql-results+xml;q=0.1", "text/"),
    (SELECT, "application/*", "application/"),
    (SELECT, "application/*;q=0.2, text/csv;q=0.1", "application/"),
    (CONSTRUCT, "application/*", "application/"),
    (CONSTRUCT, "application/*, text/turtle;q=0.5", "application/"),
    (CONSTRUCT, "text/*", "text/"),
])
def test_a_media_range_gets_an_answer_of_its_type(client: FlaskClient, query: str, accept: str, fits: str) -> None:
    for method in ("GET", "POST"):
        answer = client.open("/sparql", method=method, query_string={"query": query} if method == "GET" else None,
                             data={"query": query} if method == "POST" else None, headers={"Accept": accept})
        assert answer.status_code == 200, (method, accept, answer.data[:200])
        assert answer.mimetype.startswith(fits), (method, accept, answer.mimetype)


def test_a_range_of_a_type_the_form_has_no_answer_in_is_refused(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/*"})
    assert answer.status_code == 406


@pytest.mark.parametrize(("query", "name", "media_type"), [(CONSTRUCT, "n-triples", "application/n-triples"),
                                                           (CONSTRUCT, "N-Triples", "application/n-triples")])
def test_a_format_named_as_its_spec_names_it_is_served(client: FlaskClient, query: str, name: str,
                                                       media_type: str) -> None:
    answer = client.get("/sparql", query_string={"query": query, "format": name})
    assert answer.status_code == 200 and answer.mimetype == media_type


def test_a_refusal_names_an_ask_query_in_english(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                        headers={"Accept": "image/png", "Accept-Language": "en"})
    assert answer.status_code == 406 and "an ASK query's answer" in answer.json["detail"]
