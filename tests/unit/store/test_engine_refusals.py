"""An engine refusing a text this server wrote as too large (Oxigraph: 400 "SPARQL body payloads are limited to…")
is the server's failure (502, its words kept for the log), never reported as the client's request."""

from __future__ import annotations

import http.server
import threading
from typing import Any, Iterator

import pytest

from isic_graph.errors import EngineFailed
from isic_graph.store.remote import RemoteStore


@pytest.fixture
def refusing() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = b"SPARQL body payloads are limited to 134217728 bytes, found 300000444 bytes"
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_query_text_refused_as_too_large_is_the_servers_failure(refusing: str) -> None:
    store = RemoteStore(f"{refusing}/query", f"{refusing}/update", None, timeout=5)
    with pytest.raises(EngineFailed) as failed:
        store.query_raw("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert failed.value.status == 502 and not failed.value.public


def test_an_update_refused_as_too_large_is_the_servers_failure(refusing: str) -> None:
    store = RemoteStore(f"{refusing}/query", f"{refusing}/update", None, timeout=5)
    with pytest.raises(EngineFailed):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
