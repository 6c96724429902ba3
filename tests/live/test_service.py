"""SERVICE to registered peers: evaluated by the server with its own peer client, joined with local data;
refused for anything else before any connection; failures named after the peer (502/504), SILENT per the spec."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from isic_graph.errors import UsageError
from isic_graph.sparql.guard import read
from isic_graph.sparql.lexer import write
from isic_graph.store.remote import RemoteStore
from tests.support.live import LiveServer, listening, query, request
from tests.support.oxigraph_server import OxigraphServer, free_port

ISIC = "https://w3id.org/isic/ontology#"
EX = "http://peer.example/"
PEER_DATA = f"""INSERT DATA {{ GRAPH <{EX}g> {{
  <http://localhost:5000/id/organisation/centre-social-les-passerelles> <{EX}rating> 4 .
  <http://localhost:5000/id/organisation/centre-social-les-passerelles> <{EX}note> "note « pair »"@fr .
  <{EX}a> <{EX}n> 1 . <{EX}b> <{EX}n> 2 . <{EX}c> <{EX}n> 3 . <{EX}d> <{EX}n> 4 .
  _:x <{EX}kind> "blank" .
}} }}"""


# --- where the SERVICE blocks are --------------------------------------------------------------

def test_service_blocks_are_found_with_prefixes_base_and_silent_but_not_in_strings_or_comments() -> None:
    text = ('BASE <http://a.example/> PREFIX p: <peer/> SELECT * WHERE { ?s ?p "SERVICE <x> {" . # SERVICE {\n'
            " SERVICE SILENT p:sparql { ?s ?q ?o FILTER(?o != \"}\") } OPTIONAL { SERVICE <http://b.example/q> {} } }")
    checked = read(text)
    blocks = checked.services
    assert [(b.endpoint, b.silent) for b in blocks] == [("http://a.example/peer/sparql", True),
                                                       ("http://b.example/q", False)]
    assert write(checked.tokens[blocks[0].opening:blocks[0].end]) == '{ ?s ?q ?o FILTER( ?o != "}" ) }'
    assert write(checked.tokens[blocks[1].start:blocks[1].end]) == "SERVICE <http://b.example/q> { }"


@pytest.mark.parametrize("text, message", [
    ("SELECT * { SERVICE <http://a/> { SERVICE <http://b/> { ?s ?p ?o } } }", "SERVICE inside SERVICE"),
    ("SELECT * { BIND(<http://a/> AS ?e) SERVICE ?e { ?s ?p ?o } }", "not a variable"),
    ("SELECT * { SERVICE <http://a/> { ?s ?p ?o ", "not closed"),
])
def test_service_blocks_that_cannot_be_evaluated_are_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        read(text)


# --- against live servers ----------------------------------------------------------------------

class HostilePeer:
    """An HTTP server on 127.0.0.1 that answers as told (redirects, silence, odd bodies) and records requests."""

    def __init__(self) -> None:
        self.answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")
        self.delay = 0.0
        self.requests: list[dict[str, str]] = []
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                peer.requests.append(dict(self.headers))
                time.sleep(peer.delay)
                status, headers, body = peer.answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class World:
    local: LiveServer
    peer: OxigraphServer
    hostile: HostilePeer
    down: str  # a registered peer's endpoint where nothing listens


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("service")
    peer = OxigraphServer(folder / "peer")
    RemoteStore(peer.query_url, peer.update_url, None, timeout=30).update(PEER_DATA)
    hostile = HostilePeer()
    local = LiveServer(folder, {"ISIC_QUERY_TIMEOUT": "3", "ISIC_RESULT_LIMIT": "3",
                                "ISIC_PEERS": str(folder / "peers.json"), "ISIC_CLIENT_BUDGET": "100000"}).init()
    down = f"http://127.0.0.1:{free_port()}/q"
    for name, url in (("oxi", peer.query_url), ("hostile", hostile.url), ("down", down)):
        added = local.cli("peer", "add", name, "--sparql", url, "--allow-private")
        assert added.returncode == 0, added.stderr
    local.start()
    yield World(local, peer, hostile, down)
    local.stop()
    hostile.close()
    peer.stop()


def rows(answer: Any) -> list[dict[str, str]]:
    assert answer.status == 200, answer.body[:500]
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def problem(answer: Any) -> tuple[int, str, str]:
    body = json.loads(answer.body)
    return answer.status, body["code"], body["detail"]


def test_a_service_block_to_a_registered_peer_is_joined_with_local_data(world: World) -> None:
    local, peer = world.local, world.peer
    found = rows(query(local.url, f"""PREFIX isic: <{ISIC}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?rating ?note WHERE {{
          ?org a isic:Organisation ; rdfs:label ?label .
          SERVICE <{peer.query_url}> {{ ?org <{EX}rating> ?rating ; <{EX}note> ?note }}
        }}"""))
    assert found == [{"label": "Centre social Les Passerelles", "rating": "4", "note": "note « pair »"}]


def test_a_peer_named_through_a_prefix_answers_like_one_named_in_full(world: World) -> None:
    local, peer = world.local, world.peer
    base = peer.query_url.rsplit("/", 1)[0]
    found = rows(query(local.url, f"PREFIX p: <{base}/> SELECT ?x WHERE {{ SERVICE p:query {{ ?x <{EX}n> 2 }} }}"))
    assert found == [{"x": f"{EX}b"}]


def test_blank_nodes_of_a_peer_come_back_as_the_peers_genid_iris(world: World) -> None:
    local, peer = world.local, world.peer
    found = rows(query(local.url, f'SELECT ?x WHERE {{ SERVICE <{peer.query_url}> {{ ?x <{EX}kind> "blank" }} }}'))
    assert len(found) == 1 and found[0]["x"].startswith(f"{peer.url}/.well-known/genid/")


def test_a_peer_answering_more_rows_than_the_cap_is_a_502_not_half_an_answer(world: World) -> None:
    local, peer = world.local, world.peer
    status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{peer.query_url}> {{ ?x <{EX}n> ?n }} "
                                                    f"}}"))
    assert (status, code) == (502, "peer-unavailable") and "peer oxi" in detail and "more than 3 rows" in detail


def test_a_peer_that_is_down_is_a_502_naming_it_and_silent_gives_the_empty_solution(world: World) -> None:
    local, down = world.local, world.down
    status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{down}> {{ ?s ?p ?o }} }}"))
    assert (status, code) == (502, "peer-unavailable") and "peer down" in detail and "Traceback" not in detail
    found = rows(query(local.url, f'SELECT ?here WHERE {{ BIND("here" AS ?here) SERVICE SILENT <{down}> {{ ?s ?p ?o }} '
                                  f'}}'))
    assert found == [{"here": "here"}]


def test_a_peer_that_does_not_answer_in_time_is_a_504_naming_it(world: World) -> None:
    local, hostile = world.local, world.hostile
    hostile.delay, hostile.answer = 10.0, (200, {"Content-Type": "application/sparql-results+json"}, b"{}")
    try:
        begun = time.monotonic()
        status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}",
                                             timeout=30))
        assert (status, code) == (504, "peer-timeout") and "peer hostile" in detail
        assert time.monotonic() - begun < 8
    finally:
        hostile.delay = 0.0


def test_a_peer_is_asked_with_a_clear_user_agent_and_its_redirects_are_not_followed(world: World) -> None:
    local, hostile = world.local, world.hostile
    with contextmanager(listening)() as listener:
        hostile.answer = (302, {"Location": f"{listener.url}/elsewhere"}, b"")
        before = len(hostile.requests)
        status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}"))
        time.sleep(0.3)
        assert (status, code) == (502, "peer-unavailable") and "peer hostile" in detail
        assert listener.connections == 0
    assert hostile.requests[before]["User-Agent"].startswith("isic-graph/")


def test_a_peer_answering_garbage_or_invalid_terms_is_a_502(world: World) -> None:
    local, hostile = world.local, world.hostile
    bad_iri = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "not an iri> ."}}]}}
    for body in (b"<html>nope</html>", json.dumps(bad_iri).encode()):
        hostile.answer = (200, {"Content-Type": "application/sparql-results+json"}, body)
        status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}"))
        assert (status, code) == (502, "peer-unavailable") and "hostile" in detail


LONG = b"9" * 5000
ONE_ROW = b'"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "x"}}]}'


@pytest.mark.parametrize("body", [
    b'{"n": ' + LONG + b", " + ONE_ROW + b"}",
    b"{" + ONE_ROW + b', "n": ' + LONG + b"}",
    b"{" + ONE_ROW + b', "n": ' + b"9" * 5_000_000 + b"}",
    b"{" + ONE_ROW + b', "n": -' + LONG + b"}",
    b"{" + ONE_ROW + b', "n": 1.' + LONG + b"e7}",
    b"{" + ONE_ROW + b', "n": 1e99999999999999999999}',
], ids=["number-first", "number-after-results", "5M-digits", "negative", "fraction-exponent", "huge-exponent"])
def test_a_peer_answering_a_number_the_parser_cannot_take_is_a_502_and_the_server_lives_on(
        world: World, body: bytes) -> None:
    """ijson's C backend raised SystemError (a 500), or crashed the server, on a number past Python's int limit."""
    local, hostile = world.local, world.hostile
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"}, body)
    answer = query(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}", timeout=60)
    status, code, detail = problem(answer)
    assert (status, code) == (502, "peer-unavailable") and detail.startswith("peer hostile gave no usable answer")
    french = request_fr(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}")
    assert french[:2] == (502, "peer-unavailable") and french[2].startswith("le pair hostile n'a pas donné")
    digits = (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": ", '
              + LONG + b'"}}]}}')
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"}, digits)
    found = rows(query(local.url, f"SELECT ?s WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}"))
    assert found == [{"s": ", " + LONG.decode()}]  # the same digits in a string are a value; the server still answers


def test_a_peers_bad_term_holding_personal_data_is_masked_in_both_languages(world: World) -> None:
    local, hostile = world.local, world.hostile
    bad = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "jean.dupont@exemple.fr",
                                                                      "value": "06 12 34 56 78"}}]}}
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"}, json.dumps(bad).encode())
    sparql = f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}"
    status, code, english = problem(query(local.url, sparql))
    assert (status, code) == (502, "peer-unavailable")
    assert english.endswith('is not valid RDF: a *** (email) term "*** (phone)"'), english
    status, code, french = request_fr(local.url, sparql)
    assert (status, code) == (502, "peer-unavailable")
    assert french.endswith("n'est pas du RDF valide : un terme de type « *** (adresse e-mail) », de valeur "
                           "« *** (numéro de téléphone) »"), french
    for detail in (english, french):
        assert "dupont" not in detail and "exemple" not in detail and "06 12" not in detail


def request_fr(url: str, sparql: str) -> tuple[int, str, str]:
    form = urllib.parse.urlencode({"query": sparql}).encode()
    answer = request(f"{url}/sparql", "POST", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Accept": "application/sparql-results+json",
                                                      "Accept-Language": "fr"}, "127.0.0.1", 60)
    return problem(answer)


TITLE = "http://purl.org/dc/terms/title"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.mark.parametrize("head, row, expected", [
    (["s", "x"], {"s": {"type": "uri", "value": "x:a"},
                  "x": {"type": "uri", "value": "http://localhost:5000/id/project/les-incompris"}},
     "answered variables the SERVICE block does not use: ?x"),
    ("s", {"s": {"type": "uri", "value": "x:a"}}, "without a list of variable names"),
    ([1], {"1": {"type": "uri", "value": "x:a"}}, "without a list of variable names"),
    (["s"], {"s": {"type": "literal", "value": "x", "datatype": RDF + "langString"}}, "not valid RDF"),
    (["s"], {"s": {"type": "literal", "value": "x", "xml:lang": "en", "datatype": "x:y"}}, "not valid RDF"),
    (["s"], {"s": {"type": "triple", "value": {"subject": {"type": "uri", "value": "x:a"}}}},
     "not valid RDF: a triple term whose value is not a string"),
])
def test_a_peer_binding_what_the_block_cannot_or_with_invalid_terms_is_a_502(
        world: World, head: Any, row: dict[str, Any], expected: str) -> None:
    """A peer's rows must not reach past its block: here ?x would narrow the local part to one project."""
    local, hostile = world.local, world.hostile
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"},
                      json.dumps({"head": {"vars": head}, "results": {"bindings": [row]}}).encode())
    status, code, detail = problem(query(local.url, f"SELECT ?x ?t WHERE {{ SERVICE <{hostile.url}> {{ ?s ?o ?l }} "
                                                       f"?x <{TITLE}> ?t }}"))
    assert (status, code) == (502, "peer-unavailable") and detail.startswith("peer hostile ") and expected in detail


