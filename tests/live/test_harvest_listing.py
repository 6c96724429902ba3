"""What a harvest takes from a peer's listing and dumps: a dump served as `text/turtle` with parameters is a
Turtle dump; a network the listing names twice (two Turtle dumps) is reported and harvested from neither; a
peer's resource attributed to one of this instance's networks is left out, so that no list, search or query
reads a peer's projects as that network's; and a peer owns by record only what it published here: what a
harvest leaves out, or a harvest that fails, gives it nothing.

The peer is a site on 127.0.0.1 serving the samples' fcsf network (its IRIs under the harvester's own base, the
space the peer is registered with)."""

from __future__ import annotations

import hashlib
import http.server
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from isic_graph.admin.bootstrap import init_store
from isic_graph.cli import main
from isic_graph.federation.client import register
from isic_graph.federation.harvest import NetworkOutcome, harvest, harvest_peers
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.ingest import ownership
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.rdf.formats import format_named
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.live.test_harvest_dependents import BASE, GRAPHS, ID, dump
from tests.support.live import PeerServer, reply

ATTRIBUTED = "http://www.w3.org/ns/prov#wasAttributedTo"
Site = tuple[PeerServer, dict[str, Any]]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    served: dict[str, Any] = {"listing": [], "/dumps/network/fcsf.ttl": dump("fcsf")}

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        listing = served["listing"] if isinstance(served["listing"], dict) else {"dumps": served["listing"]}
        body = json.dumps(listing).encode() if handler.path == "/dumps/" else served.get(handler.path)
        tag = {"ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"'} if body is not None else {}
        if handler.path == "/dumps/network/broken.ttl":
            reply(handler, 500, b"down for maintenance")
        elif tag and handler.path != "/dumps/" and handler.headers.get("If-None-Match") == tag["ETag"]:
            reply(handler, 304, headers=tag)  # as a peer answers a dump unchanged since the copy's ETag
        else:
            reply(handler, 200 if body is not None else 404, body or b"", tag)

    server = PeerServer(answer)
    yield server, served
    server.close()


def entry(network: str, media_type: str = "text/turtle", url: str = "/dumps/network/fcsf.ttl") -> dict[str, str]:
    return {"name": f"network/{network}.ttl", "url": url, "media_type": media_type, "network": network}


def outcomes(site: Site, tmp_path: Path, validator: Validator, listing: list[dict[str, str]],
             local: str | None = None, error: list[str] | None = None) -> tuple[EmbeddedStore, list[NetworkOutcome]]:
    """A harvesting store (ontology and thesauri, and a network `local` of its own publishing one organisation)
    and the outcome of each network of its harvest of the peer serving `listing`."""
    server, served = site
    served["listing"] = listing
    peer: Peer = register(PeerRegistry(tmp_path / "peers.json"), "south", f"{server.url}/sparql",
                          f"{server.url}/dumps/", allow_private=True, uri_space=ID)
    store = EmbeddedStore(None)
    init_store(store, GRAPHS)
    if local is not None:
        isic = "https://w3id.org/isic/ontology#"
        ours = (f"<{ID}organisation/ours> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{isic}Organisation> .\n"
                f"<{ID}organisation/ours> <{isic}actorType> "
                "<https://w3id.org/isic/thesaurus/actor-type/association> .\n"
                f'<{ID}organisation/ours> <http://www.w3.org/2000/01/rdf-schema#label> "Ours" .\n')
        ingest(store, validator, GRAPHS, [Document("ours.nt", ours.encode(), format_named("ntriples"))], local)
    outcome = harvest(store, validator, GRAPHS, peer)
    if error is not None:
        error.append(outcome.error or "")
    return store, list(outcome.networks)


@pytest.mark.parametrize("media_type", ["text/turtle; charset=utf-8", "Text/Turtle", "text/turtle;charset=UTF-8"])
def test_a_turtle_dump_with_parameters_is_harvested(site: Site, tmp_path: Path, validator: Validator,
                                                    media_type: str) -> None:
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf", media_type), entry("other", "text/csv")])
    assert [(n.network, n.changed, n.error) for n in found] == [("fcsf", True, None)]
    assert store.count(GRAPHS.peer("south", "fcsf")) == found[0].triples > 100


def test_a_network_listed_twice_is_harvested_from_neither_dump_and_said_once(site: Site, tmp_path: Path,
                                                                             validator: Validator) -> None:
    listing = [entry("fcsf"), {**entry("fcsf"), "url": "/dumps/network/elsewhere.ttl"},
               entry("fcsf", "application/ld+json"), entry("good")]
    store, found = outcomes(site, tmp_path, validator, listing)
    said = {n.network: n for n in found}
    assert len(found) == 2 and said["good"].changed and said["good"].error is None
    assert not said["fcsf"].changed and "'fcsf' is listed 2 times" in (said["fcsf"].error or "")
    assert GRAPHS.peer("south", "fcsf") not in store.graph_names()


def test_a_peers_resource_attributed_to_a_network_of_this_instance_is_left_out(site: Site, tmp_path: Path,
                                                                                validator: Validator) -> None:
    """The peer's sheets say they are fcsf's; here fcsf is a network of this instance."""
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf")], local="fcsf")
    [outcome] = found
    ours = GRAPHS.network_resource("fcsf")
    assert outcome.error is None and outcome.reasons
    said = f"attributed to this instance's network <{ours}>"
    sheets = [resource for resource, why in outcome.reasons.items() if why.startswith(said)]
    assert sheets and all(r.startswith(ID + "sheet/") for r in sheets)
    rows = store.select(f"SELECT ?x ?g WHERE {{ GRAPH ?g {{ ?x <{ATTRIBUTED}> <{ours}> }} }}").rows
    assert rows and not [row for row in rows if row["g"].value.startswith(GRAPHS.peer_prefix)]
    # and with no such network here, the same dump is copied with its sheets
    store, found = outcomes(site, tmp_path / "again", validator, [entry("fcsf")], local="here")
    assert not any("attributed to this instance's network" in why for why in found[0].reasons.values())
    assert store.select(f"SELECT ?x WHERE {{ GRAPH <{GRAPHS.peer('south', 'fcsf')}> {{ ?x <{ATTRIBUTED}> <{ours}> }} "
                        "}").rows


PROJECT = ID + "project/epicerie-solidaire-grenoble"  # fcsf's, in the peer's dump


def test_a_resource_the_harvest_leaves_out_is_not_recorded_as_the_peers(site: Site, tmp_path: Path,
                                                                        validator: Validator) -> None:
    server, served = site
    squat = ID + "project/squat"
    served["/dumps/network/squat.ttl"] = (f'<{squat}> a <https://w3id.org/isic/ontology#Project> ; '
                                          '<http://purl.org/dc/terms/title> "Squat"@fr .').encode()
    store, found = outcomes(site, tmp_path, validator, [entry("squat", url="/dumps/network/squat.ttl"),
                                                        entry("fcsf")])
    said = {n.network: n for n in found}
    assert said["squat"].changed and squat in said["squat"].skipped and said["squat"].triples == 0
    assert ownership.owner_of(store, GRAPHS, squat) is None  # nobody's: a network may publish it
    assert ownership.owner_of(store, GRAPHS, PROJECT) == ownership.peer(GRAPHS, "south")  # what it stored is its own
    record = ownership.record_of(store, GRAPHS, PROJECT)
    assert record is not None and record.activity is not None


def test_a_failed_harvest_records_no_owner(site: Site, tmp_path: Path, validator: Validator) -> None:
    error: list[str] = []
    listing = [entry("fcsf"), entry("broken", url="/dumps/network/broken.ttl")]
    store, found = outcomes(site, tmp_path, validator, listing, error=error)
    assert found == [] and "500" in error[0]  # the peer failed: its last copies kept, none made
    assert GRAPHS.peer("south", "fcsf") not in store.graph_names()
    assert ownership.owner_of(store, GRAPHS, PROJECT) is None


def test_a_network_the_listing_no_longer_names_has_its_copy_dropped(site: Site, tmp_path: Path,
                                                                     validator: Validator) -> None:
    server, served = site
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf"), entry("other")])
    assert {n.network for n in found if n.changed} == {"fcsf", "other"}
    peer = PeerRegistry(tmp_path / "peers.json").get("south")
    served["listing"] = [entry("other"), entry("fcsf", "application/ld+json")]  # still named: kept
    assert not [n for n in harvest(store, validator, GRAPHS, peer).networks if n.withdrawn]
    served["listing"] = [entry("other")]
    said = {n.network: n for n in harvest(store, validator, GRAPHS, peer).networks}
    assert said["fcsf"].withdrawn and said["fcsf"].changed and not said["other"].withdrawn
    assert GRAPHS.peer("south", "fcsf") not in store.graph_names()
    assert store.select(f"SELECT ?p WHERE {{ GRAPH <{GRAPHS.metadata}> {{ <{GRAPHS.peer('south', 'fcsf')}> ?p ?o }} "
                        "}").rows == ()
    # what only that copy held is nobody's now; what the peer's other copy holds stays its own
    assert store.query(f"ASK {{ GRAPH <{GRAPHS.peer('south', 'other')}> {{ <{PROJECT}> ?p ?o }} }}") is True
    assert ownership.owner_of(store, GRAPHS, PROJECT) == ownership.peer(GRAPHS, "south")
    served["listing"] = []
    said = {n.network: n for n in harvest(store, validator, GRAPHS, peer).networks}
    assert said["other"].withdrawn and not [g for g in store.graph_names() if g.startswith(GRAPHS.peer_prefix)]
    assert ownership.owner_of(store, GRAPHS, PROJECT) is None
    assert store.query(f"ASK {{ <{PROJECT}> ?p ?o }}") is False  # nor in the default graph queries read


def test_removing_a_peer_drops_its_copies_and_what_it_owned(site: Site, tmp_path: Path, validator: Validator) -> None:
    server, served = site
    served["listing"] = [entry("fcsf")]
    registry = PeerRegistry(tmp_path / "peers.json")
    peer = register(registry, "south", f"{server.url}/sparql", f"{server.url}/dumps/", allow_private=True,
                    uri_space=ID)
    with EmbeddedStore(tmp_path / "store") as store:
        init_store(store, GRAPHS)
        assert harvest(store, validator, GRAPHS, peer).networks[0].changed
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store"), "ISIC_PEERS": str(registry.path)}
    removed = CliRunner().invoke(main, ["peer", "remove", "south"], env=env)
    assert removed.exit_code == 0 and "peer south removed; 1 copies of its networks dropped" in removed.stdout
    assert registry.list() == []
    with EmbeddedStore(tmp_path / "store") as store:
        assert not [g for g in store.graph_names() if g.startswith(GRAPHS.peer_prefix)]
        assert ownership.owner_of(store, GRAPHS, PROJECT) is None
        agent = ownership.peer(GRAPHS, "south").agent
        assert store.select(f"SELECT ?r WHERE {{ GRAPH <{GRAPHS.ownership}> {{ ?r ?p <{agent}> }} }}").rows == ()
        assert store.select(f"SELECT ?o WHERE {{ GRAPH <{GRAPHS.ownership}> {{ <{agent}> ?p ?o }} }}").rows == ()
    again = CliRunner().invoke(main, ["peer", "remove", "south"], env=env)
    assert again.exit_code != 0 and "no peer 'south'" in again.stderr


def test_a_resource_of_the_peer_with_a_statement_left_out_is_kept_and_said_so(site: Site, tmp_path: Path,
                                                                              validator: Validator) -> None:
    """Its link to a resource of this instance is left out; the outcome said the whole resource was, as another's."""
    server, served = site
    link = f"<{PROJECT}> <http://www.w3.org/2002/07/owl#sameAs> <{ID}organisation/ours> .\n".encode()
    served["/dumps/network/linked.ttl"] = served["/dumps/network/fcsf.ttl"] + b"\n" + link
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf", url="/dumps/network/linked.ttl")], local="here")
    [outcome] = found
    assert outcome.reasons[PROJECT].startswith("some of its statements were left out"), outcome.reasons[PROJECT]
    copy = GRAPHS.peer("south", "fcsf")
    assert store.query(f"ASK {{ GRAPH <{copy}> {{ <{PROJECT}> ?p ?o }} }}") is True
    assert store.query(f"ASK {{ GRAPH <{copy}> {{ <{PROJECT}> <http://www.w3.org/2002/07/owl#sameAs> ?o }} }}") is False


@pytest.mark.parametrize("listing", [{"status": "maintenance"}, {"dumps": [{**entry("FCSF")}, entry("other")]}])
def test_a_listing_that_is_none_or_has_an_entry_refused_drops_no_copy(site: Site, tmp_path: Path,
                                                                      validator: Validator,
                                                                      listing: dict[str, Any]) -> None:
    """`{"status": "maintenance"}` read as a listing of no network dropped every copy; a listing naming `FCSF`
    (refused: not a name) dropped the copy of `fcsf`."""
    server, served = site
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf")])
    assert found[0].changed and GRAPHS.peer("south", "fcsf") in store.graph_names()
    served["listing"] = listing
    after = harvest(store, validator, GRAPHS, PeerRegistry(tmp_path / "peers.json").get("south"))
    assert not [n for n in after.networks if n.withdrawn]
    assert GRAPHS.peer("south", "fcsf") in store.graph_names()
    assert after.error or any(n.error for n in after.networks)


def test_what_one_peer_gave_back_another_peer_copies_at_the_next_harvest(site: Site, tmp_path: Path,
                                                                         validator: Validator) -> None:
    """Two peers publish the same project; the first (by name) owns it, the other's copy leaves it out. When the
    first stops listing it, the other's copy, unchanged (304), kept leaving it out."""
    server, served = site
    registry = PeerRegistry(tmp_path / "peers.json")
    served["listing"] = [entry("fcsf")]
    first, second = (register(registry, name, f"{server.url}/sparql", f"{server.url}/dumps/", allow_private=True,
                              uri_space=ID) for name in ("alpha", "beta"))
    store = EmbeddedStore(None)
    init_store(store, GRAPHS)
    harvest_peers(store, validator, GRAPHS, [first, second])
    assert ownership.owner_of(store, GRAPHS, PROJECT) == ownership.peer(GRAPHS, "alpha")
    assert store.query(f"ASK {{ GRAPH <{GRAPHS.peer('beta', 'fcsf')}> {{ <{PROJECT}> ?p ?o }} }}") is False
    served["listing"] = []  # alpha's listing, and beta's: one site serves both; beta's comes back below
    harvest_peers(store, validator, GRAPHS, [first])
    assert ownership.owner_of(store, GRAPHS, PROJECT) is None
    served["listing"] = [entry("fcsf")]
    harvest_peers(store, validator, GRAPHS, [second])
    assert ownership.owner_of(store, GRAPHS, PROJECT) == ownership.peer(GRAPHS, "beta")
    assert store.query(f"ASK {{ GRAPH <{GRAPHS.peer('beta', 'fcsf')}> {{ <{PROJECT}> ?p ?o }} }}") is True


def test_a_copy_attributing_resources_to_a_network_made_here_since_is_read_again(site: Site, tmp_path: Path,
                                                                                   validator: Validator) -> None:
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf")])
    ours = GRAPHS.network_resource("fcsf")
    copy = GRAPHS.peer("south", "fcsf")
    assert store.query(f"ASK {{ GRAPH <{copy}> {{ ?s <{ATTRIBUTED}> <{ours}> }} }}") is True
    isic = "https://w3id.org/isic/ontology#"
    made = (f"<{ID}organisation/ours> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{isic}Organisation> .\n"
            f"<{ID}organisation/ours> <{isic}actorType> <https://w3id.org/isic/thesaurus/actor-type/association> .\n"
            f'<{ID}organisation/ours> <http://www.w3.org/2000/01/rdf-schema#label> "Ours" .\n')
    ingest(store, validator, GRAPHS, [Document("ours.nt", made.encode(), format_named("ntriples"))], "fcsf")
    again = harvest(store, validator, GRAPHS, PeerRegistry(tmp_path / "peers.json").get("south"))
    assert again.networks[0].changed  # read whole again, not 304
    assert store.query(f"ASK {{ GRAPH <{copy}> {{ ?s <{ATTRIBUTED}> <{ours}> }} }}") is False


def test_a_network_withdrawn_while_another_networks_dump_fails_has_its_copy_dropped(site: Site, tmp_path: Path,
                                                                                   validator: Validator) -> None:
    """A dump the harvest could not read (here, not Turtle) kept every withdrawn network's copy, queryable and
    unsaid, for as long as it failed; the network whose dump failed keeps its own last copy."""
    server, served = site
    served["/dumps/network/garbage.ttl"] = b"this is @@ not turtle"
    store, found = outcomes(site, tmp_path, validator, [entry("fcsf"), entry("other")])
    assert {n.network for n in found if n.changed} == {"fcsf", "other"}
    served["listing"] = [entry("other", url="/dumps/network/garbage.ttl")]
    said = {n.network: n for n in harvest(store, validator, GRAPHS,
                                          PeerRegistry(tmp_path / "peers.json").get("south")).networks}
    assert said["fcsf"].withdrawn and GRAPHS.peer("south", "fcsf") not in store.graph_names()
    assert said["other"].error and "not valid turtle" in said["other"].error, said["other"]
    assert GRAPHS.peer("south", "other") in store.graph_names()


def test_a_network_graph_past_one_submissions_size_is_harvested(site: Site, tmp_path: Path,
                                                                validator: Validator) -> None:
    """A peer's network graph grows past one submission's 50,000 triples (upserts); its harvest was refused for ever
    with the submitter's words, "split it into several submissions"."""
    server, served = site
    organisations = 17_000
    served["/dumps/network/big.ttl"] = "".join(
        f'<{ID}organisation/big-{n}> a <https://w3id.org/isic/ontology#Organisation> ; '
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Organisation {n}" ; '
        '<https://w3id.org/isic/ontology#actorType> <https://w3id.org/isic/thesaurus/actor-type/association> .\n'
        for n in range(organisations)).encode()
    store, found = outcomes(site, tmp_path, validator, [entry("big", url="/dumps/network/big.ttl")])
    assert [(n.network, n.changed, n.error) for n in found] == [("big", True, None)]
    assert store.count(GRAPHS.peer("south", "big")) >= 3 * organisations > 50_000
