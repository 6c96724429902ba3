"""Benchmark: a cheap query through `isic-graph serve` vs the engine alone, and the runaway-query cut-off.

Run: python bench/server_overhead.py   (needs `wrk`: apt-get install wrk). Everything runs on 127.0.0.1,
every load is bounded in time, and every process started here is stopped by PID.
Prints a Markdown table and writes bench/results/server_overhead.json.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CHEAP = "SELECT (COUNT(?l) AS ?n) WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SECONDS, CONNECTIONS, TIMEOUT = 10, 8, 2
ROUNDS = 3  # wrk runs per path, the paths in turns, so that both see the same load from others; the median kept


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk(url: str) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
                         capture_output=True, text=True, timeout=SECONDS + 30).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": ms("50%"), "p99_ms": ms("99%")}


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    load_before = os.getloadavg()[0]  # other people's work on the machine, before and after
    folder = Path(tempfile.mkdtemp(prefix="isic-bench-"))
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "c.json"),
           "ISIC_QUERY_TIMEOUT": str(TIMEOUT),
           "ISIC_CLIENT_BUDGET": "1000000",
           "ISIC_CLIENT_CONCURRENCY": "1000",  # one load generator is one client: measure throughput, not the budget
           "ISIC_COSTLY_SLOTS": "15"}  # half the slots are kept for clients holding none: 8 for wrk's connections
    cli = [sys.executable, "-m", "isic_graph.cli"]
    subprocess.run([*cli, "init", "--samples"], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--threads", "16"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        engine_pid = int(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
                         .stdout.split()[0])
        engine_bind = re.search(r"127\.0\.0\.1:\d+", Path(f"/proc/{engine_pid}/cmdline").read_bytes()
                                .replace(b"\0", b" ").decode()).group(0)  # type: ignore[union-attr]
        query = urllib.parse.urlencode({"query": CHEAP})
        urls = {"engine alone": f"http://{engine_bind}/query?{query}", "isic-graph /sparql": f"{base}/sparql?{query}"}
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in urls}
        for _ in range(ROUNDS):
            for name, url in urls.items():
                rounds[name].append(wrk(url))
        results = {name: sorted(found, key=lambda r: r["requests_per_s"])[len(found) // 2]
                   for name, found in rounds.items()}
        cutoffs = []
        for _ in range(3):
            started = time.monotonic()
            try:
                urllib.request.urlopen(f"{base}/sparql?{urllib.parse.urlencode({'query': RUNAWAY})}", timeout=60)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            cutoffs.append({"status": status, "seconds": round(time.monotonic() - started, 3)})
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "load_average": [load_before, os.getloadavg()[0]], "connections": CONNECTIONS, "seconds": SECONDS,
              "rounds": ROUNDS,
              "cheap_query": results,
              "runaway_query_timeout_s": TIMEOUT, "runaway": cutoffs}
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "server_overhead.json").write_text(json.dumps(report, indent=1))
    print(f"machine: {report['machine']}, load {load_before:.1f} before, {report['load_average'][1]:.1f} after; "
          f"wrk -c{CONNECTIONS} for {SECONDS} s, "
          f"cheap COUNT query, the run of median throughput of {ROUNDS} per path (taken in turns)\n")
    print("| path | throughput | p50 | p99 |\n|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['requests_per_s']:,.0f} req/s | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms |")
    print(f"\nrunaway query, ISIC_QUERY_TIMEOUT={TIMEOUT}: "
          + ", ".join(f"{c['status']} in {c['seconds']} s" for c in cutoffs))


if __name__ == "__main__":
    main()
