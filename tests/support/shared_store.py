"""A store shared by the cases of a module that only read it (refusals, which must leave it unchanged), on one
backend: made once per module as the `store` fixture makes one (the ontology and thesauri of `initialised`), with
what the module writes in it first, instead of once per case.

The remote one is a server of its own: the shared test server is emptied by the `store` fixture of the other
cases, which may run in between."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Iterator

from isic_graph.config import Settings
from isic_graph.store import open_store
from isic_graph.store.base import Store
from tests.support.oxigraph_server import OxigraphServer, load_dataset

BASE = "http://localhost:5000/"


def shared_store(backend: str, initialised: tuple[Path, bytes], folder: Path,
                 prepare: Callable[[Store], object] = lambda _: None) -> Iterator[Store]:
    """The store on `backend` ("embedded" or "remote"), in `folder` (a new one), prepared once; closed after."""
    initial_folder, nquads = initialised
    server = None
    if backend == "remote":
        server = OxigraphServer()  # in memory: the module's alone
        opened = open_store(Settings(store_path=None, store_url=server.query_url, store_update_url=server.update_url,
                                     store_gsp_url=server.store_url, base_iri=BASE,
                                     credentials_path=folder / "credentials.json"))
        load_dataset(server.store_url, nquads)
        opened.rebuild_default_graph()  # loaded by the engine's own graph store: outside SPARQL updates
    else:
        shutil.copytree(initial_folder, folder / "store")
        opened = open_store(Settings(store_path=folder / "store", base_iri=BASE), create=True)
    try:
        prepare(opened)
        yield opened
    finally:
        opened.close()
        if server is not None:
            server.stop()
