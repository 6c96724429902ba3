"""Parsing submissions: formats, base IRI, contexts, skolemisation."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.errors import ParseError, UnsupportedFormat, UsageError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import parse_document, read_batch, skolemise
from isic_graph.rdf.formats import format_for_path

BASE = "http://localhost:5000/"


def doc(name: str, text: str) -> Document:
    return Document(name, text.encode(), format_for_path(name))


def test_relative_iris_resolve_against_the_instance_base() -> None:
    (triple,) = parse_document(doc("a.ttl", '<id/project/x> <http://p> "v" .'), "https://isic.example.org/")
    assert triple.subject.value == "https://isic.example.org/id/project/x"


def test_datasets_are_refused_because_the_network_chooses_the_graph() -> None:
    with pytest.raises(UsageError, match="named graphs"):
        parse_document(doc("a.nq", "<urn:a> <urn:b> <urn:c> <urn:g> ."), BASE)


def test_unknown_extension_is_an_unsupported_format() -> None:
    with pytest.raises(UnsupportedFormat, match="cannot tell the format"):
        format_for_path("sheet.docx")


def test_jsonld_import_and_nested_remote_contexts_are_refused() -> None:
    nested = '{"@context": {"a": "http://a/"}, "@graph": [{"@context": "http://evil.example/c", "@id": "x"}]}'
    with pytest.raises(ParseError, match="remote JSON-LD context"):
        parse_document(doc("a.jsonld", nested), BASE)
    with pytest.raises(ParseError, match="@import"):
        parse_document(doc("b.jsonld", '{"@context": {"@import": "http://evil.example/c"}}'), BASE)


def test_skolemised_iris_depend_on_owner_and_content_only() -> None:
    owner, p = NamedNode("http://localhost:5000/id/o"), NamedNode("http://p")

    def batch(label: str) -> list[Triple]:
        node = BlankNode()
        return [Triple(owner, p, node), Triple(node, p, Literal(label))]

    first, again, other = skolemise(batch("a"), BASE), skolemise(batch("a"), BASE), skolemise(batch("b"), BASE)
    assert first == again and first != other
    assert first[0].object.value.startswith("http://localhost:5000/id/o#genid-")


def test_blank_node_cycles_are_refused() -> None:
    a, b, p = BlankNode(), BlankNode(), NamedNode("http://p")
    with pytest.raises(UsageError, match="cycle"):
        skolemise([Triple(a, p, b), Triple(b, p, a)], BASE)


def test_empty_submission_is_refused() -> None:
    with pytest.raises(UsageError, match="no file"):
        read_batch([], BASE)
