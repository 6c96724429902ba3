"""A drawing is made once for what it shows: the same data under another version of the store (here, another
application of the process over the same store) is the same drawing, not drawn again; other data (a filter that
changes what the map shows), another language or another kind is drawn."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from isic_graph.query.cache import ResultCache
from isic_graph.store.engine import Engine
from isic_graph.web import create_app, maps
from isic_graph.web.services import services


def test_a_map_is_drawn_once_for_what_it_shows(app: Flask, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[str, str, str]] = []
    draw = maps._drawn

    def counted(name: str, kind: str, lang: str, found: Any) -> bytes:
        drawn.append((name, kind, lang))
        return draw(name, kind, lang, found)

    monkeypatch.setattr(maps, "_drawn", counted)
    monkeypatch.setattr(maps, "_DRAWN", ResultCache(maps._DRAWN.max_bytes))  # none kept yet
    client = app.test_client()
    first = client.get("/maps/partnerships.svg?lang=fr")
    other = create_app(services(app).settings, engine).test_client()  # the same store, another version's key
    again = other.get("/maps/partnerships.svg?lang=fr")
    assert drawn == [("partnerships", "svg", "fr")]
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert client.get("/maps/partnerships.svg?lang=en").status_code == 200
    assert client.get("/maps/partnerships.png?lang=fr").status_code == 200
    filtered = client.get("/maps/partnerships.svg?lang=fr&network=anas")
    assert filtered.status_code == 200 and filtered.data != first.data
    assert drawn == [("partnerships", "svg", "fr"), ("partnerships", "svg", "en"), ("partnerships", "png", "fr"),
                     ("partnerships", "svg", "fr")]
