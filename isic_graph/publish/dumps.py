"""The published dump files: their names, formats, versions (for the ETag) and streamed content."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from isic_graph import __version__
from isic_graph.errors import NotFound
from isic_graph.publish.export import export_stream
from isic_graph.rdf.formats import Format, format_named
from isic_graph.rdf.namespaces import DCTERMS, SLUG, Graphs
from isic_graph.sparql.terms import iri, literal
from isic_graph.store.base import Store

WHOLE_STORE = "isic-graph.nq.gz"
NETWORK_FORMATS = ("turtle", "jsonld")
NETWORK_NAME = re.compile(r"\Anetwork/(?P<slug>[^/]+)(?P<extension>\.[a-z]+)\Z")
GZIP = "application/gzip"


@dataclass(frozen=True)
class DumpFile:
    """One downloadable dump: the whole store (N-Quads, gzip) or one network's graph."""

    name: str  # its path under dumps/
    format: Format
    network: str | None = None
    compressed: bool = False

    @property
    def media_type(self) -> str:
        """The media type of the (uncompressed) content."""
        return self.format.media_type

    @property
    def content_type(self) -> str:
        """The media type of the file as served."""
        if self.compressed:
            return GZIP
        return self.format.content_type


@dataclass(frozen=True)
class NetworkGraph:
    """A network that has a graph in the store, and when ingestion last changed it."""

    slug: str
    graph: str
    modified: datetime.datetime | None


@dataclass(frozen=True)
class Version:
    """What identifies one state of a dump: an opaque tag (for ETag) and its modification time."""

    tag: str
    modified: datetime.datetime | None


@dataclass(frozen=True)
class Entry:
    """A dump file as listed: the file and its modification time (sizes are unknown: dumps are streamed)."""

    file: DumpFile
    modified: datetime.datetime | None


def whole_store() -> DumpFile:
    return DumpFile(WHOLE_STORE, format_named("nquads"), None, compressed=True)


def network_files(slug: str) -> list[DumpFile]:
    return [DumpFile(f"network/{slug}{format_named(name).extension}", format_named(name), slug)
            for name in NETWORK_FORMATS]


def dump_file(name: str) -> DumpFile:
    """The dump a name under dumps/ stands for (whether its network exists is not checked here)."""
    if name == WHOLE_STORE:
        return whole_store()
    match = NETWORK_NAME.fullmatch(name)
    if match and SLUG.fullmatch(match["slug"]):
        for file in network_files(match["slug"]):
            if file.name == name:
                return file
    raise NotFound(f"no dump named {name!r}: dumps are {WHOLE_STORE} and network/SLUG.ttl or .jsonld",
                   fr=f"aucun export nommé {name!r} : les exports sont {WHOLE_STORE} et network/RÉSEAU.ttl ou "
                      ".jsonld (la liste est en /dumps/)")


def networks(store: Store, graphs: Graphs) -> list[NetworkGraph]:
    """The networks with a graph in the store, by slug."""
    rows = store.select(
        f"SELECT ?g (MAX(?m) AS ?modified) WHERE {{ GRAPH ?g {{ }} "
        f"FILTER(STRSTARTS(STR(?g), {literal(graphs.network_prefix)})) "
        f"OPTIONAL {{ GRAPH {iri(graphs.metadata)} {{ ?g <{DCTERMS}modified> ?m }} }} }} GROUP BY ?g ORDER BY ?g").rows
    found = []
    for row in rows:
        slug = row["g"].value[len(graphs.network_prefix):]
        if SLUG.fullmatch(slug):
            found.append(NetworkGraph(slug, row["g"].value, _datetime(row["modified"].value)
                                      if "modified" in row else None))
    return found


def listing(store: Store, graphs: Graphs, written: datetime.datetime | None = None) -> list[Entry]:
    """Every dump file, the whole store's first: dated by its latest network's date, or by its last write when
    known and later (`written`: an administrator's write of reference data moves no network's date)."""
    nets = networks(store, graphs)
    latest = last_change(nets, written)
    entries = [Entry(whole_store(), latest)]
    for net in nets:
        entries += [Entry(file, net.modified) for file in network_files(net.slug)]
    return entries


def last_change(nets: Sequence[NetworkGraph], written: datetime.datetime | None) -> datetime.datetime | None:
    """When the whole store last changed, as far as is known: its latest network's date, or its last write's."""
    return max((d for d in (*(n.modified for n in nets), written) if d is not None), default=None)


def version(store: Store, graphs: Graphs, file: DumpFile) -> Version:
    """The current version of a dump: from its network graph's dcterms:modified, or for the whole store
    from the latest modification and the triple count. NotFound for a network without a graph."""
    modified_by = f"<{DCTERMS}modified>"
    if file.network is None:
        rows = store.select(f"SELECT (MAX(?m) AS ?latest) WHERE {{ GRAPH {iri(graphs.metadata)} "
                            f"{{ ?g {modified_by} ?m }} }}").rows
        modified = _datetime(rows[0]["latest"].value) if rows and "latest" in rows[0] else None
        return _version(file, modified, store.count())
    graph = graphs.network(file.network)
    rows = store.select(f"SELECT ?m WHERE {{ GRAPH {iri(graph)} {{ }} "
                        f"OPTIONAL {{ GRAPH {iri(graphs.metadata)} {{ {iri(graph)} {modified_by} ?m }} }} }}").rows
    if not rows:
        raise NotFound(f"no data for network {file.network!r}",
                       fr=f"aucune donnée pour le réseau {file.network!r} : aucun réseau de ce nom n'a de graphe "
                          "ici (la liste des exports est en /dumps/)")
    stamps = [stamp for row in rows if "m" in row and (stamp := _datetime(row["m"].value)) is not None]
    modified = max(stamps, default=None)
    return _version(file, modified, None if modified else store.count(graph))


def content(store: Store, graphs: Graphs, file: DumpFile) -> Iterator[bytes]:
    """The dump's bytes, streamed (see export.export_stream)."""
    return export_stream(store, graphs, file.format.name, file.network, file.compressed)


def _version(file: DumpFile, modified: datetime.datetime | None, count: int | None) -> Version:
    stamp = modified.isoformat() if modified else ""
    digest = hashlib.sha256(f"{__version__}\n{file.name}\n{stamp}\n{count}".encode("utf-8")).hexdigest()
    return Version(digest[:24], modified)


def _datetime(value: str) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
