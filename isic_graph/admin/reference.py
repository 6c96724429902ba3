"""Reference data the operator loads (`isic-graph load`): a file of any size streamed into its graph, all or nothing.

The file is read a block at a time and written a chunk of triples at a time, so memory does not grow with
its size (but for its blank nodes: their stable names hang on their whole description, see
documents.skolemise, so the triples holding one are kept until the end of the file). Each chunk is
checked for personal data, and for subjects a network or a peer owns (territories excepted: refuse_owned), as it
comes; the subjects it describes become the instance's (ownership.py).

All or nothing: on an embedded store on disk, the graph is written into a copy of the store beside it
(hard-linked, so quick), which then takes the store's place in one step (store/swap.py): a kill at any
moment leaves the store as it was or with the whole new graph. On any other store, the whole load is one
update, whose text is sent as it is written.
"""

from __future__ import annotations

import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence, cast

from pyoxigraph import BlankNode, NamedNode, Triple

from isic_graph.errors import DocumentTooLarge, NotOwner, UsageError, ValidationFailed
from isic_graph.ingest import ownercheck, ownership
from isic_graph.ingest.documents import OPERATOR, Document
from isic_graph.ingest.reading import BOM, _read, read_stream, skolemise
from isic_graph.progress import OnStep, ReadCounter, Step, ignore
from isic_graph.rdf.formats import DOCUMENTS, format_for_path
from isic_graph.rdf.namespaces import ISIC, PROV, RDF_TYPE, XSD, Graphs
from isic_graph.sparql.default_graph import Written, entering, leaving
from isic_graph.sparql.terms import iri, is_iri
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore, in_a_copy
from isic_graph.validation.validator import personal_data_report

CHUNK = 10_000  # triples checked and written at a time
FLUSH = 40_000  # triples written to a store copy between two flushes of its memtables (they grow otherwise)
MAX_TRIPLE_TERMS = 1_000  # `<<` open at once: pyoxigraph's recursion overflows the stack near 20,000
BLOCK = 1 << 20  # bytes read from the file at a time
READING = "reading"


def load_reference(store: Store, graphs: Graphs, path: Path, graph: str, on_step: OnStep = ignore,
                   now: datetime.datetime | None = None) -> int:
    """Replace a reference-data graph with a file's triples (no ISIC shapes apply, nor any count limit); returns
    the count of triples the graph then holds. Nothing changes when the file cannot be read whole or holds
    personal data."""
    if not graph.startswith(("http://", "https://", "urn:")) or not is_iri(graph):
        raise UsageError(f"--graph must be an absolute IRI, got {graph!r}",
                         f"--graph doit être une IRI absolue, pas {graph!r}")
    if graphs.is_managed(graph):  # in any spelling, as the Graph Store and /update refuse it
        raise UsageError(f"<{graph}> is managed by isic-graph (init or ingest); load reference data elsewhere",
                         f"<{graph}> est géré par isic-graph (init ou ingest) ; chargez les données de référence "
                         "dans un autre graphe")
    graph_files = [e for f in DOCUMENTS if f.rdf_format is not None and not f.dataset for e in f.extensions]
    if path.suffix.lower() not in graph_files:  # an unknown extension too: not a list with formats refused here
        raise UsageError(f"{path.name}: reference data is one graph of RDF; give Turtle, N-Triples or JSON-LD "
                         f"({', '.join(graph_files)})",
                         f"{path.name} : les données de référence sont un graphe RDF ; donnez du Turtle, du "
                         f"N-Triples ou du JSON-LD ({', '.join(graph_files)})")
    if not path.is_file():
        raise UsageError(f"no such file: {path}" if not path.exists() else f"{path} is not a file",
                         f"fichier introuvable : {path}" if not path.exists() else f"{path} n'est pas un fichier")
    activity, record = load_activity(graphs, now)
    pieces = _pieces(path, store, graphs, graph, activity, on_step)
    if isinstance(store, EmbeddedStore) and store.path is not None:
        return _into_copy(store, graph, graphs.ownership, pieces, record)
    store.update_operations(_operations(graph, pieces, record), written=Written(graphs=[graph, graphs.ownership]))
    return store.count(graph)


