"""Tests for the SHACL shapes graph: syntax, meta-validity, coverage, wording and verdicts."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph
import pyrudof
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from tests.support import paths

ROOT = paths.ROOT
SHAPES = ROOT / "shapes" / "isic-shapes.ttl"
ONTOLOGY = ROOT / "ontology" / "isic.ttl"
THESAURI = ROOT / "ontology" / "thesauri"
VALID_SHEET = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
INVALID_SHEETS = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))
SHACL_SHACL = Path(pyshacl.__file__).resolve().parent / "assets" / "shacl-shacl.ttl"

BASE = "http://localhost:5000/"
SHAPES_IRI = URIRef("https://w3id.org/isic/shapes")
ISIC = Namespace("https://w3id.org/isic/ontology#")
ISICS = Namespace("https://w3id.org/isic/shapes#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCTERMS = Namespace("http://purl.org/dc/terms/")

# CURIEs allowed in the `# expect:` line of the invalid fixtures.
PREFIXES = {
    "isic": str(ISIC),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "rdfs": str(RDFS),
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

# Properties a service-user group must never carry (personal data).
PERSONAL_DATA = [
    (FOAF.name, Literal("Sophie Durand")),
    (FOAF.mbox, URIRef("mailto:sophie.durand@example.org")),
    (SCHEMA.email, Literal("sophie.durand@example.org")),
    (SCHEMA.telephone, Literal("+33 5 56 00 00 00")),
    (SCHEMA.address, Literal("12 rue des Lilas, Bordeaux")),
    (SCHEMA.birthDate, Literal("1984-05-02", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))),
    (RDFS.comment, Literal("Mme Durand, mère isolée")),
]

CONSTRAINT_PARAMETERS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive,
    SH.pattern, SH.languageIn, SH.uniqueLang, SH.lessThanOrEquals, SH.node, SH["or"],
    SH.hasValue, SH.closed, SH["in"],
}


@dataclass(frozen=True)
class Expectation:
    """The violation an invalid fixture must produce, read from its `# expect:` line."""

    focus: URIRef
    path: URIRef


@dataclass(frozen=True)
class Violation:
    """One top-level result of a validation report, engine-neutral."""

    focus: str
    path: str | None
    component: str
    messages: frozenset[Literal]


# ---------------------------------------------------------------- helpers


def ontology_files() -> list[Path]:
    return [ONTOLOGY, *sorted(THESAURI.glob("*.ttl"))]


def load_ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def load_sheet(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=BASE)


def expectation(path: Path) -> Expectation:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <focus> <path>'"
    focus, curie = first.removeprefix("# expect: ").split()
    prefix, local = curie.split(":", 1)
    return Expectation(URIRef(BASE + focus), URIRef(PREFIXES[prefix] + local))


def validate_with_pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, list[Violation]]:
    """Validate as the application does.

    pySHACL's ont_graph mixing copies only RDFS/OWL axioms (classes, subclass
    and property declarations), not SKOS concepts, so the ontology and the
    thesauri are added to the data graph itself: that is where sh:class
    skos:Concept and the skos:inScheme checks look. Passing them as ont_graph
    as well would only copy the data graph and add nothing to it.

    The data is added to the ontology graph for the validation and taken out of it again (pySHACL, without
    inference, reads the data graph and leaves it unchanged): a new graph holding both, made for each validation,
    took as long as the validation, for the same triples.
    """
    added = [triple for triple in data if triple not in ontology]
    size = len(ontology)
    ontology.addN((*triple, ontology) for triple in added)
    try:
        conforms, report, _ = pyshacl.validate(
            ontology,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
        )
    finally:
        for triple in added:
            ontology.remove(triple)
        assert len(ontology) == size, "the ontology graph must be left as it was"
    violations = []
    for report_node in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(report_node, SH.result):
            path = report.value(result, SH.resultPath)
            violations.append(
                Violation(
                    focus=str(report.value(result, SH.focusNode)),
                    path=str(path) if path is not None else None,
                    component=str(report.value(result, SH.sourceConstraintComponent)),
                    messages=frozenset(report.objects(result, SH.resultMessage)),
                )
            )
    return bool(conforms), violations


@cache
def rudof_with_vocabulary() -> pyrudof.Rudof:
    """rudof with the ontology and thesauri as its data and the shapes read, made once: each validation stages
    its sheet over that data and rolls it back, leaving the data as it was."""
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    for path in ontology_files():
        rudof.read_data(str(path), merge=True)
    rudof.read_shacl(str(SHAPES))
    return rudof


def validate_with_rudof(sheet: Path | str) -> tuple[bool, list[Violation]]:
    """Validate with rudof, an independent SHACL engine (Rust): the sheet with the ontology and thesauri."""
    rudof = rudof_with_vocabulary()
    rudof.begin_staging()
    try:
        rudof.read_data(str(sheet), base=BASE, reader_mode=pyrudof.ReaderMode.Strict, merge=True)
        report = rudof.validate_shacl()
        violations = [
            Violation(
                focus=str(v.focus_node),
                path=str(v.path) if v.path is not None else None,
                component=str(v.constraint_component),
                messages=frozenset(),
            )
            for v in report
        ]
        return bool(report.conforms), violations
    finally:
        rudof.rollback_staging()  # the sheet taken out, and the validation's results


def languages(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    return sorted((o.language or "") for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def property_shapes(shapes: Graph) -> set[Node]:
    return set(shapes.objects(None, SH.property)) | set(shapes.subjects(RDF.type, SH.PropertyShape))


def all_shapes(shapes: Graph) -> set[Node]:
    return property_shapes(shapes) | set(shapes.subjects(RDF.type, SH.NodeShape))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shacl_shacl() -> Graph:
    """The W3C's shapes of SHACL itself, as pySHACL ships them (read, never changed)."""
    return Graph().parse(SHACL_SHACL, format="turtle")


