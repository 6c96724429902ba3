"""The privacy guard: personal data in any text refuses a submission (422), naming the resource, the field and the
kind of data, never the datum; people appear only as named holders of professional roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from pyoxigraph import Literal, RdfFormat
from rdflib import Graph

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.errors import ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, check, ingest
from isic_graph.ingest.reading import read_batch
from isic_graph.privacy import personal_data, personal_data_in_iri
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import ValidationReport, Validator, Violation
from tests.conftest import bearer
from tests.support import paths
from tests.web.test_api import dataset

BASE = "http://localhost:5000/"
ROOT = paths.ROOT
SAMPLES = ROOT / "samples"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
PROJECT = BASE + "id/project/demo"
DESCRIPTION = "http://purl.org/dc/terms/description"
STATEMENT = "https://w3id.org/isic/ontology#statement"
DESCRIPTION_TEXT = "Un groupe de parents prépare des départs en vacances en famille."
DATUMS = {
    "email": "marie.durand@example.fr",
    "phone": "06 12 34 56 78",
    "nir": "1 84 12 76 451 089 46",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
}
KINDS = {  # how the messages name each kind, in French and English
    "email": ("une adresse électronique", "an e-mail address"),
    "phone": ("un numéro de téléphone", "a phone number"),
    "nir": ("un numéro de sécurité sociale (NIR)", "a social security number (NIR)"),
    "iban": ("un numéro de compte bancaire (IBAN)", "a bank account number (IBAN)"),
}
LEGITIMATE = ("SIRET 552 100 554 00013 (55210055400013), SIREN 552100554, RNA W751234567, commune 35238, "
              "Ajaccio 2A004, 75011 Paris ; de 2015 à 2018, le 12/03/2019 à 14h30, 2019-05-02 ; 12 500 €, "
              "1 234 567,50 euros, 15000.00 EUR ; numéros faux : 06 12 34 56 7, 01 23 45 67 8, "
              "1 84 12 76 451 089 47, FR76 3000 6000 0112 3456 7890 188 ; numéro vert 0 800 123 456, le 3919.")


# ---------------------------------------------------------------- the detectors


@pytest.mark.parametrize("text,kind", [
    ("Contact : jean.dupont@gmail.com", "email"),
    ("écrire à Prenom.Nom+isic@mairie-exemple.gouv.fr.", "email"),
    ("appeler le 06 12 34 56 78", "phone"),
    ("tél. 02.99.12.34.56", "phone"),
    ("portable 0612345678", "phone"),
    ("le 01/03/2024 14:30, appeler le 06 12 34 56 78", "phone"),
    ("06/12/1934 56:78", "phone"),
    ("joignable au +33 6 12 34 56 78", "phone"),
    ("ou au 0033 1 45 67 89 10", "phone"),
    ("à Londres : +44 20 7946 0958", "phone"),
    ("NIR 184127645108946", "nir"),
    ("NIR 1 84 12 76 451 089 46 (carte Vitale)", "nir"),
    ("NIR 1\u00a084\u00a012\u00a076\u00a0451\u00a0089\u00a046", "nir"),
    ("1.84.12.76.451.089.46", "nir"),
    ("en 2015 1 84 12 76 451 089 46", "nir"),
    ("IBAN FR7630006000011234567890189", "iban"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 chez la banque", "iban"),
    ("iban : fr76 3000 6000 0112 3456 7890 189.", "iban"),
    ("compte GB82 WEST 1234 5698 7654 32", "iban"),
])
def test_each_kind_of_personal_data_is_found_however_it_is_written(text: str, kind: str) -> None:
    assert [k.code for k in personal_data(text)] == [kind]


@pytest.mark.parametrize("text", [
    "SIRET 552 100 554 00013, SIRET 55210055400013, SIREN 552100554, RNA W751234567",
    "codes INSEE 35238, 2A004, 971 ; 75011 Paris ; départements 35 et 976",
    "de 2015 à 2018, puis 2019-2021 ; le 12/03/2019 à 14h30 ; 2019-05-02T10:00:00",
    "séance du 01/03/2024 14:30 ; réunion 01.03.2024 14:30 ; 01/03/2024 00:00 ; 2024-03-01 14:30:00",
    "12 500 €, 1 234 567 euros, 3 500,00 EUR, 15000.00, 125000000",
    "un numéro incomplet : 06 12 34 56 7 ; un numéro impossible : 00 00 00 00 00",
    "un NIR au mauvais code : 1 84 12 76 451 089 47 ; un IBAN faux : FR7630006000011234567890188",
    "un numéro vert : 0 800 123 456 ; un numéro court : 3919 ; le 115",
    LEGITIMATE,
], ids=["company-numbers", "insee-codes", "dates", "dates-and-hours", "amounts", "phone-like", "wrong-keys",
        "service-numbers", "all-together"])
def test_legitimate_numbers_are_not_personal_data(text: str) -> None:
    assert personal_data(text) == []


def test_contact_iris_are_personal_data_and_web_addresses_are_not() -> None:
    assert [k.code for k in personal_data_in_iri("mailto:jean.dupont@gmail.com")] == ["email"]
    assert [k.code for k in personal_data_in_iri("tel:+33612345678")] == ["phone"]
    assert personal_data_in_iri("https://centre-social.example.org/contact") == []


def test_no_sample_holds_personal_data() -> None:
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        batch = read_batch([Document.from_path(p) for p in sorted(folder.iterdir())], BASE)
        for t in batch.triples:
            if isinstance(t.object, Literal):
                assert personal_data(t.object.value) == [], (folder.name, str(t.subject), str(t.predicate))


# ---------------------------------------------------------------- refused submissions, in every format


def with_datum(kind: str) -> str:
    """The minimal sheet, whose project description mentions a piece of personal data."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert DESCRIPTION_TEXT in text
    return text.replace(DESCRIPTION_TEXT, f"{DESCRIPTION_TEXT} Contact : {DATUMS[kind]}.")


