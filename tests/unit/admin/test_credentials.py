"""The networks' credentials from the command line: `network add` prints the token once (on stdout, alone, for
`TOKEN=$(…)`); run again for a network already registered it renews the token and says the one given before no
longer works (a second guide's `network add` silently cut off a data person's token)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main


def add(folder: Path, slug: str, name: str) -> Result:
    return CliRunner().invoke(main, ["network", "add", slug, "--name", name],
                              env={"ISIC_CREDENTIALS": str(folder / "credentials.json"),
                                   "ISIC_STORE": str(folder / "store")})


def test_a_new_network_gets_its_token_alone_on_stdout(tmp_path: Path) -> None:
    added = add(tmp_path, "demo", "Réseau de démonstration")
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert "\n" not in token and len(token) >= 40
    assert "network demo registered;" in added.stderr and "renewed" not in added.stderr
    assert CredentialStore(tmp_path / "credentials.json").network_for(token) == "demo"


def test_adding_a_registered_network_again_renews_its_token_and_says_the_old_one_stops(tmp_path: Path) -> None:
    first = add(tmp_path, "demo", "Réseau de démonstration").stdout.strip()
    again = add(tmp_path, "demo", "Démo")
    assert again.exit_code == 0, again.output
    second = again.stdout.strip()
    assert "was registered already" in again.stderr and "no longer works" in again.stderr, again.stderr
    assert "its name was 'Réseau de démonstration'" in again.stderr
    credentials = CredentialStore(tmp_path / "credentials.json")
    assert credentials.network_for(first) is None and credentials.network_for(second) == "demo"
    assert [c.name for c in credentials.list()] == ["Démo"]


def test_a_revoked_network_added_again_is_registered_again(tmp_path: Path) -> None:
    add(tmp_path, "demo", "Démo")
    revoked = CliRunner().invoke(main, ["network", "revoke", "demo"],
                                 env={"ISIC_CREDENTIALS": str(tmp_path / "credentials.json")})
    assert revoked.exit_code == 0, revoked.output
    again = add(tmp_path, "demo", "Démo")
    assert again.exit_code == 0 and "revoked" in again.stderr and "registered again" in again.stderr, again.stderr
    assert "its name was" not in again.stderr
    assert CredentialStore(tmp_path / "credentials.json").network_for(again.stdout.strip()) == "demo"
