"""A user's mistake is one log line (its request id and the kind of refusal), never a traceback; its
message comes in the asked language on every way in: API (Accept-Language, ?lang=), pages, CLI --lang."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.store import open_store
from tests.conftest import BASE
from tests.support import paths

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
PREFIXES = ("@prefix isic: <https://w3id.org/isic/ontology#> . "
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dct: <http://purl.org/dc/terms/> .\n")
# Mistakes of every kind a sheet holds: dates, amounts, booleans, and links to nothing.
MISTAKES = {
    "date in French order": '<id/project/log-a> a isic:Project ; dct:title "A"@fr ; isic:startDate '
                            '"01/03/2022"^^xsd:date .',
    "impossible date": '<id/project/log-b> a isic:Project ; dct:title "B"@fr ; isic:startDate "2022-13-45"^^xsd:date .',
    "decimal comma": '<id/funding/log-c> a isic:Funding ; isic:amount "2500,50"^^xsd:decimal .',
    "amount in words": '<id/funding/log-d> a isic:Funding ; isic:amount "mille euros"^^xsd:decimal .',
    "oui": '<id/project/log-e> a isic:Project ; dct:title "E"@fr ; isic:emergedFromIndividualSituations '
           '"Oui"^^xsd:boolean .',
    "integer out of range": '<id/group/log-f> a isic:UserGroup ; isic:groupSize '
                            '"99999999999999999999999999"^^xsd:integer .',
    "link to nothing": '<id/lesson/log-g> a isic:Lesson ; isic:confirms <id/lesson/cdp-elus-invite> .',
}
CSV_MISTAKES = {  # a projects.csv row: date, boolean
    "csv dates and boolean": "projet,reseau,date_fiche,titre,description,genese,modalites,"
                             "issu_situations_individuelles,"
                             "date_debut,date_fin,statut,themes,territoires,porte_par,jalons,outils_de_suivi\n"
                             "log-h,{network},01/03/2022,T,D,G,M,peut-être,2022-02-30,,ongoing,parenting,,,,\n",
}


def tracebacks(text: str) -> bool:
    return "Traceback" in text or 'File "' in text


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("journal", "Réseau du journal")


def api_refusals(client: FlaskClient, token: str) -> list[tuple[str, object]]:
    """Each mistake sent through one web way in, in turn (each way gets several); (request id, answer) of each."""
    sent = []
    auth = {"Authorization": f"Bearer {token}"}
    ways_in = ("/api/networks/journal/sheets", "/api/validate?network=journal",
               "/graph-store?graph=" + urllib.parse.quote(BASE + "graph/network/journal"))
    for i, (name, turtle) in enumerate(MISTAKES.items()):  # every mistake, and every way in, each more than once
        body = (PREFIXES + turtle).encode()
        path = ways_in[i % len(ways_in)]
        rid = uuid.uuid4().hex
        answer = client.post(path, data=body, headers={**auth, "X-Request-Id": rid, "Content-Type": "text/turtle"})
        assert answer.status_code == 422, (name, path, answer.get_data(as_text=True)[:300])
        sent.append((rid, answer))
    for name, csv in CSV_MISTAKES.items():
        rid = uuid.uuid4().hex
        answer = client.post("/api/networks/journal/sheets?table=projects", data=csv.format(network="journal").encode(),
                             headers={**auth, "X-Request-Id": rid, "Content-Type": "text/csv"})
        assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
        sent.append((rid, answer))
        rid = uuid.uuid4().hex
        answer = client.post("/sheets/csv", data={"credential": token, "files": (
            io.BytesIO(csv.format(network="journal").encode()), "projects.csv")},
            content_type="multipart/form-data", headers={"X-Request-Id": rid})
        assert answer.status_code == 422
        sent.append((rid, answer))
    for date, boolean in (("01/03/2022", "true"), ("2022-13-45", "Oui"), ("demain", "peut-être")):
        rid = uuid.uuid4().hex
        answer = client.post("/sheets", data={"credential": token, "project.title": "Projet", "project.startDate": date,
                                              "project.emergedFromIndividualSituations": boolean},
                             headers={"X-Request-Id": rid})
        assert answer.status_code == 422
        sent.append((rid, answer))
    return sent


@pytest.mark.live  # a dry run's process
def test_each_refusal_is_one_access_line_with_its_kind_and_no_traceback(
        client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sent = api_refusals(client, token)
    assert not tracebacks(caplog.text)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
    for rid, _ in sent:
        lines = [r.getMessage() for r in caplog.records if rid in r.getMessage()]
        assert len(lines) == 1, lines
        entry = json.loads(lines[0])
        assert entry["request_id"] == rid and entry["status"] == 422
        assert entry["refusal"] in ("validation-failed", "sheet-refused")




@pytest.mark.parametrize("headers, query, words", [
    ({"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}, "", "la soumission n'est pas conforme"),
    ({}, "?lang=fr", "la soumission n'est pas conforme"),
    ({"Accept-Language": "en"}, "", "does not conform"),
    ({}, "", "does not conform"),  # a program that asks nothing gets English, as always
])
def test_the_apis_messages_come_in_the_asked_language(client: FlaskClient, token: str, headers: dict[str, str],
                                                       query: str, words: str) -> None:
    answer = client.post(f"/api/networks/journal/sheets{query}", data=(PREFIXES + MISTAKES["decimal comma"]).encode(),
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle", **headers})
    problem = answer.get_json()
    assert answer.status_code == 422 and problem["code"] == "validation-failed"
    assert words in problem["detail"]


def test_usage_and_ownership_refusals_of_the_api_speak_french_when_asked(client: FlaskClient, token: str) -> None:
    french = {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
    no_type = client.post("/api/networks/journal/sheets", data=b"x", headers=french)
    assert no_type.status_code == 400 and "dites ce qu'est le corps" in no_type.get_json()["detail"]
    no_table = client.post("/api/networks/journal/sheets", data=b"a,b\n", headers={**french,
                                                                                   "Content-Type": "text/csv"})
    assert "un corps CSV demande ?table=" in no_table.get_json()["detail"]
    mode = client.post("/api/networks/journal/sheets?mode=merge", data=b"", headers={**french,
                                                                                     "Content-Type": "text/turtle"})
    assert mode.get_json()["code"] == "bad-request" and "le mode est replace, upsert ou tables" in \
        mode.get_json()["detail"]
    other = f"<{BASE}id/project/les-incompris> <http://purl.org/dc/terms/title> \"PWNED\"@fr .".encode()
    taken = client.post("/api/networks/journal/sheets", data=other, headers={**french, "Content-Type": "text/turtle"})
    problem = taken.get_json()
    assert problem["code"] == "not-owner" and "appartient au réseau « anas »" in problem["detail"]
    assert "rien n'a été enregistré" in problem["detail"]
    assert "Pour le citer sans le décrire, ne reprenez que son type, son nom et ses identifiants" in problem["detail"]
    english = client.post("/api/networks/journal/sheets", data=other,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}).get_json()
    assert "To name it without describing it, give only its type, its name and its identifiers" in english["detail"]


def test_the_forms_ownership_refusal_follows_the_pages_language(client: FlaskClient, token: str) -> None:
    data = {"credential": token, "files": (io.BytesIO(
        "projet,reseau,date_fiche,titre,themes,porte_par\nles-incompris,journal,2020-01-01,PWNED,housing,caf-35\n"
        .encode()), "projects.csv")}
    page = client.post("/sheets/csv", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "appartient au réseau « anas »" in page


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    env = {"ISIC_BASE_IRI": settings.base_iri, "ISIC_STORE": str(settings.store_path or "")}
    if settings.store_url:
        env.update(ISIC_STORE_URL=settings.store_url, ISIC_STORE_UPDATE_URL=settings.update_url or "",
                   ISIC_STORE_GSP_URL=settings.store_gsp_url or "")
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    yield env
    with open_store(settings, create=True) as store:
        store.update("DROP ALL")


def test_the_clis_messages_follow_lang(cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + MISTAKES["impossible date"], encoding="utf-8")
    french = runner.invoke(main, ["ingest", str(bad), "--network", "demo", "--lang", "fr"], env=cli_env)
    assert french.exit_code == 1 and "erreur : la soumission n'est pas conforme" in french.output
    assert not tracebacks(french.output)
    english = runner.invoke(main, ["ingest", str(bad), "--network", "demo", "--lang", "en"], env=cli_env)
    assert english.exit_code == 1 and "error: the submission does not conform" in english.output
    named = runner.invoke(main, ["ingest", str(bad), "--network", "Pas Un Nom", "--lang", "fr"], env=cli_env)
    assert named.exit_code == 1 and "nom de réseau invalide" in named.output
    missing = runner.invoke(main, ["validate", str(tmp_path / "absent.ttl"), "--lang", "fr"], env=cli_env)
    assert missing.exit_code == 2 and "fichier introuvable" in missing.output
    assert runner.invoke(main, ["ingest", str(VALID), "--network", "demo"], env=cli_env).exit_code == 0
    taken = tmp_path / "taken.ttl"
    taken.write_text(f'<{BASE}id/project/demo> <http://purl.org/dc/terms/title> "Autre"@fr .\n', encoding="utf-8")
    owned = runner.invoke(main, ["ingest", str(taken), "--network", "autre", "--lang", "fr"], env=cli_env)
    assert owned.exit_code == 1 and "appartient au réseau « demo »" in owned.output
    assert not tracebacks(owned.output)
    kept = runner.invoke(main, ["validate", str(taken), "--network", "autre"], env=cli_env)
    assert kept.exit_code == 1 and 'belongs to network "demo"' in kept.output  # without --lang: English, as before


def test_reading_refusals_speak_french_when_asked(client: FlaskClient, token: str) -> None:
    french = {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
    broken = client.post("/api/networks/journal/sheets", data=b"<a> <b> .", headers={**french,
                                                                                     "Content-Type": "text/turtle"})
    assert broken.get_json()["code"] == "parse-error" and ("le fichier body.ttl n'est pas du Turtle lisible, "
                                                           "ligne 1, colonne 9 ; le lecteur RDF dit, en anglais : « "
                                                           ) in broken.get_json()["detail"]
    unknown = client.post("/api/networks/journal/sheets", data={"files": (io.BytesIO(b"x"), "fiche.docx")},
                          content_type="multipart/form-data", headers=french)
    assert unknown.get_json()["code"] == "unsupported-format" and ("ne dit pas son "
                                                                   "format") in unknown.get_json()["detail"]
    control = client.post("/api/networks/journal/sheets", data='<a> <b> "x\x07" .'.encode(),
                          headers={**french, "Content-Type": "text/turtle"})
    assert "caractère de contrôle U+0007" in control.get_json()["detail"]
    english = client.post("/api/networks/journal/sheets", data=b"<a> <b> .",
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert "is not valid turtle" in english.get_json()["detail"].lower()



def test_an_error_gives_its_french_words_where_written_else_its_english_ones() -> None:
    from isic_graph.errors import UsageError
    assert (UsageError("x", "y").text("fr"), UsageError("x", "y").text("en"), UsageError("x").text("fr")) == ("y", "x",
                                                                                                              "x")
