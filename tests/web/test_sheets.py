"""The collection-sheet form, generated from the shapes: fields, pick-lists, each problem beside its field, the
same ingestion as the API; the CSV upload page (problems by row and column) and the empty template."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import ADMIN

BASE = "http://localhost:5000/"
THEME = "https://w3id.org/isic/thesaurus/theme/"
CATEGORY = "https://w3id.org/isic/thesaurus/lesson-category/"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("fcsf", "Fédération des centres sociaux")


def filled(**changes: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "project.title": "Jardin partagé des Tilleuls",
        "project.description": "Un jardin cultivé par les habitants et les locataires de la cité.",
        "project.theme": [THEME + "housing", THEME + "food"],
        "project.carriedBy": BASE + "id/organisation/centre-social-les-passerelles",
        "project.startDate": "2024-03-01",
        "lesson.0.statement": "Les locataires sont venus quand les parcelles ont été attribuées par tirage au sort.",
        "lesson.0.lessonCategory": CATEGORY + "good-practice",
    }
    form.update(changes)
    return form


def errors_beside(html: str, field: str) -> list[str]:
    block = html.split(f'data-field="{field}"', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", block.split(f'id="{field}-errors"', 1)[1], re.S)


def test_the_form_is_generated_from_the_shapes(client: FlaskClient) -> None:
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    assert '<label for="project.title">Titre <small>(obligatoire)</small></label>' in html
    assert "Le nom du projet." in html  # the shape's sh:description as help
    assert '<input id="project.startDate" name="project.startDate" type="date"' in html
    themes = html.split('id="project.theme"', 1)[1].split("</select>", 1)[0]
    assert (f'value="{THEME}housing"' in themes and ">Logement<" in themes
            and "multiple" in html.split('id="project.theme"')[1][:40])
    carriers = html.split('id="project.carriedBy"', 1)[1].split("</select>", 1)[0]
    assert "Centre social Les Passerelles" in carriers
    assert 'name="lesson.0.lessonCategory"' in html and 'name="lesson.0.statement"' in html
    assert '<script src="/static/sheets.js"></script>' in html
    english = client.get("/sheets/new?lang=en").get_data(as_text=True)
    assert '<label for="project.title">Title <small>(required)</small></label>' in english


@pytest.mark.live  # a dry run's process
def test_a_mistake_is_shown_beside_its_field_then_the_corrected_sheet_is_stored(client: FlaskClient,
                                                                                  token: str) -> None:
    wrong = client.post("/sheets?lang=fr", data={**filled(**{"project.startDate": "2024-13-45"}),
                                                 "project.theme": [], "credential": token})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    said = errors_beside(html, "project.startDate")
    assert any("le 45/13/2024 n" in e and "existe pas dans le calendrier" in e for e in said), said
    assert any("thématique" in e for e in errors_beside(html, "project.theme"))
    assert errors_beside(html, "project.title") == []
    assert 'value="2024-13-45"' in html and "Jardin partagé des Tilleuls" in html  # what was typed is kept
    stored = client.get("/sparql", query_string={"query": f"ASK {{ <{BASE}id/project/fcsf-jardin-partage-des-tilleuls> "
                                                          f"?p ?o }}"})
    assert stored.json["boolean"] is False

    right = client.post("/sheets?lang=fr", data={**filled(), "credential": token})
    assert right.status_code == 201, right.get_data(as_text=True)[:2000]
    assert 'href="/id/project/fcsf-jardin-partage-des-tilleuls"' in right.get_data(as_text=True)
    found = client.get("/sparql", query_string={"query": f"""SELECT ?title ?statement ?network WHERE {{
        ?p <http://purl.org/dc/terms/title> ?title . ?l <https://w3id.org/isic/ontology#learnedFrom> ?p ;
           <https://w3id.org/isic/ontology#statement> ?statement .
        ?sheet <https://w3id.org/isic/ontology#describes> ?p ; <http://www.w3.org/ns/prov#wasAttributedTo> ?network .
        FILTER(?p = <{BASE}id/project/fcsf-jardin-partage-des-tilleuls>) }}"""})
    rows = found.json["results"]["bindings"]
    assert [(r["title"]["value"], r["network"]["value"]) for r in rows] == [
        ("Jardin partagé des Tilleuls", BASE + "id/network/fcsf")]
    assert rows[0]["title"]["xml:lang"] == "fr"


def test_an_unknown_credential_stores_nothing(client: FlaskClient) -> None:
    answer = client.post("/sheets", data={**filled(**{"project.title": "Projet fantôme"}), "credential": "nope"})
    assert answer.status_code == 401 and "Jeton inconnu" in answer.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "fantome"}).json["total"] == 0


@pytest.mark.live  # a dry run's process
def test_the_form_is_checked_as_it_is_filled_in(client: FlaskClient, token: str) -> None:
    fresh = {"project.title": "Jardin vérifié au fil de la saisie"}  # a title no project of the network has
    answer = client.post("/sheets/check?lang=en", data=filled(**{**fresh, "lesson.0.lessonCategory": ""}),
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json["conforms"] is False
    assert list(answer.json["errors"]) == ["lesson.0.lessonCategory"]
    assert client.post("/sheets/check", data={**filled(**fresh), "credential": token}).json["errors"] == {}
    admin = client.post("/sheets/check?network=a-new-one", data=filled(**fresh),
                        headers={"Authorization": f"Bearer {ADMIN}"})
    assert admin.status_code == 200 and admin.json["errors"] == {}


@pytest.mark.parametrize("credential", [{}, {"headers": {"Authorization": "Bearer guessed"}},
                                        {"headers": {"Authorization": "Basic Zm9vOmJhcg=="}},
                                        {"headers": {"Authorization": "Bearer "}}, {"data": {"credential": "guessed"}},
                                        {"data": {"credential": " "}}, {"query_string": {"credential": "x"}},
                                        {"headers": {"X-Forwarded-For": "127.0.0.1"}}])
def test_the_forms_check_without_a_networks_token_is_refused_before_anything_runs(client: FlaskClient,
                                                                                 credential: dict[str, dict[str, str]]
                                                                                 ) -> None:
    data = {**filled(**{"lesson.0.lessonCategory": ""}), **credential.get("data", {})}
    for lang in ("fr", "en"):
        answer = client.post("/sheets/check", data=data, headers=credential.get("headers", {}),
                             query_string={"lang": lang, **credential.get("query_string", {})})
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
        assert answer.json["code"] == "unauthorized" and "errors" not in answer.json
        assert ("jeton" in answer.json["detail"]) == (lang == "fr"), answer.json["detail"]


def test_the_form_asks_for_the_token_before_it_is_checked_as_it_is_filled_in(client: FlaskClient) -> None:
    french = client.get("/sheets/new").get_data(as_text=True)
    assert 'id="check-status"' in french and "Saisissez le jeton de votre réseau" in french
    assert "Jeton inconnu ou révoqué : la fiche ne peut pas être vérifiée" in french
    english = client.get("/sheets/new?lang=en").get_data(as_text=True)
    assert "Type your network&#39;s token" in english
    script = client.get("/static/sheets.js").get_data(as_text=True)
    assert '"Authorization": "Bearer " + token' in script and "data-needs-token" in script


def test_a_stored_project_opens_in_the_form(client: FlaskClient) -> None:
    html = client.get("/sheets/edit", query_string={"project": BASE + "id/project/vacances-familles-lille"}
                      ).get_data(as_text=True)
    assert 'name="project.id" value="vacances-familles-lille"' in html
    assert 'name="lesson.0.statement"' in html and 'name="lesson.1.statement"' in html
    assert client.get("/sheets/edit", query_string={"project": "http://elsewhere.example/p"}).status_code == 400


@pytest.mark.parametrize("project", ["nulle-part", "VACANCES-FAMILLES-LILLE", "vacances-familles-lill"])
def test_a_project_the_store_lacks_opens_no_form_and_is_not_found_in_either_language(client: FlaskClient,
                                                                                      project: str) -> None:
    for lang, words in (("fr", "aucun projet"), ("en", "no project")):
        answer = client.get("/sheets/edit", query_string={"project": BASE + "id/project/" + project, "lang": lang},
                            headers={"Accept": "application/problem+json"})
        assert answer.status_code == 404 and words in answer.get_data(as_text=True)


def test_csv_problems_are_shown_by_file_row_and_column(client: FlaskClient, token: str) -> None:
    lessons = ("enseignement,projet,categorie,phase,dimensions,enonce,recommandation,transferable_themes,"
               "transferable_territoires,acteurs_concernes,confirme,contredit\n"
               "x-1,vacances-familles-lille,pas-une-categorie,,,Un énoncé.,,,,,,\n").encode()
    answer = client.post("/sheets/csv?lang=fr", data={"credential": token,
                                                     "files": (io.BytesIO(lessons), "lessons.csv")},
                         content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "<td>lessons.csv</td><td>2</td><td>categorie</td>" in html  # line 2 of the file: its first row


def test_the_empty_csv_template_downloads_as_one_archive(client: FlaskClient) -> None:
    answer = client.get("/sheets/template.zip")
    names = sorted(zipfile.ZipFile(io.BytesIO(answer.data)).namelist())
    assert answer.status_code == 200 and "fiche-isic/projects.csv" in names and "fiche-isic/lessons.csv" in names
    assert "fiche-isic/isic-sheet.csv-metadata.json" in names


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_forms_pick_lists_put_an_accented_label_among_its_letter(client: FlaskClient, lang: str) -> None:
    html = client.get("/sheets/new", query_string={"lang": lang}).get_data(as_text=True)
    lists = dict(re.findall(r'<select[^>]*name="(project\.(?:theme|territory)|lesson\.0\.phase)"[^>]*>(.*?)</select>',
                            html, re.S))
    assert len(lists) == 3
    for name, body in lists.items():
        labels = [label for value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', body)
                  if not value.startswith("#")]  # not the blocks of new resources, listed last
        assert labels == sorted(labels, key=lambda label: (bare(label), label)), (name, labels)
    if lang == "fr":
        phases = re.findall(r">([^<]*)</option>", lists["lesson.0.phase"])
        assert phases.index("Évaluation") < phases.index("Exploration")


def bare(label: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c)).casefold()
