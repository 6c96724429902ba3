"""The routes that take POST only, opened otherwise: a browser's GET gets a page in its language saying what the
route is for and linking the pages that do it in a browser; an API client gets 405 with Allow and a problem
document naming those pages, in English and French."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.config import Settings
from isic_graph.web import create_app
from isic_graph.web.post_routes import POST_ONLY

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ROUTES = {  # a path of each POST-only route, and the pages its answers must link or name
    "/sheets": ["/sheets/csv", "/sheets/new"],
    "/sheets/check": ["/sheets/new", "/sheets/csv"],
    "/api/networks/anas/sheets": ["/sheets/csv", "/sheets/new"],
    "/api/validate": ["/sheets/csv", "/sheets/new"],
    "/api/networks/anas/retractions": ["/retract"],
    "/update": ["/sparql", "/query"],
    "/api/harvest": ["/"],
}
PURPOSE = {"/sheets": ("the collection-sheet form's submission", "l'envoi du formulaire de la fiche de recueil"),
           "/update": ("SPARQL 1.1 Update", "SPARQL 1.1 Update"),
           "/api/validate": ("a program's check of a sheet", "la vérification d'une fiche par un programme")}


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app(Settings(store_path=None, store_url="http://127.0.0.1:9/query"))  # these answers read no store


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_every_route_without_get_has_its_row_and_every_row_is_such_a_route(app: Flask) -> None:
    methods: dict[str, set[str]] = {}  # by path, whatever the rule
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.rule, set()).update(rule.methods or set())
    post_only = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" not in methods[rule.rule]}
    assert post_only == set(POST_ONLY)
    assert {"sheets.submit_sheet", "update.update", "api.validate", "sheets.check_sheet"} <= post_only


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_browser_opening_a_post_only_route_gets_a_page_in_its_language_linking_the_pages_that_do_it(
        client: FlaskClient, path: str, lang: str) -> None:
    answer = client.get(path, headers={"Accept": BROWSER, "Accept-Language": f"{lang};q=1, de;q=0.5"})
    assert answer.status_code == 200 and answer.mimetype == "text/html", answer.data[:300]
    page = answer.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and f"<code>{path}</code>" in page
    links = re.findall(r'<a href="([^"]+)"', page)
    assert all(href in links for href in ROUTES[path]), links
    assert "docs/integrators.md" in page
    assert ("takes requests sent by POST" if lang == "en" else "reçoit des demandes envoyées par POST") in page
    if path in PURPOSE:
        english, french = PURPOSE[path]
        assert (english if lang == "en" else french).lower().replace("'", "&#39;") in page.lower()
    assert {"accept", "accept-language"} <= {v.strip().lower() for v in answer.headers["Vary"].split(",")}
    assert client.get(f"{path}?lang={'fr' if lang == 'en' else 'en'}", headers={"Accept": BROWSER}).status_code == 200


@pytest.mark.parametrize("path", ROUTES)
def test_a_browsers_head_gets_the_page_without_its_body(client: FlaskClient, path: str) -> None:
    answer = client.head(path, headers={"Accept": BROWSER})
    assert answer.status_code == 200 and answer.mimetype == "text/html" and answer.data == b""


def problem(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json", answer.data[:300]
    allowed = {m.strip() for m in answer.headers["Allow"].split(",")}
    assert "POST" in allowed and "GET" not in allowed and "HEAD" not in allowed
    body: dict[str, Any] = answer.json
    assert body["code"] == "method-not-allowed" and body["type"].endswith("/method-not-allowed")
    assert body["status"] == 405
    return body


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("accept", [None, "application/json", "*/*", "application/problem+json",
                                    "text/html;q=0.5, application/json"])
def test_an_api_client_gets_405_with_allow_and_a_problem_naming_the_pages_in_both_languages(
        client: FlaskClient, path: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    english = problem(client.get(path, headers=headers))
    assert english["detail"].startswith(f"{path} takes POST only: ")
    assert all(href in english["detail"] for href in ROUTES[path]) and "docs/integrators.md" in english["detail"]
    french = problem(client.get(path, headers={**headers, "Accept-Language": "fr"}))
    assert french["detail"].startswith(f"{path} ne reçoit que POST : ") and "detail_en" not in french
    assert all(href in french["detail"] for href in ROUTES[path]) and french["title"] == "Méthode non permise"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_get_the_405_problem_even_from_a_browser(client: FlaskClient, method: str) -> None:
    answer = getattr(client, method)("/sheets", headers={"Accept": "application/json"})
    assert "/sheets/new" in problem(answer)["detail"]
    html = getattr(client, method)("/update", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert html.status_code == 405 and "/sparql" in html.get_data(as_text=True)


def test_post_still_reaches_the_routes_and_other_405s_are_unchanged(client: FlaskClient) -> None:
    assert client.post("/update", data={"update": "CLEAR ALL"}).status_code == 401
    assert client.post("/api/validate", data=b"", content_type="text/turtle").status_code == 401
    other = client.put("/sparql", headers={"Accept": "application/json"})
    assert other.status_code == 405 and other.json["detail"] == ("PUT does not apply here: this address answers "
                                                                 "GET, POST")
    assert "GET" in other.headers["Allow"]
    french = client.put("/sparql", headers={"Accept": "application/json", "Accept-Language": "fr"})
    assert french.json["detail"] == "PUT ne s'applique pas ici : cette adresse répond à GET, POST"
    own = client.open("/sparql", method="JEAN.DUPONT", headers={"Accept": "application/json"})
    assert own.status_code == 405 and "JEAN" not in own.json["detail"], own.json  # a method of its own: not repeated
