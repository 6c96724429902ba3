"""Bodies and parameters of the ingestion API no client builds (a multipart body with no boundary, a part without a
name, a file name that is not UTF-8, a body cut short; a CSV body's ?table that names no table; a dry run asked and
refused at once) are refused with a message that says what is expected, in English and French, and change nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import ADMIN, bearer
from tests.support.oxigraph_server import Watched

TTL = b'<id/project/x> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .'
FILE = b'Content-Disposition: form-data; name="files"; filename="a.ttl"'


def body(parts: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(b"--XyZ\r\n" + head + b"\r\n\r\n" + data + b"\r\n" for head, data in parts) + b"--XyZ--\r\n"


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Réseau de démonstration")}


@pytest.mark.parametrize(("content_type", "data"), [("multipart/form-data", body([(FILE, TTL)])),
                                                    ("multipart/form-data; boundary=", body([(FILE, TTL)])),
                                                    ("multipart/form-data; boundary=\"\"", body([(FILE, TTL)]))])
@pytest.mark.parametrize("route", ["/api/networks/demo/sheets", "/api/validate?network=demo"])
def test_a_multipart_body_without_a_boundary_is_refused_saying_so(client: FlaskClient, tokens: dict[str, str],
                                                                  content_type: str, data: bytes, route: str) -> None:
    for lang, words in (("en", "names no boundary"), ("fr", "ne nomme pas de séparateur")):
        response = client.post(route, data=data, headers={**bearer(tokens["demo"]), "Content-Type": content_type,
                                                          "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_data(as_text=True), response.data[:300]


@pytest.mark.parametrize("data", [
    body([(b'Content-Disposition: form-data; name="files"; filename="a\xff\xfe.ttl"', TTL)]),  # not UTF-8
    body([(b"Content-Type: text/turtle", TTL)]), body([(b"", b"")]),  # no Content-Disposition; an empty part
    b"--XyZ\r\n" + FILE + b"\r\n\r\n" + TTL, b"\x00\xff garbage"])  # cut short; no part at all
@pytest.mark.parametrize("route", ["/api/networks/demo/sheets", "/api/validate?network=demo"])
def test_a_multipart_body_with_no_readable_file_says_what_a_part_needs(client: FlaskClient, tokens: dict[str, str],
                                                                        data: bytes, route: str) -> None:
    for lang, words in (("en", "file name in UTF-8"), ("fr", "nom de fichier en UTF-8")):
        response = client.post(route, data=data, headers={**bearer(tokens["demo"]), "Accept-Language": lang,
                                                          "Content-Type": "multipart/form-data; boundary=XyZ"})
        assert response.status_code == 400 and words in response.get_data(as_text=True), response.data[:300]


@pytest.mark.parametrize("table", ["%00", "x" * 300, "..%2F..%2Fetc", "projects%2Fx", "projects.csv%00", "%E2%80%AE"])
def test_a_csv_bodys_table_that_is_no_tables_name_is_refused_saying_what_it_names(client: FlaskClient,
                                                                                   tokens: dict[str, str],
                                                                                   table: str) -> None:
    for lang, words in (("en", "?table names one of the sheet's tables"),
                        ("fr", "?table nomme un des tableaux de la fiche")):
        response = client.post(f"/api/networks/demo/sheets?table={table}", data=b"projet;reseau\nx;demo\n",
                               content_type="text/csv", headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_data(as_text=True), response.data[:300]


@pytest.mark.parametrize("query", ["dry-run=0&dry-run=1", "dry-run=1&dry-run=0", "dry-run&dry-run=no"])
def test_a_dry_run_asked_and_refused_at_once_is_refused_naming_the_parameter(client: FlaskClient,
                                                                             tokens: dict[str, str],
                                                                             query: str) -> None:
    for lang, words in (("en", "'dry-run' was given more than once"), ("fr", "« dry-run » est donné plusieurs fois")):
        response = client.post(f"/api/networks/demo/sheets?{query}", data=TTL, content_type="text/turtle",
                               headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_data(as_text=True), response.data[:300]


@pytest.mark.parametrize(("query", "en", "fr"), [
    ({"graph": "HTTP://LOCALHOST:5000/graph/network/demo"}, "", ""),  # another spelling: the administrator's graph
    ({"graph": "ftp://x/"}, "not an absolute IRI", "n'est pas une IRI absolue"),
    ({"graph": ["http://a/", "http://b/"]}, "name exactly one graph", "nommez exactement un graphe"),
    ({}, "name exactly one graph", "nommez exactement un graphe")])
def test_the_graph_stores_refusals_say_what_to_name_in_both_languages(client: FlaskClient, tokens: dict[str, str],
                                                                       query: dict[str, object], en: str,
                                                                       fr: str) -> None:
    for lang, words in (("en", en), ("fr", fr)):
        response = client.put("/graph-store", query_string=query, data=TTL, content_type="text/turtle",
                              headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        detail = response.get_json()["detail"]
        assert 400 <= response.status_code < 500 and words in detail and "est mal formée" not in detail, detail


@pytest.mark.parametrize("graph", ["HTTP://LOCALHOST:5000/graph/network/demo", "http://LOCALHOST:5000/graph/network/anas",
                                   "http://localhost:5000/graph//network/demo", "http://localhost:5000/graph/%6Fwnership",
                                   "http://localhost:5000/graph/ownership/", "https://localhost:5000/graph/network/demo",
                                   "HTTPS://localhost:5000/graph/metadata"])
def test_a_look_alike_of_a_managed_graph_is_no_graph_for_the_administrators_load(client: FlaskClient,
                                                                                  graph: str) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = client.open("/graph-store", method=method, query_string={"graph": graph}, data=TTL,
                               content_type="text/turtle", headers=bearer(ADMIN))
        assert response.status_code == 403 and "managed by isic-graph" in response.get_json()["detail"], \
            (method, response.get_json())


@pytest.mark.parametrize("heads", [[b"Content-Disposition: ;;;=="], [b"Content-Disposition: form-data"],
                                   [b"Content-Disposition: form-data", b'Content-Disposition: form-data; name="note"']])
@pytest.mark.parametrize("route", ["/api/networks/demo/sheets", "/api/validate?network=demo"])
def test_a_text_part_with_no_name_is_refused_as_a_part_with_no_name(client: FlaskClient, tokens: dict[str, str],
                                                                    heads: list[bytes], route: str) -> None:
    """Beside a file, a part that is no file and has no name (or a malformed Content-Disposition) is named as such,
    never as Python's None, alone or beside a named text part."""
    data = body([(FILE, TTL), *((head, b"x") for head in heads)])
    for lang, words in (("en", "a part with no name"), ("fr", "une partie sans nom")):
        response = client.post(route, data=data, headers={**bearer(tokens["demo"]), "Accept-Language": lang,
                                                          "Content-Type": "multipart/form-data; boundary=XyZ"})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and words in text and "None" not in text, text[:300]


