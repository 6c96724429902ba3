"""A small change to a large network graph: the time to publish one changed label, against the graph's size.

Run:  python bench/small_change.py [--sizes 1000,5000,12000] [--repeats 5] [--budget 300]

For each size, a store is made in a folder of its own (the ontology and thesauri), served by a supervised engine
as `isic-graph serve` serves it, and written through the store's interface as the server writes (no HTTP server):
first a network's graph of `size` organisations (four triples each), then `--repeats` submissions of the same
sheet, each with one organisation's label changed to a text never sent before (a cold write), then as many
submissions changing every organisation's label (half the graph's triples). Timed: the whole ingestion (reading,
checks, change list, write) and the update requests alone. Each size stops after --budget seconds; every engine
started is stopped. Prints a Markdown table and writes bench/results/small_change.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from isic_graph.admin.bootstrap import init_store  # noqa: E402
from isic_graph.ingest.documents import Document  # noqa: E402
from isic_graph.ingest.ingestion import ingest  # noqa: E402
from isic_graph.rdf.formats import format_for_path  # noqa: E402
from isic_graph.rdf.namespaces import Graphs  # noqa: E402
from isic_graph.store.embedded import EmbeddedStore  # noqa: E402
from isic_graph.store.engine import Engine  # noqa: E402
from isic_graph.store.remote import RemoteStore  # noqa: E402
from isic_graph.validation.validator import Validator  # noqa: E402

BASE = "http://localhost:5000/"
ACTOR = "https://w3id.org/isic/thesaurus/actor-type/association"


def sheet(size: int, tag: str, renamed: int = -1, label: str = "") -> Document:
    """`size` organisations of network east, labelled by tag; the one numbered `renamed` labelled `label`."""
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix isic: <https://w3id.org/isic/ontology#> ."]
    lines += [f'<id/organisation/east-{i}> a isic:Organisation ; isic:actorType <{ACTOR}> ; '
              f'rdfs:label "{label if i == renamed else f"Structure {tag} {i}"}"@fr ; rdfs:comment "{i}"@fr .'
              for i in range(size)]
    return Document("east.ttl", "\n".join(lines).encode(), format_for_path("east.ttl"))


def measure(folder: Path, size: int, repeats: int, budget: float) -> dict[str, Any]:
    graphs, validator = Graphs(BASE), Validator.default()
    made = EmbeddedStore(folder / "store")
    init_store(made, graphs, validator)
    made.close()
    engine = Engine(folder / "store")
    engine.start()
    spent = [0.0]
    apply = RemoteStore._apply

    def timed(self: RemoteStore, *args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            apply(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    RemoteStore._apply = timed  # type: ignore[method-assign]
    try:
        store = RemoteStore(f"{engine.url}/query", f"{engine.url}/update", f"{engine.url}/store", timeout=120,
                            engine=engine)
        ingest(store, validator, graphs, [sheet(size, "first")], "east")
        deadline = time.monotonic() + budget
        found: dict[str, list[tuple[float, float]]] = {"one label": [], "every label": []}
        for kind in found:  # the labels changed one at a time first, then all of them at each run
            for run in range(repeats):
                if time.monotonic() > deadline:
                    break
                document = sheet(size, "first", run, f"Renommée {run} {time.time_ns()}") if kind == "one label" \
                    else sheet(size, f"again {run}")
                spent[0], started = 0.0, time.perf_counter()
                ingest(store, validator, graphs, [document], "east")
                found[kind].append((time.perf_counter() - started, spent[0]))
        return {"size": size, "triples": 4 * size, **{
            kind: {"runs": len(times), "ingest_p50_ms": round(statistics.median(t for t, _ in times) * 1000, 1),
                   "updates_p50_ms": round(statistics.median(u for _, u in times) * 1000, 1)}
            for kind, times in found.items() if times}}
    finally:
        RemoteStore._apply = apply  # type: ignore[method-assign]
        engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,12000",
                        help="organisations in the network's graph (a submission holds 50,000 triples at most)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for each size at most")
    args = parser.parse_args()
    results = []
    for size in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="isic-change-") as scratch:
            results.append(measure(Path(scratch), size, args.repeats, args.budget))
    print("| triples in the graph | change | runs | ingestion p50 | update requests p50 |\n|---|---|---|---|---|")
    for r in results:
        for kind in ("one label", "every label"):
            if kind in r:
                print(f"| {r['triples']:,} | {kind} | {r[kind]['runs']} | {r[kind]['ingest_p50_ms']} ms "
                      f"| {r[kind]['updates_p50_ms']} ms |")
    out = BENCH / "results" / "small_change.json"
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "runs": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
