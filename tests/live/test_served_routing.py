"""A fresh `isic-graph init --samples` instance served by `isic-graph serve`, asked as an outside tester did: an
update sent to /sparql as a query is told to go to /update, and a browser opening /sheets gets a page pointing to
the form and the upload page, while an API client gets 405 with Allow."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.support.live import LiveServer, request

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("send", ["direct", "form", "get"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_update_sent_as_a_query_is_told_to_go_to_update(server: LiveServer, send: str, lang: str) -> None:
    text = "PREFIX a: <a:>\n# first\ninsert data { <a:a> <a:a> <a:a> }"
    headers = {"Accept-Language": lang}
    if send == "direct":
        answer = request(f"{server.url}/sparql", "POST", text.encode(),
                         {**headers, "Content-Type": "application/sparql-query"})
    elif send == "form":
        answer = request(f"{server.url}/sparql", "POST", urllib.parse.urlencode({"query": text}).encode(),
                         {**headers, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        answer = request(f"{server.url}/sparql?{urllib.parse.urlencode({'query': text})}", headers=headers)
    assert answer.status == 400 and answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "update-not-accepted" and problem["type"].endswith("/update-not-accepted")
    assert ("send them to /update" if lang == "en" else "envoyez-les à /update") in problem["detail"]
    ask = request(f"{server.url}/sparql?{urllib.parse.urlencode({'query': 'ASK { <a:a> <a:a> <a:a> }'})}",
                  headers={"Accept": "application/sparql-results+json"})
    assert ask.status == 200 and ask.json()["boolean"] is False  # nothing was written


def test_a_browser_opening_sheets_gets_a_page_and_an_api_client_405(server: LiveServer) -> None:
    page = request(f"{server.url}/sheets", headers={"Accept": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    text = page.body.decode()
    assert '<html lang="fr">' in text and 'href="/sheets/csv"' in text and 'href="/sheets/new"' in text
    api = request(f"{server.url}/sheets", headers={"Accept": "application/json"})
    assert api.status == 405 and "POST" in api.headers["allow"] and "GET" not in api.headers["allow"]
    assert api.json()["code"] == "method-not-allowed" and "/sheets/csv" in api.json()["detail"]
