"""The SPARQL 1.1 Protocol test behaviours (W3C protocol manifest), over HTTP against the live server."""

from __future__ import annotations

import json
import urllib.parse
from http.client import HTTPConnection
from typing import Iterator

import pytest

from tests.conftest import LIVE_ADMIN
from tests.support.live import LiveServer as Server

FORM = "application/x-www-form-urlencoded"
G1, G2, G3 = "urn:proto:g1", "urn:proto:g2", "urn:proto:g3"


def http(url: str, method: str = "GET", body: bytes | str | None = None, content_type: str | None = None,
         accept: str | None = None, admin: bool = False) -> tuple[int, str, bytes]:
    """One request, with exactly the headers given (http.client adds no Content-Type of its own)."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": content_type} if content_type else {}
    if accept:
        headers["Accept"] = accept
    if admin:
        headers["Authorization"] = f"Bearer {LIVE_ADMIN}"
    connection = HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body.encode("utf-8") if isinstance(body, str) else body,
                           headers=headers)
        response = connection.getresponse()
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media_type, response.read()
    finally:
        connection.close()


def form(**params: str | list[str]) -> str:
    return urllib.parse.urlencode([(k.replace("_", "-"), v) for k, vs in params.items()
                                   for v in (vs if isinstance(vs, list) else [vs])])


@pytest.fixture(scope="module")
def endpoint(server: Server) -> Iterator[str]:
    url = server.url
    seed = (f'INSERT DATA {{ GRAPH <{G1}> {{ <urn:a> <urn:p> "one" }} GRAPH <{G2}> {{ <urn:b> <urn:p> "two" }} '
            f'GRAPH <{G3}> {{ <urn:c> <urn:p> "three" }} }}')
    assert http(f"{url}/update", "POST", form(update=seed), FORM, admin=True)[0] == 204
    yield url
    http(f"{url}/update", "POST", form(update="DROP GRAPH <urn:proto:g1> ; DROP GRAPH <urn:proto:g2> ; "
                                              "DROP GRAPH <urn:proto:g3> ; DROP SILENT GRAPH <urn:proto:out>"),
         FORM, admin=True)


def values(body: bytes, var: str = "o") -> list[str]:
    return sorted(b[var]["value"] for b in json.loads(body)["results"]["bindings"] if var in b)


SELECT_O = "SELECT ?o WHERE { ?s <urn:p> ?o }"


def test_query_via_get(endpoint: str) -> None:
    status, media, body = http(f"{endpoint}/sparql?{form(query='ASK {}')}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_query_via_url_encoded_post(endpoint: str) -> None:
    status, _, body = http(f"{endpoint}/sparql", "POST", form(query=SELECT_O, default_graph_uri=G1), FORM)
    assert status == 200 and values(body) == ["one"]


def test_query_via_post_directly(endpoint: str) -> None:
    status, _, body = http(f"{endpoint}/sparql?{form(default_graph_uri=G2)}", "POST", SELECT_O,
                           "application/sparql-query")
    assert status == 200 and values(body) == ["two"]


def test_get_query_with_protocol_default_graph(endpoint: str) -> None:
    assert values(http(f"{endpoint}/sparql?{form(query=SELECT_O, default_graph_uri=G1)}")[2]) == ["one"]


def test_post_query_with_protocol_default_graphs(endpoint: str) -> None:
    body = http(f"{endpoint}/sparql", "POST", form(query=SELECT_O, default_graph_uri=[G1, G2]), FORM)[2]
    assert values(body) == ["one", "two"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_with_protocol_named_graphs(endpoint: str, method: str) -> None:
    query = "SELECT ?g ?o WHERE { GRAPH ?g { ?s <urn:p> ?o } }"
    params = form(query=query, named_graph_uri=[G2, G3])
    status, _, body = (http(f"{endpoint}/sparql?{params}") if method == "GET"
                       else http(f"{endpoint}/sparql", "POST", params, FORM))
    assert status == 200 and values(body, "g") == [G2, G3]


def test_query_with_protocol_default_and_named_graphs(endpoint: str) -> None:
    query = "SELECT ?o ?n WHERE { ?s <urn:p> ?o GRAPH ?g { ?t <urn:p> ?n } }"
    body = http(f"{endpoint}/sparql?{form(query=query, default_graph_uri=G1, named_graph_uri=G3)}")[2]
    assert values(body, "o") == ["one"] and values(body, "n") == ["three"]


def test_protocol_dataset_overrides_the_query_dataset(endpoint: str) -> None:
    query = f"SELECT ?o FROM <{G1}> WHERE {{ ?s <urn:p> ?o }}"
    assert values(http(f"{endpoint}/sparql?{form(query=query, default_graph_uri=G2)}")[2]) == ["two"]


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/sparql-results+json",
                                    "text/csv", "text/tab-separated-values"])
def test_select_in_an_appropriate_content_type(endpoint: str, accept: str) -> None:
    status, media, _ = http(f"{endpoint}/sparql?{form(query=SELECT_O)}", accept=accept)
    assert status == 200 and media == accept


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/sparql-results+json"])
def test_ask_in_an_appropriate_content_type(endpoint: str, accept: str) -> None:
    status, media, _ = http(f"{endpoint}/sparql?{form(query='ASK { ?s ?p ?o }')}", accept=accept)
    assert status == 200 and media == accept


@pytest.mark.parametrize("query", ["CONSTRUCT WHERE { ?s <urn:p> ?o }", "DESCRIBE <urn:a>"])
@pytest.mark.parametrize("accept", ["application/rdf+xml", "text/turtle", "application/n-triples"])
def test_graph_results_in_an_appropriate_content_type(endpoint: str, query: str, accept: str) -> None:
    status, media, _ = http(f"{endpoint}/sparql?{form(query=query)}", accept=accept)
    assert status == 200 and media == accept


def test_service_defined_base_iri(endpoint: str) -> None:
    status, _, body = http(f"{endpoint}/sparql?{form(query='SELECT (<x> AS ?i) WHERE {}')}")
    assert status == 200 and values(body, "i")[0].endswith("x")


@pytest.mark.parametrize("using", ["using_graph_uri", "using_named_graph_uri"])
def test_update_with_protocol_dataset(endpoint: str, using: str) -> None:
    where = "?s <urn:p> ?o" if using == "using_graph_uri" else "GRAPH ?g { ?s <urn:p> ?o }"
    update = f"INSERT {{ GRAPH <urn:proto:out> {{ ?s <urn:q> ?o }} }} WHERE {{ {where} }}"
    source = G1 if using == "using_graph_uri" else G3
    assert http(f"{endpoint}/update", "POST", form(update=update, **{using: source}), FORM, admin=True)[0] == 204
    body = http(f"{endpoint}/sparql?{form(query='SELECT ?o WHERE { GRAPH <urn:proto:out> { ?s <urn:q> ?o } }')}")[2]
    assert values(body) == (["one"] if source == G1 else ["three"])
    http(f"{endpoint}/update", "POST", form(update="DROP GRAPH <urn:proto:out>"), FORM, admin=True)


def test_update_via_post_directly(endpoint: str) -> None:
    update = "INSERT DATA { GRAPH <urn:proto:out> { <urn:d> <urn:p> \"direct\" } }"
    assert http(f"{endpoint}/update", "POST", update, "application/sparql-update", admin=True)[0] == 204
    assert http(f"{endpoint}/update", "POST", form(update="DROP GRAPH <urn:proto:out>"), FORM, admin=True)[0] == 204


@pytest.mark.parametrize("case", [
    ("PUT", f"query={urllib.parse.quote('ASK {}')}", FORM),                        # method other than GET/POST
    ("GET", "query=ASK%7B%7D&query=ASK%7B%7D", None),                              # two queries
    ("POST", "ASK {}", "text/plain"),                                             # wrong media type
    ("POST", f"query={urllib.parse.quote('ASK {}')}", None),                        # form body, no media type
    ("POST", "ASK {}", None),                                                     # query body, no media type
    ("POST", "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),  # not UTF-8
    ("GET", "query=SELEKT", None),                                                # syntax error
], ids=["method", "two-queries", "media-type", "form-without-type", "body-without-type", "utf-16", "syntax"])
def test_bad_query_requests_get_4xx(endpoint: str, case: tuple[str, str | bytes, str | None]) -> None:
    method, body, content_type = case
    if method == "GET":
        status = http(f"{endpoint}/sparql?{body}")[0]
    else:
        status = http(f"{endpoint}/sparql", method, body, content_type)[0]
    assert 400 <= status < 500


@pytest.mark.parametrize("case", [
    ("GET", None, None),                                                          # update via GET
    ("POST", "update=INSERT%20DATA%20%7B%7D&update=INSERT%20DATA%20%7B%7D", FORM),  # two updates
    ("POST", "INSERT DATA {}", "text/plain"),                                     # wrong media type
    ("POST", "update=INSERT%20DATA%20%7B%7D", None),                              # form body, no media type
    ("POST", "INSERT DATA {}".encode("utf-16"), "application/sparql-update; charset=UTF-16"),
    ("POST", "update=INSERT%20DATUM", FORM),                                      # syntax error
    ("POST", form(update="INSERT { <urn:x> <urn:y> ?o } USING <urn:proto:g1> WHERE { ?s ?p ?o }",
                  using_graph_uri=G2), FORM),                                     # USING and using-graph-uri
], ids=["get", "two-updates", "media-type", "form-without-type", "utf-16", "syntax", "dataset-conflict"])
def test_bad_update_requests_get_4xx(endpoint: str, case: tuple[str, str | bytes | None, str | None]) -> None:
    method, body, content_type = case
    status = http(f"{endpoint}/update", method, body, content_type, admin=True)[0]
    assert 400 <= status < 500
