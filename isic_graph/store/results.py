"""Query results in a backend-neutral form, and their standard serializations."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Union

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
)

from isic_graph.errors import UsageError
from isic_graph.rdf.namespaces import XSD

Term = Union[NamedNode, BlankNode, Literal]
XSD_STRING = XSD + "string"


@dataclass(frozen=True)
class SelectResult:
    """The solutions of a SELECT query: variable names and one dict per row (unbound variables absent)."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Term], ...]

    def values(self, variable: str) -> list[str]:
        """The lexical values bound to one variable, row by row (unbound rows skipped)."""
        return [row[variable].value for row in self.rows if variable in row]

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        return json.dumps({"head": {"vars": list(self.variables)},
                           "results": {"bindings": [{k: _json_term(v) for k, v in row.items()} for row in self.rows]}},
                          ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (lexical values only)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow([row[v].value if v in row else "" for v in self.variables])
        return out.getvalue()

    def to_table(self) -> str:
        """A plain-text table for terminals."""
        cells = [[_short(row.get(v)) for v in self.variables] for row in self.rows]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(self.variables)]
        widths = [min(w, 60) for w in widths]
        lines = [" | ".join(v.ljust(w) for v, w in zip(self.variables, widths))]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [" | ".join((c if len(c) <= w else c[:w - 1] + "…").ljust(w) for c, w in zip(r, widths))
                  for r in cells]  # a value cut says so: `--format csv` or `json` gives it whole
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines)


QueryResult = Union[SelectResult, bool, list[Triple]]


def from_pyoxigraph(result: QuerySolutions | QueryBoolean | QueryTriples) -> QueryResult:
    """Convert a pyoxigraph query answer into the neutral form."""
    if isinstance(result, QuerySolutions):
        names = tuple(v.value for v in result.variables)
        # a solution iterates its terms in the variables' order (None where unbound); RDF-star terms are not used
        return SelectResult(names, tuple({name: term for name, term in zip(names, solution)
                                          if term is not None and not isinstance(term, Triple)}
                                         for solution in result))
    if isinstance(result, QueryBoolean):
        return bool(result)
    return list(result)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    raise TypeError(f"unexpected term {term!r}")


def term_value(term: NamedNode | BlankNode | Literal | Triple) -> str:
    """The IRI, blank-node id or lexical form of a term (RDF-star quoted triples are refused)."""
    if isinstance(term, Triple):

        raise UsageError("RDF-star quoted triples are not supported",
                         fr="les triplets cités de RDF-star ne sont pas pris en charge")
    return term.value


def _short(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value.replace("\n", " ")
    return term.value
