"""What is served as JSON-LD (pages, dumps, VoID, the catalogue) reads in rdflib, pyld and pyoxigraph with no
document loader, to the graph its Turtle says; the integrators' guide's example is what the dumps carry."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from pyld import jsonld as pyld
from pyoxigraph import RdfFormat, parse
from rdflib import Graph

from tests.support import paths
from tests.support.isomorphism import isomorphic

JSON_LD = "application/ld+json"
SERVED = [("/id/project/les-incompris", "/id/project/les-incompris.ttl"),
          ("/dumps/network/anas.jsonld", "/dumps/network/anas.ttl"),
          ("/.well-known/void", "/.well-known/void"),
          ("/catalog", "/catalog")]


def refuse(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"a document was fetched: {url}")


def turtle(client: FlaskClient, path: str) -> Graph:
    return Graph().parse(data=client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True),
                         format="turtle")


@pytest.mark.parametrize("path, turtle_path", SERVED)
def test_each_reader_reads_the_json_ld_with_no_loader(client: FlaskClient, path: str, turtle_path: str) -> None:
    response = client.get(path, headers={"Accept": JSON_LD})
    assert response.status_code == 200 and response.mimetype == JSON_LD
    document = json.loads(response.data)
    assert isinstance(document["@context"], dict)  # the terms themselves, not an address to fetch
    expected = turtle(client, turtle_path)
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), expected)
    assert len(list(parse(response.data, format=RdfFormat.JSON_LD))) == len(expected)
    nquads = pyld.to_rdf(document, {"documentLoader": refuse, "format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nquads"), expected)


def test_the_context_stays_served(client: FlaskClient) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and "title" in json.loads(response.data)["@context"]


def test_the_guide_s_example_is_what_the_dump_carries(client: FlaskClient) -> None:
    guide = (paths.ROOT / "docs" / "integrators.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{.*?\})\n```", guide, re.DOTALL).group(1))  # type: ignore[union-attr]
    dump = json.loads(client.get("/dumps/network/anas.jsonld").data)
    served = next(node for node in dump["@graph"] if node["id"].endswith(example["id"].split("/id/", 1)[1]))
    assert {k: v for k, v in served.items() if k != "id"} == {k: v for k, v in example.items() if k != "id"}
