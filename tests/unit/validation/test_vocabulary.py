"""pySHACL on part of the data and vocabulary (what validating the whole data, or only the nodes the compiled
shapes find fault with, reads), with the part of the shapes that data uses: the same report as on all the data
with the whole vocabulary and every shape, for every fixture,
every injected violation and a violation of every shape; and the report of personal data in otherwise conforming
data, made without pySHACL, is the one pySHACL's validation gives."""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from isic_graph.rdf import resources
from isic_graph.validation import validator as validator_module
from isic_graph.validation.conformance import Facts
from isic_graph.validation.personal import Finding, personal_data_in
from isic_graph.validation.reports import ValidationReport, Violation
from isic_graph.validation.shape_part import ShapeParts
from isic_graph.validation.validator import Validator, to_rdflib
from isic_graph.validation.vocabulary import Vocabulary
from tests.support.shacl import run_folder, whole_vocabulary_report
from tests.unit.validation import test_conformance
from tests.unit.validation.test_conformance import BASE, ISIC, MUTATIONS, SHEETS, XSD, sheet

RDF_TYPE = NamedNode(str(RDF.type))


class WholeVocabulary(Vocabulary):
    """Every triple of the vocabulary, whatever the data: validation as it was before the part was taken."""

    def needed(self, data: Graph) -> None:
        return None


class WholeShapes(ShapeParts):
    """Every shape, whatever the data: validation as it was before the part of the shapes was taken."""

    def for_data(self, data: Graph) -> Graph:
        return self.shapes


@pytest.fixture(scope="module")
def generated() -> list[Triple]:
    """Valid data: one replica of the two sample networks."""
    return test_conformance.generated.__wrapped__()  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="module")
def one_project(generated: list[Triple], validator: Validator) -> list[Triple]:
    """Valid data: one network's description, its actors and its first project, as test_conformance.py mutates it."""
    return test_conformance.one_project.__wrapped__(generated, validator)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where pySHACL's reports are shared with the other processes of the run (and test_conformance.py)."""
    return run_folder(tmp_path_factory)


@cache
def whole() -> Validator:
    validator = Validator(resources.shapes_files(), [resources.ontology_file(), *resources.thesaurus_files()])
    validator.indexed_vocabulary = WholeVocabulary(validator.vocabulary, validator.shapes)
    validator.shape_parts = WholeShapes(validator.shapes)
    return validator


def whole_validate(triples: list[Triple], reports: Path, focus: Collection[str] | None = None,
                   personal: list[Finding] | None = None) -> ValidationReport:
    """whole().validate(to_rdflib(triples), focus, personal), pySHACL's report on the data with the whole vocabulary
    and every shape being the one computed once per input for the run (tests/support/shacl.py), which
    test_conformance.py computes for the same fixtures: whole() gives pySHACL exactly that input when the data
    has no ill-typed literal (whole() takes them out first) and no blank node (named anew in each rdflib graph)."""
    validator, data = whole(), to_rdflib(triples)
    if Facts(triples).ill_typed or any(isinstance(term, BlankNode) for t in triples for term in (t.subject, t.object)):
        return validator.validate(data, focus, personal)
    assert not validator.indexed_vocabulary.always  # nor has the vocabulary any ill-typed literal
    conforms, graph = whole_vocabulary_report(validator, frozenset(triples), reports)
    size = len(data) + len(validator.vocabulary) - sum(1 for t in data if t in validator.vocabulary)

    def validate(given: Graph, *, shacl_graph: Graph, inference: str, allow_warnings: bool) -> tuple[bool, Graph, str]:
        assert given is data and len(given) == size  # the data with the whole vocabulary, nothing taken out
        assert shacl_graph is validator.shapes and inference == "none" and allow_warnings  # as whole_vocabulary_report
        return conforms, pickle.loads(pickle.dumps(graph)), ""  # a copy: validate adds to it

    with mock.patch.object(validator_module, "pyshacl", SimpleNamespace(validate=validate)):
        return validator.validate(data, focus, personal)


def anonymous(report: ValidationReport) -> list[Violation]:
    """The violations, a blank node's (new in each report) shown as one."""
    return sorted((replace(v, value="_:b") if v.value and ":" not in v.value else v for v in report.violations),
                  key=lambda v: (v.focus, v.path or "", v.value or "", sorted(v.messages.items())))


