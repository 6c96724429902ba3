"""The privacy guard: personal data in any text field refuses a submission (422), naming the resource, the
field and the kind of data, never the datum; people appear only as holders of professional roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.credentials import CredentialStore
from isic_graph.documents import Document, read_batch
from isic_graph.formats import format_for_path
from isic_graph.ingest import check
from isic_graph.namespaces import Graphs
from isic_graph.privacy import personal_data
from isic_graph.validation import Validator

from .conftest import bearer
from .test_web_api import dataset

BASE = "http://localhost:5000/"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PROJECT = SAMPLES / "anas" / "les-incompris.ttl"
LESSONS = SAMPLES / "action-sociale-35" / "lessons.csv"
DATUMS = {
    "email": "marie.durand@example.fr",
    "phone": "06 12 34 56 78",
    "nir": "1 84 12 76 451 089 46",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
}
KIND_WORDS = {"email": "e-mail address", "phone": "phone number", "nir": "social security number",
              "iban": "bank account number"}


@pytest.mark.parametrize("text,kinds", [
    ("Contact : jean.dupont@gmail.com", ["email"]),
    ("appeler le 06 12 34 56 78 ou le +33 1 45 67 89 10", ["phone"]),
    ("NIR 184127645108946", ["nir"]),
    ("IBAN FR7630006000011234567890189", ["iban"]),
    ("SIRET 552 100 554 00013, SIREN 552100554, RNA W751234567", []),
    ("commune 35238, de 2015 à 2018, 12 500 €, 1 234 567 euros, le 12/03/2019 à 14h30", []),
    ("un numéro au mauvais code : 1 84 12 76 451 089 47 ; un IBAN faux : FR7630006000011234567890188", []),
], ids=["email", "phone", "nir", "iban", "company-numbers", "codes-dates-amounts", "wrong-keys"])
def test_personal_data_is_found_by_kind_and_legitimate_numbers_are_not(text: str, kinds: list[str]) -> None:
    assert [k.code for k in personal_data(text)] == kinds


def with_datum(kind: str) -> bytes:
    text = PROJECT.read_text(encoding="utf-8")
    return text.replace('"@fr', f' Contact : {DATUMS[kind]}"@fr', 1).encode()


@pytest.mark.parametrize("kind", sorted(DATUMS))
def test_a_turtle_sheet_with_personal_data_is_refused_naming_field_and_kind(kind: str, validator: Validator,
                                                                          graphs: Graphs) -> None:
    batch = read_batch([Document("p.ttl", with_datum(kind), format_for_path("p.ttl"))], BASE)
    report = check(batch, None, validator, graphs, "anas")
    found = [v for v in report.violations if v.value and v.value.startswith('"[')]
    assert not report.conforms and len(found) == 1
    assert found[0].focus == BASE + "id/project/les-incompris"
    assert found[0].path == "http://purl.org/dc/terms/title"
    assert KIND_WORDS[kind] in found[0].messages["en"]
    text = report.describe("fr") + report.describe("en") + report.serialize("turtle")
    assert DATUMS[kind] not in text and DATUMS[kind].replace(" ", "") not in text


def test_a_json_ld_sheet_with_an_email_is_refused() -> None:
    tree = {"@context": "https://w3id.org/isic/context.jsonld", "@id": "http://localhost:5000/id/group/g",
            "@type": "UserGroup", "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "écrire à paul@example.org", "@language": "fr"}}
    batch = read_batch([Document("g.jsonld", json.dumps(tree).encode(), format_for_path("g.jsonld"))], BASE)
    report = Validator.default().validate(_graph(batch), None)
    assert any("e-mail" in v.messages["en"] for v in report.violations)
    assert "paul@example.org" not in report.describe("en")


def _graph(batch: object) -> object:
    from isic_graph.ingest import to_rdflib

    return to_rdflib(batch.triples)  # type: ignore[attr-defined]


def test_a_csv_sheet_with_a_phone_number_is_refused_at_its_row_and_column(validator: Validator,
                                                                           graphs: Graphs) -> None:
    sheet = SAMPLES / "action-sociale-35"
    files = {p.name: p.read_bytes() for p in sheet.glob("*.csv")}
    lines = files["lessons.csv"].decode("utf-8").splitlines()
    lines[2] = lines[2].replace("La garde a été confiée", "La garde (joindre le 06 12 34 56 78) a été confiée")
    files["lessons.csv"] = ("\n".join(lines) + "\n").encode()
    batch = read_batch([Document(name, data, format_for_path(name)) for name, data in files.items()], BASE)
    report = check(batch, None, validator, graphs, "action-sociale-35")
    found = [v for v in report.violations if "phone number" in v.messages.get("en", "")]
    assert found and found[0].location is not None
    assert found[0].location.file == "lessons.csv" and found[0].location.row == 3
    assert "06 12 34 56 78" not in report.describe("fr")


PERSON = b"""@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<id/person/p> a foaf:Person ; foaf:name "Camille Martin" %s .
"""


@pytest.mark.parametrize("extra,message", [
    (b"", "hold a professional role"),
    (b'; foaf:mbox <mailto:c.martin@example.org>', "only by their name"),
    (b'; <https://schema.org/birthDate> "1980-01-01"', "only by their name"),
], ids=["without-role", "with-mailbox", "with-birth-date"])
def test_persons_are_only_named_holders_of_professional_roles(extra: bytes, message: str, validator: Validator,
                                                              graphs: Graphs) -> None:
    batch = read_batch([Document("p.ttl", PERSON % extra, format_for_path("p.ttl"))], BASE)
    report = check(batch, None, validator, graphs, "anas")
    assert not report.conforms
    assert any(message in v.messages["en"] for v in report.violations), report.describe("en")


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("anas", "ANAS")


def test_the_api_answers_422_with_the_field_and_stores_nothing(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    answer = client.post("/api/networks/anas/sheets", data=with_datum("email"), content_type="text/turtle",
                         headers={**bearer(token), "Accept-Language": "en"})
    assert answer.status_code == 422
    violations = [v for v in answer.json["violations"] if v["value"] == '"[an e-mail address]"']
    assert violations and violations[0]["path"] == "http://purl.org/dc/terms/title"
    assert DATUMS["email"] not in answer.get_data(as_text=True)
    assert dataset(client) == before
