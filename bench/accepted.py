"""Whether the generated data is accepted as its networks would submit it, at each size the bench offers.

Each network's graph is submitted whole, or, where it holds more triples than one submission may (50,000, at
the larger sizes), in parts of whole replicas (bench/generate.py writes each replica's part of a graph in one
run of lines), the first part replacing the graph and the next ones upserted; the networks in the order the
file first names them. They are ingested into a new store with every check a network's submission goes
through: the shapes, ownership (a network may repeat only the identity of what another network describes),
identifiers' check keys, unknown references, one spelling per identifier.

Every organisation's SIRET and RNA number is also checked over the whole file: a right key (SIRET) or form
(RNA), and held by that organisation alone (two replicas sharing a number would be one organisation).

At the largest sizes, `--ends N` submits only the first N and the last N replicas' parts of the graphs (the
networks' first replicas, which describe the networks and the territories, and the replicas numbered
highest), the numbers being checked over the whole file all the same.

Run:  python bench/accepted.py [--sizes 10k,100k,1m,10m] [--ends 32] [--ends-from 10m] [--seconds 3600]
Prints, for each size, the submissions ingested and refused (with the first refusals' reasons); exits 1 if
any was refused or a size did not finish in time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from generate import BASE, RNA, SIRET, data_file  # noqa: E402
from run import SIZES  # noqa: E402


@dataclass
class Outcome:
    """What became of a size's data: submissions ingested and refused, numbers found wrong, seconds taken."""

    submissions: int = 0  # made
    ingested: int = 0
    triples: int = 0  # of the submissions ingested
    refused: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # SIRET and RNA numbers wrong or shared
    finished: bool = True
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.finished and not self.refused and not self.numbers


def runs(path: Path) -> Iterator[tuple[str, list[str]]]:
    """The file's runs of lines of one graph, in order: the network's slug, and the run as N-Triples lines."""
    graph, lines = "", list[str]()
    with path.open(encoding="utf-8") as data:
        for line in data:
            triple, _, name = line.rstrip().removesuffix(" .").rpartition(" ")
            if name != graph and lines:
                yield graph.rsplit("/", 1)[1].removesuffix(">"), lines
                lines = []
            graph = name
            lines.append(triple + " .")
    if lines:
        yield graph.rsplit("/", 1)[1].removesuffix(">"), lines


def submissions(path: Path, ends: int | None = None) -> Iterator[tuple[str, list[str], bool]]:
    """The networks' submissions, in the order the file first names them: each network's runs (all, or the
    first and last `ends` of the file) joined into parts of at most a submission's triples; each with whether
    it is the network's first."""
    from isic_graph.ingest.documents import DocumentLimits

    limit = DocumentLimits().max_triples
    by_network: dict[str, list[list[str]]] = {}
    last: deque[tuple[str, list[str]]] = deque(maxlen=ends or 1)
    for count, (network, lines) in enumerate(runs(path)):
        if ends is None or count < ends:
            by_network.setdefault(network, []).append(lines)
        else:
            last.append((network, lines))
    for network, lines in last if ends is not None else ():
        by_network.setdefault(network, []).append(lines)
    for network, parts in by_network.items():
        batch: list[str] = []
        first = True
        for part in parts:
            if batch and len(batch) + len(part) > limit:
                yield network, batch, first
                batch, first = [], False
            batch += part
        yield network, batch, first


def wrong_numbers(path: Path) -> list[str]:
    """The SIRET numbers with a wrong key, the RNA numbers of a wrong form, and the numbers two organisations hold."""
    from isic_graph.validation.identifiers import valid

    holders: dict[str, str] = {}
    found = []
    suffixes = {f"<{SIRET}>": SIRET, f"<{RNA}>": RNA}
    with path.open(encoding="utf-8") as data:
        for line in data:
            subject, predicate, rest = line.split(" ", 2)
            if predicate not in suffixes:
                continue
            value = rest.split('"', 2)[1]
            if not valid(suffixes[predicate], value):
                found.append(f"{subject}: {value} is no valid {'SIRET' if predicate.endswith('siret>') else 'RNA'}")
            if holders.setdefault(value, subject) != subject:
                found.append(f"{value} is held by {holders[value]} and {subject}")
    return found


def accepted(path: Path, folder: Path, seconds: float, ends: int | None = None) -> Outcome:
    """Ingest the file's submissions (of all its replicas, or of the first and last `ends`) into a new store in
    `folder`, for at most `seconds` (then `finished` is False); the refusals' reasons."""
    from isic_graph.admin.bootstrap import init_store
    from isic_graph.errors import IsicError
    from isic_graph.ingest.documents import Document
    from isic_graph.ingest.ingestion import Mode, ingest
    from isic_graph.rdf.formats import format_named
    from isic_graph.rdf.namespaces import Graphs
    from isic_graph.store.embedded import EmbeddedStore
    from isic_graph.validation.validator import Validator

    started = time.monotonic()
    outcome = Outcome(numbers=wrong_numbers(path))
    graphs, validator = Graphs(BASE), Validator.default()
    store = EmbeddedStore(folder / "store")
    init_store(store, graphs, validator)

    def submit(network: str, lines: list[str], mode: Mode) -> bool:
        """Ingest one submission; False once the time is up."""
        if time.monotonic() - started > seconds:
            outcome.finished = False
            return False
        began = time.monotonic()
        try:
            ingest(store, validator, graphs, [Document("part.nt", "\n".join(lines).encode(), format_named("ntriples"))],
                   network, mode)
            outcome.ingested += 1
            outcome.triples += len(lines)
            verdict = "accepted"
        except IsicError as refusal:
            report = getattr(refusal, "report", None)
            outcome.refused.append(f"{network}, submission {outcome.submissions}: {refusal}"
                                   + (f"\n{report.describe('en')}" if report is not None else ""))
            verdict = "REFUSED"
        print(f"  submission {outcome.submissions} ({network}, {mode.value}, {len(lines):,} triples): {verdict} in "
              f"{time.monotonic() - began:.1f} s", file=sys.stderr)
        return True

    try:
        for network, lines, first in submissions(path, ends):
            outcome.submissions += 1
            if not submit(network, lines, Mode.REPLACE if first else Mode.UPSERT):
                break
    finally:
        store.close()
        outcome.seconds = round(time.monotonic() - started, 1)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--ends", type=int, default=32, help="submissions ingested at each end of the largest sizes")
    parser.add_argument("--ends-from", default="10m", help="the smallest size ingested at its ends only")
    parser.add_argument("--seconds", type=float, default=3600, help="the time each size may take")
    args = parser.parse_args()
    failed = False
    for size in args.sizes.split(","):
        data = data_file(size, SIZES[size])
        ends = args.ends if SIZES[size] >= SIZES[args.ends_from] else None
        with tempfile.TemporaryDirectory(prefix=f"isic-accepted-{size}-") as folder:
            outcome = accepted(data, Path(folder), args.seconds, ends)
        failed |= not outcome.accepted
        part = f", the first and last {ends} runs of a graph" if ends else ""
        print(f"{size}: {outcome.ingested} of {outcome.submissions} submissions ingested "
              f"({outcome.triples:,} triples{part}), "
              f"{len(outcome.refused)} refused, {len(outcome.numbers)} wrong or shared numbers, {outcome.seconds} s"
              f"{'' if outcome.finished else ', not finished in time'}")
        for problem in (outcome.refused + outcome.numbers)[:5]:
            print(f"  {problem[:2000]}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
