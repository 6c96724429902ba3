"""Hostile submissions: refused with a clear 4xx (line and column where there is one), within bounded time
and memory, with nothing fetched and nothing stored."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from flask.testing import FlaskClient

from isic_graph.credentials import CredentialStore
from isic_graph.documents import Document, DocumentLimits, parse_document, read_batch
from isic_graph.errors import DocumentTooLarge, ParseError, UsageError
from isic_graph.formats import format_for_path

from .conftest import bearer
from .live import Listener
from .test_web_api import dataset

BASE = "http://localhost:5000/"
PREFIX = b"@prefix e: <http://example.org/> .\n"


def doc(name: str, data: bytes) -> Document:
    return Document(name, data, format_for_path(name))


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("hostile", "Hostile network")


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


@pytest.mark.parametrize("name,data", [
    ("blank-nodes.ttl", PREFIX + b"e:s e:p " + b"[ e:p " * 100_000 + b"1" + b" ]" * 100_000 + b" ."),
    ("lists.ttl", PREFIX + b"e:s e:p " + b"( " * 50_000 + b"1" + b" )" * 50_000 + b" ."),
    ("arrays.jsonld", b'{"@id": "http://example.org/s", "http://example.org/p": ' + b"[" * 100_000 + b"1"
     + b"]" * 100_000 + b"}"),
    ("objects.jsonld", b'{"@id": "http://example.org/s", "http://example.org/p": ' + b'{"http://example.org/p": '
     * 5_000 + b"1" + b"}" * 5_000 + b"}"),
], ids=["turtle-blank-nodes", "turtle-lists", "jsonld-arrays", "jsonld-objects"])
def test_extreme_nesting_is_refused_with_its_position(name: str, data: bytes) -> None:
    with pytest.raises(ParseError, match=r"nests more than 32 levels deep \(line \d+, column \d+\)"):
        read_batch([doc(name, data)], BASE)


def test_long_flat_lists_are_stored_not_refused() -> None:
    batch = read_batch([doc("list.ttl", PREFIX + b"e:s e:p ( " + b"1 " * 20_000 + b") .")], BASE)
    assert len(batch.triples) == 40_001
    assert all("#genid-" in str(t.subject) or str(t.subject) == "<http://example.org/s>" for t in batch.triples)


@pytest.mark.parametrize("data,expected", [
    (PREFIX + b'e:s e:p "' + b"x" * (2 * 1024 * 1024) + b'" .', "longer than"),
    (PREFIX + b'e:s e:p "' + b"x" * (20 * 1024 * 1024) + b'" .', "too large to read"),
    (PREFIX + b"e:s e:p ( " + b"1 " * 300_000 + b") .", "more than 200000 triples"),
], ids=["literal-2MiB", "literal-20MiB", "list-300k"])
def test_oversized_content_is_refused_as_too_large(data: bytes, expected: str) -> None:
    with pytest.raises(DocumentTooLarge, match=expected) as refused:
        read_batch([doc("big.ttl", data)], BASE)
    assert refused.value.status == 413


def test_limits_are_one_small_value_object() -> None:
    tight = DocumentLimits(max_depth=2, max_literal=3, max_triples=1)
    with pytest.raises(DocumentTooLarge):
        parse_document(doc("a.ttl", PREFIX + b'e:s e:p "four" .'), BASE, tight)
    with pytest.raises(DocumentTooLarge):
        parse_document(doc("a.ttl", PREFIX + b"e:s e:p 1, 2 ."), BASE, tight)


def test_refusals_take_bounded_time_and_memory() -> None:
    """Hostile documents in a fresh process: each refused (the run is bounded by its timeout), under 400 MiB peak."""
    script = (
        "import resource, time, sys\n"
        "from isic_graph.documents import Document, read_batch\n"
        "from isic_graph.formats import format_for_path\n"
        "from isic_graph.errors import UsageError\n"
        "cases = [b'@prefix e: <http://e/> . e:s e:p ( ' + b'1 ' * 3_000_000 + b') .',\n"
        "         b'<http://e/s> <http://e/p> \"' + b'x' * 30_000_000 + b'\" .',\n"
        "         b'@prefix e: <http://e/> . e:s e:p ' + b'[ e:p ' * 1_000_000 + b'1' + b' ]' * 1_000_000 + b' .']\n"
        "for data in cases:\n"
        "    started = time.monotonic()\n"
        "    try:\n"
        "        read_batch([Document('x.ttl', data, format_for_path('x.ttl'))], 'http://localhost:5000/')\n"
        "        sys.exit('accepted')\n"
        "    except UsageError:\n"
        "        pass\n"
        "    print(round(time.monotonic() - started, 2))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    *seconds, peak_mib = result.stdout.split()
    assert len(seconds) == 3 and int(peak_mib) < 400, result.stdout


@pytest.mark.parametrize("data,where", [
    (b'<http://e/s> <http://e/p> "\xff\xfe" .', "line 1"),
    (b'<http://e/s> <http://e/p> "a\x00b" .', "line 1, column 29"),
    (b'<http://e/s> <http://e/p> "x"@-bad .', "line 1 column 31"),
    (b"<http://e/s> <http://e/p> <http://a b> .", "line 1"),
    (b'<http://e/s> <http://e/p> "never closed .\n<http://e/s> <http://e/p> 1 .', "line"),
], ids=["bad-utf8", "nul", "bad-language-tag", "bad-iri", "unterminated"])
def test_malformed_turtle_is_a_parse_error_with_its_position(data: bytes, where: str) -> None:
    with pytest.raises(ParseError, match=where) as refused:
        read_batch([doc("bad.ttl", data)], BASE)
    assert refused.value.status == 400 and "Traceback" not in refused.value.message


LESSONS_HEADER = (Path(__file__).resolve().parents[1] / "samples" / "action-sociale-35" / "lessons.csv") \
    .read_bytes().split(b"\n")[0] + b"\n"


@pytest.mark.parametrize("body,error,message", [
    (b"x,y\n" * 30_000, DocumentTooLarge, "at most 20000 rows"),
    (b'"' + b"x" * 200_000 + b'"\n', DocumentTooLarge, "cell longer than"),
    (b"a\x00b\n", ParseError, "row 2: control character U\\+0000"),
    (b"\xff\xfe\n", ParseError, "not UTF-8"),
], ids=["rows", "cell", "nul", "bad-utf8"])
def test_hostile_csv_sheets_are_refused_with_their_row(body: bytes, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        read_batch([doc("lessons.csv", LESSONS_HEADER + body)], BASE)


def test_malformed_json_ld_says_where() -> None:
    with pytest.raises(ParseError, match="line 2 column"):
        read_batch([doc("bad.jsonld", b'{"@id": "http://e/s",\n "http://e/p": [1, }')], BASE)


@pytest.mark.parametrize("context", [
    "{url}/context.jsonld",
    "file:///etc/passwd",
    {"@import": "{url}/context.jsonld"},
    [{"e": "http://example.org/"}, "{url}/second.jsonld"],
], ids=["remote", "file", "import", "in-a-list"])
def test_json_ld_contexts_are_never_fetched(listener: Listener, context: object) -> None:
    text = json.dumps({"@context": context, "@id": "http://example.org/s", "http://example.org/p": 1})
    with pytest.raises(ParseError, match="context"):
        read_batch([doc("ctx.jsonld", text.replace("{url}", listener.url).encode())], BASE)
    time.sleep(0.1)
    assert listener.connections == 0


def test_scoped_remote_contexts_are_never_fetched(listener: Listener) -> None:
    text = json.dumps({"@context": {"e": "http://example.org/", "e:p": {"@context": f"{listener.url}/scoped"}},
                       "@id": "http://example.org/s", "e:p": {"e:q": 1}})
    with pytest.raises(ParseError, match="context"):
        read_batch([doc("scoped.jsonld", text.encode())], BASE)
    assert listener.connections == 0


@pytest.mark.parametrize("triple", [
    b"e:s a <http://www.w3.org/ns/shacl#NodeShape> .",
    b"e:s <http://www.w3.org/ns/shacl#targetClass> e:C .",
    b"e:s <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/shapes.ttl> .",
], ids=["shape", "shape-property", "owl-imports"])
def test_shapes_and_imports_in_data_are_refused(triple: bytes) -> None:
    from isic_graph.ingest import _check_vocabulary_untouched

    with pytest.raises(UsageError, match="data only"):
        _check_vocabulary_untouched(read_batch([doc("s.ttl", PREFIX + triple)], BASE))


def test_rdf_xml_is_refused_before_parsing(client: FlaskClient, token: str) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((c,) + (c - 1,) * 10)
                         for c in range(ord("b"), ord("k")))
              + b']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&j;</rdf:RDF>')
    before = dataset(client)
    answer = client.post("/api/networks/hostile/sheets", data=laughs, content_type="application/rdf+xml",
                         headers=bearer(token))
    assert answer.status_code == 415
    assert answer.json["code"] == "unsupported-format"
    assert client.put("/graph-store?graph=http://localhost:5000/graph/network/hostile", data=laughs,
                      content_type="application/rdf+xml", headers=bearer(token)).status_code == 415
    assert dataset(client) == before


@pytest.mark.parametrize("data,content_type,status", [
    (PREFIX + b"e:s e:p " + b"[ e:p " * 10_000 + b"1" + b" ]" * 10_000 + b" .", "text/turtle", 400),
    (PREFIX + b'e:s e:p "' + b"x" * (2 * 1024 * 1024) + b'" .', "text/turtle", 413),
    (b'<http://e/s> <http://e/p> "a\x00b" .', "application/n-triples", 400),
    (b'{"@context": "http://127.0.0.1:9/c", "@id": "http://e/s"}', "application/ld+json", 400),
    (PREFIX + b"e:s a <http://www.w3.org/ns/shacl#NodeShape> .", "text/turtle", 400),
], ids=["nesting", "literal", "nul", "remote-context", "shape"])
def test_the_api_refuses_hostile_sheets_and_stores_nothing(client: FlaskClient, token: str, data: bytes,
                                                           content_type: str, status: int) -> None:
    before = dataset(client)
    answer = client.post("/api/networks/hostile/sheets", data=data, content_type=content_type,
                         headers=bearer(token))
    assert answer.status_code == status, answer.json
    assert answer.content_type == "application/problem+json" and answer.json["detail"]
    assert "Traceback" not in answer.get_data(as_text=True)
    assert dataset(client) == before