def load_activity(graphs: Graphs, now: datetime.datetime | None = None) -> tuple[str, str]:
    """A new load activity's IRI, and the update recording it in the ownership graph."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/load/{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    return activity, (f"INSERT DATA {{ GRAPH <{graphs.ownership}> {{ <{activity}> a <{PROV}Activity> ; "
                      f"<{PROV}endedAtTime> \"{now.isoformat()}\"^^<{XSD}dateTime> }} }}")


def refuse_personal_data(triples: Sequence[Triple]) -> None:
    """Reference data is not held to the shapes, but holds no personal data either: ValidationFailed if it does."""
    report = personal_data_report(triples)
    if not report.conforms:  # each piece where it is, the resource and its field, as a submission's report says
        found = {lang: "; ".join(v.describe(lang) for v in report.violations[:5])
                 + (f" (+{len(report.violations) - 5})" if len(report.violations) > 5 else "") for lang in ("en", "fr")}
        raise ValidationFailed(f"the data holds personal data: {found['en']}; nothing was stored", report,
                               fr=f"les données contiennent des données personnelles : {found['fr']} ; rien n'a été "
                                  "enregistré")


def claimed(triples: Iterable[Triple], graphs: Graphs) -> list[str]:
    """The subjects reference data describes (a skolemised blank node's is the IRI it hangs from), but for the
    networks' own IRIs (`{base}id/network/…`, in any spelling) and those under a registered peer's URI space:
    those stay their networks' and peers'."""
    return claimed_iris((t.subject.value for t in triples if isinstance(t.subject, NamedNode)), graphs)


def claimed_iris(subjects: Iterable[str], graphs: Graphs) -> list[str]:
    """claimed, of the subject IRIs alone."""
    return sorted({s.split("#genid-")[0] for s in set(subjects)  # each subject once, however many triples it has
                   if not ownership.names_a_network(graphs, s) and not ownership.in_a_peer_space(graphs, s)})


def described(triples: Iterable[Triple], graphs: Graphs) -> list[str]:
    """The subjects reference data describes that refuse_owned reads (a skolemised blank node's is the IRI it hangs
    from): a network's own IRI (`{base}id/network/…`) and its top-level blank nodes included, which it alone
    describes (claimed leaves them out of what becomes the instance's, not out of what is checked); an IRI under a
    registered peer's URI space left out, which reference data may mention and which stays the peer's."""
    return described_iris((t.subject.value for t in triples if isinstance(t.subject, NamedNode)), graphs)


def described_iris(subjects: Iterable[str], graphs: Graphs) -> list[str]:
    """described, of the subject IRIs alone."""
    return sorted({s.split("#genid-")[0] for s in set(subjects) if not ownership.in_a_peer_space(graphs, s)})


TERRITORY = ISIC + "Territory"


def owned_elsewhere(store: Store, graphs: Graphs, subjects: Sequence[str]) -> list[tuple[str, ownership.Owner]]:
    """The subjects (as claimed lists them) that a network or a peer owns, by record or by rule, with their owner:
    reference data may not describe them. Territories are the exception: reference data describes them (a
    neighbourhood a network described first becomes the instance's when reference data for it is loaded);
    a territory is an IRI under `{base}id/territory/`, or one a graph of the store types isic:Territory."""
    found = sorted((s, o) for s, o in ownership.owners(store, graphs, subjects).items() if o.kind != "instance")
    if not found:
        return []
    territories = ownership.id_key(graphs) + "territory/"
    found = [(s, o) for s, o in found if not ownership.key(graphs, s).startswith(territories)]
    typed: set[str] = set()
    for start in range(0, len(found), ownership.CHUNK):
        values = " ".join(iri(s) for s, _ in found[start:start + ownership.CHUNK])
        rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s {iri(RDF_TYPE)} "
                            f"{iri(TERRITORY)} }} }}").rows
        typed.update(row["s"].value for row in rows)
    return [(s, o) for s, o in found if s not in typed]


def refuse_owned(store: Store, graphs: Graphs, triples: Iterable[Triple]) -> None:
    """NotOwner, naming the first subject of the triples a network or a peer owns (owned_elsewhere, of every subject
    they describe: a network's own IRI `{base}id/network/…` and its blank nodes' too) and its owner, if there is one:
    reference data describes territories and the instance's own resources, never another's; and a UsageError for a
    subject under the base written otherwise than the instance's IRIs are (`https://` for an `http://` base: a
    look-alike of another's resource, or one the instance would own under two names)."""
    taken, misspelt = faults(store, graphs, described(triples, graphs))
    if taken:
        subject, owner = taken[0]
        more = f" (and {len(taken) - 1} other(s))" if len(taken) > 1 else ""
        plus = f" (et {len(taken) - 1} autre(s))" if len(taken) > 1 else ""
        raise NotOwner(f"<{subject}>{more} belongs to {owner.describe()}, which alone describes it; reference data "
                       "describes territories and this instance's own resources, not another's; nothing was stored",
                       subject, owner.agent,
                       fr=f"<{subject}>{plus} appartient {owner.describe('fr à')}, qui seul le décrit ; les données "
                          "de référence décrivent les territoires et les ressources de cette instance, pas celles "
                          "d'un autre ; rien n'a été enregistré")
    if misspelt:
        raise ownercheck.misspelt_refusal(graphs, misspelt[0])


def faults(store: Store, graphs: Graphs, subjects: Sequence[str]) -> tuple[list[tuple[str, ownership.Owner]],
                                                                            list[str]]:
    """What reference data may not describe among these subjects (as `described` lists them): those a network or a
    peer owns (owned_elsewhere), each with its owner, a look-alike in the other web scheme counted as the IRI it looks
    like; and the other look-alikes of the instance's IRIs (ownercheck.misspelt_as_ours), which the instance would
    own under a second name."""
    misspelt = [s for s in subjects if ownercheck.misspelt_as_ours(graphs, s)]
    like = {in_base_scheme(graphs, s): s for s in misspelt if in_base_scheme(graphs, s) not in subjects}
    found: dict[str, ownership.Owner] = {}  # a look-alike and the IRI it looks like: one resource, named once
    for s, owner in owned_elsewhere(store, graphs, sorted({*subjects, *like})):
        found.setdefault(like.get(s, s), owner)
    return list(found.items()), [s for s in misspelt if s not in found]


def in_base_scheme(graphs: Graphs, iri: str) -> str:
    """The IRI with the base's web scheme (`http://h/x` for `https://h/x` when the base is `http://…`)."""
    scheme, separator, rest = iri.partition("://")
    return graphs.base.partition("://")[0] + "://" + rest if separator and scheme.lower() in ("http", "https") else iri


def _pieces(path: Path, store: Store, graphs: Graphs, graph: str, activity: str,
            on_step: OnStep) -> Iterator[list[Triple] | str]:
    """What the load writes, in order: chunks of triples for the graph, and the updates claiming their subjects
    (each chunk checked first: no personal data, no subject a network or a peer owns, read in the store as it was
    before the load)."""
    held: list[Triple] = []  # the triples with a blank node, named once the whole file is read
    instance = ownership.instance(graphs)
    reading = _Reading(path, on_step)
    with reading:
        for chunk in _chunks(_triples(path, reading, graphs.base), CHUNK):
            refuse_personal_data(chunk)
            plain = [t for t in chunk if not _blank(t)]
            held += (t for t in chunk if _blank(t))
            refuse_owned(store, graphs, plain)
            subjects = claimed(plain, graphs)
            yield plain
            if subjects:
                yield ownership.claim_update(graphs, instance, subjects, activity, replace=True)
    for chunk in _chunks(iter(skolemise(held, graphs.base)), CHUNK):
        refuse_owned(store, graphs, chunk)
        subjects = claimed(chunk, graphs)
        yield chunk
        if subjects:
            yield ownership.claim_update(graphs, instance, subjects, activity, replace=True)


def _triples(path: Path, reading: _Reading, base: str) -> Iterator[Triple]:
    fmt = format_for_path(path)
    if fmt.name == "jsonld":  # its contexts are inlined (never fetched) in the whole tree: read whole
        yield from _read(Document.from_path(path), base, OPERATOR)
        reading.finish()
        return
    yield from read_stream(path.name, fmt, cast(IO[bytes], reading), base, OPERATOR)


def _into_copy(store: EmbeddedStore, graph: str, owners: str, pieces: Iterator[list[Triple] | str],
               record: str) -> int:
    """Write the graph into a copy of the store, then put the copy in the store's place. The two graphs it writes
    (the graph, and the owners' records) are written outside the keeping of the default graph, which is kept in
    step for them alone around the whole load (the rest of the store is not read again)."""
    kept = [graph, owners]  # as the update of another store keeps it (Written(graphs=…))
    with in_a_copy(store) as copy:
        copy.update(leaving(kept), written=Written())  # before: what only these graphs held leaves it
        copy.drop_in_steps(graph)
        copy.update(f"CREATE SILENT GRAPH {iri(graph)}", written=Written())
        written = 0
        for piece in pieces:
            if isinstance(piece, str):  # claims: four triples a subject, about as many as the chunk before
                copy.update(piece, written=Written())  # the default graph is kept in step at the end
                written += CHUNK
            else:
                copy.extend(graph, piece)
                written += len(piece)
            if written >= FLUSH:
                copy.flush()
                written = 0
        copy.update(record, written=Written())
        copy.update(entering(kept), written=Written())  # after: what they hold now enters it
        return copy.count(graph)


def _operations(graph: str, pieces: Iterator[list[Triple] | str], record: str) -> Iterator[str]:
    """The load as the operations of one update."""
    yield f"DROP SILENT GRAPH {iri(graph)}"
    yield f"CREATE SILENT GRAPH {iri(graph)}"
    for piece in pieces:
        if isinstance(piece, str):
            yield piece
        elif piece:
            yield insert_data(graph, piece)
    yield record


class _Reading(ReadCounter):
    """The file, read a block at a time for the parser, reporting the bytes read; triple terms nested deeper
    than pyoxigraph can hold are refused (it would overflow its stack, not fail)."""

    def __init__(self, path: Path, on_step: OnStep) -> None:
        self.path = path
        self.depth = 0
        self._last = b""
        handle = path.open("rb")
        if handle.read(len(BOM)) != BOM:  # a byte-order mark is no character of the file, as for a submission
            handle.seek(0)
        super().__init__(handle, on_step, READING, path.stat().st_size)
        self.done = handle.tell()  # the mark, when skipped, is read

    def __enter__(self) -> _Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, size: int = -1) -> bytes:
        block = super().read(BLOCK if size is None or size < 0 else min(size, BLOCK))
        seen = self._last + block
        self.depth += seen.count(b"<<") - seen.count(b">>")
        if self.depth > MAX_TRIPLE_TERMS:
            raise DocumentTooLarge(f"{self.path.name} nests RDF 1.2 triple terms (<< … >>) more than "
                                   f"{MAX_TRIPLE_TERMS} deep; nothing was stored",
                                   f"{self.path.name} imbrique des triplets RDF 1.2 (<< … >>) sur plus de "
                                   f"{MAX_TRIPLE_TERMS} niveaux ; rien n'a été enregistré")
        self._last = block[-1:] if block[-1:] in (b"<", b">") else b""
        return block

    def finish(self) -> None:
        """Report the whole file read (it was read whole at once)."""
        self.done = self.total or 0
        self.on_step(Step(READING, self.done, self.total, "bytes"))


def _chunks(triples: Iterator[Triple], size: int) -> Iterator[list[Triple]]:
    while chunk := list(islice(triples, size)):
        yield chunk


def _blank(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)
