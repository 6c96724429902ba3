"""The store: an embedded (pyoxigraph on disk) or a remote (SPARQL 1.1) backend behind one interface (base.Store)."""

from __future__ import annotations

from isic_graph.config import Settings
from isic_graph.errors import NotFound, StoreLocked
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import serving_engine
from isic_graph.store.remote import RemoteStore
from isic_graph.store.swap import holds_store


def open_store(settings: Settings, read_only: bool = False, create: bool = False) -> Store:
    """Open the store the settings name: remote when ISIC_STORE_URL is set, else embedded.

    read_only: the caller only reads, so an embedded store that a running engine holds (`isic-graph
    serve`) is read through that engine over HTTP, since pyoxigraph's read-only mode is undefined
    beside a writer. create: an embedded store that does not exist is created (`init`, a restoration); otherwise
    it is NotFound (a `load` into a mistyped ISIC_STORE made a new store holding that graph alone).
    """
    if settings.store_url:
        return RemoteStore(settings.store_url, settings.update_url or settings.store_url,
                           settings.store_gsp_url, timeout=settings.query_timeout, lock_path=settings.write_lock_path)
    path = settings.store_path
    if not create and path is not None and not holds_store(path):
        raise NotFound(f"there is no store at {path}: create it with `isic-graph init`",
                       f"il n'y a pas de magasin dans {path} : créez-le avec `isic-graph init`")
    try:
        return EmbeddedStore(path)
    except StoreLocked:
        url = serving_engine(path) if read_only and path is not None else None
        if url is None:
            raise
        return RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store", timeout=settings.query_timeout,
                           lock_path=settings.write_lock_path)


__all__ = ["open_store"]