def report_on(documents: list[Document], validator: Validator, graphs: Graphs,
             network: str | None = "demo", store: Store | None = None) -> ValidationReport:
    return check(read_batch(documents, BASE), store, validator, graphs, network)


def findings(report: ValidationReport) -> list[Violation]:
    return [v for v in report.violations if "no personal data is published" in v.messages.get("en", "")]


def assert_not_echoed(report: ValidationReport, datum: str) -> None:
    shown = "\n".join([report.describe("fr"), report.describe("en"), report.serialize("turtle"),
                       report.serialize("jsonld"), json.dumps([v.to_dict() for v in report.violations])])
    for form in (datum, datum.replace(" ", ""), datum.split("@")[0]):
        assert form not in shown


def assert_names_kind(violation: Violation, kind: str) -> None:
    fr, en = KINDS[kind]
    assert fr in violation.messages["fr"] and en in violation.messages["en"]
    assert violation.value == f"*** ({kind})"


@pytest.mark.parametrize("kind", sorted(DATUMS))
def test_personal_data_in_a_turtle_sheet_is_refused_naming_resource_field_and_kind(
        kind: str, validator: Validator, graphs: Graphs) -> None:
    report = report_on([Document("sheet.ttl", with_datum(kind).encode(), format_for_path("sheet.ttl"))],
                      validator, graphs)
    assert not report.conforms
    [found] = findings(report)
    assert found.focus == PROJECT and found.focus_label == "Des vacances pour tous"
    assert found.path == DESCRIPTION and found.field_names == {"fr": "Description", "en": "Description"}
    assert_names_kind(found, kind)
    assert "Description (dcterms:description)" in report.describe("en")
    assert_not_echoed(report, DATUMS[kind])


