"""Hostile submissions: refused with a clear 4xx (line and column where there is one), within bounded time
and memory, with nothing fetched and nothing stored."""

from __future__ import annotations

import dataclasses
import io
import json
import time
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import DocumentTooLarge, IsicError, ParseError, SheetRefused, UnsupportedFormat, UsageError
from isic_graph.ingest.documents import LIMITS, Document, DocumentLimits
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.reading import parse_document, read_batch
from isic_graph.rdf.formats import format_for_media_type, format_for_path
from isic_graph.rdf.namespaces import CONTEXT_IRI, Graphs
from isic_graph.validation.validator import Validator
from isic_graph.web.services import services
from tests.conftest import ADMIN, BASE, bearer
from tests.support import paths
from tests.support.live import Listener
from tests.web.test_api import dataset

ROOT = paths.ROOT
PREFIX = b"@prefix e: <http://example.org/> .\n"
SAMPLE = ROOT / "samples" / "action-sociale-35"
LESSONS_HEADER = (SAMPLE / "lessons.csv").read_bytes().split(b"\n")[0] + b"\n"
NETWORK_HEADER = (SAMPLE / "network.csv").read_bytes().split(b"\n")[0] + b"\n"
NETWORK_GRAPH = BASE + "graph/network/hostile"
LEAKS = ("Traceback", 'File "', "/tmp/", str(ROOT), "site-packages")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((c,) + (c - 1,) * 10)
                     for c in range(ord("b"), ord("k")))
          + b']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&j;</rdf:RDF>')


def doc(name: str, data: bytes) -> Document:
    return Document(name, data, format_for_path(name))


def refusal(name: str, data: bytes, limits: DocumentLimits = LIMITS) -> IsicError:
    """The error reading one document raises; its message never shows internals."""
    with pytest.raises(IsicError) as refused:
        read_batch([doc(name, data)], BASE, limits)
    assert not any(leak in refused.value.message for leak in LEAKS), refused.value.message
    return refused.value


def nested(opener: bytes, closer: bytes, depth: int, head: bytes = PREFIX + b"e:s e:p ", inner: bytes = b"1",
           tail: bytes = b" .") -> bytes:
    return head + opener * depth + inner + closer * depth + tail


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("hostile", "Hostile network")


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


# ---------------------------------------------------------------- nesting


@pytest.mark.parametrize("name,data,where", [
    ("x.ttl", nested(b"[ e:p ", b" ]", 100_000), "line 2, column 201"),
    ("x.ttl", nested(b"( ", b" )", 50_000), "line 2, column 73"),
    ("x.ttl", nested(b"<<( e:a e:b ", b" )>>", 100_000, inner=b"e:c"), "line 2, column 395"),
    ("x.ttl", nested(b"e:o {| e:p ", b" |}", 10_000), "line 2"),
    ("x.ttl", nested(b"<<( e:a e:b ", b" )>>", 100_000, PREFIX + b"e:s e:p\\' ", b"e:c"), "line 2, column 397"),
    ("x.ttl", nested(b"[ e:p ", b" ]", 100_000, PREFIX + b"e:s e:p\\# "), "line 2"),
    ("x.ttl", nested(b"[ e:p ", b" ]", 100_000, PREFIX + b"e:s e:p" + b"\\)" * 100_000 + b" "), "line 2"),
    ("x.ttl", nested(b"[ e:p ", b" ]", 100_000, PREFIX + b"<http://e/x\\u0041#> e:p "), "line 2"),
    ("x.nt", nested(b"<<( <http://e/a> <http://e/b> ", b" )>>", 100_000, b"<http://e/s> <http://e/p> ",
                    b"<http://e/c>"), "line 1"),
    ("x.jsonld", nested(b"[", b"]", 100_000, b'{"@id": "http://e/s",\n "http://e/p": ', tail=b"}"),
     "line 2, column 47"),
    ("x.jsonld", nested(b'{"http://e/p": ', b"}", 5_000, b'{"@id": "http://e/s", "http://e/p": ', tail=b"}"),
     "line 1"),
    ("x.jsonld", nested(b'{"@list": [', b"]}", 5_000, b'{"@id": "http://e/s", "http://e/p": ', tail=b"}"),
     "line 1"),
    ("x.jsonld", nested(b'{"e": {"@id": "http://e/p", "@context": ', b"}}", 5_000, b'{"@context": ', b"{}",
                        b', "@id": "http://e/s"}'), "line 1"),
], ids=["turtle-blank-nodes", "turtle-lists", "turtle-triple-terms", "turtle-annotations",
        "turtle-behind-escaped-quote", "turtle-behind-escaped-hash", "turtle-behind-escaped-closers",
        "turtle-behind-iri-escape", "ntriples-triple-terms", "jsonld-arrays", "jsonld-objects", "jsonld-lists",
        "jsonld-scoped-contexts"])
