"""SHACL validation of a batch against the shapes, into a report for people and the W3C report for machines."""

from __future__ import annotations

import functools
import logging
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Collection, Iterable, Mapping, Sequence, cast

import pyoxigraph
import pyshacl
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from isic_graph.errors import ParseError
from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import OWL, RDFS, SHAPES_IRI
from isic_graph.store.results import term_value
from isic_graph.validation.conformance import (
    CompiledShapes,
    Facts,
    UnsupportedShapes,
    compile_shapes,
)
from isic_graph.validation.personal import (
    SH,
    Finding,
    mask_report,
    personal_data_in,
    rdflib_term,
    report_personal_data,
)
from isic_graph.validation.reports import (
    Location,
    ValidationReport,
    Violation,
    conforming_report,
    keep_results_about,
    label_of,
    ordered,
    personal_data_report,
    report_ill_typed,
    shown,
)
from isic_graph.validation.shape_part import ShapeParts
from isic_graph.validation.vocabulary import Vocabulary

__all__ = ["Issue", "Location", "ValidationReport", "Validator", "Violation", "conforming_report", "from_rdflib",
           "personal_data_report", "to_rdflib"]

OWL_VERSION_INFO = URIRef(OWL + "versionInfo")

logging.getLogger("pyshacl").setLevel(logging.ERROR)
# rdflib's complaints about a literal it cannot read ("Parsing weird boolean, 'jean@…'", "Failed to convert
# Literal lexical form…" with the value in its traceback) quote submitted values: the report says it instead.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.term")


