"""Floods from one loopback address against a live server, for the tests and the bench.

Each flood runs from threads that stop by themselves after `seconds` (or when the block ends), and
closes every socket it opened.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from .live import Answer, query, request
from .queries import RUNAWAY

Work = Callable[[int, threading.Event], None]
FLOOD = 8.0  # seconds a flood lasts at most
BASE = "http://localhost:5000/"
SLOW_HEADS = {
    "slow-headers": b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    "slow-body": b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: "
                 b"1000000\r\n\r\n# ",
    "slow-chunked-body": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n100000\r\nASK {",
}
def new_query() -> str:
    """A cheap query never sent before (its text differs, not only a comment): never a cached answer."""
    return (f"SELECT ?p WHERE {{ ?p a <https://w3id.org/isic/ontology#Project> "
            f"FILTER(?p != <urn:x:{time.time_ns()}>) }} LIMIT 2")


MAPS = ("/maps", "/maps/partnerships.png", "/maps/partnerships.svg", "/maps/coverage-categories.png")


def many_problems(count: int) -> bytes:
    """A sheet of `count` projects, each ending before it starts: about 4 ms of validation a project."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    lines += [f'<{BASE}id/project/p{n}> a isic:Project ; isic:startDate "2020-01-02"^^xsd:date ; '
              f'isic:endDate "2019-01-01"^^xsd:date .' for n in range(count)]
    return "\n".join(lines).encode()


def connect(port: int, source: str) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


@contextmanager
def flooding(work: Work, workers: int, seconds: float = FLOOD, settle: float = 1.0) -> Iterator[None]:
    """`workers` threads running work(index, stop) until stop is set: at the end of the block or after `seconds`;
    the block starts `settle` seconds after them."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    threads = [threading.Thread(target=work, args=(n, stop), daemon=True) for n in range(workers)]
    timer.start()
    for thread in threads:
        thread.start()
    try:
        time.sleep(settle)
        yield
    finally:
        stop.set()
        timer.cancel()
        for thread in threads:
            thread.join(timeout=30)


@contextmanager
def idle_connections(port: int, source: str, opening: bytes, count: int = 120) -> Iterator[list[socket.socket]]:
    """`count` connections, each sent `opening` and nothing more, held for the block."""
    sockets = []
    try:
        for _ in range(count):
            sock = connect(port, source)
            sock.sendall(opening)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def dribbler(port: int, source: str, head: bytes, connections: int = 50) -> Work:
    """Connections sent `head` then a byte every half second each; those the server closes are opened again."""

    def dribble(index: int, stop: threading.Event) -> None:
        held: list[socket.socket] = []
        try:
            while not stop.is_set():
                while len(held) < connections and not stop.is_set():
                    try:
                        sock = connect(port, source)
                        sock.sendall(head)
                        held.append(sock)
                    except OSError:
                        break
                for sock in list(held):
                    try:
                        sock.sendall(b" ")
                    except OSError:
                        held.remove(sock)
                        sock.close()
                stop.wait(0.5)
        finally:
            for sock in held:
                sock.close()

    return dribble


def _repeating(send: Callable[[int, int], Answer], answers: list[Answer]) -> Work:
    """send(index, round) again and again, its answers kept; a short pause after a 429 or a 503."""

    def work(index: int, stop: threading.Event) -> None:
        round_ = 0
        while not stop.is_set():
            round_ += 1
            answer = send(index, round_)
            answers.append(answer)
            if answer.status in (429, 503):
                stop.wait(0.05)

    return work


def runaway_queries(url: str, source: str, spelling: str, answers: list[Answer]) -> Work:
    """A query that runs until the timeout, sent as a form, a sparql-query body or a GET; each one new."""

    def send(index: int, round_: int) -> Answer:
        text = f"{RUNAWAY} # {index} {round_} {time.time_ns()}"
        if spelling == "form":
            return query(url, text, source=source, timeout=60)
        if spelling == "sparql-query":
            return request(f"{url}/sparql", "POST", text.encode(), {"Content-Type": "application/sparql-query"},
                           source=source, timeout=60)
        return request(f"{url}/sparql?query={urllib.parse.quote(text)}", source=source, timeout=60)

    return _repeating(send, answers)


def spread(works: Sequence[Work]) -> Work:
    """One flood from several works (several addresses): thread n runs works[n % len(works)]."""

    def work(index: int, stop: threading.Event) -> None:
        works[index % len(works)](index // len(works), stop)

    return work


def big_form(lessons: int = 20) -> bytes:
    """A filled collection-sheet form of `lessons` lessons, as the form's check gets it (about 1 s to check)."""
    fields = [("project.id", "flood-x"), ("project.title", "Flood"), ("project.description", "D" * 2000)]
    for n in range(lessons):
        fields += [(f"lesson.{n}.statement", "S" * 200), (f"lesson.{n}.recommendation", "R"),
                   (f"lesson.{n}.lessonCategory", "https://w3id.org/isic/thesaurus/lesson-category/obstacle")]
    return urllib.parse.urlencode(fields).encode()