def test_an_honest_peer_answers_the_blocks_own_variables_past_filter_minus_and_bind(world: World) -> None:
    local, peer = world.local, world.peer
    found = rows(query(local.url, f"""SELECT * WHERE {{ SERVICE <{peer.query_url}> {{
        ?x <{EX}n> ?n FILTER(?n > 2 && !BOUND(?hidden)) MINUS {{ ?x <{EX}n> 4 }} BIND(?n * 10 AS ?t)
        {{ SELECT ?x (COUNT(?m) AS ?c) WHERE {{ ?x <{EX}n> ?m }} GROUP BY ?x }} }} }}"""))
    assert found == [{"x": f"{EX}c", "n": "3", "t": "30", "c": "1"}]


@pytest.mark.parametrize("target", ["{listener}/sparql", "http://127.0.0.1:{free}/sparql", "http://169.254.169.254/",
                                    "file:///etc/passwd", "http://10.0.0.1/sparql"])
def test_service_to_anything_but_a_registered_peer_is_refused_without_a_connection(world: Any, target: str) -> None:
    local = world.local
    with contextmanager(listening)() as listener:
        iri = target.format(listener=listener.url, free=free_port())
        for silent in ("", "SILENT "):
            status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE {silent}<{iri}> {{ ?s ?p ?o }} "
                                                            f"}}"))
            assert (status, code) == (400, "bad-request") and "SERVICE is not allowed" in detail
        time.sleep(0.3)
        assert listener.connections == 0


