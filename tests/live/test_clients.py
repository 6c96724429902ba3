"""Real SPARQL clients against the live server: Comunica (tests/clients, installed with `npm ci`)."""

from __future__ import annotations

import json
import subprocess

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
    import urllib.parse

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
