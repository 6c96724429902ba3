"""The server's peak memory for one query whose SERVICE block is answered by a hostile peer on 127.0.0.1 with
16 MiB of tiny values, each shape on a fresh `isic-graph serve` (its engine is another process, not counted).

Measured: the server process's high-water mark of resident memory (VmHWM) once it has answered a small federated
query, and again after the hostile query; the difference is what the hostile answer cost. With `--code DIR`, the
server runs the package found in DIR (a checkout of another commit) instead of this one's.

    python bench/peer_terms.py [--code DIR] [--out results/peer_terms.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live import LiveServer, PeerServer, query  # noqa: E402

CAP = 16 * 1024 * 1024  # what one query may read from all its peers
HEAD = b'{"head":{"vars":["s"]},"results":{"bindings":['


def fill(prefix: bytes, item: Callable[[int], bytes], suffix: bytes) -> bytes:
    """prefix, as many items as fit under CAP (comma-separated), suffix."""
    parts, size, n = [prefix], len(prefix) + len(suffix), 0
    while True:
        piece = item(n) + b","
        if size + len(piece) > CAP:
            break
        parts.append(piece)
        size += len(piece)
        n += 1
    return b"".join(parts).rstrip(b",") + suffix


SHAPES: dict[str, Callable[[], bytes]] = {
    # one tiny term in each row, far more rows than a block may bring
    "rows-of-one-term": lambda: fill(HEAD, lambda n: b'{"s":{"type":"uri","value":"a:"}}', b"]}}"),
    # one row binding the block's variable and a name the block does not have, again and again
    "one-row-of-many-terms": lambda: fill(HEAD + b'{"s":{"type":"uri","value":"a:"},',
                                          lambda n: b'"j%d":{"type":"uri","value":"a:"}' % n, b"}]}}"),
    # rows binding twenty variables head.vars lists: as many terms as a query may take, then the row cap
    "rows-of-twenty-listed-terms": lambda: fill(
        b'{"head":{"vars":[' + b",".join(b'"v%d"' % i for i in range(20)) + b']},"results":{"bindings":[',
        lambda n: b"{" + b",".join(b'"v%d":{"type":"uri","value":"a:"}' % i for i in range(20)) + b"}", b"]}}"),
    # an honest single row, and a list of short strings in a member nothing reads
    "noise-beside-the-results": lambda: fill(HEAD + b'{"s":{"type":"uri","value":"a:"}}]},"noise":[',
                                             lambda n: b'"ab"', b"]}"),
}


def peak_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def measure(name: str, body: bytes, code: str | None, folder: Path) -> dict[str, object]:
    def answer(handler: object) -> None:
        handler.send_response(200)  # type: ignore[attr-defined]
        handler.send_header("Content-Type", "application/sparql-results+json")  # type: ignore[attr-defined]
        handler.send_header("Content-Length", str(len(current[0])))  # type: ignore[attr-defined]
        handler.end_headers()  # type: ignore[attr-defined]
        handler.wfile.write(current[0])  # type: ignore[attr-defined]

    current = [json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": "http://example.org/a"}}]}}).encode()]
    peer = PeerServer(answer)
    env = {"ISIC_PEERS": str(folder / "peers.json"), "ISIC_QUERY_TIMEOUT": "120"}
    if code:
        env["PYTHONPATH"] = code
    server = LiveServer(folder, env).init()
    try:
        added = server.cli("peer", "add", "hostile", "--sparql", f"{peer.url}/sparql", "--allow-private")
        assert added.returncode == 0, added.stderr
        server.start()
        assert server.process is not None
        pid = server.process.pid
        sparql = f"SELECT * WHERE {{ SERVICE <{peer.url}/sparql> {{ ?s ?p ?o }} }}"
        warm = query(server.url, sparql, timeout=120)
        assert warm.status == 200, warm.body[:300]
        before = peak_kib(pid)
        current[0] = body
        hostile = query(server.url, sparql, timeout=300)
        after = peak_kib(pid)
        detail = json.loads(hostile.body).get("detail", "") if hostile.status != 200 else ""
        return {"shape": name, "body_bytes": len(body), "status": hostile.status, "detail": detail[:200],
                "peak_before_mib": round(before / 1024, 1), "peak_after_mib": round(after / 1024, 1),
                "peak_growth_mib": round((after - before) / 1024, 1)}
    finally:
        server.stop()
        peer.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", help="a folder holding the isic_graph package to run instead of this one")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES))
    arguments = parser.parse_args()
    measured = []
    for name in arguments.shape or SHAPES:
        with tempfile.TemporaryDirectory(prefix="peer-terms-") as folder:
            row = measure(name, SHAPES[name](), arguments.code, Path(folder))
        print(json.dumps(row), flush=True)
        measured.append(row)
    if arguments.out:
        arguments.out.write_text(json.dumps(measured, indent=2) + "\n")


if __name__ == "__main__":
    main()
