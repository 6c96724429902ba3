"""The result cap: answers within the limit pass byte for byte; longer ones are cut at the limit, in their format."""

from __future__ import annotations

import csv
import io

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)

from isic_graph.errors import StoreError
from isic_graph.store import capping
from isic_graph.store.capping import cap

SELECT = "SELECT ?s ?o ?unbound WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?o"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
RESULT_TYPES = [("application/sparql-results+json", QueryResultsFormat.JSON),
                ("application/sparql-results+xml", QueryResultsFormat.XML),
                ("text/tab-separated-values", QueryResultsFormat.TSV)]


@pytest.fixture(autouse=True, params=[None, 0, 100], ids=["read whole", "counted as it streams",
                                                          "read ahead then streamed"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test three times: answers read whole before they are counted (the default size), and answers
    past that size (0 or 100 bytes here): counted as they stream in, from their start or past a first part."""
    if request.param is not None:
        monkeypatch.setattr(capping, "WHOLE", request.param)
        monkeypatch.setattr(capping, "READ_AHEAD", 64)


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    for i in range(30):
        value = (Literal(f"ligne {i}\n\t« deux »", language="fr") if i % 3 == 0 else
                 BlankNode(f"b{i}") if i % 3 == 1 else Literal(str(i), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        store.add(Quad(NamedNode(f"http://example.org/{i:02}"), NamedNode("http://example.org/p"), value,
                       NamedNode("http://example.org/g")))
    return store


@pytest.mark.parametrize("media_type,fmt", RESULT_TYPES, ids=["json", "xml", "tsv"])
def test_solutions_within_the_limit_pass_unchanged(store: Store, media_type: str, fmt: QueryResultsFormat) -> None:
    body = store.query(SELECT).serialize(format=fmt)
    for limit in (30, 1000):
        capped = cap(io.BytesIO(body), media_type, limit)
        assert capped.body == body and not capped.truncated and capped.counted


@pytest.mark.parametrize("media_type,fmt", RESULT_TYPES, ids=["json", "xml", "tsv"])
def test_solutions_past_the_limit_are_the_first_ones_exactly(store: Store, media_type: str,
                                                             fmt: QueryResultsFormat) -> None:
    body = store.query(SELECT).serialize(format=fmt)
    capped = cap(io.BytesIO(body), media_type, 10)
    assert capped.truncated
    kept = list(parse_query_results(capped.body, format=fmt))
    expected = list(store.query(SELECT))[:10]
    if fmt != QueryResultsFormat.TSV:  # the cut is also said in the results' head
        assert b"https://w3id.org/isic/problems/results-truncated" in capped.body
    assert [[s[v] for v in ("s", "o", "unbound")] for s in kept] == \
           [[s[v] for v in ("s", "o", "unbound")] for s in expected]


def test_csv_past_the_limit_keeps_its_header_and_quoted_newlines(store: Store) -> None:
    body = store.query(SELECT).serialize(format=QueryResultsFormat.CSV)
    assert cap(io.BytesIO(body), "text/csv", 30).body == body
    capped = cap(io.BytesIO(body), "text/csv", 4)
    rows = list(csv.reader(io.StringIO(capped.body.decode(), newline="")))
    assert capped.truncated and rows[0] == ["s", "o", "unbound"] and len(rows) == 5
    assert rows[1][1] == "ligne 0\n\t« deux »"


@pytest.mark.parametrize("fmt", [RdfFormat.N_TRIPLES, RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.JSON_LD])
def test_graphs_past_the_limit_keep_that_many_triples(store: Store, fmt: RdfFormat) -> None:
    body = store.query(CONSTRUCT).serialize(format=fmt)
    assert cap(io.BytesIO(body), fmt.media_type, 30).body == body
    capped = cap(io.BytesIO(body), fmt.media_type + "; charset=utf-8", 7)
    assert capped.truncated and len(list(parse(capped.body, format=fmt))) == 7


def test_booleans_and_unknown_formats_are_not_counted(store: Store) -> None:
    body = store.query("ASK { ?s ?p ?o }").serialize(format=QueryResultsFormat.JSON)
    assert cap(io.BytesIO(body), "application/sparql-results+json", 0) == \
        cap(io.BytesIO(body), "application/sparql-results+json", 0).__class__(body, "application/sparql-results+json",
                                                                              False)
    assert not cap(io.BytesIO(b"<html/>"), "text/html", 1).counted


def test_a_broken_answer_is_an_error_not_a_short_answer(store: Store) -> None:
    body = store.query(SELECT).serialize(format=QueryResultsFormat.JSON)
    with pytest.raises(StoreError, match="unreadable"):
        cap(io.BytesIO(body[: len(body) // 2]), "application/sparql-results+json", 1000)


BOUNDED = [("application/sparql-results+json", QueryResultsFormat.JSON),
           ("application/sparql-results+xml", QueryResultsFormat.XML),
           ("text/tab-separated-values", QueryResultsFormat.TSV), ("text/csv", QueryResultsFormat.CSV)]


@pytest.mark.parametrize("media_type,fmt", BOUNDED, ids=["json", "xml", "tsv", "csv"])
def test_an_answer_whose_bytes_bound_its_rows_within_the_limit_is_passed_on_unparsed(
        store: Store, media_type: str, fmt: QueryResultsFormat, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row writes a mark ({, result, a line end): no more marks than the limit, no parse; more, a parse,
    and the count is exact even when strings hold marks of their own."""
    body = store.query(SELECT).serialize(format=fmt)
    bound = capping.at_most(body, media_type)
    assert bound is not None and bound >= 30
    parsed: list[str] = []
    for name in ("_cap_solutions", "_cap_lines"):
        original = getattr(capping, name)
        monkeypatch.setattr(capping, name, lambda *a, _o=original, _n=name: parsed.append(_n) or _o(*a))
    if capping.WHOLE > len(body):  # read whole: the bound decides
        assert cap(io.BytesIO(body), media_type, bound).body == body and not parsed
    tight = cap(io.BytesIO(body), media_type, 30)  # fewer than the marks, as many as the rows: parsed, whole
    assert tight.body == body and not tight.truncated and parsed
    marks = Store()
    marks.add(Quad(NamedNode("http://example.org/a"), NamedNode("http://example.org/p"),
                   Literal("{ result \n" * 50)))
    loose = marks.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(format=fmt)
    assert not cap(io.BytesIO(loose), media_type, 1).truncated


@pytest.mark.parametrize("media_type,fmt", BOUNDED, ids=["json", "xml", "tsv", "csv"])
def test_an_answer_that_does_not_end_as_a_whole_one_is_parsed(store: Store, media_type: str,
                                                             fmt: QueryResultsFormat) -> None:
    body = store.query(SELECT).serialize(format=fmt)
    assert capping.at_most(body[:-3], media_type) is None

