"""The report of a validation: its results in terms a social worker can read, and the W3C report for machines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import pyoxigraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from isic_graph.privacy import MASK_MARK, in_language, masked, personal_data, personal_data_in_iri, redact
from isic_graph.rdf.labels import choose, pick, pick_literal
from isic_graph.rdf.namespaces import DCTERMS, ISIC, RDFS, curie
from isic_graph.validation.personal import (
    MASKED,
    SH,
    mask_report,
    masked_literal,
    personal_data_in,
    report_personal_data,
)

LABEL_PROPERTIES = (URIRef(DCTERMS + "title"), URIRef(RDFS + "label"), URIRef(ISIC + "statement"))
# A resource or concept a sheet's cell names, as the cell wrote it: <…/id/project/x> is x, <…/thesaurus/theme/y> is y.
CELL_OF_IRI = re.compile(r"^<?https?://\S*?/(?:id/[^/>]+|thesaurus/[^/>]+)/([^>]+)>?$")


@dataclass(frozen=True)
class Location:
    """Where a resource came from in a tabular submission: file, row (1 = first data row), column."""

    file: str
    row: int
    column: str | None = None
    role: str = "row"  # which of the row's resources: the row's own, or another it names (its sheet…)

    def describe(self, lang: str) -> str:
        """The place in words; a file, sheet or column name holding personal data is masked where it does (the
        place is read as a bracketed part: its other words, and the row and column, are kept)."""
        place = choose(lang, f"{self.file}, ligne {self.row}" + (f", colonne « {self.column} »" if self.column else ""),
                       f"{self.file}, row {self.row}" + (f", column '{self.column}'" if self.column else ""))
        return redact(f"[{place}]", lang)[1:-1] if personal_data(place) else place

    def to_dict(self) -> dict[str, object]:
        """The place as a report's JSON gives it: a file, sheet or column name holding personal data masked (it
        was the uploader's, and a report is kept, forwarded and logged)."""
        return {"file": redact(f"[{self.file}]")[1:-1], "row": self.row,
                "column": None if self.column is None else redact(f"[{self.column}]")[1:-1]}


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
    language: str | None = None  # the language of the value reported, even masked: which of a sheet's columns

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
        return in_language(line, lang)  # its masked values in its words

    def to_dict(self) -> dict[str, object]:
        return {"focusNode": self.focus, "label": self.focus_label, "path": self.path, "field": dict(self.field_names),
                "value": self.value, "message": dict(self.messages), "severity": self.severity,
                "location": None if self.location is None else self.location.to_dict()}


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

    def located(self, locations: Mapping[str, Location],
                columns: Mapping[tuple[str, str, str, str], str]) -> ValidationReport:
        """The same report with each violation pointed back to its tabular file, row and column."""
        out = []
        places = _masked_places(locations, {v.focus for v in self.violations if v.focus not in locations})
        for v in self.violations:
            loc = locations.get(v.focus)
            if loc is None and places.get(v.focus):  # a resource whose IRI is masked: one of the rows that name it
                loc = places[v.focus].pop(0)
            if loc is not None:
                loc = Location(loc.file, loc.row, column_of(columns, loc, v.path or "", v.language), loc.role)
            out.append(Violation(v.focus, v.focus_label, v.path, v.field_names, v.value, v.messages, v.severity, loc,
                                 v.language))
        return ValidationReport(self.conforms, tuple(out), self.graph)


def _masked_places(locations: Mapping[str, Location], marks: set[str]) -> dict[str, list[Location]]:
    """The rows of the resources whose IRI holds personal data, by the mask a report shows in place of the IRI
    ("*** (phone)"): each such result is about one of them, and all of a mask's results say the same."""
    marks = {mark for mark in marks if MASK_MARK.fullmatch(mark)}
    if not marks:
        return {}
    found: dict[str, set[Location]] = {}
    for iri, where in locations.items():
        kinds = personal_data_in_iri(iri)
        if kinds and (mark := masked(kinds)) in marks:
            found.setdefault(mark, set()).add(Location(where.file, where.row, None, where.role))
    return {mark: sorted(places, key=lambda w: (w.file, w.row, w.role)) for mark, places in found.items()}


def column_of(columns: Mapping[tuple[str, str, str, str], str], where: Location, path: str,
              language: str | None) -> str | None:
    """The column of a file that holds a resource's property in a language (`titre` for French, `titre_en` for
    English: they make the same property); without a language, or in one no column has, the first column of the
    property, the sheet's own language's."""
    found = columns.get((where.file, where.role, path, language or ""))
    if found is not None:
        return found
    return next((column for (file, role, p, _), column in columns.items()
                 if (file, role, p) == (where.file, where.role, path)), None)


def conforming_report() -> ValidationReport:
    """The report of a batch that conforms: the W3C report pySHACL gives, with no result."""
    graph = Graph()
    graph.bind("sh", SH)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(True)))
    return ValidationReport(True, (), graph)


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
    return ValidationReport(False, ordered(violations), report.graph)


def keep_results_about(report: Graph, focus: set[URIRef]) -> bool:
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
    for _, p, o in list(graph.triples((node, None, None))):
        graph.remove((node, p, o))
        if isinstance(o, BNode) and next(graph.subjects(None, o), None) is None:
            _remove_tree(graph, o)


def ordered(violations: Iterable[Violation]) -> tuple[Violation, ...]:
    """The violations in the order a report gives them: by resource, field and value."""
    return tuple(sorted(violations, key=lambda v: (v.focus, v.path or "", v.value or "")))


DATATYPE_NAMES = {
    "date": ("une date au format AAAA-MM-JJ", "a date written YYYY-MM-DD"),
    "dateTime": ("une date et heure (AAAA-MM-JJThh:mm:ss)", "a date and time (YYYY-MM-DDThh:mm:ss)"),
    "decimal": ("un nombre (point décimal)", "a number (decimal point)"),
    "integer": ("un nombre entier", "a whole number"),
    "boolean": ("oui ou non (true / false)", "yes or no (true / false)"),
}


def report_ill_typed(report: Graph, triples: list[tuple[Node, Node, Node]]) -> None:
    """Add a W3C validation result per ill-typed literal, as sh:datatype would have reported it."""
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


def label_of(data: Graph, node: Node | None) -> str | None:
    """The resource's title or label as a report shows it: never personal data, at most 80 characters."""
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


def shown(value: Node) -> str:
    """A value as a report shows it: an IRI in brackets, a literal quoted, a masked value as it is."""
    if isinstance(value, Literal):
        if value.datatype == MASKED:
            return str(value)
        if value.language:
            return f'"{value}"@{value.language}'
        return f'"{value}"'
    return f"<{value}>"
