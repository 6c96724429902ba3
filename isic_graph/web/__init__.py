"""The web adapter: create_app builds the Flask application over the core."""

from __future__ import annotations

import secrets

from flask import Flask, Response

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from isic_graph.errors import ConfigError, StorageFull
from isic_graph.ingest.dry_run import DryRuns
from isic_graph.publish.search import SearchIndex
from isic_graph.query.budget import Concurrency, TimeBudget
from isic_graph.query.cache import ResultCache
from isic_graph.query.runner import QueryService
from isic_graph.query.scopes import LiveRefresh
from isic_graph.rdf.labels import choose, pick, switch
from isic_graph.rdf.namespaces import Graphs
from isic_graph.sparql.guard import Limits
from isic_graph.store.engine import Engine
from isic_graph.store.kept_reads import KeptReads
from isic_graph.store.remote import RemoteStore
from isic_graph.validation.validator import Validator
from isic_graph.web import (
    api,
    conditions,
    dumps,
    federation,
    graph_store,
    health,
    home,
    lifecycle,
    limits,
    linked_data,
    maps,
    metadata,
    negotiation,
    parameters,
    problems,
    retraction,
    search,
    sheet_upload,
    sheets,
    sparql,
    update,
    workbench,
)
from isic_graph.web.clients import ForwardedClients, TrustedProxies
from isic_graph.web.headers import SecurityHeaders
from isic_graph.web.services import Services

MAX_UPLOAD = 32 * 1024 * 1024


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """The application, over the engine process named by settings.store_url (or owned engine)."""
    settings = settings or Settings.from_env()
    if engine is not None and not settings.store_url:
        settings = settings.with_(store_url=f"{engine.url}/query", store_update_url=f"{engine.url}/update",
                                  store_gsp_url=f"{engine.url}/store")
    if not settings.store_url:
        raise ConfigError("the web server never runs a query engine itself: start it with `isic-graph serve`, "
                          "or set ISIC_STORE_URL to a SPARQL server")
    store = RemoteStore(settings.store_url, settings.update_url or settings.store_url, settings.store_gsp_url,
                        timeout=settings.query_timeout + 5, lock_path=settings.write_lock_path, engine=engine)
    app = Flask(__name__)
    # no redirect to a "corrected" path (`//id/x`, a missing slash): werkzeug would build it from the Host header
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    app.jinja_env.globals.update(choose=choose, pick=pick, switch=switch)  # the one language pick, for every template
    writes = lifecycle.Writes(engine.reopen_after_full if engine else lambda: None)
    app.extensions["isic"] = Services(settings, Graphs(settings.base_iri, settings.peers_path), store,
                                      QueryService(store, settings.query_timeout, settings.result_limit, engine),
                                      Validator.default(), CredentialStore(settings.credentials_path),
                                      Limits(max_depth=settings.query_max_depth),
                                      TimeBudget(settings.client_budget),
                                      writes, LiveRefresh(), SearchIndex(settings.search_index_path),
                                      ResultCache(int(settings.query_cache * 1024 * 1024))
                                      if settings.query_cache else None,
                                      secrets.token_hex(4),
                                      Concurrency(settings.client_concurrency, settings.costly_slots),
                                      ResultCache(int(settings.query_cache * 1024 * 1024))
                                      if settings.query_cache else None,
                                      DryRuns(), KeptReads() if settings.query_cache else None)
    app.extensions["isic_seal_key"] = sheet_upload.seal_key(settings.credentials_path.parent / "confirmation.key")
    lifecycle.register(app, writes)
    parameters.register(app)  # before the limits: a malformed request takes no costly slot
    conditions.register(app)
    limits.register(app)
    problems.register(app)
    negotiation.register(app)
    if engine is not None:
        @app.errorhandler(StorageFull)
        def storage_full(exc: StorageFull) -> Response:
            engine.storage_full = True
            return problems.from_error(exc)

    for module in (home, health, sparql, update, api, federation, search, workbench, sheets, maps, graph_store,
                   linked_data, dumps, metadata, retraction, sheet_upload):
        app.register_blueprint(module.blueprint)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
    proxies = TrustedProxies(settings.trusted_proxies)
    if proxies:  # outermost: everything within sees the forwarded client
        app.wsgi_app = ForwardedClients(app.wsgi_app, proxies)  # type: ignore[method-assign]
    return app
