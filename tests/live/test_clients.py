"""Real clients against the live server: Comunica (tests/clients, installed with `npm ci`), SPARQLWrapper with
each of its formats, and requests reading French text."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from typing import Any

import pytest

from tests.support import paths
from tests.support.live import LiveServer
from tests.support.queries import COUNT_LESSONS

COMUNICA = paths.TESTS / "clients" / "node_modules" / ".bin" / "comunica-sparql"


def comunica(endpoint: str, query: str, media_type: str | None = None) -> str:
    assert COMUNICA.exists(), "Comunica is missing: run `npm ci --prefix tests/clients` (the README test command does)"
    command = [str(COMUNICA), f"sparql@{endpoint}", query] + (["-t", media_type] if media_type else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def lessons(server: LiveServer) -> int:
    from tests.support.oxigraph_server import http_get

    status, body = http_get(f"{server.url}/sparql?{urllib.parse.urlencode({'query': COUNT_LESSONS})}")
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_comunica_select_agrees_with_the_endpoint(server: LiveServer, lessons: int) -> None:
    rows = json.loads(comunica(f"{server.url}/sparql", COUNT_LESSONS))
    assert rows == [{"n": f'"{lessons}"^^http://www.w3.org/2001/XMLSchema#integer'}]


def test_comunica_construct_as_ntriples(server: LiveServer, lessons: int) -> None:
    query = ("CONSTRUCT { ?l a <https://w3id.org/isic/ontology#Lesson> } "
             "WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }")
    lines = [line for line in comunica(f"{server.url}/sparql", query, "application/n-triples").splitlines() if line]
    assert len(lines) == lessons and all(line.endswith("<https://w3id.org/isic/ontology#Lesson> .") for line in lines)


def test_comunica_joins_and_filters_through_the_endpoint(server: LiveServer) -> None:
    query = """SELECT ?title WHERE {
      ?p a <https://w3id.org/isic/ontology#Project> ; <http://purl.org/dc/terms/title> ?title .
      FILTER(LANG(?title) = "fr" && CONTAINS(?title, "Incompris")) }"""
    rows = json.loads(comunica(f"{server.url}/sparql", query))
    assert len(rows) == 1 and "Incompris" in rows[0]["title"]


# SPARQLWrapper, with each return format it knows, over GET and POST, for each query form: what it converts
SELECT_FORMATS = [None, "json", "xml", "csv", "tsv"]
GRAPH_FORMATS = [None, "xml", "rdf+xml", "turtle", "n3", "json-ld"]
LESSON = "<https://w3id.org/isic/ontology#Lesson>"


def wrapper(server: LiveServer, query: str, method: str, return_format: str | None) -> Any:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setMethod(method)
    if return_format is not None:
        client.setReturnFormat(return_format)
    return client.queryAndConvert()


def table(result: Any, return_format: str | None) -> list[list[str]]:
    """SPARQLWrapper's converted SELECT answer as rows of values, whatever its format."""
    if return_format == "json":
        return [[b[v]["value"] for v in result["head"]["vars"]] for b in result["results"]["bindings"]]
    if return_format in ("csv", "tsv"):
        lines = [line for line in result.decode("utf-8").splitlines() if line]
        return [[cell.strip('"').split("^^")[0].strip('"') for cell in line.split("," if return_format == "csv"
                 else "\t")] for line in lines[1:]]
    return [[node.firstChild.data for node in binding.getElementsByTagName("literal")]
            for binding in result.getElementsByTagName("result")]  # the default: SPARQL results in XML, a DOM


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", SELECT_FORMATS)
def test_sparqlwrapper_select_in_each_format(server: LiveServer, lessons: int, method: str,
                                             return_format: str | None) -> None:
    result = wrapper(server, COUNT_LESSONS, method, return_format)
    assert table(result, return_format) == [[str(lessons)]]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", SELECT_FORMATS)
@pytest.mark.parametrize("truth", [True, False])
def test_sparqlwrapper_ask_in_each_format(server: LiveServer, method: str, return_format: str | None,
                                          truth: bool) -> None:
    query = f"ASK {{ ?l a {LESSON} }}" if truth else "ASK { ?l a <https://example.org/Nothing> }"
    result = wrapper(server, query, method, return_format)
    if return_format == "json":
        assert result["boolean"] is truth
    elif return_format in ("csv", "tsv"):
        assert result.decode("utf-8").split()[-1].lower() in ({"true", "1"} if truth else {"false", "0"})
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == str(truth).lower()


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", GRAPH_FORMATS)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_answers_in_each_format(server: LiveServer, lessons: int, method: str,
                                                   return_format: str | None, form: str) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    query = (f"CONSTRUCT {{ ?l a {LESSON} }} WHERE {{ ?l a {LESSON} }}" if form == "CONSTRUCT"
             else f"DESCRIBE ?l WHERE {{ ?l a {LESSON} }}")
    result = wrapper(server, query, method, return_format)
    if isinstance(result, bytes):  # Turtle and N3 come back as text
        result = Graph().parse(data=result.decode("utf-8"), format="turtle")
    assert isinstance(result, Graph)
    typed = set(result.subjects(RDF.type, URIRef(LESSON.strip("<>"))))
    assert len(typed) == lessons
    if form == "DESCRIBE":
        assert len(result) > 3 * lessons  # each lesson's whole description, not its type alone


CAFE = "/sparql?" + urllib.parse.urlencode({"query": 'SELECT ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?o), '
                                                      '"Café des parents")) } LIMIT 1'})
PROJECT = "/id/project/cafe-des-parents-rennes"


@pytest.mark.parametrize("path, accept", [
    *[(CAFE, t) for t in ("text/csv", "text/tab-separated-values", "application/sparql-results+json",
                          "application/sparql-results+xml")],
    *[(PROJECT, t) for t in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
                             "text/html")],
])
def test_requests_reads_french_text_right(server: LiveServer, path: str, accept: str) -> None:
    import requests

    response = requests.get(server.url + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert "charset=utf-8" in response.headers["Content-Type"].lower()
    assert "Café des parents" in response.text and "CafÃ©" not in response.text


@pytest.mark.parametrize("path, accept", [("/.well-known/void", "text/turtle"), ("/catalog", "application/ld+json"),
                                          ("/sparql", "text/turtle"), ("/", "text/html"),
                                          ("/dumps/", "application/json")])
def test_one_host_the_base_iri_s_in_what_the_server_publishes(server: LiveServer, path: str, accept: str) -> None:
    import requests

    text = requests.get(server.url + path, headers={"Accept": accept}, timeout=30).text
    assert "127.0.0.1" not in text
    log = server.log.read_text(encoding="utf-8")
    assert "serving http://localhost:5000/ (SPARQL endpoint: http://localhost:5000/sparql)" in log
