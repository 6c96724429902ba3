"""Three instances on 127.0.0.1, one sample network each, federated by harvesting: the competency
questions answer as on one instance holding all the data; query scopes choose local, harvested or
freshly fetched data; SERVICE joins a peer's live data.

The sample networks cite one another by IRIs relative to one base, so the instances share that base,
as networks sharing one namespace do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.support import paths
from tests.support.live import LiveServer, add_peer, query, request

QUERIES = paths.ROOT / "queries"
SAMPLES = paths.ROOT / "samples"
ADMIN = "federation-admin-token"
ISIC = "https://w3id.org/isic/ontology#"


@dataclass
class Federation:
    single: LiveServer  # every sample network on one instance
    a: LiveServer  # anas, harvesting b and c
    b: LiveServer  # action-sociale-35
    c: LiveServer  # fcsf (which cites anas's lessons: it harvests a first)
    tokens: dict[str, str]


def instance(folder: Path, networks: tuple[str, ...], peers: tuple[tuple[str, LiveServer], ...] = ()) -> LiveServer:
    folder.mkdir()
    server = LiveServer(folder, {"ISIC_PEERS": str(folder / "peers.json"), "ISIC_ADMIN_TOKEN": ADMIN,
                                 "ISIC_CLIENT_BUDGET": "100000"})
    assert server.cli("init").returncode == 0
    for name, peer in peers:
        add_peer(server, name, peer)
    if peers:
        harvested = server.cli("harvest")
        assert harvested.returncode == 0, harvested.stdout + harvested.stderr
    for network in networks:
        files = sorted(str(p) for p in (SAMPLES / network).iterdir() if p.suffix in (".ttl", ".csv"))
        ingested = server.cli("ingest", *files, "--network", network)
        assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    return server


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    root = tmp_path_factory.mktemp("federation")
    started: list[LiveServer] = []
    try:
        single = LiveServer(root / "single", {"ISIC_CLIENT_BUDGET": "100000"})
        single.folder.mkdir()
        started.append(single.init().start())
        a = instance(root / "a", ("anas",))
        started.append(a.start())
        # action-sociale-35's sheet confirms a lesson of anas: its instance knows it from harvesting a first
        b = instance(root / "b", ("action-sociale-35",), (("a", a),))
        started.append(b.start())
        c = instance(root / "c", ("fcsf",), (("a", a),))
        started.append(c.start())
        for name, peer in (("b", b), ("c", c)):
            add_peer(a, name, peer)
        tokens = {}
        for server, network in ((b, "action-sociale-35"), (c, "fcsf")):
            token = server.cli("network", "add", network, "--name", network)
            assert token.returncode == 0, token.stderr
            tokens[network] = token.stdout.strip()
        yield Federation(single, a, b, c, tokens)
    finally:
        for server in started:
            server.stop()


def harvest(server: LiveServer) -> dict[str, Any]:
    answer = request(f"{server.url}/api/harvest", "POST", b"", {"Authorization": f"Bearer {ADMIN}"}, timeout=120)
    assert answer.status == 200, answer.body[:500]
    return answer.json()  # type: ignore[no-any-return]


def answers(server: LiveServer, sparql: str, **params: str) -> list[tuple[tuple[str, str], ...]]:
    answer = query(server.url, sparql, timeout=60, **params)
    assert answer.status == 200, answer.body[:500]
    return sorted(tuple(sorted((k, v["value"]) for k,
                               v in row.items())) for row in answer.json()["results"]["bindings"])


def lessons(server: LiveServer, **params: str) -> set[str]:
    return {dict(row)["l"] for row in answers(server, f"SELECT ?l WHERE {{ ?l a <{ISIC}Lesson> }}", **params)}


def test_after_harvesting_the_competency_questions_answer_as_on_one_instance(federation: Federation) -> None:
    outcome = harvest(federation.a)
    assert {p["peer"]: p["error"] for p in outcome["peers"]} == {"b": None, "c": None}
    for path in sorted(QUERIES.glob("cq*.rq")):
        sparql = path.read_text(encoding="utf-8")
        expected = answers(federation.single, sparql)
        assert expected, path.name
        assert answers(federation.a, sparql) == expected, f"{path.name} differs once federated"


def test_a_second_harvest_with_nothing_changed_transfers_no_graph(federation: Federation) -> None:
    harvest(federation.a)
    again = harvest(federation.a)
    assert [n["changed"] for p in again["peers"] for n in p["networks"]] == [False, False]


def test_the_scopes_choose_local_harvested_or_fresh_data(federation: Federation) -> None:
    harvest(federation.a)
    everything = lessons(federation.a)
    local = lessons(federation.a, scope="local")
    assert local and local < everything
    own = lessons(federation.b, scope="local") | lessons(federation.c, scope="local")
    assert local == lessons(federation.single) - own
    assert lessons(federation.a, scope="all") == everything

    sheet = (SAMPLES / "fcsf" / "vacances-familles-lille.ttl").read_text(encoding="utf-8")
    changed = sheet.replace("<id/lesson/vl-journee-test>", "<id/lesson/vl-journee-test-bis>")
    assert changed != sheet
    upsert = request(f"{federation.c.url}/api/networks/fcsf/sheets?mode=upsert", "POST", changed.encode(),
                     {"Content-Type": "text/turtle", "Authorization": f"Bearer {federation.tokens['fcsf']}"})
    assert upsert.status in (200, 201), upsert.body[:500]
    new = "http://localhost:5000/id/lesson/vl-journee-test-bis"
    assert new not in lessons(federation.a, scope="all")  # not harvested yet
    fresh = query(federation.a.url, f"ASK {{ <{new}> a <{ISIC}Lesson> }}", scope="live", timeout=60, token=ADMIN)
    assert fresh.status == 200 and fresh.json()["boolean"] is True
    assert fresh.headers.get("isic-scope") == "live" and "isic-stale-peers" not in fresh.headers


def test_a_peer_that_is_down_leaves_its_copy_and_live_queries_name_it_stale(federation: Federation) -> None:
    harvest(federation.a)
    before = lessons(federation.a)
    federation.b.stop()
    try:
        import time

        time.sleep(10.5)  # past the live refresh interval
        answer = query(federation.a.url, f"SELECT ?l WHERE {{ ?l a <{ISIC}Lesson> }}", scope="live", timeout=60,
                       token=ADMIN)
        assert answer.status == 200 and answer.headers.get("isic-stale-peers") == "b"
        assert {r["l"]["value"] for r in answer.json()["results"]["bindings"]} == before
        failed = harvest(federation.a)
        assert "cannot be reached" in str({p["peer"]: p["error"] for p in failed["peers"]}["b"])
    finally:
        federation.b.start()


def test_a_scope_is_refused_beside_an_explicit_dataset_or_when_unknown(federation: Federation) -> None:
    for params, sparql in (({"scope": "local"}, "SELECT * FROM <http://localhost:5000/graph/ontology> { ?s ?p ?o }"),
                           ({"scope": "everywhere"}, "ASK {}")):
        answer = query(federation.a.url, sparql, **params)
        assert answer.status == 400 and json.loads(answer.body)["code"] == "bad-request"


def test_service_to_a_registered_peer_reads_its_live_data(federation: Federation) -> None:
    found = answers(federation.a, f"""SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{
        SERVICE <{federation.b.url}/sparql> {{ ?l a <{ISIC}Lesson> }} }}""")
    assert found == [(("n", str(len(lessons(federation.b)))),)]


def test_the_query_form_offers_the_three_scopes(federation: Federation) -> None:
    page = request(f"{federation.a.url}/").body.decode()
    assert '<select id="scope" name="scope">' in page
    assert [s for s in ("local", "all", "live") if f'<option value="{s}"' in page] == ["local", "all", "live"]
    form = request(f"{federation.a.url}/sparql", "POST",
                   b"query=SELECT+%3Fl+WHERE+%7B+%3Fl+a+%3Chttps%3A%2F%2Fw3id.org%2Fisic%2Fontology%23Lesson%3E+%7D"
                   b"&scope=local&format=csv", {"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 200 and form.headers["content-type"].startswith("text/csv")
    assert set(form.body.decode().split("\r\n")[1:-1]) == lessons(federation.a, scope="local")


def test_a_peer_serving_invalid_data_has_those_resources_left_out_and_reported(federation: Federation) -> None:
    harvest(federation.a)
    before = lessons(federation.a)
    bad = "http://localhost:5000/id/project/projet-sans-titre"
    update = (f"INSERT DATA {{ GRAPH <http://localhost:5000/graph/network/fcsf> {{ "
              f"<{bad}> a <{ISIC}Project> ; <{ISIC}startDate> \"pas une date\" . }} }}")
    refused = request(f"{federation.c.url}/update", "POST", update.encode(),
                      {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {ADMIN}"})
    assert refused.status == 403  # no route writes a network's graph raw: written beside the server
    federation.c.raw_update(update)
    outcome = harvest(federation.a)
    fcsf = [n for p in outcome["peers"] if p["peer"] == "c" for n in p["networks"]]
    assert [(n["network"], n["changed"], n["skipped"]) for n in fcsf] == [("fcsf", True, [bad])]
    assert answers(federation.a, f"SELECT ?p WHERE {{ <{bad}> ?p ?o }}") == []
    assert lessons(federation.a) == before  # the rest of the graph was copied
