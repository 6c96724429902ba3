"""A Graph Store GET holds its graph whole (hashed for its ETag, then written): a graph of 350,000 triples held the
web process at 944 MB, two `?default` GETs at 1.9 GB, for anyone. A graph past 100,000 triples is refused (422,
pointing to the dumps, which stream); and an RDF/XML answer that no XML reader reads (a control character, or a
property RDF/XML cannot name, which an administrator's update may write) is refused (406), on the Graph Store and
the resource pages as on /sparql."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

from isic_graph.store.engine import Engine
from tests.conftest import ADMIN, BASE, bearer
from tests.support.oxigraph_server import load_dataset

BIG = "http://example.org/graph/big"
ODD = "http://example.org/graph/odd"


def update(client: FlaskClient, text: str) -> None:
    answer = client.post("/update", data={"update": text}, headers=bearer(ADMIN))
    assert answer.status_code == 204, answer.get_data(as_text=True)


@pytest.fixture(scope="module")
def big(engine: Engine) -> str:
    """A reference graph of 110,000 triples, as `isic-graph load` may write one, put in the engine at once."""
    load_dataset(f"{engine.url}/store", "".join(
        f"<http://example.org/s{n}> <http://example.org/p> \"{n}\" <{BIG}> .\n" for n in range(110_000)).encode())
    return BIG


@pytest.mark.parametrize("lang, said", [("fr", "le graphe contient 110000 triplets, plus que le Graph Store"),
                                        ("en", "the graph holds 110000 triples, more than the Graph Store")])
def test_a_graph_past_100000_triples_is_refused_pointing_to_the_dumps(client: FlaskClient, big: str, lang: str,
                                                                      said: str) -> None:
    answer = client.get("/graph-store", query_string={"graph": big},
                        headers={"Accept": "application/n-triples", "Accept-Language": lang})
    assert answer.status_code == 422, answer.get_data()[:300]
    problem = answer.get_json()
    assert problem["code"] == "answer-too-large" and "/dumps/" in problem["detail"] and said in problem["detail"]


def test_a_graph_within_the_limit_is_given_whole(client: FlaskClient) -> None:
    answer = client.get("/graph-store", query_string={"graph": f"{BASE}graph/network/anas"},
                        headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200 and len(answer.get_data().splitlines()) > 500


@pytest.mark.parametrize("triple, said", [
    ('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#comment> "a\\u0001b"', "U+0001"),
    ('<http://example.org/x> <http://example.org/1> "x"', "une propriété que RDF/XML ne peut pas nommer"),
])
def test_rdf_xml_no_xml_reader_reads_is_refused(client: FlaskClient, engine: Engine, triple: str, said: str) -> None:
    """The data as a store written before /update refused such texts may hold it."""
    update(client, f"DROP SILENT GRAPH <{ODD}>")
    load_dataset(f"{engine.url}/store", f"{triple} <{ODD}> .\n".encode())
    answer = client.get("/graph-store", query_string={"graph": ODD},
                        headers={"Accept": "application/rdf+xml", "Accept-Language": "fr"})
    assert answer.status_code == 406 and said in answer.get_json()["detail"], answer.get_data()[:300]
    turtle = client.get("/graph-store", query_string={"graph": ODD}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200


def test_a_query_using_a_property_rdf_xml_cannot_name_is_refused_in_rdf_xml(client: FlaskClient) -> None:
    query = "CONSTRUCT { <http://e/s> <http://e/1> \"x\" } WHERE {}"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/rdf+xml"})
    assert answer.status_code == 406 and "RDF/XML cannot name" in answer.get_json()["detail"]
    fine = client.post("/sparql", data={"query": query.replace("e/1", "e/p")},
                       headers={"Accept": "application/rdf+xml"})
    assert fine.status_code == 200 and ElementTree.fromstring(fine.get_data()) is not None


@pytest.mark.parametrize("text", ['"a\\u0001b"', '"\\uFFFE"', '"""x\\u001Fy"""', "'\\u0000'"])
def test_an_update_inserting_a_character_no_text_holds_is_refused(client: FlaskClient, text: str) -> None:
    answer = client.post("/update", data={"update": f"INSERT DATA {{ GRAPH <{ODD}> {{ <http://example.org/x> "
                                                    f"<http://example.org/p> {text} }} }}"},
                         headers={**bearer(ADMIN), "Accept-Language": "fr"})
    assert answer.status_code == 400 and "qu'aucun texte de la base ne contient" in answer.get_json()["detail"]


def test_an_update_deleting_such_a_text_is_taken(client: FlaskClient, engine: Engine) -> None:
    load_dataset(f"{engine.url}/store",
                 f'<http://example.org/y> <http://example.org/p> "a\\u0001b" <{ODD}> .\n'.encode())
    update(client, f'DELETE DATA {{ GRAPH <{ODD}> {{ <http://example.org/y> <http://example.org/p> "a\\u0001b" }} }}')
    asked = client.get("/sparql", query_string={"query": f"ASK {{ GRAPH <{ODD}> {{ <http://example.org/y> ?p ?o }} }}"},
                       headers={"Accept": "application/sparql-results+json"})
    assert asked.get_json()["boolean"] is False