def test_extreme_nesting_is_refused_with_its_position_before_any_parser_runs(name: str, data: bytes,
                                                                             where: str) -> None:
    error = refusal(name, data)
    assert isinstance(error, ParseError) and error.status == 400
    assert f"{name} nests more than {LIMITS.max_depth} levels deep ({where}" in error.message


def test_long_flat_lists_are_stored_not_refused() -> None:
    batch = read_batch([doc("list.ttl", PREFIX + b"e:s e:p ( " + b"1 " * 20_000 + b") .")], BASE)
    assert len(batch.triples) == 40_001
    assert all("#genid-" in str(t.subject) or str(t.subject) == "<http://example.org/s>" for t in batch.triples)


def test_long_blank_node_chains_listed_from_their_far_end_are_skolemised_to_their_owner() -> None:
    """A chain listed from its far end used to take quadratic time to find each node's owner (its time at growing
    lengths is measured by bench/skolemise.py)."""
    count = LIMITS.max_triples - 1000
    lines = [f"_:b{i} <http://e/p> _:b{i + 1} ." for i in range(count - 1, 0, -1)]
    lines.append("<http://e/s> <http://e/p> _:b1 .")
    batch = read_batch([doc("chain.nt", "\n".join(lines).encode())], BASE)
    assert len(batch.triples) == count
    assert {str(t.subject).split("#genid-")[0] for t in batch.triples} == {"<http://e/s", "<http://e/s>"}


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize("name,data,message", [
    ("big.ttl", PREFIX + b'e:s e:p "' + b"x" * (2 * 1024 * 1024) + b'" .',
     (f"big.ttl: a literal of <http://example.org/s> <http://example.org/p> is longer than {LIMITS.max_literal} "
      "characters")),
    ("big.ttl", PREFIX + b'e:s e:p "' + b"x" * (20 * 1024 * 1024) + b'" .', "too large to read"),
    ("big.ttl", PREFIX + b"e:s e:p <http://e/" + b"x" * 10_000 + b"> .", f"is longer than {LIMITS.max_iri} characters"),
    ("big.ttl", PREFIX + b'e:s e:p "1"^^<http://e/' + b"x" * 10_000 + b"> .", f"longer than {LIMITS.max_iri}"),
    ("big.ttl", PREFIX + b"e:s e:p ( " + b"1 " * (LIMITS.max_triples + 10_000) + b") .",
     f"more than {LIMITS.max_triples} triples"),
    ("big.jsonld", b'{"@id": "http://e/s", "http://e/p": [' + b",".join([b"1"] * 300_000) + b"]}",
     f"more than {LIMITS.max_json_values} JSON values"),
    ("big.ttl", PREFIX + b"e:s e:p " + b"[], " * 1_000_000 + b"[] .", f"more than {LIMITS.max_marks} brackets"),
], ids=["literal-2MiB", "literal-20MiB", "iri-10k", "datatype-10k", "list-60k", "jsonld-300k-values", "marks-2M"])
def test_oversized_content_is_refused_as_too_large(name: str, data: bytes, message: str) -> None:
    error = refusal(name, data)
    assert isinstance(error, DocumentTooLarge) and error.status == 413
    assert message in error.message