def sheet_checks(url: str, source: str, token: str, answers: list[Answer]) -> Work:
    """The form's check of a large form, each one new (its genesis differs), with the network's token."""
    form = big_form()

    def send(index: int, round_: int) -> Answer:
        body = form + f"&project.genesis={index}-{round_}-{time.time_ns()}".encode()
        return request(f"{url}/sheets/check", "POST", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                              "Authorization": f"Bearer {token}"},
                       source=source, timeout=60)

    return _repeating(send, answers)


def validations(url: str, source: str, token: str, answers: list[Answer], projects: int = 2000) -> Work:
    """Dry runs of a sheet with many problems (one thread in four: the form's check)."""
    heavy = many_problems(projects)

    def send(index: int, round_: int) -> Answer:
        if index % 4 == 3:
            return request(f"{url}/sheets/check", "POST", b"project.title=Flood",
                           {"Content-Type": "application/x-www-form-urlencoded",
                            "Authorization": f"Bearer {token}"}, source=source, timeout=60)
        return request(f"{url}/api/validate", "POST", heavy,
                       {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}, source=source, timeout=60)

    return _repeating(send, answers)


def map_renders(url: str, source: str, answers: list[Answer]) -> Work:
    """Maps with a new filter each time: never a page kept from before."""

    def send(index: int, round_: int) -> Answer:
        start = f"20{index:02d}-{1 + round_ // 28 % 12:02d}-{1 + round_ % 28:02d}"
        return request(f"{url}{MAPS[index % len(MAPS)]}?start={start}", source=source, timeout=60)

    return _repeating(send, answers)


def organisations(count: int, tag: str) -> bytes:
    """A valid sheet of `count` organisations (about 280 bytes each), their IRIs starting with id/organisation/tag-."""
    lines = ["@prefix isic: <https://w3id.org/isic/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix at: <https://w3id.org/isic/thesaurus/actor-type/> ."]
    lines += [f'<{BASE}id/organisation/{tag}-{n}> a isic:Organisation ; rdfs:label "Organisation {tag} {n}"@fr ; '
              f'isic:actorType at:association ; rdfs:comment "{"une organisation du réseau " * 5}"@fr .'
              for n in range(count)]
    return "\n".join(lines).encode()


WRITE_ROUTES = ("graph-store", "sheets", "dry-run")


def writes(url: str, source: str, token: str, network: str, route: str, answers: list[Answer],
           count: int = 3000) -> Work:
    """A network's writes with its token, two sheets in turn (tags NETWORK-a and NETWORK-b): the Graph Store's
    PUT of its graph, a replace by its sheets, or a dry run of an upsert."""
    bodies = [organisations(count, f"{network}-{tag}") for tag in "ab"]
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}
    target = {"graph-store": f"/graph-store?graph={urllib.parse.quote(f'{BASE}graph/network/{network}', safe='')}",
              "sheets": f"/api/networks/{network}/sheets?mode=replace",
              "dry-run": f"/api/networks/{network}/sheets?dry-run=1&mode=upsert"}[route]
    method = "PUT" if route == "graph-store" else "POST"

    def send(index: int, round_: int) -> Answer:
        return request(f"{url}{target}", method, bodies[(index + round_) % 2], headers, source=source, timeout=60)

    return _repeating(send, answers)
