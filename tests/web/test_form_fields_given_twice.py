"""A form field that takes one value, given twice with different values (a crafted form: a browser sends each once), is
refused naming it, not resolved silently: two tokens saved under the first one's network, two hidden ids of the
resource an edit shows took the last. The same value twice is one value."""

from __future__ import annotations

import html
import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.support.oxigraph_server import Watched
from tests.web.test_sheets import filled


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"fcsf": credentials.add("fcsf", "FCSF"), "anas": credentials.add("anas", "ANAS")}


def form(fields: dict[str, str | list[str]], **extra: list[str]) -> list[tuple[str, str]]:
    pairs = [(name, v) for name, value in fields.items() for v in ([value] if isinstance(value, str) else value)]
    return pairs + [(name.replace("__", "."), v) for name, values in extra.items() for v in values]


def post(client: FlaskClient, path: str, pairs: list[tuple[str, str]], lang: str = "fr") -> tuple[int, str]:
    from werkzeug.datastructures import MultiDict
    answer = client.post(path, data=MultiDict(pairs), headers={"Accept-Language": lang})
    return answer.status_code, html.unescape(answer.get_data(as_text=True))


@pytest.mark.parametrize("lang, words", [("fr", "« credential » est donné 2 fois"),
                                         ("en", "'credential' is given 2 times")])
def test_two_tokens_in_one_form_are_refused_on_every_form(client: FlaskClient, tokens: dict[str, str], seen: Watched,
                                                         lang: str, words: str) -> None:
    before = seen.now()
    two = [("credential", tokens["fcsf"]), ("credential", tokens["anas"])]
    status, page = post(client, "/sheets", form(filled()) + two, lang)
    assert status == 400 and words in page, page[:800]
    status, page = post(client, "/retract", [("resource", "http://localhost:5000/id/project/les-incompris"),
                                             ("reason", "doublon"), *two], lang)
    assert status == 400 and words in page, page[:800]
    upload = client.post("/sheets/csv", data={"files": [(io.BytesIO(b"projet\n"), "projects.csv")],
                                              "credential": [tokens["fcsf"], tokens["anas"]]},
                         content_type="multipart/form-data", headers={"Accept-Language": lang})
    assert upload.status_code == 400 and words in html.unescape(upload.get_data(as_text=True))
    assert before.unchanged()


def test_one_token_given_twice_is_one_token(client: FlaskClient, tokens: dict[str, str]) -> None:
    status, page = post(client, "/sheets", form(filled(**{"project.title": "Jardin des deux jetons"}))
                        + [("credential", tokens["fcsf"])] * 2)
    assert status == 201, page[:800]


@pytest.mark.parametrize("field", ["project.id", "lesson.0.id", "funding.0.id"])
def test_two_ids_for_the_resource_a_block_shows_are_refused(client: FlaskClient, tokens: dict[str, str],
                                                            seen: Watched, field: str) -> None:
    before = seen.now()
    status, page = post(client, "/sheets", form(filled()) + [(field, "http://localhost:5000/id/x/a"),
                                                             (field, "http://localhost:5000/id/x/b"),
                                                             ("credential", tokens["fcsf"])])
    assert status == 400 and f"« {field} » désigne 2 ressources différentes" in page, page[:800]
    assert before.unchanged()
