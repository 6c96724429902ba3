"""The sample network's CSV sheet reads to the very graph it read to when columns were mapped by position."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "action-sociale-35"
EXPECTED = ROOT / "tests" / "data" / "sheets" / "action-sociale-35.nt"  # written by the positional reader
BASE = "http://localhost:5000/"


def graph_of(triples: object) -> Graph:
    graph = Graph()
    graph.parse(data="\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples),  # type: ignore[attr-defined]
                format="nt")
    return graph


def test_sample_sheet_reads_to_the_same_graph_as_before_reading_by_header() -> None:
    batch = read_batch([Document.from_path(p) for p in sorted(SAMPLE.glob("*.csv"))], BASE)
    expected = Graph().parse(EXPECTED, format="nt")
    assert len(expected) == 175
    assert isomorphic(graph_of(batch.triples), expected)
