"""A user's mistake is one log line (its request id and the kind of refusal), never a traceback; its
message comes in the asked language on every way in: API (Accept-Language, ?lang=), pages, CLI --lang."""

from __future__ import annotations

import io
import urllib.parse
import uuid

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.store import open_store
from tests.conftest import BASE
from tests.support import paths
from tests.support.live import LiveServer, request

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
    """Each mistake sent through every web way in; (request id, answer) of each."""
    sent = []
    auth = {"Authorization": f"Bearer {token}"}
    for name, turtle in MISTAKES.items():
        body = (PREFIXES + turtle).encode()
        for path in ("/api/networks/journal/sheets", "/api/validate?network=journal",
                     "/graph-store?graph=" + urllib.parse.quote(BASE + "graph/network/journal")):
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




def test_a_live_servers_log_holds_one_line_per_refusal_and_no_traceback(server: LiveServer) -> None:
    added = server.cli("network", "add", "journal-live", "--name", "Journal")
    token = added.stdout.strip()
    mark = server.log.stat().st_size
    ids = []
    for name, turtle in MISTAKES.items():
        rid = uuid.uuid4().hex
        answer = request(f"{server.url}/api/networks/journal-live/sheets", "POST", (PREFIXES + turtle).encode(),
                         {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle", "X-Request-Id": rid})
        assert answer.status == 422, name
        ids.append(rid)
    form = urllib.parse.urlencode({"credential": token, "project.title": "P", "project.startDate": "01/03/2022"})
    rid = uuid.uuid4().hex
    answer = request(f"{server.url}/sheets", "POST", form.encode(),
                     {"Content-Type": "application/x-www-form-urlencoded", "X-Request-Id": rid})
    assert answer.status == 422
    ids.append(rid)
    log = server.log.read_text(encoding="utf-8", errors="replace")[mark:]
    assert not tracebacks(log) and "UserWarning" not in log, log[-3000:]
    for rid in ids:
        lines = [line for line in log.splitlines() if rid in line]
        assert len(lines) == 1 and '"refusal": "validation-failed"' in lines[0], lines








@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    env = {"ISIC_BASE_IRI": settings.base_iri, "ISIC_STORE": str(settings.store_path or "")}
    if settings.store_url:
        env.update(ISIC_STORE_URL=settings.store_url, ISIC_STORE_UPDATE_URL=settings.update_url or "",
                   ISIC_STORE_GSP_URL=settings.store_gsp_url or "")
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    yield env
    with open_store(settings) as store:
        store.update("DROP ALL")