@pytest.mark.parametrize("kind", sorted(DATUMS))
def test_personal_data_in_a_json_ld_sheet_is_refused_naming_resource_field_and_kind(
        kind: str, validator: Validator, graphs: Graphs) -> None:
    graph = Graph().parse(data=with_datum(kind), format="turtle", publicID=BASE)
    document = graph.serialize(format="json-ld").encode()
    report = report_on([Document("sheet.jsonld", document, format_for_path("sheet.jsonld"))], validator, graphs)
    assert not report.conforms
    [found] = findings(report)
    assert found.focus == PROJECT and found.path == DESCRIPTION
    assert_names_kind(found, kind)
    assert_not_echoed(report, DATUMS[kind])


def sample_sheets(lessons_row_3: tuple[str, str] | None = None) -> list[Document]:
    """The action-sociale-35 CSV sheets, with a replacement in the second lesson (row 3 of lessons.csv)."""
    documents = []
    for path in sorted((SAMPLES / "action-sociale-35").glob("*.csv")):
        data = path.read_text(encoding="utf-8")
        if path.name == "lessons.csv" and lessons_row_3 is not None:
            lines = data.splitlines()
            assert lessons_row_3[0] in lines[2]
            lines[2] = lines[2].replace(*lessons_row_3)
            data = "\n".join(lines) + "\n"
        documents.append(Document(path.name, data.encode(), format_for_path(path.name)))
    return documents


@pytest.mark.parametrize("kind", sorted(DATUMS))
def test_personal_data_in_a_csv_sheet_is_refused_at_its_file_row_and_column(
        kind: str, validator: Validator, graphs: Graphs) -> None:
    replacement = ("La garde a été confiée", f"La garde (contact : {DATUMS[kind]}) a été confiée")
    report = report_on(sample_sheets(replacement), validator, graphs, "action-sociale-35")
    assert not report.conforms
    [found] = findings(report)
    assert found.focus == BASE + "id/lesson/cdp-garde-benevoles" and found.path == STATEMENT
    assert found.location is not None
    assert (found.location.file, found.location.row, found.location.column) == ("lessons.csv", 3, "enonce")
    assert "[lessons.csv, row 3, column 'enonce']" in report.describe("en")
    assert "[lessons.csv, ligne 3, colonne « enonce »]" in report.describe("fr")
    assert_names_kind(found, kind)
    assert_not_echoed(report, DATUMS[kind])


def test_the_csv_samples_still_conform(validator: Validator, graphs: Graphs) -> None:
    assert report_on(sample_sheets(), validator, graphs, "action-sociale-35").conforms