def test_the_triple_limit_holds_for_the_whole_submission_not_each_file() -> None:
    half = LIMITS.max_triples // 2 + 1
    files = [doc(f"part{n}.ttl", PREFIX + b"e:s%d e:p ( " % n + b"1 " * (half // 2) + b") .") for n in (1, 2)]
    assert all(len(parse_document(f, BASE)) <= LIMITS.max_triples for f in files)
    with pytest.raises(DocumentTooLarge, match=f"the submission holds more than {LIMITS.max_triples} triples"):
        read_batch(files, BASE)


def test_limits_are_one_frozen_value_object_passed_down() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIMITS.max_triples = 1  # type: ignore[misc]
    lessons = (SAMPLE / "lessons.csv").read_bytes()
    six_iris = b"<http://e/s> <http://e/p> <http://e/a>, <http://e/b>, <http://e/c>, <http://e/d> ."
    cases: list[tuple[DocumentLimits, str, bytes, str]] = [
        (DocumentLimits(max_depth=2), "a.ttl", PREFIX + b"e:s e:p [ e:p [ e:p [ e:p 1 ] ] ] .", "nests more than 2"),
        (DocumentLimits(max_literal=3), "a.ttl", PREFIX + b'e:s e:p "four" .', "longer than 3 characters"),
        (DocumentLimits(max_iri=20), "a.ttl", b"<http://example.org/long> <http://e/p> 1 .", "longer than 20"),
        (DocumentLimits(max_triples=1), "a.ttl", PREFIX + b"e:s e:p 1, 2 .", "more than 1 triples"),
        (DocumentLimits(max_json_values=3), "a.jsonld", b'{"@id": "http://e/s", "http://e/p": [1, 2, 3]}',
         "more than 3 JSON values"),
        (DocumentLimits(max_marks=5), "a.ttl", six_iris, "more than 5 brackets"),
        (DocumentLimits(max_rows=3), "lessons.csv", lessons, "more than 3 rows"),
        (DocumentLimits(max_columns=5), "lessons.csv", lessons, "row 1: 14 cells; a row holds at most 5"),
        (DocumentLimits(max_cell=5), "lessons.csv", lessons, "row 1, column 1: the cell has 12 characters; a "
                                                             "spreadsheet's cell holds at most 5"),
        (DocumentLimits(max_triples=10), "lessons.csv", lessons, "lessons.csv, row 3: the submission holds more"),
    ]
    for limits, name, data, message in cases:
        with pytest.raises(UsageError) as refused:
            read_batch([doc(name, data)], BASE, limits)
        assert message in refused.value.message
        assert read_batch([doc(name, data)], BASE).triples  # the defaults take the same document


# ---------------------------------------------------------------- malformed


@pytest.mark.parametrize("name,data,message", [
    ("bad.ttl", b'<http://e/s> <http://e/p> "\xff\xfe" .', "bad.ttl: invalid UTF-8 (byte 0xFF) at line 1, column 28"),
    ("bad.ttl", b'<http://e/s> <http://e/p> "a\x00b" .', "control character U+0000 at line 1, column 29"),
    ("bad.ttl", b'<http://e/s> <http://e/p> "x"@-bad .',
     "bad.ttl is not valid turtle at line 1, column 31: A language code should always start with a letter"),
    ("bad.ttl", b"<http://e/s> <http://e/p> <http://a b> .", "at line 1, column 27: Invalid IRI code point ' '"),
    ("bad.ttl", b'<http://e/s> <http://e/p> "never closed .\n<http://e/s> <http://e/p> 1 .',
     "at line 1, column 27: Unexpected end of file"),
    ("bad.ttl", PREFIX + b'e:s e:p 1 .\ne:s e:p "ok" ;\n   e:q <http://a b> .', "at line 4, column 8"),
    ("bad.nt", b'<http://e/s> <http://e/p> "ok" .\n<http://e/s> <http://e/p> "\xc3(" .',
     "invalid UTF-8 (byte 0xC3) at line 2, column 28"),
    ("bad.nt", b'<http://e/s> <http://e/p> "x"@-bad .', "bad.nt is not valid ntriples at line 1, column 31"),
    ("bad.nt", b"<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> .",
     "RDF 1.2 triple terms"),
    ("bad.ttl", PREFIX + b"e:s e:p << e:a e:b e:c >> .", "RDF 1.2 triple terms"),
    ("bad.jsonld", b'{"@id": "http://e/s",\n "http://e/p": [1, }',
     "bad.jsonld is not valid JSON at line 2, column 20: Expecting value"),
    ("bad.jsonld", b'{"@id": "http://e/s",\n "http://e/p": "\xe9t\xe9"}',
     "invalid UTF-8 (byte 0xE9) at line 2, column 17"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": "a\x01"}', "control character U+0001 at line 1, column 39"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": NaN}', "JSON has no NaN"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": 1e999}', "the number 1e999 is out of range"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": ' + b"1" * 5000 + b"}", "a number too long"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": {"@value": "x", "@language": 5}}',
     "bad.jsonld is not valid jsonld: @language value must be a string"),
    # a control character written as an escape: the file is clean, the text it gives is not (RDF/XML cannot carry it)
    ("bad.ttl", b'<http://e/s> <http://e/p> "nul\\u0000here"@fr .', "holds the control character U+0000"),
    ("bad.nt", b'<http://e/s> <http://e/p> "a\\u001Bb" .', "holds the control character U+001B"),
    ("bad.ttl", b'<http://e/s> <http://e/p> "\\uFFFF" .', "holds the control character U+FFFF"),
    ("bad.ttl", b'<http://e/s> <http://e/p> "a\xef\xbf\xbfb" .', "control character U+FFFF at line 1, column 29"),
    ("bad.jsonld", b'{"@id": "http://e/s", "http://e/p": "a\\u0000b"}', "holds the control character U+0000"),
    # a property RDF/XML cannot name: one ending in `/`, `#` or digits, or a URN ending in `:`
    ("bad.ttl", b'<http://e/s> <http://example.org/link/> "x"@fr .', "<http://example.org/link/> cannot be written"),
    ("bad.ttl", b'<http://e/s> <http://example.org/vocab#> "x" .', "cannot be written in RDF/XML"),
    ("bad.nt", b'<http://e/s> <http://example.org/123> "x" .', "cannot be written in RDF/XML"),
    ("bad.jsonld", b'{"@id": "http://e/s", "urn:x:": "x"}', "cannot be written in RDF/XML"),
], ids=["turtle-bad-utf8", "turtle-nul", "turtle-bad-language-tag", "turtle-bad-iri", "turtle-unterminated",
        "turtle-later-line", "ntriples-bad-utf8", "ntriples-bad-language-tag", "ntriples-triple-term",
        "turtle-reified-triple", "jsonld-syntax", "jsonld-latin1", "jsonld-control", "jsonld-nan", "jsonld-infinite",
        "jsonld-long-integer", "jsonld-bad-value", "turtle-escaped-nul", "ntriples-escaped-escape",
        "turtle-escaped-noncharacter", "turtle-raw-noncharacter", "jsonld-escaped-nul",
        "turtle-property-ending-in-slash", "turtle-property-ending-in-hash", "ntriples-property-of-digits",
        "jsonld-urn-property-ending-in-colon"])
