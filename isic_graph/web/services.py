"""What the request handlers use, built once per application by create_app (as flaskr's db.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from isic_graph.ingest.dry_run import DryRuns
from isic_graph.publish.search import SearchIndex
from isic_graph.query.budget import Concurrency, TimeBudget
from isic_graph.query.cache import ResultCache
from isic_graph.query.runner import QueryService
from isic_graph.query.scopes import LiveRefresh
from isic_graph.rdf.namespaces import Graphs
from isic_graph.sparql.guard import Limits
from isic_graph.store.kept_reads import KeptReads
from isic_graph.store.remote import RawResponse, RemoteStore
from isic_graph.validation.validator import Validator
from isic_graph.web.lifecycle import Writes


@dataclass(frozen=True)
class Page:
    """A rendered page as the result cache keeps it."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int = 200


@dataclass(frozen=True)
class Services:
    """What the request handlers use, built once per application."""

    settings: Settings
    graphs: Graphs
    store: RemoteStore
    queries: QueryService
    validator: Validator
    credentials: CredentialStore
    limits: Limits
    budget: TimeBudget
    writes: Writes
    refresh: LiveRefresh
    search: SearchIndex
    cache: ResultCache[RawResponse] | None
    boot: str  # names this start of the server: answers and ETags of an earlier run are never reused
    concurrency: Concurrency  # costly requests running, by client
    pages: ResultCache[Page] | None  # derived pages, kept until the next write
    dry_runs: DryRuns  # validations, each in a process of its own
    reads: KeptReads | None = None  # the pages' questions to the store, kept until the next write


def services(app: Flask | None = None) -> Services:
    """The services of an application, by default the one handling the current request."""
    return (app or current_app).extensions["isic"]  # type: ignore[no-any-return]