def test_the_registered_peers_are_refused_in_updates(world: World) -> None:
    local, peer = world.local, world.peer
    from tests.support.live import request

    answer = request(f"{local.url}/update", "POST",
                     f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{peer.query_url}> {{ ?s ?p ?o }} }}".encode(),
                     {"Content-Type": "application/sparql-update"})
    assert answer.status in (400, 401) and b"Traceback" not in answer.body


def test_the_peers_file_is_the_instances_own(world: World) -> None:
    local = world.local
    assert Path(local.environment["ISIC_PEERS"]).is_file()


def test_the_cli_query_follows_the_same_rules(world: World) -> None:
    local, peer = world.local, world.peer
    joined = local.cli("query", "--format", "csv",
                       f"SELECT ?x WHERE {{ SERVICE <{peer.query_url}> {{ ?x <{EX}n> 3 }} }}")
    assert joined.returncode == 0 and joined.stdout.split() == ["x", f"{EX}c"], joined.stderr
    with contextmanager(listening)() as listener:
        refused = local.cli("query", f"SELECT * WHERE {{ SERVICE <{listener.url}/> {{ ?s ?p ?o }} }}")
        time.sleep(0.3)
        assert refused.returncode != 0 and "SERVICE is not allowed" in refused.stderr
        assert listener.connections == 0


