"""SHACL validation of a batch against the shapes, into a report for people and the W3C report for machines."""

from __future__ import annotations

import functools
import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Collection, Iterable, Mapping, Sequence

import pyoxigraph
import pyshacl
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.term import Node

from isic_graph.errors import ParseError
from isic_graph.privacy import personal_data
from isic_graph.rdf import resources
from isic_graph.rdf.labels import choose, pick, pick_literal
from isic_graph.rdf.namespaces import DCTERMS, ISIC, OWL, RDFS, SHAPES_IRI, curie
from isic_graph.store.results import term_value
from isic_graph.validation.conformance import (
    CompiledShapes,
    Facts,
    UnsupportedShapes,
    compile_shapes,
)
from isic_graph.validation.personal import (
    MASKED,
    SH,
    Finding,
    mask_report,
    masked_literal,
    personal_data_in,
    rdflib_term,
    report_personal_data,
)

OWL_VERSION_INFO = URIRef(OWL + "versionInfo")
LABEL_PROPERTIES = (URIRef(DCTERMS + "title"), URIRef(RDFS + "label"), URIRef(ISIC + "statement"))
# A resource or concept a sheet's cell names, as the cell wrote it: <…/id/project/x> is x, <…/thesaurus/theme/y> is y.
CELL_OF_IRI = re.compile(r"^<?https?://\S*?/(?:id/[^/>]+|thesaurus/[^/>]+)/([^>]+)>?$")

logging.getLogger("pyshacl").setLevel(logging.ERROR)
# rdflib's complaints about a literal it cannot read ("Parsing weird boolean, 'jean@…'", "Failed to convert
# Literal lexical form…" with the value in its traceback) quote submitted values: the report says it instead.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.term")


@dataclass(frozen=True)
class Location:
    """Where a resource came from in a tabular submission: file, row (1 = first data row), column."""

    file: str
    row: int
    column: str | None = None

    def describe(self, lang: str) -> str:
        return choose(lang, f"{self.file}, ligne {self.row}" + (f", colonne « {self.column} »" if self.column else ""),
                      f"{self.file}, row {self.row}" + (f", column '{self.column}'" if self.column else ""))


