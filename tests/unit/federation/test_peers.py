"""The peer registry: who this instance may query and harvest; never a forged or private address by mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.errors import NotFound, SpaceOverlap, UsageError
from isic_graph.federation import client
from isic_graph.federation.client import register
from isic_graph.federation.harvest import harvest
from isic_graph.federation.peers import Peer, PeerRegistry, check_address
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import Engine
from isic_graph.validation.validator import Validator
from isic_graph.web import create_app

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


def test_peers_are_added_listed_changed_and_removed(tmp_path: Path) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("south", "https://south.example.org/sparql", "https://south.example.org/dumps/",
                 uri_space="https://south.example.org/id/")
    registry.add("north", "https://north.example.org/sparql")  # no dumps: its URI space is not needed
    assert [p.name for p in registry.list()] == ["north", "south"]
    assert (registry.get("south").uri_space == "https://south.example.org/id/"
            and registry.get("north").uri_space is None)
    registry.add("north", "https://isic.north.example.org/sparql")
    assert registry.get("north").sparql == "https://isic.north.example.org/sparql"
    assert registry.endpoints() == {"https://isic.north.example.org/sparql", "https://south.example.org/sparql"}
    registry.remove("south")
    with pytest.raises(NotFound):
        registry.get("south")
    with pytest.raises(NotFound):
        registry.remove("south")


@pytest.mark.parametrize("name", ["x y", "North", "a/b"])
def test_a_peer_with_an_invalid_name_is_refused_as_a_peer(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError) as refused:
        PeerRegistry(tmp_path / "peers.json").add(name, "https://south.example.org/sparql")
    assert refused.value.message.startswith(f"invalid peer name {name!r}") and refused.value.fr is not None
    assert refused.value.fr.startswith(f"nom de pair invalide {name!r}") and "network" not in refused.value.message


def test_a_peer_to_harvest_needs_a_uri_space_its_void_gives_or_the_operator(tmp_path: Path) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    with pytest.raises(UsageError, match="--uri-space"):
        register(registry, "south", "https://south.example.org/sparql", "https://south.example.org/dumps/")
    assert registry.list() == []  # nothing registered
    with pytest.raises(UsageError, match="not an absolute IRI"):
        registry.add("south", "https://south.example.org/sparql", uri_space="south/")
    for everyone in ("http://", "https:///id/", "urn:", "urn:x"):  # it would own every IRI of a scheme
        with pytest.raises(UsageError, match="names no host"):
            registry.add("south", "https://south.example.org/sparql", uri_space=everyone)
    assert registry.list() == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:7878/sparql", "http://[::1]/sparql", "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/sparql", "http://192.168.0.10/sparql", "http://localhost:7878/sparql", "http://0.0.0.0/",
], ids=["loopback", "loopback-v6", "metadata-service", "private-10", "private-192", "localhost", "unspecified"])
def test_non_public_addresses_need_the_operators_explicit_consent(tmp_path: Path, url: str) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    with pytest.raises(UsageError, match="--allow-private"):
        registry.add("inside", url)
    assert registry.list() == []
    assert registry.add("inside", url, allow_private=True).allow_private


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "https://user:secret@example.org/",
                                 "https://example.org/sparql#x", "not a url"])
def test_only_plain_http_urls_are_peers(url: str) -> None:
    with pytest.raises(UsageError):
        check_address(url, allow_private=True)


@pytest.mark.parametrize(("url", "plain"), [("https://user:secret@example.org/sparql", "https://example.org/sparql"),
                                            ("http://admin:hunter2@peer.example.org/sparql#top",
                                             "http://peer.example.org/sparql")])
def test_a_peers_url_with_credentials_is_refused_without_repeating_them(tmp_path: Path, url: str,
                                                                       plain: str) -> None:
    """The URL was quoted whole (its password with it), then masked as an e-mail address by the output's redaction."""
    refused = CliRunner().invoke(main, ["peer", "add", "p", "--sparql", url], env={"ISIC_PEERS": str(tmp_path / "p")})
    assert refused.exit_code != 0 and "credentials (user:password@)" in refused.output and plain in refused.output
    assert "secret" not in refused.output and "hunter2" not in refused.output and "(email)" not in refused.output


