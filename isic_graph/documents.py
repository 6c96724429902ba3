"""Submitted documents to triples: parsing (never fetching anything), JSON-LD contexts, blank-node skolemisation."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple, parse

from . import resources
from .errors import DocumentTooLarge, ParseError, UsageError
from .formats import Format, format_for_path
from .guard import deepest_nesting
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
    if len(triples) > LIMITS.max_triples:
        raise DocumentTooLarge(f"the submission holds more than {LIMITS.max_triples} triples; "
                               "split it into several submissions")
    return Batch(tuple(skolemise(triples, base_iri)), tuple(documents), locations, columns)


@dataclass(frozen=True)
class DocumentLimits:
    """What one submission may hold; beyond, it is refused before it can exhaust memory or stack."""

    max_depth: int = 32  # nesting of [ ( { in a document (blank nodes, lists, JSON)
    max_literal: int = 1024 * 1024  # characters of one literal
    max_triples: int = 200_000  # triples of one batch (the samples' largest file has a few hundred)


LIMITS = DocumentLimits()
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_document(doc: Document, base_iri: str, limits: DocumentLimits = LIMITS) -> list[Triple]:
    """Parse one RDF document into triples; datasets, remote JSON-LD contexts and oversized content are refused."""
    if doc.format.dataset:
        raise UsageError(f"{doc.name}: {doc.format.name} holds named graphs; submit Turtle, N-Triples or JSON-LD "
                         "(the graph is chosen by the network)")
    _check_text(doc, limits)
    data = _inline_contexts(doc) if doc.format.name == "jsonld" else doc.data
    triples: list[Triple] = []
    try:
        for quad in parse(data, format=doc.format.rdf_format, base_iri=base_iri):
            if len(triples) == limits.max_triples:
                raise DocumentTooLarge(f"{doc.name} holds more than {limits.max_triples} triples; "
                                       "split it into several submissions")
            if isinstance(quad.object, Literal) and len(quad.object.value) > limits.max_literal:
                raise DocumentTooLarge(f"{doc.name}: a literal of <{quad.subject}> <{quad.predicate}> is longer "
                                       f"than {limits.max_literal} characters")
            triples.append(quad.triple)
    except SyntaxError as exc:
        raise ParseError(f"{doc.name} is not valid {doc.format.name}: {exc}") from None
    except MemoryError:
        raise DocumentTooLarge(f"{doc.name} holds a token (a literal or an IRI) too large to read") from None
    except ValueError as exc:
        raise ParseError(f"{doc.name} could not be read: {exc}") from None
    return triples


def _check_text(doc: Document, limits: DocumentLimits) -> None:
    """Refuse control characters (NUL…) and nesting deeper than the limit, with their line and column."""
    text = doc.data.decode("utf-8", "replace")
    control = CONTROL.search(text)
    if control:
        line, column = _position(text, control.start())
        raise ParseError(f"{doc.name}: control character U+{ord(control.group()):04X} at line {line}, "
                         f"column {column}; text fields may not hold control characters")
    depth, where = deepest_nesting(text, limits.max_depth)
    if depth > limits.max_depth:
        line, column = _position(text, where)
        raise ParseError(f"{doc.name} nests more than {limits.max_depth} levels deep (line {line}, column {column})")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


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
    digests = _digests(by_subject, owners)
    orphan = base_iri + ".well-known/genid"
    owned = _owners(owners, orphan)
    iris: dict[BlankNode, NamedNode] = {}

    def iri(node: BlankNode) -> NamedNode:
        if node not in iris:
            iris[node] = NamedNode(f"{owned.get(node, orphan)}#genid-{digests[node]}")
        return iris[node]

    out = []
    for t in triples:
        s = iri(t.subject) if isinstance(t.subject, BlankNode) else t.subject
        o = iri(t.object) if isinstance(t.object, BlankNode) else t.object
        out.append(Triple(s, t.predicate, o))
    return list(dict.fromkeys(out))


def _digests(by_subject: Mapping[BlankNode, list[Triple]],
             owners: Mapping[BlankNode, list[Triple]]) -> dict[BlankNode, str]:
    """A content hash per blank node, children first, by an explicit depth-first walk (lists can be long)."""
    digests: dict[BlankNode, str] = {}
    on_path: set[BlankNode] = set()
    for root in [*by_subject, *owners]:
        stack: list[tuple[BlankNode, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                lines = sorted(f"{t.predicate} " + ("_:" + digests[t.object] if isinstance(t.object, BlankNode)
                                                    else str(t.object)) for t in by_subject.get(node, []))
                digests[node] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
                on_path.discard(node)
                continue
            if node in digests:
                continue
            if node in on_path:
                raise UsageError("blank nodes that refer to each other in a cycle cannot be stored; give them IRIs")
            on_path.add(node)
            stack.append((node, True))
            stack.extend((t.object, False) for t in by_subject.get(node, [])
                         if isinstance(t.object, BlankNode) and t.object not in digests)
    return digests


def _owners(owners: Mapping[BlankNode, list[Triple]], orphan: str) -> dict[BlankNode, str]:
    """The IRI each blank node hangs from: the first IRI subject up its chain of blank-node parents."""
    found: dict[BlankNode, str] = {}
    for start in owners:
        path: list[BlankNode] = []
        node: BlankNode | None = start
        result = orphan
        while node is not None and node not in found:
            path.append(node)
            refs = owners.get(node, [])
            named = next((t.subject for t in refs if isinstance(t.subject, NamedNode)), None)
            if named is not None:
                result = term_value(named).split("#genid-")[0]
                break
            node = next((t.subject for t in refs if isinstance(t.subject, BlankNode) and t.subject not in path),
                        None)
        else:
            if node is not None:
                result = found[node]
        for visited in path:
            found[visited] = result
    return found