def test_malformed_documents_are_parse_errors_that_say_where(name: str, data: bytes, message: str) -> None:
    error = refusal(name, data)
    assert isinstance(error, ParseError) and error.status == 400
    assert message in error.message


@pytest.mark.parametrize("name,body,error,message", [
    ("lessons.csv", LESSONS_HEADER + b"x,y\n" * 30_000, DocumentTooLarge, f"more than {LIMITS.max_rows} rows"),
    ("lessons.csv", LESSONS_HEADER + b"x,y\r" * 30_000, DocumentTooLarge, f"more than {LIMITS.max_rows} rows"),
    ("lessons.csv", LESSONS_HEADER + b'"' + b"x" * 200_000 + b'"\n', DocumentTooLarge,
     "lessons.csv, row 2: a cell is longer than"),
    ("lessons.csv", LESSONS_HEADER + b'a,"' + b"x" * 100_000 + b'"\n', DocumentTooLarge,
     f"lessons.csv, row 2, column 2: the cell has 100000 characters; a spreadsheet's cell holds at most "
     f"{LIMITS.max_cell}"),
    ("lessons.csv", LESSONS_HEADER + b"a" + b",b" * 100_000 + b"\n", DocumentTooLarge,
     f"lessons.csv, row 2: 100001 cells; a row holds at most {LIMITS.max_columns}"),
    ("lessons.csv", LESSONS_HEADER + b"a" + b",b" * 19 + b"\n", SheetRefused,
     "[lessons.csv, row 2] column O (no. 15) has no title in the row of titles"),
    ("lessons.csv", LESSONS_HEADER + b"a\x00b\n", SheetRefused,
     "[lessons.csv, row 2] column 1: control character U+0000"),
    ("lessons.csv", LESSONS_HEADER + b'ok,"two\nlines"\nnul\x01\n', SheetRefused,
     "[lessons.csv, row 3] column 1: control character"),
    ("lessons.csv", LESSONS_HEADER + b"a\xef\xbf\xbfb\n", SheetRefused,  # U+FFFF: no XML answer could carry it
     "[lessons.csv, row 2] column 1: control character U+FFFF"),
    ("lessons.csv", LESSONS_HEADER + b'ok,"never closed\nx,y\n', SheetRefused,
     "[lessons.csv, row 2] a quote (\") opened in this row is never closed"),
    ("lessons.csv", LESSONS_HEADER + b'ok,"a"b\n', SheetRefused, "[lessons.csv, row 2] a quote (\") in the middle"),
    ("lessons.csv", LESSONS_HEADER + b"ok\n\x81\xfe\n", SheetRefused,
     "[lessons.csv, row 3] neither UTF-8 nor Windows-1252 text (byte 0x81)"),
    ("network.csv", NETWORK_HEADER + b"n1,Name,\n,Other,\n", SheetRefused,
     "[network.csv, row 3, column 'reseau'] a value is required"),
], ids=["rows", "rows-ended-by-cr", "cell-past-the-csv-module", "cell", "wide-row", "row-wider-than-header", "nul",
        "control-after-multiline", "noncharacter", "unterminated-quote", "stray-quote", "not-utf8-nor-windows-1252",
        "row-without-its-name"])
