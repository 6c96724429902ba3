"""The form's fields as people fill them: yes/no in words, several values in one box, lessons linked to others and
transferable, each mistake beside the field it is about, pick-lists that say how to pick several."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.web import test_sheets
from tests.web.test_sheets import BASE, CATEGORY, THEME, errors_beside
from tests.web.test_sheets import filled as sheet_filled

token = test_sheets.token  # the fixture: a credential of the fcsf network

ISIC = "https://w3id.org/isic/ontology#"


def filled(title: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    return sheet_filled(**{"project.title": title, "project.startDate": "", **changes})


def ask(client: FlaskClient, pattern: str) -> bool:
    return bool(client.get("/sparql", query_string={"query": f"ASK {{ {pattern} }}"}).json["boolean"])


@pytest.mark.parametrize("word", ["Oui", "oui", "OUI", "vrai", "true", "1"])
def test_yes_is_read_in_words(client: FlaskClient, token: str, word: str) -> None:
    title = f"Atelier {word.lower()} {len(word)} {sum(map(ord, word))}"  # a title of its own: a new sheet's project
    answer = client.post("/sheets?lang=fr", data={**filled(title, **{"project.emergedFromIndividualSituations": word}),
                                                  "credential": token})
    assert answer.status_code == 201, answer.get_data(as_text=True)[:1500]
    project = answer.get_data(as_text=True).split('href="/id/project/', 1)[1].split('"', 1)[0]
    assert ask(client, f"<{BASE}id/project/{project}> <{ISIC}emergedFromIndividualSituations> true")


@pytest.mark.live  # a dry run's process
def test_a_value_that_is_not_yes_or_no_is_refused_beside_its_field_in_words(client: FlaskClient, token: str) -> None:
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier peut-être", **{
        "project.emergedFromIndividualSituations": "peut-être", "project.startDate": "31/02/2024"}),
        "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert errors_beside(html, "project.emergedFromIndividualSituations") == ["« peut-être » : attendu oui ou non"]
    said = errors_beside(html, "project.startDate")
    assert any("le 31/02/2024 n" in e and "existe pas dans le calendrier" in e for e in said), said
    assert "false" not in " ".join(errors_beside(html, "project.emergedFromIndividualSituations"))
    assert not ask(client, "?p <http://purl.org/dc/terms/title> \"Atelier peut-être\"@fr")


def test_a_french_date_is_read(client: FlaskClient, token: str) -> None:
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier daté", **{"project.startDate": "01/03/2022"}),
                                                  "credential": token})
    assert answer.status_code == 201
    assert ask(client, f"<{BASE}id/project/fcsf-atelier-date> <{ISIC}startDate> \"2022-03-01\"^^<http://www.w3.org/2001/XMLSchema#date>")


@pytest.mark.live  # a dry run's process
def test_the_date_order_is_shown_beside_the_end_date(client: FlaskClient, token: str) -> None:
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier à rebours", **{
        "project.startDate": "2024-03-01", "project.endDate": "2023-01-01"}), "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert errors_beside(html, "project.endDate") == [
        "La date de fin doit être postérieure ou égale à la date de début."]
    assert errors_beside(html, "project.startDate") == []
    check = client.post("/sheets/check?lang=en", data=filled("Atelier à rebours", **{
        "project.startDate": "2024-03-01", "project.endDate": "2023-01-01"}),
        headers={"Authorization": f"Bearer {token}"})
    assert list(check.json["errors"]) == ["project.endDate"]


def test_several_values_in_one_box_are_several_values(client: FlaskClient, token: str) -> None:
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier jalonné", **{
        "project.milestone": "Premier atelier | Bilan\r\nRestitution", "project.trackingTool": "Cahier|Tableau"}),
        "credential": token})
    assert answer.status_code == 201
    rows = client.get("/sparql", query_string={"query": f"SELECT ?m WHERE {{ <{BASE}id/project/fcsf-atelier-jalonne> "
                                                         f"<{ISIC}milestone> ?m }}"}).json["results"]["bindings"]
    assert sorted(r["m"]["value"] for r in rows) == ["Bilan", "Premier atelier", "Restitution"]
    assert ask(client, f"<{BASE}id/project/fcsf-atelier-jalonne> <{ISIC}trackingTool> ?t, ?u "
                       'FILTER(STR(?t) = "Tableau" && STR(?u) = "Cahier")')


def test_pick_lists_of_several_values_say_how_to_pick_several(client: FlaskClient) -> None:
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    for select in re.findall(r"<select [^>]*multiple[^>]*>", html):
        name = re.search(r'name="([^"]+)"', select).group(1)  # type: ignore[union-attr]
        assert f'{name}-picks' in select
        assert f'<small id="{name}-picks" class="help">Plusieurs choix possibles : maintenez Ctrl' in html
    assert "hold Ctrl (Cmd on a Mac)" in client.get("/sheets/new?lang=en").get_data(as_text=True)


def test_a_lesson_confirms_another_and_is_transferable(client: FlaskClient, token: str) -> None:
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    for name in ("lesson.0.confirms", "lesson.0.contradicts", "lesson.0.transferableToTheme",
                 "lesson.0.transferableToTerritory"):
        assert f'name="{name}"' in html
    # the first edition's « Transférable à » is still read, but the form writes its two replacements
    assert 'name="lesson.0.transferableTo"' not in html and "Transférable à<" not in html
    themes = html.split('id="lesson.0.transferableToTheme"', 1)[1].split("</select>", 1)[0]
    territories = html.split('id="lesson.0.transferableToTerritory"', 1)[1].split("</select>", 1)[0]
    assert f'value="{THEME}housing"' in themes and f'value="{BASE}id/territory/' in territories
    other = BASE + "id/lesson/svf-elu-en-amont"
    links: dict[str, str | list[str]] = {"lesson.0.confirms": other, "lesson.0.transferableToTheme": THEME + "food",
                                         "lesson.0.transferableToTerritory": BASE + "id/territory/commune/59350"}
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier relié", **links),
        "credential": token})
    assert answer.status_code == 201, answer.get_data(as_text=True)[:2000]
    lesson = f"<{BASE}id/lesson/fcsf-atelier-relie-1>"
    assert ask(client, f"{lesson} <{ISIC}confirms> <{other}> ; <{ISIC}transferableToTheme> <{THEME}food> ; "
                       f"<{ISIC}transferableToTerritory> <{BASE}id/territory/commune/59350>")
    assert not ask(client, f"{lesson} <{ISIC}transferableTo> ?x")


def test_a_new_network_describes_its_own_organisation_territory_partners_and_fundings(
        client: FlaskClient, credentials: CredentialStore) -> None:
    token = credentials.add("reseau-neuf", "Réseau neuf")
    html = client.get("/sheets/new?lang=fr").get_data(as_text=True)
    for name in ("organisation.0.label", "organisation.0.siret", "territory.0.inseeCode", "partner.0.agent",
                 "partner.0.role", "funding.0.funder", "funding.0.amount"):
        assert f'name="{name}"' in html
    carriers = html.split('id="project.carriedBy"', 1)[1].split("</select>", 1)[0]
    assert 'value="#organisation.0"' in carriers
    answer = client.post("/sheets?lang=fr", data={
        "credential": token, "project.title": "Café des aidants", "project.theme": [THEME + "isolation"],
        "project.carriedBy": "#organisation.0", "project.territory": "#territory.0",
        "organisation.0.label": "Association Les Aidants du Val", "organisation.0.actorType":
            "https://w3id.org/isic/thesaurus/actor-type/association", "organisation.0.territory": "#territory.0",
        "territory.0.label": "Le Val-Fleuri", "territory.0.inseeCode": "35999",
        "territory.0.territoryLevel": "https://w3id.org/isic/thesaurus/territory-level/commune",
        "partner.0.agent": BASE + "id/organisation/caf-35",
        "partner.0.role": "https://w3id.org/isic/thesaurus/partner-role/funder",
        "partner.1.agent": "#organisation.0", "partner.1.role": "https://w3id.org/isic/thesaurus/partner-role/operator",
        "funding.0.funder": BASE + "id/organisation/caf-35", "funding.0.amount": "2 500,50 €",
        "lesson.0.statement": "Les aidants viennent quand le café a lieu pendant l'accueil de jour.",
        "lesson.0.lessonCategory": CATEGORY + "good-practice"})
    assert answer.status_code == 201, "\n".join(re.findall(r"<li>(.*?)</li>", answer.get_data(as_text=True)))
    project = f"<{BASE}id/project/reseau-neuf-cafe-des-aidants>"
    organisation = f"<{BASE}id/organisation/association-les-aidants-du-val>"
    assert ask(client, f"{project} <{ISIC}carriedBy> {organisation} ; <{ISIC}funding> ?f ; <{ISIC}partnership> ?p . "
                       f"?f <{ISIC}amount> 2500.50 . ?p <{ISIC}partner> ?r, ?own . "
                       f"?own <{ISIC}agent> {organisation} . "
                       f"?r <{ISIC}agent> <{BASE}id/organisation/caf-35> . "
                       f"{organisation} <{ISIC}territory> ?t . ?t <{ISIC}inseeCode> \"35999\" . "
                       f"{project} <{ISIC}territory> ?t")


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize("organisation, said", [("Association Les Veilleurs du Val", "attendu un montant"),
                                                ("Ville de Rennes", "appartient")], ids=["new", "another-networks"])
def test_a_form_sent_back_for_a_mistake_keeps_the_links_to_what_it_describes_chosen(
        client: FlaskClient, credentials: CredentialStore, organisation: str, said: str) -> None:
    """Refused for a value it cannot read (and, the second time, for an organisation another network owns), the
    form comes back as it was sent, saying why: a link chosen to an organisation or a territory the form itself
    describes (its blocks, not yet stored) is still the one chosen, in single and multiple lists, so that
    correcting the mistake and sending again loses nothing."""
    token = credentials.add("reseau-renvoye", "Réseau renvoyé")
    sent = {
        "credential": token, "project.title": "Café des veilleurs", "project.theme": [THEME + "isolation"],
        "project.carriedBy": "#organisation.0", "project.territory": "#territory.0",
        "organisation.0.label": organisation, "organisation.0.actorType":
            "https://w3id.org/isic/thesaurus/actor-type/association", "organisation.0.territory": "#territory.0",
        "territory.0.label": "Le Val-Fleuri", "territory.0.inseeCode": "35999",
        "territory.0.territoryLevel": "https://w3id.org/isic/thesaurus/territory-level/commune",
        "partner.0.agent": "#organisation.0", "partner.0.role": "https://w3id.org/isic/thesaurus/partner-role/operator",
        "funding.0.funder": "#organisation.0", "funding.0.amount": "beaucoup",
        "lesson.0.statement": "Les aidants viennent quand le café a lieu pendant l'accueil de jour.",
        "lesson.0.lessonCategory": CATEGORY + "good-practice"}
    answer = client.post("/sheets?lang=fr", data=sent, headers={"Accept": "text/html"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'name="project.title"' in html
    assert said in " ".join(re.findall(r"<li>(.*?)</li>", html, flags=re.S)), re.findall(r"<li>(.*?)</li>", html)
    for name in ("project.carriedBy", "project.territory", "organisation.0.territory", "partner.0.agent",
                 "funding.0.funder"):
        field = html.split(f'id="{name}"', 1)[1].split("</select>")[0]
        chosen = re.findall(r'<option value="([^"]*)" selected>', field)
        assert chosen == [sent[name]], (name, chosen)
    assert not ask(client, f"<{BASE}id/project/reseau-renvoye-cafe-des-veilleurs> ?p ?o")


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize(("field", "value", "said"), [
    ("project.title", "Atelier\x07 sonore", "caractère de contrôle invisible (U+0007)"),
    ("lesson.0.statement", "Les parents sont venus.\x0bIls sont restés.", "caractère de contrôle invisible (U+000B)"),
    ("project.description", "x" * (1024 * 1024 + 1), "au plus 32\u202f767, ce qu"),
    ("lesson.0.statement", "x" * 32_768, "le texte a 32\u202f768 caractères ; au plus 32\u202f767"),
])
def test_a_text_the_store_cannot_take_is_refused_beside_its_field_and_the_form_kept(
        client: FlaskClient, token: str, field: str, value: str, said: str) -> None:
    """A control character pasted from another program, or a text longer than a literal may be, was a bare error page
    (400, 413) that lost everything typed in the form. A text is at most what a spreadsheet's cell holds: a longer one
    was cut there, without a word, in the sheet downloaded as a workbook, and published cut when it was sent back."""
    answer = client.post("/sheets?lang=fr", data={**filled("Atelier collé", **{field: value}), "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html[:800]
    assert any(said in e for e in errors_beside(html, field)), errors_beside(html, field)
    assert 'value="Atelier collé"' in html or field == "project.title"  # what was typed is shown again
    assert not ask(client, "?p <http://purl.org/dc/terms/title> \"Atelier collé\"@fr")


@pytest.mark.parametrize(("stored", "title"), [("Projet homonyme", "Projet homonyme"),
                                               ("Projet jumeau", "PROJET  jumeau !")])
def test_a_new_sheet_titled_as_a_stored_project_is_refused_beside_its_title(client: FlaskClient, token: str,
                                                                           stored: str, title: str) -> None:
    """A new sheet's project is named after its title: one titled as a project the network has (in any case or
    spacing that names it the same) replaced that project's description and its first lesson, with a 201."""
    first = client.post("/sheets?lang=fr", data={**filled(stored, **{
        "lesson.0.statement": "La première leçon du projet, qui doit rester."}), "credential": token})
    assert first.status_code == 201, first.get_data(as_text=True)[:2000]
    path = "/id/project/fcsf-" + stored.lower().replace(" ", "-")
    project = f"<{BASE}{path[1:]}>"
    second = filled(title, **{"project.theme": [THEME + "isolation"],
                              "lesson.0.statement": "Une autre leçon, d'un autre projet."})
    answer = client.post("/sheets?lang=fr", data={**second, "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html[html.find("<main"):][:2000]
    said = " ".join(errors_beside(html, "project.title"))
    assert "déjà publié par le réseau" in said and path in said, said
    assert "Une autre leçon, d&#39;un autre projet." in html or "Une autre leçon, d'un autre projet." in html
    assert not ask(client, f"{project} <{ISIC}theme> <{THEME}isolation>")
    assert ask(client, f'?l <{ISIC}learnedFrom> {project} ; <{ISIC}statement> ?s FILTER(STRSTARTS(?s, "La première"))')


@pytest.mark.live  # a dry run's process
def test_the_check_of_a_new_sheet_titled_as_a_stored_project_says_so_beside_its_title(client: FlaskClient,
                                                                                     token: str) -> None:
    stored = client.post("/sheets?lang=fr", data={**filled("Projet vérifié"), "credential": token})
    assert stored.status_code == 201, stored.get_data(as_text=True)[:2000]
    check = client.post("/sheets/check?lang=en", data=filled("Projet vérifié"),
                        headers={"Authorization": f"Bearer {token}"})
    assert check.status_code == 200 and check.json["conforms"] is False
    assert "published by the network already" in " ".join(check.json["errors"]["project.title"])


def test_a_new_organisation_named_as_one_the_network_has_is_refused_beside_its_name(client: FlaskClient,
                                                                                   token: str) -> None:
    """An organisation block is named after its name: one named as an organisation the network has replaced that
    organisation's description (its SIRET, its territory) with a 201."""
    first = client.post("/sheets?lang=fr", data={**filled("Projet de l'association", **{
        "project.carriedBy": "#organisation.0", "organisation.0.label": "Association Les Tilleuls Unis",
        "organisation.0.actorType": "https://w3id.org/isic/thesaurus/actor-type/association",
        "organisation.0.siret": "73282932000074"}), "credential": token})
    assert first.status_code == 201, first.get_data(as_text=True)[:2000]
    organisation = f"<{BASE}id/organisation/association-les-tilleuls-unis>"
    answer = client.post("/sheets?lang=fr", data={**filled("Un autre projet de l'association", **{
        "project.carriedBy": "#organisation.0", "organisation.0.label": "ASSOCIATION les tilleuls unis",
        "organisation.0.actorType": "https://w3id.org/isic/thesaurus/actor-type/association"}), "credential": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html[html.find("<main"):][:2000]
    said = " ".join(errors_beside(html, "organisation.0.label"))
    assert "une organisation de ce nom est déjà publiée" in said and "association-les-tilleuls-unis" in said, said
    assert ask(client, f'{organisation} <{ISIC}siret> "73282932000074"')
