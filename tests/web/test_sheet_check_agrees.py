"""The form's check (/sheets/check) says what its save (/sheets) would say: the same shapes and the same owners, one
decision for both. A project of another network, or a copy that keeps another's partners and fundings (their
hidden identifiers), is refused by both, and the check names the owner beside the block, in the user's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.rdf.namespaces import THESAURUS
from tests.conftest import BASE
from tests.support.formpage import form_values
from tests.support.stored import stored_triples

PROJECT = BASE + "id/project/vacances-familles-lille"  # fcsf's, with partners and fundings

Values = dict[str, list[str]]


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"fcsf": credentials.add("fcsf", "fcsf"), "anas": credentials.add("anas", "anas")}


def _as_is(values: Values) -> Values:
    return values


def _copied(values: Values) -> Values:
    """Another project id, the stored partners' and fundings' hidden identifiers kept."""
    return {**values, "project.id": ["copie-avec-ids"]}


def _without_ids(values: Values) -> Values:
    """Another project id, and none of the stored resources' hidden identifiers: the blocks named as the stored ones
    (its user groups) are still fcsf's."""
    return {**{k: v for k, v in values.items() if not k.endswith((".id", ".partnership"))},
            "project.id": ["copie-sans-ids"]}


def _new(values: Values) -> Values:
    """A project of its own, typed in the empty form."""
    return {"project.id": ["jardin-des-tilleuls"], "project.title": ["Jardin partagé des Tilleuls"],
            "project.description": ["Un jardin cultivé par les habitants et les locataires de la cité."],
            "project.theme": [THESAURUS + "theme/housing"],
            "project.carriedBy": [BASE + "id/organisation/centre-social-les-passerelles"],
            "project.startDate": ["2024-03-01"],
            "lesson.0.statement": ["Les locataires sont venus quand les parcelles ont été tirées au sort."],
            "lesson.0.lessonCategory": [THESAURUS + "lesson-category/good-practice"]}


CASES: list[tuple[str, str, Callable[[Values], Values], bool, str | None]] = [
    # (case, network sending, what it does to fcsf's form, stored?, the field of the refusal)
    ("own project", "fcsf", _as_is, True, None),
    ("another network's project", "anas", _as_is, False, "project.id"),
    ("a copy keeping another's hidden ids", "anas", _copied, False, None),
    ("a copy without the hidden ids", "anas", _without_ids, False, None),
    ("a new project", "anas", _new, True, None),
]


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize(("case", "network", "change", "stored", "field"), CASES, ids=[c[0] for c in CASES])
def test_the_check_says_what_the_save_does(client: FlaskClient, tokens: dict[str, str], case: str, network: str,
                                           change: Callable[[Values], Values], stored: bool,
                                           field: str | None) -> None:
    page = client.get("/sheets/edit", query_string={"project": PROJECT})
    values = change(form_values(page.get_data(as_text=True)))
    values.pop("credential", None)
    token = tokens[network]
    by_header = client.post("/sheets/check", data=values, headers={"Authorization": f"Bearer {token}"})
    by_field = client.post("/sheets/check", data={**values, "credential": token})
    assert by_header.status_code == by_field.status_code == 200
    assert by_header.json == by_field.json
    checked = by_header.json
    before = stored_triples(client)
    saved = client.post("/sheets", data={**values, "credential": token})
    assert checked["conforms"] == (saved.status_code in (200, 201)), (case, checked, saved.status_code)
    assert checked["conforms"] == stored, (case, checked)
    if stored:
        assert checked["errors"] == {}
        return
    assert saved.status_code == 422 and stored_triples(client) == before
    assert "appartient au réseau" in saved.get_data(as_text=True)  # the save's page says it too, among its points
    said = [text for texts in checked["errors"].values() for text in texts]
    assert any("appartient au réseau" in text and "fcsf" in text for text in said), said  # French by default
    assert all(name for name in checked["errors"]), checked  # beside a field of the form
    if field is not None:
        assert any("appartient" in text for text in checked["errors"][field]), checked
    else:
        assert any(name.endswith(".id") and name != "project.id" for name in checked["errors"]), checked


@pytest.mark.live  # a dry run's process
def test_the_checks_refusal_of_another_networks_project_is_in_english_when_asked(client: FlaskClient,
                                                                                 tokens: dict[str, str]) -> None:
    page = client.get("/sheets/edit", query_string={"project": PROJECT})
    values = form_values(page.get_data(as_text=True))
    values.pop("credential", None)
    checked = client.post("/sheets/check?lang=en", data=values,
                          headers={"Authorization": f"Bearer {tokens['anas']}"}).json
    assert checked["conforms"] is False
    assert any("belongs to" in text and "fcsf" in text for text in checked["errors"]["project.id"]), checked
