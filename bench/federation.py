"""Federation: one instance harvests another's network graphs, over HTTP, on 127.0.0.1.

The peer holds the size's data (bulk-loaded) and one small network, `anas`, ingested from its sample
sheets (the generated data names its networks anas-g0, anas-g1…); the harvester registers it and
harvests through POST /api/harvest. Measured, in seconds and triples per second (medians of a few
runs, at most BUDGET seconds for each kind):
- a first full harvest (each run on a new harvester, so that every graph is transferred and validated);
- a harvest of the unchanged peer (every dump answers 304 to the conditional GET);
- a harvest after one network graph of the peer changed (a sheet of `anas` upserted with a new lesson).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from server_overhead import free_port
from servers import Server, bulk_load, cli

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-token"
NETWORK = "anas"
SHEET = ROOT / "samples" / "anas" / "les-incompris.ttl"
LESSON = "<id/lesson/li-oser-la-parole>"
BUDGET = 900.0  # seconds for the runs of one kind of harvest (at least one runs)


def instance(folder: Path) -> dict[str, str]:
    """The environment of an instance living in its own folder, created with `isic-graph init`."""
    folder.mkdir(parents=True)
    env = {**os.environ, "ISIC_STORE": str(folder / "store"), "ISIC_CREDENTIALS": str(folder / "credentials.json"),
           "ISIC_PEERS": str(folder / "peers.json"), "ISIC_ADMIN_TOKEN": ADMIN, "ISIC_CLIENT_BUDGET": "1000000",
           "ISIC_CLIENT_CONCURRENCY": "1000", "ISIC_QUERY_TIMEOUT": "600"}
    cli(env, "init")
    return env


def serve(env: dict[str, str]) -> tuple[Server, str]:
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    return Server([sys.executable, "-m", "isic_graph.cli", "serve", "--port", str(port)], env,
                  f"{root}/healthz"), root


def post(url: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=3600) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


def harvested(root: str) -> tuple[float, int, int]:
    """Harvest the peer: seconds, triples copied, networks copied (an error raises)."""
    started = time.perf_counter()
    answer = post(f"{root}/api/harvest?peer=peer", b"", {"Authorization": f"Bearer {ADMIN}"})
    seconds = time.perf_counter() - started
    outcome = answer["peers"][0]
    failed = [n["network"] for n in outcome["networks"] if n["error"]]
    if outcome["error"] or failed:
        raise RuntimeError(f"the harvest failed: {outcome['error'] or failed}")
    changed = [n for n in outcome["networks"] if n["changed"]]
    return seconds, sum(n["triples"] for n in changed), len(changed)


def summary(runs: list[tuple[float, int, int]]) -> dict[str, Any]:
    """The median run (by time): seconds, triples and networks copied, triples per second."""
    seconds, triples, networks = sorted(runs)[(len(runs) - 1) // 2]
    found: dict[str, Any] = {"runs": len(runs), "seconds": round(seconds, 3), "triples": triples,
                             "networks_copied": networks}
    if triples:
        found["triples_per_s"] = round(triples / seconds)
    return found


def harvester(folder: Path, peer: str) -> tuple[Server, str]:
    env = instance(folder)
    cli(env, "peer", "add", "peer", "--sparql", f"{peer}/sparql", "--dumps", f"{peer}/dumps/", "--allow-private")
    return serve(env)


def federation(data: Path, folder: Path, repeats: int) -> dict[str, Any]:
    """A first harvest, a harvest with nothing changed and one after a network changed, of a peer holding `data`."""

    runs = max(1, repeats)
    env = instance(folder / "peer")
    bulk_load(env["ISIC_STORE"], str(data))
    sheets = sorted(str(p) for p in SHEET.parent.glob("*.ttl"))
    cli(env, "ingest", *sheets, "--network", NETWORK)
    token = subprocess.run([sys.executable, "-m", "isic_graph.cli", "network", "add", NETWORK, "--name", NETWORK],
                           env=env, check=True, capture_output=True, text=True, timeout=600).stdout.strip()
    peer, peer_root = serve(env)
    result: dict[str, Any] = {"peer_data": data.name}
    servers: list[Server] = [peer]
    try:
        first: list[tuple[float, int, int]] = []
        started = time.monotonic()
        while len(first) < runs and (not first or time.monotonic() - started < BUDGET):
            if servers[1:]:
                servers.pop().stop()
            server, root = harvester(folder / f"harvester-{len(first)}", peer_root)
            servers.append(server)
            first.append(harvested(root))
        result["first"] = summary(first)
        unchanged = [harvested(root) for _ in range(max(3, runs))]
        result["unchanged"] = summary(unchanged)
        changed: list[tuple[float, int, int]] = []
        started = time.monotonic()
        text = SHEET.read_text(encoding="utf-8")
        while len(changed) < runs and (not changed or time.monotonic() - started < BUDGET):
            sheet = text.replace(LESSON, f"{LESSON[:-1]}-{len(changed)}>")
            post(f"{peer_root}/api/networks/{NETWORK}/sheets?mode=upsert", sheet.encode("utf-8"),
                 {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"})
            changed.append(harvested(root))
        result["one_changed"] = summary(changed)
    finally:
        for server in reversed(servers):
            server.stop()
    return result
