"""Benchmark: one submission checked through `isic-graph serve` (a dry run, in a process of its own), the server
started by the `isic-graph` script as the README starts it, and by `python -m isic_graph.cli`.

Run: python bench/dry_runs.py [--requests 30]
The store is made once (`init --samples`); each server runs on 127.0.0.1 in turn, is stopped by PID, and gets the
same requests: POST /api/validate?network=anas of the sample network anas's graph (its six Turtle files in one
body, 951 triples), the French title of one project new on each request (no answer kept from before), one at a
time, the first one left out (it starts the fork server). Each server's loop is bounded in time (120 s).
Prints a Markdown table and writes bench/results/dry_runs.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from server_overhead import free_port  # noqa: E402
from servers import Server, cli  # noqa: E402

ADMIN = "bench-admin-token"
NETWORK = ROOT / "samples" / "anas"
TITLE = b'"Les Incompris : l\'audace d\'oser"@fr'
LOOP_SECONDS = 120
ENTRIES = {
    "`isic-graph serve` (the script pip writes, as in the README)": [str(Path(sys.executable).parent / "isic-graph")],
    "`python -m isic_graph.cli serve`": [sys.executable, "-m", "isic_graph.cli"],
}


def check(url: str, number: int) -> tuple[int, float]:
    """One dry run of the sheet, its title made new by `number`: the status and the seconds it took."""
    graph = b"\n".join(p.read_bytes() for p in sorted(NETWORK.glob("*.ttl")))
    body = graph.replace(TITLE, f'"Les Incompris, essai {number}"@fr'.encode())
    request = urllib.request.Request(f"{url}/api/validate?network=anas", body, method="POST",
                                     headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as refused:
        refused.read()
        status = refused.code
    return status, time.perf_counter() - started


def measure(command: list[str], env: dict[str, str], requests: int, first: int) -> dict[str, object]:
    port = free_port()
    server = Server([*command, "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz")
    try:
        url = f"http://127.0.0.1:{port}"
        _, start_s = check(url, first)
        statuses, times = set(), []
        deadline = time.monotonic() + LOOP_SECONDS
        for number in range(first + 1, first + 1 + requests):
            if time.monotonic() > deadline:
                break
            status, seconds = check(url, number)
            statuses.add(status)
            times.append(seconds * 1000)
    finally:
        server.stop()
    times.sort()
    return {"requests": len(times), "statuses": sorted(statuses), "first_ms": round(start_s * 1000, 1),
            "p50_ms": round(statistics.median(times), 1), "p90_ms": round(times[int(len(times) * 0.9)], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="isic-bench-"))
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "c.json"),
           "ISIC_ADMIN_TOKEN": ADMIN, "ISIC_CLIENT_BUDGET": "1000000"}
    try:
        cli(env, "init", "--samples")
        results = {name: measure(command, env, options.requests, 1000 * index)
                   for index, (name, command) in enumerate(ENTRIES.items())}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "load_average": os.getloadavg()[0], "results": results}
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "dry_runs.json").write_text(json.dumps(report, indent=1))
    print(f"machine: {report['machine']}; anas's graph (951 triples) checked by POST /api/validate, a new title "
          "each time, one at a time\n")
    print("| server started by | requests | p50 | p90 | first (starts the fork server) | statuses |\n"
          "|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']} | {r['p50_ms']} ms | {r['p90_ms']} ms | {r['first_ms']} ms | "
              f"{', '.join(map(str, r['statuses']))} |")


if __name__ == "__main__":
    main()
