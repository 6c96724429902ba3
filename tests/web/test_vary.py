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