def test_hostile_csv_sheets_are_refused_with_their_row(name: str, body: bytes, error: type[IsicError],
                                                       message: str) -> None:
    refused = refusal(name, body)
    assert isinstance(refused, error)
    assert message in refused.message


# ---------------------------------------------------------------- JSON-LD contexts: never fetched


@pytest.mark.parametrize("context", [
    "{url}/context.jsonld",
    "file:///etc/passwd",
    "context.jsonld",
    {"@import": "{url}/context.jsonld"},
    [{"e": "http://example.org/"}, "{url}/second.jsonld"],
    [{"@base": "{url}/"}, "context.jsonld"],
    {"e": "http://example.org/", "e:p": {"@id": "e:p", "@context": "{url}/property-scoped"}},
    {"T": {"@id": "http://example.org/T", "@context": "{url}/type-scoped"}},
    {"e": "http://e/", "e:p": {"@id": "e:p", "@context": {"e:q": {"@id": "e:q", "@context": "{url}/scoped"}}}},
    {"e:p": {"@id": "e:p", "@context": {"@import": "{url}/imported-in-scoped"}}, "e": "http://example.org/"},
], ids=["remote", "file", "relative", "import", "in-a-list", "base-then-relative", "property-scoped", "type-scoped",
        "scoped-in-scoped", "import-in-scoped"])
def test_json_ld_contexts_are_never_fetched(listener: Listener, context: object) -> None:
    text = json.dumps({"@context": context, "@id": "http://example.org/s", "@type": "T",
                       "http://example.org/p": {"http://example.org/q": 1}})
    error = refusal("ctx.jsonld", text.replace("{url}", listener.url).encode())
    assert isinstance(error, ParseError) and error.status == 400
    assert "remote JSON-LD context" in error.message or "@import" in error.message
    time.sleep(0.1)
    assert listener.connections == 0


