"""An identifier spelling an e-mail address with its punctuation made dashes (`jean-dupont-gmail-com`) is refused by
each way in that makes it an IRI: a sheet's identifier cell, a Turtle subject, a form's carried identifier. The answer
never repeats it, and nothing is stored."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import paths
from tests.support.stored import stored_triples

IDENTIFIERS = ("jean-dupont-arobase-gmail-com", "jean-dupont-at-gmail-com", "jean-dupont-gmail-com",
               "jean_dupont_orange_fr", "jean-arobase-exemple-fr")
NETWORK = "action-sociale-35"
MINIMAL = (paths.ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl").read_text(encoding="utf-8")
PROJECT = BASE + "id/project/vacances-familles-lille"


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {NETWORK: credentials.add(NETWORK, "Action sociale 35"), "demo": credentials.add("demo", "Démo"),
            "fcsf": credentials.add("fcsf", "fcsf")}


def hidden(identifier: str, answer: str) -> bool:
    return identifier not in answer and "dupont" not in answer.lower() and identifier.replace("_", "-") not in answer


@pytest.mark.parametrize("identifier", [*IDENTIFIERS, "jean.dupont.gmail.com"])
def test_a_sheets_identifier_cell_spelling_an_address_is_refused(client: FlaskClient, tokens: dict[str, str],
                                                                  identifier: str) -> None:
    before = stored_triples(client)
    text = f"financement,projet,financeur,montant,devise\n{identifier},cafe-des-parents-rennes,caf-35,3500.00,EUR\n"
    for lang in ("fr", "en"):
        response = client.post(f"/api/networks/{NETWORK}/sheets?mode=upsert",
                               data={"files": [(io.BytesIO(text.encode()), "fundings.csv")]},
                               headers={**bearer(tokens[NETWORK]), "Accept-Language": lang},
                               content_type="multipart/form-data")
        answer = response.get_data(as_text=True)
        assert response.status_code == 422, answer[:800]
        assert ("adresse électronique" if lang == "fr" else "e-mail address") in answer or "." in identifier
        assert hidden(identifier, answer), answer[:800]
    assert stored_triples(client) == before


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_a_turtle_subject_iri_spelling_an_address_is_refused(client: FlaskClient, tokens: dict[str, str],
                                                             identifier: str) -> None:
    before = stored_triples(client)
    body = MINIMAL.replace("<id/organisation/centre-social>", f"<id/organisation/{identifier}>")
    assert body != MINIMAL
    response = client.post("/api/networks/demo/sheets", data=body.encode(), content_type="text/turtle",
                           headers=bearer(tokens["demo"]))
    answer = response.get_data(as_text=True)
    assert response.status_code == 422, answer[:800]
    assert "e-mail address" in answer or "adresse électronique" in answer
    assert hidden(identifier, answer), answer[:800]
    assert stored_triples(client) == before


def test_an_organisation_named_after_a_mail_provider_passes(client: FlaskClient, tokens: dict[str, str]) -> None:
    text = ("financement,projet,financeur,montant,devise\n"
            "fin-fondation-orange-2024,cafe-des-parents-rennes,caf-35,10,EUR\n")
    response = client.post(f"/api/networks/{NETWORK}/sheets?mode=upsert&dry-run=1",
                           data={"files": [(io.BytesIO(text.encode()), "fundings.csv")]},
                           headers=bearer(tokens[NETWORK]), content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
