"""The classes a network may give its resources: those the shapes target and the ontology's subclasses of one; a
resource of the instance, in any spelling, is no class."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import InstanceAsClass
from isic_graph.ingest.classes import check_class_positions, is_instance_iri, known_classes, misclassed, unknown_classes
from isic_graph.ingest.documents import Batch
from isic_graph.rdf.namespaces import FOAF, ISIC, ORG, PROV, RDF_TYPE, RDFS, SCHEMA

BASE = "http://localhost:5000/"
PROJECT = f"{BASE}id/project/les-incompris"


def test_the_known_classes_are_the_shapes_targets_and_their_subclasses() -> None:
    known = known_classes()
    assert {ISIC + "Project", ISIC + "Lesson", ISIC + "Organisation", FOAF + "Person", SCHEMA + "Person"} <= known
    assert ISIC + "Evaluation" in known  # a subclass of isic:CapitalisationActivity
    assert not {ORG + "Organization", PROV + "Activity", SCHEMA + "Project", "http://ex.org/Anything"} & known


@pytest.mark.parametrize("value", [
    PROJECT, PROJECT.upper(), PROJECT + "/", PROJECT.replace("/id/", "/%69d/"), PROJECT.replace("http:", "https:"),
    PROJECT.replace("/id/", "//id/"), f"{BASE}id/thing/x#genid-1", f"{BASE}ID/organisation/ancv",
])
def test_a_resource_of_the_instance_is_recognised_in_any_spelling(value: str) -> None:
    assert is_instance_iri(value, BASE)


@pytest.mark.parametrize("value", [ISIC + "Project", f"{BASE}graph/network/anas", f"{BASE}identity",
                                   "http://localhost:5001/id/project/x", "http://ex.org/id/project/x"])
def test_other_iris_are_no_resource_of_the_instance(value: str) -> None:
    assert not is_instance_iri(value, BASE)


def triples(*spo: tuple[str, str, str]) -> Batch:
    return Batch(tuple(Triple(NamedNode(s), NamedNode(p), NamedNode(o)) for s, p, o in spo), ())


@pytest.mark.parametrize("batch", [
    triples((f"{BASE}id/project/atk-p", RDF_TYPE, PROJECT)),
    triples(("http://ex.org/C", RDFS + "subClassOf", PROJECT)),
    triples((f"{BASE}id/project/atk-p", RDFS + "subClassOf", ISIC + "Project")),
])
def test_a_resource_of_the_instance_in_a_class_position_is_refused(batch: Batch) -> None:
    with pytest.raises(InstanceAsClass) as refused:
        check_class_positions(batch, BASE)
    assert refused.value.status == 422 and refused.value.code == "instance-as-class"
    assert "comme classe" in (refused.value.fr or "") and "as a class" in refused.value.message


def test_a_resource_of_the_instance_as_an_ordinary_value_is_no_class() -> None:
    check_class_positions(triples((f"{BASE}id/lesson/l", ISIC + "learnedFrom", PROJECT),
                                  (f"{BASE}id/lesson/l", RDF_TYPE, ISIC + "Lesson")), BASE)


def test_a_subject_needs_one_known_class_among_its_classes() -> None:
    batch = triples((f"{BASE}id/project/p", RDF_TYPE, ISIC + "Project"),
                    (f"{BASE}id/project/p", RDF_TYPE, "http://ex.org/Extra"),
                    (f"{BASE}id/thing/t", RDF_TYPE, "http://ex.org/Anything"),
                    (f"{BASE}id/thing/o", RDF_TYPE, ORG + "Organization"))
    issues = unknown_classes(batch)
    assert [i.focus for i in issues] == [f"{BASE}id/thing/o", f"{BASE}id/thing/t"]
    assert all(i.path == RDF_TYPE and "isic:Project" in i.messages["en"] and "isic:Project" in i.messages["fr"]
               for i in issues)
    assert "<http://ex.org/Anything>" in issues[1].messages["en"]


def test_a_harvest_leaves_out_the_owner_of_what_is_misclassed() -> None:
    found = misclassed([Triple(NamedNode(f"{BASE}id/thing/t#genid-1"), NamedNode(RDF_TYPE),
                               NamedNode("http://ex.org/Anything")),
                        Triple(NamedNode(f"{BASE}id/thing/u"), NamedNode(RDF_TYPE), NamedNode(PROJECT)),
                        Triple(NamedNode(f"{BASE}id/project/p"), NamedNode(RDF_TYPE), NamedNode(ISIC + "Project")),
                        Triple(NamedNode(f"{BASE}id/project/p"), NamedNode(RDFS + "label"), Literal("P"))],
                       [f"{BASE}id/"])
    assert found == {f"{BASE}id/thing/t": ("http://ex.org/Anything", "unchecked"),
                     f"{BASE}id/thing/u": (PROJECT, "class")}
