"""Benchmark: how long another client waits while one address floods the server.

Run: python bench/floods.py   Everything runs on 127.0.0.1 (the flooder is 127.0.0.2, the other client
127.0.0.3), every flood is bounded in time (8 s) and stops by itself, and the server is stopped by PID.
For each flood (none; 120 idle connections; 150 slow headers, slow bodies; 8 parallel runaway
queries; 8 parallel validations; 8 parallel map renders), the other client sends a new cheap query
every 0.25 s, and the median and slowest of those waits are reported, with what the flooder got.
Prints a Markdown table and writes bench/results/floods.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.floods import (  # noqa: E402
    SLOW_HEADS,
    dribbler,
    flooding,
    idle_connections,
    map_renders,
    new_query,
    runaway_queries,
    validations,
)
from tests.support.live import Answer, LiveServer, query  # noqa: E402

FLOODER, OTHER = "127.0.0.2", "127.0.0.3"
SAMPLE_EVERY = 0.25  # seconds between the other client's queries
SAMPLES = 24  # about 6 s of a flood's 8
TIMEOUT = 5  # the server's query timeout: how long a runaway query or a validation holds its slot


def other_client(url: str) -> dict[str, Any]:
    """The other client's waits (ms) for new cheap queries during the flood, and their statuses."""
    waits, statuses = [], []
    for _ in range(SAMPLES):
        begun = time.perf_counter()
        try:
            answer = query(url, new_query(), source=OTHER, timeout=30)
            statuses.append(answer.status)
        except OSError:
            statuses.append(0)
        waits.append((time.perf_counter() - begun) * 1000)
        time.sleep(max(0.0, SAMPLE_EVERY - (time.perf_counter() - begun)))
    return {"p50_ms": round(statistics.median(waits), 1), "max_ms": round(max(waits), 1),
            "ok": statuses.count(200), "sent": len(statuses)}


def flooder(answers: list[Answer]) -> str:
    counts: dict[int, int] = {}
    for answer in answers:
        counts[answer.status] = counts.get(answer.status, 0) + 1
    return ", ".join(f"{n}× {status}" for status, n in sorted(counts.items())) or "-"


def main() -> None:
    server = LiveServer(Path(tempfile.mkdtemp(prefix="isic-bench-floods-")), {"ISIC_QUERY_TIMEOUT": str(TIMEOUT)})
    server.init().start()
    try:
        added = server.cli("network", "add", "flood", "--name", "Flood")
        token = added.stdout.strip()
        query(server.url, "ASK {}", source=OTHER)  # the first query starts the query checker: not measured
        answers: list[Answer] = []
        floods: list[tuple[str, Callable[[], AbstractContextManager[Any]]]] = [
            ("none", nullcontext),
            ("120 idle connections", lambda: idle_connections(server.port, FLOODER, b"GET / HTTP/1.1\r\n")),
            *[(f"150 {name.replace('-', ' ')}", lambda head=head: flooding(dribbler(server.port, FLOODER, head), 3))
              for name, head in SLOW_HEADS.items()],
            ("8 parallel runaway queries",
             lambda: flooding(runaway_queries(server.url, FLOODER, "form", answers), 8)),
            ("8 parallel validations (2,000 projects, 8 s each)",
             lambda: flooding(validations(server.url, FLOODER, token, answers), 8)),
            ("8 parallel map renders", lambda: flooding(map_renders(server.url, FLOODER, answers), 8)),
        ]
        rows = []
        for name, flood in floods:
            answers.clear()
            with flood():
                measured = other_client(server.url)
            rows.append({"flood": name, **measured, "flooder": flooder(answers)})
            time.sleep(TIMEOUT + 1)  # the flood's last requests end before the next flood
    finally:
        server.stop()
    report = {"machine": f"{platform.machine()}, {platform.processor() or platform.system()}, "
                         f"Python {platform.python_version()}", "threads": 8, "query_timeout_s": TIMEOUT,
              "rows": rows}
    (ROOT / "bench" / "results" / "floods.json").write_text(json.dumps(report, indent=1) + "\n")
    print("| flood from 127.0.0.2 | other client p50 | slowest | answered 200 | the flooder got |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['flood']} | {row['p50_ms']} ms | {row['max_ms']} ms | {row['ok']}/{row['sent']} | "
              f"{row['flooder']} |")


if __name__ == "__main__":
    main()
