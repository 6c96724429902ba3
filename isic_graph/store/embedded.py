"""The embedded backend: pyoxigraph, on disk or in memory."""

from __future__ import annotations

import gzip
import shutil
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence, cast

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple

from isic_graph.errors import StorageFull, StoreError, StoreLocked, UsageError
from isic_graph.progress import OnStep, ReadCounter, ignore
from isic_graph.store.base import FULL_FR, FULL_MESSAGE, NO_SPACE, Store, graph_state_refusal
from isic_graph.store.results import QueryResult, from_pyoxigraph
from isic_graph.store.swap import (
    check_replaceable,
    held,
    put_in_place,
    ready,
    recover,
    staging_folder,
    sweep,
)


class EmbeddedStore(Store):
    """An Oxigraph store opened in this process (None: in memory)."""

    def __init__(self, path: Path | None) -> None:
        # absolute (`ISIC_STORE=.` has no name to put a new folder beside), a link followed: a swap replaces the
        # folder the link names, and the link stays
        self.path = path if path is None else path.resolve() if path.is_symlink() else path.absolute()
        self._store = _opened(self.path)
        self._written = False  # by this handle: a close with nothing written has nothing to flush

    def query(self, sparql: str) -> QueryResult:
        try:
            return from_pyoxigraph(self._store.query(sparql))
        except SyntaxError as exc:
            raise UsageError(f"SPARQL syntax error: {exc}",
                             f"erreur de syntaxe SPARQL (les mots du moteur, en anglais) : {exc}") from None
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from None

    def _apply(self, sparql: str, using_graphs: Sequence[str] = (), using_named_graphs: Sequence[str] = ()) -> None:
        if using_graphs or using_named_graphs:  # pyoxigraph takes no protocol dataset for an update
            raise UsageError("using-graph-uri and using-named-graph-uri are taken by the server's /update; "
                             "write USING in the update itself",
                             fr="using-graph-uri et using-named-graph-uri sont reçus par /update du serveur ; écrivez "
                                "USING dans la mise à jour elle-même")
        self._written = True
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise UsageError(f"SPARQL update syntax error: {exc}",
                             f"erreur de syntaxe SPARQL dans la mise à jour (les mots du moteur, en anglais) : {exc}"
                             ) from None
        except OSError as exc:
            raise _write_error(exc) from None
        except RuntimeError as exc:  # an evaluation error: a graph that exists or not, for CREATE or DROP
            raise graph_state_refusal(str(exc)) or StoreError(f"update failed: {exc}") from None

    def graph_triples(self, graph: str) -> list[Triple]:
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, NamedNode(graph))]

    def default_triples(self) -> list[Triple]:
        """Every triple the default graph holds of its own (a backup made before it was derived may hold some)."""
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, DefaultGraph())]

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[Quad]:
        """The quads of the given named graphs (default: all of them), graph by graph, as the store gives them
        (streams and dumps read them: no copy of each quad)."""
        for name in self.graph_names() if graphs is None else graphs:
            yield from self._store.quads_for_pattern(None, None, None, NamedNode(name))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def graphs_among(self, names: Iterable[str]) -> set[str]:
        return set(names) & set(self.graph_names())

    def extend(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add triples to a graph in one transaction (for a store no one else sees: see load_reference)."""
        name = NamedNode(graph)
        self._written = True
        try:
            self._store.extend(Quad(t.subject, t.predicate, t.object, name) for t in triples)
        except OSError as exc:
            raise _write_error(exc) from None

    def drop_in_steps(self, graph: str, step: int = 10_000) -> None:
        """Empty a graph a few quads at a time, so that memory stays small whatever its size (not atomic)."""
        name = NamedNode(graph)
        self._written = True
        try:
            while quads := list(islice(self._store.quads_for_pattern(None, None, None, name), step)):
                for quad in quads:
                    self._store.remove(quad)
        except OSError as exc:
            raise _write_error(exc) from None

    def optimize(self) -> None:
        """Compact the store's files (reads are faster after a large write), for a store no other process has open."""
        try:
            self._store.optimize()
        except OSError as exc:
            raise _write_error(exc) from None

    def flush(self) -> None:
        """Write what is held in memory to the store's files (RocksDB's memtables)."""
        if self.path is not None:
            self._store.flush()

    def copy_to(self, target: Path) -> EmbeddedStore:
        """A copy of this on-disk store in the new folder target (its files hard-linked: quick), opened."""
        try:
            self._store.backup(str(target))
        except OSError as exc:
            raise _write_error(exc) from None
        return EmbeddedStore(target)

    def bulk_load(self, nquads_gz: Path, on_step: OnStep = ignore) -> None:
        """Load a gzipped N-Quads file with the engine's bulk loader (fast; not atomic: for a store no one else sees);
        the compressed bytes read so far are reported."""
        self._written = True
        try:
            with nquads_gz.open("rb") as raw, gzip.open(cast(IO[bytes], ReadCounter(
                    raw, on_step, "loading", nquads_gz.stat().st_size)), "rb") as handle:
                self._store.bulk_load(cast(IO[bytes], handle), RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, EOFError) as exc:
            raise StoreError(f"{nquads_gz} cannot be loaded: {exc}") from None
        except OSError as exc:
            if NO_SPACE in str(exc):
                raise StorageFull(f"the disk is full: {nquads_gz} cannot be loaded beside the store",
                                  fr=f"le disque est plein : {nquads_gz} ne peut pas être chargé à côté de la base"
                                  ) from None
            raise StoreError(f"{nquads_gz} cannot be loaded: {exc}") from None

    def take_place_of(self, other: EmbeddedStore) -> Path | None:
        """Put this on-disk store (complete) in the place of `other`, in one step that a kill leaves done or
        undone; `other` then holds this content. Return where the old content now lies, to be deleted.
        In memory (both stores), `other` takes this one's content in one step, and this one is released."""
        if self.path is None and other.path is None:
            other._store, other._written = self._store, True
            self.discard()
            return None
        assert self.path is not None and other.path is not None
        check_replaceable(other.path)
        self.close()
        done = ready(self.path)
        other.close()
        try:
            with held(other.path):  # from other's closing to the swap, as other's engine held it
                old = put_in_place(done, other.path)
        except StoreLocked:  # taken before the swap: the new folder is of no use
            shutil.rmtree(done, ignore_errors=True)
            raise
        other._store = _opened(other.path)
        other._written = False
        return old

    def close(self) -> None:
        """Flush the written data to the store's tables (when this handle wrote any), and release it.

        On a full disk the flush fails; what was written is kept all the same in the write-ahead log,
        which the next opening replays (the write that found the disk full has said so already).
        """
        if not hasattr(self, "_store"):
            return
        try:
            if self.path is not None and self._written:
                self._store.flush()
        except OSError as exc:
            if NO_SPACE not in str(exc):
                raise StoreError(f"cannot flush the store at {self.path}: {exc}") from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Release a store whose folder is deleted next: what it holds in memory is not written to its files first."""
        if hasattr(self, "_store"):
            del self._store


@contextmanager
def in_a_copy(store: EmbeddedStore) -> Iterator[EmbeddedStore]:
    """A copy of an on-disk store (beside it, hard-linked) to write into: when the block ends, the copy takes the
    store's place in one step (a kill leaves one or the other); when it raises, the store is left as it was."""
    assert store.path is not None
    check_replaceable(store.path)  # before any work: what it holds besides the store would be lost with it
    sweep(store.path)  # what earlier loads or restorations, killed, left beside it
    staging = staging_folder(store.path)
    copy = store.copy_to(staging)
    try:
        yield copy
        old = copy.take_place_of(store)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        copy.close()
        shutil.rmtree(staging, ignore_errors=True)


def _write_error(exc: OSError) -> StoreError:
    if NO_SPACE in str(exc):
        return StorageFull(FULL_MESSAGE, FULL_FR)
    return StoreError(f"update failed: {exc}")


def _opened(path: Path | None) -> pyoxigraph.Store:
    """The pyoxigraph store at path (None: in memory), its errors in our terms."""
    try:
        if path is None:
            return pyoxigraph.Store()
        recover(path)  # a swap cut short between its two renames is finished first
        path.mkdir(parents=True, exist_ok=True)
        return pyoxigraph.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreLocked(
                f"the store at {path} is in use by another process (a running `isic-graph serve`?): "
                "stop it, or send your request to the server instead",
                f"la base {path} est ouverte par un autre programme (un `isic-graph serve` en marche ?) : "
                "arrêtez-le, ou envoyez la demande au serveur (page de dépôt, API)") from None
        if NO_SPACE in str(exc):
            raise StorageFull(f"the disk of the store at {path} is full: opening the store needs free space "
                              "(as much as its write-ahead log, the numbered *.log files); nothing stored "
                              "is lost",
                              fr=f"le disque de la base {path} est plein : ouvrir la base demande de la place libre "
                                 "(autant que son journal d'écriture, les fichiers *.log numérotés) ; rien de ce qui "
                                 "est enregistré n'est perdu") from None
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
