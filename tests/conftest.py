"""Fixtures: settings, a store on each backend (embedded and a real Oxigraph server), the validator, the samples."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Generator, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from pyoxigraph import RdfFormat

from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings, tune_collector
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.validation.validator import Validator
from isic_graph.web import create_app
from tests.support import offline, processes, scratch
from tests.support.fuzz import choose_profile, leaves_out_live
from tests.support.live import LiveServer
from tests.support.oxigraph_server import OxigraphServer, Watched, engine_on_copy, load_dataset, loaded_engine
from tests.support.schedule import longest_first

BASE = "http://localhost:5000/"
LIVE_ADMIN = "live-admin-token"
ADMIN = "admin-token-for-tests"
# the remote backend's variants need an Oxigraph server, a server other than the engine: they are `live`
BACKENDS = ["embedded", pytest.param("remote", marks=pytest.mark.live)]
LIVE_FOLDER = Path(__file__).parent / "live"


@pytest.hookimpl(tryfirst=True)  # before pytest's own, which reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    """Property tests try fewer examples in the quick run (`-m "not live"`): see tests/support/fuzz.py. The tests run
    the tool with the collector set as its command line sets it (isic_graph/config.py). Temporary folders are in
    RAM when the machine has room there (tests/support/scratch.py). Names kept for examples resolve to nothing at
    once (tests/support/offline.py). The processes each test starts are noted (tests/support/processes.py)."""
    scratch.in_ram(config)
    processes.watch()
    offline.install()
    tune_collector()
    hypothesis_settings.load_profile(choose_profile(config.option.markexpr or "",
                                                    config.getoption("hypothesis_profile", None)))
    if hasattr(config.option, "loadscopereorder"):  # xdist hands modules out in the order they are collected in
        config.option.loadscopereorder = False


def _started_only_if_live(item: pytest.Item) -> Generator[None, object, object]:
    """A test that starts a process other than the engine (in its set-up, its call or its tear-down) fails unless
    it is marked live: the quick run starts none."""
    processes.STARTED.clear()
    outcome = yield
    if processes.STARTED and item.get_closest_marker("live") is None:
        started, processes.STARTED[:] = processes.STARTED[:], []
        pytest.fail(f"this test starts {'; '.join(dict.fromkeys(started))}: a process other than the engine, so it "
                    "is live (@pytest.mark.live)", pytrace=False)
    return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _started_only_if_live(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _started_only_if_live(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _started_only_if_live(item))


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch.done(config)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A run that leaves the live tests out does not import tests/live/, whose every test is live (about a second
    of each process's collection)."""
    if collection_path == LIVE_FOLDER and leaves_out_live(config.option.markexpr or ""):
        return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first (tests/support/schedule.py)."""
    longest_first(items)


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator.default()


@pytest.fixture(scope="session")
def graphs() -> Graphs:
    return Graphs(BASE)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer()
    yield server
    server.stop()


def backend_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if backend == "remote":
        server: OxigraphServer = request.getfixturevalue("oxigraph_server")
        return Settings(store_path=None, store_url=server.query_url, store_update_url=server.update_url,
                        store_gsp_url=server.store_url, base_iri=BASE, credentials_path=tmp_path / "credentials.json")
    return Settings(store_path=tmp_path / "store", base_iri=BASE)


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return backend_settings(request.param, request, tmp_path)


@pytest.fixture(scope="session")
def initialised(tmp_path_factory: pytest.TempPathFactory, graphs: Graphs) -> tuple[Path, bytes]:
    """A store as `init` leaves it (ontology and thesauri, no samples), made once: its folder, and its quads."""
    folder = tmp_path_factory.mktemp("initialised") / "store"
    made = EmbeddedStore(folder)
    try:
        init_store(made, graphs)
        nquads = made.dump(RdfFormat.N_QUADS)
    finally:
        made.close()
    return folder, nquads


@pytest.fixture
def store(settings: Settings, initialised: tuple[Path, bytes]) -> Iterator[Store]:
    """An initialised store (ontology and thesauri, no samples) on each backend, empty again afterwards: a copy
    of the one initialised once (its folder for the embedded backend, its quads for the remote one)."""
    folder, nquads = initialised
    if not settings.store_url and settings.store_path is not None:
        shutil.copytree(folder, settings.store_path)
    opened = open_store(settings)
    if settings.store_url:
        opened.update("DROP ALL")
        load_dataset(settings.store_gsp_url or "", nquads)
        opened.rebuild_default_graph()  # loaded by the engine's own graph store: outside SPARQL updates
    yield opened
    if settings.store_url:  # the server is shared: emptied for the next test (a folder of the test's own is not)
        opened.update("DROP ALL")
    opened.close()


@pytest.fixture(scope="session", params=BACKENDS)
def sample_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 validator: Validator, graphs: Graphs) -> Iterator[Store]:
    """A store with the ontology, thesauri and every sample network, on each backend (read-only use). The remote
    one is a server on a copy of the store the engine loaded once (loaded_store: `init` with the samples, through
    a server's SPARQL endpoints as here), not loaded a second time."""
    if request.param == "remote":
        folder = tmp_path_factory.mktemp("oxigraph-samples") / "store"
        shutil.copytree(request.getfixturevalue("loaded_store"), folder)
        server = OxigraphServer(folder)
        opened: Store = open_store(Settings(store_path=None, store_url=server.query_url,
                                            store_update_url=server.update_url, base_iri=BASE,
                                            credentials_path=tmp_path_factory.mktemp("instance") / "credentials.json"))
    else:
        server = None
        opened = open_store(Settings(store_path=None, base_iri=BASE))
        init_store(opened, graphs, validator, samples=True)
    yield opened
    opened.close()
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory, validator: Validator) -> Path:
    """A store folder with the ontology, thesauri and every sample network, loaded once by an engine, then
    compacted: the engine, stopped, leaves what it wrote in its write-ahead log, which every engine started on a
    copy would replay (about 200 ms of CPU, and as long a wait, for each module's engine)."""
    folder = tmp_path_factory.mktemp("loaded") / "store"
    loaded_engine(folder, validator).stop()
    compacted = EmbeddedStore(folder)
    try:
        compacted.flush()
        compacted.optimize()
    finally:
        compacted.close()
    return folder


