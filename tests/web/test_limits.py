"""What one client may hold at once: its costly requests running, counted per client address, and per credential
whatever address sends it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from isic_graph.errors import ServerBusy, TooManyAtOnce
from isic_graph.query.budget import Concurrency
from isic_graph.store.engine import Engine
from isic_graph.web import create_app
from isic_graph.web.limits import HeldBody
from tests.conftest import ADMIN, bearer
from tests.support.oxigraph_server import Watched
from tests.support.queries import BASE

OTHER = {"REMOTE_ADDR": "127.0.0.9"}


@pytest.fixture(scope="module")
def app(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application with one costly request at a time per client."""
    folder: Path = tmp_path_factory.mktemp("limits")
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, credentials_path=folder / "credentials.json",
                        client_concurrency=1)
    yield create_app(settings, engine)


def test_a_client_past_its_share_is_refused_and_others_are_not() -> None:
    running = Concurrency(2)
    running.acquire("a")
    running.acquire("a")
    with pytest.raises(TooManyAtOnce) as refused:
        running.acquire("a")
    assert refused.value.status == 429 and refused.value.retry_after == 1 and "at once" in refused.value.message
    running.acquire("b")
    running.release("a")
    running.acquire("a")
    assert running.running("a") == 2 and running.running("b") == 1


def test_clients_holding_slots_leave_the_reserve_to_clients_holding_none() -> None:
    running = Concurrency(3, slots=6)  # three slots kept for newcomers
    for client in ("a", "a", "a"):  # alone, a client has its whole share
        running.acquire(client)
    running.acquire("b")  # newcomers take the reserve
    running.acquire("c")
    with pytest.raises(TooManyAtOnce) as refused:  # b holds one and only the reserve is free
        running.acquire("b")
    assert refused.value.status == 429 and refused.value.retry_after == 1 and "kept for clients" in \
        refused.value.message
    running.acquire("victim")  # the last slot, to a client holding none
    assert running.running() == 6
    with pytest.raises(ServerBusy) as busy:
        running.acquire("another")
    assert busy.value.status == 503 and busy.value.code == "server-busy" and busy.value.retry_after == 1
    for client in ("victim", "c", "b", "a"):
        running.release(client)
    running.release("nobody")  # nothing held: nothing given back
    assert running.running() == 2 and running.running("a") == 2
    running.release("a")
    running.acquire("b")
    running.acquire("b")  # with more than half the pool free, a second slot for a holder
    assert running.running("b") == 2 and running.running() == 3


@given(st.lists(st.tuples(st.booleans(), st.sampled_from("abcdefgh")), max_size=200),
       st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=4))
