"""Benchmark: the floor of a Python HTTP layer in front of the engine, beside our /sparql and the engine alone.

Run: python bench/layer_floor.py [--size 100k] [--runs 60]. The least such layer (waitress, Flask and urllib3
passing the request's body to the engine and its answer back, nothing checked) is started beside
`isic-graph serve` (cache off) on the same store; each query is sent to them and the engine in turns, a new text
each run. When `granian` (PyPI: an HTTP server written in Rust, running WSGI applications) is installed, the same
least layer is measured under it too: whether another HTTP server lowers the floor. Prints a Markdown table and
writes bench/results/layer_floor.json. Everything runs on 127.0.0.1, and every process started here is stopped
by PID.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import SIZES, SLOTS, THREADS, data_file, queries, timed_query  # noqa: E402
from server_overhead import free_port  # noqa: E402
from servers import Server, bulk_load, cli  # noqa: E402

ASKED = ["cq21-networks-and-their-members", "heavy-partners-per-project", "cq18-intercommunalities-and-neighbourhoods",
         "cq10-coverage-gaps", "cq02-elected-officials-good-practices", "cq12-users-in-governance"]
MINIMAL = """
import os, sys, urllib3
from flask import Flask, Response, request
engine = os.environ["FLOOR_ENGINE"]
pool = urllib3.PoolManager(maxsize=16)
app = Flask("floor")

@app.route("/sparql", methods=["POST"])
def sparql():
    headers = {"Content-Type": request.content_type, "Accept": request.headers.get("Accept", "*/*")}
    answer = pool.request("POST", engine + "/query", body=request.get_data(), headers=headers)
    return Response(answer.data, status=answer.status, content_type=answer.headers.get("Content-Type"))

@app.route("/healthz")
def healthz():
    return "ok"

if __name__ == "__main__":
    import waitress
    waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=16)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", choices=list(SIZES))
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    from isic_graph.store.engine import serving_engine

    folder = Path(tempfile.mkdtemp(prefix="isic-bench-floor-"))
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "credentials.json"),
           "ISIC_CLIENT_BUDGET": "1000000", "ISIC_CLIENT_CONCURRENCY": "1000", "ISIC_COSTLY_SLOTS": str(SLOTS),
           "ISIC_QUERY_CACHE": "0", "ISIC_RESULT_LIMIT": "1000000"}
    ours = floor = granian = None
    report: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                            f"Python {platform.python_version()}", "size": args.size,
                                 "runs": args.runs, "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
                                 "load_average_before": os.getloadavg()[0], "queries": {}}
    try:
        cli(env, "init")
        bulk_load(str(folder / "store"), str(data_file(args.size)))
        port = free_port()
        ours = Server([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(port), "--threads",
                       str(THREADS)], env, f"http://127.0.0.1:{port}/healthz")
        engine = serving_engine(folder / "store")
        assert engine is not None
        (folder / "floor.py").write_text(MINIMAL, encoding="utf-8")
        floor_env = {**os.environ, "FLOOR_ENGINE": engine, "PYTHONPATH": str(folder)}
        floor_port = free_port()
        floor = Server([sys.executable, str(folder / "floor.py"), str(floor_port)], floor_env,
                       f"http://127.0.0.1:{floor_port}/healthz")
        endpoints = {"engine": f"{engine}/query", "floor": f"http://127.0.0.1:{floor_port}/sparql"}
        if importlib.util.find_spec("granian") is not None:
            granian_port = free_port()
            granian = Server([sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                              str(granian_port), "--workers", "1", "--blocking-threads", str(THREADS), "--no-ws",
                              "floor:app"], floor_env, f"http://127.0.0.1:{granian_port}/healthz")
            endpoints["floor_granian"] = f"http://127.0.0.1:{granian_port}/sparql"
        endpoints["ours"] = f"http://127.0.0.1:{port}/sparql"
        texts = {**queries(), "ask-empty": "ASK {}"}
        granian_head = " the least layer, granian |" if "floor_granian" in endpoints else ""
        print(f"| query | engine | the least layer, waitress |{granian_head} ours |\n|---|---|---|"
              + "---|" * (len(endpoints) - 2), flush=True)
        for name in ["ask-empty", *ASKED]:
            runs: dict[str, list[float]] = {k: [] for k in endpoints}
            for i in range(args.runs + 5):  # the first five warm each path up, and are not kept
                for kind, url in endpoints.items():
                    took = timed_query(url, f"{texts[name]}\n# {kind} {i} {time.time_ns()}")
                    if i >= 5:
                        runs[kind].append(took)
            row = {k: round(statistics.median(v), 2) for k, v in runs.items()}
            report["queries"][name] = row  # type: ignore[index]
            granian_cell = (f" {row['floor_granian']} (+{row['floor_granian'] - row['engine']:.2f}, "
                            f"{row['floor_granian'] / row['engine']:.2f}×) |" if "floor_granian" in row else "")
            print(f"| {name} | {row['engine']} | {row['floor']} (+{row['floor'] - row['engine']:.2f}, "
                  f"{row['floor'] / row['engine']:.2f}×) |{granian_cell} "
                  f"{row['ours']} (+{row['ours'] - row['engine']:.2f}, {row['ours'] / row['engine']:.2f}×) |",
                  flush=True)
    finally:
        for server in (granian, floor, ours):
            if server is not None:
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    report["load_average_after"] = os.getloadavg()[0]
    (BENCH / "results" / "layer_floor.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
