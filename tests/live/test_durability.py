"""Durability under concurrency and faults, against live `isic-graph serve` processes on 127.0.0.1.

Nothing lost and nothing crossed between networks writing at once; two replaces of one graph never
mixed; after a kill -9 of the server or of its engine in the middle of a write, the batch is whole
or absent; a full disk refuses writes with 507, stays readable, and takes writes again once space
is freed. Each test starts the servers it needs and stops them by PID.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import pytest

from isic_graph.rdf.namespaces import DCTERMS, ISIC, PROV, Graphs
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.store.engine import log_bytes
from tests.conftest import BASE
from tests.support.live import Answer, LiveServer, query, request
from tests.support.oxigraph_server import work_done

GRAPHS = Graphs(BASE)
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OK = {200, 201}


@dataclass(frozen=True)
class Sheet:
    """A batch for one network, and the resources it describes."""

    network: str
    tag: str
    body: bytes
    subjects: frozenset[str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def marker(self) -> str:
        """What every IRI of this sheet, and of no other, starts with."""
        return f"{self.network}-{self.tag}-"


def organisations(network: str, tag: str, count: int) -> Sheet:
    """`count` valid organisations (three triples each)."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix at: <https://w3id.org/isic/thesaurus/actor-type/> ."]
    names = [f"id/organisation/{network}-{tag}-{i}" for i in range(count)]
    lines += [f'<{name}> a isic:Organisation ; rdfs:label "Organisation {tag} {i}"@fr ; isic:actorType at:association .'
              for i, name in enumerate(names)]
    return Sheet(network, tag, "\n".join(lines).encode(), frozenset(BASE + name for name in names))


ACTOR = "https://w3id.org/isic/thesaurus/actor-type/association"
LETTERS = bytes.maketrans(bytes(range(256)), bytes(b"abcdefghijklmnopqrstuvwxyz "[i % 27] for i in range(256)))


def notes(network: str, tag: str, count: int, padding: int = 0) -> Sheet:
    """`count` organisations with the least the shapes ask of one (a type of actor) and a label (four triples each),
    their comments padded with `padding` random letters, which compress about as little as real text (and, having
    no digits, look like no personal data)."""
    rng = random.Random(f"{network} {tag}")
    names = [f"id/note/{network}-{tag}-{i}" for i in range(count)]
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix isic: <https://w3id.org/isic/ontology#> ."]
    for i, name in enumerate(names):
        pad = rng.randbytes(padding).translate(LETTERS).decode()
        lines.append(f'<{name}> a isic:Organisation ; isic:actorType <{ACTOR}> ; rdfs:label "Note {tag} {i}"@fr ; '
                     f'rdfs:comment "{i} {pad}"@fr .')
    return Sheet(network, tag, "\n".join(lines).encode(), frozenset(BASE + name for name in names))


def post(server: LiveServer, token: str, sheet: Sheet, mode: str, timeout: float = 120) -> Answer:
    """The batch posted; sent again after Retry-After while the server says the client holds its share of
    costly requests (429) or every slot is taken (503 server-busy), as a client should, for `timeout` s at most."""
    deadline = time.monotonic() + timeout
    while True:
        answer = request(f"{server.url}/api/networks/{sheet.network}/sheets?mode={mode}", "POST", sheet.body,
                         {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}, timeout=timeout)
        busy = answer.status == 429 or (answer.status == 503 and b'"server-busy"' in answer.body)
        if not busy or time.monotonic() + int(answer.headers["retry-after"]) > deadline:
            return answer
        time.sleep(int(answer.headers["retry-after"]) * random.uniform(1, 1.5))


def rows(server: LiveServer, sparql: str) -> list[dict[str, str]]:
    answer = query(server.url, sparql, timeout=60)
    assert answer.status == 200, answer.body[:500]
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def number(server: LiveServer, sparql: str) -> int:
    return int(rows(server, sparql)[0]["n"])


