"""An answer holding one very large value (a literal a query built with CONCAT) is counted or refused clearly:
never a server error, nor the engine reported as stopped."""

from __future__ import annotations

import csv
import io

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, RdfFormat, Store

from isic_graph.errors import AnswerTooLarge
from isic_graph.store.capping import VALUE_LIMIT, cap

FORMATS = [("application/sparql-results+json", QueryResultsFormat.JSON),
           ("text/tab-separated-values", QueryResultsFormat.TSV)]  # the XML parser reads such a value whole


def store_with(values: list[str]) -> Store:
    store = Store()
    for i, value in enumerate(values):
        store.add(Quad(NamedNode(f"http://e.example/{i}"), NamedNode("http://e.example/p"), Literal(value)))
    return store


SELECT = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.mark.parametrize("media_type,fmt", FORMATS, ids=["json", "tsv"])
def test_a_value_past_what_the_parsers_read_is_refused_as_too_large(media_type: str,
                                                                    fmt: QueryResultsFormat) -> None:
    body = store_with(["a" * (VALUE_LIMIT + 1024)]).query(SELECT).serialize(format=fmt)
    with pytest.raises(AnswerTooLarge) as refused:
        cap(io.BytesIO(body), media_type, 5)
    assert refused.value.status == 422 and refused.value.code == "answer-too-large"


def test_an_xml_answer_with_such_a_value_is_counted() -> None:
    body = store_with(["a" * (VALUE_LIMIT + 1024)]).query(SELECT).serialize(format=QueryResultsFormat.XML)
    capped = cap(io.BytesIO(body), "application/sparql-results+xml", 5)
    assert capped.body == body and not capped.truncated


def test_a_constructed_graph_with_such_a_value_is_refused_as_too_large() -> None:
    body = store_with(["a" * (VALUE_LIMIT + 1024)]).query("CONSTRUCT WHERE { ?s ?p ?o }").serialize(
        format=RdfFormat.N_TRIPLES)
    with pytest.raises(AnswerTooLarge):
        cap(io.BytesIO(body), "application/n-triples", 5)


@pytest.mark.parametrize("size", [200 * 1024, VALUE_LIMIT + 1024])
def test_csv_with_a_long_field_is_counted_and_cut_at_the_limit(size: int) -> None:
    values = ["a" * size, 'x "quoted",\r\nwith a line break', "}", "result", "\n", "c", "d", "e"]
    body = store_with(values).query(SELECT).serialize(format=QueryResultsFormat.CSV)
    capped = cap(io.BytesIO(body), "text/csv", 5)
    default = csv.field_size_limit(2 * size)  # the module's limit (128 KiB) only stops this test's reading
    try:
        rows = list(csv.reader(io.StringIO(capped.body.decode(), newline="")))
    finally:
        csv.field_size_limit(default)
    assert capped.truncated and len(rows) == 6 and rows[0] == ["s", "o"]
    assert body.startswith(capped.body) and rows[1][1] == "a" * size
    whole = cap(io.BytesIO(body), "text/csv", 8)
    assert not whole.truncated and whole.body == body


def test_a_tsv_line_past_what_the_parsers_read_is_refused_even_when_no_value_alone_is() -> None:
    """A TSV row is a line, and the parsers read a line whole: two values of 9 MiB in one row are too large
    together (pyoxigraph's parser said so after seconds; the line ends are counted now)."""
    half = VALUE_LIMIT // 2 + 1024
    store = store_with(["a" * half])
    store.add(Quad(NamedNode("http://e.example/0"), NamedNode("http://e.example/q"), Literal("b" * half)))
    body = store.query("SELECT ?s ?a ?b WHERE { ?s <http://e.example/p> ?a ; <http://e.example/q> ?b }").serialize(
        format=QueryResultsFormat.TSV)
    with pytest.raises(AnswerTooLarge):
        cap(io.BytesIO(body), "text/tab-separated-values", 5)


@pytest.mark.parametrize("limit", [1, 5])
def test_a_tsv_line_within_what_the_parsers_read_is_counted_and_cut_at_the_limit(limit: int) -> None:
    values = ["a" * (VALUE_LIMIT - 64 * 1024), "b", "c\nd", "e"]
    body = store_with(values).query(SELECT).serialize(format=QueryResultsFormat.TSV)
    capped = cap(io.BytesIO(body), "text/tab-separated-values", limit)
    lines = capped.body.split(b"\n")
    assert capped.truncated == (limit < len(values)) and body.startswith(capped.body)
    assert lines[0] == b"?s\t?o" and len(lines) == min(limit, len(values)) + 2  # the header, the rows, and ""
    assert lines[1].endswith(b'"' + b"a" * (VALUE_LIMIT - 64 * 1024) + b'"')
