"""A network's sheet downloaded and uploaded unchanged publishes the same graph; a table present replaces its
resources, an absent one changes nothing; the change list comes first (page, API, CLI); refusals show on the page."""

from __future__ import annotations

import csv
import html as entities
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from isic_graph.ingest.sheetmodel import table_named
from isic_graph.ingest.sheetwriter import csv_files, sheet_rows
from isic_graph.ingest.spreadsheets import MOJIBAKE
from isic_graph.ingest.vocabulary import schemes
from isic_graph.rdf.formats import format_for_path
from tests.support import paths
from tests.support.fuzz import examples
from tests.support.isomorphism import isomorphic
from tests.unit.ingest.test_sheet_samples import graph_of
from tests.unit.test_cli import environment

ROOT = paths.ROOT
SAMPLES = ROOT / "samples"
BASE = "http://localhost:5000/"
NETWORK = "action-sociale-35"
ISIC = "https://w3id.org/isic/ontology#"


def documents(files: dict[str, bytes]) -> list[Document]:
    return [Document(name, data, format_for_path(name)) for name, data in files.items()]


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {Path(n).name: archive.read(n) for n in archive.namelist()}


def without_row(data: bytes, key: str) -> bytes:
    lines = data.decode("utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(f"{key},")).encode("utf-8")


# ---------------------------------------------------------------- the writer and the reader, on the samples

def test_the_csv_sample_written_as_its_sheet_reads_back_to_the_same_graph() -> None:
    batch = read_batch([Document.from_path(p) for p in sorted((SAMPLES / NETWORK).glob("*.csv"))], BASE)
    again = read_batch(documents(csv_files(sheet_rows(batch.triples, BASE))), BASE)
    assert len(batch.triples) == 254
    assert isomorphic(graph_of(batch.triples), graph_of(again.triples))


@pytest.mark.parametrize("network", ["anas", "fcsf"])
def test_a_turtle_sample_written_as_its_sheet_reads_back_to_the_same_graph(network: str) -> None:
    batch = read_batch([Document.from_path(p) for p in sorted((SAMPLES / network).glob("*.ttl"))], BASE)
    again = read_batch(documents(csv_files(sheet_rows(batch.triples, BASE))), BASE)
    assert isomorphic(graph_of(batch.triples), graph_of(again.triples))


@pytest.mark.parametrize("value", ["Étape 1 | suite", "a|b", "fin \\", "barre \\| échappée", "|"])
def test_a_value_holding_a_bar_reads_back_from_its_sheet_as_one_value(value: str) -> None:
    batch = read_batch([Document.from_path(p) for p in sorted((SAMPLES / "anas").glob("*.ttl"))], BASE)
    project = next(t.subject.value for t in batch.triples if t.object.value == ISIC + "Project")
    added = f'<{project}> <{ISIC}milestone> "{value.replace(chr(92), chr(92) * 2)}"@fr, "autre étape"@fr .'
    data = Document("added.ttl", added.encode("utf-8"), format_for_path("added.ttl"))
    batch = read_batch([*(Document.from_path(p) for p in sorted((SAMPLES / "anas").glob("*.ttl"))), data], BASE)
    again = read_batch(documents(csv_files(sheet_rows(batch.triples, BASE))), BASE)
    assert isomorphic(graph_of(batch.triples), graph_of(again.triples))


SLUG = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
TEXT = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"], exclude_characters="\"\r\n"),
               min_size=1, max_size=40).map(str.strip).filter(bool)\
    .filter(lambda t: not MOJIBAKE.search(t))  # accents already mangled (`Ã©`) are refused, by design
# a text a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`), or one a person quoted (`'=…`)
MARKED = st.tuples(st.sampled_from(["=", "+", "-", "@", "'=", "''+", "'", "=HYPERLINK(", "@SUM("]), TEXT).map("".join)
CELL = st.one_of(TEXT, MARKED)
FORMULA_MARKS = ("=", "+", "-", "@", "\t", "\r")
DATE = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)


