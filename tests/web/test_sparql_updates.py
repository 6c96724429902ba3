"""/sparql and updates: an update, however it is spelled and sent, is refused with 400 `update-not-accepted`
pointing to /update, in English and in French; the decision is the guard's reading (its tokens), so a query that
merely holds an update's word in a string, an IRI, a name or a comment runs."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.queries import COUNT_LESSONS
from tests.web.test_sparql import lesson_count

UPDATES = [  # an update, and the word the refusal names
    ("INSERT DATA { <a:a> <a:a> <a:a> }", "INSERT"),
    ("DELETE DATA { <a:a> <a:a> <a:a> }", "DELETE"),
    ("DELETE WHERE { ?s <a:p> ?o }", "DELETE"),
    ("INSERT { ?s <a:q> ?o } WHERE { ?s <a:p> ?o }", "INSERT"),
    ("DELETE { ?s <a:p> ?o } INSERT { ?s <a:q> ?o } WHERE { ?s <a:p> ?o }", "DELETE"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:g>", "LOAD"),
    ("LOAD SILENT <http://127.0.0.1:9/data.ttl>", "LOAD"),
    ("CLEAR ALL", "CLEAR"), ("CLEAR GRAPH <urn:g>", "CLEAR"), ("DROP ALL", "DROP"),
    ("DROP SILENT GRAPH <urn:g>", "DROP"), ("CREATE GRAPH <urn:g>", "CREATE"), ("ADD DEFAULT TO <urn:g>", "ADD"),
    ("MOVE <urn:g> TO <urn:h>", "MOVE"), ("COPY SILENT <urn:g> TO DEFAULT", "COPY"),
    ("PREFIX a: <urn:a#> INSERT DATA { a:s a:p a:o }", "INSERT"),
    ("BASE <urn:b/> PREFIX a: <x#> PREFIX : <y#> DELETE DATA { <s> a:p :o }", "DELETE"),
    ("# a comment first\n  insert data { <a:a> <a:a> 'x' }", "INSERT"),
    ("prefix a: <urn:a#>\n# SELECT * WHERE {}\ndelete where { ?s a:p ?o }", "DELETE"),
    ("\tiNsErT\n\tDATA { <a:a> <a:a> <a:a> } ; DROP ALL", "INSERT"),
    ("INSERT DATA { <a:a> <a:a> 'SELECT * WHERE { ?s ?p ?o }' }", "INSERT"),
    ("Copy<urn:g>TO<urn:h>", "COPY"),
]


def sent(client: FlaskClient, route: str, text: str, headers: dict[str, str]) -> TestResponse:
    if route == "get":
        return client.get("/sparql", query_string={"query": text}, headers=headers)
    if route == "form":
        return client.post("/sparql", data={"query": text}, headers=headers)
    return client.post("/sparql", data=text.encode(), content_type="application/sparql-query", headers=headers)


def problem(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status and response.mimetype == "application/problem+json", response.data[:300]
    body: dict[str, Any] = response.json or {}
    assert body["code"] == code and body["type"].endswith("/" + code) and body["status"] == status
    return body


def assert_points_to_update(body: dict[str, Any], lang: str) -> None:
    detail = body["detail"]
    if lang == "en":
        assert "updates are not accepted here: send them to /update" in detail
        assert "administrator's token" in detail and "/api/networks/{slug}/sheets" in detail
    else:
        assert "les mises à jour ne sont pas acceptées ici : envoyez-les à /update" in detail
        assert "jeton de l'administrateur" in detail and "/graph-store" in detail
        assert "detail_en" not in body  # the error's own French words, not its class's


@pytest.mark.parametrize("route", ["get", "form", "direct"])
@pytest.mark.parametrize("text, word", UPDATES)
def test_an_update_sent_as_a_query_is_400_pointing_to_update_in_both_languages(client: FlaskClient, route: str,
                                                                              text: str, word: str) -> None:
    english = problem(sent(client, route, text, {}), 400, "update-not-accepted")
    assert_points_to_update(english, "en")
    assert english["detail"].startswith(f"this text is an update (it starts with {word}), not a query")
    french = problem(sent(client, route, text, {"Accept-Language": "fr"}), 400, "update-not-accepted")
    assert_points_to_update(french, "fr")
    assert french["detail"].startswith(f"ce texte est une mise à jour (il commence par {word}), pas une requête")
    assert french["title"] != english["title"]


def test_load_sent_as_a_query_says_that_update_refuses_it_too(client: FlaskClient) -> None:
    english = problem(sent(client, "get", "LOAD <http://127.0.0.1:9/x.ttl>", {}), 400, "update-not-accepted")
    french = problem(sent(client, "form", "load <http://127.0.0.1:9/x.ttl>", {"Accept-Language": "fr"}), 400,
                     "update-not-accepted")
    assert "/update refuses LOAD too" in english["detail"] and "/update refuse LOAD aussi" in french["detail"]


@pytest.mark.parametrize("how", ["get", "form", "url-of-a-post", "form-with-a-query"])
def test_an_update_parameter_is_400_pointing_to_update_in_both_languages(client: FlaskClient, how: str) -> None:
    for lang in ("en", "fr"):
        headers = {"Accept-Language": lang}
        if how == "get":
            answer = client.get("/sparql", query_string={"update": "DROP ALL"}, headers=headers)
        elif how == "form":
            answer = client.post("/sparql", data={"update": "DROP ALL"}, headers=headers)
        elif how == "url-of-a-post":
            answer = client.post("/sparql?update=DROP%20ALL", data={"query": "ASK {}"}, headers=headers)
        else:
            answer = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}, headers=headers)
        assert_points_to_update(problem(answer, 400, "update-not-accepted"), lang)


def test_an_update_sent_with_the_update_media_type_is_415_pointing_to_update_in_both_languages(
        client: FlaskClient) -> None:
    for lang in ("en", "fr"):
        answer = client.post("/sparql", data=b"INSERT DATA { <a:a> <a:a> <a:a> }",
                             content_type="application/sparql-update", headers={"Accept-Language": lang})
        assert_points_to_update(problem(answer, 415, "unsupported-format"), lang)


@pytest.mark.parametrize("text", [
    "SELECT ?o WHERE { ?s ?p ?o FILTER(?o = 'INSERT DATA { <a:a> <a:a> <a:a> }') }",
    'ASK { ?s ?p """drop all ; load <http://x/>""" }',
    "SELECT * WHERE { <urn:insert> <http://e.example/DELETE> ?o }",
    "PREFIX insert: <urn:i#> PREFIX drop: <urn:d#> SELECT * WHERE { ?s insert:data drop:all }",
    "# INSERT DATA { <a:a> <a:a> <a:a> }\nSELECT ?insert ?delete WHERE { BIND(1 AS ?insert) BIND(2 AS ?delete) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(LANG(?o) = 'insert') } LIMIT 1",
    "BASE <urn:with/> SELECT * WHERE { <load> <clear> ?o }",
])
def test_a_query_holding_an_updates_word_elsewhere_runs(client: FlaskClient, text: str) -> None:
    for route in ("get", "form", "direct"):
        answer = sent(client, route, text, {})
        assert answer.status_code == 200, answer.data[:300]
    assert lesson_count(client.get("/sparql", query_string={"query": COUNT_LESSONS}).data) >= 20
