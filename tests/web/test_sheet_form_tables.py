"""Every table and column of the sheet model is reachable in the web form: the tables of records around a project
(user groups, roles, committees, participations, dated milestones, capitalisation activities, evaluations, in-kind
contributions, aid to families, resources) are repeatable blocks generated from the model, one field a column; a
block filled is stored as the table's row would be, a stored one shown and emptied is taken out."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from isic_graph.ingest.sheetblocks import project_column, table_of
from isic_graph.ingest.sheetfilled import SHEET_TABLES
from isic_graph.ingest.sheetform import BLOCK_LINKS, block_fields, fields, partnership_fields
from isic_graph.ingest.sheetmodel import tables
from tests.support.formpage import form_values
from tests.web import test_sheets
from tests.web.test_sheets import filled

token = test_sheets.token  # the fixture: a credential of the fcsf network

BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
# the tables the form shows from the shapes of their class, and the prefix of their fields
SHAPED = {"projects.csv": ("project", fields("project")), "lessons.csv": ("lesson.0", fields("lesson")),
          "partners.csv": ("partner.0", block_fields("partner")),
          "fundings.csv": ("funding.0", block_fields("funding")),
          "organisations.csv": ("organisation.0", block_fields("organisation")),
          "territories.csv": ("territory.0", block_fields("territory"))}
# what the form writes itself: the network is the token's, the sheet's dates are the day's, a lesson is learnt
# from the form's project, a partner and a funding are the form's project's
AUTOMATIC = {("projects.csv", "reseau"), ("projects.csv", "date_fiche"), ("projects.csv", "date_mise_a_jour"),
             ("lessons.csv", "projet"), ("partners.csv", "projet"), ("fundings.csv", "projet")}



def test_the_project_links_the_blocks_write_are_the_sheet_models_project_columns() -> None:
    written = {c.path for t in tables() if t.name in SHEET_TABLES for c in t.columns
               if c.inverse and c.target and c.target.startswith("id/project/")}
    assert written | {ISIC + "partnership", ISIC + "funding"} == BLOCK_LINKS


def ask(client: FlaskClient, where: str) -> bool:
    answer = client.get("/sparql", query_string={"query": f"ASK {{ {where} }}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return bool(answer.json["boolean"])


def test_every_table_of_the_sheet_model_has_a_block_of_the_form_and_every_column_a_field(
        client: FlaskClient) -> None:
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    missing = []
    for table in tables():
        if table.file == "network.csv":  # the network is the one whose token the form is sent with
            continue
        if table.name in SHEET_TABLES:
            assert f'data-blocks="{table.name}"' in html, table.file
            own = project_column(table_of(table.name))
            headers = [k for k in table.keys] + [c.header for c in table.columns if c is not own]
            missing += [(table.file, h) for h in headers if f'name="{table.name}.0.{h}"' not in html]
            continue
        assert table.file in SHAPED, f"{table.file}: no part of the form"
        for column in table.columns:
            if column.lang == "en" or (table.file, column.header) in AUTOMATIC:
                continue  # an English text is the English form's field of the same name
            prefix, known = ("sheet", fields("sheet")) if column.subject == "sheet" else \
                ("partner.0", partnership_fields()) if column.subject == "partnership" else SHAPED[table.file]
            key = {f.path: f.key for f in known}.get(column.path)
            if key is None or f'name="{prefix}.{key}"' not in html:
                missing.append((table.file, column.header))
    assert not missing, missing


def test_the_collection_sheets_source_and_note_are_fields_of_the_form_kept_on_edit(client: FlaskClient,
                                                                                 token: str) -> None:
    form = filled(**{"project.id": "fcsf-jardin-source", "sheet.source": "Rapport d'activité 2024, p. 12",
                     "sheet.description": "Fiche remplie avec l'équipe."})
    answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
    assert answer.status_code == 201, re.findall(r"<li>([^<]*)</li>", answer.get_data(as_text=True))
    assert ask(client, f"?r <{ISIC}describes> <{BASE}id/project/fcsf-jardin-source> ; "
                       f"<http://purl.org/dc/terms/source> ?s FILTER(STR(?s) = \"Rapport d'activité 2024, p. 12\")")
    page = client.get("/sheets/edit", query_string={"project": f"{BASE}id/project/fcsf-jardin-source"})
    values = form_values(page.get_data(as_text=True))
    assert values["sheet.source"] == ["Rapport d'activité 2024, p. 12"]
    assert values["sheet.description"] == ["Fiche remplie avec l'équipe."]


def test_links_the_form_has_no_pick_list_for_are_typed_as_in_the_sheet(client: FlaskClient, token: str) -> None:
    other = BASE + "id/project/sejour-vacances-familles"
    form = filled(**{"project.drewOn": "project/sejour-vacances-familles\nlesson/svf-elu-en-amont",
                     "lesson.0.concerns": "organisation/centre-social-les-passerelles"})
    answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
    assert answer.status_code == 201, re.findall(r"<li>([^<]*)</li>", answer.get_data(as_text=True))
    project = f"<{BASE}id/project/fcsf-jardin-partage-des-tilleuls>"
    assert ask(client, f"{project} <{ISIC}drewOn> <{other}>, <{BASE}id/lesson/svf-elu-en-amont>")
    assert ask(client, f"?l <{ISIC}learnedFrom> {project} ; <{ISIC}concerns> "
                       f"<{BASE}id/organisation/centre-social-les-passerelles>")


def test_the_form_shows_the_new_kinds_of_record_in_both_languages(client: FlaskClient) -> None:
    french = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    english = client.get("/sheets/new?lang=en").get_data(as_text=True)
    for fr, en in (("Les participations", "Participations"), ("Les jalons datés", "Dated milestones"),
                   ("Les temps de capitalisation", "Capitalisation activities"), ("Les évaluations", "Evaluations"),
                   ("Les mises à disposition", "In-kind contributions"), ("Les aides aux familles", "Aid to families")):
        assert fr in french and en in english


def test_table_blocks_filled_in_the_form_are_stored_as_their_rows(client: FlaskClient, token: str) -> None:
    form = filled(**{
        "project.id": "fcsf-jardin-des-tilleuls",
        "milestones.0.jalon": "tilleuls-premiere-recolte", "milestones.0.intitule": "Première récolte",
        "milestones.0.date": "2024-07-01",
        "groups.0.groupe": "tilleuls-habitants", "groups.0.nom": "Habitants des Tilleuls",
        "groups.0.publics": "Familles",
        "participations.0.participation": "tilleuls-habitants-copil",
        "participations.0.participant": "group/tilleuls-habitants",
        "participations.0.instance": "partnership/fcsf-jardin-des-tilleuls",
        "participations.0.niveau_de_participation": "Co-décideur",
        "partner.0.agent": BASE + "id/organisation/centre-social-les-passerelles",
        "partner.0.role": "https://w3id.org/isic/thesaurus/partner-role/operator",
        "partner.1.agent": BASE + "id/organisation/caf-loire-atlantique",
        "partner.1.role": "https://w3id.org/isic/thesaurus/partner-role/funder",
        "participations.0.depuis_le": "2024-03-01",
        "contributions.0.apport": "tilleuls-local",
        "contributions.0.ce_qui_est_mis_a_disposition": "Un local pour les outils",
        "contributions.0.apporte_par": "centre-social-les-passerelles",
        "family-aid.0.aide": "tilleuls-ancv", "family-aid.0.nom_de_l_aide": "Chèques-vacances",
        "family-aid.0.organisme_de_l_aide": "caf-loire-atlantique",
    })
    answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 201, re.findall(r"<li>([^<]*)</li>", html)
    project = f"<{BASE}id/project/fcsf-jardin-des-tilleuls>"
    assert ask(client, f"{project} <{ISIC}keyMoment> <{BASE}id/milestone/tilleuls-premiere-recolte> . "
                       f"<{BASE}id/milestone/tilleuls-premiere-recolte> <{ISIC}milestoneDate> ?d "
                       'FILTER(STR(?d) = "2024-07-01")')
    assert ask(client, f"{project} <{ISIC}userGroup> <{BASE}id/group/tilleuls-habitants>")
    assert ask(client, f"<{BASE}id/participation/tilleuls-habitants-copil> <{ISIC}participant> "
                       f"<{BASE}id/group/tilleuls-habitants> ; <{ISIC}participatesIn> "
                       f"<{BASE}id/partnership/fcsf-jardin-des-tilleuls>")
    assert ask(client, f"{project} <{ISIC}inKind> <{BASE}id/contribution/tilleuls-local> ; "
                       f"<{ISIC}familyAid> <{BASE}id/family-aid/tilleuls-ancv>")

    page = client.get("/sheets/edit", query_string={"project": f"{BASE}id/project/fcsf-jardin-des-tilleuls"})
    values = form_values(page.get_data(as_text=True))
    milestone = next(k.split(".")[1] for k, v in values.items()
                     if k.startswith("milestones.") and k.endswith(".id"))
    assert values[f"milestones.{milestone}.intitule"] == ["Première récolte"]
    for key in [k for k in values if k.startswith(f"milestones.{milestone}.") and not k.endswith(".id")]:
        values[key] = [""]
    answer = client.post("/sheets?lang=fr", data={**values, "credential": token})
    assert answer.status_code == 201, answer.get_data(as_text=True)[:2000]
    graph = f"<{BASE}graph/network/fcsf>"
    assert not ask(client, f"GRAPH {graph} {{ ?s ?p <{BASE}id/milestone/tilleuls-premiere-recolte> }}")
    assert not ask(client, f"GRAPH {graph} {{ <{BASE}id/milestone/tilleuls-premiere-recolte> ?p ?o }}")
    assert ask(client, f"{project} <{ISIC}familyAid> <{BASE}id/family-aid/tilleuls-ancv>")  # the others stay


@pytest.mark.live  # a dry run's process
def test_a_table_block_with_a_wrong_value_is_refused_beside_its_field(client: FlaskClient, token: str) -> None:
    form = filled(**{"milestones.0.jalon": "jalon-faux", "milestones.0.intitule": "Un jalon",
                     "milestones.0.date": "le 31 février"})
    answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    beside = html.split('data-field="milestones.0.date"', 1)[1].split("</div>", 1)[0]
    assert "<li>" in beside, beside
    assert not ask(client, f"<{BASE}id/milestone/jalon-faux> ?p ?o")


def test_a_problem_with_an_english_field_of_a_block_is_shown_beside_it(client: FlaskClient, token: str) -> None:
    """A block's French field and its English one make the same property: the value's language says which to
    point at, even when the value is personal data, masked."""
    for field, other in (("ce_qui_est_mis_a_disposition_en", "ce_qui_est_mis_a_disposition"),
                         ("ce_qui_est_mis_a_disposition", "ce_qui_est_mis_a_disposition_en")):
        form = filled(**{"contributions.0.apport": "tilleuls-local",
                         "contributions.0.ce_qui_est_mis_a_disposition": "Un local pour les outils",
                         "contributions.0.ce_qui_est_mis_a_disposition_en": "A room for the tools",
                         "contributions.0.apporte_par": "centre-social-les-passerelles",
                         f"contributions.0.{field}": "marie.dupont@gmail.com"})
        answer = client.post("/sheets?lang=fr", data={**form, "credential": token})
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422, re.findall(r"<li>([^<]*)</li>", html)
        beside = html.split(f'data-field="contributions.0.{field}"', 1)[1].split("</div>", 1)[0]
        assert "<li>" in beside and "adresse électronique" in beside, beside
        elsewhere = html.split(f'data-field="contributions.0.{other}"', 1)[1].split("</div>", 1)[0]
        assert "<li>" not in elsewhere, elsewhere
