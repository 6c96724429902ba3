"""The benchmark suite: our layers side by side with the engine underneath and the Python peer.

Run:  python bench/run.py [--sizes 10k,100k,1m] [--repeats 5]
      (needs `wrk`, from Debian's packages, and `rdflib-endpoint[cli]` from PyPI, for the peer)

For each size, synthetic ISIC data (bench/generate.py, valid against the shapes) is bulk-loaded into a
new store beside the ontology and thesauri, then, on 127.0.0.1:
- read path: every analyst query of queries/ and two heavier ones, at concurrency 1, through our
  /sparql with the cache off (cold), through our /sparql repeated with the cache on (warm), straight
  to the engine (`oxigraph serve` on the same store), and to rdflib-endpoint on the same data
  (up to --rdflib-max triples; stopped at its first timeout, as it goes on computing the query it
  abandoned); medians and p95 of --repeats runs; then throughput of a cheap query
  at concurrency 8 with wrk (a second process), ours against the engine;
- export path (bench/export_path.py): `oxigraph dump` of the store against our dumps (the whole store
  as N-Quads gzip, each network as Turtle and as JSON-LD) and `isic-graph export`: triples per second
  and peak resident memory of the dumping processes (our server and its engine, for our dumps);
- federation (bench/federation.py), for sizes up to FEDERATION_MAX triples: an instance harvesting a
  peer holding the data: a first harvest, one with nothing changed, one after a network changed;
- write path: validated ingestion of batches of about 1k, 10k and 100k triples (as the API does it)
  against raw loads of the same triples (the engine's bulk loader, and its atomic write), in triples
  per second.
Every server started is stopped by PID; every load is bounded in time. Writes bench/results/run.json
and bench/results/run.md (the table docs/performance.md shows); a run of some sections only (--only) writes
run-SECTIONS.json and run-SECTIONS.md instead. bench/results/latency.png plots every size of every
result file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from export_path import export_path  # noqa: E402
from federation import federation  # noqa: E402
from generate import data_file as generated  # noqa: E402
from server_overhead import free_port, wrk  # noqa: E402
from servers import Server, bulk_load, cli  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
SECTIONS = ("read", "export", "federation", "write")
FEDERATION_MAX = 100_000  # the largest size federated (a first harvest validates every triple)
HEAVY = {
    "heavy-lessons-by-network-theme": """PREFIX isic: <https://w3id.org/isic/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?network ?theme (COUNT(DISTINCT ?lesson) AS ?lessons) WHERE {
  ?lesson isic:learnedFrom ?project . ?project isic:theme ?theme .
  ?sheet isic:describes ?project ; prov:wasAttributedTo ?network .
} GROUP BY ?network ?theme ORDER BY DESC(?lessons)""",
    "heavy-partners-per-project": """PREFIX isic: <https://w3id.org/isic/ontology#>
