"""/.well-known/void and /catalog: content negotiation, links that resolve, against a real engine process."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from isic_graph.publish.jsonld import to_nquads
from isic_graph.rdf.namespaces import DCAT, DCTERMS, RDF_TYPE, VOID, Graphs
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore
from tests.unit.publish.test_dumps import canonical

BASE = "http://localhost:5000/"
GRAPHS = Graphs(BASE)


@pytest.fixture
def engine_store(engine: Engine) -> RemoteStore:
    return RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=60)


def quads(data: bytes, rdf_format: RdfFormat) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object) for t in parse(data, format=rdf_format)]


def objects(found: list[Quad], predicate: str, subject: str | None = None) -> list[str]:
    return [str(getattr(q.object, "value")) for q in found if q.predicate.value == predicate
            and (subject is None or getattr(q.subject, "value", None) == subject)]


@pytest.mark.parametrize("accept, media_type", [
    (None, "text/turtle"), ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"), ("application/json", "application/ld+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html")])
def test_the_description_by_content_negotiation(client: FlaskClient, accept: str | None, media_type: str) -> None:
    response = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]


def test_every_representation_and_both_addresses_say_the_same(client: FlaskClient) -> None:
    def read(path: str, accept: str) -> set[str]:
        data = client.get(path, headers={"Accept": accept}).data
        if accept == "application/ld+json":
            return canonical(quads(to_nquads(json.loads(data)).encode("utf-8"), RdfFormat.N_QUADS))
        return canonical(quads(data, RdfFormat.TURTLE if accept == "text/turtle" else RdfFormat.N_TRIPLES))

    turtle = read("/.well-known/void", "text/turtle")
    assert turtle == read("/.well-known/void", "application/n-triples") == read("/catalog", "text/turtle")
    assert turtle == read("/catalog", "application/ld+json")


def test_unacceptable_is_406(client: FlaskClient) -> None:
    response = client.get("/catalog", headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.mimetype == "application/problem+json"


def test_every_download_url_resolves_and_every_address_is_the_configured_base_not_the_host(
        client: FlaskClient) -> None:
    body = client.get("/catalog", base_url="https://evil.example/").data
    assert b"evil.example" not in body
    found = quads(body, RdfFormat.TURTLE)
    urls = objects(found, DCAT + "downloadURL")
    assert f"{BASE}dumps/isic-graph.nq.gz" in urls and len(urls) == 7
    for url in urls + objects(found, VOID + "dataDump"):
        response = client.get("/" + url.removeprefix(BASE))
        assert response.status_code == 200, url
    assert set(objects(found, DCAT + "endpointURL")) == {f"{BASE}sparql"}
    assert set(objects(found, VOID + "sparqlEndpoint")) == {f"{BASE}sparql"}


def test_counts_and_dates_match_the_store(client: FlaskClient, engine_store: RemoteStore) -> None:
    found = quads(client.get("/catalog").data, RdfFormat.TURTLE)
    datasets = {str(getattr(q.subject, "value")) for q in found if q.predicate.value == RDF_TYPE
                and q.object == NamedNode(VOID + "Dataset")}
    assert len(datasets) == 4
    for dataset in datasets:
        (triples,) = objects(found, VOID + "triples", dataset)
        identifiers = objects(found, DCTERMS + "identifier", dataset)
        graph = GRAPHS.network(identifiers[0]) if identifiers else None
        if graph is None:  # the whole store: each triple once, however many graphs state it
            assert int(triples) == len({q.triple for q in engine_store.quads()}) < engine_store.count()
        else:
            assert int(triples) == engine_store.count(graph)
        (modified,) = objects(found, DCTERMS + "modified", dataset)
        meta = f"GRAPH <{GRAPHS.metadata}> {{ ?g <{DCTERMS}modified> ?m }}"
        latest = engine_store.select(f"SELECT (MAX(?m) AS ?m) WHERE {{ {meta} "
                                     f"{f'FILTER(?g = <{graph}>)' if graph else ''} }}").rows[0]["m"]
        if graph is not None:
            assert datetime.fromisoformat(modified) == datetime.fromisoformat(latest.value)
        else:  # the whole store: its latest network's date, or its last write's (reference data's too), if later
            written = engine_store.version.written_at() if engine_store.version else None
            assert datetime.fromisoformat(modified) == max(d for d in (datetime.fromisoformat(latest.value), written)
                                                           if d is not None)


def test_the_home_page_links_dumps_and_metadata(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/dumps/"' in page and 'href="/.well-known/void"' in page
    assert f"<code>{BASE}dumps/</code>" in page


@pytest.mark.parametrize("path", ["/.well-known/void", "/catalog", "/sparql"])
@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples"])
def test_a_description_is_the_same_document_each_time_and_head_gives_its_length(
        client: FlaskClient, path: str, accept: str) -> None:
    """Its blank nodes (a class partition, an extent, the service) were named anew at each request: two downloads
    differed where nothing changed, and HEAD's Content-Length was not GET's."""
    first, second = (client.get(path, headers={"Accept": accept}) for _ in range(2))
    head = client.head(path, headers={"Accept": accept})
    assert first.status_code == second.status_code == head.status_code == 200
    assert first.mimetype == accept and first.data == second.data
    assert head.headers["Content-Length"] == str(len(first.data))
