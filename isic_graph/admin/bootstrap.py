"""Setting up an instance: the shared vocabulary graphs, reference data, the samples, and statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from pyoxigraph import Triple

from isic_graph.admin.reference import claimed, load_activity
from isic_graph.errors import UsageError
from isic_graph.ingest import editions, ownership, settling
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import IngestResult, Mode, ingest
from isic_graph.ingest.reading import parse_document
from isic_graph.rdf import resources
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import DCTERMS, ISIC, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri, literal
from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator

Progress = Callable[[str], None]


@dataclass(frozen=True)
class GraphStats:
    graph: str
    triples: int


@dataclass(frozen=True)
class Stats:
    """Triples per graph and instances per class."""

    graphs: tuple[GraphStats, ...]
    classes: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(g.triples for g in self.graphs)


def init_store(store: Store, graphs: Graphs, validator: Validator | None = None, samples: bool = False,
               progress: Progress = lambda _: None) -> list[IngestResult]:
    """Load (again) the ontology and thesauri; with samples, ingest every sample network this store does not hold
    yet: a network's graph already here is left as it is, said, never replaced by its sample (what the network
    published since would be lost)."""
    refuse_other_base(store, graphs)
    refuse_other_edition(store, graphs)
    derive_default_graph(store, graphs)
    settling.migrate(store, graphs)  # owners for a store written before they were recorded
    ontology, thesauri = vocabulary_triples(graphs)
    replace_graph(store, graphs.ontology, ontology)
    progress(f"ontology loaded into <{graphs.ontology}>")
    replace_graph(store, graphs.thesauri, thesauri)
    progress(f"{len(resources.thesaurus_files())} thesauri loaded into <{graphs.thesauri}>")
    results = []
    if samples:
        validator = validator or Validator.default()
        for folder in sample_networks():
            if store.query(f"ASK {{ GRAPH {iri(graphs.network(folder.name))} {{ ?s ?p ?o }} }}") is True:
                progress(f"sample network {folder.name}: its graph is here already, left as it is")
                continue
            files = sorted(p for p in folder.iterdir() if p.suffix in (".ttl", ".jsonld", ".nt", ".csv"))
            result = ingest(store, validator, graphs, [Document.from_path(p) for p in files], folder.name,
                            Mode.REPLACE)
            progress(f"sample network {folder.name}: {result.triples} triples from {len(files)} file(s)")
            results.append(result)
    return results


def vocabulary_triples(graphs: Graphs) -> tuple[list[Triple], list[Triple]]:
    """The shipped ontology's triples, and the thesauri's."""
    return (_read(resources.ontology_file(), graphs.base),
            [t for path in resources.thesaurus_files() for t in _read(path, graphs.base)])


def refuse_other_base(store: Store, graphs: Graphs) -> None:
    """A store initialised under another base IRI is refused (UsageError): its vocabulary, metadata and networks
    are under that base, and this instance's would be loaded beside them, its pages answering 404 for all it holds."""
    suffix = graphs.ontology[len(graphs.base):]  # `graph/ontology`
    others = sorted(name[:-len(suffix)] for name in store.graph_names()
                    if name.endswith("/" + suffix) and name != graphs.ontology)
    if others:
        raise UsageError(f"the store was initialised with the base IRI {others[0]}, not this instance's "
                         f"({graphs.base}): set ISIC_BASE_IRI={others[0]} to serve it, or give another ISIC_STORE; "
                         "nothing was changed",
                         fr=f"la base a été créée avec l'IRI de base {others[0]}, pas celle de cette instance "
                            f"({graphs.base}) : réglez ISIC_BASE_IRI={others[0]} pour la servir, ou donnez un autre "
                            "ISIC_STORE ; rien n'a été modifié")


