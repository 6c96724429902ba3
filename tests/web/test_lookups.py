"""A page asks the store once for the owners, labels and statements of all it shows (web/lookups.py), on the
samples as `init --samples` loads them; outside a page, nothing is kept."""

from __future__ import annotations

from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.store.results import QueryResult
from isic_graph.web import lookups
from isic_graph.web.services import services

HTML = {"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"}
# a project, a lesson, an organisation, a network, a territory named by many: each names several resources
PAGES = ["/id/project/atelier-numerique-nantes", "/id/lesson/adr-ecrans",
         "/id/organisation/agence-locale-energie-roubaix", "/id/network/action-sociale-35",
         "/id/territory/commune/31555"]
MAX_QUERIES = 18  # what a page asks, whatever the number of resources it names


@pytest.fixture
def asked(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The queries the application sends to its store, in order."""
    store, sent = services(app).store, []
    query = store.query

    def counted(sparql: str) -> QueryResult:
        sent.append(sparql)
        return query(sparql)

    monkeypatch.setattr(store, "query", counted)
    yield sent


@pytest.mark.parametrize("path", PAGES)
def test_a_resource_page_asks_a_few_queries_whatever_it_names(client: FlaskClient, asked: list[str],
                                                              path: str) -> None:
    response = client.get(path + "?fresh=1", headers=HTML)  # a URL of its own: never a kept page
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('href="/id/') > 3
    assert 0 < len(asked) <= MAX_QUERIES, asked
    assert sum("uriSpace" in q for q in asked) == 1  # the peers' URI spaces, read once for the page
    assert len(asked) == len(set(asked))  # nothing asked twice


def test_a_page_s_answers_are_not_kept_for_the_next_request(client: FlaskClient, asked: list[str]) -> None:
    client.get(PAGES[0] + "?again=1", headers=HTML)
    first = len(asked)
    client.get(PAGES[0] + "?again=2", headers=HTML)
    assert len(asked) == 2 * first


def test_outside_a_page_every_question_goes_to_the_store(app: Flask, asked: list[str]) -> None:
    iri = "http://localhost:5000/id/project/atelier-numerique-nantes"
    with app.test_request_context("/"):
        assert lookups.owners_of([iri])[iri] is not None
        once = len(asked)
        assert lookups.owners_of([iri])[iri] is not None
        assert len(asked) == 2 * once > 0