class SharedEngine:
    """The engine the test modules of one process take turns on: a supervised engine on a copy of the loaded store,
    replaced by an engine on a fresh copy after a module that changed its data (or stopped or restarted it), so that
    no module sees another's writes and the modules that only read share one start."""

    def __init__(self, loaded: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.loaded = loaded
        self.tmp_path_factory = tmp_path_factory
        self.running = self._fresh()
        self.pristine = Watched(self.running)
        self.replaced = 0

    def _fresh(self) -> Engine:
        return engine_on_copy(self.loaded, self.tmp_path_factory.mktemp("engine") / "store")

    def _untouched(self) -> bool:
        running = self.running
        if running.pid is None or running.restarts or running.storage_full or running.killed or running.ends:
            return False
        try:
            return self.pristine.unchanged()
        except OSError:  # stopped, or killed
            return False

    def hand_back(self) -> None:
        """After a module: keep the engine if its data is still the loaded store's, else start one on a new copy."""
        if not self._untouched():
            self.running.stop()
            self.running = self._fresh()
            self.pristine = Watched(self.running, self.pristine.state)  # a copy of the same store
            self.replaced += 1

    def stop(self) -> None:
        self.running.stop()


@pytest.fixture(scope="session")
def shared_engine(tmp_path_factory: pytest.TempPathFactory, loaded_store: Path) -> Iterator[SharedEngine]:
    shared = SharedEngine(loaded_store, tmp_path_factory)
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def engine(shared_engine: SharedEngine) -> Iterator[Engine]:
    """A supervised engine process with the samples loaded, the module's own while it runs (modules may write): the
    samples are validated and ingested once per session, and a module gets the engine the one before it left only
    when that one's data is still exactly the loaded store's (see SharedEngine)."""
    yield shared_engine.running
    shared_engine.hand_back()


@pytest.fixture(scope="module")
def seen(engine: Engine) -> Watched:
    """One watch over the module's engine, brought up to the dataset as it is before each refusal (`Watched.now`:
    the dataset dumped again only when the engine's files changed, as after a sheet stored): every quad and the
    names of the graphs compared after it."""
    return Watched(engine)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`isic-graph serve` as an operator runs it, on the samples, on 127.0.0.1, with a 2 s query timeout."""
    live = LiveServer(tmp_path_factory.mktemp("serve"), {"ISIC_QUERY_TIMEOUT": "2", "ISIC_ADMIN_TOKEN": LIVE_ADMIN})
    live.init().start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> CredentialStore:
    """The networks' credentials of the module's application (empty: modules register what they need)."""
    return CredentialStore(tmp_path_factory.mktemp("credentials") / "credentials.json")


class CompiledTemplates(BytecodeCache):
    """The templates as Jinja compiles them, kept for every application of the process: each module's application
    would compile each template it renders again (about 15 ms each, 200 times a run); a template whose file changed
    is compiled again (Jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.kept.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


@pytest.fixture(scope="module")
def app(engine: Engine, credentials: CredentialStore) -> Iterator[Flask]:
    """The web application over the module's engine, with an administrator token and the credentials (and the
    templates the process compiled already)."""
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, credentials_path=credentials.path,
                        peers_path=credentials.path.with_name("peers.json"))
    application = create_app(settings, engine)
    application.jinja_env.bytecode_cache = COMPILED
    yield application


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def collector_at_every_step() -> Iterator[None]:
    """The collector run at nearly every allocation, with a callback in Python that goes a few dozen calls deep (as
    a finalizer removing a temporary folder does): a parser deep in the stack when it runs makes the callback fail,
    which pytest reports as an error of the test."""
    def deeper(levels: int) -> int:
        return levels if levels == 0 else deeper(levels - 1)

    runs = []

    def noted(phase: str, info: dict[str, int]) -> None:
        runs.append(deeper(40))

    threshold = gc.get_threshold()
    gc.callbacks.append(noted)
    gc.set_threshold(1)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(noted)
    assert runs