SELECT ?project (COUNT(DISTINCT ?org) AS ?partners) WHERE {
  ?project isic:partnership/isic:partner/isic:agent ?org .
} GROUP BY ?project ORDER BY DESC(?partners) LIMIT 100""",
}
CHEAP = "ASK { ?s a <https://w3id.org/isic/ontology#Lesson> }"
TIMEOUT = 120  # seconds a query may take (--query-timeout)
QUERY_BUDGET = 90  # seconds of repeated runs a query gets, at most, per endpoint (at least one run)


def queries(folder: Path | None = None) -> dict[str, str]:
    """The analyst queries and the heavier ones; or, given a folder, its *.rq files alone (a held-out set)."""
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder or ROOT / "queries").glob("*.rq"))}
    if folder is not None and not found:
        raise SystemExit(f"no *.rq file in {folder}")
    return found if folder is not None else {**found, **HEAVY}


def timed_query(endpoint: str, sparql: str) -> float:
    data = urllib.parse.urlencode({"query": sparql}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def latencies(endpoint: str, sparql: str, repeats: int, warm_up: bool = True, fresh: bool = True) -> dict[str, Any]:
    """p50 and p95 of `repeats` runs (fewer when one run is long: a query gets about QUERY_BUDGET seconds).

    Fresh (the default, for every cold measurement): each run sends a text never sent before (the query
    and a comment naming the run), so that nothing kept per text (the guard's readings, the result
    cache) answers it; the engine gets texts made the same way.
    """
    texts = (f"{sparql}\n# run {i} {time.time_ns()}" if fresh else sparql for i in itertools.count())
    try:
        first = timed_query(endpoint, next(texts))
        runs = [] if warm_up else [first]
        wanted = max(1, min(repeats, int(QUERY_BUDGET * 1000 / max(first, 1))))
        while len(runs) < wanted:
            runs.append(timed_query(endpoint, next(texts)))
    except (OSError, urllib.error.URLError) as exc:  # a timeout or a refusal is a result too
        return {"error": f"{type(exc).__name__}: {str(exc)[:100]}"}
    return summary(runs)


def summary(runs: list[float]) -> dict[str, Any]:
    """p50 and p95 of timings (ms), and how many there were."""
    runs = sorted(runs)
    return {"p50_ms": round(statistics.median(runs), 2),
            "p95_ms": round(runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))], 2), "runs": len(runs)}


def paired_latencies(ours: str, engine: str, sparql: str, repeats: int) -> dict[str, dict[str, Any]]:
    """`latencies` of ours and of the engine, their runs taken in turns (ours, engine, ours, ...), so that
    both see the same load from whatever else runs on the machine; each run a text never sent before."""
    texts = (f"{sparql}\n# run {i} {time.time_ns()}" for i in itertools.count())
    runs: dict[str, list[float]] = {ours: [], engine: []}
    try:
        first = max(timed_query(ours, next(texts)), timed_query(engine, next(texts)))  # warm-up runs, not kept
        wanted = max(1, min(repeats, int(QUERY_BUDGET * 1000 / max(first, 1))))
        for _ in range(wanted):
            for endpoint in (ours, engine):
                runs[endpoint].append(timed_query(endpoint, next(texts)))
    except (OSError, urllib.error.URLError) as exc:  # a timeout or a refusal ends both: a result too
        error = {"error": f"{type(exc).__name__}: {str(exc)[:100]}"}
        return {"ours": error, "engine": error}
    return {"ours": summary(runs[ours]), "engine": summary(runs[engine])}


def data_file(size: str) -> Path:
    return generated(size, SIZES[size])


# Half the server's costly slots go to clients holding none, so one client holds at most the other half:
# for wrk's 8 connections (one client), 15 slots over 16 threads.
THREADS, SLOTS = 16, 15

def read_path(size: str, data: Path, folder: Path, repeats: int, rdflib_max: int,
              asked: dict[str, str]) -> dict[str, Any]:
    from isic_graph.store.engine import serving_engine

    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "credentials.json"),
           "ISIC_CLIENT_BUDGET": "1000000", "ISIC_CLIENT_CONCURRENCY": "1000",
           "ISIC_COSTLY_SLOTS": str(SLOTS),  # wrk's 8 connections are one client: it may hold 8 with these
           "ISIC_QUERY_TIMEOUT": str(TIMEOUT), "ISIC_RESULT_LIMIT": "1000000"}
    cli(env, "init")
    load_s, derive_s = bulk_load(str(folder / "store"), str(data))
    result: dict[str, Any] = {"bulk_load_s": round(load_s, 2), "default_graph_s": round(derive_s, 2),
                              "timeout_s": TIMEOUT, "queries": {}}
    cold = warm = peer = None
    try:
        # the cold measurements: our server with the cache off, then its engine directly
        cold_port = free_port()
        cold = Server([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(cold_port),
                       "--threads", str(THREADS)],
                      {**env, "ISIC_QUERY_CACHE": "0"}, f"http://127.0.0.1:{cold_port}/healthz")
        engine = serving_engine(folder / "store")
        assert engine is not None
        ours, direct = f"http://127.0.0.1:{cold_port}/sparql", f"{engine}/query"
        endpoint_command = Path(sys.executable).parent / "rdflib-endpoint"
        peer_port = 0
        if SIZES[size] <= rdflib_max and endpoint_command.exists():
            peer_port = free_port()
            peer = Server([str(endpoint_command), "serve", str(data), "--host", "127.0.0.1", "--port", str(peer_port)],
                          dict(os.environ), f"http://127.0.0.1:{peer_port}/?query=ASK%7B%7D")
        for name, sparql in asked.items():
            row: dict[str, Any] = paired_latencies(ours, direct, sparql, repeats)
            if peer is not None:
                row["rdflib_endpoint"] = latencies(f"http://127.0.0.1:{peer_port}/", sparql,
                                                   max(3, repeats // 2), warm_up=False)
                if "error" in row["rdflib_endpoint"]:  # it goes on with the query it timed out on, holding
                    peer.stop()                         # a core while the next ones are measured: not asked again
                    peer = None
            elif peer_port:
                row["rdflib_endpoint"] = {"skipped": "stopped after a timeout"}
            result["queries"][name] = row
        cheap = urllib.parse.urlencode({"query": CHEAP})
        result["ask_c1"] = paired_latencies(ours, direct, CHEAP, 50)
        result["ask_empty_c1"] = paired_latencies(ours, direct, "ASK {}", 200)
        if shutil.which("wrk"):
            result["throughput_c8"] = {"ours": wrk(f"{ours}?{cheap}"), "engine": wrk(f"{direct}?{cheap}")}
        for server in (peer, cold):
            if server is not None:
                server.stop()
        warm_port = free_port()
        warm = Server([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(warm_port),
                       "--threads", str(THREADS)],
                      {**env, "ISIC_QUERY_CACHE": "64"}, f"http://127.0.0.1:{warm_port}/healthz")
        for name, sparql in asked.items():
            result["queries"][name]["ours_repeated"] = latencies(f"http://127.0.0.1:{warm_port}/sparql", sparql,
                                                                 repeats, fresh=False)
        if shutil.which("wrk"):
            result["throughput_c8"]["ours_cached"] = wrk(f"http://127.0.0.1:{warm_port}/sparql?{cheap}")
    finally:
        for server in (cold, warm, peer):
            if server is not None:
                server.stop()
    return result


def write_path(data: Path, folder: Path) -> dict[str, Any]:
    """Validated ingestion (as the API does it) against a raw load, for batches of ~1k, 10k, 100k triples;
    and the latency of one ~300-triple sheet validated and committed into a 1M-triple store."""
    from pyoxigraph import RdfFormat, Store, parse

    from isic_graph.admin.bootstrap import init_store
    from isic_graph.ingest.documents import Document
    from isic_graph.ingest.ingestion import Mode, ingest
    from isic_graph.rdf.formats import format_named
    from isic_graph.rdf.namespaces import Graphs
    from isic_graph.store.embedded import EmbeddedStore
    from isic_graph.validation.validator import Validator

    graphs, validator = Graphs("http://localhost:5000/"), Validator.default()
    quads = []
    for quad in parse(path=str(data), format=RdfFormat.N_QUADS):
        quads.append(quad)
        if len(quads) >= 110_000:
            break
    by_graph: dict[str, list[Any]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    ordered = list(by_graph)  # as the file first names them, an order they can be ingested in (generate.py)
    found: dict[str, Any] = {}
    for target in (1_000, 10_000, 100_000):
        batch: list[Any] = []
        for graph in ordered:
            if len(batch) >= target:
                break
            batch += by_graph[graph]
        raw_store = Store(str(folder / f"raw-{target}"))
        started = time.perf_counter()
        raw_store.bulk_extend(batch)
        raw_store.flush()
        raw_s = time.perf_counter() - started
        atomic_store = Store(str(folder / f"atomic-{target}"))  # the engine's own atomic write, one transaction
        started = time.perf_counter()
        atomic_store.extend(batch)
        atomic_s = time.perf_counter() - started
        del raw_store, atomic_store
        store = EmbeddedStore(folder / f"validated-{target}")
        init_store(store, graphs, validator)
        started = time.perf_counter()
        for graph in ordered:
            part = [q for q in batch if q.graph_name.value == graph]
            if not part:
                continue
            text = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in part)
            ingest(store, validator, graphs, [Document("batch.nt", text.encode(), format_named("ntriples"))],
                   graph.rsplit("/", 1)[1], Mode.REPLACE)
        validated_s = time.perf_counter() - started
        store.close()
        found[str(target)] = {"triples": len(batch), "raw_triples_per_s": round(len(batch) / raw_s),
                              "atomic_triples_per_s": round(len(batch) / atomic_s),
                              "validated_triples_per_s": round(len(batch) / validated_s),
                              "ratio": round(raw_s / validated_s, 3), "ratio_atomic": round(atomic_s / validated_s, 3)}
    # One collection sheet (a network, its actors and one project: about 300 triples) validated and
    # committed, again and again, into a store holding the 1M-triple data: the latency a person waits.
    big = data_file("1m")
    raw_store = Store(str(folder / "sheet-1m"))
    raw_store.bulk_load(path=str(big), format=RdfFormat.N_QUADS)
    raw_store.flush()
    store_triples = len(raw_store)
    del raw_store
    store = EmbeddedStore(folder / "sheet-1m")
    init_store(store, graphs, validator)
    sheet = [Document(p.name, p.read_bytes(), format_named("turtle"))
             for p in (ROOT / "samples" / "anas" / name for name in ("network.ttl", "actors.ttl", "les-incompris.ttl"))]
    timings, triples = [], 0
    for _ in range(21):  # the first one warms up
        started = time.perf_counter()
        triples = ingest(store, validator, graphs, sheet, "anas", Mode.REPLACE).triples
        timings.append(time.perf_counter() - started)
    store.close()
    found["sheet_1m"] = {"triples": triples, "store_triples": store_triples,
                         "p50_ms": round(statistics.median(timings[1:]) * 1000, 1),
                         "p95_ms": round(sorted(timings[1:])[int(0.95 * 19)] * 1000, 1)}
    return found


def markdown(report: dict[str, Any]) -> str:
    lines = [f"Machine: {report['machine']}. Medians of {report['repeats']} runs (p50, ms), concurrency 1; cold runs "
             "send a text never sent before, ours and the engine's taken in turns.", ""]
    for size, result in report["sizes"].items():
        if "read" not in result:
            continue
        load = result.get("load_average")
        loaded = f"; machine load {load['before']:.1f} before, {load['after']:.1f} after" if load else ""
        lines += [f"**{size} triples** (bulk load {result['read']['bulk_load_s']} s{loaded})", "",
                  "| query | ours (cold) | engine alone | overhead | ours repeated | rdflib-endpoint |",
                  "|---|---|---|---|---|---|"]
        for name, row in result["read"]["queries"].items():
            ours, engine = row["ours"].get("p50_ms"), row["engine"].get("p50_ms")
            ratio = f"{ours / engine:.2f}×" if ours and engine else "—"
            peer = row.get("rdflib_endpoint", {})
            peer_text = peer.get("p50_ms", "timeout" if "error" in peer else "—")
            lines.append(f"| {name} | {ours or 'timeout'} | {engine or 'timeout'} | {ratio} | "
                         f"{row.get('ours_repeated', {}).get('p50_ms', '—')} | {peer_text} |")
        ask = result["read"]["ask_c1"]
        lines.append(f"\n`ASK` at concurrency 1: ours {ask['ours']['p50_ms']} ms, engine {ask['engine']['p50_ms']} ms "
                     f"(+{ask['ours']['p50_ms'] - ask['engine']['p50_ms']:.2f} ms).")
        if "ask_empty_c1" in result["read"]:
            ask = result["read"]["ask_empty_c1"]
            ours, engine = ask["ours"]["p50_ms"], ask["engine"]["p50_ms"]
            lines.append(f"`ASK {{}}` at concurrency 1 ({ask['ours']['runs']} runs): ours {ours} ms, "
                         f"engine {engine} ms (+{ours - engine:.2f} ms).")
        if "throughput_c8" in result["read"]:
            t = result["read"]["throughput_c8"]
            lines.append(f"Cheap query at concurrency 8 (wrk, 10 s): ours {t['ours']['requests_per_s']:,.0f} req/s "
                         f"(cache off), {t.get('ours_cached', {}).get('requests_per_s', 0):,.0f} req/s (cache on, "
                         f"the same query repeated), engine {t['engine']['requests_per_s']:,.0f} req/s.")
        lines.append("")
    for size, result in report["sizes"].items():
        lines += export_markdown(size, result.get("export")) + federation_markdown(size, result.get("federation"))
    if report.get("write"):
        lines += ["**Write path** (validated ingestion vs raw loads of the same triples, triples/s: the engine's "
                  "bulk loader, not atomic, and its atomic write, one transaction)", "",
                  "| batch | triples | raw bulk load | raw atomic write | validated | validated / bulk | "
                  "validated / atomic |", "|---|---|---|---|---|---|---|"]
        for target, row in report["write"].items():
            if target == "sheet_1m":
                continue
            lines.append(f"| ~{target} | {row['triples']:,} | {row['raw_triples_per_s']:,} | "
                         f"{row['atomic_triples_per_s']:,} | {row['validated_triples_per_s']:,} | {row['ratio']:.1%} | "
                         f"{row['ratio_atomic']:.1%} |")
        if "sheet_1m" in report["write"]:
            sheet = report["write"]["sheet_1m"]
            lines.append(f"\nOne sheet ({sheet['triples']} triples) validated and committed into a "
                         f"{sheet['store_triples']:,}-triple store: p50 {sheet['p50_ms']} ms, "
                         f"p95 {sheet['p95_ms']} ms.")
    return "\n".join(lines) + "\n"


EXPORTS = {"oxigraph_dump": "`oxigraph dump` (N-Quads)", "dump_nq_gz": "GET /dumps/isic-graph.nq.gz",
           "dumps_turtle": "GET /dumps/network/*.ttl", "dumps_jsonld": "GET /dumps/network/*.jsonld",
           "cli_export_nq": "`isic-graph export` (N-Quads)", "cli_export_nq_gz": "`isic-graph export -o *.nq.gz`"}


def export_markdown(size: str, result: dict[str, Any] | None) -> list[str]:
    if not result:
        return []
    base = result["oxigraph_dump"]["triples_per_s"]
    lines = [f"**Export path, {size}** ({result['oxigraph_dump']['triples']:,} triples; targets: at least 50% of "
             f"`oxigraph dump`'s throughput, peak RSS under 300 MB at 10M triples)", "",
             "| way out | files | triples | seconds | triples/s | / oxigraph dump | peak RSS (MB) |",
             "|---|---|---|---|---|---|---|"]
    for key, name in EXPORTS.items():
        row = result.get(key)
        if not row:
            continue
        files = f"{row['files']} of {row['of_files']}" if "files" in row else "1"
        rss = ", ".join(f"{who} {mb:.0f}" for who, mb in row["peak_rss_mb"].items())
        lines.append(f"| {name} | {files} | {row['triples']:,} | {row['seconds']} | {row['triples_per_s']:,} | "
                     f"{row['triples_per_s'] / base:.0%} | {rss} |")
    idle = result.get("idle_rss_mb", {})
    lines += ["", f"Idle RSS before our dumps: server {idle.get('server', '—')} MB, "
                  f"engine {idle.get('engine', '—')} MB.",
              ""]
    return lines


def federation_markdown(size: str, result: dict[str, Any] | None) -> list[str]:
    if not result:
        return []
    lines = [f"**Federation, {size}** (the peer holds {result['peer_data']}; medians)", "",
             "| harvest | runs | seconds | networks copied | triples copied | triples/s |", "|---|---|---|---|---|---|"]
    for key, name in (("first", "first, every graph"), ("unchanged", "nothing changed (304s)"),
                      ("one_changed", "one network changed")):
        row = result[key]
        lines.append(f"| {name} | {row['runs']} | {row['seconds']} | {row['networks_copied']} | {row['triples']:,} | "
                     f"{row.get('triples_per_s', '—')} |")
    return lines + [""]


def plot(results: Path, path: Path) -> None:
    """Latency by dataset size, for every size of every result file (run.json and run-*.json; a size
    measured twice is taken from the latest run): per endpoint, the median of the queries' p50, a query
    that timed out counted at its timeout (a lower bound); an endpoint that answered fewer than half of
    the queries at a size has no point there."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    reads: dict[str, dict[str, Any]] = {}
    reports = [json.loads(found.read_text()) for found in sorted(results.glob("run*.json"))]
    for report in sorted((r for r in reports if "query_set" not in r), key=lambda r: r.get("date", "")):
        reads.update({size: sizes["read"] for size, sizes in report["sizes"].items() if "read" in sizes})
    figure = Figure(figsize=(8, 5), dpi=100)
    axes = figure.add_subplot()
    for engine, style in (("ours", "o-"), ("engine", "s--"), ("rdflib_endpoint", "^:"), ("ours_repeated", "d-.")):
        points = []
        for size in sorted(reads, key=SIZES.__getitem__):
            queries = reads[size]["queries"].values()
            values = [r[engine]["p50_ms"] if "p50_ms" in r[engine] else reads[size].get("timeout_s", TIMEOUT) * 1000
                      for r in queries if engine in r and ("p50_ms" in r[engine] or "error" in r[engine])]
            if len(values) * 2 >= len(queries):
                points.append((SIZES[size], statistics.median(values)))
        if points:
            axes.plot(*zip(*points), style, label=engine.replace("_", " "))
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("triples")
    axes.set_ylabel("median of the queries' p50 latency (ms)")
    axes.set_title("Analyst queries: latency by dataset size")
    axes.legend()
    figure.savefig(path, bbox_inches="tight")


