"""The sample network's CSV sheet reads to the very graph it read to when columns were mapped by position."""

from __future__ import annotations

from rdflib import Graph

from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from tests.support import paths
from tests.support.isomorphism import isomorphic

ROOT = paths.ROOT
SAMPLE = ROOT / "samples" / "action-sociale-35"
# written by the positional reader; organisations' names since tagged French, as the Turtle samples write them
EXPECTED = ROOT / "tests" / "data" / "sheets" / "action-sociale-35.nt"
BASE = "http://localhost:5000/"


def graph_of(triples: object) -> Graph:
    graph = Graph()
    graph.parse(data="\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples),  # type: ignore[attr-defined]
                format="nt")
    return graph


def test_sample_sheet_reads_to_the_same_graph_as_before_reading_by_header() -> None:
    batch = read_batch([Document.from_path(p) for p in sorted(SAMPLE.glob("*.csv"))], BASE)
    expected = Graph().parse(EXPECTED, format="nt")
    assert len(expected) == 254
    assert isomorphic(graph_of(batch.triples), expected)
