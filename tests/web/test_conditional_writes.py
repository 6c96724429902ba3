"""Conditional writes to /graph-store (RFC 9110 §13): a GET's ETag, If-Match and If-None-Match; and a write that
changes no triple of a network's graph, which records nothing and leaves every ETag as it was."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.web.services import services
from tests.conftest import bearer
from tests.support import paths
from tests.support.queries import BASE

ANAS = BASE + "graph/network/anas"
DEMO = BASE + "graph/network/demo"
VALID = paths.ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
NT = {"Accept": "application/n-triples"}


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"anas": credentials.add("anas", "ANAS"), "demo": credentials.add("demo", "Démo")}


def triples(client: FlaskClient, graph: str = ANAS) -> list[bytes]:
    return sorted(client.get("/graph-store", query_string={"graph": graph}, headers=NT).data.splitlines())


def metadata(client: FlaskClient) -> list[bytes]:
    return triples(client, BASE + "graph/metadata")


def put(client: FlaskClient, token: str, body: bytes, graph: str = ANAS, **headers: str) -> tuple[int, dict[str, str]]:
    response = client.put("/graph-store", query_string={"graph": graph}, data=body, content_type="text/turtle",
                          headers={**bearer(token), **headers})
    return response.status_code, response.get_json(silent=True) or {}


def renamed(body: bytes, suffix: bytes) -> bytes:
    """The graph with the network's English name changed."""
    label = next(line for line in body.splitlines() if line.startswith(b"<" + BASE.encode() + b"id/network/anas>")
                 and b"#label>" in line and line.endswith(b'"@en .'))
    return body.replace(label, label.replace(b'"@en .', suffix + b'"@en .'), 1)


def version(app: Flask) -> str | None:
    with app.app_context():
        counter = services().store.version
        return None if counter is None else counter.current()


def test_a_graph_is_read_with_a_strong_etag_of_its_content(client: FlaskClient) -> None:
    first = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT)
    again = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT)
    head = client.head("/graph-store", query_string={"graph": ANAS}, headers=NT)
    turtle = client.get("/graph-store", query_string={"graph": ANAS}, headers={"Accept": "text/turtle"})
    tag = first.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/") and again.headers["ETag"] == head.headers["ETag"] == tag
    assert turtle.headers["ETag"] not in (None, tag)  # another representation, another strong ETag
    assert client.get("/graph-store", query_string={"graph": ANAS}, headers={**NT, "If-None-Match": tag}
                      ).status_code == 304


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_read_honours_if_match_too(client: FlaskClient, method: str) -> None:
    """RFC 9110 §13.1.1 applies If-Match to every method: a stale ETag read was answered 200, as if it held."""
    tag = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"]
    turtle = client.get("/graph-store", query_string={"graph": ANAS}, headers={"Accept": "text/turtle"}).headers["ETag"]
    for held in (tag, turtle, "*", f'"stale", {tag}'):
        assert client.open("/graph-store", method=method, query_string={"graph": ANAS},
                           headers={**NT, "If-Match": held}).status_code == 200, held
    stale = client.open("/graph-store", method=method, query_string={"graph": ANAS},
                        headers={**NT, "If-Match": '"stale-nt"'})
    assert stale.status_code == 412
    missing = client.open("/graph-store", method=method, query_string={"graph": BASE + "graph/network/nobody"},
                          headers={**NT, "If-Match": '"stale-nt"'})
    assert missing.status_code == 404  # §13.2.1: the conditions are ignored when the answer would be no 2xx


def test_a_weak_etag_in_if_match_is_said_to_never_match(client: FlaskClient, tokens: dict[str, str]) -> None:
    tag = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"]
    before = triples(client)
    for lang, words in (("en", "a weak ETag"), ("fr", "un ETag faible")):
        answer = client.delete("/graph-store", query_string={"graph": ANAS},
                               headers={**bearer(tokens["anas"]), "If-Match": f"W/{tag}", "Accept-Language": lang})
        assert answer.status_code == 412 and words in answer.get_json()["detail"], answer.get_json()
        assert "has changed" not in answer.get_json()["detail"]
    assert triples(client) == before