def test_a_peers_url_longer_than_browsers_take_is_refused(tmp_path: Path) -> None:
    url = "http://example.org/" + "a" * 3000
    refused = CliRunner().invoke(main, ["peer", "add", "p", "--sparql", url], env={"ISIC_PEERS": str(tmp_path / "p")})
    assert refused.exit_code != 0 and "at most 2048 characters" in refused.output and len(refused.output) < 500
    assert not (tmp_path / "p").exists() or "aaaa" not in (tmp_path / "p").read_text()


def test_the_cli_manages_peers_and_says_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ISIC_PEERS": str(tmp_path / "peers.json")}
    added = runner.invoke(main, ["peer", "add", "south", "--sparql", "http://127.0.0.1:9/sparql", "--allow-private"],
                          env=env)
    assert added.exit_code == 0 and "south registered" in added.output
    refused = runner.invoke(main, ["peer", "add", "meta", "--sparql", "http://169.254.169.254/"], env=env)
    assert refused.exit_code == 2 and "--allow-private" in refused.output  # a usage error, as every refusal of add
    listed = runner.invoke(main, ["peer", "list"], env=env)
    assert listed.output.startswith("south\thttp://127.0.0.1:9/sparql\t-\tsince ")
    assert "\towns what it publishes first" in listed.output  # no VoID to read there, and no dumps to harvest
    unread = runner.invoke(main, ["peer", "add", "north", "--sparql", "http://127.0.0.1:9/sparql", "--dumps",
                                  "http://127.0.0.1:9/dumps/", "--allow-private"], env=env)
    assert unread.exit_code == 2 and "--uri-space" in unread.output
    given = runner.invoke(main, ["peer", "add", "north", "--sparql", "http://127.0.0.1:9/sparql", "--dumps",
                                 "http://127.0.0.1:9/dumps/", "--allow-private", "--uri-space",
                                 "https://north.example.org/id/"], env=env)
    assert given.exit_code == 0 and "owning https://north.example.org/id/" in given.output
    assert "north\thttp://127.0.0.1:9/sparql\thttp://127.0.0.1:9/dumps/\tsince " in runner.invoke(
        main, ["peer", "list"], env=env).output
    assert runner.invoke(main, ["peer", "remove", "south"], env=env).exit_code == 0
    assert runner.invoke(main, ["peer", "remove", "south"], env=env).exit_code == 1


def test_the_catalogue_lists_the_peers_catalogues(engine: Engine, tmp_path: Path) -> None:
    PeerRegistry(tmp_path / "peers.json").add("south", "https://south.example.org/sparql",
                                               "https://south.example.org/dumps/", uri_space="https://south.example.org/id/")
    app = create_app(Settings(store_path=None, peers_path=tmp_path / "peers.json"), engine)
    body = app.test_client().get("/catalog", headers={"Accept": "application/n-triples"}).data
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in parse(body, format=RdfFormat.N_TRIPLES)}
    peer = "http://localhost:5000/catalog#peer-south"
    assert ("http://localhost:5000/catalog", DCAT + "catalog", peer) in triples
    assert (peer, VOID + "sparqlEndpoint", "https://south.example.org/sparql") in triples
    assert (peer, VOID + "dataDump", "https://south.example.org/dumps/") in triples