@settings(max_examples=200, deadline=None)
def test_the_pool_is_never_overrun_and_a_client_holding_none_gets_any_free_slot(
        steps: list[tuple[bool, str]], slots: int, limit: int) -> None:
    running = Concurrency(limit, slots=slots)
    held: dict[str, int] = {}
    for take, client in steps:
        if not take:
            running.release(client)
            held[client] = max(0, held.get(client, 0) - 1)
            continue
        total, mine = sum(held.values()), held.get(client, 0)
        try:
            running.acquire(client)
        except ServerBusy:
            assert total >= slots
        except TooManyAtOnce:
            assert mine >= limit or (mine and slots - total <= slots // 2)
        else:
            assert total < slots and mine < limit  # a newcomer is refused only when the pool is full
            assert not mine or slots - total > slots // 2  # a holder never takes the reserve
            held[client] = mine + 1
        assert running.running() == sum(held.values()) <= slots


def test_a_held_body_gives_its_slot_back_once_whether_sent_or_closed() -> None:
    given_back: list[int] = []
    sent = HeldBody(iter(["a", "é"]), lambda: given_back.append(1))
    assert b"".join(sent) == "aé".encode() and given_back == [1]
    sent.close()
    assert given_back == [1]
    closed = HeldBody(iter([b"a"]), lambda: given_back.append(2))
    closed.close()
    closed.close()
    assert given_back == [1, 2]


def test_a_streamed_answer_holds_its_clients_slot_until_it_is_sent(app: Flask) -> None:
    client = app.test_client()
    dump = client.get("/dumps/isic-graph.nq.gz")  # streamed: its body is not read yet
    assert dump.status_code == 200 and dump.is_streamed
    for path in ("/maps/partnerships.svg", "/id/network/anas", "/search?q=x", "/graph-store?default"):
        refused = client.get(path)
        assert refused.status_code == 429 and refused.json["code"] == "too-many-requests", path
        assert refused.headers["Retry-After"] == "1" and "at once" in refused.json["detail"]
    refused = client.post("/sparql", data={"query": "ASK {}"})
    assert refused.status_code == 429
    assert client.get("/maps/partnerships.svg", environ_base=OTHER).status_code == 200
    assert client.get("/healthz").status_code == 200  # not costly
    assert dump.data[:2] == b"\x1f\x8b"
    assert client.get("/maps/partnerships.svg").status_code == 200


BODY_CREDENTIAL_FORMS = {  # the pages' forms that write, their credential in their body
    "/sheets/csv": lambda: {"files": [(io.BytesIO(b"id,name\n"), "organisations.csv")], "credential": "x"},
    "/sheets": lambda: {"credential": "x", "project.title": "Un projet"},
    "/retract": lambda: {"credential": "x", "resource": BASE + "id/project/les-incompris", "reason": "doublon"},
}


@pytest.mark.parametrize("path", BODY_CREDENTIAL_FORMS)
def test_a_form_whose_credential_is_in_its_body_takes_a_costly_slot_before_it_is_read(app: Flask, path: str) -> None:
    """Anyone may send such a form, and it is read whole before its credential is known: past its share of
    costly requests a client is refused before it is read, and another client is not."""
    client = app.test_client()
    dump = client.get("/dumps/isic-graph.nq.gz")  # streamed: holds the client's one slot until read
    try:
        assert dump.status_code == 200 and dump.is_streamed
        refused = client.post(path, data=BODY_CREDENTIAL_FORMS[path](), content_type="multipart/form-data")
        assert refused.status_code == 429 and refused.json["code"] == "too-many-requests"
        other = app.test_client().post(path, data=BODY_CREDENTIAL_FORMS[path](), content_type="multipart/form-data",
                                       environ_base=OTHER)
        assert 400 <= other.status_code < 500 and other.status_code != 429  # read, and its credential refused
    finally:
        assert dump.data[:2] == b"\x1f\x8b"


def test_past_the_servers_costly_slots_a_new_client_is_told_503_with_retry_after(
        engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("slots")
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, credentials_path=folder / "credentials.json",
                        costly_slots=2)
    client = create_app(settings, engine).test_client()
    first = client.get("/dumps/isic-graph.nq.gz", environ_base={"REMOTE_ADDR": "127.0.0.10"})  # streamed: held
    assert first.status_code == 200 and first.is_streamed
    over = client.get("/maps/partnerships.svg", environ_base={"REMOTE_ADDR": "127.0.0.10"})
    assert over.status_code == 429 and "kept for clients" in over.json["detail"]  # the last slot is a newcomer's
    second = client.get("/dumps/isic-graph.nq.gz", environ_base={"REMOTE_ADDR": "127.0.0.11"})
    assert second.status_code == 200 and second.is_streamed
    for path in ("/maps/partnerships.svg", "/search?q=x", "/sparql?query=ASK%7B%7D"):
        busy = client.get(path, environ_base=OTHER, headers={"Accept-Language": "fr"})
        assert busy.status_code == 503 and busy.json["code"] == "server-busy", path
        assert busy.headers["Retry-After"] == "1" and busy.json["title"] == "Serveur occupé"
    assert client.get("/healthz", environ_base=OTHER).status_code == 200  # not costly
    assert first.data[:2] == b"\x1f\x8b" and second.data[:2] == b"\x1f\x8b"
    assert client.get("/maps/partnerships.svg", environ_base=OTHER).status_code == 200


def test_a_refused_or_failed_request_gives_its_slot_back(app: Flask) -> None:
    client = app.test_client()
    for _ in range(3):
        assert client.get("/id/network/nobody-at-all").status_code == 404
        assert client.get("/maps/nothing.svg").status_code == 404
        assert client.get("/maps/partnerships.svg?start=not-a-date").status_code == 400
    assert client.get("/maps/partnerships.svg").status_code == 200


@pytest.mark.parametrize("holder, others", [
    ("2001:db8:1:2::1", ("2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:DB8:1:2:0:0:0:3")),
    ("203.0.113.7", ("::ffff:203.0.113.7", "::ffff:cb00:7107")),
])
def test_one_client_cannot_take_more_slots_by_another_spelling_or_address_of_its_own_network(
        app: Flask, holder: str, others: tuple[str, ...]) -> None:
    """An IPv6 client has its whole /64 to send from, and an IPv4 one may come as an IPv4-mapped IPv6 address:
    each address (or spelling) was counted as a client of its own, with its own share of slots and budget."""
    client = app.test_client()
    dump = client.get("/dumps/isic-graph.nq.gz", environ_base={"REMOTE_ADDR": holder})  # streamed: held
    assert dump.status_code == 200 and dump.is_streamed
    for address in others:
        refused = client.get("/maps/partnerships.svg", environ_base={"REMOTE_ADDR": address})
        assert refused.status_code == 429, address
    assert client.get("/maps/partnerships.svg", environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"}).status_code == 200
    assert client.get("/maps/partnerships.svg", environ_base=OTHER).status_code == 200
    assert dump.data[:2] == b"\x1f\x8b"


NETWORK = "quota"
ORGANISATION = ("@prefix isic: <https://w3id.org/isic/ontology#> .\n"
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                "@prefix at: <https://w3id.org/isic/thesaurus/actor-type/> .\n"
                "<id/organisation/quota-1> a isic:Organisation ; rdfs:label \"Quota\"@fr ;"
                " isic:actorType at:association .")
NETWORK_GRAPH = f"{BASE}graph/network/{NETWORK}"
TURTLE = "text/turtle"
WITHDRAWAL = '{"resource": "%sid/organisation/quota-1", "reason": "doublon"}' % BASE
INSERT = "update=" + "INSERT DATA { GRAPH <http://example.org/limits> { <urn:a> <urn:b> <urn:c> } }"
FORM = "application/x-www-form-urlencoded"
WRITES = {  # every write and dry run authenticated by a header: method, path, body, its type, whose token
    "sheets": ("POST", f"/api/networks/{NETWORK}/sheets?mode=upsert", ORGANISATION, TURTLE, NETWORK),
    "sheets-dry-run": ("POST", f"/api/networks/{NETWORK}/sheets?dry-run=1&mode=upsert", ORGANISATION, TURTLE, NETWORK),
    "graph-store-put": ("PUT", f"/graph-store?graph={NETWORK_GRAPH}", ORGANISATION, TURTLE, NETWORK),
    "graph-store-post": ("POST", f"/graph-store?graph={NETWORK_GRAPH}", ORGANISATION, TURTLE, NETWORK),
    "graph-store-delete": ("DELETE", f"/graph-store?graph={NETWORK_GRAPH}", "", TURTLE, NETWORK),
    "retractions": ("POST", f"/api/networks/{NETWORK}/retractions", WITHDRAWAL, "application/json", NETWORK),
    "retractions-dry-run": ("POST", f"/api/networks/{NETWORK}/retractions?dry-run", WITHDRAWAL, "application/json",
                            NETWORK),
    "validate": ("POST", "/api/validate", ORGANISATION, TURTLE, NETWORK),
    "admin-graph-store": ("PUT", "/graph-store?graph=http://example.org/limits", "<urn:a> <urn:b> <urn:c> .", TURTLE,
                          "admin"),
    "admin-update": ("POST", "/update", INSERT, FORM, "admin"),
    "admin-harvest": ("POST", "/api/harvest", "", TURTLE, "admin"),
}


@pytest.fixture(scope="module")
def network_token(app: Flask) -> str:
    return CredentialStore(app.extensions["isic"].settings.credentials_path).add(NETWORK, "Quota")


def send(app: Flask, write: str, token: str, environ: dict[str, str] | None = None,
         language: str = "en") -> tuple[int, dict[str, str], dict[str, str]]:
    method, path, body, content_type, whose = WRITES[write]
    answer = app.test_client().open(path, method=method, data=body.encode(), content_type=content_type,
                                    environ_base=environ or {},
                                    headers={**bearer(ADMIN if whose == "admin" else token),
                                             "Accept-Language": language})
    return answer.status_code, dict(answer.headers), answer.get_json(silent=True) or {}


@pytest.mark.parametrize("write", [pytest.param(w, marks=pytest.mark.live) if w == "validate" else w for w in WRITES])
def test_a_write_past_the_clients_share_is_told_429_and_leaves_the_store_untouched(
        app: Flask, seen: Watched, network_token: str, write: str) -> None:
    """A network's token (or the administrator's) takes a slot like anyone: a client holding its share is told
    429 before its body is read, in its language, and nothing is written; another client's write is let in."""
    client = app.test_client()
    dump = client.get("/dumps/isic-graph.nq.gz")  # streamed: holds the client's one slot until read
    try:
        assert dump.status_code == 200 and dump.is_streamed
        before = seen.now()
        status, headers, problem = send(app, write, network_token)
        assert status == 429 and problem["code"] == "too-many-requests", (status, problem)
        assert headers["Retry-After"] == "1" and "at once" in problem["detail"]
        status, headers, problem = send(app, write, network_token, language="fr")
        assert status == 429 and headers["Retry-After"] == "1"
        assert problem["title"] == "Trop de requêtes" and "à la fois" in problem["detail"], problem
        assert before.unchanged()  # nothing written, nothing half-written
        status, _, problem = send(app, write, network_token, OTHER)
        assert status != 429 and status < 500, (status, problem)  # another client is let in
    finally:
        assert dump.data[:2] == b"\x1f\x8b"


def test_a_writes_time_is_charged_to_the_clients_budget(engine: Engine,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("write-budget")
    settings = Settings(store_path=None, base_iri=BASE, admin_token=ADMIN, credentials_path=folder / "credentials.json",
                        client_budget=0.001)  # a millisecond a minute: one write spends it all
    app = create_app(settings, engine)
    token = CredentialStore(settings.credentials_path).add(NETWORK, "Quota")
    assert send(app, "sheets-dry-run", token)[0] == 200  # let through while the balance is positive, then charged
    for write in ("sheets-dry-run", "graph-store-put", "admin-update"):
        status, headers, problem = send(app, write, token, language="fr")
        assert status == 429 and problem["code"] == "too-many-requests", (write, status, problem)
        assert int(headers["Retry-After"]) >= 1 and "temps de requête par minute" in problem["detail"]
    assert send(app, "sheets-dry-run", token, OTHER)[0] == 429  # the credential's budget, from any address
    other = CredentialStore(settings.credentials_path).add("autre-reseau", "Autre")
    assert own_dry_run(app, "autre-reseau", other, OTHER) in (200, 422)  # another client's budget is its own


def own_dry_run(app: Flask, network: str, token: str, environ: dict[str, str]) -> int:
    """A network's dry run of `send`'s sheet (whose resources are NETWORK's: 422 once read and checked)."""
    _, path, body, content_type, _ = WRITES["sheets-dry-run"]
    return app.test_client().post(path.replace(NETWORK, network), data=body.encode(), content_type=content_type,
                                  environ_base=environ, headers=bearer(token)).status_code


def test_one_credential_holds_no_more_slots_than_one_address_whatever_addresses_it_is_sent_from() -> None:
    """A network's token sent from six addresses held six slots: every other client got 503 while its uploads ran."""
    running = Concurrency(2, slots=10)
    running.acquire("10.0.2.1", "credential:x")
    running.acquire("10.0.2.2", "credential:x")
    with pytest.raises(TooManyAtOnce) as refused:
        running.acquire("10.0.2.3", "credential:x")
    assert refused.value.status == 429 and "this credential already has 2" in refused.value.message
    assert "cet identifiant" in (refused.value.fr or "")
    assert running.running() == 2
    running.acquire("10.0.2.3", "credential:y")  # another network, and anyone without a credential, let in
    running.acquire("10.0.0.9")
    running.release("10.0.2.1", "credential:x")
    running.acquire("10.0.2.4", "credential:x")
    assert running.running("credential:x") == 2 and running.running() == 4


def test_a_network_s_token_from_another_address_is_told_429_while_it_holds_its_share(
        app: Flask, seen: Watched, network_token: str) -> None:
    """The token's share is counted whatever address sends it: a write from a second address waits for the first's
    slot; another network's token and anyone without one are let in."""
    dump = app.test_client().get("/dumps/isic-graph.nq.gz", headers=bearer(network_token))
    try:
        assert dump.status_code == 200 and dump.is_streamed
        before = seen.now()
        status, headers, problem = send(app, "sheets-dry-run", network_token, {"REMOTE_ADDR": "127.0.0.23"}, "fr")
        assert status == 429 and headers["Retry-After"] == "1" and "cet identifiant" in problem["detail"], problem
        assert before.unchanged()
        other = CredentialStore(app.extensions["isic"].settings.credentials_path).add("autre-quota", "Autre")
        assert own_dry_run(app, "autre-quota", other, {"REMOTE_ADDR": "127.0.0.23"}) in (200, 422)  # read, checked
        assert app.test_client().get("/maps", environ_base={"REMOTE_ADDR": "127.0.0.24"}).status_code == 200
    finally:
        assert dump.data[:2] == b"\x1f\x8b"
    assert send(app, "sheets-dry-run", network_token, {"REMOTE_ADDR": "127.0.0.23"})[0] == 200  # its slot given back