def test_a_sheet_with_only_legitimate_numbers_is_accepted(validator: Validator, graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(DESCRIPTION_TEXT, LEGITIMATE)
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    assert report.conforms, report.describe("en")


def test_contact_details_of_an_organisation_are_refused_too(validator: Validator, graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "foaf:homepage <https://centre-social.example.org/> .",
        "foaf:homepage <https://centre-social.example.org/> ; foaf:mbox <mailto:accueil@centre-social.example.org> ;"
        ' <https://schema.org/telephone> "05 56 12 34 56" .')
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    found = {(v.path, v.value) for v in findings(report)}
    assert found == {("http://xmlns.com/foaf/0.1/mbox", "*** (email)"), ("https://schema.org/telephone", "*** (phone)")}
    assert_not_echoed(report, "accueil@centre-social.example.org")
    assert_not_echoed(report, "05 56 12 34 56")


def test_a_number_that_is_not_a_number_is_refused_without_being_repeated(validator: Validator,
                                                                         graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "isic:groupSize 12", 'isic:groupSize "06 12 34 56 78"^^xsd:integer')
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    paths = [v.path for v in report.violations]
    assert paths == ["https://w3id.org/isic/ontology#groupSize"] * 2  # not a whole number; a phone number
    assert_not_echoed(report, DATUMS["phone"])


def test_the_user_group_shape_still_refuses_anything_but_label_size_and_public(validator: Validator,
                                                                               graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "isic:groupSize 12", 'isic:groupSize 12 ; <https://schema.org/email> "sophie.durand@example.org" ; '
                             '<http://xmlns.com/foaf/0.1/name> "Sophie Durand"')
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    closed = [v for v in report.violations if "only be described by its label" in v.messages["en"]]
    assert {v.path for v in closed} == {"https://schema.org/email", "http://xmlns.com/foaf/0.1/name"}
    assert [v.path for v in findings(report)] == ["https://schema.org/email"]
    assert_not_echoed(report, "sophie.durand@example.org")


# ---------------------------------------------------------------- persons: named holders of professional roles only

PERSON = """@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/person/demo> a {cls} ; foaf:name "Camille Martin" {extra} .
"""
NOT_HELD = "hold a professional role"
ONLY_NAME = "only professional roles are published"


def person(cls: str = "foaf:Person", extra: str = "") -> Document:
    return Document("person.ttl", PERSON.format(cls=cls, extra=extra).encode(), format_for_path("person.ttl"))


def messages(report: ValidationReport) -> str:
    return " | ".join(v.messages["en"] for v in report.violations)


@pytest.mark.parametrize("cls", ["foaf:Person", "schema:Person"])
def test_a_person_who_holds_no_professional_role_is_refused(cls: str, validator: Validator, graphs: Graphs) -> None:
    report = report_on([person(cls)], validator, graphs)
    assert not report.conforms
    [violation] = report.violations
    assert violation.focus == BASE + "id/person/demo" and NOT_HELD in violation.messages["en"]
    assert "personnes accompagnées ne sont jamais décrites" in violation.messages["fr"]


@pytest.mark.parametrize("path,value", [
    ("http://xmlns.com/foaf/0.1/mbox", "<mailto:c.martin@example.org>"),
    ("https://schema.org/email", '"c.martin@example.org"'),
    ("http://xmlns.com/foaf/0.1/phone", "<tel:+33612345678>"),
    ("https://schema.org/telephone", '"+33612345678"'),
    ("https://schema.org/birthDate", '"1980-01-01"^^xsd:date'),
    ("http://xmlns.com/foaf/0.1/birthday", '"01-01"'),
    ("https://schema.org/address", '"12 rue des Lilas, Bordeaux"'),
], ids=["mbox", "email", "phone", "telephone", "birth-date", "birthday", "address"])
def test_a_person_holding_a_role_is_described_by_their_name_only(path: str, value: str, validator: Validator,
                                                                 graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        'foaf:name "Camille Martin" .', f'foaf:name "Camille Martin" ; <{path}> {value} .')
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    assert not report.conforms
    closed = [v for v in report.violations if ONLY_NAME in v.messages["en"]]
    assert [(v.focus, v.path) for v in closed] == [(BASE + "id/person/demo", path)]
    assert "seules les fonctions professionnelles sont publiées" in closed[0].messages["fr"]
    assert_not_echoed(report, "c.martin@example.org")
    assert_not_echoed(report, "+33612345678")


def test_a_named_person_holding_a_role_in_the_sheet_is_accepted(validator: Validator, graphs: Graphs) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        'foaf:name "Camille Martin" .', 'foaf:name "Camille Martin" ; rdfs:label "Camille Martin"@fr .')
    report = report_on([Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))], validator, graphs)
    assert report.conforms, report.describe("en")


def test_a_person_may_hold_a_role_published_earlier(store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(MINIMAL)], "demo")
    batch = read_batch([person()], BASE)
    upsert = check(batch, store, validator, graphs, "demo", Mode.UPSERT)
    assert upsert.conforms, upsert.describe("en")
    # the shapes read the role whatever network published it (that "other" may not describe demo's person
    # at all is ownership's rule, checked apart: owners=False)
    from_another_network = check(batch, store, validator, graphs, "other", Mode.REPLACE, owners=False)
    assert from_another_network.conforms, from_another_network.describe("en")
    # replacing the network's graph with the person alone would drop the role: the person is refused
    alone = check(batch, store, validator, graphs, "demo", Mode.REPLACE)
    assert not alone.conforms and NOT_HELD in messages(alone)


