"""Benchmark: the default graph kept as the set union of the named graphs, against the engine's union.

Run:  python bench/default_graph.py [--sizes 100k,1m] [--repeats 7]

For each size, synthetic ISIC data (bench/generate.py) is bulk-loaded into a new store beside the ontology and
thesauri, and its default graph worked out once (timed: what a store written by an earlier version costs at its
first start). A copy of the store without it is served with `--union-default-graph` (how queries were answered
before: a triple stated by n graphs matches n times); the store itself is served as isic-graph serves it. Every
analyst query and the two heavier ones of bench/run.py are sent to both engines in turn, a new text each run
(so nothing kept per text answers), and their medians compared; the answers' row counts are compared too (a
query whose count differs was inflated by the union). Both engines run on 127.0.0.1 and are stopped by PID;
every run is bounded in time. Writes bench/results/default_graph.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import SIZES, TIMEOUT, data_file, queries  # noqa: E402
from server_overhead import free_port  # noqa: E402
from servers import Server, cli  # noqa: E402

BUDGET = 60  # seconds of runs a query gets per engine, at most


def answer(endpoint: str, sparql: str) -> tuple[float, int]:
    """Milliseconds to the whole answer, and its number of rows."""
    data = urllib.parse.urlencode({"query": sparql}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        body = response.read()
    took = (time.perf_counter() - started) * 1000
    parsed = json.loads(body)
    return took, len(parsed["results"]["bindings"]) if "results" in parsed else 1


def compare(kept: str, union: str, sparql: str, repeats: int) -> dict[str, Any]:
    """Both engines in turn, a new text for each run; medians, and the row counts of each."""
    times: dict[str, list[float]] = {"kept": [], "union": []}
    rows: dict[str, int] = {}
    deadline = time.monotonic() + 2 * BUDGET
    for run in range(repeats + 1):  # the first round warms both up and is not counted
        for name, endpoint in (("kept", kept), ("union", union)) if run % 2 else (("union", union), ("kept", kept)):
            try:
                took, count = answer(endpoint, f"{sparql}\n# {name} run {run} {time.time_ns()}")
            except OSError as exc:  # a timeout is a result too: the query is not run again
                return {"error": f"{name}: {type(exc).__name__} after {TIMEOUT} s"}
            rows[name] = count
            if run:
                times[name].append(took)
        if time.monotonic() > deadline and run >= 2:
            break
    p50 = {name: statistics.median(values) for name, values in times.items()}
    return {"kept_p50_ms": round(p50["kept"], 2), "union_p50_ms": round(p50["union"], 2),
            "ratio": round(p50["kept"] / p50["union"], 3), "runs": len(times["kept"]),
            "kept_rows": rows["kept"], "union_rows": rows["union"]}


def one_size(size: str, folder: Path, repeats: int, start: str = "") -> dict[str, Any]:
    from isic_graph.sparql.default_graph import Written
    from isic_graph.store.embedded import EmbeddedStore
    from isic_graph.store.engine import oxigraph_command

    store, copy = folder / "store", folder / "union"
    cli({**os.environ, "ISIC_STORE": str(store), "ISIC_CREDENTIALS": str(folder / "credentials.json")}, "init")
    subprocess.run([oxigraph_command(), "load", "--location", str(store), "--file", str(data_file(size))],
                   check=True, capture_output=True, timeout=3600)
    with EmbeddedStore(store) as opened:
        started = time.perf_counter()
        opened.rebuild_default_graph()  # loaded outside SPARQL updates: worked out once
        derive_s = time.perf_counter() - started
        opened.optimize()  # both stores compacted, as the engine's own compaction leaves a store in use
        quads = opened.count()
        distinct = int(opened.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].value)
        opened.copy_to(copy).close()
    with EmbeddedStore(copy) as union_copy:
        union_copy.update("DROP DEFAULT", written=Written())  # as an earlier version's store: no default graph
        union_copy.optimize()
    result: dict[str, Any] = {"quads": quads, "distinct_triples": distinct, "derive_s": round(derive_s, 2),
                              "queries": {}}
    kept_port, union_port = free_port(), free_port()
    command = [oxigraph_command(), "serve", "--bind"]
    kept = Server([*command, f"127.0.0.1:{kept_port}", "--location", str(store)], {},
                  f"http://127.0.0.1:{kept_port}/query?query=ASK%7B%7D")
    try:
        union = Server([*command, f"127.0.0.1:{union_port}", "--location", str(copy), "--union-default-graph"], {},
                       f"http://127.0.0.1:{union_port}/query?query=ASK%7B%7D")
        try:
            for name, sparql in queries().items():
                if start and name < start:
                    continue
                result["queries"][name] = compare(f"http://127.0.0.1:{kept_port}/query",
                                                  f"http://127.0.0.1:{union_port}/query", sparql, repeats)
                print(size, name, result["queries"][name], flush=True)
        finally:
            union.stop()
    finally:
        kept.stop()
    return result


def markdown(report: dict[str, Any]) -> str:
    lines = []
    for size, result in report["sizes"].items():
        lines += [f"### {size}: {result['quads']:,} quads, {result['distinct_triples']:,} distinct triples "
                  f"(default graph worked out in {result['derive_s']} s)", "",
                  "| query | kept default graph p50 (ms) | engine's union p50 (ms) | ratio | rows kept / union |",
                  "|---|---:|---:|---:|---:|"]
        for name, q in result["queries"].items():
            if "error" in q:
                lines.append(f"| {name} | {q['error']} | | | |")
                continue
            lines.append(f"| {name} | {q['kept_p50_ms']} | {q['union_p50_ms']} | {q['ratio']}× | "
                         f"{q['kept_rows']} / {q['union_rows']} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--from", dest="start", default="", help="the first query (by name) to measure")
    args = parser.parse_args()
    if any(size not in SIZES for size in args.sizes.split(",")):
        raise SystemExit(f"sizes are among {', '.join(SIZES)}")
    report: dict[str, Any] = {"machine": platform.platform(), "date": time.strftime("%Y-%m-%d"), "sizes": {}}
    for size in args.sizes.split(","):
        folder = Path(tempfile.mkdtemp(prefix="isic-bench-default-"))
        try:
            report["sizes"][size] = one_size(size, folder, args.repeats, args.start)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "default_graph.json").write_text(json.dumps(report, indent=2), "utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
