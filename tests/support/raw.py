"""A raw write into a graph only init and ingestion write (a network's, the owners' records), for tests that set one
up: /update refuses it (403), so it is sent to the application's store, followed by what /update does after a write."""

from __future__ import annotations

from flask import Flask

from isic_graph.ingest.ingestion import after_raw_update
from isic_graph.sparql.guard import check_update
from isic_graph.web.services import services


def raw_update(app: Flask, update: str) -> None:
    s = services(app)
    s.store.update(update)
    after_raw_update(s.store, s.graphs, check_update(update))
