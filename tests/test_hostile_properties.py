"""Random Turtle, JSON-LD, CSV and bytes at ingestion: accepted, or refused with a 4xx and a reason —
never a 500, and never a changed store after a refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isic_graph.credentials import CredentialStore
from isic_graph.documents import Document, read_batch
from isic_graph.errors import IsicError
from isic_graph.formats import format_for_path

from .conftest import bearer
from .test_web_api import dataset

BASE = "http://localhost:5000/"
REFUSALS = {400, 413, 415, 422}
TURTLE_TOKENS = ["@prefix e: <http://example.org/> .", "@prefix isic: <https://w3id.org/isic/ontology#> .",
                 "e:s", "e:p", "a", "isic:Lesson", "isic:Project", "<id/lesson/x>", "<http://a b>", "[", "]", "(",
                 ")", ";", ",", ".", '"texte"@fr', '"x"@-bad', '"""long\ntext"""', "1", "2.5", "true",
                 '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', "_:b", "#", "\n", "\x00", "é", "\\u0000"]
TURTLE = st.lists(st.sampled_from(TURTLE_TOKENS), max_size=40).map(" ".join)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["@id", "@type", "@context", "@value", "@list", "@graph", "@import",
                                         "http://example.org/p", "rdfs:label", "x"]), inner, max_size=4),
                    max_leaves=30)
LESSONS = Path(__file__).resolve().parents[1] / "samples" / "action-sociale-35" / "lessons.csv"
CSV = st.lists(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), min_size=1, max_size=6),
               max_size=8).map(lambda rows: "\n".join(",".join(row) for row in rows))


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("fuzz", "Random network")


def read_or_refuse(name: str, data: bytes) -> None:
    try:
        read_batch([Document(name, data, format_for_path(name))], BASE)
    except IsicError as exc:
        assert exc.status in REFUSALS and exc.message


@settings(max_examples=150, deadline=None)
@given(TURTLE)
def test_random_turtle_is_read_or_refused_with_a_reason(text: str) -> None:
    read_or_refuse("x.ttl", text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_random_json_ld_is_read_or_refused_with_a_reason(tree: object) -> None:
    read_or_refuse("x.jsonld", json.dumps(tree).encode())


@settings(max_examples=80, deadline=None)
@given(CSV)
def test_random_csv_is_read_or_refused_with_a_reason(text: str) -> None:
    header = LESSONS.read_text(encoding="utf-8").splitlines()[0]
    read_or_refuse("lessons.csv", (header + "\n" + text).encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_read_or_refused_with_a_reason(data: bytes) -> None:
    for name in ("x.ttl", "x.jsonld", "x.nt", "lessons.csv"):
        read_or_refuse(name, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(TURTLE.map(lambda t: ("text/turtle", t.encode("utf-8", "surrogatepass"))),
                 JSON.map(lambda t: ("application/ld+json", json.dumps(t).encode())),
                 st.binary(max_size=200).map(lambda b: ("application/n-triples", b))))
def test_the_api_never_answers_500_nor_changes_the_store_on_refusal(client: FlaskClient, token: str,
                                                                    submission: tuple[str, bytes]) -> None:
    content_type, data = submission
    before = dataset(client)
    answer = client.post("/api/networks/fuzz/sheets?mode=upsert", data=data, content_type=content_type,
                         headers=bearer(token))
    assert answer.status_code in REFUSALS | {200, 201}, answer.get_data(as_text=True)[:300]
    if answer.status_code in REFUSALS:
        assert answer.content_type == "application/problem+json" and answer.json["detail"]
        assert dataset(client) == before
