"""Skolemising long blank-node chains: the time to read a chain listed from its far end, at growing lengths.

Run:  python bench/skolemise.py [--lengths 6000,12000,24000,49000]

A chain listed from its far end once took quadratic time to find each node's owner; read in linear time,
doubling the length about doubles the time. Prints one line per length: triples, seconds, and the ratio
to the previous length's time.
"""

from __future__ import annotations

import argparse
import time

from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from isic_graph.rdf.formats import format_for_path

BASE = "http://localhost:5000/"


def chain(count: int) -> bytes:
    lines = [f"_:b{i} <http://e/p> _:b{i + 1} ." for i in range(count - 1, 0, -1)]
    lines.append("<http://e/s> <http://e/p> _:b1 .")
    return "\n".join(lines).encode()


def seconds_to_read(count: int) -> float:
    document = Document("chain.nt", chain(count), format_for_path("chain.nt"))
    started = time.perf_counter()
    batch = read_batch([document], BASE)
    spent = time.perf_counter() - started
    assert len(batch.triples) == count
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="6000,12000,24000,49000")
    lengths = [int(n) for n in parser.parse_args().lengths.split(",")]
    previous = None
    for count in lengths:
        spent = seconds_to_read(count)
        ratio = f"{spent / previous:.2f}x" if previous else "-"
        print(f"{count:>7} triples  {spent:6.2f} s  {ratio}")
        previous = spent


if __name__ == "__main__":
    main()