@pytest.mark.parametrize("spelling", [
    "?a ?b ?c .SERVICE <{peer}> {{ ?s ?p ?o }}",
    "?a ?b ?c ;SERVICE <{peer}> {{ ?s ?p ?o }}",
    "BIND('\\u0027' AS ?q) SERVICE <{peer}> {{ ?s ?p ?o }} BIND('\\u0027' AS ?r)",
    "?a ?b ?c # SERVICE\n.sErViCe<{peer}>{{?s ?p ?o}}",
])
def test_a_service_block_however_written_is_evaluated_by_the_server_never_by_the_engine(
        world: World, spelling: str) -> None:
    """The peer hears the server (its user agent, a SELECT with a row cap), never the engine."""
    local, hostile = world.local, world.hostile
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"},
                      json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode())
    before = len(hostile.requests)
    answer = query(local.url, "SELECT * WHERE { " + spelling.format(peer=hostile.url) + " } LIMIT 1")
    assert answer.status == 200, answer.body[:300]
    assert len(hostile.requests) == before + 1
    assert all(r["User-Agent"].startswith("isic-graph/") for r in hostile.requests[before:])


def test_a_peer_answering_big_literals_to_several_blocks_is_refused_within_one_budget(world: World) -> None:
    """Each answer is under the per-answer cap, but all of them together are past what one query may read from
    peers: the server stops reading there and refuses (502, naming the peer and the limit), before it builds a text
    the engine would refuse; another client is answered meanwhile."""
    local, hostile = world.local, world.hostile
    big = {"type": "literal", "value": "A" * 1_000_000}
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"},
                      json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": big}] * 3}}).encode())
    blocks = " ".join(f"SERVICE <{hostile.url}> {{ ?s ?p{i} ?o{i} }}" for i in range(6))
    before = len(hostile.requests)
    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(query(local.url, f"SELECT ?s WHERE {{ {blocks} }}")))
    thread.start()
    other = query(local.url, "SELECT (1 AS ?one) WHERE {}", source="127.0.0.2")
    thread.join(60)
    assert rows(other) == [{"one": "1"}]
    status, code, detail = problem(outcome[0])
    assert (status, code) == (502, "peer-unavailable"), detail
    assert detail.startswith("peer hostile: ") and "16777216 bytes in all" in detail and "SPARQL body" not in detail
    assert len(hostile.requests) - before == 6  # the sixth read was cut at what was left
    silent = rows(query(local.url, "SELECT ?here WHERE { BIND('here' AS ?here) "
                                   + blocks.replace("SERVICE <", "SERVICE SILENT <") + " } LIMIT 1"))
    assert silent == [{"here": "here"}]  # the five blocks read in full, the sixth the empty solution