def main() -> None:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rdflib-max", type=int, default=1_000_000,
                        help="largest dataset given to rdflib-endpoint (it parses everything at start)")
    parser.add_argument("--no-write", action="store_true", help="skip the write path")
    parser.add_argument("--query-timeout", type=float, default=TIMEOUT,
                        help="seconds a query may run, through our server and on the engine")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"the sections to run, of {','.join(SECTIONS)} (others: results in run-SECTIONS.*)")
    parser.add_argument("--queries", type=Path,
                        help="read path: the *.rq files of this folder instead of queries/ and the heavy ones "
                             "(a held-out set; results in run-FOLDER-SECTIONS.*, not plotted)")
    args = parser.parse_args()
    asked = queries(args.queries)
    TIMEOUT = args.query_timeout
    sections = [s for s in SECTIONS if s in args.only.split(",") and not (s == "write" and args.no_write)]
    report: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                         f"Python {platform.python_version()}", "repeats": args.repeats,
                              "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), "sizes": {}}
    for size in args.sizes.split(","):
        folder = Path(tempfile.mkdtemp(prefix=f"isic-bench-{size}-"))
        try:
            data = data_file(size)
            found: dict[str, Any] = {"load_average": {"before": os.getloadavg()[0]}}  # others' work shows here
            report["sizes"][size] = found
            if "read" in sections:
                found["read"] = read_path(size, data, folder, args.repeats, args.rdflib_max, asked)
            if "export" in sections:
                found["export"] = export_path(size, data, folder / "export", args.repeats)
            if "federation" in sections and SIZES[size] <= FEDERATION_MAX:
                found["federation"] = federation(data, folder / "federation", args.repeats)
            found["load_average"]["after"] = os.getloadavg()[0]
            print(f"{size}: done", file=sys.stderr)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if "write" in sections:
        folder = Path(tempfile.mkdtemp(prefix="isic-bench-write-"))
        try:
            report["write"] = write_path(data_file("100k"), folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    name = "run" if args.only == parser.get_default("only") else "-".join(["run", *sections])
    if args.queries is not None:
        report["query_set"] = args.queries.resolve().name
        name = "-".join(["run", report["query_set"], *sections])
    (out / f"{name}.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (out / f"{name}.md").write_text(table)
    if "read" in sections and args.queries is None:
        plot(out, out / "latency.png")
    print(table)


if __name__ == "__main__":
    main()
