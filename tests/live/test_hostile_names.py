"""Hostile names against a live `isic-graph serve`: a name that is not a slug, fed through every place that turns a
name into SPARQL (peer add, network add, the CLI's --network, a peer's dump listing, harvest over HTTP and by a
`live` query, the ingestion API, the graph store, the sheet forms and CSV upload with a network of the credentials
file), is refused with a clear error; nothing is fetched (a canary on 127.0.0.1 hears nothing) and the store is
unchanged."""

from __future__ import annotations

import http.server
import json
import urllib.parse
from io import BytesIO
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from isic_graph.admin.credentials import _hash
from isic_graph.cli import main
from isic_graph.errors import UsageError
from isic_graph.federation.harvest import PeerOutcome, harvest
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.rdf.namespaces import Graphs, check_slug
from isic_graph.sparql.terms import iri, literal
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.jsonfile import read_entries, write_entries
from isic_graph.validation.validator import Validator
from tests.support import paths
from tests.support.live import Answer, Handler, Listener, LiveServer, PeerServer, query, request

ADMIN = "names-admin"
BASE = "http://localhost:5000/"
GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
TURTLE = b"<http://localhost:5000/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n"

# {canary} is the canary's URL: a name that reached SPARQL as text would make the engine call it.
HOSTILE = [
    "ok> ?p ?tag . SERVICE <{canary}/harvest-ssrf> { ?a ?b ?c } } } #",
    "ok> ?p ?o } } ; DROP ALL ; INSERT DATA { GRAPH <{canary}/x> { <a:a> <a:b> <a:c> } } #",
    'ok" . SERVICE <{canary}/literal> { ?a ?b ?c } #',
    "../../network/anas", "../anas", "anas/../../network/fcsf", "anas\n", "anas\r\n", "anas\r", "\nanas", "an\nas",
    "anas\t", "an as", "anas ", " anas", "anas>", "<anas", 'an"as', "an{as", "an}as", "an|as", "an^as", "an`as",
    "an\\as", "an\x00as", "anas\x00", "anas\x7f", "\u0430nas", "\uff41nas", "anas\u200b", "an\u00e4s", "anas\u2028",
    "ANAS", "Anas", "-anas", "anas#x", "anas?x", "anas%0a", "anas%3E", "anas.ttl", "", "a" * 64,
]


def names(canary: Listener) -> list[str]:
    return [name.replace("{canary}", canary.url) for name in HOSTILE]


@pytest.fixture(scope="module")
def canary() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def listing_site(listing: dict[str, object] | bytes) -> Handler:
    """A peer's dumps: the listing at /dumps/ (an object, or the bytes given), a Turtle file anywhere else."""
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        written = listing if isinstance(listing, bytes) else json.dumps(listing).encode()
        body = written if handler.path == "/dumps/" else TURTLE
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json" if handler.path == "/dumps/" else "text/turtle")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


@pytest.fixture(scope="module")
def peer(canary: Listener) -> Iterator[PeerServer]:
    """A peer on 127.0.0.1 whose dump listing names every hostile network (and some that are no strings)."""
    listing = {"dumps": [{"network": name, "media_type": "text/turtle", "url": f"network/{i}.ttl"}
                         for i, name in enumerate(names(canary))]}
    listing["dumps"] += [{"network": 7, "media_type": "text/turtle", "url": "network/7.ttl"},  # type: ignore[operator]
                         {"network": ["anas"], "media_type": "text/turtle", "url": "network/x.ttl"},
                         {"network": "anas", "media_type": "text/turtle", "url": ["network/anas.ttl"]}]
    site = PeerServer(listing_site(listing))
    yield site
    site.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, peer: PeerServer) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("names")
    server = LiveServer(folder, {"ISIC_ADMIN_TOKEN": ADMIN, "ISIC_PEERS": str(folder / "peers.json")}).init()
    PeerRegistry(folder / "peers.json").add("south", f"{peer.url}/sparql", f"{peer.url}/dumps/", allow_private=True)
    server.start()
    yield server
    server.stop()


def graphs_and_counts(live: LiveServer) -> dict[str, int]:
    answer = query(live.url, GRAPHS, source="127.0.0.7")
    assert answer.status == 200, answer.body[:300]
    return {b["g"]["value"]: int(b["n"]["value"]) for b in answer.json()["results"]["bindings"]}