def test_what_is_checked_is_what_is_parsed_even_with_duplicate_keys(listener: Listener) -> None:
    text = (f'{{"@context": "{listener.url}/first", "@context": {{"e": "http://example.org/"}}, '
            '"@id": "e:s", "e:p": 1}')
    (triple,) = read_batch([doc("dup.jsonld", text.encode())], BASE).triples
    assert str(triple.predicate) == "<http://example.org/p>"
    assert listener.connections == 0


def test_the_projects_context_is_served_from_the_package(listener: Listener) -> None:
    text = json.dumps({"@context": CONTEXT_IRI, "id": "id/organisation/x", "type": "isic:Organisation",
                       "http://example.org/p": {"@context": CONTEXT_IRI, "id": "id/organisation/y"}})
    batch = read_batch([doc("own.jsonld", text.encode())], BASE)
    assert {str(t.object) for t in batch.triples} == {"<https://w3id.org/isic/ontology#Organisation>",
                                                      f"<{BASE}id/organisation/y>"}
    assert listener.connections == 0


# ---------------------------------------------------------------- data only: no shapes, no imports, no vocabulary


@pytest.mark.parametrize("name,data,message", [
    ("s.ttl", PREFIX + b"e:s a <http://www.w3.org/ns/shacl#NodeShape> .",
     "shacl#NodeShape>: submissions hold data only"),
    ("s.ttl", PREFIX + b"e:s <http://www.w3.org/ns/shacl#targetClass> e:C .", "shacl#targetClass"),
    ("s.ttl", PREFIX + b"e:S <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://www.w3.org/ns/shacl#Shape> .",
     "shacl#Shape"),
    ("s.ttl", PREFIX + b"<http://www.w3.org/ns/shacl#NodeShape> e:p 1 .",
     "shacl#NodeShape> belongs to the shared vocabulary"),
    ("s.ttl", PREFIX + b"e:s <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/shapes.ttl> .",
     "owl#imports>: submissions hold data only"),
    ("s.jsonld", b'{"@context": {"sh": "http://www.w3.org/ns/shacl#"}, "@id": "http://e/s", "@type": "sh:NodeShape"}',
     "shacl#NodeShape"),
    ("s.ttl", (b"@base <https://w3id.org/isic/ontology> .\n"
               b'<#Project> <http://www.w3.org/2000/01/rdf-schema#label> "x" .'), "belongs to the shared vocabulary"),
    ("s.jsonld", (b'{"@context": {"@base": "https://w3id.org/isic/ontology"}, "@id": "#Project", '
                  b'"http://www.w3.org/2000/01/rdf-schema#label": "x"}'), "belongs to the shared vocabulary"),
], ids=["shape", "shape-property", "shape-superclass", "shacl-subject", "owl-imports", "jsonld-shape",
        "turtle-base-into-the-vocabulary", "jsonld-base-into-the-vocabulary"])
def test_shapes_imports_and_vocabulary_in_data_are_refused(validator: Validator, graphs: Graphs, name: str,
                                                           data: bytes, message: str) -> None:
    """Shapes and imports are refused as requests (400); a statement about a vocabulary's term (a SHACL class's
    included) as one about a subject the instance owns (422)."""
    batch = read_batch([doc(name, data)], BASE)
    with pytest.raises(IsicError, match=message.replace("(", r"\(")) as refused:
        check(batch, None, validator, graphs, "hostile")
    assert refused.value.status == (422 if "vocabulary" in message or "subject" in message else 400)


# ---------------------------------------------------------------- RDF/XML: unsupported on every way in


def test_rdf_xml_is_an_unsupported_format_in_the_core(tmp_path: Path) -> None:
    (tmp_path / "laughs.rdf").write_bytes(LAUGHS)
    for attempt in (lambda: format_for_media_type("application/rdf+xml"), lambda: format_for_path("laughs.rdf"),
                    lambda: format_for_path("laughs.owl"), lambda: format_for_media_type("application/xml"),
                    lambda: Document.from_path(tmp_path / "laughs.rdf")):
        with pytest.raises(UnsupportedFormat) as refused:
            attempt()
        assert refused.value.status == 415 and str(tmp_path) not in refused.value.message


