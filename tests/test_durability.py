"""Durability under concurrency and faults, against live servers: nothing lost, nothing crossed, no half batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from .live import Answer, LiveServer, query, request

ISIC = "https://w3id.org/isic/ontology#"
GRAPH = "http://localhost:5000/graph/network/"


def organisations(network: str, tag: str, count: int, start: int = 0) -> bytes:
    """A valid batch of `count` organisations, their IRIs marked with the network and a tag."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix at: <https://w3id.org/isic/thesaurus/actor-type/> ."]
    for i in range(start, start + count):
        lines.append(f'<id/organisation/{network}-{tag}-{i}> a isic:Organisation ; '
                     f'rdfs:label "Organisation {tag} {i}"@fr ; isic:actorType at:association .')
    return "\n".join(lines).encode()


def post(server: LiveServer, network: str, token: str, body: bytes, mode: str, timeout: float = 120) -> Answer:
    return request(f"{server.url}/api/networks/{network}/sheets?mode={mode}", "POST", body,
                   {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}, timeout=timeout)


def count(server: LiveServer, sparql: str) -> int:
    answer = query(server.url, sparql)
    assert answer.status == 200, answer.body[:300]
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def organisations_in(server: LiveServer, network: str, marker: str = "") -> int:
    return count(server, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH <{GRAPH}{network}> "
                         f"{{ ?o a <{ISIC}Organisation> FILTER(CONTAINS(STR(?o), \"{marker}\")) }} }}")


def start(folder: Path, networks: tuple[str, ...], **env: str) -> tuple[LiveServer, dict[str, str]]:
    server = LiveServer(folder, {"ISIC_CLIENT_BUDGET": "100000", **env}).init()
    tokens = {n: server.cli("network", "add", n, "--name", n.upper()).stdout.strip() for n in networks}
    return server.start(), tokens


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    server, tokens = start(tmp_path_factory.mktemp("durability"), ("north", "south"))
    yield server, tokens
    server.stop()


def test_two_networks_sending_hundreds_of_batches_at_once_lose_and_cross_nothing(
        shared: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = shared
    batches = 150  # per network, 3 organisations each, upserted by 4 clients per network

    def send(job: tuple[str, int]) -> int:
        network, i = job
        return post(server, network, tokens[network], organisations(network, "c", 3, 3 * i), "upsert").status

    jobs = [(network, i) for i in range(batches) for network in ("north", "south")]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, jobs))
    elapsed = time.monotonic() - started
    assert set(statuses) <= {200, 201} and len(statuses) == 2 * batches, statuses
    for network, other in (("north", "south"), ("south", "north")):
        assert organisations_in(server, network, f"/{network}-c-") == 3 * batches
        assert organisations_in(server, network, f"/{other}-") == 0
        activities = count(server, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a "
                                   f"<http://www.w3.org/ns/prov#wasAssociatedWith> "
                                   f"<http://localhost:5000/id/network/{network}> }} }}")
        assert activities >= batches
    print(f"{2 * batches} batches in {elapsed:.1f} s: {2 * batches / elapsed:.0f} batches/s")


def test_simultaneous_replaces_of_one_graph_end_as_exactly_one_of_them(
        shared: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = shared
    size = 1500
    for round_ in range(3):
        bodies = {tag: organisations("north", f"r{round_}{tag}", size) for tag in "ab"}
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda tag: post(server, "north", tokens["north"], bodies[tag], "replace"), "ab"))
        assert {a.status for a in answers} <= {200, 201}
        kept = {tag: organisations_in(server, "north", f"-r{round_}{tag}-") for tag in "ab"}
        assert sorted(kept.values()) == [0, size], kept
        assert organisations_in(server, "north") == size


def large_ingest(server: LiveServer, token: str, size: int) -> threading.Thread:
    outcome: list[Answer | Exception] = []

    def send() -> None:
        try:
            outcome.append(post(server, "bulk", token, organisations("bulk", "big", size), "replace"))
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=send)
    thread.outcome = outcome  # type: ignore[attr-defined]
    thread.start()
    return thread


