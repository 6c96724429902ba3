"""A text is at most what a spreadsheet's cell holds (32,767 characters) on every way into a sheet, and a sheet
holding a longer one (sent as Turtle, where a literal may be longer) is not downloaded cut: the workbook cut such a
text without a word, and the workbook sent back unchanged published it cut."""

from __future__ import annotations

import html
import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.documents import LIMITS, Document
from tests.conftest import BASE, bearer
from tests.support.oxigraph_server import Watched

NETWORK = "longues-phrases"
ISIC = "https://w3id.org/isic/ontology#"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Longues phrases")


def test_the_cell_limit_is_what_a_workbook_cell_holds() -> None:
    from openpyxl import Workbook, load_workbook
    book = Workbook()
    book.active["A1"] = "x" * (LIMITS.max_cell + 10)
    out = io.BytesIO()
    book.save(out)
    assert len(load_workbook(io.BytesIO(out.getvalue())).active["A1"].value) == LIMITS.max_cell


@pytest.mark.parametrize("path", ["/sheets/current.xlsx", "/sheets/current.zip"])
@pytest.mark.parametrize(("lang", "words"), [("fr", "une cellule de tableur en contient au plus 32767"),
                                             ("en", "a spreadsheet's cell holds at most 32767")])
def test_a_sheet_holding_a_longer_text_is_not_downloaded_cut(client: FlaskClient, token: str, path: str, lang: str,
                                                            words: str) -> None:
    long = "Une phrase longue. " * 2_000  # 38,000 characters: a literal may be that long
    turtle = (f'@prefix isic: <{ISIC}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
              f'<{BASE}id/network/{NETWORK}> a isic:Network ; rdfs:label "Longues phrases"@fr .\n'
              f'<{BASE}id/project/{NETWORK}-p> a isic:Project ; <http://purl.org/dc/terms/title> "Projet long"@fr ; '
              f'isic:theme <https://w3id.org/isic/thesaurus/theme/housing> ; '
              f'isic:carriedBy <{BASE}id/organisation/caf-35> .\n'
              f'<{BASE}id/lesson/{NETWORK}-l> a isic:Lesson ; isic:learnedFrom <{BASE}id/project/{NETWORK}-p> ; '
              f'isic:lessonCategory <https://w3id.org/isic/thesaurus/lesson-category/good-practice> ; '
              f'isic:statement "{long}"@fr .\n')
    stored = client.post(f"/api/networks/{NETWORK}/sheets", data=turtle, content_type="text/turtle",
                         headers=bearer(token))
    assert stored.status_code in (200, 201), stored.get_data(as_text=True)[:2000]
    answer = client.get(path, query_string={"network": NETWORK},
                        headers={"Accept-Language": lang, "Accept": "text/html,*/*;q=0.8"})  # a browser: a page
    assert answer.mimetype == "text/html", (answer.status_code, answer.mimetype, len(answer.data))
    text = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 422 and "lessons.csv" in text and words in text, text[:2000]
    problem = client.get(path, query_string={"network": NETWORK}, headers={"Accept-Language": lang})  # a program
    assert problem.status_code == 422 and problem.mimetype == "application/problem+json"
    assert "lessons.csv" in problem.json["detail"] and words in problem.json["detail"], problem.json


def test_a_csv_cell_longer_than_a_workbook_cell_is_refused(client: FlaskClient, token: str, seen: Watched) -> None:
    before = seen.now()
    lessons = f"enseignement;projet;categorie;enonce\r\nl1;p;obstacle;{'x' * (LIMITS.max_cell + 1)}\r\n".encode()
    answer = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": [(io.BytesIO(lessons), "lessons.csv")]},
                         content_type="multipart/form-data", headers={**bearer(token), "Accept-Language": "fr"})
    assert answer.status_code == 413, answer.get_data(as_text=True)[:1000]
    assert "une cellule de tableur en contient au plus 32767" in answer.get_json()["detail"]
    assert before.unchanged()


def test_a_text_at_the_limit_starting_as_a_formula_comes_back_from_its_csv_download() -> None:
    """The download sets a quote before `- `, one character more than the limit: sent back, it was refused (413)."""
    from isic_graph.ingest.sheetmodel import table_named
    from isic_graph.ingest.sheetwriter import csv_files
    from isic_graph.ingest.spreadsheets import raw_tables
    from isic_graph.rdf.formats import format_for_path

    lessons = table_named("lessons")
    assert lessons is not None
    text = "- " + "a" * (LIMITS.max_cell - 2)
    row = [text if header == "enonce" else "" for header in lessons.headers]
    written = csv_files({"lessons.csv": [row]})["lessons.csv"]
    assert ("'" + text).encode() in written  # the quote the download sets
    read = raw_tables(Document("lessons.csv", written, format_for_path("lessons.csv")))
    assert any(("'" + text) in cells for _, cells in read[0].rows)


@pytest.mark.live  # a form with a problem is checked whole by a dry run, in a process of its own
@pytest.mark.parametrize(("value", "said"), [
    ("x|" * 16_383, "le texte a 49\u202f149 caractères"),  # each | written \| in the downloaded cell
    ("😀" * 16_384, "le texte a 32\u202f768 caractères"),  # two UTF-16 units each, as a spreadsheet counts
])
def test_the_form_counts_a_text_as_the_downloaded_cell_holds_it(client: FlaskClient, token: str, value: str,
                                                                said: str) -> None:
    answer = client.post("/sheets?lang=fr", data={
        "credential": token, "project.title": "Projet aux longues lignes", "project.theme":
            ["https://w3id.org/isic/thesaurus/theme/housing"],
        "project.carriedBy": f"{BASE}id/organisation/caf-35", "lesson.0.statement": value,
        "lesson.0.lessonCategory": "https://w3id.org/isic/thesaurus/lesson-category/good-practice"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and said in text, text[text.find('role="alert"'):][:2000]


def test_a_csv_cell_of_emoji_past_the_limit_in_utf16_units_is_refused(client: FlaskClient, token: str) -> None:
    lessons = f"enseignement;projet;categorie;enonce\r\nl1;p;obstacle;{'😀' * 16_384}\r\n".encode()
    answer = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": [(io.BytesIO(lessons), "lessons.csv")]},
                         content_type="multipart/form-data", headers={**bearer(token), "Accept-Language": "fr"})
    assert answer.status_code == 413 and "la cellule a 32768 caractères" in answer.get_json()["detail"]


@pytest.mark.parametrize("path", ["/sheets/current.xlsx", "/sheets/current.zip"])
@pytest.mark.parametrize(("query", "status"), [({"network": "nulle-part"}, 404), ({}, 400)])
def test_a_program_asking_for_a_sheet_that_cannot_be_given_gets_a_problem_document(
        client: FlaskClient, path: str, query: dict[str, str], status: int) -> None:
    for accept in ("application/json", "*/*", "application/problem+json"):
        answer = client.get(path, query_string=query, headers={"Accept": accept, "Accept-Language": "fr"})
        assert answer.status_code == status and answer.mimetype == "application/problem+json", (accept, answer.mimetype)
        assert answer.json["status"] == status and answer.json["detail"]
    page = client.get(path, query_string=query, headers={"Accept": "text/html"})
    assert page.status_code == status and page.mimetype == "text/html" and "Accept" in page.vary
