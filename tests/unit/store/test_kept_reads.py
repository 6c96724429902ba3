"""The pages' questions to the store, kept until the next write (store/kept_reads.py): within a page's rendering,
a SELECT asked again at the same version is answered from what is kept, never at another version; within a budget
of rows; outside a rendering every question goes to the store. Through the web application: a page in the other
language asks nothing again, and a write through the instance shows on every page at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from pyoxigraph import Literal

from isic_graph.config import Settings
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.store.kept_reads import KeptReads, reading
from isic_graph.store.remote import RemoteStore
from isic_graph.store.results import SelectResult
from isic_graph.web import create_app
from tests.conftest import ADMIN, BASE
from tests.support.oxigraph_server import engine_on_copy

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"


def rows(n: int) -> SelectResult:
    return SelectResult(("x",), tuple({"x": Literal(str(i))} for i in range(n)))


def test_an_answer_is_kept_at_its_version_only() -> None:
    kept = KeptReads(max_rows=1000)
    kept.put("1", "q", rows(3))
    assert kept.get("1", "q") == rows(3)
    assert kept.get("2", "q") is None  # at another version, not answered
    kept.put("2", "other", rows(1))
    assert kept.get("1", "q") is None  # a newer version dropped the rest


def test_answers_are_kept_within_a_budget_of_rows_least_recently_used_first_out() -> None:
    kept = KeptReads(max_rows=100)
    kept.put("1", "big", rows(20))
    assert kept.get("1", "big") is None  # over a tenth of the budget: not kept
    for i in range(10):
        kept.put("1", f"q{i}", rows(9))  # each counts its rows and one
    assert kept.get("1", "q0") is not None  # used: the last out
    kept.put("1", "q10", rows(9))
    assert kept.get("1", "q1") is None and kept.get("1", "q0") == rows(9) and kept.get("1", "q10") == rows(9)


@pytest.mark.parametrize(("ask", "query"), [(Store.select, COUNT), (Store.constructed, GRAPH)],
                         ids=["select", "construct"])
def test_an_answer_is_given_from_what_is_kept_only_within_a_reading(ask: Callable[[Store, str], object],
                                                                    query: str) -> None:
    with EmbeddedStore(None) as store:
        store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
        kept = KeptReads()
        with reading(kept, "1"):
            first = ask(store, query)
        store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 2 } }")
        assert ask(store, query) != first  # outside a reading: asked
        with reading(kept, "1"):
            assert ask(store, query) == first  # the same version: what was kept
        with reading(kept, "2"):
            assert ask(store, query) != first  # a write made it another version


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, loaded_store: Path) -> Iterator[tuple[Flask, Engine]]:
    engine = engine_on_copy(loaded_store, tmp_path_factory.mktemp("kept") / "store")
    folder = tmp_path_factory.mktemp("instance")
    yield create_app(Settings(store_path=None, base_iri=BASE, admin_token=ADMIN,
                              credentials_path=folder / "credentials.json"), engine), engine
    engine.stop()


def page(application: Flask, path: str, lang: str) -> str:
    answer = application.test_client().get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


PROJECT = "/id/project/les-incompris"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries the applications send to their stores, in order."""
    sent: list[str] = []
    query = RemoteStore.query

    def counted(store: RemoteStore, sparql: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(sparql)
        return query(store, sparql, *args, **kwargs)

    monkeypatch.setattr(RemoteStore, "query", counted)
    return sent


def test_the_page_in_the_other_language_asks_the_store_nothing_again(app: tuple[Flask, Engine],
                                                                      asked: list[str]) -> None:
    application, _ = app
    french = page(application, PROJECT, "fr")
    asked_in_french = len(asked)
    english = page(application, PROJECT, "en")
    assert asked_in_french > 5 and "Les Incompris" in french and "Les Incompris" in english
    assert asked[asked_in_french:] == []


def test_a_write_through_the_instance_shows_on_the_next_page_in_both_languages(app: tuple[Flask, Engine]) -> None:
    application, _ = app
    client = application.test_client()
    path = "/id/organisation/annuaire-des-centres"
    for lang in ("fr", "en"):
        assert client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}).status_code == 404
    assert "Annuaire des centres" not in page(application, PROJECT, "fr")
    written = client.post("/update", data=f"INSERT DATA {{ GRAPH <urn:x:reference> {{ <{BASE}{path[1:]}> a "
                                          "<https://w3id.org/isic/ontology#Organisation> ; "
                                          "<http://www.w3.org/2000/01/rdf-schema#label> \"Annuaire des centres\"@fr "
                                          "} }", headers={"Authorization": f"Bearer {ADMIN}",
                                                          "Content-Type": "application/sparql-update"})
    assert written.status_code == 204, written.get_data(as_text=True)
    for lang in ("fr", "en"):
        assert "Annuaire des centres" in page(application, path, lang)


def test_the_withdrawal_pages_of_a_networks_projects_read_its_graph_once(app: tuple[Flask, Engine],
                                                                        asked: list[str]) -> None:
    application, _ = app
    for path in ("/id/project/atelier-numerique-nantes", "/id/project/epicerie-solidaire-grenoble"):
        for lang in ("fr", "en"):
            assert "<form" in page(application, f"/retract?resource={BASE}{path[1:]}&fresh={lang}", lang)
    whole = [q for q in asked if q.startswith("CONSTRUCT")]
    assert whole == [f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}graph/network/fcsf> {{ ?s ?p ?o }} }}"]
