"""Validation engines side by side on batches of generated data: time, verdict and peak memory.

Run:  python bench/validator.py [--sizes 1k,10k,100k] [--rss-size 1m] [--timeout 900]

For each batch size (data from bench/generate.py, valid against the shapes, cached in bench/.data/),
each engine validates the batch (given as pyoxigraph triples, as ingestion has them) with the
ontology and thesauri, in a new process per measurement (bounded by --timeout), which reports the
time taken and its peak resident memory (VmHWM):
- pyshacl: today's path (rdflib graph of the batch and the vocabulary, pySHACL 0.40);
- pyshacl-oxigraph: pySHACL 0.40 given a pyoxigraph store (batch and vocabulary) as its data graph;
- pyrudof: rudof's native SHACL engine (Rust), data given as N-Triples;
- compiled: Validator.check, the compiled shapes (isic_graph/conformance/), pySHACL only on failure.
Peak memory is also measured for a batch of --rss-size triples (the engines listed in --rss-engines).
Writes bench/results/validator.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from generate import data_file as generated  # noqa: E402

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ENGINES = ("pyshacl", "pyshacl-oxigraph", "pyrudof", "compiled")


def data_file(size: str) -> Path:
    return generated(size, SIZES[size])


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(engine: str, size: str) -> dict[str, Any]:
    """In this process: validate one batch with one engine."""
    from pyoxigraph import RdfFormat, parse

    from isic_graph.validation.validator import Validator

    triples = [q.triple for q in parse(path=str(data_file(size)), format=RdfFormat.N_QUADS)]
    validator = Validator.default()
    before = peak_rss_mb()
    started = time.perf_counter()
    if engine == "compiled":
        conforms = validator.check(triples).conforms
    elif engine == "pyshacl":
        from isic_graph.validation.validator import to_rdflib

        conforms = validator.validate(to_rdflib(triples)).conforms
    elif engine == "pyshacl-oxigraph":
        import pyshacl
        from pyoxigraph import DefaultGraph, Quad, Store

        store = Store()
        store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph())
                     for t in [*triples, *validator.vocabulary_triples])
        conforms = bool(pyshacl.validate(store, shacl_graph=validator.shapes, inference="none",
                                         allow_warnings=True)[0])
    elif engine == "pyrudof":
        import pyrudof
        from pyoxigraph import serialize

        from isic_graph.rdf import resources

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        text = (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        rudof.read_data(text, format=pyrudof.RDFFormat.NTriples)
        for path in [resources.ontology_file(), *resources.thesaurus_files()]:
            rudof.read_data(str(path), merge=True)
        rudof.read_shacl(str(resources.shapes_files()[0]))
        conforms = bool(rudof.validate_shacl().conforms)
    else:
        raise SystemExit(f"unknown engine {engine}")
    seconds = time.perf_counter() - started
    return {"triples": len(triples), "seconds": round(seconds, 3), "triples_per_s": round(len(triples) / seconds),
            "conforms": conforms, "peak_rss_mb": round(peak_rss_mb()), "rss_before_mb": round(before)}


def run(engine: str, size: str, timeout: float) -> dict[str, Any]:
    """One measurement in a new process, bounded in time."""
    command = [sys.executable, str(Path(__file__)), "--one", engine, "--size", size]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(report: dict[str, Any]) -> str:
    engines = [engine for engine in ENGINES if any(engine in row for row in report["sizes"].values())]
    lines = [f"Machine: {report['machine']}. One run per cell, each in a new process.", "",
             "| batch | " + " | ".join(engines) + " |", "|---|" + "---|" * len(engines)]
    for size, row in report["sizes"].items():
        cells = []
        for engine in engines:
            r = row.get(engine, {})
            cells.append(r["error"] if "error" in r else
                         f"{r['seconds']} s ({r['triples_per_s']:,}/s){'' if r['conforms'] else ', refused'}")
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    lines += ["", f"Peak RSS, {report['rss_size']} batch: " + ", ".join(
        f"{engine} {r['peak_rss_mb']} MB ({r['seconds']} s)" if "error" not in r else f"{engine}: {r['error']}"
        for engine, r in report["rss"].items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--rss-size", default="1m")
    parser.add_argument("--rss-engines", default="compiled,pyrudof")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.size)))
        return
    report: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                         f"Python {platform.python_version()}", "sizes": {},
                              "rss_size": args.rss_size, "rss": {}}
    for size in args.sizes.split(","):
        data_file(size)
        report["sizes"][size] = {engine: run(engine, size, args.timeout) for engine in args.engines.split(",")}
        print(f"{size}: {report['sizes'][size]}", file=sys.stderr)
    if args.rss_size:
        data_file(args.rss_size)
        report["rss"] = {engine: run(engine, args.rss_size, args.timeout) for engine in args.rss_engines.split(",")}
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "validator.json").write_text(json.dumps(report, indent=1))
    print(markdown(report))


if __name__ == "__main__":
    main()
