"""The compiled shapes: the same (focus, path, component) results as pySHACL, and a refusal of what they do not \
cover."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Callable

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH

from isic_graph.validation.conformance import Facts, Result, UnsupportedShapes, compile_shapes
from isic_graph.validation.validator import Validator, to_rdflib
from tests.support import paths
from tests.support.shacl import run_folder, whole_vocabulary_report

ROOT = paths.ROOT
DATA = ROOT / "tests" / "data"
SHEETS = sorted((DATA / "invalid").glob("*.ttl")) + [DATA / "valid" / "minimal-sheet.ttl"]
BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode(str(RDF.type))

sys.path.insert(0, str(ROOT / "bench"))
from accepted import accepted  # noqa: E402
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where pySHACL's reports are shared with the other processes of the run (and test_vocabulary.py)."""
    return run_folder(tmp_path_factory)


def pyshacl_results(validator: Validator, triples: list[Triple], reports: Path) -> set[Result]:
    """pySHACL's top-level results, with the whole vocabulary in the data graph (computed once per input)."""
    _, report = whole_vocabulary_report(validator, frozenset(triples), reports)
    found = set()
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    for result in report.objects(root, SH.result):
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):
            key: tuple[str, bool] | None = (str(report.value(path, SH.inversePath)), True)
        else:
            key = None if path is None else (str(path), False)
        found.add((str(report.value(result, SH.focusNode)), key, str(report.value(result,
                                                                                  SH.sourceConstraintComponent))))
    return found


def compiled_results(validator: Validator, triples: list[Triple]) -> set[Result]:
    assert validator.compiled is not None, validator.unsupported
    return set(validator.compiled.results(Facts(validator.vocabulary_triples, triples)))


def sheet(path: Path) -> list[Triple]:
    return [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE, base_iri=BASE)]


@pytest.fixture(scope="module")
def generated() -> list[Triple]:
    """The two sample networks as bench/generate.py writes them before their replicas: valid data (the replicas
    repeat their shapes; the test below submits them)."""
    out = io.StringIO()
    generate(1, out)
    return [q.triple for q in parse(out.getvalue().encode(), format=RdfFormat.N_QUADS)
            if not q.graph_name.value.rsplit("/", 1)[-1].rpartition("-g")[2].isdigit()]


SAMPLE = ROOT / "samples" / "anas"


@pytest.fixture(scope="module")
def one_project(generated: list[Triple], validator: Validator) -> list[Triple]:
    """Valid data, part of the generated data: one network's description, its actors and its first project's file,
    holding the first resource of every class a mutation picks (the same resources as in the generated data, with
    all they reach): pySHACL's results on each mutation of it are those on the same mutation of the generated
    data, for a fifth of its triples (the generated data is checked whole above and below)."""
    triples = [t for name in ("network", "actors", "les-incompris") for t in sheet(SAMPLE / f"{name}.ttl")]
    assert set(triples) <= set(generated) and validator.proves_conformance(triples)
    return triples


def first(triples: list[Triple], cls: str) -> NamedNode:
    return next(t.subject for t in triples if t.predicate == RDF_TYPE and t.object == NamedNode(ISIC + cls)
                and isinstance(t.subject, NamedNode))


def without(triples: list[Triple], subject: NamedNode, predicate: str) -> list[Triple]:
    return [t for t in triples if not (t.subject == subject and t.predicate == NamedNode(predicate))]


def plus(triples: list[Triple], *extra: tuple[NamedNode | BlankNode, str,
                                              NamedNode | BlankNode | Literal]) -> list[Triple]:
    return triples + [Triple(s, NamedNode(p), o) for s, p, o in extra]


def date(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + "date"))