@pytest.mark.parametrize("url", [
    "http://[::7f00:1]/sparql", "http://[::a9fe:a9fe]/", "http://[::0a00:1]/",  # IPv4-compatible (deprecated)
    "http://[::ffff:0:7f00:1]/", "http://[::ffff:0:a9fe:a9fe]/",  # IPv4-translated (SIIT)
    "http://[64:ff9b:1::7f00:1]/", "http://[64:ff9b:1::808:808]/",  # NAT64's local-use prefix: a local translator
    "http://[fec0::1]/", "http://[FEC0:0:0:0:0:0:0:1]/",  # site-local (deprecated, never global)
])
def test_ipv6_addresses_that_embed_a_local_one_or_are_local_need_the_operators_consent(url: str) -> None:
    """Each was read as a public address: a translator or an old stack reaches the IPv4 address it holds."""
    with pytest.raises(UsageError, match="--allow-private"):
        check_address(url)
    check_address(url, allow_private=True)


BASE_IRI = "http://localhost:5307/"


@pytest.mark.parametrize("space, said", [
    (BASE_IRI, "this instance's base IRI"),
    ("https://localhost:5307/", "this instance's base IRI"),  # the web schemes are one
    ("http://localhost:5307", "this instance's base IRI"),
    ("http://localhost:5307/id/../", "this instance's base IRI"),
    ("http://localhost:5307/", "this instance's base IRI"),
    ("https://w3id.org/isic/", "vocabulary namespace https://w3id.org/isic/"),
    ("https://w3id.org/isic/thesaurus/", "vocabulary namespace https://w3id.org/isic/"),
    ("http://w3id.org/", "vocabulary namespace https://w3id.org/isic/"),  # holds it
    ("http://www.w3.org/2002/07/owl#", "vocabulary namespace http://www.w3.org/2002/07/owl#"),
    ("http://LOCALHOST:5307/", "this instance's base IRI"),  # a look-alike spelling
    ("https://w3id.org/isic", "vocabulary namespace https://w3id.org/isic/"),  # covers it by its last segment
    ("http://www.w3.org/2002/07/owl", "vocabulary namespace http://www.w3.org/2002/07/owl#"),
], ids=["base", "base-https", "no-slash", "dot-segments", "base-again", "ontology", "thesauri", "holds-vocabulary",
        "owl", "base-in-capitals", "ontology-without-slash", "owl-without-hash"])
def test_peer_add_refuses_a_uri_space_covering_what_is_not_the_peers(tmp_path: Path, space: str, said: str) -> None:
    """`peer add` refuses a URI space that is this instance's base IRI or holds it, or that overlaps the vocabularies:
    exit 2, the reason said, the registry unchanged."""
    runner = CliRunner()
    env = {"ISIC_PEERS": str(tmp_path / "peers.json"), "ISIC_BASE_IRI": BASE_IRI,
           "ISIC_STORE": str(tmp_path / "no-store")}
    south = runner.invoke(main, ["peer", "add", "south", "--sparql", "https://south.example.org/sparql",
                                 "--uri-space", "https://south.example.org/id/"], env=env)
    assert south.exit_code == 0, south.output
    before = (tmp_path / "peers.json").read_bytes()
    refused = runner.invoke(main, ["peer", "add", "p2", "--sparql", "http://127.0.0.1:9/sparql", "--allow-private",
                                   "--uri-space", space], env=env)
    assert refused.exit_code == 2, refused.output
    assert said in refused.output and "registered" not in refused.output
    assert (tmp_path / "peers.json").read_bytes() == before
    again = runner.invoke(main, ["peer", "add", "south", "--sparql", "https://isic.south.example.org/sparql",
                                 "--uri-space", "https://south.example.org/id/"], env=env)
    assert again.exit_code == 0, again.output  # a peer's own space is not another's