def refuse_other_edition(store: Store, graphs: Graphs) -> None:
    """Loading this edition's vocabulary over data of an older one would leave the data behind (that store is
    migrated instead: `isic-graph migrate`, migration.py), and over a newer one would take it back: UsageError."""
    found = editions.stated_edition(store, graphs)
    if found is None:  # a new store, or data loaded before any vocabulary: this edition's is loaded
        return
    current = editions.software_edition()
    if found < current:
        raise UsageError(f"the store holds edition {found} of the model; this software writes edition {current}: "
                         "run `isic-graph migrate` to bring it there (nothing was changed)",
                         fr=f"le magasin contient l'édition {found} du modèle ; ce logiciel écrit l'édition "
                            f"{current} : lancez `isic-graph migrate` pour l'y amener (rien n'a été modifié)")
    if found > current:
        raise newer_edition(found, current)


def newer_edition(found: int, current: int) -> UsageError:
    """The refusal of a store of an edition newer than this software's."""
    return UsageError(f"the store holds edition {found} of the model, newer than this software's ({current}): "
                      "install the isic-graph that wrote it; nothing was changed",
                      fr=f"le magasin contient l'édition {found} du modèle, plus récente que celle de ce logiciel "
                         f"({current}) : installez l'isic-graph qui l'a écrit ; rien n'a été modifié")


def sample_networks() -> list[Path]:
    """The sample networks, in the order they must be loaded (a network may cite the ones before it)."""
    folders = [p for p in resources.samples_dir().iterdir() if p.is_dir()]
    order_file = resources.samples_dir() / "ORDER"
    if order_file.is_file():
        order = order_file.read_text().split()
        folders.sort(key=lambda p: order.index(p.name) if p.name in order else len(order))
    else:
        folders.sort()
    return folders


def claim_reference(store: Store, graphs: Graphs, triples: Sequence[Triple],
                    now: datetime.datetime | None = None) -> None:
    """Reference data makes the instance the owner of the subjects it describes (a neighbourhood a
    network described first becomes the instance's when reference data for it is loaded), but for the
    networks' own IRIs (`{base}id/network/…`, in any spelling): those stay their networks'. The data was checked
    before (reference.refuse_owned): it describes no other resource a network or a peer owns."""
    subjects = claimed(triples, graphs)
    if not subjects:
        return
    activity, record = load_activity(graphs, now)
    store.update(f"{record} ;\n" + ownership.claim_update(graphs, ownership.instance(graphs), subjects, activity,
                                                          replace=True),
                 written=Written(subjects=[activity, *ownership.claim_records(graphs, subjects)]))


DERIVED = "the default graph: the set union of the named graphs"


def derive_default_graph(store: Store, graphs: Graphs) -> bool:
    """Once per store: make its default graph the set union of its named graphs (sparql/default_graph.py), for a
    store written when queries read the engine's union instead; the triples its default graph held of its own
    move to the named graph kept for them (Graphs.default_own). Whether it was done now."""
    marker = f"{iri(graphs.default_own)} <{DCTERMS}type> {literal(DERIVED)}"
    if store.query(f"ASK {{ GRAPH {iri(graphs.metadata)} {{ {marker} }} }}") is True:
        return False
    store.update(f"INSERT {{ GRAPH {iri(graphs.default_own)} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o "
                 f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }} ;\n"
                 f"INSERT DATA {{ GRAPH {iri(graphs.metadata)} {{ {marker} }} }}")  # and the whole rebuild after
    return True


def replace_graph(store: Store, graph: str, triples: list[Triple]) -> None:
    store.update(f"DROP SILENT GRAPH {iri(graph)} ;\n" + insert_data(graph, triples), written=Written(graphs=[graph]))


def stats(store: Store) -> Stats:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows
    classes = store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c "
        f"FILTER(STRSTARTS(STR(?c), '{ISIC}')) }} GROUP BY ?c ORDER BY ?c").rows
    return Stats(tuple(GraphStats(r["g"].value, int(r["n"].value)) for r in rows),
                 tuple((r["c"].value, int(r["n"].value)) for r in classes))


def _read(path: Path, base: str) -> list[Triple]:
    return parse_document(Document(path.name, path.read_bytes(), format_for_path(path)), base)