# Each turns valid generated data into data that breaks one kind of constraint.
MUTATIONS: dict[str, Callable[[list[Triple]], list[Triple]]] = {
    "min-count": lambda ts: without(ts, first(ts, "Project"), ISIC + "theme"),
    "max-count": lambda ts: plus(ts, (first(ts, "Lesson"), ISIC + "learnedFrom", NamedNode(BASE + "id/project/other"))),
    "class": lambda ts: plus(ts, (first(ts, "Project"), ISIC + "carriedBy", first(ts, "Project"))),
    "node-scheme": lambda ts: plus(ts, (first(ts, "Project"), ISIC + "theme",
                                        NamedNode("https://w3id.org/isic/thesaurus/public/families"))),
    "datatype": lambda ts: plus(without(ts, first(ts, "Project"), ISIC + "startDate"),
                                (first(ts, "Project"), ISIC + "startDate", Literal("2015-01-01"))),
    "node-kind": lambda ts: plus(ts, (first(ts, "Organisation"), "http://xmlns.com/foaf/0.1/homepage",
                                      Literal("www.example.org"))),
    "pattern": lambda ts: plus(without(ts, first(ts, "Organisation"), ISIC + "siret"),
                               (first(ts, "Organisation"), ISIC + "siret", Literal("1234"))),
    "language-in": lambda ts: plus(ts, (first(ts, "Project"), ISIC + "milestone", Literal("Anfang", language="de"))),
    "unique-lang": lambda ts: plus(ts, (first(ts, "Project"), "http://purl.org/dc/terms/title",
                                        Literal("Un autre titre", language="fr"))),
    "less-than-or-equals": lambda ts: plus(
        without(without(ts, first(ts, "Project"), ISIC + "startDate"), first(ts, "Project"), ISIC + "endDate"),
        (first(ts, "Project"), ISIC + "startDate", date("2020-05-01")),
        (first(ts, "Project"), ISIC + "endDate", date("2019-05-01"))),
    "min-inclusive": lambda ts: plus(without(ts, first(ts, "Funding"), ISIC + "amount"),
                                     (first(ts, "Funding"), ISIC + "amount",
                                      Literal("-5.00", datatype=NamedNode(XSD + "decimal")))),
    "or": lambda ts: plus(ts, (first(ts, "Lesson"), ISIC + "concerns", first(ts, "Project"))),
    "not": lambda ts: plus(ts, (first(ts, "Lesson"), ISIC + "confirms", first(ts, "Project"))),
    "closed": lambda ts: plus(ts, (NamedNode(BASE + "id/person/x"), str(RDF.type),
                                   NamedNode("http://xmlns.com/foaf/0.1/Person")),
                              (NamedNode(BASE + "id/person/x"), "http://xmlns.com/foaf/0.1/name", Literal("X")),
                              (NamedNode(BASE + "id/person/x"), "http://xmlns.com/foaf/0.1/age", Literal("40"))),
    "inverse-path": lambda ts: plus(ts, (NamedNode(BASE + "id/person/y"), str(RDF.type),
                                         NamedNode("http://xmlns.com/foaf/0.1/Person"))),
    "actor-or": lambda ts: plus(ts, (NamedNode(BASE + "id/actor/z"), str(RDF.type), NamedNode(ISIC + "Actor"))),
    "blank-partner": lambda ts: plus(ts, (first(ts, "Partnership"), ISIC + "partner", BlankNode("p1")),
                                     (BlankNode("p1"), str(RDF.type), NamedNode(ISIC + "PartnerRole")),
                                     (BlankNode("p1"), ISIC + "agent", first(ts, "Organisation")),
                                     (BlankNode("p1"), ISIC + "role",
                                      NamedNode("https://w3id.org/isic/thesaurus/partner-role/funder"))),
}


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: p.stem)
def test_compiled_shapes_report_what_pyshacl_reports_on_every_fixture(path: Path, validator: Validator,
                                                                     reports: Path) -> None:
    triples = sheet(path)
    assert compiled_results(validator, triples) == pyshacl_results(validator, triples, reports)


def test_generated_data_conforms_for_both(generated: list[Triple], validator: Validator, reports: Path) -> None:
    assert compiled_results(validator, generated) == pyshacl_results(validator, generated, reports) == set()
    assert validator.proves_conformance(generated)


