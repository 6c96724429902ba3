"""The maps page (/maps: the partnership network and the two coverage charts) drawn cold, on the samples and on
generated data.

Run:  python bench/maps.py [--sizes samples,10k,100k] [--runs 5] [--budget 120]

For each size, an instance is made in a folder of its own (`isic-graph init --samples` for the samples; for
the generated sizes, `isic-graph init` and the engine's bulk loader with bench/generate.py's data) and served by
`isic-graph serve` on 127.0.0.1. Each run first writes, into a graph of its own through /update, a project of a
new organisation (with a theme and a territory, so that each of the three drawings shows something new): the store
has a new version, and no kept page or drawing answers (a drawing is kept by what it shows), then asks /maps: the
wall time of the answer, and the CPU time the server process spent on it (user + system, from /proc: on a shared
machine the wall time also counts the waits for a core). Then /maps once more at the same version (answered from
the page cache). Runs stop after --runs or when a size has had --budget seconds (at least one run each); every
server started is stopped by PID. Prints a Markdown table and writes bench/results/maps.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from generate import data_file  # noqa: E402
from server_overhead import free_port  # noqa: E402
from servers import Server, bulk_load, cli  # noqa: E402

SIZES = {"samples": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ADMIN = "bench-admin-token"
TIMEOUT = 600.0  # seconds for one answer


def instance(folder: Path, size: str) -> dict[str, str]:
    """An instance holding the size's data: its environment."""

    folder.mkdir(parents=True)
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "credentials.json"),
           "ISIC_PEERS": str(folder / "peers.json"), "ISIC_ADMIN_TOKEN": ADMIN, "ISIC_CLIENT_BUDGET": "1000000",
           "ISIC_CLIENT_CONCURRENCY": "1000", "ISIC_QUERY_TIMEOUT": str(int(TIMEOUT))}
    if size == "samples":
        cli(env, "init", "--samples")
    else:
        cli(env, "init")
        bulk_load(env["ISIC_STORE"], str(data_file(size, SIZES[size])))
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
        answer.read()
    return time.perf_counter() - started


def new_version(root: str, n: int) -> None:
    """A project of a new organisation written in a graph of the benchmark's own: the store's version changes, and
    so does what each drawing shows (a new node, a project more for a theme and a territory)."""
    isic = "https://w3id.org/isic/ontology#"
    update = (f"INSERT DATA {{ GRAPH <urn:bench:maps> {{ <urn:bench:project-{n}> a <{isic}Project> ; "
              f"<{isic}theme> <https://w3id.org/isic/thesaurus/theme/housing> ; <{isic}territory> "
              f"<urn:bench:territory> ; <{isic}carriedBy> <urn:bench:organisation-{n}> . "
              f"<urn:bench:organisation-{n}> a <{isic}Organisation> }} }}")
    request = urllib.request.Request(f"{root}/update", data=urllib.parse.urlencode({"update": update}).encode(),
                                     headers={"Authorization": f"Bearer {ADMIN}",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        answer.read()


def measure(size: str, folder: Path, runs: int, budget: float) -> dict[str, Any]:
    env = instance(folder, size)
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    server = Server([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(port)], env, f"{root}/healthz")
    try:
        first = get(f"{root}/maps")  # the libraries that draw are imported by the first drawing
        walls: list[float] = []
        cpus: list[float] = []
        deadline = time.monotonic() + budget
        while len(walls) < runs and (not walls or time.monotonic() < deadline):
            new_version(root, len(walls))
            before = cpu_seconds(server.process.pid)
            walls.append(get(f"{root}/maps"))
            cpus.append(cpu_seconds(server.process.pid) - before)
        kept = get(f"{root}/maps")
    finally:
        server.stop()
    return {"runs": len(walls), "first_after_start_s": round(first, 3),
            "cold_wall_s": {"median": round(statistics.median(walls), 3), "min": round(min(walls), 3),
                            "max": round(max(walls), 3)},
            "cold_server_cpu_s": {"median": round(statistics.median(cpus), 3), "min": round(min(cpus), 3),
                                  "max": round(max(cpus), 3)},
            "kept_wall_s": round(kept, 4)}


def markdown(results: dict[str, Any]) -> str:
    lines = ["| data | runs | cold /maps, wall (median, min–max) | server CPU (median, min–max) | kept page |",
             "|---|---|---|---|---|"]
    for size, r in results["sizes"].items():
        wall, cpu = r["cold_wall_s"], r["cold_server_cpu_s"]
        lines.append(f"| {size} | {r['runs']} | {wall['median']:.3f} s ({wall['min']:.3f}–{wall['max']:.3f}) | "
                     f"{cpu['median']:.3f} s ({cpu['min']:.3f}–{cpu['max']:.3f}) | {r['kept_wall_s'] * 1000:.1f} ms |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="samples,10k,100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds of cold runs per size (one at least)")
    args = parser.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
    results: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                               "load_average": os.getloadavg()[0], "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="isic-bench-maps-") as tmp:
        for size in sizes:
            results["sizes"][size] = measure(size, Path(tmp) / size, args.runs, args.budget)
            print(size, json.dumps(results["sizes"][size]), flush=True)
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "maps.json").write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
