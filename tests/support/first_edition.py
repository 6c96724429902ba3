"""The first edition of the model as a store (tests/data/first-edition/): its quads loaded into any store, and the
analysts' questions cq01–cq11 as they stood then, answered."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple, parse

from isic_graph.sparql.updates import insert_data
from isic_graph.store.base import Store
from isic_graph.store.results import SelectResult

from .paths import ROOT

FOLDER = ROOT / "tests" / "data" / "first-edition"
FIXTURE = FOLDER / "samples.nq"
QUERIES = sorted((FOLDER / "queries").glob("cq*.rq"))
NETWORKS = ("action-sociale-35", "anas", "fcsf")

Answers = dict[str, list[tuple[tuple[str, str], ...]]]


def graphs_of_fixture(path: Path = FIXTURE) -> dict[str, list[Triple]]:
    """The fixture's triples, graph by graph."""
    found: dict[str, list[Triple]] = defaultdict(list)
    for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, NamedNode)
        found[quad.graph_name.value].append(quad.triple)
    return dict(found)


def load_first_edition(store: Store) -> None:
    """Write the fixture's graphs into a store (of any backend), one update each."""
    for graph, triples in graphs_of_fixture().items():
        store.update(insert_data(graph, triples))


def answers(store: Store) -> Answers:
    """Each question's rows: every binding written in N-Triples, the rows sorted (ties may come in any order)."""
    found: Answers = {}
    for path in QUERIES:
        result = store.query(path.read_text(encoding="utf-8"))
        assert isinstance(result, SelectResult), path.name
        found[path.stem] = sorted(tuple(sorted((name, str(term)) for name, term in row.items()))
                                  for row in result.rows)
    return found


def quads(store: Store) -> set[tuple[str, str, str, str]]:
    """Every quad of every named graph, written in N-Triples."""
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.quads()}
