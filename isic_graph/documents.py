"""Submitted documents to triples: parsing (never fetching anything), JSON-LD contexts, blank-node skolemisation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pyoxigraph import BlankNode, NamedNode, Triple, parse

from . import resources
from .errors import ParseError, UsageError
from .formats import Format, format_for_path
from .namespaces import CONTEXT_IRI
from .store.results import term_value
from .validation import Location


@dataclass(frozen=True)
class Document:
    """One submitted file: its name (no path), bytes and format."""

    name: str
    data: bytes
    format: Format

    @classmethod
    def from_path(cls, path: Path) -> Document:
        try:
            return cls(path.name, path.read_bytes(), format_for_path(path))
        except FileNotFoundError:
            raise UsageError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise UsageError(f"{path} is a folder; name the files to ingest") from None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Batch:
    """The triples of one submission, ready to validate; tabular batches know their rows and columns."""

    triples: tuple[Triple, ...]
    sources: tuple[Document, ...]
    locations: Mapping[str, Location] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for doc in sorted(self.sources, key=lambda d: d.name):
            digest.update(doc.sha256.encode())
        return digest.hexdigest() if len(self.sources) > 1 else self.sources[0].sha256

    @property
    def subjects(self) -> set[str]:
        return {term_value(t.subject) for t in self.triples}


def read_batch(documents: Sequence[Document], base_iri: str) -> Batch:
    """Parse every document of a submission into one skolemised batch of triples."""
    if not documents:
        raise UsageError("nothing to ingest: no file given")
    from .tabular import read_tables  # local: the tabular mapping is only needed for CSV

    triples: list[Triple] = []
    tabular = [d for d in documents if d.format.rdf_format is None]
    locations: Mapping[str, Location] = {}
    columns: Mapping[tuple[str, str], str] = {}
    if tabular:
        table_batch = read_tables(tabular, base_iri)
        triples.extend(table_batch.triples)
        locations, columns = table_batch.locations, table_batch.columns
    for doc in documents:
        if doc.format.rdf_format is not None:
            triples.extend(parse_document(doc, base_iri))
    return Batch(tuple(skolemise(triples, base_iri)), tuple(documents), locations, columns)


def parse_document(doc: Document, base_iri: str) -> list[Triple]:
    """Parse one RDF document into triples; datasets and remote JSON-LD contexts are refused."""
    if doc.format.dataset:
        raise UsageError(f"{doc.name}: {doc.format.name} holds named graphs; submit Turtle, N-Triples or JSON-LD "
                         "(the graph is chosen by the network)")
    data = _inline_contexts(doc) if doc.format.name == "jsonld" else doc.data
    try:
        quads = list(parse(data, format=doc.format.rdf_format, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(f"{doc.name} is not valid {doc.format.name}: {exc}") from None
    except ValueError as exc:
        raise ParseError(f"{doc.name} could not be read: {exc}") from None
    return [q.triple for q in quads]


@cache
def _context() -> Any:
    return json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]


def _inline_contexts(doc: Document) -> bytes:
    """Replace references to the project's context by its content; refuse any other remote context."""
    try:
        tree = json.loads(doc.data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"{doc.name} is not valid JSON: {exc}") from None

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            out[key] = _resolve_context(doc.name, value) if key == "@context" else walk(value)
        return out

    return json.dumps(walk(tree)).encode("utf-8")


def _resolve_context(name: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_resolve_context(name, v) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return _context()
        raise ParseError(f"{name}: remote JSON-LD context {value!r} is not fetched; use {CONTEXT_IRI} "
                         "or an inline context")
    if isinstance(value, dict) and "@import" in value:
        raise ParseError(f"{name}: JSON-LD @import of remote contexts is not supported; use an inline context")
    return value


def skolemise(triples: Iterable[Triple], base_iri: str) -> list[Triple]:
    """Replace blank nodes by stable IRIs `{owner}#genid-{hash}`, so that re-ingesting is idempotent.

    The owner is the IRI subject the blank node hangs from; the hash covers the node's content,
    so the same description always gets the same IRI. Cycles of blank nodes are refused.
    """
    triples = list(triples)
    by_subject: dict[BlankNode, list[Triple]] = {}
    owners: dict[BlankNode, list[Triple]] = {}
    for t in triples:
        if isinstance(t.subject, BlankNode):
            by_subject.setdefault(t.subject, []).append(t)
        if isinstance(t.object, BlankNode):
            owners.setdefault(t.object, []).append(t)
    if not by_subject and not owners:
        return triples
    digests: dict[BlankNode, str] = {}

    def digest(node: BlankNode, seen: frozenset[BlankNode]) -> str:
        if node in digests:
            return digests[node]
        if node in seen:
            raise UsageError("blank nodes that refer to each other in a cycle cannot be stored; give them IRIs")
        lines = sorted(f"{t.predicate} {_term_key(t.object, lambda b: digest(b, seen | {node}))}"
                       for t in by_subject.get(node, []))
        digests[node] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
        return digests[node]

    iris: dict[BlankNode, NamedNode] = {}

    def owner(node: BlankNode, seen: frozenset[BlankNode]) -> str:
        refs = owners.get(node, [])
        for t in refs:
            if isinstance(t.subject, NamedNode):
                return term_value(t.subject).split("#genid-")[0]
        for t in refs:
            if isinstance(t.subject, BlankNode) and t.subject not in seen:
                return owner(t.subject, seen | {node})
        return base_iri + ".well-known/genid"

    def iri(node: BlankNode) -> NamedNode:
        if node not in iris:
            iris[node] = NamedNode(f"{owner(node, frozenset())}#genid-{digest(node, frozenset())}")
        return iris[node]

    out = []
    for t in triples:
        s = iri(t.subject) if isinstance(t.subject, BlankNode) else t.subject
        o = iri(t.object) if isinstance(t.object, BlankNode) else t.object
        out.append(Triple(s, t.predicate, o))
    return list(dict.fromkeys(out))


def _term_key(term: Any, bnode_digest: Callable[[BlankNode], str]) -> str:
    if isinstance(term, BlankNode):
        return "_:" + bnode_digest(term)
    return str(term)
