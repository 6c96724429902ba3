"""A page asks the store once for the owners, labels and statements of all it shows (web/lookups.py), on the
samples as `init --samples` loads them; outside a page, nothing is kept. The peers' URI spaces, which most pages
need, are kept until the next write."""

from __future__ import annotations

from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.store.results import QueryResult
from isic_graph.web import lookups
from isic_graph.web.services import services
from tests.conftest import BASE
from tests.support.raw import raw_update

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
    assert sum("uriSpace" in q for q in asked) <= 1  # the peers' URI spaces: once, if no page asked them since a write
    assert len(asked) == len(set(asked))  # nothing asked twice


def test_a_page_s_answers_are_not_kept_for_the_next_request_but_the_peers_uri_spaces(
        client: FlaskClient, asked: list[str]) -> None:
    client.get(PAGES[0] + "?again=0", headers=HTML)  # what this process reads once whatever the page (a first request
    del asked[:]  # in a process: the test run alone) is read; then two requests ask the same, each all of it
    client.get(PAGES[0] + "?again=1", headers=HTML)
    first = [q for q in asked if "uriSpace" not in q]
    client.get(PAGES[0] + "?again=2", headers=HTML)
    assert [q for q in asked if "uriSpace" not in q] == 2 * first
    assert sum("uriSpace" in q for q in asked) <= 1


def test_the_peers_uri_spaces_are_asked_again_after_a_write(app: Flask, client: FlaskClient,
                                                           asked: list[str]) -> None:
    """A peer's URI space recorded by a write (as a harvest records it) is what the next page reads."""
    client.get(PAGES[0] + "?spaces=1", headers=HTML)
    client.get(PAGES[1] + "?spaces=1", headers=HTML)
    assert sum("uriSpace" in q for q in asked) <= 1
    with app.test_request_context("/"):
        assert "voisin" not in lookups.spaces()
    record = (f"GRAPH <{BASE}graph/ownership> {{ <{BASE}id/peer/voisin> <http://rdfs.org/ns/void#uriSpace> "
              '"https://voisin.example.org/id/" }')
    for operation in ("INSERT", "DELETE"):
        raw_update(app, f"{operation} DATA {{ {record} }}")  # the owners' records: no graph /update writes
        before = len(asked)
        with app.test_request_context("/"):
            found = lookups.spaces()
        assert sum("uriSpace" in q for q in asked[before:]) == 1
        assert found.get("voisin") == ("https://voisin.example.org/id/" if operation == "INSERT" else None)


def test_outside_a_page_every_question_goes_to_the_store(app: Flask, asked: list[str]) -> None:
    iri = "http://localhost:5000/id/project/atelier-numerique-nantes"
    with app.test_request_context("/"):
        assert lookups.owners_of([iri])[iri] is not None
        once = len(asked)
        assert lookups.owners_of([iri])[iri] is not None
        assert len(asked) - once == sum("uriSpace" not in q for q in asked[:once]) > 0  # the spaces are kept
