"""`isic-graph --lang fr` says in French what the operator's commands did: init, backup and restore, and the
peers' registration, list and removal, said it in English whatever the language asked."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from isic_graph.cli import main

BASE = "http://localhost:5000/"


def test_the_store_and_peer_commands_say_what_they_did_in_french(tmp_path: Path) -> None:
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store"), "ISIC_PEERS": str(tmp_path / "peers.json")}
    runner = CliRunner()

    def french(*args: str) -> str:
        result = runner.invoke(main, ["--lang", "fr", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    assert "base prête :" in french("init") and "triplets dans" in french("init")
    saved = french("backup", str(tmp_path / "backup"))
    assert "sauvegarde de" in saved and "quadruplets" in saved and "backed up" not in saved
    assert "backup: écriture 100% (" in saved and " sur " in saved and "writing" not in saved  # its progress
    (tmp_path / "store").rename(tmp_path / "old")
    restored = french("restore", str(tmp_path / "backup"))
    assert "quadruplets restaurés dans" in restored and "restored" not in restored
    added = french("peer", "add", "sud", "--sparql", "http://127.0.0.1:9/sparql", "--allow-private")
    assert "pair sud enregistré : http://127.0.0.1:9/sparql, propriétaire de ce qu’il est le premier à publier" \
        in added and "registered" not in added
    listed = french("peer", "list")
    assert "\tdepuis " in listed and "\tpossède ce qu’il est le premier à publier" in listed
    assert "adresse privée permise" in listed and "since" not in listed
    removed = french("peer", "remove", "sud")
    assert "pair sud retiré ; 0 copie(s) de ses réseaux supprimée(s)" in removed
    english = runner.invoke(main, ["peer", "add", "nord", "--sparql", "http://127.0.0.1:9/sparql", "--allow-private"],
                            env=env)
    assert english.exit_code == 0 and "peer nord registered: http://127.0.0.1:9/sparql" in english.output