@dataclass(frozen=True)
class Violation:
    """One result of the validation report, in terms a social worker can read."""

    focus: str
    focus_label: str | None
    path: str | None
    field_names: Mapping[str, str]
    value: str | None
    messages: Mapping[str, str]
    severity: str
    location: Location | None = None

    def describe(self, lang: str = "fr") -> str:
        """One line: which resource, which field, what value, what is expected."""
        in_a_cell = self.location is not None and self.location.column is not None  # the sheet's words suffice
        resource = f"« {self.focus_label} » <{self.focus}>" if self.focus_label else f"<{self.focus}>"
        parts = [] if in_a_cell else [resource]
        if in_a_cell and self.focus_label:
            parts.append(f"« {self.focus_label} »")
        if self.path:
            name = pick(self.field_names, lang)
            if in_a_cell and name:
                parts.append(name)
            else:
                parts.append(f"{name} ({curie(self.path)})" if name else curie(self.path))
        if self.value is not None:
            value = CELL_OF_IRI.sub(r"\1", self.value) if in_a_cell else self.value  # as the cell names it
            parts.append(choose(lang, "valeur : ", "value: ") + value)
        message = pick(self.messages, lang) or ""
        line = " — ".join(parts + [message])
        if self.location:
            line = f"[{self.location.describe(lang)}] {line}"
        return line

    def to_dict(self) -> dict[str, object]:
        return {"focusNode": self.focus, "label": self.focus_label, "path": self.path, "field": dict(self.field_names),
                "value": self.value, "message": dict(self.messages), "severity": self.severity,
                "location": None if self.location is None else
                {"file": self.location.file, "row": self.location.row, "column": self.location.column}}


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one batch."""

    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph = field(repr=False)

    def describe(self, lang: str = "fr") -> str:
        if self.conforms:
            return choose(lang, "Conforme.", "Conforms.")
        head = choose(lang, f"{len(self.violations)} problème(s) à corriger :",
                      f"{len(self.violations)} problem(s) to fix:")
        return "\n".join([head] + [f"  - {v.describe(lang)}" for v in self.violations])

    def serialize(self, fmt: str = "turtle") -> str:
        """The W3C SHACL validation report, in Turtle or JSON-LD."""
        return self.graph.serialize(format="json-ld" if fmt == "jsonld" else fmt)

    def located(self, locations: Mapping[str, Location], columns: Mapping[tuple[str, str], str]) -> ValidationReport:
        """The same report with each violation pointed back to its tabular file, row and column."""
        out = []
        for v in self.violations:
            loc = locations.get(v.focus)
            if loc is not None:
                loc = Location(loc.file, loc.row, columns.get((loc.file, v.path or "")))
            out.append(Violation(v.focus, v.focus_label, v.path, v.field_names, v.value, v.messages, v.severity, loc))
        return ValidationReport(self.conforms, tuple(out), self.graph)


@dataclass(frozen=True)
class Issue:
    """A problem the shapes cannot see (an identifier's check key, a link to nothing known), reported as one
    more result of the report; component names it in the W3C report (sh:sourceConstraintComponent)."""

    focus: str
    path: str
    value: pyoxigraph.NamedNode | pyoxigraph.Literal
    messages: Mapping[str, str]
    component: str


class Validator:
    """The shapes and the vocabulary they need (ontology and thesauri), loaded once."""

    def __init__(self, shapes_files: Iterable[Path], vocabulary_files: Iterable[Path]) -> None:
        self.shapes = Graph()
        for path in shapes_files:
            self.shapes.parse(path, format="turtle")
        self.vocabulary = Graph()
        self.vocabulary_triples: list[pyoxigraph.Triple] = []
        for path in vocabulary_files:
            self.vocabulary.parse(path, format="turtle")
            self.vocabulary_triples += [q.triple for q in pyoxigraph.parse(path=str(path),
                                                                           format=pyoxigraph.RdfFormat.TURTLE)]
        # The fast path (see check); None when the shapes use what the compiler does not check.
        self.compiled: CompiledShapes | None = None
        self.unsupported: str | None = None
        try:
            self.compiled = compile_shapes(self.shapes)
        except UnsupportedShapes as exc:
            self.unsupported = str(exc)

    @classmethod
    def default(cls) -> Validator:
        """The validator of the shipped shapes and vocabulary, made once per process: once made, it is only read
        (the server's threads share one), and its indexes are then built once."""
        return _default()

    @cached_property
    def vocabulary_facts(self) -> Facts:
        """The vocabulary, indexed once for the compiled shapes."""
        return Facts(self.vocabulary_triples)

    @cached_property
    def shapes_version(self) -> str:
        value = self.shapes.value(URIRef(SHAPES_IRI), OWL_VERSION_INFO)
        return str(value) if value is not None else "unversioned"

    def check(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple] = (),
              focus: Collection[str] | None = None) -> ValidationReport:
        """Validate a batch (pyoxigraph triples) with the context it needs from the store.

        The compiled shapes try to prove the batch conforms, without rdflib or pySHACL; when they find
        anything (a violation, an ill-typed literal, personal data) or cannot run, the batch is validated
        by `validate`, whose report is the one given.
        """
        personal = personal_data_in([*triples, *context], focus)
        if not personal and self._compiled_conformance(triples, context, focus):
            return conforming_report()
        data = to_rdflib([*triples, *context])
        return self.validate(data, focus, personal)

    def proves_conformance(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple] = (),
                           focus: Collection[str] | None = None) -> bool:
        """Whether the compiled shapes show that the batch conforms (False: pySHACL must decide)."""
        return not personal_data_in([*triples, *context], focus) and self._compiled_conformance(triples, context,
                                                                                                focus)

    def _compiled_conformance(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple],
                              focus: Collection[str] | None) -> bool:
        if self.compiled is None:
            return False
        facts = Facts(triples, context, base=self.vocabulary_facts)
        return not facts.ill_typed and self.compiled.conforms(facts, focus)

    def validate(self, data: Graph, focus: Iterable[str] | None = None,
                 personal: list[Finding] | None = None) -> ValidationReport:
        """Validate data, to which the vocabulary is added; when focus is given, only those nodes are checked.

        personal: the personal data of the submission as parsed (see `check`); without it, the data is
        searched as rdflib holds it, whose typed literals are normalised.
        """
        if personal is None:  # searched before the vocabulary is mixed in: only the submission's own data counts
            personal = personal_data_in(from_rdflib(data), None if focus is None else set(focus))
        # The vocabulary is added to the data itself: pySHACL's ont_graph only mixes in class axioms,
        # not the thesauri's concepts, which the scheme constraints need.
        for triple in self.vocabulary:
            data.add(triple)
        # Ill-typed literals ("2015-13-45"^^xsd:date) are reported here: pySHACL crashes comparing them.
        ill_typed = [t for t in data if isinstance(t[2], Literal) and t[2].ill_typed]
        for triple in ill_typed:
            data.remove(triple)
        # No focus_nodes here: pySHACL 0.40 then also skips the value nodes of nested sh:node / sh:or
        # checks. Results about context-only resources are dropped afterwards instead.
        conforms, report_graph, _ = pyshacl.validate(
            data, shacl_graph=self.shapes, inference="none", allow_warnings=True)
        if focus is not None:
            conforms = _keep_results_about(report_graph, {URIRef(f) for f in focus})
        for triple in ill_typed:
            data.add(triple)
        if ill_typed:
            conforms = False
            _report_ill_typed(report_graph, ill_typed)
        if personal:
            conforms = False
            report_personal_data(report_graph, personal)
            mask_report(report_graph, personal)
        root = next(report_graph.subjects(RDF.type, SH.ValidationReport))
        violations = tuple(self._violation(data, report_graph, r)  # top-level results; sh:detail stays nested
                           for r in report_graph.objects(root, SH.result))
        ordered = tuple(sorted(violations, key=lambda v: (v.focus, v.path or "", v.value or "")))
        return ValidationReport(bool(conforms), ordered, report_graph)

    def with_issues(self, report: ValidationReport, issues: Sequence[Issue],
                    triples: Sequence[pyoxigraph.Triple]) -> ValidationReport:
        """The report with these issues among its results (triples: the batch, for the names of the fields
        and resources); it no longer conforms when there is any."""
        if not issues:
            return report
        graph = report.graph
        root = next(graph.subjects(RDF.type, SH.ValidationReport))
        graph.set((root, SH.conforms, Literal(False)))
        focused = {issue.focus for issue in issues}
        described = to_rdflib([t for t in triples if term_value(t.subject) in focused])
        added = []
        for issue in issues:
            focus, path, value = URIRef(issue.focus), URIRef(issue.path), rdflib_term(issue.value)
            result = BNode()
            graph.add((root, SH.result, result))
            for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.resultPath, path),
                         (SH.value, value), (SH.resultSeverity, SH.Violation),
                         (SH.sourceConstraintComponent, URIRef(issue.component)),
                         *((SH.resultMessage, Literal(text, lang=lang)) for lang, text in issue.messages.items())):
                graph.add((result, p, o))
            names = self._names(self._field_shape(path, set(described.objects(focus, RDF.type))), path)
            added.append(Violation(issue.focus, _label(described, focus), issue.path, names, _show(value),
                                   dict(issue.messages), "Violation"))
        ordered = sorted([*report.violations, *added], key=lambda v: (v.focus, v.path or "", v.value or ""))
        return ValidationReport(False, tuple(ordered), graph)

    def _violation(self, data: Graph, report: Graph, result: Node) -> Violation:
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages: dict[str, str] = {}
        for message in report.objects(result, SH.resultMessage):
            lang = message.language if isinstance(message, Literal) and message.language else "en"
            messages.setdefault(lang, str(message))
        source = report.value(result, SH.sourceShape)
        if source is None and isinstance(path, URIRef):  # our own results: the field as the shapes name it
            source = self._field_shape(path, set(data.objects(focus, RDF.type)))
        names = self._names(source, path)
        severity = report.value(result, SH.resultSeverity)
        return Violation(
            focus=str(focus), focus_label=_label(data, focus),
            path=str(path) if isinstance(path, URIRef) else None,
            field_names=names, value=_show(value) if value is not None else None, messages=messages,
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation")

    def _field_shape(self, path: URIRef, types: set[Node]) -> Node | None:
        """The property shape of this path, preferably in the node shape of one of the resource's classes."""
        fields = list(self.shapes.subjects(SH.path, path))
        for field_shape in fields:
            for node_shape in self.shapes.subjects(SH.property, field_shape):
                if any(t in types for t in self.shapes.objects(node_shape, SH.targetClass)):
                    return field_shape
        return fields[0] if fields else None

    def _names(self, shape: Node | None, path: Node | None) -> dict[str, str]:
        names: dict[str, str] = {}
        sources = [(self.shapes, shape, SH.name)] if shape is not None else []
        if isinstance(path, URIRef):
            sources.append((self.vocabulary, path, URIRef(RDFS + "label")))
        for graph, subject, predicate in sources:
            for name in graph.objects(subject, predicate):
                if isinstance(name, Literal) and name.language:
                    names.setdefault(name.language, str(name))
        return names


def conforming_report() -> ValidationReport:
    """The report of a batch that conforms: the W3C report pySHACL gives, with no result."""
    graph = Graph()
    graph.bind("sh", SH)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(True)))
    return ValidationReport(True, (), graph)


