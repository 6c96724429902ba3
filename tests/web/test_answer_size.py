"""An answer is held to 64 MiB as it streams in from the engine: one anonymous query of a thousand rows of a megabyte
each (CONCATs doubling a text) drove the server to 7.6 GB, the answer held several times over, rows alone being
capped. Past the limit, 422 `answer-too-large` in the client's language, in every format."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

DOUBLED = ' BIND("x" AS ?a0)' + "".join(f" BIND(CONCAT(?a{k - 1}, ?a{k - 1}) AS ?a{k})" for k in range(1, 21))


def rows(count: int) -> str:
    """count rows of a 1 MiB text each."""
    return f"SELECT ?i ?a20 WHERE {{ VALUES ?i {{ {' '.join(map(str, range(count)))} }} {DOUBLED} }}"


def triples(count: int) -> str:
    return (f"CONSTRUCT {{ ?s <http://example.org/p> ?a20 }} WHERE {{ VALUES ?i {{ {' '.join(map(str, range(count)))}"
            f" }} BIND(IRI(CONCAT('http://example.org/s', STR(?i))) AS ?s) {DOUBLED} }}")


@pytest.mark.parametrize("accept, query, lang, said", [
    ("application/sparql-results+json", rows(66), "fr", "la réponse dépasse 64 Mio"),
    ("application/sparql-results+xml", rows(66), "en", "the answer is larger than 64 MiB"),
    ("text/csv", rows(66), "fr", "la réponse dépasse 64 Mio"),
    ("text/tab-separated-values", rows(66), "en", "the answer is larger than 64 MiB"),
    ("application/n-triples", triples(66), "fr", "la réponse dépasse 64 Mio"),
    ("text/turtle", triples(66), "en", "the answer is larger than 64 MiB"),
])
def test_an_answer_past_64_mib_is_refused_in_the_clients_language(client: FlaskClient, accept: str, query: str,
                                                                  lang: str, said: str) -> None:
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": accept, "Accept-Language": lang})
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    problem = answer.get_json()
    assert problem["code"] == "answer-too-large" and said in problem["detail"], problem


def test_an_answer_within_the_limit_is_given_whole(client: FlaskClient) -> None:
    answer = client.post("/sparql", data={"query": rows(20)}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    lines = answer.get_data().splitlines()
    assert len(lines) == 21 and all(len(line) > 1024 * 1024 for line in lines[1:])