@pytest.mark.parametrize("victim", ["server", "engine"])
def test_kill_9_during_a_large_ingest_leaves_the_batch_whole_or_absent(tmp_path: Path, victim: str) -> None:
    size = 3000
    server, tokens = start(tmp_path, ("bulk",))
    try:
        before = count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        started = time.monotonic()
        ingest = large_ingest(server, tokens["bulk"], size)
        ingest.join(timeout=300)
        duration = time.monotonic() - started
        assert organisations_in(server, "bulk") == size
        outcomes = []
        for attempt in range(2):  # kill at different moments of a second ingest of new data
            fresh = organisations("bulk", f"k{attempt}", size)
            box: list[Answer | Exception] = []

            def send(body: bytes = fresh) -> None:
                try:
                    box.append(post(server, "bulk", tokens["bulk"], body, "replace"))
                except OSError as exc:
                    box.append(exc)

            writer = threading.Thread(target=send)
            writer.start()
            time.sleep(duration * (0.6 + 0.3 * attempt))
            pid = server.engine_pid if victim == "engine" else server.process.pid  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
            writer.join(timeout=120)
            if victim == "server":
                server.stop()
                server.start()
            else:
                assert box and isinstance(box[0], Answer) and box[0].status in (200, 201, 503), box
                outcomes.append(box[0].status)  # type: ignore[union-attr]
            present = organisations_in(server, "bulk", f"-k{attempt}-")
            assert present in (0, size), f"half a batch: {present} of {size}"
            previous = organisations_in(server, "bulk")
            assert previous == size  # either the new batch replaced the old one whole, or the old one is intact
        assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") >= before
        print(f"{victim}: ingest of {size} organisations took {duration:.2f} s; outcomes {outcomes}")
    finally:
        server.stop()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.decode().strip()}): needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_answers_507_keeps_the_store_readable_and_recovers(small_disk: Path) -> None:
    server = LiveServer(small_disk, {"ISIC_CLIENT_BUDGET": "100000", "ISIC_ADMIN_TOKEN": "full-admin"}).init()
    token = server.cli("network", "add", "bulk", "--name", "BULK").stdout.strip()
    server.start()
    try:
        lessons = count(server, f"SELECT (COUNT(?l) AS ?n) WHERE {{ ?l a <{ISIC}Lesson> }}")
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * (8 * 1024 * 1024))
        statuses: list[int] = []
        deadline = time.monotonic() + 120
        i = 0
        while time.monotonic() < deadline:  # the administrator fills the disk with a scratch graph
            data = " ".join(f'<urn:x:{i}-{j}> <urn:x:p> "{"x" * 500}" .' for j in range(100))
            answer = request(f"{server.url}/update", "POST",
                             f"INSERT DATA {{ GRAPH <urn:x:scratch> {{ {data} }} }}".encode(),
                             {"Content-Type": "application/sparql-update", "Authorization": "Bearer full-admin"})
            statuses.append(answer.status)
            i += 1
            if answer.status != 204:
                break
        assert statuses[-1] == 507, (statuses, answer.body[:500])
        problem = json.loads(answer.body)
        assert problem["code"] == "storage-full" and str(small_disk) not in answer.body.decode()
        refused = post(server, "bulk", token, organisations("bulk", "full", 10), "upsert")
        assert refused.status == 507 and json.loads(refused.body)["code"] == "storage-full"
        assert count(server, f"SELECT (COUNT(?l) AS ?n) WHERE {{ ?l a <{ISIC}Lesson> }}") == lessons
        assert organisations_in(server, "bulk") == 0
        filler.unlink()
        retried = post(server, "bulk", token, organisations("bulk", "after", 10), "upsert")
        assert retried.status in (200, 201), retried.body[:300]
        assert organisations_in(server, "bulk", "-after-") == 10
        assert request(f"{server.url}/healthz").json()["store"] == "writable"
    finally:
        server.stop()