def to_rdflib(triples: Iterable[pyoxigraph.Triple]) -> Graph:
    """An rdflib graph of pyoxigraph triples (pySHACL's input)."""
    graph = Graph()
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    try:
        graph.parse(data=data, format="nt")
    except ParserError:  # what rdflib cannot read of what pyoxigraph can (its words may quote the data: not shown)
        raise ParseError("the data holds a term that cannot be validated (an RDF 1.2 literal with a base direction, "
                         "\"…\"@ar--rtl, or a triple term); write plain RDF 1.1",
                         "les données contiennent un terme qui ne peut être validé (un texte RDF 1.2 avec une "
                         "direction, \"…\"@ar--rtl, ou un triplet imbriqué) ; écrivez du RDF 1.1 simple") from None
    return graph


def from_rdflib(graph: Graph) -> list[pyoxigraph.Triple]:
    """The triples of an rdflib graph, as pyoxigraph terms."""
    return [q.triple for q in pyoxigraph.parse(graph.serialize(format="nt", encoding="utf-8"),
                                               format=pyoxigraph.RdfFormat.N_TRIPLES)]


def personal_data_report(triples: Sequence[pyoxigraph.Triple]) -> ValidationReport:
    """The report on the personal data of triples no shapes apply to (reference data): conforms when there is none."""
    found = personal_data_in(triples)
    report = conforming_report()
    if not found:
        return report
    report_personal_data(report.graph, found)
    mask_report(report.graph, found)
    violations = []
    for finding in found:
        focus = masked_literal([finding.kind]) if finding.place == "resource" else finding.subject
        path = finding.predicate if finding.place in ("value", "datatype") else None
        violations.append(Violation(str(focus), None, None if path is None else str(path), {},
                                    str(masked_literal([finding.kind])), finding.messages(), "Violation"))
    return ValidationReport(False, tuple(sorted(violations, key=lambda v: (v.focus, v.path or "", v.value or ""))),
                            report.graph)