@pytest.fixture(scope="module")
def verdicts() -> dict[Path, tuple[bool, list[Violation]]]:
    """pySHACL's verdict on each fixture sheet, made once for the tests that read the same sheet's."""
    return {}


def sheet_verdict(sheet: Path, shapes: Graph, ontology: Graph,
                  verdicts: dict[Path, tuple[bool, list[Violation]]]) -> tuple[bool, list[Violation]]:
    if sheet not in verdicts:
        verdicts[sheet] = validate_with_pyshacl(load_sheet(sheet), shapes, ontology)
    return verdicts[sheet]


# ---------------------------------------------------------------- the artefact itself


def test_shapes_parse_with_rdflib_and_pyoxigraph(shapes: Graph) -> None:
    quads = list(pyoxigraph.parse(path=str(SHAPES), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(shapes) > 0
    assert len(quads) == len(shapes)


def conforms_to_shacl_for_shacl(graph: Graph, shacl_shacl: Graph) -> tuple[bool, str]:
    """Whether the graph conforms to SHACL's own shapes, and pySHACL's whole report when it does not.

    Only the verdict is asked for, so pySHACL stops checking a shape (the top-level ones, and those an sh:or,
    sh:xone, sh:not or sh:node weighs) at its first failing constraint: a shape with a failing constraint fails
    whatever its others say, so the verdict is the one of the whole check, made without building the results of
    the alternatives that fail (most of its time). A graph that does not conform gets the whole report."""
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shacl_shacl, inference="none", abort_on_first=True)
    if conforms:
        return True, ""
    whole, _, text = pyshacl.validate(graph, shacl_graph=shacl_shacl, inference="none")
    assert not whole, "the verdict with abort_on_first must be the whole check's"
    return False, text


def test_shapes_graph_is_valid_shacl_per_shacl_for_shacl(shapes: Graph, shacl_shacl: Graph) -> None:
    conforms, text = conforms_to_shacl_for_shacl(shapes, shacl_shacl)
    assert conforms, text


def test_shacl_for_shacl_check_rejects_a_malformed_shape(shacl_shacl: Graph) -> None:
    broken = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount "one" ] .
        """,
        format="turtle",
    )
    conforms, _ = conforms_to_shacl_for_shacl(broken, shacl_shacl)
    assert not conforms


def test_shapes_graph_header_names_version_and_imports_nothing(shapes: Graph) -> None:
    assert (SHAPES_IRI, RDF.type, OWL.Ontology) in shapes
    assert shapes.value(SHAPES_IRI, OWL.versionInfo) == Literal("2.0.0")
    assert languages(shapes, SHAPES_IRI, DCTERMS.title) == ["en", "fr"]
    assert list(shapes.objects(None, OWL.imports)) == []


def test_every_ontology_class_has_a_node_shape_targeting_it(shapes: Graph, ontology: Graph) -> None:
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(ISIC))}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert classes, "the ontology declares no isic: class"
    assert classes <= targeted, f"classes without a node shape: {sorted(classes - targeted)}"
    for shape in shapes.subjects(SH.targetClass, None):
        assert (shape, RDF.type, SH.NodeShape) in shapes
        assert str(shape).startswith(str(ISICS))


def test_every_targeted_class_exists_in_the_ontology(shapes: Graph, ontology: Graph) -> None:
    declared = set(ontology.subjects(RDF.type, OWL.Class))
    unknown = {c for c in shapes.objects(None, SH.targetClass) if c not in declared}
    assert not unknown


def test_every_isic_property_in_a_shape_is_declared_by_the_ontology(shapes: Graph, ontology: Graph) -> None:
    paths = {p for p in shapes.objects(None, SH.path) if isinstance(p, URIRef) and str(p).startswith(str(ISIC))}
    declared = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for p in ontology.subjects(RDF.type, kind)
    }
    assert paths <= declared, f"paths unknown to the ontology: {sorted(paths - declared)}"


def test_every_scheme_named_by_a_shape_exists_in_the_thesauri(shapes: Graph, ontology: Graph) -> None:
    schemes = {
        shapes.value(p, SH.hasValue)
        for p in shapes.subjects(SH.path, SKOS.inScheme)
    }
    assert len(schemes) == 29  # 12 of the first edition, 17 added by the second
    missing = {s for s in schemes if (s, RDF.type, SKOS.ConceptScheme) not in ontology}
    assert not missing


def test_every_message_name_and_label_is_given_once_in_french_and_english(shapes: Graph) -> None:
    predicates = (SH.message, SH.name, SH.description, RDFS.label, RDFS.comment)
    checked = 0
    for predicate in predicates:
        for subject in set(shapes.subjects(predicate, None)):
            assert languages(shapes, subject, predicate) == ["en", "fr"], (subject, predicate)
            checked += 1
    assert checked > 100


def test_every_property_shape_has_a_name(shapes: Graph) -> None:
    unnamed = [p for p in property_shapes(shapes) if shapes.value(p, SH.name) is None]
    assert not unnamed


def test_every_constraint_that_can_fail_carries_a_message(shapes: Graph) -> None:
    silent = [
        shape
        for shape in all_shapes(shapes)
        if any(shapes.value(shape, p) is not None for p in CONSTRAINT_PARAMETERS)
        and shapes.value(shape, SH.message) is None
    ]
    assert not silent


def test_every_shape_reports_violations(shapes: Graph) -> None:
    for shape in all_shapes(shapes):
        assert shapes.value(shape, SH.severity) == SH.Violation, shape


def test_user_group_shape_is_closed_to_everything_but_label_size_and_public(shapes: Graph) -> None:
    shape = ISICS.UserGroupShape
    assert shapes.value(shape, SH.closed) == Literal(True)
    ignored = list(shapes.items(shapes.value(shape, SH.ignoredProperties)))
    assert ignored == [RDF.type]
    allowed = {shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property)}
    assert allowed == {RDFS.label, ISIC.groupSize, ISIC.public}


# ---------------------------------------------------------------- verdicts on sheets


def test_minimal_sheet_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, violations = validate_with_pyshacl(load_sheet(VALID_SHEET), shapes, ontology)
    assert conforms, violations


def test_minimal_sheet_conforms_in_rudof_too() -> None:
    conforms, violations = validate_with_rudof(VALID_SHEET)
    assert conforms, violations


def test_every_invalid_fixture_is_checked() -> None:
    names = {p.stem for p in INVALID_SHEETS}
    assert names == {
        "wrong-scheme", "bad-siret", "bad-rna", "end-before-start", "user-group-personal-data",
        "one-partner", "dangling-reference", "wrong-datatype", "negative-amount", "missing-theme",
        "bad-insee",
    }


@pytest.mark.parametrize("sheet", INVALID_SHEETS, ids=lambda p: p.stem)
def test_invalid_sheet_is_refused_at_the_expected_focus_and_path(
    sheet: Path, shapes: Graph, ontology: Graph, verdicts: dict[Path, tuple[bool, list[Violation]]]
) -> None:
    expected = expectation(sheet)
    conforms, violations = sheet_verdict(sheet, shapes, ontology, verdicts)
    assert not conforms
    matching = [v for v in violations if v.focus == str(expected.focus) and v.path == str(expected.path)]
    assert matching, violations
    for violation in matching:
        assert {m.language for m in violation.messages} >= {"fr", "en"}
    # One defect per fixture: nothing else in the sheet is reported.
    assert {v.focus for v in violations} == {str(expected.focus)}


@pytest.mark.parametrize("sheet", INVALID_SHEETS, ids=lambda p: p.stem)
def test_invalid_sheet_is_refused_by_rudof_at_the_same_focus_and_path(sheet: Path) -> None:
    expected = expectation(sheet)
    conforms, violations = validate_with_rudof(sheet)
    assert not conforms
    assert any(v.focus == str(expected.focus) and v.path == str(expected.path) for v in violations), violations


def test_date_order_violation_speaks_plainly(shapes: Graph, ontology: Graph,
                                             verdicts: dict[Path, tuple[bool, list[Violation]]]) -> None:
    sheet = INVALID_SHEETS[[p.stem for p in INVALID_SHEETS].index("end-before-start")]
    _, violations = sheet_verdict(sheet, shapes, ontology, verdicts)
    [violation] = violations
    assert violation.component == str(SH.LessThanOrEqualsConstraintComponent)
    assert Literal("La date de fin doit être postérieure ou égale à la date de début.", lang="fr") in violation.messages
    assert Literal("The end date must be on or after the start date.", lang="en") in violation.messages


@pytest.mark.parametrize("predicate, value", PERSONAL_DATA, ids=lambda x: str(x).rsplit("/", 1)[-1])
def test_user_group_refuses_personal_data(predicate: URIRef, value: Node, shapes: Graph, ontology: Graph) -> None:
    data = load_sheet(VALID_SHEET)
    group = URIRef(BASE + "id/group/demo")
    data.add((group, predicate, value))
    conforms, violations = validate_with_pyshacl(data, shapes, ontology)
    assert not conforms
    assert [(v.focus, v.path, v.component) for v in violations] == [
        (str(group), str(predicate), str(SH.ClosedConstraintComponent))
    ]


def test_blank_node_partner_role_is_refused_before_skolemisation(shapes: Graph, ontology: Graph) -> None:
    data = load_sheet(VALID_SHEET)
    partnership = URIRef(BASE + "id/partnership/demo")
    role = BNode()
    data.add((partnership, ISIC.partner, role))
    data.add((role, RDF.type, ISIC.PartnerRole))
    data.add((role, ISIC.agent, URIRef(BASE + "id/organisation/departement")))
    data.add((role, ISIC.role, URIRef("https://w3id.org/isic/thesaurus/partner-role/funder")))
    _, violations = validate_with_pyshacl(data, shapes, ontology)
    assert [(v.path, v.component) for v in violations] == [(str(ISIC.partner), str(SH.NodeKindConstraintComponent))]


@pytest.mark.xfail(
    raises=TypeError,
    strict=True,
    reason="pySHACL 0.40 raises TypeError in sh:lessThanOrEquals when rdflib cannot order an ill-typed date",
)
def test_ill_typed_date_is_reported_rather_than_crashing(shapes: Graph, ontology: Graph) -> None:
    data = load_sheet(VALID_SHEET)
    project = URIRef(BASE + "id/project/demo")
    data.remove((project, ISIC.startDate, None))
    data.add((project, ISIC.startDate, Literal("2015-13-45", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    conforms, _ = validate_with_pyshacl(data, shapes, ontology)
    assert not conforms