@st.composite
def lesson_sheets(draw: st.DrawFn) -> dict[str, bytes]:
    """A generated sheet: projects, the lessons learned from them and their partners, cells as a spreadsheet
    writes them."""
    categories = [c.label("fr") for c in schemes()["https://w3id.org/isic/thesaurus/lesson-category"].concepts]
    themes = [c.label("fr") for c in schemes()["https://w3id.org/isic/thesaurus/theme"].concepts]
    projects = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    lessons = draw(st.lists(SLUG, min_size=0, max_size=4, unique=True))
    roles = [c.label("fr") for c in schemes()["https://w3id.org/isic/thesaurus/partner-role"].concepts]
    tables: dict[str, list[dict[str, str]]] = {"projects.csv": [], "lessons.csv": [], "partners.csv": []}
    for partnership in draw(st.lists(SLUG, max_size=2, unique=True)):
        # what describes the partnership itself is the same on each of its rows, as in any sheet
        project, name = draw(st.sampled_from(projects)), draw(CELL)
        before = draw(st.sampled_from(["oui", "non", "Vrai", ""]))
        for organisation in draw(st.lists(SLUG, min_size=1, max_size=3, unique=True)):
            tables["partners.csv"].append({
                "partenariat": partnership, "organisation": organisation, "projet": project,
                "partenaire": draw(st.sampled_from(["", f"{partnership}-{organisation}",
                                                      f"partenaire-{len(tables['partners.csv'])}"])),
                "nom_partenariat": name, "en_amont": before,
                "roles": " | ".join(draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True)))})
    for p in projects:
        tables["projects.csv"].append({
            "projet": p, "reseau": NETWORK, "titre": draw(CELL), "description": draw(CELL),
            "date_debut": draw(DATE), "issu_situations_individuelles": draw(st.sampled_from(["oui", "non", ""])),
            "themes": " | ".join(draw(st.lists(st.sampled_from(themes), max_size=3, unique=True))),
            "jalons": " | ".join(draw(st.lists(CELL, max_size=3, unique=True)))})
    for lesson in lessons:
        tables["lessons.csv"].append({
            "enseignement": lesson, "projet": draw(st.sampled_from(projects)),
            "categorie": draw(st.sampled_from(categories)), "enonce": draw(CELL),
            "transferable_themes": " | ".join(draw(st.lists(st.sampled_from(themes), max_size=2, unique=True))),
            "confirme": " | ".join(draw(st.lists(st.sampled_from(lessons), max_size=2, unique=True)))})
    files = {}
    for name, rows in tables.items():
        headers = table_named(name).headers  # type: ignore[union-attr]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        files[name] = out.getvalue().encode("utf-8")
    return files


@hypothesis_settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lesson_sheets())
def test_a_generated_sheet_written_back_reads_to_the_same_graph_and_the_same_sheet(files: dict[str, bytes]) -> None:
    first = read_batch(documents(files), BASE)
    rows = sheet_rows(first.triples, BASE)
    written = csv_files(rows)
    second = read_batch(documents(written), BASE)
    assert isomorphic(graph_of(first.triples), graph_of(second.triples))
    assert sheet_rows(second.triples, BASE) == rows  # the written sheet is a fixed point
    for data in written.values():  # no cell a spreadsheet would run as a formula
        assert not [c for r in csv.reader(io.StringIO(data.decode("utf-8"))) for c in r if c.startswith(FORMULA_MARKS)]


# ---------------------------------------------------------------- the upload page, the API

@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def upload(client: FlaskClient, token: str, files: dict[str, bytes], lang: str = "fr") -> tuple[int, str]:
    data: dict[str, object] = {"credential": token, "files": [(io.BytesIO(d), n) for n, d in files.items()]}
    answer = client.post(f"/sheets/csv?lang={lang}", data=data, content_type="multipart/form-data")
    return answer.status_code, answer.get_data(as_text=True)


