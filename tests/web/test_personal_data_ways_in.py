"""Personal data in the places of a submission no text field shows: a literal's language tag, a sheet's name, a
file's name. Each is refused (422) without the datum in the answer, and the store is left as it was."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.support import paths
from tests.support.stored import stored_triples

VALID = (paths.ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl").read_text(encoding="utf-8")
DESCRIPTION = '"Un groupe de parents prépare des départs en vacances en famille."@fr'
# private-use subtags (eight characters at most each) spelling a phone number, an address, a NIR
TAGS = ("fr-x-06-12-34-56-78", "fr-x-jean-at-exemple-dot-fr", "en-x-1841276-45108946", "fr-FR-x-0612-345678")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"demo": credentials.add("demo", "Réseau de démonstration")}


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("route", [pytest.param("/api/validate", marks=pytest.mark.live), "/api/networks/demo/sheets"])
def test_personal_data_in_a_language_tag_is_refused_without_repeating_it(client: FlaskClient,
                                                                          tokens: dict[str, str], tag: str,
                                                                          route: str) -> None:
    before = stored_triples(client)
    body = VALID.replace(DESCRIPTION, DESCRIPTION.removesuffix("@fr") + f"@{tag}")
    response = client.post(route, data=body.encode(), content_type="text/turtle", headers=bearer(tokens["demo"]))
    text = response.get_data(as_text=True)
    assert response.status_code == 422, text[:500]
    assert "language tag" in text and "étiquette de langue" in text
    assert tag.lower() not in text.lower() and tag.split("-x-")[1] not in text
    assert stored_triples(client) == before



@pytest.mark.parametrize("name", ["fiche-jean.dupont@exemple.fr.ttl", "fiche 06 12 34 56 78.ttl",
                                  "FR7630006000011234567890189.ttl", "jean(at)exemple(dot)fr.ttl"])
@pytest.mark.parametrize("route", [pytest.param("/api/validate", marks=pytest.mark.live), "/api/networks/demo/sheets"])
def test_personal_data_in_a_files_name_is_refused_and_never_published(client: FlaskClient, tokens: dict[str, str],
                                                                       name: str, route: str) -> None:
    """A file's name is published with the ingestion (`dcterms:source`)."""
    before = stored_triples(client)
    for lang, words in (("en", "rename the file"), ("fr", "renommez le fichier")):
        response = client.post(route, data={"files": (io.BytesIO(VALID.encode()), name)},
                               content_type="multipart/form-data",
                               headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and words in text, text[:500]
        assert name.removesuffix(".ttl") not in text
    assert stored_triples(client) == before


@pytest.mark.parametrize("name", ["jean.dupont@exemple.fr-organisations.ttl", "marie.martin@caf.fr_fiche.ttl",
                                  "jean.dupont@exemple.fr\u2014projets.ttl", "JEAN.DUPONT@EXEMPLE.FR-2024.ttl"])
def test_an_address_followed_by_a_dash_or_an_underscore_in_a_files_name_is_refused(client: FlaskClient,
                                                                                  tokens: dict[str, str],
                                                                                  name: str) -> None:
    before = stored_triples(client)
    response = client.post("/api/networks/demo/sheets", data={"files": (io.BytesIO(VALID.encode()), name)},
                           content_type="multipart/form-data", headers=bearer(tokens["demo"]))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "rename the file" in text, text[:500]
    assert "dupont" not in text.lower() and "martin" not in text
    assert stored_triples(client) == before


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize("name", ["fiche-action-sociale-35-2024-03-01.ttl", "reseau 35 - 12345678200010.ttl",
                                  "W331234567_33063.ttl", "fiche.ttl"])
def test_a_files_name_with_dates_and_registry_numbers_passes(client: FlaskClient, tokens: dict[str, str],
                                                             name: str) -> None:
    response = client.post("/api/validate", data={"files": (io.BytesIO(VALID.encode()), name)},
                           content_type="multipart/form-data", headers=bearer(tokens["demo"]))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("name", ["fiche\x00.ttl", "fiche\u202eltt.csv", "fi\u200bche.ttl", "fiche\x1b[31m.ttl",
                                  "f" * 300 + ".ttl", "fiche\u2028.ttl"])
def test_a_files_name_with_control_or_invisible_characters_or_too_long_is_refused(client: FlaskClient,
                                                                                 tokens: dict[str, str],
                                                                                 name: str) -> None:
    before = stored_triples(client)
    for lang, words in (("en", "rename the file"), ("fr", "renommez le fichier")):
        response = client.post("/api/networks/demo/sheets", data={"files": (io.BytesIO(VALID.encode()), name)},
                               content_type="multipart/form-data",
                               headers={**bearer(tokens["demo"]), "Accept-Language": lang})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and words in text, text[:300]
        assert name not in text
    assert stored_triples(client) == before