def test_a_uri_space_read_from_the_peers_void_is_held_to_the_same_rule(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    monkeypatch.setattr(client, "read_uri_space", lambda peer, timeout: "https://w3id.org/")
    with pytest.raises(SpaceOverlap, match="vocabulary namespace"):
        register(registry, "p2", "https://p2.example.org/sparql", "https://p2.example.org/dumps/", base=BASE_IRI)
    assert registry.list() == []
    monkeypatch.setattr(client, "read_uri_space", lambda peer, timeout: "https://p2.example.org/id/")
    assert register(registry, "p2", "https://p2.example.org/sparql", base=BASE_IRI).uri_space == (
        "https://p2.example.org/id/")


@pytest.mark.parametrize("space", ["https://south.example.org/other/", "https://south.example.org.evil/id/",
                                   "http://localhost:53070/", "https://w3id.org/other/",
                                   # beside a vocabulary's namespace, not in it: spaces cover whole path segments
                                   "https://w3id.org/isicx/", "https://w3id.org/is", "http://www.w3.org/2002/07/owlx#",
                                   # instances sharing one base, as the samples' networks do, declare the same space
                                   BASE_IRI + "id/", "https://south.example.org/id/"])
def test_a_uri_space_beside_the_others_is_accepted(tmp_path: Path, space: str) -> None:
    registry = PeerRegistry(tmp_path / "peers.json")
    registry.add("south", "https://south.example.org/sparql", uri_space="https://south.example.org/id/", base=BASE_IRI)
    assert registry.add("p2", "https://p2.example.org/sparql", uri_space=space, base=BASE_IRI).uri_space == space


def test_a_peer_registered_with_a_vocabulary_namespace_before_the_rule_is_not_harvested(
        validator: Validator) -> None:
    """A registry written by hand (or before `peer add` refused it): the harvest refuses the peer before asking it."""
    peer = Peer("old", "http://127.0.0.1:9/sparql", "http://127.0.0.1:9/dumps/", "2024-01-01T00:00:00+00:00", True,
                "https://w3id.org/isic/")
    store = EmbeddedStore(None)
    outcome = harvest(store, validator, Graphs(BASE_IRI), peer)
    assert outcome.error is not None and "vocabulary namespace https://w3id.org/isic/" in outcome.error
    assert not outcome.networks and len(store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }").rows) == 0


@pytest.mark.parametrize("space", ["HTTP://south.example.org/id/", "Https://South.Example.org/id/"])
def test_a_uri_space_in_capitals_is_taken(tmp_path: Path, space: str) -> None:
    """A web address's scheme is read whatever its case: the space was refused as no absolute IRI."""
    peer = PeerRegistry(tmp_path / "peers.json").add("south", "https://south.example.org/sparql", uri_space=space)
    assert peer.uri_space == space


@pytest.mark.parametrize("space", ["http://127.0.0.1:5401\\", "http://127.0.0.1:5401:/", "http://h.example:80:/id/",
                                   "http://h.example:8o/id/", "http://:80/id/", "https://h.example\\id/"])
def test_a_uri_space_that_is_no_iri_is_refused_with_exit_2(tmp_path: Path, space: str) -> None:
    """A backslash, an empty or second port: no IRI has them, and a browser reads `http://h:5401\\` as `http://h:5401/`
    (this instance's base, which no peer's space may hold)."""
    with pytest.raises(UsageError, match="is not an absolute IRI"):
        PeerRegistry(tmp_path / "peers.json").add("south", "https://south.example.org/sparql", uri_space=space)
    refused = CliRunner().invoke(main, ["peer", "add", "south", "--sparql", "https://south.example.org/sparql",
                                        "--uri-space", space], env={"ISIC_PEERS": str(tmp_path / "peers.json")})
    assert refused.exit_code == 2 and "not an absolute IRI" in refused.stderr


def test_removing_an_unknown_peer_while_the_store_is_in_use_says_only_that_there_is_none(tmp_path: Path) -> None:
    """It said first that the peer's copies stay until the command runs again, then that there is no such peer."""
    env = {"ISIC_PEERS": str(tmp_path / "peers.json"), "ISIC_STORE": str(tmp_path / "store")}
    with EmbeddedStore(tmp_path / "store"):  # in use, as by a running server
        refused = CliRunner().invoke(main, ["peer", "remove", "nulle"], env=env)
    assert refused.exit_code == 1 and "no peer 'nulle'" in refused.stderr and "note" not in refused.stderr