def shape_of(graph: Graph) -> Counter[tuple[Node, ...]]:
    """The W3C report's triples, every blank node (new in each report) as one: rdflib's isomorphism test is
    too slow for reports of hundreds of results."""
    return Counter(tuple(BNode("b") if isinstance(term, BNode) else term for term in triple) for triple in graph)


def same(report: ValidationReport, expected: ValidationReport) -> None:
    assert report.conforms == expected.conforms
    assert anonymous(report) == anonymous(expected)
    if all(v.value is None or ":" in v.value for v in report.violations):  # no blank node
        assert report.describe("fr") == expected.describe("fr") and report.describe("en") == expected.describe("en")
    assert shape_of(report.graph) == shape_of(expected.graph)
    if not expected.conforms:  # the same Turtle (a conforming batch's report has always been check's own)
        assert sorted(report.graph.namespaces()) == sorted(expected.graph.namespaces())


def shape_breaking(validator: Validator, target: URIRef) -> list[Triple]:
    """An instance of the class breaking every property shape of its node shape: its required fields left out,
    a text where a resource is expected, a resource where a text is, one value too many."""
    shapes = validator.shapes
    instance = NamedNode(BASE + "id/broken/" + target.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
    triples = [Triple(instance, RDF_TYPE, NamedNode(str(target)))]
    for node_shape in shapes.subjects(SH.targetClass, target):
        for field in shapes.objects(node_shape, SH.property):
            path = shapes.value(field, SH.path)
            if not isinstance(path, URIRef) or (field, SH.minCount, None) in shapes:
                continue  # left out
            wrong = [NamedNode(BASE + "id/nothing/y")] if (field, SH.datatype, None) in shapes else [Literal("x")]
            if (field, SH.maxCount, None) in shapes:
                wrong.append(Literal("y", language="fr"))
            triples += [Triple(instance, NamedNode(str(path)), value) for value in wrong]
    return triples


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: p.stem)
def test_part_of_the_data_and_vocabulary_gives_the_report_of_the_whole_on_every_fixture(
        path: Path, validator: Validator, reports: Path) -> None:
    triples = sheet(path)
    expected = whole_validate(triples, reports)
    same(validator.validate(to_rdflib(triples)), expected)
    same(validator.check(triples), expected)  # pySHACL given only what the faulty nodes read


@pytest.mark.parametrize("name", MUTATIONS)
def test_part_of_the_data_and_vocabulary_gives_the_report_of_the_whole_on_an_injected_violation(
        name: str, one_project: list[Triple], validator: Validator, reports: Path) -> None:
    triples = MUTATIONS[name](one_project)  # as test_conformance.py mutates it: the same report
    assert not personal_data_in(triples) and not Facts(triples).ill_typed  # pySHACL's report is then the whole report
    conforms, graph = whole_vocabulary_report(validator, frozenset(triples), reports)  # shared with test_conformance
    data = to_rdflib(triples)  # with the vocabulary's descriptions of the resources the results are about: all
    root = next(graph.subjects(RDF.type, SH.ValidationReport))  # that _report reads of the data and vocabulary
    for focus in {graph.value(result, SH.focusNode) for result in graph.objects(root, SH.result)}:
        data.addN((*triple, data) for triple in validator.vocabulary.triples((focus, None, None)))
    same(validator.check(triples), validator._report(data, graph, conforms))  # pySHACL on what the faulty nodes read


def test_part_of_the_data_and_vocabulary_gives_the_report_of_the_whole_when_every_shape_is_broken(
        validator: Validator) -> None:
    targets = sorted({t for t in validator.shapes.objects(None, SH.targetClass) if isinstance(t, URIRef)})
    assert len(targets) > 10
    triples = [t for target in targets for t in shape_breaking(validator, target)]
    report = validator.validate(to_rdflib(triples))
    expected = whole().validate(to_rdflib(triples))
    same(report, expected)
    same(validator.check(triples), expected)
    broken = {v.focus for v in report.violations}
    assert {str(t.subject) for t in triples} <= {f"<{focus}>" for focus in broken}  # every node shape, broken


