"""Every page of the site in both languages, crawled cold: how many questions the pages put to the store, and the
time they take, with the pages' answers kept until a write (`ISIC_QUERY_CACHE` on, store/kept_reads.py) and without
(0, every cache off).

Run:  python bench/page_crawl.py [--budget 300]

An instance is made in a folder of its own (`isic-graph init --samples`), and for each setting a supervised engine
is started on a copy of it and the application is asked through its test client (no HTTP server: the pages' own
work and their questions to the engine): every HTML page reachable from / within the site, each once, first in
French then in English (the same crawl as tests/web/test_pages_in_words.py). Counted: the pages, the queries sent
to the engine, the wall time and the process's CPU time. Each crawl stops after --budget seconds; every engine
started is stopped. Prints a Markdown table and writes bench/results/page_crawl.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from isic_graph.config import Settings  # noqa: E402
from isic_graph.store.engine import Engine  # noqa: E402
from isic_graph.store.remote import RemoteStore  # noqa: E402
from isic_graph.web import create_app  # noqa: E402

BASE = "http://localhost:5000/"
SKIPPED = re.compile(r"\.(ttl|jsonld|nt|rdf|svg|png|csv|json|xlsx|ods|nq|gz|zip)$")


def crawl(client: Any, lang: str, deadline: float) -> int:
    """The pages reachable from / in one language, each asked once; how many were HTML pages."""
    todo, seen, pages = ["/"], set(), 0
    while todo and time.monotonic() < deadline:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        pages += 1
        for href in re.findall(r'<a href="([^"]*)"', answer.get_data(as_text=True)):
            address = urlsplit(urljoin(BASE + path.lstrip("/"), href.replace("&amp;", "&")))
            if address.netloc != urlsplit(BASE).netloc or "lang=" in address.query or SKIPPED.search(address.path) \
                    or address.path.startswith(("/sparql", "/dumps", "/graph-store")) \
                    or (address.path == "/query" and address.query):
                continue
            todo.append(address.path + (f"?{address.query}" if address.query else ""))
    return pages


def measure(store: Path, folder: Path, cache: float, budget: float) -> dict[str, Any]:
    asked = [0]
    query = RemoteStore.query

    def counted(self: RemoteStore, *args: Any, **kwargs: Any) -> Any:
        asked[0] += 1
        return query(self, *args, **kwargs)

    shutil.copytree(store, folder / "store")
    engine = Engine(folder / "store")
    engine.start()
    RemoteStore.query = counted  # type: ignore[method-assign]
    try:
        app = create_app(Settings(store_path=None, base_iri=BASE, admin_token="bench-admin-token-0123456789",
                                  credentials_path=folder / "credentials.json", query_cache=cache,
                                  client_budget=1_000_000), engine)
        started, cpu = time.perf_counter(), time.process_time()
        pages = sum(crawl(app.test_client(), lang, time.monotonic() + budget) for lang in ("fr", "en"))
        return {"query_cache_mib": cache, "pages": pages, "queries": asked[0],
                "wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)}
    finally:
        RemoteStore.query = query  # type: ignore[method-assign]
        engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for each language's crawl at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isic-crawl-") as scratch:
        root = Path(scratch)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("ISIC_")},
               "ISIC_STORE": str(root / "store"), "ISIC_CREDENTIALS": str(root / "credentials.json"),
               "ISIC_PEERS": str(root / "peers.json")}
        subprocess.run([sys.executable, "-m", "isic_graph.cli", "init", "--samples"], env=env, check=True,
                       capture_output=True, timeout=600)
        results = []
        for cache in (0.0, 64.0):
            (root / str(cache)).mkdir()
            results.append(measure(root / "store", root / str(cache), cache, args.budget))
    print("| ISIC_QUERY_CACHE | pages | queries | wall | CPU |\n|---|---|---|---|---|")
    for r in results:
        print(f"| {r['query_cache_mib']:g} | {r['pages']} | {r['queries']} | {r['wall_s']} s | {r['cpu_s']} s |")
    out = BENCH / "results" / "page_crawl.json"
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "runs": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
