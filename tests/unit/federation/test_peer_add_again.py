"""`peer add NAME --sparql NEW` again, as its help says to change a peer's addresses, took away its dumps and its URI
space (the note still said it owned its space): what is not given again is kept."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from isic_graph.cli import main
from isic_graph.federation.peers import PeerRegistry


def test_a_peer_added_again_keeps_what_is_not_given_again(tmp_path: Path) -> None:
    env = {"ISIC_PEERS": str(tmp_path / "peers.json"), "ISIC_STORE": str(tmp_path / "no-store"),
           "ISIC_BASE_IRI": "http://localhost:5000/"}
    first = CliRunner().invoke(main, ["peer", "add", "sud", "--sparql", "http://127.0.0.1:9/sparql", "--dumps",
                                      "http://127.0.0.1:9/dumps/", "--uri-space", "http://sud.example/id/",
                                      "--allow-private"], env=env)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["peer", "add", "sud", "--sparql", "http://127.0.0.1:9/sparql-2"], env=env)
    assert again.exit_code == 0, again.output
    peer = PeerRegistry(tmp_path / "peers.json").get("sud")
    assert (peer.sparql, peer.dumps, peer.uri_space, peer.allow_private) == (
        "http://127.0.0.1:9/sparql-2", "http://127.0.0.1:9/dumps/", "http://sud.example/id/", True)
    assert "owning http://sud.example/id/" in again.output