def test_a_refused_person_leaves_the_store_unchanged(store: Store, validator: Validator, graphs: Graphs) -> None:
    before = sorted(store.dump(RdfFormat.N_QUADS).splitlines())
    with pytest.raises(ValidationFailed):
        ingest(store, validator, graphs, [person(extra="; foaf:mbox <mailto:c.martin@example.org>")], "demo")
    assert sorted(store.dump(RdfFormat.N_QUADS).splitlines()) == before


# ---------------------------------------------------------------- the HTTP API and the command line


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("demo", "Réseau de démonstration")


def refused_field(answer_json: dict[str, object]) -> dict[str, object]:
    violations = answer_json["violations"]
    assert isinstance(violations, list)
    [found] = [v for v in violations if v["value"] == "*** (email)"]
    return found  # type: ignore[no-any-return]


def test_the_api_answers_422_naming_the_field_and_stores_nothing(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    answer = client.post("/api/networks/demo/sheets", data=with_datum("email").encode(), content_type="text/turtle",
                         headers={**bearer(token), "Accept-Language": "en"})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.json is not None and answer.json["code"] == "validation-failed"
    found = refused_field(answer.json)
    assert found["focusNode"] == PROJECT and found["path"] == DESCRIPTION
    assert found["field"] == {"fr": "Description", "en": "Description"}
    assert "an e-mail address" in found["message"]["en"]  # type: ignore[index]
    assert DATUMS["email"] not in answer.get_data(as_text=True)
    assert dataset(client) == before


def test_the_w3c_report_over_http_does_not_repeat_the_datum(client: FlaskClient, token: str) -> None:
    answer = client.post("/api/networks/demo/sheets", data=with_datum("iban").encode(), content_type="text/turtle",
                         headers={**bearer(token), "Accept": "text/turtle"})
    assert answer.status_code == 422 and answer.mimetype == "text/turtle"
    body = answer.get_data(as_text=True)
    assert "*** (iban)" in body and DATUMS["iban"] not in body and DATUMS["iban"].replace(" ", "") not in body


@pytest.mark.live  # a dry run's process
def test_the_dry_run_refuses_personal_data_too(client: FlaskClient, token: str) -> None:
    answer = client.post("/api/validate", data=with_datum("email").encode(), content_type="text/turtle",
                         headers=bearer(token))
    assert answer.status_code == 422 and answer.json is not None
    assert refused_field(answer.json)["path"] == DESCRIPTION
    assert DATUMS["email"] not in answer.get_data(as_text=True)


def test_the_graph_store_refuses_personal_data_and_stores_nothing(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    answer = client.put("/graph-store", query_string={"graph": BASE + "graph/network/demo"},
                        data=with_datum("email").encode(), content_type="text/turtle", headers=bearer(token))
    assert answer.status_code == 422 and answer.json is not None
    assert refused_field(answer.json)["path"] == DESCRIPTION
    assert dataset(client) == before


def test_the_command_line_refuses_without_repeating_the_datum(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.ttl"
    sheet.write_text(with_datum("nir"), encoding="utf-8")
    report = tmp_path / "report.ttl"
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "no-store")}
    result = CliRunner().invoke(main, ["validate", str(sheet), "--lang", "en", "--report", str(report)], env=env)
    assert result.exit_code == 1
    assert "a social security number (NIR)" in result.output and "Description (dcterms:description)" in result.output
    for shown in (result.output, report.read_text(encoding="utf-8")):
        assert DATUMS["nir"] not in shown and DATUMS["nir"].replace(" ", "") not in shown