def confirm(client: FlaskClient, html: str, lang: str = "fr") -> tuple[int, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    answer = client.post(f"/sheets/csv?lang={lang}", data={k: entities.unescape(v) for k, v in fields.items()})
    return answer.status_code, answer.get_data(as_text=True)


def network_graph(client: FlaskClient, network: str = NETWORK) -> Graph:
    answer = client.get("/sparql", query_string={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH "
                                                          f"<{BASE}graph/network/{network}> {{ ?s ?p ?o }} }}"},
                        headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return Graph().parse(data=answer.get_data(as_text=True), format="nt")


@pytest.mark.parametrize("network", ["action-sociale-35", "anas", "fcsf"])
def test_the_current_sheet_uploaded_unchanged_changes_nothing_and_publishes_nothing(
        client: FlaskClient, credentials: CredentialStore, network: str) -> None:
    token = credentials.add(network, network)
    before = network_graph(client, network)
    assert len(before) > 170  # the sample, as loaded
    answer = client.get("/sheets/current.zip", query_string={"network": network})
    assert answer.status_code == 200 and answer.content_type == "application/zip"
    files = unzipped(answer.data)
    assert set(files) >= {"projects.csv", "lessons.csv", "partners.csv", "fundings.csv", "roles.csv",
                          "groups.csv", "committees.csv", "resources.csv"}
    status, html = upload(client, token, files)
    assert status == 200 and "Aucun changement." in html and "Publier ces changements" in html, html
    assert isomorphic(network_graph(client, network), before)  # nothing is published before the confirmation
    status, html = confirm(client, html)  # confirmed all the same: no publication, nothing recorded
    assert status == 200 and "Aucun changement : les données publiées sont déjà celles de ce dépôt" in html, html
    assert isomorphic(network_graph(client, network), before)


def test_the_workbook_of_the_current_sheet_uploads_unchanged(client: FlaskClient, token: str) -> None:
    before = network_graph(client)
    answer = client.get("/sheets/current.xlsx", query_string={"network": NETWORK})
    assert answer.status_code == 200 and answer.data[:2] == b"PK"
    status, html = upload(client, token, {"fiche.xlsx": answer.data})
    assert status == 200 and "Aucun changement." in html, html
    assert isomorphic(network_graph(client), before)


def test_a_deleted_row_is_shown_as_removed_then_removed_and_an_absent_table_changes_nothing(
        client: FlaskClient, token: str) -> None:
    files = unzipped(client.get("/sheets/current.zip", query_string={"network": NETWORK}).data)
    reader = list(csv.DictReader(io.StringIO(files["lessons.csv"].decode("utf-8"))))
    gone = reader[0]["enseignement"]
    iri = f"{BASE}id/lesson/{gone}"
    projects_before = len(list(network_graph(client).subjects(predicate=None, object=None)))
    status, html = upload(client, token, {"lessons.csv": without_row(files["lessons.csv"], gone)}, "en")
    assert status == 200 and "Removed (1)" in html and "Added" not in html
    status, html = confirm(client, html, "en")
    assert status == 201
    graph = network_graph(client)
    assert not list(graph.triples((None, None, URIRef(iri))))
    assert not list(graph.triples((URIRef(iri), None, None)))
    assert len(list(graph.subjects(predicate=None, object=None))) < projects_before
    titles = {str(o) for o in graph.objects(None, URIRef("http://purl.org/dc/terms/title"))}
    assert titles  # the projects table was absent: its resources are all still published


def test_the_api_dry_run_answers_the_change_list_and_stores_nothing(client: FlaskClient, token: str) -> None:
    files = unzipped(client.get("/sheets/current.zip", query_string={"network": NETWORK}).data)
    before = network_graph(client)
    answer = client.post(f"/api/networks/{NETWORK}/sheets?dry-run=1", headers={"Authorization": f"Bearer {token}"},
                         data={"files": (io.BytesIO(files["lessons.csv"]), "lessons.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["dry_run"] is True and answer.json["mode"] == "tables"
    assert answer.json["changes"] == {"added": [], "changed": [], "removed": []}
    assert isomorphic(network_graph(client), before)


def test_every_refusal_shows_on_the_page_in_its_language(client: FlaskClient, token: str) -> None:
    lessons = b"projet,categorie,enonce\nx,Bonne pratique,Un texte.\n"
    status, html = upload(client, "pas-un-jeton", {"lessons.csv": lessons})
    assert status == 401 and "Jeton inconnu" in html
    status, html = upload(client, "not-a-token", {"lessons.csv": lessons}, "en")
    assert status == 401 and "Unknown or revoked token" in html
    status, html = upload(client, token, {"lessons.csv": lessons})
    assert status == 422 and "colonne manquante" in html and "enseignement" in html
    assert html.count("colonne manquante") == 1
    status, html = upload(client, token, {"lessons.csv": lessons}, "en")
    assert status == 422 and "missing column" in html
    answer = client.get("/sheets/current.xlsx", query_string={"network": "action-sociale-53", "lang": "fr"},
                        headers={"Accept": "text/html"})  # the page's download link, followed by a browser
    text = answer.get_data(as_text=True)
    assert answer.status_code == 404 and "aucun réseau" in text and "action-sociale-35" in text
    assert "<details>" in text
    status, html = upload(client, token, {"lesons.csv": lessons})
    assert status == 422 and "lessons.csv" in html
    status, html = upload(client, token, {"notes.txt": b"hello"})
    assert status in (400, 415) and 'role="alert"' in html and "<details>" in html


def test_a_confirmation_without_its_files_is_refused_on_the_page(client: FlaskClient, token: str) -> None:
    answer = client.post("/sheets/csv", data={"credential": token, "confirm": "1", "pending": "[[\"x.csv\", \"%%\"]]"})
    assert answer.status_code == 400 and "déposez-les à nouveau" in answer.get_data(as_text=True)


# ---------------------------------------------------------------- the command line

def test_the_cli_exports_the_sheet_and_a_dry_run_prints_the_changes(settings: Settings, tmp_path: Path,
                                                                     request: pytest.FixtureRequest) -> None:
    runner = CliRunner()
    env = environment(settings)

    def cli(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        return result.exit_code, result.output

    if settings.store_path is not None and not settings.store_url:
        # the samples as `init --samples` loads them, loaded once for the session (that `init --samples` succeeds
        # on this backend is asserted by test_known_links.py's sample_cli)
        shutil.copytree(request.getfixturevalue("loaded_store"), settings.store_path)
    else:
        assert cli("init", "--samples")[0] == 0
    code, out = cli("export", "--network", NETWORK, "--format", "csv", "-o", str(tmp_path / "fiche"))
    assert code == 0, out
    assert (tmp_path / "fiche" / "lessons.csv").is_file()
    code, out = cli("export", "--network", NETWORK, "--format", "xlsx", "-o", str(tmp_path / "fiche.xlsx"))
    assert code == 0 and (tmp_path / "fiche.xlsx").read_bytes()[:2] == b"PK"
    code, out = cli("ingest", *map(str, sorted((tmp_path / "fiche").glob("*.csv"))), "--network", NETWORK,
                    "--dry-run")
    assert code == 0 and "Aucun changement." in out and "rien n'a été enregistré" in out
    lessons = tmp_path / "fiche" / "lessons.csv"
    first = lessons.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    lessons.write_bytes(without_row(lessons.read_bytes(), first))
    code, out = cli("ingest", str(lessons), "--network", NETWORK, "--dry-run", "--lang", "en")
    assert code == 0 and out.count("removed: lesson") == 1, out
    code, out = cli("ingest", str(lessons), "--network", NETWORK)
    assert code == 0 and "retiré : enseignement" in out
    code, out = cli("ingest", str(lessons), "--network", NETWORK, "--dry-run")
    assert "Aucun changement." in out
    code, out = cli("export", "--network", "action-social-35", "--format", "csv")
    assert code == 1 and "action-sociale-35" in out


def test_a_new_project_with_two_lessons_is_listed_then_published_in_words(client: FlaskClient, token: str) -> None:
    projects = (f"projet,reseau,date_fiche,titre,themes,porte_par\n"
                f"jardin-partage,{NETWORK},01/03/2024,Jardin partagé,Alimentation,cdas-rennes-nord\n").encode()
    lessons = ("enseignement,projet,categorie,enonce\n"
               "jp-tirage,jardin-partage,Bonne pratique,Le tirage au sort des parcelles a fait venir les locataires.\n"
               "jp-eau,jardin-partage,Obstacle,L'accès à l'eau a retardé le démarrage.\n").encode()
    before = network_graph(client)
    status, html = upload(client, token, {"projects.csv": projects, "lessons.csv": lessons})
    assert status == 200, html
    assert "ajouté : projet « Jardin partagé »" in html and "ajouté : fiche de collecte « Jardin partagé »" in html
    assert "ajouté : enseignement « Le tirage au sort" in html and "ajouté : enseignement « L&#39;accès" in html
    assert "Retirés" in html  # the projects and lessons tables are present: the sample's rows, absent, go
    assert isomorphic(network_graph(client), before)
    status, html = confirm(client, html)
    assert status == 201 and "Publié." in html and "Les tableaux déposés décrivent : 1 projet, 2 enseignements." in html
    published = html[html.find('class="ok"'):]
    published = published[:published.find("</div>")]  # what was published: the changes previewed, not the tables
    assert "ajouté : projet « Jardin partagé »" in published and "Retirés" in published, published
    assert '<a href="/id/project/jardin-partage">' in html


def test_a_changed_cell_is_listed_as_a_changed_resource_by_its_name(client: FlaskClient,
                                                                   credentials: CredentialStore) -> None:
    files = unzipped(client.get("/sheets/current.zip", query_string={"network": "fcsf"}).data)
    rows = list(csv.reader(io.StringIO(files["lessons.csv"].decode("utf-8"))))
    statement = rows[0].index("enonce")
    rows[1][statement] = "Un énoncé réécrit."
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    answer = client.post("/api/networks/fcsf/sheets?dry-run", data={"files": (io.BytesIO(out.getvalue().encode()),
                                                                                "lessons.csv")},
                         headers={"Authorization": f"Bearer {credentials.add('fcsf', 'FCSF')}"},
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    changes = answer.json["changes"]
    assert changes["added"] == [] and changes["removed"] == []
    assert [c["name"] for c in changes["changed"]] == ["Un énoncé réécrit."]
    assert changes["changed"][0]["class"] == "Lesson"


def test_a_confirmation_after_the_store_changed_shows_the_new_change_list_and_publishes_nothing(
        client: FlaskClient, credentials: CredentialStore) -> None:
    token = credentials.add("anas", "ANAS")
    files = unzipped(client.get("/sheets/current.zip", query_string={"network": "anas"}).data)
    first = files["lessons.csv"].decode("utf-8").splitlines()[1].split(",")[0]
    status, shown = upload(client, token, {"lessons.csv": without_row(files["lessons.csv"], first)})
    assert status == 200 and "Retirés (1)" in shown
    other = files["lessons.csv"].decode("utf-8").splitlines()[2].split(",")[0]
    status, html = upload(client, token, {"lessons.csv": without_row(files["lessons.csv"], other)})
    status, html = confirm(client, html)
    assert status == 201  # meanwhile, another lesson was removed
    before = network_graph(client, "anas")
    status, html = confirm(client, shown)
    assert status == 409 and "ont changé depuis" in html and "Retirés (1)" in html and "Ajoutés (1)" in html
    assert isomorphic(network_graph(client, "anas"), before)
