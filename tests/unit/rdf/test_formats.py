"""The one format table, and the offers every route draws from it (pinned: a change of offer is a change of
behaviour)."""

from __future__ import annotations

import pytest

from isic_graph.errors import UnsupportedFormat
from isic_graph.publish.export import EXPORT_FORMATS
from isic_graph.rdf.formats import FORMATS, by_media_type, format_for_media_type, format_for_path, format_named
from isic_graph.store import capping, remote
from isic_graph.web import api, graph_store, linked_data, metadata, sparql
from isic_graph.web.description import RESULT_FORMATS

TURTLE, JSONLD, NT, RDFXML = "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"
SRJ, SRX = "application/sparql-results+json", "application/sparql-results+xml"


def test_names_media_types_and_extensions_are_each_used_once() -> None:
    for values in ([f.name for f in FORMATS], [f.media_type for f in FORMATS],
                   [e for f in FORMATS for e in f.extensions], [a for f in FORMATS for a in (f.name, *f.aliases)]):
        assert len(values) == len(set(values))


def test_each_route_offers_what_it_offered_before_the_table() -> None:
    assert list(linked_data.SUFFIXES.items()) == [("ttl", TURTLE), ("jsonld", JSONLD), ("nt", NT),
                                                  ("rdf", RDFXML), ("html", "text/html")]
    assert set(graph_store.READ_FORMATS) == set(sparql.DESCRIPTION_FORMATS) == {TURTLE, JSONLD, NT, RDFXML}
    assert metadata.MEDIA_TYPES == [TURTLE, JSONLD, NT, RDFXML]  # and JSON asked for: JSON-LD, as on every RDF route
    assert {t: f.rdflib for t, f in api.REPORTS.items()} == {TURTLE: "turtle", JSONLD: "json-ld"}
    assert sparql.available("SELECT") == [SRJ, SRX, "text/csv", "text/tab-separated-values"]
    assert sparql.available("CONSTRUCT") == [JSONLD, "application/n-quads", NT, RDFXML, TURTLE]
    assert sparql.available(None) == sorted({*sparql.available("ASK"), *sparql.available("DESCRIBE")})
    assert set(RESULT_FORMATS) == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                   "SPARQL_Results_TSV", "Turtle", "N-Triples", "N-Quads", "RDF_XML", "JSON-LD"}
    assert set(EXPORT_FORMATS) == {"nquads", "trig", "turtle", "ntriples", "jsonld"}
    assert set(capping.RESULT_FORMATS) == {SRJ, SRX, "text/tab-separated-values"}
    assert capping.RDFLIB_RESULT_FORMATS == {SRJ: "json", SRX: "xml"}
    assert set(remote.RESULT_FORMATS) == {SRJ, SRX, "application/json"}
    assert remote.LINE_FORMATS == ("text/csv", "text/tab-separated-values")
    assert remote.SOLUTION_TYPES == {SRJ, SRX, "application/json", "text/csv", "text/tab-separated-values"}


@pytest.mark.parametrize("name, media_type", [("sheet.ttl", TURTLE), ("SHEET.JSONLD", JSONLD), ("a.json", JSONLD),
                                              ("a.nt", NT), ("a.nq", "application/n-quads"),
                                              ("a.trig", "application/trig"), ("projects.csv", "text/csv")])
def test_a_submitted_file_is_read_in_the_format_its_extension_names(name: str, media_type: str) -> None:
    assert format_for_path(name).media_type == media_type
    assert format_for_media_type(media_type.upper() + "; charset=utf-8") is format_for_path(name)


@pytest.mark.parametrize("attempt", [
    lambda: format_for_path("a.rdf"), lambda: format_for_path("a.srj"), lambda: format_for_path("a.tsv"),
    lambda: format_for_media_type(RDFXML), lambda: format_for_media_type(SRJ), lambda: format_named("json"),
    lambda: format_named("rdfxml"),
])
def test_formats_that_are_only_served_are_never_read_from_a_submission(attempt) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsupportedFormat):
        attempt()


def test_any_format_is_found_by_its_media_type_whatever_its_use() -> None:
    assert by_media_type("Application/RDF+XML; q=1") is not None
    assert by_media_type("application/xml") is None