def test_generated_networks_are_accepted_as_they_would_submit_them(tmp_path: Path) -> None:
    """The bench's data at its smallest size (10k triples), submitted network by network through every check a
    submission goes through (shapes, ownership, identifiers' keys, unknown references): nothing refused, every
    SIRET and RNA number right and an organisation's own. The larger sizes: tests/live/test_bench_data.py."""
    path = tmp_path / "isic-10k.nq"
    with path.open("w", encoding="utf-8") as out:
        written = generate(10_000, out)
    outcome = accepted(path, tmp_path, seconds=600)
    assert outcome.refused == [] and outcome.numbers == []
    assert outcome.ingested == outcome.submissions == 12 and outcome.triples == written  # the samples, 5 replicas


@pytest.mark.parametrize("name", MUTATIONS)
def test_compiled_shapes_report_what_pyshacl_reports_on_an_injected_violation(
        name: str, one_project: list[Triple], generated: list[Triple], validator: Validator, reports: Path) -> None:
    triples = MUTATIONS[name](one_project)
    # the mutation of the generated data: the same resources picked, the same triples added and taken out
    assert set(triples) ^ set(one_project) == set(MUTATIONS[name](generated)) ^ set(generated) != set()
    expected = pyshacl_results(validator, triples, reports)
    assert expected, f"the {name} mutation must break the data"
    assert compiled_results(validator, triples) == expected
    assert not validator.proves_conformance(triples)


def test_results_about_nodes_outside_the_focus_are_left_out(generated: list[Triple], validator: Validator) -> None:
    broken = MUTATIONS["min-count"](generated)
    project = first(generated, "Project").value
    assert validator.compiled is not None
    facts = Facts(validator.vocabulary_triples, broken)
    assert {r[0] for r in validator.compiled.results(facts)} == {project}
    assert not validator.compiled.conforms(facts, {project})
    assert validator.compiled.conforms(facts, {first(generated, "Lesson").value})


def test_an_ill_typed_literal_is_left_to_the_full_validation(generated: list[Triple], validator: Validator) -> None:
    project = first(generated, "Project")
    broken = plus(without(generated, project, ISIC + "startDate"), (project, ISIC + "startDate", date("2015-13-45")))
    assert Facts(broken).ill_typed
    assert not validator.proves_conformance(broken)


def test_personal_data_in_a_text_is_left_to_the_full_validation(generated: list[Triple], validator: Validator) -> None:
    project = first(generated, "Project")
    broken = plus(generated, (project, ISIC + "milestone",
                              Literal("Contact : sophie.durand@example.org", language="fr")))
    assert compiled_results(validator, broken) == set()  # no shape forbids it: the privacy check does
    assert not validator.proves_conformance(broken)
    report = validator.check(broken)
    assert not report.conforms
    assert [v.path for v in report.violations] == [ISIC + "milestone"]


def test_a_failing_batch_gets_the_report_of_the_full_validation(validator: Validator) -> None:
    triples = sheet(DATA / "invalid" / "end-before-start.ttl")
    fast, full = validator.check(triples), validator.validate(to_rdflib(triples))
    assert not fast.conforms
    assert fast.violations == full.violations


def test_a_conforming_batch_gets_an_empty_w3c_report(generated: list[Triple], validator: Validator) -> None:
    report = validator.check(generated)
    assert report.conforms and report.violations == ()
    assert (None, SH.conforms, None) in report.graph
    assert next(report.graph.objects(None, SH.conforms)).toPython() is True


