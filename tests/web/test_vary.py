"""An answer says what it varies with: the pages whose words follow Accept-Language (the home page, search, the
forms, the maps…) carried no `Vary: Accept-Language`, and a problem document, chosen over a page by Accept, carried
no `Vary: Accept`: a shared cache could serve one client's language, or JSON to a browser."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/search?q=parents", "/api/search?q=parents", "/thesaurus", "/maps", "/query", "/sheets/csv",
         "/sheets/new", "/ontology", "/id/project/les-incompris"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_in_the_clients_language_varies_with_accept_language(client: FlaskClient, path: str) -> None:
    french = client.get(path, headers={"Accept-Language": "fr", "Accept": "text/html"})
    english = client.get(path, headers={"Accept-Language": "en", "Accept": "text/html"})
    assert french.status_code == english.status_code == 200, (path, french.status_code, english.status_code)
    if french.data != english.data:
        assert "Accept-Language" in french.vary and "Accept-Language" in english.vary, (path, french.vary)


def test_a_page_whose_language_is_named_in_its_address_does_not_vary_with_accept_language(
        client: FlaskClient) -> None:
    assert "Accept-Language" not in client.get("/sheets/new?lang=en").vary


@pytest.mark.parametrize(("path", "accept"), [("/id/project/nulle-part", "text/turtle"),
                                              ("/dumps/", "text/turtle"), ("/nulle-part", "application/json")])
def test_a_problem_document_varies_with_accept_and_accept_language(client: FlaskClient, path: str,
                                                                   accept: str) -> None:
    answer = client.get(path, headers={"Accept": accept})
    assert answer.status_code >= 400
    assert {"Accept", "Accept-Language"} <= set(answer.vary), answer.vary


KEPT = ["/", "/maps", "/maps/partnerships.svg", "/thesaurus/actor-type/association", "/id/project/les-incompris",
        "/sheets/new"]


@pytest.mark.parametrize("path", KEPT)
def test_a_kept_page_a_head_and_a_304_say_what_the_first_answer_says_it_varies_with(client: FlaskClient,
                                                                                   path: str) -> None:
    """A page is kept until the next write; asked again (GET or HEAD), it comes from there, where its view, which
    reads Accept-Language, does not run: those answers, and a 304, carried no Vary at all."""
    asked = {"Accept-Language": "en", "Accept": "text/html"}
    first = client.get(path, headers=asked)
    assert first.status_code == 200 and "Accept-Language" in first.vary, (path, first.vary)
    again = client.get(path, headers=asked)
    head = client.head(path, headers=asked)
    unchanged = client.get(path, headers={**asked, "If-None-Match": first.headers["ETag"]})
    assert again.data == first.data and unchanged.status_code == 304
    for answer in (again, head, unchanged):
        assert set(answer.vary) == set(first.vary), (path, answer.status_code, answer.vary)


@pytest.mark.parametrize("path", ["/id/project/les-incompris", "/thesaurus/actor-type/association", "/maps",
                                  "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201"])
def test_if_match_naming_another_tag_is_412_and_the_current_one_or_a_star_is_served(client: FlaskClient,
                                                                                    path: str) -> None:
    """RFC 9110: a GET whose If-Match names no current tag of the answer fails (412); it was answered 200."""
    current = client.get(path)
    assert current.status_code == 200 and current.headers.get("ETag")
    refused = client.get(path, headers={"If-Match": '"x"', "Accept-Language": "fr"})
    assert refused.status_code == 412 and "If-Match" in refused.json["detail"]
    for tag in (current.headers["ETag"], "*"):
        assert client.get(path, headers={"If-Match": tag}).status_code == 200


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(("query", "how"), [(COUNT, "form"), (COUNT, "body"), ("SELECT (NOW() AS ?n) {}", "url"),
                                            ("SELECT (RAND() AS ?n) {}", "url")])
def test_if_match_holds_for_a_query_posted_or_given_no_tag(client: FlaskClient, query: str, how: str) -> None:
    """A query POSTed, and an answer never kept (a clock's, a random one's: no ETag), ignored If-Match."""
    def ask(headers: dict[str, str]):  # type: ignore[no-untyped-def]
        if how == "form":
            return client.post("/sparql", data={"query": query}, headers=headers)
        if how == "body":
            return client.post("/sparql", data=query, content_type="application/sparql-query", headers=headers)
        return client.get("/sparql", query_string={"query": query}, headers=headers)

    assert ask({"If-Match": '"nope"'}).status_code == 412
    assert ask({"If-Match": "*"}).status_code == 200
    assert ask({"If-Match": ""}).status_code == 200  # an empty list names no condition
