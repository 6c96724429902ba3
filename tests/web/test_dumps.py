"""/dumps/: the list, the streamed files, ETag and conditional GET, HEAD, against a real engine process."""

from __future__ import annotations

import datetime
import gzip

import pytest
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat

from isic_graph.config import Settings
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.publish.export import export_stream
from isic_graph.rdf.namespaces import DCTERMS, RDF_TYPE, VOID, Graphs
from isic_graph.store.engine import Engine, free_port
from isic_graph.store.remote import BLOCK, RemoteStore
from isic_graph.validation.validator import Validator
from isic_graph.web import create_app
from tests.conftest import ADMIN, bearer
from tests.support import paths
from tests.unit.publish.test_dumps import canonical, reload
from tests.web.test_metadata import objects, quads

BASE = "http://localhost:5000/"
GRAPHS = Graphs(BASE)
VALID = paths.DATA / "valid" / "minimal-sheet.ttl"


@pytest.fixture
def engine_store(engine: Engine) -> RemoteStore:
    """The engine, read through the Graph Store Protocol as the web application reads it."""
    return RemoteStore(f"{engine.url}/query", f"{engine.url}/update", f"{engine.url}/store", timeout=60)


def test_the_list_in_json_names_every_dump_with_its_url(client: FlaskClient) -> None:
    response = client.get("/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json is not None
    listed = {d["name"]: d for d in response.json["dumps"]}
    whole = listed["isic-graph.nq.gz"]
    assert whole["media_type"] == "application/n-quads" and whole["compression"] == "application/gzip"
    assert whole["url"] == "/dumps/isic-graph.nq.gz" and whole["size"] is None
    for slug in ("anas", "fcsf", "action-sociale-35"):
        assert listed[f"network/{slug}.ttl"]["media_type"] == "text/turtle"
        assert listed[f"network/{slug}.jsonld"]["modified"] is not None
    for entry in listed.values():
        assert client.head(entry["url"]).status_code == 200


def test_the_list_in_html_for_browsers(client: FlaskClient) -> None:
    response = client.get("/dumps/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'href="/dumps/network/anas.ttl"' in response.get_data(as_text=True)
    assert client.get("/dumps").status_code == 200  # the same list: no redirect, whose address would come from Host
    assert client.get("/dumps/", headers={"Accept": "image/png"}).status_code == 406


def test_the_whole_store_is_gzipped_nquads_of_every_graph(client: FlaskClient, engine_store: RemoteStore) -> None:
    response = client.get("/dumps/isic-graph.nq.gz")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/gzip" and response.data[:2] == b"\x1f\x8b"
    assert reload(gzip.decompress(response.data), "nquads") == canonical(engine_store.quads())


@pytest.mark.parametrize("extension, format_name, media_type", [
    ("ttl", "turtle", "text/turtle"), ("jsonld", "jsonld", "application/ld+json")])
def test_a_network_dump_gives_back_its_graph(client: FlaskClient, engine_store: RemoteStore, extension: str,
                                             format_name: str, media_type: str) -> None:
    response = client.get(f"/dumps/network/anas.{extension}")
    assert response.status_code == 200 and response.mimetype == media_type and response.is_streamed
    graph = GRAPHS.network("anas")
    assert reload(response.data, format_name, graph) == canonical(engine_store.quads([graph]))


def test_the_etag_allows_conditional_gets_and_no_date_does(client: FlaskClient) -> None:
    """A dump's ETag gives 304 while the dump is the same; no date does, since none tells what a dump holds (see
    the next test): If-Modified-Since alone, whatever its date, gets the whole file."""
    first = client.get("/dumps/network/fcsf.ttl")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "Last-Modified" not in first.headers
    cached = client.get("/dumps/network/fcsf.ttl", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b"" and cached.headers["ETag"] == etag
    for date in ("Sun, 06 Dec 2026 15:16:12 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"):
        dated = client.get("/dumps/network/fcsf.ttl", headers={"If-Modified-Since": date})
        assert dated.status_code == 200 and dated.data == first.data
    stale = client.get("/dumps/network/fcsf.ttl", headers={"If-None-Match": '"other"',
                                                           "If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert stale.status_code == 200 and stale.data == first.data
    assert client.get("/dumps/network/fcsf.jsonld").headers["ETag"] != etag
    whole = client.get("/dumps/isic-graph.nq.gz")
    assert "Last-Modified" not in whole.headers
    assert client.get("/dumps/isic-graph.nq.gz", headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", ["/dumps/isic-graph.nq.gz", "/dumps/network/anas.ttl", "/dumps/network/anas.jsonld"])
def test_head_has_the_headers_of_get_and_no_body(client: FlaskClient, path: str) -> None:
    head, get = client.head(path), client.get(path)
    assert head.status_code == 200 and head.data == b"" and get.data
    for header in ("Content-Type", "ETag", "Cache-Control"):
        assert head.headers[header] == get.headers[header]


@pytest.mark.parametrize("path", ["/dumps/network/nobody.ttl", "/dumps/network/Not_A_Slug.ttl",
                                  "/dumps/network/anas.csv", "/dumps/everything.zip"])
def test_unknown_dumps_are_404_problems(client: FlaskClient, path: str) -> None:
    for response in (client.get(path), client.head(path)):
        assert response.status_code == 404
    assert client.get(path).mimetype == "application/problem+json"


def test_the_engine_is_read_in_blocks_and_the_first_arrives_before_the_last(engine_store: RemoteStore) -> None:
    chunks = export_stream(engine_store, GRAPHS, "nquads")
    first = next(chunks)
    assert 0 < len(first) <= BLOCK
    rest = list(chunks)
    assert rest and all(len(c) <= BLOCK for c in rest)


def test_the_response_streams_its_chunks(client: FlaskClient) -> None:
    response = client.get("/dumps/isic-graph.nq.gz", buffered=False)
    chunks = iter(response.response)
    assert next(chunks)[:2] == b"\x1f\x8b"
    assert list(chunks)
    response.close()


def test_dumps_follow_ingestion(client: FlaskClient, engine: Engine, validator: Validator) -> None:
    before = client.get("/dumps/isic-graph.nq.gz").headers["ETag"]
    store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=60)
    ingest(store, validator, GRAPHS, [Document.from_path(VALID)], "demo")
    after = client.get("/dumps/isic-graph.nq.gz", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json
    names = [d["name"] for d in (listing or {})["dumps"]]
    assert "network/demo.ttl" in names
    assert b"id/project/demo" in client.get("/dumps/network/demo.ttl").data


def test_an_unreachable_store_is_a_problem_answer() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = create_app(Settings(store_path=None, base_iri=BASE, store_url=f"{url}/query", store_gsp_url=f"{url}/store"))
    response = app.test_client().get("/dumps/isic-graph.nq.gz")
    assert response.status_code >= 500 and response.mimetype == "application/problem+json"


def test_a_write_keeping_the_count_and_the_networks_dates_changes_the_whole_stores_etag(client: FlaskClient) -> None:
    """The administrator's write to reference data changes no network's dcterms:modified (so no date could tell it),
    and swapping one value for another keeps the count of triples: the whole store's dump holds something else, so
    its ETag moves, and the client's copy is sent again."""
    seeded = client.post("/update", headers=bearer(ADMIN),
                         data={"update": 'INSERT DATA { GRAPH <urn:x:reference> { <urn:x:s> <urn:x:p> "one" } }'})
    assert seeded.status_code == 204, seeded.data
    before = client.get("/dumps/isic-graph.nq.gz")
    swapped = client.post("/update", headers=bearer(ADMIN), data={
        "update": 'DELETE { GRAPH <urn:x:reference> { <urn:x:s> <urn:x:p> "one" } } '
                  'INSERT { GRAPH <urn:x:reference> { <urn:x:s> <urn:x:p> "two" } } WHERE { }'})
    assert swapped.status_code == 204, swapped.data
    after = client.get("/dumps/isic-graph.nq.gz", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert b'"two"' in gzip.decompress(after.data) and b'"one"' not in gzip.decompress(after.data)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_if_match_holds_with_the_current_etag_or_star_and_fails_412_otherwise_never_304(client: FlaskClient,
                                                                                       method: str) -> None:
    """RFC 9110 §13.1.1: a failing If-Match is 412; If-Match never answers 304 (a client asking "is it still the
    version I have?" was told "not modified" about changed content)."""
    for path in ("/dumps/network/fcsf.ttl", "/dumps/isic-graph.nq.gz"):
        current = client.open(path, method=method)
        current.close()
        etag = current.headers["ETag"]
        for holds in (etag, "*", f'"other", {etag}'):
            answer = client.open(path, method=method, headers={"If-Match": holds})
            answer.close()  # a streamed dump holds one of the client's slots until it is read or closed
            assert answer.status_code == 200 and answer.headers["ETag"] == etag, (path, holds)
        for fails in ('"other"', f"W/{etag}"):  # If-Match compares strongly
            answer = client.open(path, method=method, headers={"If-Match": fails})
            assert answer.status_code == 412, (path, fails, answer.status_code)
            if method == "GET":
                assert answer.json is not None and answer.json["code"] == "precondition-failed"
        both = client.open(path, method=method, headers={"If-Match": etag, "If-None-Match": etag})
        assert both.status_code == 304


def test_the_listing_and_the_catalogue_date_the_whole_store_by_its_last_write(client: FlaskClient) -> None:
    """An administrator's write to reference data moves no network's date: the listing and the catalogue kept the
    last network write's date for the whole store, and a client polling them missed the change."""
    def dates() -> tuple[datetime.datetime, datetime.datetime]:
        listed = client.get("/dumps/", headers={"Accept": "application/json"}).json["dumps"]
        whole = next(e["modified"] for e in listed if e["url"].endswith("/dumps/isic-graph.nq.gz"))
        found = quads(client.get("/catalog", headers={"Accept": "text/turtle"}).data, RdfFormat.TURTLE)
        datasets = {q.subject.value for q in found
                    if q.predicate.value == RDF_TYPE and q.object.value == VOID + "Dataset"}
        [store] = [d for d in datasets if not objects(found, DCTERMS + "identifier", d)]  # the networks' have one
        stated = objects(found, DCTERMS + "modified", store)
        assert len(stated) == 1, (store, stated)
        return datetime.datetime.fromisoformat(whole), datetime.datetime.fromisoformat(stated[0])

    before = dates()
    written = client.post("/update", headers=bearer(ADMIN),
                          data={"update": 'INSERT DATA { GRAPH <urn:x:reference> { <urn:x:s> <urn:x:p> "listed" } }'})
    assert written.status_code == 204, written.data
    after = dates()
    assert after[0] > before[0] and after[1] > before[1] and after[0] == after[1]
    assert after[0] > datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