@dataclass(frozen=True)
class Issue:
    """A problem the shapes cannot see (an identifier's check key, a link to nothing known), reported as one
    more result of the report; component names it in the W3C report (sh:sourceConstraintComponent)."""

    focus: str
    path: str
    value: pyoxigraph.NamedNode | pyoxigraph.Literal | None  # None: a value is missing (a resource's class)
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

    @cached_property
    def shape_parts(self) -> ShapeParts:
        """The shapes, indexed once for taking the part a data graph's validation uses."""
        return ShapeParts(self.shapes)

    @cached_property
    def indexed_vocabulary(self) -> Vocabulary:
        """The vocabulary, indexed once for taking the part of it a data graph's validation reads."""
        return Vocabulary(self.vocabulary, self.shapes)

    def check(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple] = (),
              focus: Collection[str] | None = None) -> ValidationReport:
        """Validate a batch (pyoxigraph triples) with the context it needs from the store.

        The compiled shapes try to prove the batch conforms, without rdflib or pySHACL. When they do, the
        report holds the personal data found, if any (what pySHACL would add to its empty report); when they
        find anything else (a violation, an ill-typed literal) or cannot run, the batch is validated by
        `validate`, whose report is the one given: pySHACL then reads only what validating the resources
        they report reads, when they can tell.
        """
        personal = personal_data_in([*triples, *context], focus)
        faulty = self._compiled_results(triples, context, focus)
        if faulty is not None and not faulty:
            return self._personal_data_report([*triples, *context], personal) if personal else conforming_report()
        data = to_rdflib([*triples, *context])
        return self.validate(data, focus, personal, faulty)

    def proves_conformance(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple] = (),
                           focus: Collection[str] | None = None) -> bool:
        """Whether the compiled shapes show that the batch conforms (False: pySHACL must decide)."""
        return not personal_data_in([*triples, *context], focus) and self._compiled_results(triples, context,
                                                                                            focus) == set()

    def _compiled_results(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple],
                          focus: Collection[str] | None) -> set[str] | None:
        """The nodes the compiled shapes report (no other node has a result in pySHACL's report either); None
        when they cannot tell (no compiled shapes, an ill-typed literal)."""
        if self.compiled is None:
            return None
        facts = Facts(triples, context, base=self.vocabulary_facts)
        if facts.ill_typed:
            return None
        return {node for node, _, _ in self.compiled.results(facts, focus)}

    def _personal_data_report(self, triples: Sequence[pyoxigraph.Triple], personal: list[Finding]) -> ValidationReport:
        """The report of a batch that conforms to the shapes but holds personal data: pySHACL's empty report
        with a result per piece of it, masked, as `validate` gives it."""
        report = conforming_report().graph
        for prefix, namespace in self.shapes.namespaces():  # as pySHACL binds them: the same Turtle
            report.bind(prefix, namespace)
        languages = {**report_personal_data(report, personal), **mask_report(report, personal)}
        subjects = {finding.subject for finding in personal}  # the labels and types of the resources reported
        described = to_rdflib([t for t in triples if rdflib_term(t.subject) in subjects])
        for subject in subjects:
            for triple in self.vocabulary.triples((subject, None, None)):
                described.add(triple)
        return self._report(described, report, False, languages)

    def validate(self, data: Graph, focus: Iterable[str] | None = None, personal: list[Finding] | None = None,
                 faulty: Collection[str] | None = None) -> ValidationReport:
        """Validate data, to which the vocabulary is added; when focus is given, only those nodes are checked.

        personal: the personal data of the submission as parsed (see `check`); without it, the data is
        searched as rdflib holds it, whose typed literals are normalised.
        faulty: the nodes the compiled shapes report (see `check`), the only ones pySHACL's report can be
        about: pySHACL then validates only what validating them reads.
        """
        if personal is None:  # searched before the vocabulary is mixed in: only the submission's own data counts
            personal = personal_data_in(from_rdflib(data), None if focus is None else set(focus))
        reached = self._reached(data, faulty)
        if reached is not None:
            return self._validate(reached, focus, personal, data)
        # The vocabulary is added to the data itself: pySHACL's ont_graph only mixes in class axioms,
        # not the thesauri's concepts, which the scheme constraints need. Shapes the compiler covers read
        # only part of it (see vocabulary.py); others get all of it.
        needed = self.indexed_vocabulary.needed(data) if self.compiled is not None else None
        for triple in self.vocabulary if needed is None else needed:
            data.add(triple)
        return self._validate(data, focus, personal, None)

    def _reached(self, data: Graph, faulty: Collection[str] | None) -> Graph | None:
        """What validating the faulty nodes reads (see vocabulary.py), or None: validate all the data."""
        if faulty is None or self.compiled is None or any(node.startswith("_:") for node in faulty):
            return None  # a blank node is named anew in rdflib: it could not be found there
        return self.indexed_vocabulary.reached(data, [URIRef(node) for node in faulty])

    def _validate(self, data: Graph, focus: Iterable[str] | None, personal: list[Finding],
                  rest: Graph | None) -> ValidationReport:
        """pySHACL's report on data (with the vocabulary it reads), and ours; rest: the whole data, of which the
        descriptions of the resources the report is about are added back for their names."""
        # Ill-typed literals ("2015-13-45"^^xsd:date) are reported here: pySHACL crashes comparing them.
        ill_typed = [t for t in data if isinstance(t[2], Literal) and t[2].ill_typed]
        for triple in ill_typed:
            data.remove(triple)
        # No focus_nodes here: pySHACL 0.40 then also skips the value nodes of nested sh:node / sh:or
        # checks. Results about context-only resources are dropped afterwards instead.
        conforms, report_graph, _ = pyshacl.validate(
            data, shacl_graph=self.shape_parts.for_data(data), inference="none", allow_warnings=True)
        if focus is not None:
            conforms = keep_results_about(report_graph, {URIRef(f) for f in focus})
        for triple in ill_typed:
            data.add(triple)
        if ill_typed:
            conforms = False
            report_ill_typed(report_graph, ill_typed)
        languages: dict[Node, str] = {}
        if personal:
            conforms = False
            languages = {**report_personal_data(report_graph, personal), **mask_report(report_graph, personal)}
        if rest is not None:  # the report reads its results' focus nodes' descriptions: not all the batch
            root = next(report_graph.subjects(RDF.type, SH.ValidationReport))
            for node in {report_graph.value(result, SH.focusNode) for result in report_graph.objects(root, SH.result)}:
                for triple in rest.triples((node, None, None)):
                    data.add(triple)
            for finding in personal:
                for triple in self.vocabulary.triples((finding.subject, None, None)):
                    data.add(triple)
        return self._report(data, report_graph, bool(conforms), languages)

    def _report(self, data: Graph, report: Graph, conforms: bool,
                languages: Mapping[Node, str] | None = None) -> ValidationReport:
        """The report of a W3C report's top-level results (sh:detail stays nested), named after data;
        languages: the language of the values masked, by result."""
        root = next(report.subjects(RDF.type, SH.ValidationReport))
        return ValidationReport(conforms, ordered(self._violation(data, report, r, (languages or {}).get(r))
                                                  for r in report.objects(root, SH.result)), report)

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
            focus, path = URIRef(issue.focus), URIRef(issue.path)
            value = None if issue.value is None else rdflib_term(issue.value)
            result = BNode()
            graph.add((root, SH.result, result))
            for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.resultPath, path),
                         *(() if value is None else ((SH.value, value),)), (SH.resultSeverity, SH.Violation),
                         (SH.sourceConstraintComponent, URIRef(issue.component)),
                         *((SH.resultMessage, Literal(text, lang=lang)) for lang, text in issue.messages.items())):
                graph.add((result, p, o))
            names = self._names(self._field_shape(path, set(described.objects(focus, RDF.type))), path)
            added.append(Violation(issue.focus, label_of(described, focus), issue.path, names,
                                   None if value is None else shown(value),
                                   dict(issue.messages), "Violation",
                                   language=value.language if isinstance(value, Literal) else None))
        return ValidationReport(False, ordered([*report.violations, *added]), graph)

    def _violation(self, data: Graph, report: Graph, result: Node, masked_language: str | None = None) -> Violation:
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        language = value.language if isinstance(value, Literal) and value.language else masked_language
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
            focus=str(focus), focus_label=label_of(data, focus),
            path=str(path) if isinstance(path, URIRef) else None,
            field_names=names, value=shown(value) if value is not None else None, messages=messages,
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation", language=language)

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


