"""The second edition's fields reach every form of the sheet: the CSV headers, the CSVW mapping, the workbook and the
web form, all generated from the shapes; a field filled in the form is stored as its property."""

from __future__ import annotations

import io
import json

from flask.testing import FlaskClient
from openpyxl import load_workbook

from isic_graph.ingest.sheetmodel import tables
from isic_graph.ingest.sheettemplates import csv_header, mapping_text, workbook
from tests.web import test_sheets
from tests.web.test_sheets import filled

token = test_sheets.token  # the fixture: a credential of the fcsf network

ISIC = "https://w3id.org/isic/ontology#"
# (table, header, property): a field of the second edition on a first-edition table, and on a new one
NEW_FIELDS = [
    ("projects.csv", "forme_de_l_action_collective", "actionForm"),
    ("projects.csv", "effet", "effect"),
    ("lessons.csv", "niveau_de_formalisation", "formalisationLevel"),
    ("lessons.csv", "resout", "resolves"),
    ("roles.csv", "profession", "profession"),
    ("roles.csv", "posture", "stance"),
    ("fundings.csv", "type_de_financement", "fundingType"),
    ("territories.csv", "numero_siren", "siren"),
    ("participations.csv", "niveau_de_participation", "participationLevel"),
    ("participations.csv", "participant", "participant"),
    ("evaluations.csv", "constats", "findings"),
    ("family-aid.csv", "familles_aidees", "familiesHelped"),
]


def table(file: str):  # type: ignore[no-untyped-def]
    return next(t for t in tables() if t.file == file)


def test_the_csv_headers_carry_the_second_edition_fields() -> None:
    for file, header, _ in NEW_FIELDS:
        assert header in csv_header(table(file)).strip().split(","), (file, header)


def test_the_csvw_mapping_maps_each_new_column_to_its_property() -> None:
    mapping = json.loads(mapping_text())
    columns = {(t["url"], c["name"]): c.get("propertyUrl", "") for t in mapping["tables"]
               for c in t["tableSchema"]["columns"]}
    for file, header, prop in NEW_FIELDS:
        assert prop in columns[(file, header)], (file, header, columns[(file, header)])


def test_the_workbook_has_the_new_sheets_and_columns() -> None:
    book = load_workbook(io.BytesIO(workbook()))
    for file, header, _ in NEW_FIELDS:
        sheet = book[file.removesuffix(".csv")]
        assert header in [c.value for c in sheet[1]], (file, header)


def test_the_web_form_offers_the_new_project_and_lesson_fields(client: FlaskClient) -> None:
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    for name in ("project.actionForm", "project.effect", "project.initiative", "project.exploratory",
                 "lesson.0.formalisationLevel", "lesson.0.methodTopic",
                 "lesson.0.resolves", "partner.0.periodStart", "funding.0.fundingType"):
        assert f'name="{name}"' in html, name
    assert "Forme de l&#39;action collective" in html or "Forme de l'action collective" in html
    assert "Form of collective action" in client.get("/sheets/new?lang=en").get_data(as_text=True)


def test_a_form_filled_with_second_edition_fields_stores_them(client: FlaskClient, token: str) -> None:
    form = filled(**{"project.actionForm": "https://w3id.org/isic/thesaurus/action-form/workshop",
                     "project.effect": ["https://w3id.org/isic/thesaurus/effect/autonomy"],
                     "lesson.0.formalisationLevel": "https://w3id.org/isic/thesaurus/formalisation-level/light-trace"})
    answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
    assert answer.status_code in (200, 201, 303), answer.get_data(as_text=True)[:500]
    for prop, value in (("actionForm", "action-form/workshop"), ("effect", "effect/autonomy"),
                        ("formalisationLevel", "formalisation-level/light-trace")):
        query = f"ASK {{ ?s <{ISIC}{prop}> <https://w3id.org/isic/thesaurus/{value}> }}"
        assert client.get("/sparql", query_string={"query": query}).json["boolean"], prop