def test_data_stating_subclasses_gets_the_whole_vocabulary(generated: list[Triple], validator: Validator) -> None:
    concept = NamedNode("http://www.w3.org/2004/02/skos/core#Concept")
    triples = [*generated, Triple(concept, NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                                  NamedNode(ISIC + "Project"))]
    assert validator.indexed_vocabulary.needed(to_rdflib(triples)) is None  # every concept is then a project


def test_the_part_of_the_vocabulary_is_smaller_than_the_whole(generated: list[Triple], validator: Validator) -> None:
    needed = validator.indexed_vocabulary.needed(to_rdflib(generated))
    assert needed is not None and 0 < len(set(needed)) < len(validator.vocabulary)


def contact(triples: list[Triple], where: str) -> list[Triple]:
    """The data with personal data in one place of its first project's description (given one_project, whose first
    project is the generated data's, with all it reaches: the report is the one on the generated data)."""
    project = next(t.subject for t in triples if t.predicate == RDF_TYPE and t.object == NamedNode(ISIC + "Project"))
    address = NamedNode("mailto:camille.martin@example.org")
    extra = {"text": Triple(project, NamedNode(ISIC + "milestone"),
                            Literal("Écrire à camille.martin@example.org", language="fr")),
             "number": Triple(project, NamedNode(ISIC + "note"),
                              Literal("0612345678", datatype=NamedNode(XSD + "integer"))),
             "iri-value": Triple(project, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), address),
             "datatype": Triple(project, NamedNode(ISIC + "note"), Literal("x", datatype=address)),
             "property": Triple(project, address, Literal("x")),
             "resource": Triple(NamedNode(BASE + "id/project/camille.martin@example.org"), RDF_TYPE,
                                NamedNode(ISIC + "Project"))}[where]
    return [*triples, extra]


@pytest.mark.parametrize("where", ["text", "number", "iri-value", "datatype", "property", "resource"])
def test_personal_data_in_data_otherwise_conforming_gets_the_report_pyshacl_gives(
        where: str, one_project: list[Triple], validator: Validator, reports: Path) -> None:
    triples = contact(one_project, where)
    assert validator.compiled is not None
    shapes_find = set(validator.compiled.results(Facts(validator.vocabulary_triples, triples)))
    assert bool(shapes_find) == (where == "resource")  # a project without a title: pySHACL reports, as before
    report = validator.check(triples)
    assert not report.conforms and report.violations
    same(report, whole_validate(triples, reports, None, personal_data_in(triples)))


def test_personal_data_in_a_batch_checked_with_its_context_gets_the_report_pyshacl_gives(
        one_project: list[Triple], validator: Validator, reports: Path) -> None:
    triples = contact(one_project, "text")
    project = triples[-1].subject
    batch = [t for t in triples if t.subject == project]
    context = [t for t in triples if t.subject != project]
    focus = {project.value}
    report = validator.check(batch, context, focus)
    assert [v.path for v in report.violations] == [ISIC + "milestone"]
    same(report, whole_validate(triples, reports, focus, personal_data_in(triples, focus)))  # pySHACL's as above


def test_personal_data_about_a_resource_the_faulty_nodes_do_not_reach_is_reported_under_its_name(
        generated: list[Triple], validator: Validator) -> None:
    """pySHACL reads only what the faulty project reaches; the report still names the other resource it is about."""
    broken = MUTATIONS["min-count"](generated)
    project = test_conformance.first(generated, "Project")
    reached = validator.indexed_vocabulary.reached(to_rdflib(broken), [URIRef(project.value)])
    assert reached is not None
    organisation = next(t.subject for t in generated if t.predicate == RDF_TYPE
                        and t.object == NamedNode(ISIC + "Organisation")
                        and t.subject.value.endswith("/departement-ille-et-vilaine")
                        and (URIRef(t.subject.value), None, None) not in reached)
    triples = [*broken, Triple(organisation, NamedNode(ISIC + "note"),
                               Literal("Écrire à camille.martin@example.org", language="fr"))]
    report = validator.check(triples)
    assert {v.focus for v in report.violations} == {project.value, organisation.value}
    assert [v.focus_label for v in report.violations if v.focus == organisation.value] == [
        "Conseil départemental d'Ille-et-Vilaine"]