def subjects(server: LiveServer, network: str) -> set[str]:
    return {r["s"] for r in rows(server, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPHS.network(network)}> {{ ?s ?p ?o "
                                         f"}} }}")}


def described(server: LiveServer, sheet: Sheet) -> int:
    """How many of the sheet's resources the network's graph describes."""
    return number(server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{GRAPHS.network(sheet.network)}> "
                          f'{{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/note/{sheet.marker}")) }} }}')


def triples_in(server: LiveServer, graph: str) -> int:
    return number(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def activities(server: LiveServer, network: str) -> dict[str, str]:
    """The ingestions recorded for a network's graph: activity IRI -> sha256 of the batch it stored."""
    found = rows(server, f"SELECT ?a ?id WHERE {{ GRAPH <{GRAPHS.metadata}> {{ "
                         f"<{GRAPHS.network(network)}> <{PROV}wasGeneratedBy> ?a . "
                         f"?a <{PROV}wasAssociatedWith> <{GRAPHS.network_resource(network)}> ; <{PROV}used> ?source . "
                         f"?source <{DCTERMS}identifier> ?id }} }}")
    return {r["a"]: r["id"].removeprefix("sha256:") for r in found}


def recorded(server: LiveServer, sheet: Sheet) -> int:
    """How many ingestion activities used this very sheet."""
    return number(server, f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{GRAPHS.metadata}> {{ "
                          f"?a <{PROV}used> <ni:///sha-256;{sheet.sha256}> }} }}")


def graph_sizes(server: LiveServer, *leaving_out: str) -> dict[str, int]:
    found = rows(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]: int(r["n"]) for r in found if r["g"] not in leaving_out}


def lessons(server: LiveServer) -> int:
    return number(server, f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a <{ISIC}Lesson> }}")


def started(folder: Path, networks: tuple[str, ...], **env: str) -> tuple[LiveServer, dict[str, str]]:
    """`isic-graph init --samples`, the networks' credentials, then `isic-graph serve`."""
    server = LiveServer(folder, {"ISIC_CLIENT_BUDGET": "100000", **env}).init()
    tokens = {}
    for network in networks:
        added = server.cli("network", "add", network, "--name", network.title())
        assert added.returncode == 0 and added.stdout.strip(), added.stderr
        tokens[network] = added.stdout.strip()
    return server.start(), tokens


def wait_for(condition: Callable[[], bool], seconds: float, pause: float = 0.001) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return False


def exited(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def is_problem(answer: Answer, status: int, code: str) -> bool:
    """A problem+json answer with that status and code, which names no file and shows no stack trace."""
    text = answer.body.decode("utf-8", "replace")
    return (answer.status == status and answer.headers.get("content-type") == "application/problem+json"
            and json.loads(text)["code"] == code and "Traceback" not in text and "/tmp" not in text
            and ".log" not in text and ".sst" not in text)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    server, tokens = started(tmp_path_factory.mktemp("durability"), ("north", "south", "east"))
    yield server, tokens
    server.stop()


CLIENTS = 4  # client threads per network
UPSERTS = 200  # small batches per network


def test_two_networks_sending_hundreds_of_batches_at_once_lose_nothing_and_cross_nothing(
        shared: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = shared
    networks = ("north", "south")
    sent: dict[str, list[tuple[str, Sheet, Answer]]] = {n: [] for n in networks}
    lock = threading.Lock()
    replaced = {n: threading.Barrier(CLIENTS, timeout=120) for n in networks}

    def client(network: str, k: int) -> None:
        """One replace (ten organisations), then, once the network's replaces are in, a share of the upserts."""
        jobs = [("replace", organisations(network, f"r{k}", 10))]
        jobs += [("upsert", organisations(network, f"u{i}", 3)) for i in range(k, UPSERTS, CLIENTS)]
        for n, (mode, sheet) in enumerate(jobs):
            if n == 1:
                replaced[network].wait()
            answer = post(server, tokens[network], sheet, mode)
            with lock:
                sent[network].append((mode, sheet, answer))

    begun = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS * len(networks)) as pool:
        for future in [pool.submit(client, n, k) for k in range(CLIENTS) for n in networks]:
            future.result(timeout=120)
    elapsed = time.monotonic() - begun
    total = sum(len(s) for s in sent.values())
    print(f"\n{total} batches from {CLIENTS * len(networks)} clients in {elapsed:.1f} s: "
          f"{total / elapsed:.1f} batches/s")

    for network in networks:
        answers = sent[network]
        assert len(answers) == UPSERTS + CLIENTS
        assert [a.status for _, _, a in answers if a.status not in OK] == []
        found = subjects(server, network)
        upserted = frozenset().union(*(s.subjects for mode, s, _ in answers if mode == "upsert"))
        assert upserted <= found, f"{len(upserted - found)} upserted organisations of {network} are lost"
        replacing = [s.subjects for mode, s, _ in answers if mode == "replace"]
        assert found - upserted in replacing, "the graph is not exactly one replace plus every upsert"
        assert all(f"/organisation/{network}-" in iri for iri in found), "another network's data crossed over"
        stored = activities(server, network)
        assert stored == {a.json()["provenance"]: s.sha256 for _, s, a in answers}, "a provenance record is missing"
        assert {a.json()["network"] for _, _, a in answers} == {network}


REPLACE_ROUNDS = 4
PER_NOTE = 4  # triples: its class, its type of actor, its label, its comment
LARGE = 10_000  # notes of three triples: a 30,000-triple batch


def test_two_simultaneous_replaces_of_one_graph_end_as_exactly_one_of_them(
        shared: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = shared
    graph = GRAPHS.network("east")
    for round_ in range(REPLACE_ROUNDS):
        sheets = [notes("east", f"x{round_}{tag}", LARGE) for tag in "ab"]
        spans: dict[str, tuple[float, float]] = {}

        def send(sheet: Sheet, spans: dict[str, tuple[float, float]] = spans) -> Answer:
            begun = time.monotonic()
            answer = post(server, tokens["east"], sheet, "replace")
            spans[sheet.tag] = (begun, time.monotonic())
            return answer

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(send, sheets))
        assert [a.status for a in answers if a.status not in OK] == []
        (a_begun, a_ended), (b_begun, b_ended) = spans[sheets[0].tag], spans[sheets[1].tag]
        assert a_begun < b_ended and b_begun < a_ended, "the two replaces did not overlap in time"
        kept = sorted(described(server, sheet) for sheet in sheets)
        assert kept == [0, LARGE], f"round {round_}: a mix of both replaces ({kept})"
        assert triples_in(server, graph) == PER_NOTE * LARGE
        modified = number(server, f"SELECT (COUNT(?m) AS ?n) WHERE {{ GRAPH <{GRAPHS.metadata}> "
                                  f"{{ <{graph}> <{DCTERMS}modified> ?m }} }}")
        assert modified == 1
        assert {a.json()["provenance"] for a in answers} <= set(activities(server, "east"))
    print(f"\nlast round: {', '.join(f'{t} {e - b:.2f} s' for t, (b, e) in sorted(spans.items()))}")


class Sending(threading.Thread):
    """One batch posted from a thread of its own: its answer, or the error that cut the connection."""

    def __init__(self, server: LiveServer, token: str, sheet: Sheet, mode: str = "replace") -> None:
        super().__init__(daemon=True)
        self.server, self.token, self.sheet, self.mode = server, token, sheet, mode
        self.outcome: Answer | Exception | None = None

    def run(self) -> None:
        try:
            self.outcome = post(self.server, self.token, self.sheet, self.mode, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            self.outcome = exc

    @property
    def accepted(self) -> bool:
        return isinstance(self.outcome, Answer) and self.outcome.status in OK


BUSY = 3  # clock ticks (30 ms) of engine CPU: it is applying the update
LOGGING = 1_000_000  # bytes written by the engine: the commit is going to its write-ahead log


def kill_during(server: LiveServer, token: str, sheet: Sheet, moment: str, victim: str,
                seconds: float) -> tuple[Sending, str]:
    """Send a batch and kill -9 the victim at the moment named; return the sender and where the kill landed."""
    engine = server.engine_pid
    ticks, written = work_done(engine)
    sending = Sending(server, token, sheet)
    sending.start()
    if moment == "answered":
        sending.join(timeout=seconds)
        assert sending.accepted, sending.outcome
    elif moment == "applying":
        assert wait_for(lambda: work_done(engine)[0] - ticks >= BUSY, seconds), "the engine never got the update"
    else:
        assert wait_for(lambda: work_done(engine)[1] - written >= LOGGING, seconds), "the engine never wrote its log"
    now_written = work_done(engine)[1]
    landed = ("after the answer" if not sending.is_alive() else
              "while the engine wrote its log" if now_written - written >= LOGGING else
              "while the engine applied the update")
    assert server.process is not None
    os.kill(engine if victim == "engine" else server.process.pid, signal.SIGKILL)
    return sending, landed


@pytest.mark.parametrize("victim", ["server", "engine"])
def test_kill_9_in_the_middle_of_a_large_write_leaves_the_batch_whole_or_absent(tmp_path: Path, victim: str) -> None:
    server, tokens = started(tmp_path, ("bulk",))
    try:
        begun = time.monotonic()
        first = notes("bulk", "base", LARGE)
        assert post(server, tokens["bulk"], first, "replace").status in OK
        duration = time.monotonic() - begun
        before = graph_sizes(server, GRAPHS.network("bulk"), GRAPHS.metadata, GRAPHS.ownership)
        samples = lessons(server)
        current = first
        report = [f"\n{victim}: a {PER_NOTE * LARGE}-triple batch takes {duration:.2f} s"]
        for n, moment in enumerate(["applying", "logging", "answered"]):
            sheet = notes("bulk", f"k{n}", LARGE)
            killed_engine = server.engine_pid
            sending, landed = kill_during(server, tokens["bulk"], sheet, moment, victim, 10 * duration + 10)
            killed_at = time.monotonic()
            sending.join(timeout=60)
            assert not sending.is_alive(), "the client was left hanging"
            if moment != "answered":
                assert landed != "after the answer", f"the kill meant for '{moment}' came after the answer"
            if victim == "engine":
                if moment != "answered":
                    # refused as the engine died, or, when the engine sent its answer in the instant between
                    # the last look at its work and the signal, accepted (and then whole: checked below)
                    assert isinstance(sending.outcome, Answer), sending.outcome
                    assert sending.outcome.status in OK or is_problem(sending.outcome, 503, "store-unavailable"), \
                        sending.outcome.body[:500]
                assert wait_for(lambda: query(server.url, "ASK {}").status == 200, 30, 0.05)
                back = time.monotonic() - killed_at  # reported, not asserted: it is the machine's speed
                assert server.process is not None and server.process.poll() is None
                assert server.engine_pid != killed_engine
                said = sending.outcome.json().get("detail", "") if isinstance(sending.outcome, Answer) \
                    and sending.outcome.status not in OK else ""
                report.append(f"killed {landed}: answered {getattr(sending.outcome, 'status', sending.outcome)} "
                              f"{said!r}, engine back in {back:.2f} s")
            else:
                server.stop(timeout=30)
                assert wait_for(partial(exited, killed_engine), 10, 0.02), "the engine outlived the server"
                restarting = time.monotonic()
                server.start()
                report.append(f"killed {landed}: client got {type(sending.outcome).__name__}, "
                              f"served again in {time.monotonic() - restarting:.2f} s")
            present = described(server, sheet)
            assert present in (0, LARGE), f"half a batch: {present} of {LARGE} resources"
            if sending.accepted:
                assert present == LARGE, "an acknowledged batch was lost"
            assert described(server, current) == (0 if present else LARGE)
            assert triples_in(server, GRAPHS.network("bulk")) == PER_NOTE * LARGE
            assert recorded(server, sheet) == (1 if present else 0), "the provenance record disagrees with the data"
            assert graph_sizes(server, GRAPHS.network("bulk"), GRAPHS.metadata, GRAPHS.ownership) == before
            assert lessons(server) == samples
            current = sheet if present else current
            report[-1] += f"; the batch is {'whole' if present else 'absent'}"
        print("\n  ".join(report))
    finally:
        server.stop()


@contextmanager
def small_disk(folder: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of that size, mounted for the test and unmounted after (skips where mounting is not allowed)."""
    disk = folder / "disk"
    disk.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(disk)],
                                 capture_output=True, text=True, timeout=30, check=False)
    except FileNotFoundError:
        pytest.skip("no `mount` command here: the full-disk test needs a small tmpfs")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True, timeout=30, check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(disk)], capture_output=True, timeout=30, check=False)


def filler(disk: Path, name: str, megabytes: int) -> Path:
    path = disk / name
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(b"\0" * 2**20)
    return path


def test_a_full_disk_answers_507_stays_readable_and_takes_writes_once_space_is_freed(tmp_path: Path) -> None:
    with small_disk(tmp_path, 64) as disk:
        server, tokens = started(tmp_path / "server", ("bulk",), ISIC_STORE=str(disk / "store"),
                                 ISIC_ADMIN_TOKEN="durability-admin")
        deep = {"Authorization": "Bearer durability-admin"}
        try:
            samples, before = lessons(server), graph_sizes(server, GRAPHS.metadata, GRAPHS.ownership)
            big, small = filler(disk, "big", 32), filler(disk, "small", 8)
            accepted: list[Sheet] = []
            refusal: tuple[Sheet, Answer] | None = None
            begun = time.monotonic()
            while refusal is None and time.monotonic() - begun < 120:  # about 300 kB of text a batch
                sheet = notes("bulk", f"f{len(accepted)}", 20, padding=16_000)
                answer = post(server, tokens["bulk"], sheet, "upsert")
                if answer.status in OK:
                    accepted.append(sheet)
                else:
                    refusal = (sheet, answer)
            assert refusal is not None, "the disk never filled"
            refused, answer = refusal
            assert is_problem(answer, 507, "storage-full"), answer.body[:500]
            assert "disk is full" in answer.json()["detail"]
            print(f"\nthe disk filled after {len(accepted)} batches in {time.monotonic() - begun:.1f} s; "
                  f"write-ahead log {log_bytes(disk / 'store') / 2**20:.1f} MiB; then: {answer.json()['detail']}")

            def intact() -> None:
                """Every accepted batch is there, whole, the refused one not at all, and the rest unchanged."""
                assert sum(described(server, s) for s in accepted) == 20 * len(accepted)
                assert described(server, refused) == 0 and recorded(server, refused) == 0
                assert lessons(server) == samples
                assert graph_sizes(server, GRAPHS.metadata, GRAPHS.network("bulk"), GRAPHS.ownership) == before

            intact()
            again = post(server, tokens["bulk"], notes("bulk", "g0", 1), "upsert")
            assert is_problem(again, 507, "storage-full"), again.body[:500]
            health = request(f"{server.url}/healthz?store=write", headers=deep)
            assert health.status == 503 and health.json()["store"] == "not writable"

            small.unlink()  # some room, less than reopening the store would take
            again = post(server, tokens["bulk"], notes("bulk", "g1", 1), "upsert")
            assert is_problem(again, 507, "storage-full"), again.body[:500]
            print(f"with {shutil.disk_usage(disk).free / 2**20:.0f} MiB free: {again.json()['detail']}")
            intact()

            big.unlink()
            reopening = time.monotonic()
            after = notes("bulk", "after", 20)
            written = post(server, tokens["bulk"], after, "upsert")
            assert written.status in OK, written.body[:500]
            print(f"with {shutil.disk_usage(disk).free / 2**20:.0f} MiB free, the first write took "
                  f"{time.monotonic() - reopening:.2f} s (the engine reopens the store)")
            assert described(server, after) == 20 and recorded(server, after) == 1
            intact()
            assert request(f"{server.url}/healthz?store=write", headers=deep).json() == {
                "status": "ok", "engine": "reachable", "store": "writable"}
        finally:
            server.stop()


def test_the_cli_on_a_full_disk_says_so_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    with small_disk(tmp_path, 48) as disk:
        cli = LiveServer(tmp_path / "cli", {"ISIC_STORE": str(disk / "store")}).init()
        sheet = tmp_path / "notes.ttl"
        big = notes("bulk", "cli", 400, padding=20_000)  # 8 MB of text
        sheet.write_bytes(big.body)
        room = filler(disk, "filler", shutil.disk_usage(disk).free // 2**20 - 2)
        full = cli.cli("ingest", str(sheet), "--network", "bulk")
        assert full.returncode == 1, full.stderr
        assert "error: the store's disk is full: nothing was written" in full.stderr
        assert "Traceback" not in full.stderr
        room.unlink()
        stored = cli.cli("ingest", str(sheet), "--network", "bulk")
        assert stored.returncode == 0, stored.stderr
        store = EmbeddedStore(disk / "store")
        try:
            graph = GRAPHS.network("bulk")
            assert store.count(graph) == PER_NOTE * 400
            assert store.count(GRAPHS.ontology) > 0
            used = store.select(f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{GRAPHS.metadata}> "
                                f"{{ ?a <{PROV}used> <ni:///sha-256;{big.sha256}> }} }}").rows
            assert int(used[0]["n"].value) == 1  # the refused attempt left no record
        finally:
            store.close()