def test_a_peer_answering_more_tiny_terms_than_one_query_may_take_is_a_502_naming_it_and_the_limit(
        world: World) -> None:
    """Under the bytes and the rows one query may read, a peer binding one variable again and again in a row (or
    names the block does not have) is refused once it binds more terms than one query may take, counted as its
    answer is parsed: 502 naming the peer and the limit; SILENT, the empty solution; an honest answer is read."""
    local, hostile = world.local, world.hostile
    tiny = b'"s":{"type":"uri","value":"a:"}'
    row = b"{" + b",".join([tiny] * 120_000 + [b'"j%d":{"type":"bnode","value":"b"}' % n for n in range(90_000)]) + b"}"
    body = b'{"head":{"vars":["s"]},"results":{"bindings":[' + row + b"]}}"
    assert len(body) < 16 * 1024 * 1024
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"}, body)
    status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }}"))
    assert (status, code) == (502, "peer-unavailable"), detail
    assert detail.startswith("peer hostile: ") and "more than 200000 terms in all" in detail
    silent = rows(query(local.url, f"SELECT ?here WHERE {{ BIND('here' AS ?here) "
                                   f"SERVICE SILENT <{hostile.url}> {{ ?s ?p ?o }} }}"))
    assert silent == [{"here": "here"}]
    honest = [{"s": {"type": "uri", "value": f"{EX}{n}"}, "o": {"type": "literal", "value": "x" * 100}}
              for n in range(3)]
    hostile.answer = (200, {"Content-Type": "application/sparql-results+json"},
                      json.dumps({"head": {"vars": ["s", "o"]}, "results": {"bindings": honest}}).encode())
    found = rows(query(local.url, f"SELECT ?s ?o WHERE {{ SERVICE <{hostile.url}> {{ ?s ?p ?o }} }} ORDER BY ?s"))
    assert found == [{"s": f"{EX}{n}", "o": "x" * 100} for n in range(3)]


def test_more_service_blocks_than_one_query_may_send_are_refused_before_any_request(world: World) -> None:
    local, hostile = world.local, world.hostile
    before = len(hostile.requests)
    blocks = " ".join(f"SERVICE SILENT <{hostile.url}> {{ ?s ?p ?o }}" for _ in range(9))
    status, code, detail = problem(query(local.url, f"SELECT * WHERE {{ {blocks} }}"))
    assert (status, code) == (400, "bad-request") and "9 SERVICE blocks, more than the 8" in detail
    assert len(hostile.requests) == before