def _keep_results_about(report: Graph, focus: set[URIRef]) -> bool:
    """Drop the results whose focus node is not in focus; return whether the report now conforms."""
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    for result in list(report.objects(root, SH.result)):
        if report.value(result, SH.focusNode) not in focus:
            report.remove((root, SH.result, result))
            _remove_tree(report, result)
    conforms = next(report.objects(root, SH.result), None) is None
    report.set((root, SH.conforms, Literal(conforms)))
    return conforms


def _remove_tree(graph: Graph, node: Node) -> None:
    from rdflib import BNode

    for _, p, o in list(graph.triples((node, None, None))):
        graph.remove((node, p, o))
        if isinstance(o, BNode) and next(graph.subjects(None, o), None) is None:
            _remove_tree(graph, o)


DATATYPE_NAMES = {
    "date": ("une date au format AAAA-MM-JJ", "a date written YYYY-MM-DD"),
    "dateTime": ("une date et heure (AAAA-MM-JJThh:mm:ss)", "a date and time (YYYY-MM-DDThh:mm:ss)"),
    "decimal": ("un nombre (point décimal)", "a number (decimal point)"),
    "integer": ("un nombre entier", "a whole number"),
    "boolean": ("oui ou non (true / false)", "yes or no (true / false)"),
}


def _report_ill_typed(report: Graph, triples: list[tuple[Node, Node, Node]]) -> None:
    """Add a W3C validation result per ill-typed literal, as sh:datatype would have reported it."""
    from rdflib import BNode

    root = next(report.subjects(RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(False)))
    for subject, predicate, value in triples:
        assert isinstance(value, Literal)
        kind = str(value.datatype).rsplit("#", 1)[-1]
        fr, en = DATATYPE_NAMES.get(kind, (f"une valeur de type {kind}", f"a value of type {kind}"))
        result = BNode()
        report.add((root, SH.result, result))
        for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, subject), (SH.resultPath, predicate),
                     (SH.value, value), (SH.resultSeverity, SH.Violation),
                     (SH.sourceConstraintComponent, SH.DatatypeConstraintComponent),
                     (SH.resultMessage, Literal(f"« {value} » n'est pas valide : il faut {fr}.", lang="fr")),
                     (SH.resultMessage, Literal(f"'{value}' is not valid: it must be {en}.", lang="en"))):
            report.add((result, p, o))


def _label(data: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    for predicate in LABEL_PROPERTIES:
        labels = list(data.objects(node, predicate))
        if labels:
            best = pick_literal([x for x in labels if isinstance(x, Literal)], "fr") or labels[0]
            text = str(best)
            if personal_data(text):  # a report never repeats personal data, even in a label
                return None
            return text if len(text) <= 80 else text[:77] + "…"
    return None


def _show(value: Node) -> str:
    if isinstance(value, Literal):
        if value.datatype == MASKED:
            return str(value)
        if value.language:
            return f'"{value}"@{value.language}'
        return f'"{value}"'
    return f"<{value}>"


@functools.cache
def _default() -> Validator:
    return Validator(resources.shapes_files(), [resources.ontology_file(), *resources.thesaurus_files()])
