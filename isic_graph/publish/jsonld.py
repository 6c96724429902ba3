"""JSON-LD for integrators: compaction with the published context and frames, never fetching anything."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any, Iterable, Union

from pyld import jsonld as pyld
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from isic_graph.errors import NotFound, UsageError
from isic_graph.rdf import resources
from isic_graph.rdf.context import context_document, document_loader
from isic_graph.rdf.namespaces import CONTEXT_IRI, RDF_LANG_STRING

KINDS = ("project", "lesson", "organisation", "network")
Statement = Union[Triple, Quad]
RDF_LANGSTRING = RDF_LANG_STRING


def compact(statements: Iterable[Statement]) -> dict[str, Any]:
    """Triples or quads as JSON-LD compacted with the published context (referenced by its IRI).

    Keys are the context's short terms ("id", "type", "title"…), literals keep their datatypes
    through the context's coercions, lang-tagged texts become language maps, and named graphs
    stay as "@graph" entries with their "id".
    """
    compacted: dict[str, Any] = _run(_Compactor().compact, _from_rdf(statements), CONTEXT_IRI,
                                     options={"skipExpansion": True})  # from_rdf gives expanded JSON-LD
    return inline(compacted)


def inline(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the published context written into it in place of its IRI: what is served then reads
    in any processor with no document loader (pyoxigraph has none; others would fetch the w3id IRI)."""
    if "@context" not in document:
        return document
    return {"@context": inline_context(document["@context"]), **{k: v for k, v in document.items() if k != "@context"}}


def inline_context(context: Any) -> Any:
    """A context (an IRI, an object or a list of them) with the published context's IRI replaced by its terms."""
    if context == CONTEXT_IRI:
        return context_document()["@context"]
    if isinstance(context, list):
        return [inline_context(c) for c in context]
    return context


class _Compactor(pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, compacting each IRI once per context: pyld looks for a CURIE through the whole
    context every time, for every resource IRI."""

    def __init__(self) -> None:
        super().__init__()
        self._iris: dict[tuple[int, str, bool, Any, bool], tuple[dict[str, Any], str]] = {}

    def _compact_iri(self, active_ctx: dict[str, Any], iri: str, value: Any = None, vocab: bool = False,
                     base: Any = None, reverse: bool = False) -> Any:
        if value is not None or not isinstance(iri, str):
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        key = (id(active_ctx), iri, vocab, base, reverse)
        found = self._iris.get(key)
        if found is None or found[0] is not active_ctx:  # (the context kept, so that its id is not reused)
            found = self._iris[key] = (active_ctx, super()._compact_iri(active_ctx, iri, value, vocab, base, reverse))
        return found[1]


@cache
def frame_document(kind: str) -> dict[str, Any]:
    """The frame of one main class, from `ontology/frames/{kind}.jsonld`."""
    if kind not in KINDS:
        raise NotFound(f"no JSON-LD frame for {kind!r}; frames exist for {', '.join(KINDS)}",
                       fr=f"aucun cadre JSON-LD pour {kind!r} ; il en existe pour {', '.join(KINDS)}")
    path = resources.artefact_root() / "ontology" / "frames" / f"{kind}.jsonld"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def frame(statements: Iterable[Statement], kind: str) -> dict[str, Any]:
    """Triples shaped as a tree by the frame of `kind` (project, lesson, organisation or network).

    A project nests its lessons (under "lessons", the reverse of learnedFrom), partnerships with
    their partner roles, fundings and territory; resources it only points to stay references.
    """
    shape = copy.deepcopy(frame_document(kind))
    framed: dict[str, Any] = _run(pyld.frame, _from_rdf(statements), shape)
    return inline(framed)


def to_nquads(document: dict[str, Any] | list[Any]) -> str:
    """A JSON-LD document back to N-Quads, with the same no-fetch loader."""
    result = _run(pyld.to_rdf, document, options={"format": "application/n-quads"})
    return str(result)


def _from_rdf(statements: Iterable[Statement]) -> list[Any]:
    expanded: list[Any] = _run(pyld.from_rdf, _dataset(statements))
    return expanded


def _dataset(statements: Iterable[Statement]) -> dict[str, list[dict[str, Any]]]:
    """pyld's RDF dataset, as its N-Quads parser makes it (graph name -> triples, duplicates dropped),
    built in one pass: the parser's check for duplicates compares each triple with all the others."""
    quads = dict.fromkeys(s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in statements)
    dataset: dict[str, list[dict[str, Any]]] = {}
    for quad in quads:
        name = "@default" if isinstance(quad.graph_name, DefaultGraph) else _term(quad.graph_name)["value"]
        dataset.setdefault(name, []).append({"subject": _term(quad.subject),
                                             "predicate": {"type": "IRI", "value": quad.predicate.value},
                                             "object": _term(quad.object)})
    return dataset


def _term(term: Any) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    if isinstance(term, Literal):
        if term.language:
            return {"type": "literal", "datatype": RDF_LANGSTRING, "language": term.language, "value": term.value}
        return {"type": "literal", "datatype": term.datatype.value, "value": term.value}
    raise UsageError(f"JSON-LD cannot hold the quoted triple {term}",
                     fr=f"le JSON-LD ne peut pas porter le triplet cité {term}")


def _run(operation: Any, *args: Any, options: dict[str, Any] | None = None) -> Any:
    """Call one pyld operation with our loader, translating its errors into ours."""
    try:
        return operation(*args, {"documentLoader": document_loader, **(options or {})})
    except pyld.JsonLdError as exc:
        raise UsageError(f"JSON-LD processing failed: {_message(exc)}",
                         fr=f"le traitement JSON-LD a échoué (le lecteur dit, en anglais : {_message(exc)})") from None


def _message(exc: BaseException) -> str:
    """The outermost and innermost messages of pyld's chain of errors."""
    inner = exc
    while inner.__cause__ is not None:
        inner = inner.__cause__
    first, last = (str(e.args[0]) if e.args else type(e).__name__ for e in (exc, inner))
    return first if inner is exc else f"{first} {last}"
