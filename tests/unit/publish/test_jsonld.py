"""JSON-LD compaction and frames: short keys for integrators, and exactly the same graph as the Turtle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld
from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Triple, parse, serialize
from rdflib import Dataset, Graph, URIRef

from isic_graph.errors import NotFound, UsageError
from isic_graph.publish import jsonld
from isic_graph.rdf import resources
from isic_graph.rdf.context import context_document
from isic_graph.rdf.namespaces import CONTEXT_IRI, ISIC
from tests.support.isomorphism import isomorphic

BASE = "http://localhost:5000/"
PROJECT = f"{BASE}id/project/les-incompris"
SOURCES = sorted(resources.samples_dir().glob("*/*.ttl")) + [resources.ontology_file()] \
    + resources.thesaurus_files() + resources.shapes_files()


def read(*paths: Path) -> list[Triple]:
    triples: list[Triple] = []
    for path in paths:
        triples += [q.triple for q in parse(path.read_bytes(), format=RdfFormat.TURTLE, base_iri=BASE)]
    return triples


def turtle_graph(triples: list[Triple]) -> Graph:
    return Graph().parse(data=serialize(triples, format=RdfFormat.TURTLE) or b"", format="turtle")


def jsonld_graph(document: dict[str, Any]) -> Graph:
    return Graph().parse(data=jsonld.to_nquads(document), format="nquads")


def keys(node: Any) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in keys(v)}
    return set()


@pytest.fixture(scope="module")
def incompris() -> list[Triple]:
    anas = resources.samples_dir() / "anas"
    return read(anas / "les-incompris.ttl", anas / "actors.ttl", anas / "network.ttl")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compaction_gives_exactly_the_graph_of_the_turtle(path: Path) -> None:
    triples = read(path)
    document = jsonld.compact(triples)
    assert document["@context"] == context_document()["@context"]
    assert isomorphic(jsonld_graph(document), turtle_graph(triples))


def test_compaction_uses_the_short_terms_of_the_context(incompris: list[Triple]) -> None:
    document = jsonld.compact(incompris)
    assert not [k for k in keys(document) if k.startswith("http")]
    project = next(n for n in document["@graph"] if n["id"] == PROJECT)
    assert project["type"] == "Project"
    assert project["title"] == {"fr": "Les Incompris : l'audace d'oser", "en": "The Misunderstood: daring to dare"}
    assert project["startDate"] == "2012-10-01"
    assert project["emergedFromIndividualSituations"] == "true"
    assert "th-theme:isolation" in project["theme"]


def test_named_graphs_stay_graphs_in_the_compacted_document() -> None:
    a, b = NamedNode(f"{BASE}graph/network/a"), NamedNode(f"{BASE}graph/network/b")
    quads = [Quad(t.subject, t.predicate, t.object, a) for t in read(resources.samples_dir() / "anas" / "network.ttl")]
    quads += [Quad(t.subject, t.predicate, t.object, b) for t in read(resources.samples_dir() / "fcsf" / "network.ttl")]
    document = jsonld.compact(quads)
    assert {g["id"] for g in document["@graph"]} == {a.value, b.value}
    back = Dataset()
    back.parse(data=jsonld.to_nquads(document), format="nquads")
    expected = Dataset()
    expected.parse(data=serialize(quads, format=RdfFormat.N_QUADS) or b"", format="nquads")
    for graph in (a, b):
        assert isomorphic(back.graph(URIRef(graph.value)), expected.graph(URIRef(graph.value)))


def test_compaction_is_exactly_pyld_reading_the_n_quads_itself() -> None:
    """The dataset handed to pyld is built from the quads directly: the same document as pyld's own
    N-Quads parser and expansion give, duplicates, blank nodes, language tags and graphs included."""
    graph = NamedNode(f"{BASE}graph/network/a")
    triples = read(resources.samples_dir() / "anas" / "actors.ttl", resources.ontology_file())  # every datatype
    assert any(isinstance(t.subject, BlankNode) for t in triples)
    statements: list[Triple | Quad] = [*triples, *triples[:50]]
    statements += [Quad(t.subject, t.predicate, t.object, graph) for t in triples[:200]]
    nquads = serialize([s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in statements],
                       format=RdfFormat.N_QUADS) or b""
    options = {"documentLoader": jsonld.document_loader}
    expanded = pyld.from_rdf(nquads.decode("utf-8"), {**options, "format": "application/n-quads"})
    assert jsonld.compact(statements) == jsonld.inline(pyld.compact(expanded, CONTEXT_IRI, options))


@pytest.mark.parametrize("kind", jsonld.KINDS)
def test_every_triple_of_a_framed_document_is_in_the_source(kind: str, incompris: list[Triple]) -> None:
    document = jsonld.frame(incompris, kind)
    framed = jsonld_graph(document)
    source = turtle_graph(incompris)
    assert len(framed) > 0
    assert not [t for t in framed if t not in source]


def test_the_project_frame_nests_lessons_partnerships_and_fundings(incompris: list[Triple]) -> None:
    project = jsonld.frame(incompris, "project")
    assert project["id"] == PROJECT
    lessons = project["lessons"]
    assert len(lessons) == 7 and all(lesson["type"] == "Lesson" and "statement" in lesson for lesson in lessons)
    partnership = project["partnership"]
    assert partnership["type"] == "Partnership"
    assert {p["agent"] for p in partnership["partner"]} == {
        f"{BASE}id/organisation/{slug}"
        for slug in ("departement-haute-garonne", "compagnie-theatre-de-l-ordinaire", "ville-de-toulouse")}
    assert {f["amount"] for f in project["funding"]} == {"3500.00", "2500.00"}
    assert project["territory"]["inseeCode"] == "31555"
    assert project["carriedBy"] == f"{BASE}id/organisation/departement-haute-garonne"
    assert framed_lesson_project(incompris)["title"]["fr"] == "Les Incompris : l'audace d'oser"


def framed_lesson_project(triples: list[Triple]) -> dict[str, Any]:
    lessons = jsonld.frame(triples, "lesson")["@graph"]
    lesson = next(x for x in lessons if x["id"].endswith("li-oser-la-parole"))
    project: dict[str, Any] = lesson["learnedFrom"]
    return project


def test_frames_leave_out_absent_properties_instead_of_nulls() -> None:
    triples = read(resources.samples_dir() / "anas" / "network.ttl")
    document = jsonld.frame([t for t in triples if t.predicate.value != ISIC + "member"], "network")
    assert document["type"] == "Network"
    assert "member" not in document and None not in document.values()


def test_frame_files_reference_the_published_context() -> None:
    for kind in jsonld.KINDS:
        path = resources.artefact_root() / "ontology" / "frames" / f"{kind}.jsonld"
        context = json.loads(path.read_text(encoding="utf-8"))["@context"]
        assert context == CONTEXT_IRI or context[0] == CONTEXT_IRI


def test_unknown_kind_has_no_frame() -> None:
    with pytest.raises(NotFound):
        jsonld.frame([], "sheet")


def test_the_loader_never_fetches_anything_but_serves_the_context() -> None:
    assert jsonld.document_loader(CONTEXT_IRI)["document"]["@context"]["title"]["@id"] == "dcterms:title"
    with pytest.raises(pyld.JsonLdError):
        jsonld.document_loader("https://schema.org/")
    with pytest.raises(UsageError, match="never fetched"):
        jsonld.to_nquads({"@context": "http://example.org/context.jsonld", "name": "x"})
