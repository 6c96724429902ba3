"""What an edit through the form keeps: everything stored about the resources it describes but what it has fields for.

The form writes the project, its lessons and its collection sheet as an upsert, which replaces the whole
description of each of them. So that the form never deletes what it does not show, the triples the
network's graph holds about those resources (and their `#genid-` nodes) are written back with the form's,
except those of the properties the form covers for that resource (for texts, in the form's language):
user groups, other languages, properties of later shapes all stay as they were. The project's partners and
fundings are shown in the form's blocks (each carries its stored IRI): those sent are described again, those
emptied are taken out (SheetTriples.removed).
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.ingest.sheettriples import SheetTriples
from isic_graph.sparql.terms import iri, iris
from isic_graph.store.base import Store

CHUNK = 200
GENID = "#genid-"


def kept(store: Store, graph: str, form: SheetTriples) -> list[Triple]:
    """The stored triples of the form's resources (in `graph`) that the form does not cover."""
    whole = {(s, p) for s, p, lang in form.covered if lang is None}
    texts = {(s, p): lang for s, p, lang in form.covered if lang is not None}
    subjects = sorted({s for s, _, _ in form.covered})
    found = []
    for start in range(0, len(subjects), CHUNK):
        chunk = set(subjects[start:start + CHUNK])
        # the resources by the graph's index; their `#genid-` nodes in one pass over the graph (a filter joined with
        # the resources read the graph once for each of them)
        rows = store.select(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri(graph)} {{ {{ VALUES ?s {{ {iris(sorted(chunk))} }} ?s ?p ?o }} "
            f'UNION {{ ?s ?p ?o FILTER(isIRI(?s) && CONTAINS(STR(?s), "{GENID}")) }} }} }}').rows
        for row in rows:
            s, p, o = row["s"], row["p"], row["o"]
            if not isinstance(s, NamedNode) or not isinstance(p, NamedNode) or isinstance(o, BlankNode):
                continue  # the store skolemises blank nodes: none to keep
            if s.value not in chunk and not _node_of(s.value, chunk):
                continue
            if (s.value, p.value) in whole:
                continue
            if (s.value, p.value) in texts and isinstance(o, Literal) and \
                    (o.language or texts[(s.value, p.value)]) == texts[(s.value, p.value)]:
                continue
            found.append(Triple(s, p, o))
    return list(dict.fromkeys(found))  # a resource whose IRI holds `#genid-` comes in both parts


def _node_of(value: str, resources: set[str]) -> bool:
    """Whether an IRI is a `#genid-` node of one of the resources (`{resource}#genid-…`)."""
    at = value.find(GENID)
    while at >= 0:
        if value[:at] in resources:
            return True
        at = value.find(GENID, at + 1)
    return False


def merged(store: Store, graph: str, form: SheetTriples) -> list[Triple]:
    """The form's triples and what is kept of the stored ones, each once."""
    return list(dict.fromkeys([*form.triples, *kept(store, graph, form)]))


__all__ = ["kept", "merged"]
