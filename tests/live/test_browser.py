"""A person's path through the pages, in a real headless Chromium (Debian's, driven by Playwright), on the
sample data: an example query in the workbench, a search without accents, a lesson followed to its project
and partners, a gap of the coverage map, and a new project entered through the form with a mistake and its
correction, then found by a query. Each page is photographed into docs/screenshots/ (shown in the README)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.support import paths
from tests.support.live import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = paths.ROOT / "docs" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    server = LiveServer(tmp_path_factory.mktemp("browser"), {"ISIC_CLIENT_BUDGET": "100000"}).init()
    token = server.cli("network", "add", "fcsf", "--name", "FCSF").stdout.strip()
    server.start()
    yield server, token
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "the browser tests need Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, site: tuple[LiveServer, str]) -> Iterator[Any]:
    server, _ = site
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, base_url=server.url)
    opened = context.new_page()
    outside: list[str] = []
    opened.on("request", lambda r: None if r.url.startswith((server.url, "data:", "blob:")) else outside.append(r.url))
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    refused: list[str] = []  # what the pages' Content-Security-Policy blocked: the pages must need none of it
    opened.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield opened
    context.close()
    assert outside == [], f"the pages asked for addresses elsewhere: {outside}"
    assert errors == [], f"script errors: {errors}"
    assert refused == [], f"blocked by the Content-Security-Policy: {refused}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_an_example_query_in_the_workbench_shows_its_rows(page: Any) -> None:
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name="Quels enseignements d'un réseau confirment ou contredisent ceux d'un autre "
                                    "réseau ?").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    rows = page.locator(".yasr table tbody tr")
    assert rows.count() >= 6
    assert "confirms" in page.inner_text(".yasr table")
    shot(page, "workbench")


def test_a_result_iri_that_is_not_http_is_shown_but_never_a_link_in_the_workbench(page: Any) -> None:
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("""() => { const tab = window.isicWorkbench.getTab();
        tab.setQuery('SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <JaVaScRiPt:alert(2)> '
                     + '<data:text/html,x> <vbscript:msgbox(3)> <https://www.anas.fr/> } }');
        tab.getYasqe().query(); }""")
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    page.wait_for_function("document.querySelectorAll('.yasr table tbody tr').length >= 5")
    table = page.inner_text(".yasr table")
    assert "javascript:alert(1)" in table and "https://www.anas.fr/" in table
    links = page.eval_on_selector_all(".yasr a[href]", "links => links.map(a => a.href)")
    assert "https://www.anas.fr/" in links
    assert not [link for link in links if not link.startswith(("http:", "https:"))], links


def test_a_word_typed_without_accents_finds_the_lesson_then_its_project_and_partners(page: Any) -> None:
    page.goto("/search")
    page.fill("#q", "represailles")
    page.click("button[type=submit]")
    page.wait_for_selector("ol li a")
    assert "représailles" in page.inner_text("ol")
    shot(page, "search")
    page.get_by_role("link", name="Beaucoup de locataires n'osaient pas").first.click()
    page.wait_for_selector("h1")
    assert "représailles" in page.inner_text("h1")
    shot(page, "lesson")
    page.locator("#top a[href^='/id/project/']").first.click()
    page.wait_for_selector("h1")
    assert page.url.endswith("/id/project/collectif-locataires-saint-denis")
    assert "Plaine Habitat" in page.inner_text("body")  # a partner, by its label
    shot(page, "project")


def test_the_lessons_about_housing_obstacles_are_found_through_the_facets(page: Any) -> None:
    page.goto("/search?q=locataires")
    page.select_option("#theme", "https://w3id.org/isic/thesaurus/theme/housing")
    page.click("button[type=submit]")
    page.wait_for_selector("#category")
    page.select_option("#category", "https://w3id.org/isic/thesaurus/lesson-category/obstacle")
    page.click("button[type=submit]")
    page.wait_for_selector("ol li a")
    hits = page.locator("ol li a").all_inner_texts()
    assert any("représailles" in hit for hit in hits) and all("(enseignement)" in t for t in page.locator("ol "
                                                                                                          "li").all_inner_texts())


def test_a_gap_of_the_coverage_map_opens_the_themes_projects(page: Any) -> None:
    page.goto("/maps")
    page.wait_for_selector("#coverage-categories svg")
    gap = page.locator("#coverage-categories svg a[*|href='/thesaurus/theme/mobility']").first
    shot(page, "maps")
    gap.click()
    page.wait_for_url("**/thesaurus/theme/mobility")
    assert "Mobilité" in page.inner_text("h1") and "(projet)" in page.inner_text("#used")


def new_project(page: Any, title: str, theme: str, lesson: str) -> None:
    """The form, opened and filled with what a project and one lesson need."""
    page.goto("/sheets/new")
    page.fill("#project\\.title", title)
    page.select_option("#project\\.theme", [f"https://w3id.org/isic/thesaurus/theme/{theme}"])
    page.select_option("#project\\.carriedBy", ["http://localhost:5000/id/organisation/centre-social-les-passerelles"])
    page.fill("#lesson\\.0\\.statement", lesson)
    page.select_option("#lesson\\.0\\.lessonCategory", "https://w3id.org/isic/thesaurus/lesson-category/good-practice")


def test_a_new_project_through_the_form_with_a_mistake_then_its_correction(page: Any,
                                                                        site: tuple[LiveServer, str]) -> None:
    _, token = site
    new_project(page, "Jardin partagé des Tilleuls", "housing",
                "Le tirage au sort des parcelles a fait venir les locataires.")
    page.fill("#project\\.endDate", "2023-01-01")
    page.fill("#project\\.startDate", "2024-03-01")  # ends before it starts
    page.fill("#credential", token)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-field='project.endDate'].invalid")
    assert "postérieure ou égale à la date de début" in page.inner_text("[data-field='project.endDate'] .errors")
    assert page.inner_text("[data-field='project.startDate'] .errors") == ""
    assert "maintenez Ctrl" in page.inner_text("[data-field='project.theme']")
    shot(page, "form-mistake")
    page.fill("#project\\.endDate", "2025-06-30")
    page.fill("#credential", token)
    page.click("button[type=submit]")
    page.wait_for_selector(".ok")
    shot(page, "form-saved")
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("""() => { window.isicWorkbench.getTab().setQuery(
        'SELECT ?title WHERE { ?p a <https://w3id.org/isic/ontology#Project> ; <http://purl.org/dc/terms/title> ?title '
        + 'FILTER(CONTAINS(?title, "Tilleuls")) }'); }""")
    page.evaluate("() => { window.isicWorkbench.getTab().getYasqe().query(); }")
    page.wait_for_selector(".yasr table tbody tr")
    assert "Jardin partagé des Tilleuls" in page.inner_text(".yasr table")


def test_the_form_asks_for_the_token_then_checks_each_field_as_it_is_filled_in(page: Any,
                                                                            site: tuple[LiveServer, str]) -> None:
    _, token = site
    page.goto("/sheets/new")
    page.fill("#project\\.title", "Atelier cuisine")
    page.wait_for_selector("#check-status:not([hidden])")
    assert "Saisissez le jeton de votre réseau" in page.inner_text("#check-status")
    page.fill("#credential", "not-a-token")
    page.wait_for_function("() => document.getElementById('check-status').textContent.includes('Jeton inconnu')")
    page.fill("#credential", token)
    page.fill("#project\\.endDate", "2023-01-01")
    page.fill("#project\\.startDate", "2024-03-01")  # ends before it starts: told beside the field, unsent
    page.wait_for_selector("[data-field='project.endDate'].invalid")
    assert "postérieure ou égale à la date de début" in page.inner_text("[data-field='project.endDate'] .errors")
    assert page.is_hidden("#check-status")


def test_editing_a_projects_description_in_the_form_keeps_its_milestones_and_partners(
        page: Any, site: tuple[LiveServer, str]) -> None:
    _, token = site
    project = "http://localhost:5000/id/project/vacances-familles-lille"
    page.goto("/sheets/edit?project=" + project)
    before = page.input_value("#project\\.milestone")
    page.fill("#project\\.description", "Des séjours de vacances préparés avec les familles, revus.")
    page.fill("#credential", token)
    page.click("button[type=submit]")
    page.wait_for_selector(".ok")
    page.goto("/sheets/edit?project=" + project)
    assert page.input_value("#project\\.description") == "Des séjours de vacances préparés avec les familles, revus."
    assert sorted(page.input_value("#project\\.milestone").splitlines()) == sorted(before.splitlines())
    turtle = page.request.get("/id/project/vacances-familles-lille.ttl").text()
    for kept in ("partnership/vl-vacances", "funding/vl-caf", "funding/vl-ancv", "group/vl-familles",
                 "January 2016: group formed"):
        assert kept in turtle


def test_a_funding_block_is_added_and_an_amount_written_the_french_way_is_stored(
        page: Any, site: tuple[LiveServer, str]) -> None:
    _, token = site
    new_project(page, "Épicerie mobile", "food", "Le camion a trouvé ses clients le jour du marché.")
    page.fill("#project\\.milestone", "Premier marché | Bilan")
    page.click("button[data-add='funding']")
    page.select_option("#funding\\.1\\.funder", ["http://localhost:5000/id/organisation/centre-social-les-passerelles"])
    page.fill("#funding\\.1\\.amount", "2 500,50 €")
    page.click("#add-lesson")
    page.fill("#lesson\\.1\\.statement", "Les bénévoles tiennent le camion à tour de rôle.")
    page.select_option("#lesson\\.1\\.lessonCategory", "https://w3id.org/isic/thesaurus/lesson-category/good-practice")
    page.fill("#credential", token)
    page.click("button[type=submit]")
    page.wait_for_selector(".ok")
    turtle = page.request.get("/id/project/fcsf-epicerie-mobile.ttl").text()
    assert "Premier marché" in turtle and "Bilan" in turtle and "funding/fcsf-epicerie-mobile-" in turtle
    assert page.request.get("/id/lesson/fcsf-epicerie-mobile-2.ttl").status == 200
