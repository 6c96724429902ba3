"""The identifiers an edit form carries in hidden fields (the project's, a lesson's, a partner's or a funding's) may be
edited by hand: one holding personal data is refused, in English and French, before it is made a slug that no search
would recognise it in (`jean.dupont@exemple.fr` → `id/project/jean-dupont-exemple-fr`), and nothing is stored."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE
from tests.support.formpage import form_values
from tests.support.stored import stored_triples

PROJECT = BASE + "id/project/vacances-familles-lille"
PERSONAL = ("jean.dupont@exemple.fr", "jean.dupont(at)exemple.fr", "06 12 34 56 78",
            "FR76 3000 6000 0112 3456 7890 189",
            # an address spelt as an identifier, its punctuation made dashes (test_personal_data_identifiers.py)
            "jean-dupont-arobase-gmail-com", "jean-dupont-at-gmail-com", "jean-dupont-gmail-com",
            "jean_dupont_orange_fr", "jean-arobase-exemple-fr")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"fcsf": credentials.add("fcsf", "fcsf")}


@pytest.mark.parametrize("value", PERSONAL)
@pytest.mark.parametrize("field", ["project.id", "lesson.0.id", "funding.0.id"])
def test_personal_data_in_a_carried_identifier_is_refused_and_nothing_stored(client: FlaskClient,
                                                                            tokens: dict[str, str], field: str,
                                                                            value: str) -> None:
    before = stored_triples(client)
    for lang, words in (("en", "an identifier the form carries holds"),
                        ("fr", "un identifiant porté par le formulaire contient")):
        page = client.get("/sheets/edit", query_string={"project": PROJECT, "lang": lang})
        values = form_values(page.get_data(as_text=True))
        values[field] = [value]
        response = client.post(f"/sheets?lang={lang}", data={**values, "credential": tokens["fcsf"]},
                               headers={"Accept-Language": lang})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and words in text, text[:500]
        assert value not in text and "dupont" not in text.lower() and value.replace("_", "-") not in text
    assert stored_triples(client) == before


def test_a_carried_identifier_with_a_date_or_a_number_is_kept(client: FlaskClient, tokens: dict[str, str]) -> None:
    page = client.get("/sheets/edit", query_string={"project": PROJECT, "lang": "fr"})
    values = form_values(page.get_data(as_text=True))
    values["project.id"] = ["vacances-familles-lille-2024-03-01"]
    response = client.post("/sheets?lang=fr", data={**values, "credential": tokens["fcsf"]})
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