@pytest.mark.parametrize("method,url,kind,auth", [
    ("post", "/api/networks/hostile/sheets", "application/rdf+xml", "network"),
    ("post", "/api/networks/hostile/sheets", "text/xml", "network"),
    ("post", "/api/networks/hostile/sheets", "multipart", "network"),
    ("post", "/api/validate", "application/rdf+xml", "network"),
    ("post", "/api/validate", "multipart", "network"),
    ("put", f"/graph-store?graph={NETWORK_GRAPH}", "application/rdf+xml", "network"),
    ("post", f"/graph-store?graph={NETWORK_GRAPH}", "application/rdf+xml", "network"),
    ("put", "/graph-store?graph=http://example.org/reference", "application/rdf+xml", "admin"),
    ("post", "/graph-store?default", "application/rdf+xml", "admin"),
], ids=["sheets", "sheets-text-xml", "sheets-multipart", "validate", "validate-multipart", "graph-store-put",
        "graph-store-post", "graph-store-reference", "graph-store-default"])
def test_rdf_xml_is_refused_before_it_is_read_on_every_way_in(client: FlaskClient, token: str, method: str, url: str,
                                                              kind: str,
                                                 auth: str | None) -> None:
    headers = bearer(token if auth == "network" else ADMIN) if auth else {}
    if kind == "multipart":
        body: dict[str, object] = {"data": {"file": (io.BytesIO(LAUGHS), "laughs.rdf")}}
    else:
        body = {"data": LAUGHS, "content_type": kind}
    before = dataset(client)
    answer = getattr(client, method)(url, headers=headers, **body)
    assert answer.status_code == 415, answer.get_data(as_text=True)
    assert answer.content_type == "application/problem+json" and answer.json["code"] == "unsupported-format"
    assert dataset(client) == before


# ---------------------------------------------------------------- over HTTP: the same refusals, nothing stored


API_CASES = {
    "nesting": (nested(b"[ e:p ", b" ]", 10_000), "text/turtle", 400, "nests more than 32 levels deep (line 2, column"),
    "literal": (PREFIX + b'e:s e:p "' + b"x" * (2 * 1024 * 1024) + b'" .', "text/turtle", 413, "is longer than"),
    "triples": (PREFIX + b"e:s e:p ( " + b"1 " * (LIMITS.max_triples + 1) + b") .", "text/turtle", 413,
                f"more than {LIMITS.max_triples} triples"),
    "nul": (b'<http://e/s> <http://e/p> "a\x00b" .', "application/n-triples", 400, "line 1, column 29"),
    "bad-utf8": (b'<http://e/s> <http://e/p> "\xff" .', "application/n-triples", 400, "line 1, column 28"),
    "bad-language-tag": (b'<http://e/s> <http://e/p> "x"@-bad .', "text/turtle", 400, "line 1, column 31"),
    "triple-term": (PREFIX + b"e:s e:p <<( e:a e:b e:c )>> .", "text/turtle", 400, "RDF 1.2 triple terms"),
    "json-syntax": (b'{"@id": "http://e/s",\n "http://e/p": [1, }', "application/ld+json", 400,
                    "line 2, column 20"),
    "remote-context": (b'{"@context": "{url}/c", "@id": "http://e/s", "http://e/p": 1}', "application/ld+json", 400,
                       "remote JSON-LD context"),
    "scoped-context": ((b'{"@context": {"p": {"@id": "http://e/p", "@context": "{url}/s"}}, "@id": "http://e/s", '
                        b'"p": {"http://e/q": 1}}'), "application/ld+json", 400, "remote JSON-LD context"),
    "shape": (PREFIX + b"e:s a <http://www.w3.org/ns/shacl#NodeShape> .", "text/turtle", 400, "data only"),
    "owl-imports": (PREFIX + b"e:s <http://www.w3.org/2002/07/owl#imports> <{url}/shapes> .", "text/turtle", 400,
                    "data only"),
    "csv-rows": (LESSONS_HEADER + b"x,y\n" * 20_000, "text/csv", 413, f"more than {LIMITS.max_rows} rows"),
}