GRAPH = "http://localhost:5000/graph/network/demo"
NT = '<http://localhost:5000/id/project/x> <http://www.w3.org/2000/01/rdf-schema#comment> "café" .\n'


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "gzip, identity", "x-gzip"])
@pytest.mark.parametrize(("method", "route"), [
    ("POST", "/api/networks/demo/sheets"), ("PUT", f"/graph-store?graph={GRAPH}"),
    ("POST", f"/graph-store?graph={GRAPH}"), ("POST", "/update"), ("POST", "/sparql")])
def test_a_compressed_body_is_refused_saying_to_send_it_as_it_is(client: FlaskClient, tokens: dict[str, str],
                                                                 seen: Watched, coding: str, method: str,
                                                                 route: str) -> None:
    """A body sent compressed (`curl --data-binary @x.ttl.gz -H 'Content-Encoding: gzip'`) is not read as text and
    refused as invalid UTF-8 (blaming a file that is fine): 415, naming Content-Encoding; nothing is stored."""
    import gzip

    before = seen.now()
    token = ADMIN if route in ("/update", "/sparql") else tokens["demo"]
    kind = {"/update": "application/sparql-update", "/sparql": "application/sparql-query"}.get(route,
                                                                                              "application/n-triples")
    text = {"/update": "CLEAR ALL", "/sparql": "ASK {}"}.get(route, NT)
    for lang, words in (("en", "without Content-Encoding"), ("fr", "sans Content-Encoding")):
        response = client.open(route, method=method, data=gzip.compress(text.encode()),
                               headers={**bearer(token), "Content-Type": kind, "Content-Encoding": coding,
                                        "Accept-Language": lang})
        assert response.status_code == 415 and words in response.get_json()["detail"], response.data[:300]
    assert before.unchanged()


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "iso-8859-1", "windows-1252", "bogus", '"utf-16le"'])
@pytest.mark.parametrize(("method", "route", "kind"), [
    ("POST", "/api/networks/demo/sheets?dry-run=1", "application/n-triples"),
    ("POST", "/api/networks/demo/sheets?dry-run=1", "text/turtle"),
    ("POST", "/api/networks/demo/sheets?dry-run=1", "application/ld+json"),
    ("PUT", f"/graph-store?graph={GRAPH}", "application/n-triples")])
def test_an_rdf_body_declared_in_another_charset_than_utf8_is_refused_naming_it(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, charset: str, method: str, route: str,
        kind: str) -> None:
    """RDF's text formats are UTF-8: a body said to be in another charset was read as UTF-8 whatever it said
    (UTF-16 refused as invalid UTF-8, any other word accepted); it is refused with 415, naming the charset."""
    before = seen.now()
    data = NT.encode("utf-16") if "16" in charset else NT.encode("latin-1")
    name = charset.strip('"')
    for lang, words in (("en", f"not {name}"), ("fr", f"pas en {name}")):
        response = client.open(route, method=method, data=data, headers={
            **bearer(tokens["demo"]), "Content-Type": f"{kind}; charset={charset}", "Accept-Language": lang})
        assert response.status_code == 415 and words in response.get_json()["detail"], response.data[:300]
    assert before.unchanged()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8"])
def test_an_rdf_body_said_to_be_utf8_in_any_spelling_is_read(client: FlaskClient, tokens: dict[str, str],
                                                             charset: str) -> None:
    response = client.post("/api/networks/demo/sheets?dry-run=1&mode=upsert", data=NT.encode(),
                           headers={**bearer(tokens["demo"]),
                                    "Content-Type": f"application/n-triples; charset={charset}"})
    assert response.status_code != 415, response.data[:300]


def test_a_csv_bodys_charset_is_left_to_the_sheets_reader(client: FlaskClient, tokens: dict[str, str]) -> None:
    """A sheet's encoding is read from its bytes (LibreOffice's Windows encodings, UTF-16): a CSV body's declared
    charset is not refused."""
    headers = {**bearer(tokens["demo"]), "Content-Type": "text/csv; charset=windows-1252"}
    response = client.post("/api/networks/demo/sheets?dry-run=1&table=projects",
                           data="projet;réseau\n".encode("cp1252"), headers=headers)
    assert response.status_code != 415, response.data[:300]