def assert_refused(answer: Answer, statuses: tuple[int, ...] = (400,)) -> None:
    assert answer.status in statuses, (answer.status, answer.body[:300])
    if answer.headers["content-type"].startswith("application/problem+json"):
        assert answer.json()["detail"] or answer.json()["title"]
    assert b"Traceback" not in answer.body


@pytest.mark.parametrize("name", HOSTILE)
def test_the_slug_rule_refuses_every_hostile_name_and_every_term_writer_refuses_what_it_must(name: str) -> None:
    with pytest.raises(UsageError, match="invalid network name"):
        check_slug(name.replace("{canary}", "http://127.0.0.1:9"))
    graph = f"{BASE}graph/network/{name.replace('{canary}', 'http://127.0.0.1:9')}"
    if any(c in graph for c in ' <>"{}|^`\\\n\r\t\x00\x7f'):
        with pytest.raises(UsageError, match="is not an IRI"):
            iri(graph)
    written = literal(name)
    assert written.startswith('"') and written.endswith('"') and "\n" not in written and '"' not in written[1:-1] \
        .replace('\\"', "")


def test_hostile_names_are_refused_by_the_command_line(live: LiveServer, canary: Listener) -> None:
    runner = CliRunner()
    env = {"ISIC_PEERS": str(live.folder / "peers.json"), "ISIC_CREDENTIALS": str(live.folder / "credentials.json"),
           "ISIC_STORE": str(live.folder / "store")}
    peers_before = (live.folder / "peers.json").read_bytes()
    sample = live.folder / "sample.ttl"
    sample.write_bytes(TURTLE)
    for name in names(canary):
        for args in (["peer", "add", "--sparql", "https://peer.example.org/sparql", "--", name],
                     ["network", "add", "--name", "Hostile", "--", name],
                     ["validate", f"--network={name}", str(sample)]):
            result = runner.invoke(main, args, env=env)
            said = "invalid peer name" if args[0] == "peer" else "invalid network name"
            assert result.exit_code in (1, 2) and said in result.output, (args, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (live.folder / "peers.json").read_bytes() == peers_before
    assert not (live.folder / "credentials.json").exists() or not any(
        entry not in ("anas", "fcsf", "action-sociale-35") for entry in read_entries(live.folder / "credentials.json",
                                                                                       "networks"))
    assert canary.connections == 0


def test_a_peers_hostile_listing_is_refused_entry_by_entry_and_fetches_nothing(live: LiveServer, peer: PeerServer,
                                                                               canary: Listener) -> None:
    before = graphs_and_counts(live)
    live_query = f"{live.url}/sparql?" + urllib.parse.urlencode({"query": "ASK {}", "scope": "live"})
    anonymous = request(live_query, headers={"Accept": "application/sparql-results+json"}, source="127.0.0.8")
    assert anonymous.status == 401 and not peer.requests  # an anonymous client may not make this server fetch
    fetched = request(live_query, headers={"Accept": "application/sparql-results+json",
                                           "Authorization": f"Bearer {ADMIN}"}, source="127.0.0.8")
    assert fetched.status == 200, fetched.body[:300]
    harvested = request(f"{live.url}/api/harvest?peer=south", "POST", b"", {"Authorization": f"Bearer {ADMIN}"},
                        timeout=120)
    assert harvested.status == 200, harvested.body[:300]
    outcome = harvested.json()["peers"][0]
    assert outcome["error"] is None and len(outcome["networks"]) == len([n for n in HOSTILE if n]) + 3  # "": no network
    for network in outcome["networks"]:
        assert not network["changed"] and network["graph"] == "" and "not harvested" in network["error"]
        assert any(words in network["error"] for words in ("invalid network name", "no dump address",
                                                           "a network's name is not a string"))
    paths = [sent["path"] for sent in peer.requests]
    assert paths == ["/dumps/", "/dumps/"]  # only the listing was read: by the live query, then by the harvest
    assert graphs_and_counts(live) == before
    assert canary.connections == 0


def test_the_harvest_command_fails_when_a_listing_entry_is_refused(peer: PeerServer, tmp_path: Path) -> None:
    """An operator's script reads the exit status: a harvest that left networks out is not a success."""
    server = LiveServer(tmp_path, {"ISIC_PEERS": str(tmp_path / "peers.json")}).init()
    PeerRegistry(tmp_path / "peers.json").add("south", f"{peer.url}/sparql", f"{peer.url}/dumps/", allow_private=True)
    harvested = server.cli("harvest")
    assert harvested.returncode == 1, harvested.stdout + harvested.stderr
    assert "south/anas\terror, not copied:" in harvested.stdout and "Traceback" not in harvested.stderr


def test_hostile_names_in_requests_are_refused_and_store_nothing(live: LiveServer, canary: Listener) -> None:
    before = graphs_and_counts(live)
    admin = {"Authorization": f"Bearer {ADMIN}"}
    tokens = {}
    entries = read_entries(live.folder / "credentials.json", "networks")
    for i, name in enumerate(names(canary)):  # a credentials file written by hand, or before slugs were anchored
        tokens[name] = f"hostile-token-{i}"
        entries[name] = {"slug": name, "name": "Hostile", "token_sha256": _hash(tokens[name]),
                         "created": "2026-01-01T00:00:00+00:00"}
    write_entries(live.folder / "credentials.json", "networks", entries)
    csv = (paths.ROOT / "samples").glob("**/*.csv")
    csv_file = next(iter(sorted(csv)), None)
    for name in names(canary):
        quoted = urllib.parse.quote(name, safe="")
        assert_refused(request(f"{live.url}/api/networks/{quoted}/sheets", "POST", TURTLE,
                               {"Content-Type": "text/turtle", **admin}), (400, 404))
        assert_refused(request(f"{live.url}/api/validate?network={quoted}", "POST", TURTLE,
                               {"Content-Type": "text/turtle"}))
        graph = urllib.parse.quote(f"{BASE}graph/network/{name}", safe="")
        assert_refused(request(f"{live.url}/graph-store?graph={graph}", "PUT", TURTLE,
                               {"Content-Type": "text/turtle", **admin}))
        assert_refused(request(f"{live.url}/graph-store?graph={graph}", "DELETE", None, admin), (400, 404))
        form = urllib.parse.urlencode({"credential": tokens[name], "project.title": "Projet"}).encode()
        assert_refused(request(f"{live.url}/sheets", "POST", form,
                               {"Content-Type": "application/x-www-form-urlencoded"}))
        if csv_file is not None:
            boundary, body = encode_multipart({"credential": tokens[name], "files": FileStorage(
                BytesIO(csv_file.read_bytes()), filename=csv_file.name, content_type="text/csv")})
            assert_refused(request(f"{live.url}/sheets/csv", "POST", body,
                                   {"Content-Type": f"multipart/form-data; boundary={boundary}"}))
        if name:  # no network: the form's own check
            assert_refused(request(f"{live.url}/sheets/check?network={quoted}", "POST", form,
                                   {"Content-Type": "application/x-www-form-urlencoded"}))
        network = urllib.parse.quote(f"{BASE}id/network/{name}", safe="")
        filtered = request(f"{live.url}/maps?network={network}")  # an IRI filter: refused, or a valid IRI written
        assert filtered.status in (200, 400), filtered.body[:300]
    assert graphs_and_counts(live) == before
    assert canary.connections == 0


@pytest.mark.parametrize("url", [
    "{canary}/anas.ttl", "//127.0.0.1:{port}/anas.ttl", "http://%31%32%37.0.0.1:{port}/anas.ttl",
    "http://127.1:{port}/anas.ttl", "http://localhost:{port}/anas.ttl", "http://2130706433:{port}/anas.ttl",
    "http://[::ffff:127.0.0.1]:{port}/anas.ttl", "https://127.0.0.1:{port}/anas.ttl", "HTTP://127.0.0.1:{port}/anas.ttl",
])
def test_a_listing_entry_that_points_to_another_host_is_refused_before_any_connection_and_the_others_harvested(
        canary: Listener, validator: Validator, graphs: Graphs, url: str) -> None:
    address = url.replace("{canary}", canary.url).replace("{port}", str(canary.port))
    outcome, store, requests = harvested_from(
        {"dumps": [{"network": "anas", "media_type": "text/turtle", "url": address},
                   {"network": "fcsf", "media_type": "text/turtle", "url": "network/fcsf.ttl"}]}, validator, graphs)
    assert outcome.error is None
    refused, harvested = outcome.networks
    assert refused.network == "anas" and refused.error and "another host" in refused.error
    assert not refused.changed
    assert harvested.network == "fcsf" and harvested.error is None and harvested.changed
    assert [sent["path"] for sent in requests] == ["/dumps/", "/dumps/network/fcsf.ttl"]
    assert store.graph_names() and not any("anas" in name for name in store.graph_names())
    assert canary.connections == 0


def harvested_from(listing: dict[str, object] | bytes, validator: Validator,
                   graphs: Graphs) -> tuple[PeerOutcome, EmbeddedStore, list[dict[str, str]]]:
    """A harvest, into a store of its own, of a peer on 127.0.0.1 whose dumps are this listing; what the peer
    was asked."""
    site = PeerServer(listing_site(listing))
    store = EmbeddedStore(None)
    try:
        south = Peer("south", f"{site.url}/sparql", f"{site.url}/dumps/", "2026-01-01T00:00:00+00:00", True)
        return harvest(store, validator, graphs, south), store, site.requests
    finally:
        site.close()


def test_a_listing_nested_past_what_json_reading_holds_fails_that_peer_only_and_writes_nothing(
        validator: Validator, graphs: Graphs) -> None:
    outcome, store, _ = harvested_from(b'{"dumps": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", validator, graphs)
    assert outcome.error and "nests too deep" in outcome.error and not outcome.networks
    assert store.graph_names() == []


@pytest.mark.parametrize("body, read", [
    (b'{"n": ' + b"9" * 5_000 + b', "dumps": []}', True),
    (b'{"dumps": [], "n": -' + b"1" * 50_000 + b".5e" + b"7" * 5_000 + b"}", True),
    (b'{"dumps": [' + b"1" * 5_000 + b"]}", True),
    (b'{"dumps": [{"network": ' + b"1" * 5_000 + b', "url": 1, "media_type": "text/turtle"}]}', True),
    (b"not json", False), (b'{"dumps": [}', False), (b"\xff\xfe{}", False),
], ids=["long-integer-first", "long-float-last", "long-integer-entry", "long-integer-name", "no-json", "broken",
        "not-utf-8"])
def test_a_listing_no_json_reader_turns_into_values_fails_that_peer_in_words_naming_it(
        validator: Validator, graphs: Graphs, body: bytes, read: bool) -> None:
    """Numbers of thousands of digits are read as written (Python turns none of them into an int: its limit would
    answer in its own words); a listing that is no JSON fails the peer in words naming it."""
    outcome, store, _ = harvested_from(body, validator, graphs)
    assert store.graph_names() == []
    assert outcome.error == (None if read else "peer south's dump listing is not JSON (UTF-8)")
    assert len(outcome.networks) == body.count(b'"network"')
    for network in outcome.networks:  # a number is no network's name
        assert not network.changed and network.network == "(no string)"
        assert network.error == "peer south's dump listing: a network's name is not a string; not harvested"


@pytest.mark.parametrize("url", ["#@127.0.0.1:{port}/anas.ttl", "network/anas.ttl#@127.0.0.1:{port}/n11",
                                 "network/anas.ttl#frag"])
def test_a_listing_entry_with_a_fragment_is_refused_alone_and_the_others_harvested(
        canary: Listener, validator: Validator, graphs: Graphs, url: str) -> None:
    """One such entry (on the peer's own host) failed the whole peer's harvest, with words blaming the peer's own
    URL; the other networks were not harvested."""
    outcome, store, requests = harvested_from(
        {"dumps": [{"network": "anas", "media_type": "text/turtle", "url": url.replace("{port}", str(canary.port))},
                   {"network": "fcsf", "media_type": "text/turtle", "url": "network/fcsf.ttl"}]}, validator, graphs)
    assert outcome.error is None, outcome.error
    refused, harvested = outcome.networks
    assert refused.network == "anas" and refused.error and "dump listing" in refused.error, refused
    assert harvested.network == "fcsf" and harvested.error is None and harvested.changed
    assert [sent["path"] for sent in requests] == ["/dumps/", "/dumps/network/fcsf.ttl"]
    assert canary.connections == 0
