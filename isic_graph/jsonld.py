"""JSON-LD for integrators: compaction with the published context and frames, never fetching anything."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any, Iterable, Union

from pyld import jsonld as pyld
from pyoxigraph import Quad, RdfFormat, Triple, serialize

from . import resources
from .errors import NotFound, UsageError
from .namespaces import CONTEXT_IRI

KINDS = ("project", "lesson", "organisation", "network")
Statement = Union[Triple, Quad]


@cache
def context_document() -> dict[str, Any]:
    """The published context document (`ontology/context.jsonld`), read once."""
    document: dict[str, Any] = json.loads(resources.context_file().read_text(encoding="utf-8"))
    return document


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the project's context and refuses every other URL."""
    if url == CONTEXT_IRI:
        return {"contextUrl": None, "documentUrl": url, "document": context_document(),
                "contentType": "application/ld+json"}
    raise pyld.JsonLdError(f"remote JSON-LD documents are never fetched: {url}", "jsonld.LoadDocumentError",
                           {"url": url}, code="loading remote context failed")


def compact(statements: Iterable[Statement]) -> dict[str, Any]:
    """Triples or quads as JSON-LD compacted with the published context (referenced by its IRI).

    Keys are the context's short terms ("id", "type", "title"…), literals keep their datatypes
    through the context's coercions, lang-tagged texts become language maps, and named graphs
    stay as "@graph" entries with their "id".
    """
    compacted: dict[str, Any] = _run(pyld.compact, _from_rdf(statements), CONTEXT_IRI)
    return compacted


@cache
def frame_document(kind: str) -> dict[str, Any]:
    """The frame of one main class, from `ontology/frames/{kind}.jsonld`."""
    if kind not in KINDS:
        raise NotFound(f"no JSON-LD frame for {kind!r}; frames exist for {', '.join(KINDS)}")
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
    return framed


def to_nquads(document: dict[str, Any] | list[Any]) -> str:
    """A JSON-LD document back to N-Quads, with the same no-fetch loader."""
    result = _run(pyld.to_rdf, document, options={"format": "application/n-quads"})
    return str(result)


def _from_rdf(statements: Iterable[Statement]) -> list[Any]:
    items = [s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in statements]
    data = serialize(items, format=RdfFormat.N_QUADS) or b""
    expanded: list[Any] = _run(pyld.from_rdf, data.decode("utf-8"), options={"format": "application/n-quads"})
    return expanded


def _run(operation: Any, *args: Any, options: dict[str, Any] | None = None) -> Any:
    """Call one pyld operation with our loader, translating its errors into ours."""
    try:
        return operation(*args, {"documentLoader": document_loader, **(options or {})})
    except pyld.JsonLdError as exc:
        raise UsageError(f"JSON-LD processing failed: {_message(exc)}") from None


def _message(exc: BaseException) -> str:
    """The outermost and innermost messages of pyld's chain of errors."""
    inner = exc
    while inner.__cause__ is not None:
        inner = inner.__cause__
    first, last = (str(e.args[0]) if e.args else type(e).__name__ for e in (exc, inner))
    return first if inner is exc else f"{first} {last}"