def to_rdflib(triples: Iterable[pyoxigraph.Triple]) -> Graph:
    """An rdflib graph of pyoxigraph triples (pySHACL's input), its terms made as rdflib's N-Triples parser makes
    them (a blank node named anew, a literal of xsd:string a simple one) without writing and parsing N-Triples."""
    graph = Graph()
    made: dict[object, Node] = {}  # each term once: the same IRIs recur throughout a batch

    def term(value: object) -> Node:
        found = made.get(value)
        if found is None:
            found = made[value] = _rdflib_term(value)
        return found

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def _rdflib_term(value: object) -> Node:
    if isinstance(value, pyoxigraph.BlankNode):
        return BNode()  # named anew, as rdflib's parsers name every blank node they read
    if isinstance(value, pyoxigraph.Literal) and value.direction is not None or isinstance(value, pyoxigraph.Triple):
        raise ParseError("the data holds a term that cannot be validated (an RDF 1.2 literal with a base direction, "
                         "\"…\"@ar--rtl, or a triple term); write plain RDF 1.1",
                         "les données contiennent un terme qui ne peut être validé (un texte RDF 1.2 avec une "
                         "direction, \"…\"@ar--rtl, ou un triplet imbriqué) ; écrivez du RDF 1.1 simple")
    return rdflib_term(cast(pyoxigraph.NamedNode | pyoxigraph.Literal, value))


def from_rdflib(graph: Graph) -> list[pyoxigraph.Triple]:
    """The triples of an rdflib graph, as pyoxigraph terms."""
    return [q.triple for q in pyoxigraph.parse(graph.serialize(format="nt", encoding="utf-8"),
                                               format=pyoxigraph.RdfFormat.N_TRIPLES)]


@functools.cache
def _default() -> Validator:
    return Validator(resources.shapes_files(), [resources.ontology_file(), *resources.thesaurus_files()])
