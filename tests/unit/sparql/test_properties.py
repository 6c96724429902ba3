"""Random SPARQL-like text at the guard and at /sparql: refused with a 4xx and a reason, never a 500."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isic_graph.errors import UsageError
from isic_graph.sparql.guard import check_query
from tests.support.fuzz import examples

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "SERVICE", "\\u0053ERVICE", "LOAD", "FROM", "NAMED",
          "GRAPH", "OPTIONAL", "UNION", "FILTER", "BIND", "VALUES", "LIMIT", "PREFIX", "BASE", "*", "?s", "?p", "?o",
          "<http://127.0.0.1:9/x>", "<file:///etc/passwd>", "isic:Lesson", "\"x\"", "\"\"\"y\"\"\"", "'z'@fr", "1",
          "{", "}", "(", ")", "[", "]", ".", ";", ",", "#", "\n", " ", "a", "\x00", "\\", "é", "\ud7ff"]
QUERIES = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join) | st.text(max_size=300)


@settings(max_examples=examples(300), deadline=None)
@given(QUERIES)
def test_the_guard_accepts_or_refuses_with_a_reason(text: str) -> None:
    try:
        check_query(text)
    except UsageError as exc:
        assert exc.message and exc.status in (400, 413)


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERIES)
def test_the_endpoint_never_answers_500(client: FlaskClient, text: str) -> None:
    answer = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code in (200, 400, 406, 413, 503), answer.data[:300]  # 406: DESCRIBE asked as JSON results
    if answer.status_code >= 400:
        problem = json.loads(answer.data)
        assert problem["status"] == answer.status_code and problem["detail"]
