"""Dumps of the store: N-Quads, TriG, Turtle and N-Triples through Oxigraph; JSON-LD compacted with the project's context."""

from __future__ import annotations

import json

from pyoxigraph import RdfFormat

from . import resources
from .errors import NotFound
from .formats import format_named
from .ingest import check_slug
from .namespaces import PREFIXES, Graphs
from .store import Store

EXPORT_FORMATS = ("nquads", "trig", "turtle", "ntriples", "jsonld")


def export(store: Store, graphs: Graphs, format_name: str = "nquads", network: str | None = None) -> bytes:
    """The whole store, or one network's graph, in the given format."""
    fmt = format_named(format_name)
    selected: list[str] | None = None
    if network is not None:
        graph = graphs.network(check_slug(network))
        if graph not in store.graph_names():
            raise NotFound(f"no data for network {network!r}")
        selected = [graph]
    if fmt.name == "jsonld":
        return _jsonld(store, selected)
    assert fmt.rdf_format is not None
    if fmt.rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG):
        from pyoxigraph import serialize

        quads = list(store.quads(selected))
        items = quads if fmt.rdf_format.supports_datasets else [q.triple for q in quads]
        return serialize(items, format=fmt.rdf_format, prefixes=PREFIXES) or b""
    return store.dump(fmt.rdf_format, selected)


def _jsonld(store: Store, selected: list[str] | None) -> bytes:
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(data=store.dump(RdfFormat.N_QUADS, selected), format="nquads")
    context = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    return dataset.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")
