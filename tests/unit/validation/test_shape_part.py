"""The part of the shapes a validation gives pySHACL: the node shapes whose class targets select a node of the data
(subclasses as the data states them), with all they reach; the whole graph when a target of another kind is there.
That a report from the part is the report from the whole is checked in test_vocabulary.py, on every fixture, every
injected violation and a violation of every shape."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from isic_graph.validation.personal import SH
from isic_graph.validation.shape_part import NON_VALIDATING, ShapeParts
from isic_graph.validation.validator import Validator

ISIC = Namespace("https://w3id.org/isic/ontology#")
ISICS = Namespace("https://w3id.org/isic/shapes#")
EX = Namespace("http://example.org/")


def data(*triples: tuple[URIRef, URIRef, URIRef | Literal]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def targeted(part: Graph) -> set[URIRef]:
    return {s for s in part.subjects(SH.targetClass, None) if isinstance(s, URIRef)}


def test_the_part_for_an_organisation_holds_its_shapes_and_not_the_projects(validator: Validator) -> None:
    part = ShapeParts(validator.shapes).for_data(data((EX.caf, RDF.type, ISIC.Organisation),
                                                      (ISIC.Organisation, RDFS.subClassOf, ISIC.Actor)))
    assert targeted(part) == {ISICS.OrganisationShape, ISICS.ActorShape}  # the superclass the data states
    assert ISICS.InSchemeActorType in set(part.subjects())  # a node shape the organisation's shape points at
    assert (ISICS.ProjectShape, None, None) not in part
    assert 0 < len(part) < len(validator.shapes) / 4


def test_a_class_is_targeted_through_the_subclasses_the_data_states(validator: Validator) -> None:
    parts = ShapeParts(validator.shapes)
    alone = data((EX.x, RDF.type, EX.Kind))
    assert len(parts.for_data(alone)) == 0  # no shape targets it: nothing to validate
    stated = data((EX.x, RDF.type, EX.Kind), (EX.Kind, RDFS.subClassOf, EX.Middle),
                  (EX.Middle, RDFS.subClassOf, ISIC.Project))
    assert targeted(parts.for_data(stated)) == {ISICS.ProjectShape}


def test_the_part_holds_every_node_reached_from_its_shapes_blank_lists_included(validator: Validator) -> None:
    part = ShapeParts(validator.shapes).for_data(data((EX.p, RDF.type, ISIC.Project)))
    subjects = set(validator.shapes.subjects())
    for _, _, value in part:
        if isinstance(value, (URIRef, BNode)) and value in subjects:
            assert {t for t in validator.shapes.triples((value, None, None))
                    if isinstance(value, BNode) or t[1] not in NON_VALIDATING} <= set(part), value


def test_the_part_leaves_out_names_descriptions_and_groups_of_named_shapes_and_keeps_the_messages(
        validator: Validator) -> None:
    """What only people read (SHACL's non-validating characteristics, labels, comments) of a shape named by an IRI
    is not pySHACL's to read; the messages of the results are, and all of a blank-node shape (a report copies it)."""
    part = ShapeParts(validator.shapes).for_data(data((EX.p, RDF.type, ISIC.Project)))
    said = {SH.name, SH.description, SH.order, SH.group, RDFS.label, RDFS.comment}
    assert not [t for t in part if isinstance(t[0], URIRef) and t[1] in said]
    assert [t for t in part if isinstance(t[0], BNode) and t[1] == SH.name]
    assert set(part.objects(None, SH.message)) and set(part.objects(None, SH.path)) and set(part.objects(None,
                                                                                                         SH.severity))
    assert not set(part.subjects(RDF.type, SH.PropertyGroup))  # reached through sh:group alone


def test_the_part_binds_the_prefixes_of_the_shapes_graph(validator: Validator) -> None:
    part = ShapeParts(validator.shapes).for_data(data((EX.p, RDF.type, ISIC.Lesson)))
    assert sorted(part.namespaces()) == sorted(validator.shapes.namespaces())


def test_a_shapes_graph_with_a_target_other_than_a_class_is_given_whole(validator: Validator) -> None:
    for target in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        shapes = Graph()
        for triple in validator.shapes:
            shapes.add(triple)
        shapes.add((ISICS.ProjectShape, target, EX.somewhere))
        assert ShapeParts(shapes).for_data(data((EX.caf, RDF.type, ISIC.Organisation))) is shapes, target


def test_a_shape_that_is_also_a_class_gives_the_whole_graph(validator: Validator) -> None:
    shapes = Graph()
    for triple in validator.shapes:
        shapes.add(triple)
    shapes.add((ISICS.ProjectShape, RDF.type, RDFS.Class))
    assert ShapeParts(shapes).for_data(data((EX.caf, RDF.type, ISIC.Organisation))) is shapes
