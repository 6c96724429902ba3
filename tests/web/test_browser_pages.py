"""What a browser gets where an API client gets RDF or a problem document: pages in its language; graph IRIs
that dereference; one host, the base IRI's, in what is published."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import BASE

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FRENCH = {"Accept": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept": BROWSER, "Accept-Language": "en-GB,en;q=0.9"}


@pytest.mark.parametrize("path, french, english", [
    ("/sparql", "Point d&#39;accès SPARQL", "SPARQL endpoint"),
    ("/.well-known/void", "Catalogue des données", "Data catalogue"),
    ("/catalog", "Catalogue des données", "Data catalogue"),
    ("/dumps/", "Exports complets", "Dumps"),
])
def test_a_browser_following_the_home_page_gets_a_page_in_its_language(client: FlaskClient, path: str, french: str,
                                                                         english: str) -> None:
    for headers, words, lang in ((FRENCH, french, "fr"), (ENGLISH, english, "en")):
        response = client.get(path, headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert words in page and f'<html lang="{lang}">' in page


@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void", "/catalog"])
def test_rdf_clients_still_get_rdf(client: FlaskClient, path: str) -> None:
    for accept in ("", "*/*", "text/turtle"):
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == 200 and response.mimetype == "text/turtle"


@pytest.mark.parametrize("path", ["/id/project/nothing-here", "/graph/network/nobody", "/thesaurus/theme/none",
                                  "/no/such/page", "/dumps/network/nobody.ttl"])
def test_a_missing_resource_is_a_page_for_a_browser_and_a_problem_for_a_program(client: FlaskClient,
                                                                               path: str) -> None:
    french = client.get(path, headers=FRENCH)
    assert french.status_code == 404 and french.mimetype == "text/html"
    assert "Introuvable" in french.get_data(as_text=True)
    english = client.get(path, headers=ENGLISH)
    assert english.status_code == 404 and english.mimetype == "text/html"
    assert '<html lang="en">' in english.get_data(as_text=True) and "Introuvable" not in english.get_data(as_text=True)
    for accept in ("application/json", "*/*", "text/turtle"):
        program = client.get(path, headers={"Accept": accept})
        assert program.status_code == 404 and program.mimetype == "application/problem+json"
        assert json.loads(program.data)["status"] == 404


@pytest.mark.parametrize("graph", ["graph/network/anas", "graph/network/fcsf", "graph/thesauri", "graph/ontology"])
def test_graph_iris_dereference_to_their_triples(client: FlaskClient, graph: str) -> None:
    response = client.get(f"/{graph}", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert parse_qs(urlsplit(location).query)["graph"] == [BASE + graph]
    triples = client.get(location, headers={"Accept": "application/n-triples"})
    assert triples.status_code == 200 and len(triples.data.splitlines()) > 10


def test_a_browser_opening_a_network_s_graph_goes_to_the_network_s_page(client: FlaskClient) -> None:
    response = client.get("/graph/network/anas", headers=FRENCH)
    assert response.status_code == 303 and response.headers["Location"] == "/id/network/anas"


@pytest.mark.parametrize("path, accept", [("/catalog", "text/turtle"), ("/.well-known/void", "application/ld+json"),
                                          ("/sparql", "text/turtle"), ("/catalog", "text/html"),
                                          ("/sparql", "text/html"), ("/", "text/html")])
def test_what_is_published_names_the_base_iri_s_host_only(client: FlaskClient, path: str, accept: str) -> None:
    body = client.get(path, headers={"Accept": accept}, base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert BASE in body and "127.0.0.1" not in body


def test_the_workbench_s_tab_is_named_in_the_page_s_language(client: FlaskClient) -> None:
    import json

    def data(page: str) -> dict[str, object]:
        block = page.split('<script id="workbench-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        found: dict[str, object] = json.loads(block)
        return found

    assert data(client.get("/query", headers=FRENCH).get_data(as_text=True))["tab"] == "Requête"
    assert data(client.get("/query?lang=en").get_data(as_text=True))["tab"] == "Query"


def test_the_home_page_s_query_answers_the_table_under_it(client: FlaskClient) -> None:
    import html
    import re

    page = client.get("/").get_data(as_text=True)
    query = html.unescape(re.search(r'<textarea id="q"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1))  # type: ignore[union-attr]
    table = page[page.index("<h2>Ressources</h2>"):]
    shown = {name: int(n) for name, n in re.findall(r'<tr><td><a href="[^"]*" title="([^"]+)">[^<]+</a></td>'
                                                    r'<td class="n">(\d+)</td></tr>', table)}
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(answer.data)["results"]["bindings"]
    assert {r["class"]["value"].replace("https://w3id.org/isic/ontology#", "isic:"): int(r["n"]["value"])
            for r in rows} == shown
    plain = client.post("/sparql", data={"query": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a "
                                                  "<https://w3id.org/isic/ontology#Organisation> }"},
                        headers={"Accept": "application/sparql-results+json"})
    linked = client.post("/sparql", data={"query": "ASK { GRAPH ?g { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b } "
                                                   "?a a <https://w3id.org/isic/ontology#Organisation> }"},
                         headers={"Accept": "application/sparql-results+json"})
    assert json.loads(linked.data)["boolean"]  # the samples name one organisation twice: it counts once
    assert shown["isic:Organisation"] < int(json.loads(plain.data)["results"]["bindings"][0]["n"]["value"])
