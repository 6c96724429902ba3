"""A retraction's reason that is no text (a lone surrogate escaped in JSON, a control character), and JSON nested deeper
than a parser goes (in a retraction or an upload's confirmation), are refused with a
message in English and French, and nothing is withdrawn; the nesting is measured before a parser reads it, so that
nothing the collector runs meanwhile fails deep in the stack (Python would write that failure's traceback in the log).
"""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE
from tests.support.oxigraph_server import Watched

PROJECT = BASE + "id/project/vacances-familles-lille"


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"fcsf": credentials.add("fcsf", "fcsf")}


@pytest.mark.parametrize("reason", ["projet\ud800 clos", "\udfff", "projet clos\x00", "projet\x1b[2J clos"])
def test_a_reason_that_is_no_text_is_refused_in_both_languages(client: FlaskClient, tokens: dict[str, str],
                                                               reason: str) -> None:
    for lang, words in (("en", "no text"), ("fr", "pas du texte")):
        response = client.post("/api/networks/fcsf/retractions", data=json.dumps({"resource": PROJECT,
                                                                                  "reason": reason}).encode(),
                               content_type="application/json",
                               headers={"Authorization": f"Bearer {tokens['fcsf']}", "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_json()["detail"], response.get_json()
    assert client.get("/id/project/vacances-familles-lille", headers={"Accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize("member", ["reason", "resource"])
@pytest.mark.parametrize("value", [{"texte": "publié par erreur"}, 123, 1.5e3, ["publié par erreur"], True],
                         ids=["object", "integer", "decimal", "list", "boolean"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "withdrawal"])
def test_a_reason_or_resource_that_is_no_json_string_is_refused_not_written_as_python_prints_it(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, member: str, value: object,
        dry_run: bool) -> None:
    """`"reason": {"texte": …}` withdrew the project with the reason `{'texte': …}`, `"reason": 123` with `123`."""
    before = seen.now()
    body = {"resource": PROJECT, "reason": "publié par erreur", member: value}
    for lang, words in (("en", f'"{member}" must be text'), ("fr", f"« {member} » doit être un texte")):
        response = client.post("/api/networks/fcsf/retractions", query_string={"dry-run": "1"} if dry_run else {},
                               data=json.dumps(body).encode(), content_type="application/json",
                               headers={"Authorization": f"Bearer {tokens['fcsf']}", "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_json()["detail"], response.get_json()
        assert "texte'" not in response.get_json()["detail"]
    assert before.unchanged()
    assert client.get("/id/project/vacances-familles-lille", headers={"Accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize("body", [b"[" * 100000, b'{"a":' * 50000, b'{"resource": ' * 30000])
@pytest.mark.usefixtures("collector_at_every_step")
def test_json_nested_too_deep_is_a_400_that_says_what_to_send(client: FlaskClient, tokens: dict[str, str],
                                                              body: bytes) -> None:
    for lang, words in (("en", "send {"), ("fr", "envoyez {")):
        response = client.post("/api/networks/fcsf/retractions", data=body, content_type="application/json",
                               headers={"Authorization": f"Bearer {tokens['fcsf']}", "Accept-Language": lang})
        assert response.status_code == 400 and words in response.get_json()["detail"], response.get_json()


@pytest.mark.parametrize("pending", ["[" * 100000, '{"a":' * 50000])
@pytest.mark.usefixtures("collector_at_every_step")
def test_an_upload_confirmation_carrying_json_nested_too_deep_asks_for_the_files_again(client: FlaskClient,
                                                                                        tokens: dict[str, str],
                                                                                        pending: str) -> None:
    for lang, words in (("en", "upload them again"), ("fr", "déposez-les à nouveau")):
        response = client.post(f"/sheets/csv?lang={lang}", data={"confirm": "1", "credential": tokens["fcsf"],
                                                                  "pending": pending, "expected": "x"})
        assert response.status_code == 400 and words in response.get_data(as_text=True)