@pytest.mark.parametrize(("headers", "status"), [
    ({"If-Match": '"wrong"'}, 412),
    ({"If-Match": 'W/"x"'}, 412),
    ({"If-Match": '""'}, 412),
    ({"If-None-Match": "*"}, 412),
    ({"If-Match": "*"}, 204),
])
def test_a_put_of_an_existing_graph_honours_its_conditions(
        client: FlaskClient, tokens: dict[str, str], headers: dict[str, str], status: int) -> None:
    before, meta = triples(client), metadata(client)
    body = b"\n".join(before)
    answer, problem = put(client, tokens["anas"], body, **headers, **{"Accept-Language": "fr"})
    assert answer == status
    assert triples(client) == before and metadata(client) == meta  # 412, or the same data: nothing written
    if status == 412:
        assert problem["type"].endswith("/precondition-failed") and problem["status"] == 412
        assert "rien n'a été enregistré" in problem["detail"]


def test_a_refused_condition_is_answered_before_the_body_is_read(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    before = triples(client)
    answer, problem = put(client, tokens["anas"], b"this is no turtle {", **{"If-Match": '"stale"',
                                                                           "Accept-Language": "en"})
    assert answer == 412 and "nothing was written" in problem["detail"] and triples(client) == before
    assert problem["title"].startswith("The write's precondition") and problem["code"] == "precondition-failed"
    for method in ("post", "delete"):
        response = getattr(client, method)("/graph-store", query_string={"graph": ANAS}, data=b"x",
                                           content_type="text/turtle",
                                           headers={**bearer(tokens["anas"]), "If-Match": '"stale"'})
        assert response.status_code == 412 and triples(client) == before


def test_the_etag_read_makes_a_conditional_put_succeed_once(client: FlaskClient, tokens: dict[str, str]) -> None:
    read = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT)
    old = read.headers["ETag"]
    lines = sorted(read.data.splitlines())
    edited = renamed(b"\n".join(lines), b" (edited)")
    assert put(client, tokens["anas"], edited, **{"If-Match": old})[0] == 204
    new = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"]
    assert new != old
    stale, problem = put(client, tokens["anas"], b"\n".join(lines), **{"If-Match": old})  # the other editor
    assert stale == 412 and problem["type"].endswith("precondition-failed")
    assert client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"] == new
    assert put(client, tokens["anas"], b"\n".join(lines), **{"If-Match": new})[0] == 204  # read again, then written


def test_if_none_match_star_creates_only(client: FlaskClient, tokens: dict[str, str]) -> None:
    body = VALID.read_bytes()
    assert put(client, tokens["demo"], body, DEMO, **{"If-Match": "*"})[0] == 412  # no graph: * matches nothing
    assert client.get("/graph-store", query_string={"graph": DEMO}).status_code == 404
    assert put(client, tokens["demo"], body, DEMO, **{"If-None-Match": "*"})[0] == 201
    assert put(client, tokens["demo"], body, DEMO, **{"If-None-Match": "*"})[0] == 412
    gone = {**bearer(tokens["demo"]), "If-Match": "*"}
    assert client.delete("/graph-store", query_string={"graph": DEMO}, headers=gone).status_code == 204
    assert client.delete("/graph-store", query_string={"graph": DEMO}, headers=gone).status_code == 404


def test_an_unchanged_put_records_nothing_and_keeps_every_etag(
        app: Flask, client: FlaskClient, tokens: dict[str, str]) -> None:
    body = b"\n".join(triples(client))
    put(client, tokens["anas"], body)
    meta, dump, at = metadata(client), client.get("/dumps/network/anas.ttl").headers["ETag"], version(app)
    graph_tag = client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"]
    assert put(client, tokens["anas"], body)[0] == 204
    post = client.post("/graph-store", query_string={"graph": ANAS}, data=body, content_type="text/turtle",
                       headers=bearer(tokens["anas"]))
    assert post.status_code == 204
    api = client.post("/api/networks/anas/sheets", data=body, content_type="text/turtle",
                      headers=bearer(tokens["anas"]))
    assert api.status_code == 200 and api.json["changed"] is False and api.json["provenance"] is None
    assert api.json["changes"] == {"added": [], "changed": [], "removed": []}
    assert metadata(client) == meta and version(app) == at
    assert client.get("/dumps/network/anas.ttl").headers["ETag"] == dump
    assert client.get("/graph-store", query_string={"graph": ANAS}, headers=NT).headers["ETag"] == graph_tag
    changed = renamed(body, b" (bis)")
    answer = client.post("/api/networks/anas/sheets", data=changed, content_type="text/turtle",
                         headers=bearer(tokens["anas"]))
    assert answer.status_code == 200 and answer.json["changed"] is True and answer.json["provenance"]
    assert metadata(client) != meta and version(app) != at
    assert client.get("/dumps/network/anas.ttl").headers["ETag"] != dump
