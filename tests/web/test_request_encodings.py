"""A request's text is UTF-8 or refused: a query string, a form or a body in another encoding (or with bytes
that are no UTF-8) was read with its bytes replaced by U+FFFD and answered 200 for another query than the one
sent (`"Montr%E9al"` looked for `"Montr\ufffdal"` and found nothing)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import ADMIN, bearer
from tests.support.queries import COUNT_LESSONS

QUERY = b"SELECT+%3Fs+WHERE+%7B+%3Fs+%3Fp+%22Montr%E9al%22+%7D"  # a latin-1 e acute, percent-encoded


@pytest.mark.parametrize("path", ["/sparql", "/search", "/api/search", "/maps", "/"])
@pytest.mark.parametrize("raw", ["%E9", "caf%E9", "%FF%FE", "%ED%A0%80", "%C0%AF", "%80"])
def test_a_query_string_that_is_no_utf8_is_a_400_not_another_request(client: FlaskClient, path: str,
                                                                     raw: str) -> None:
    name = "query" if path == "/sparql" else "q"
    response = client.get(f"{path}?{name}={raw}")
    assert response.status_code == 400, (path, raw, response.status_code, response.data[:200])
    assert "UTF-8" in response.get_json()["detail"]


def test_a_form_that_is_no_utf8_is_a_400_not_another_query(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"query=" + QUERY, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.data[:200]
    assert "UTF-8" in response.get_json()["detail"]


@pytest.mark.parametrize("charset", ["iso-8859-1", "latin-1", "windows-1252", "utf-16", "UTF-7"])
def test_a_form_in_another_charset_is_a_415_not_another_query(client: FlaskClient, charset: str) -> None:
    response = client.post("/sparql", data=b"query=" + QUERY,
                           content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 415, (charset, response.status_code, response.data[:200])
    assert charset.lower() in response.get_json()["detail"].lower()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", '"utf-8"'])
def test_a_utf8_form_in_any_spelling_of_its_charset_is_answered(client: FlaskClient, charset: str) -> None:
    response = client.post("/sparql", data={"query": COUNT_LESSONS},
                           content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 200, (charset, response.data[:200])


def test_a_query_in_the_url_of_a_form_post_is_refused_not_left_out(client: FlaskClient) -> None:
    """`POST /sparql?query=…` with a form body that has no query answered the service description."""
    response = client.post("/sparql?query=ASK%7B%7D", data={"default-graph-uri": "urn:x"})
    assert response.status_code == 400, (response.status_code, response.data[:200])
    assert "query" in response.get_json()["detail"]


def test_an_update_in_the_url_and_another_in_the_form_is_refused_not_one_left_out(client: FlaskClient) -> None:
    """`POST /update?update=A` with a form holding `update=B` ran B alone, and answered 204."""
    first = "INSERT DATA { GRAPH <http://example.org/encodings> { <urn:a> <urn:b> <urn:c> } }"
    second = "INSERT DATA { GRAPH <http://example.org/encodings> { <urn:a> <urn:b> <urn:d> } }"
    response = client.post("/update", query_string={"update": first}, data={"update": second},
                           headers=bearer(ADMIN))
    assert response.status_code == 400 and "update" in response.get_json()["detail"], response.data[:200]
    assert client.get("/sparql", query_string={"query": "ASK { GRAPH <http://example.org/encodings> { ?s ?p ?o } }"}
                      ).get_json()["boolean"] is False