UNCHECKED = {  # shape features the compiler does not check
    "targetNode": "isics:ProjectShape sh:targetNode <http://localhost:5000/id/project/x> .",
    "flags": "isics:Project-siret2 a sh:PropertyShape ; sh:path isic:siret ; sh:pattern \"^a\" ; sh:flags \"i\" .",
    "xone": "isics:ProjectShape sh:xone ( [ sh:class isic:Project ] ) .",
    "sequence-path": "isics:ProjectShape sh:property [ sh:path ( isic:theme skos:inScheme ) ; sh:minCount 1 ] .",
    "warning": "isics:ProjectShape sh:property [ sh:path isic:theme ; sh:severity sh:Warning ; sh:maxCount 1 ] .",
    "deactivated": "isics:ProjectShape sh:deactivated true .",
    "implicit-class-target": "isics:Thing a rdfs:Class ; sh:property [ sh:path isic:theme ; sh:minCount 1 ] .",
}
SHAPES_FILE = ROOT / "shapes" / "isic-shapes.ttl"


@pytest.fixture(scope="module")
def shipped_shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.mark.parametrize("extra", UNCHECKED.values(), ids=UNCHECKED.keys())
def test_a_shape_feature_the_compiler_does_not_check_is_refused_by_it(extra: str, shipped_shapes: Graph) -> None:
    shapes = Graph()
    for triple in shipped_shapes:
        shapes.add(triple)
    prologue = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in shipped_shapes.namespaces())
    shapes.parse(data=prologue + extra, format="turtle")
    with pytest.raises(UnsupportedShapes):
        compile_shapes(shapes)


def test_shapes_the_compiler_cannot_check_send_everything_to_pyshacl(one_project: list[Triple],
                                                                     tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_FILE.read_text(encoding="utf-8") + "\n" + UNCHECKED["deactivated"] + "\n",
                      encoding="utf-8")
    validator = Validator([shapes], [ROOT / "ontology" / "isic.ttl",
                                     *sorted((ROOT / "ontology" / "thesauri").glob("*.ttl"))])
    with pytest.raises(UnsupportedShapes):  # the shapes as the validator read them from the file
        compile_shapes(validator.shapes)
    assert validator.compiled is None and validator.unsupported
    assert not validator.proves_conformance(one_project)  # valid data (see one_project)
    assert validator.check(one_project).graph is not None  # pySHACL's report


def test_the_shapes_of_the_project_compile(validator: Validator) -> None:
    assert validator.compiled is not None, validator.unsupported
    assert validator.unsupported is None
    assert URIRef(ISIC + "Project") in {URIRef(c) for c in validator.compiled.by_class}


@pytest.mark.parametrize("position", ["subject", "predicate", "object", "datatype"])
def test_personal_data_in_any_position_is_left_to_the_full_validation(position: str, generated: list[Triple],
                                                                      validator: Validator) -> None:
    contact = NamedNode("xmpp:camille@example.org")
    subject, predicate, value = generated[0]
    changed = {"subject": Triple(contact, predicate, value), "predicate": Triple(subject, contact, value),
               "object": Triple(subject, predicate, contact),
               "datatype": Triple(subject, predicate, Literal("x", datatype=contact))}[position]
    assert not validator.proves_conformance([*generated, changed])


@pytest.mark.parametrize("order", [1, -1])
def test_two_spellings_of_one_typed_value_count_once_as_in_rdflib(order: int) -> None:
    node, size = NamedNode(BASE + "id/group/g"), NamedNode(ISIC + "groupSize")
    spellings = [Literal(text, datatype=NamedNode(XSD + "integer")) for text in ("012", "12")][::order]
    facts = Facts([Triple(node, size, spellings[0])], [Triple(node, size, spellings[1])])
    assert len(facts.objects(node.value, size.value)) == 1


def test_a_batch_on_top_of_the_vocabulary_leaves_the_vocabulary_index_unchanged(
        generated: list[Triple], validator: Validator) -> None:
    before = {s: {p: list(o) for p, o in props.items()} for s, props in validator.vocabulary_facts.out.items()}
    theme = "https://w3id.org/isic/thesaurus/theme/logement"
    Facts([Triple(NamedNode(theme), NamedNode(ISIC + "note"), Literal("x"))], base=validator.vocabulary_facts)
    assert validator.vocabulary_facts.out == before
