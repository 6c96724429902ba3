"""Multipart uploads as curl -F and browsers send them: every file under every field name is read, and a part
that cannot be used is refused with the store untouched (never dropped, which `replace` would turn into loss)."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import paths

ROOT = paths.ROOT
SAMPLE = ROOT / "samples" / "action-sociale-35"
NETWORK = "action-sociale-35"
GRAPH = f"{BASE}graph/network/{NETWORK}"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def triples(client: FlaskClient) -> list[bytes]:
    """The network graph's triples, without the ingestion's own (dates, provenance) that change on each write."""
    response = client.get("/sparql", query_string={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> "
                                                            "{ ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return sorted(line for line in response.data.splitlines() if line.strip())


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


def curl_body(parts: list[tuple[str, str | None, bytes]], boundary: str = "------------------------d74496d66958873e") \
        -> tuple[bytes, str]:
    """A multipart body byte for byte as `curl -F name=@file` writes it: each part with its field name, the file's
    name and its type; several parts may share one field name."""
    out = b""
    for field, filename, data in parts:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"".encode()
        if filename is not None:
            out += f"; filename=\"{filename}\"\r\nContent-Type: text/csv".encode()
        out += b"\r\n\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def sample_parts(field: str = "files") -> list[tuple[str, str | None, bytes]]:
    return [(field, p.name, p.read_bytes()) for p in sorted(SAMPLE.glob("*.csv"))]


def accepted_whole(client: FlaskClient, token: str, parts: list[tuple[str, str | None, bytes]],
                   mode: str = "replace") -> None:
    """Post the parts as one upload; the network graph then holds every file's data again, no more, no less."""
    before = triples(client)
    body, content_type = curl_body(parts)
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode={mode}", data=body, content_type=content_type,
                           headers=bearer(token))
    assert response.status_code in (200, 201), response.json
    assert triples(client) == before


def test_several_files_under_one_field_name_are_all_read_and_replace_keeps_every_files_data(
        client: FlaskClient, token: str) -> None:
    assert len(triples(client)) > 100
    accepted_whole(client, token, sample_parts())  # every file's data is there again: nothing wiped or left out


def test_files_under_different_field_names_and_repeated_names_are_all_read(client: FlaskClient, token: str) -> None:
    parts = [("files" if i % 2 else f"file{i}", name, data) for i, (_, name, data) in enumerate(sample_parts())]
    accepted_whole(client, token, parts, "upsert")


def test_the_test_clients_own_multipart_encoding_of_a_file_list_is_read_whole(client: FlaskClient, token: str) -> None:
    before = triples(client)
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(SAMPLE.glob("*.csv"))]
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode=replace", data={"files": files},
                           content_type="multipart/form-data", headers=bearer(token))
    assert response.status_code in (200, 201), response.json
    assert triples(client) == before


def test_a_missing_table_is_refused_naming_it_not_silently_shrunk(client: FlaskClient, token: str) -> None:
    """Mode replace with the lessons table alone: refused naming the tables left out (the shapes had said their
    resources had no class)."""
    before = dataset(client)
    only_one = [part for part in sample_parts() if part[1] == "lessons.csv"]
    body, content_type = curl_body(only_one)
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode=replace", data=body, content_type=content_type,
                           headers=bearer(token))
    assert response.status_code == 400 and "projects.csv" in response.json["detail"], response.json
    assert dataset(client) == before


@pytest.mark.parametrize("extra, words", [
    (("note", None, b"hello"), "'note'"),  # a text part: not a document
    (("files", "", b"reseau,nom\n"), "no file name"),  # a file with content but no name: its format is unknown
    (("files", "sheet.pdf", b"%PDF-1.4"), "sheet.pdf"),  # a file whose format cannot be read
    (("files", "notes.csv", b"a,b\n1,2\n"), "notes.csv"),  # not a table of the template
])
def test_a_part_that_cannot_be_used_is_refused_and_the_store_is_untouched(client: FlaskClient, token: str,
                                                                         extra: tuple[str, str | None, bytes],
                                                                         words: str) -> None:
    before = dataset(client)
    body, content_type = curl_body([*sample_parts(), extra])
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode=replace", data=body, content_type=content_type,
                           headers=bearer(token))
    assert 400 <= response.status_code < 500 and words in response.json["detail"], response.json
    assert dataset(client) == before


def test_an_empty_file_input_is_what_a_browser_sends_for_no_file_and_is_not_a_part(client: FlaskClient,
                                                                                   token: str) -> None:
    accepted_whole(client, token, [*sample_parts(), ("more", "", b"")])


def test_the_csv_page_reads_every_file_of_a_multiple_file_input(client: FlaskClient, token: str) -> None:
    before = triples(client)
    body, content_type = curl_body([*sample_parts(), ("credential", None, token.encode())])
    response = client.post("/sheets/csv?lang=en", data=body, content_type=content_type)
    # every file read: the sample, sent again whole, changes nothing (amounts written `3500.00`, which the
    # store keeps as `3500`, included)
    assert response.status_code == 200 and "No change." in response.get_data(as_text=True), \
        response.get_data(as_text=True)
    assert triples(client) == before
    refused = client.post("/sheets/csv?lang=en", data=curl_body([*sample_parts(), ("credential", None, token.encode()),
                                                                  ("note", None, b"x")])[0], content_type=content_type)
    assert refused.status_code == 400 and "&#39;note&#39;" in refused.get_data(as_text=True)
    assert triples(client) == before
