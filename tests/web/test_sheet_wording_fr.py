"""A refusal said in French is French throughout and says where it is: the row of a not-owner problem, the
location of a problem whose sheet name, header or identifier holds personal data (only that part masked, in
French words), and the punctuation between a sentence and the list that follows it."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer

NETWORK = "action-sociale-35"
HEADER = "financement,projet,financeur,montant,devise\n"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def refusal(client: FlaskClient, token: str, files: dict[str, bytes], mode: str = "upsert") -> dict[str, object]:
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode={mode}",
                           data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                           headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert 400 <= response.status_code < 500, response.json
    body = response.json
    assert isinstance(body, dict)
    return body


def test_the_row_of_a_not_owner_problem_is_in_the_answers_language(client: FlaskClient, token: str) -> None:
    sheet = (HEADER + "les-incompris-departement,cafe-des-parents-rennes,caf-35,10,EUR\n").encode()
    body = refusal(client, token, {"fundings.csv": sheet})
    assert body["code"] == "not-owner" and body["row"] == "fundings.csv, ligne 2", body
    assert "appartient" in str(body["detail"])