@pytest.mark.parametrize("case", API_CASES)
@pytest.mark.parametrize("method,url", [
    pytest.param("post", "/api/networks/hostile/sheets?table=lessons", id="sheets"),
    pytest.param("post", "/api/validate?table=lessons", id="validate", marks=pytest.mark.live),  # a dry run's process
    pytest.param("put", f"/graph-store?graph={NETWORK_GRAPH}", id="graph-store"),
])
def test_the_web_api_refuses_hostile_submissions_and_stores_nothing(app: Flask, client: FlaskClient, token: str,
                                                                    listener: Listener, method: str, url: str,
                                                                    case: str) -> None:
    data, content_type, status, detail = API_CASES[case]
    if content_type == "text/csv" and url.startswith("/graph-store"):
        status, detail = 415, "text/csv is not accepted for one graph"
    before = dataset(client)
    answer = getattr(client, method)(url, data=data.replace(b"{url}", listener.url.encode()),
                                     content_type=content_type, headers=bearer(token))
    body = answer.get_data(as_text=True)
    assert answer.status_code == status, body[:500]
    assert answer.content_type == "application/problem+json"
    assert answer.json["status"] == status and detail in answer.json["detail"]
    assert not any(leak in body for leak in (*LEAKS, services(app).settings.store_url or "-"))
    assert dataset(client) == before
    assert listener.connections == 0


@pytest.mark.parametrize("name, text", [
    ("a.ttl", '@prefix ex: <http://ex.org/> .\nex:s ex:p "v"@fr .\n'),
    ("a.nt", '<http://ex.org/s> <http://ex.org/p> "v"@fr .\n'),
    ("a.jsonld", '{"@id": "http://ex.org/s", "http://ex.org/p": {"@value": "v", "@language": "fr"}}'),
])
def test_a_byte_order_mark_is_read_as_the_editor_wrote_it_not_as_a_character(name: str, text: str) -> None:
    """Notepad and LibreOffice may save UTF-8 with a byte-order mark: the file reads as without it (a Turtle file
    was refused, quoting an invisible U+FEFF as its first subject), and a fault's column is the one the editor
    shows."""
    plain = read_batch([Document(name, text.encode(), format_for_path(name))], BASE).triples
    marked = read_batch([Document(name, b"\xef\xbb\xbf" + text.encode(), format_for_path(name))], BASE).triples
    assert plain and marked == plain
    if name != "a.jsonld":
        faults = []
        for data in (b"<http://ex.org/s> b c .", b"\xef\xbb\xbf<http://ex.org/s> b c ."):
            with pytest.raises(ParseError) as fault:
                read_batch([Document(name, data, format_for_path(name))], BASE)
            faults.append(fault.value.message)
        assert faults[0] == faults[1] and "line 1, column 19" in faults[1], faults


@pytest.mark.parametrize("text", ['{"@id": "http://ex.org/s", "http://ex.org/p": "a\\ud800b"}',
                                  '{"@id": "http://ex.org/s", "http://ex.org/p": "\\udfff"}',
                                  '{"@id": "http://ex.org/s", "http://ex.org/p\\ud800": "x"}'])
def test_half_a_utf16_pair_in_json_ld_is_refused_for_what_it_is(text: str) -> None:
    """JSON's \\u escapes can write half of a UTF-16 pair, which is no character: the reader said the document
    ended too soon; it is refused naming the escape, in English and French."""
    with pytest.raises(ParseError) as fault:
        read_batch([Document("a.jsonld", text.encode(), format_for_path("a.jsonld"))], BASE)
    assert "half of a UTF-16 pair" in fault.value.message and "paire UTF-16" in fault.value.fr
    assert "\\u" in fault.value.message and "end of file" not in fault.value.message
    read_batch([Document("a.jsonld", b'{"@id": "http://ex.org/s", "http://ex.org/p": "\\ud83d\\ude00"}',
                         format_for_path("a.jsonld"))], BASE)  # a whole pair is a character
