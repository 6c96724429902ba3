"""Random Turtle, JSON-LD, CSV and bytes at ingestion: accepted, or refused with a 4xx and a reason —
never a 500, never an internal detail in the answer, and never a changed store after a refusal."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import IsicError
from isic_graph.ingest.documents import LIMITS, Document
from isic_graph.ingest.ingestion import check
from isic_graph.ingest.reading import read_batch
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.validation.validator import Validator
from tests.conftest import BASE, bearer
from tests.support import paths
from tests.support.fuzz import examples
from tests.web.test_api import dataset

ROOT = paths.ROOT
REFUSALS = {400, 413, 415, 422}
LEAKS = ("Traceback", 'File "', "/tmp/", str(ROOT), "site-packages")
CORE = settings(max_examples=examples(80), deadline=None)
HTTP = settings(max_examples=examples(50), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

TURTLE_TOKENS = ["@prefix e: <http://example.org/> .", "@prefix isic: <https://w3id.org/isic/ontology#> .",
                 "@base <https://w3id.org/isic/ontology#> .", "e:s", "e:p", "a", "isic:Lesson", "isic:Project",
                 "<id/lesson/x>", "<#Project>", "<http://a b>", "<http://www.w3.org/ns/shacl#NodeShape>",
                 "<http://www.w3.org/2002/07/owl#imports>", "[", "]", "(", ")", "<<(", ")>>", "<<", ">>", "{|", "|}",
                 ";", ",", ".", '"texte"@fr', '"x"@-bad', '"""long\ntext"""', "'", "1", "2.5", "true",
                 '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', "_:b", "#", "\n", "\r", "\x00", "é",
                 "\\u0000", "\\'", "e:a\\#b", "\\", '"'] + ["\ud800"]
TURTLE = st.lists(st.sampled_from(TURTLE_TOKENS), max_size=40).map(" ".join)
KEYS = ["@id", "@type", "@context", "@value", "@language", "@list", "@set", "@graph", "@import", "@base", "@vocab",
        "@reverse", "@nest", "@json", "http://example.org/p", "rdfs:label", "e", "e:p", "x"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.sampled_from(["http://127.0.0.1:9/ctx", "file:///etc/passwd", "https://w3id.org/isic/context.jsonld",
                              "http://example.org/", "@id", "@json", "fr", "-bad", "e:s"]) | st.text(max_size=20))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                                          max_size=4), max_leaves=30)
LESSONS = ROOT / "samples" / "action-sociale-35" / "lessons.csv"
HEADER = LESSONS.read_text(encoding="utf-8").splitlines()[0]
CELLS = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', '""', '"a,b"', "a|b", "\r", "\r\n", "obstacle", "start-up", "cafe-des-parents-rennes", "http://a b"])
CSV = st.lists(st.lists(CELLS, min_size=1, max_size=14), max_size=8).map(
    lambda rows: HEADER + "\n" + "\n".join(",".join(row) for row in rows))
OPENERS = {"[ e:p ": " ]", "( ": " )", "<<( e:a e:b ": " )>>", "e:o {| e:p ": " |}"}
JSON_OPENERS = {'{"http://example.org/p": ': "}", "[": "]", '{"@list": [': "]}"}


def clean(message: str) -> bool:
    return bool(message) and not any(leak in message for leak in LEAKS)


def read_and_check(validator: Validator, graphs: Graphs, name: str, data: bytes) -> IsicError | None:
    """The core path the CLI and the web share: parse, then validate; the refusal, if any."""
    try:
        batch = read_batch([Document(name, data, format_for_path(name))], BASE)
        check(batch, None, validator, graphs, "fuzz")
    except IsicError as exc:
        assert exc.status in REFUSALS and clean(exc.message), (exc.status, exc.message)
        return exc
    return None


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("fuzz", "Random network")


# ---------------------------------------------------------------- the core path


@CORE
@given(TURTLE)
def test_random_turtle_is_read_or_refused_with_a_reason(validator: Validator, graphs: Graphs, text: str) -> None:
    read_and_check(validator, graphs, "x.ttl", text.encode("utf-8", "surrogatepass"))


@CORE
@given(JSON)
@example({"@context": {"@id": None, "@language": None}})  # pyld's expansion failed on it with KeyError
def test_random_json_ld_is_read_or_refused_with_a_reason(validator: Validator, graphs: Graphs, tree: object) -> None:
    read_and_check(validator, graphs, "x.jsonld", json.dumps(tree).encode())


@CORE
@given(CSV)
def test_random_csv_is_read_or_refused_with_a_reason(validator: Validator, graphs: Graphs, text: str) -> None:
    read_and_check(validator, graphs, "lessons.csv", text.encode())


@CORE
@given(st.binary(max_size=300), st.sampled_from(["x.ttl", "x.nt", "x.jsonld", "lessons.csv"]))
def test_random_bytes_are_read_or_refused_with_a_reason(validator: Validator, graphs: Graphs, data: bytes,
                                                        name: str) -> None:
    read_and_check(validator, graphs, name, data)


@CORE
@given(st.lists(st.sampled_from(sorted(OPENERS)), max_size=2 * LIMITS.max_depth))
def test_turtle_nesting_is_refused_exactly_past_the_limit(validator: Validator, graphs: Graphs,
                                                          openers: list[str]) -> None:
    text = ("@prefix e: <http://example.org/> .\ne:s e:p " + "".join(openers) + "1"
            + "".join(OPENERS[o] for o in reversed(openers)) + " .")
    refused = read_and_check(validator, graphs, "x.ttl", text.encode())
    deep = sum(o.count("(") + o.count("[") + o.count("{") for o in openers) > LIMITS.max_depth
    assert (refused is not None and "levels deep" in refused.message) == deep


@CORE
@given(st.lists(st.sampled_from(sorted(JSON_OPENERS)), max_size=2 * LIMITS.max_depth))
def test_json_ld_nesting_is_refused_exactly_past_the_limit(validator: Validator, graphs: Graphs,
                                                           openers: list[str]) -> None:
    text = ('{"@id": "http://example.org/s", "http://example.org/p": ' + "".join(openers) + "1"
            + "".join(JSON_OPENERS[o] for o in reversed(openers)) + "}")
    refused = read_and_check(validator, graphs, "x.jsonld", text.encode())
    deep = 1 + sum(o.count("[") + o.count("{") for o in openers) > LIMITS.max_depth
    assert (refused is not None and "levels deep" in refused.message) == deep


# ---------------------------------------------------------------- over HTTP


SUBMISSIONS = st.one_of(
    TURTLE.map(lambda t: ("text/turtle", "", t.encode("utf-8", "surrogatepass"))),
    JSON.map(lambda t: ("application/ld+json", "", json.dumps(t).encode())),
    CSV.map(lambda t: ("text/csv", "&table=lessons", t.encode())),
    st.tuples(st.sampled_from(["text/turtle", "application/n-triples", "application/ld+json", "text/csv",
                               "application/rdf+xml", "application/n-quads"]),
              st.just("&table=lessons"), st.binary(max_size=200)),
)


@pytest.mark.parametrize("url", ["/api/networks/fuzz/sheets?mode=upsert",
                                 pytest.param("/api/validate?network=fuzz", marks=pytest.mark.live)])
@HTTP
@given(SUBMISSIONS)
def test_the_api_never_answers_500_nor_changes_the_store_on_refusal(client: FlaskClient, token: str, url: str,
                                                                    submission: tuple[str, str, bytes]) -> None:
    content_type, query, data = submission
    before = dataset(client)
    answer = client.post(url + query, data=data, content_type=content_type, headers=bearer(token))
    body = answer.get_data(as_text=True)
    assert answer.status_code in REFUSALS | {200, 201}, body[:300]
    if answer.status_code in REFUSALS:
        assert answer.content_type == "application/problem+json", body[:300]
        assert answer.json["status"] == answer.status_code and clean(answer.json["detail"]), body[:300]
        assert dataset(client) == before


@HTTP
@given(SUBMISSIONS.filter(lambda s: s[0] != "text/csv"))
def test_the_graph_store_never_answers_500_nor_changes_the_store_on_refusal(client: FlaskClient, token: str,
                                                                            submission: tuple[str, str, bytes]) -> None:
    content_type, _, data = submission
    before = dataset(client)
    answer = client.put(f"/graph-store?graph={BASE}graph/network/fuzz", data=data, content_type=content_type,
                        headers=bearer(token))
    body = answer.get_data(as_text=True)
    assert answer.status_code in REFUSALS | {201, 204}, body[:300]
    if answer.status_code in REFUSALS:
        assert answer.content_type == "application/problem+json", body[:300]
        assert answer.json["status"] == answer.status_code and clean(answer.json["detail"]), body[:300]
        assert dataset(client) == before
