"""A lesson removed by the table rule (its row deleted, the table uploaded again) is withdrawn as a retraction
withdraws it: the change list names the other networks' statements that confirm or contradict it, its address
then answers 410 Gone with the record, the networks find their dangling links, and publishing the row again
brings it back."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer

LESSON = "http://localhost:5000/id/lesson/svf-restitution-par-les-familles"
CONFIRMS = "https://w3id.org/isic/ontology#confirms"


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add("anas", "ANAS")


def lessons_table(client: FlaskClient, without: str | None) -> bytes:
    """anas's current lessons table (published in Turtle, downloaded as its sheet), without one lesson's row."""
    current = client.get("/sheets/current.zip", query_string={"network": "anas"})
    assert current.status_code == 200
    with zipfile.ZipFile(io.BytesIO(current.data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("lessons.csv"))
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    kept = [r for r in rows if without is None or r[0] != without]
    assert len(kept) == len(rows) - (without is not None)
    out = io.StringIO()
    csv.writer(out).writerows(kept)
    return out.getvalue().encode("utf-8")


def upload(client: FlaskClient, token: str, data: bytes, dry: bool = False):  # type: ignore[no-untyped-def]
    return client.post("/api/networks/anas/sheets" + ("?dry-run=1" if dry else ""),
                       data={"files": [(io.BytesIO(data), "lessons.csv")]}, headers=bearer(token),
                       content_type="multipart/form-data")


def test_a_lesson_removed_by_its_row_is_withdrawn_and_the_networks_that_confirm_it_are_told(
        client: FlaskClient, token: str, credentials: CredentialStore) -> None:
    full = lessons_table(client, None)
    assert upload(client, token, full).json["changes"] == {"added": [], "changed": [], "removed": []}
    table = lessons_table(client, "svf-restitution-par-les-familles")

    dry = upload(client, token, table, dry=True)
    assert dry.status_code == 200, dry.json
    assert dry.json["withdrawn"] == [LESSON]
    confirming = {(k["network"], k["subject"].rsplit("/", 1)[-1]) for k in dry.json["links"]
                  if k["predicate"] == CONFIRMS and k["target"] == LESSON}
    assert {n for n, _ in confirming} == {"action-sociale-35", "fcsf"}
    assert ("action-sociale-35", "cdp-elus-invites") in confirming
    page = client.post("/sheets/csv", data={"files": [(io.BytesIO(table), "lessons.csv")], "credential": token},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "renverront à une ressource retirée" in page and "action-sociale-35" in page and "fcsf" in page
    # each link in words: the resources by their names and pages, the property in French (it was
    # `http://…/lesson/cdp-elus-invites confirms http://…/lesson/svf-…`)
    listed = page.split('<ul class="links">', 1)[1].split("</ul>", 1)[0]
    assert "— confirme —" in listed and "confirms" not in listed, listed
    assert 'href="/id/lesson/cdp-elus-invites"' in listed and ">http" not in listed, listed
    assert client.get(LESSON[len("http://localhost:5000"):], headers={"Accept": "text/turtle"}).status_code == 200

    done = upload(client, token, table)
    assert done.status_code == 200 and done.json["withdrawn"] == [LESSON]
    gone = client.get(LESSON[len("http://localhost:5000"):], headers={"Accept": "application/problem+json"})
    assert gone.status_code == 410 and gone.json["retraction"]["network"].endswith("/id/network/anas")
    assert "sa ligne n'y est plus" in gone.json["retraction"]["reason"]
    dangling = client.get("/api/networks/action-sociale-35/dangling").json["links"]
    assert [(k["subject"].rsplit("/", 1)[-1], k["target"]) for k in dangling] == [("cdp-elus-invites", LESSON)]

    from tests.support.sheet_mistakes import sample, written

    other = credentials.add("action-sociale-35", "Action sociale 35")
    theirs = client.post("/api/networks/action-sociale-35/sheets", headers={**bearer(other), "Accept-Language": "fr"},
                         data={"files": [(io.BytesIO(written(sample()["lessons.csv"])), "lessons.csv")]},
                         content_type="multipart/form-data")
    assert theirs.status_code == 422 and "a été retiré de la publication par son réseau" in theirs.json["report"]

    again = upload(client, token, full)
    assert again.status_code == 200 and [c["iri"] for c in again.json["changes"]["added"]] == [LESSON]
    assert client.get(LESSON[len("http://localhost:5000"):], headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/api/networks/action-sociale-35/dangling").json["links"] == []


def test_a_lesson_no_one_links_to_is_withdrawn_with_no_link_to_report(client: FlaskClient, token: str) -> None:
    table = lessons_table(client, "pe-obstacle-peur-du-bailleur")
    dry = upload(client, token, table, dry=True)
    assert dry.json["withdrawn"] == ["http://localhost:5000/id/lesson/pe-obstacle-peur-du-bailleur"]
    # collectif-locataires (fcsf) confirms it, and anas's own workaround, kept in the table, says it resolves it
    assert {k["network"] for k in dry.json["links"]} == {"fcsf", "anas"}
    unlinked = upload(client, token, lessons_table(client, "li-elu-restitution-publique"), dry=True).json
    assert unlinked["withdrawn"] == ["http://localhost:5000/id/lesson/li-elu-restitution-publique"]
    assert unlinked["links"] == []


def test_a_projects_table_sent_alone_keeps_the_links_the_partners_and_fundings_tables_state(
        client: FlaskClient, credentials: CredentialStore) -> None:
    """`isic:funding` and `isic:partnership` are stated about a project by fundings.csv and partners.csv: the
    projects table sent alone describes its projects again without taking those links away."""
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    project = "<http://localhost:5000/id/project/cafe-des-parents-rennes>"
    links = f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ {project} ?p ?o }} FILTER(?p IN " \
            "(<https://w3id.org/isic/ontology#funding>, <https://w3id.org/isic/ontology#partnership>)) } ORDER BY ?p ?o"

    def stated() -> list[tuple[str, str]]:
        rows = client.get("/sparql", query_string={"query": links},
                          headers={"Accept": "application/sparql-results+json"}).json["results"]["bindings"]
        return [(r["p"]["value"], r["o"]["value"]) for r in rows]

    before = stated()
    assert len(before) == 3
    rows = sample()["projects.csv"]
    rows[1][rows[0].index("titre")] = "Café des parents (titre revu)"
    response = client.post("/api/networks/action-sociale-35/sheets",
                           data={"files": [(io.BytesIO(written(rows)), "projects.csv")]}, headers=bearer(token),
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert [c["name"] for c in response.json["changes"]["changed"]] == ["Café des parents (titre revu)"]
    assert stated() == before


ADR = "http://localhost:5000/id/project/ateliers-droits-rennes"


def test_a_project_removed_by_its_row_takes_its_lessons_and_own_parts_as_its_withdrawal_does(
        client: FlaskClient, credentials: CredentialStore) -> None:
    """Its lessons stayed published, drawn from a project answering 410, and `dangling` listed the network's own
    lessons; now the change list names them, and they answer 410 with the project."""
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    rows = [r for r in sample()["projects.csv"] if r[0] != "ateliers-droits-rennes"]
    sent = {"files": [(io.BytesIO(written(rows)), "projects.csv")]}
    dry = client.post("/api/networks/action-sociale-35/sheets?dry-run=1", data=sent, headers=bearer(token),
                      content_type="multipart/form-data")
    assert dry.status_code == 200, dry.json
    removed = {c["iri"].rsplit("/", 1)[-1] for c in dry.json["changes"]["removed"]}
    assert {"ateliers-droits-rennes", "adr-ecrans", "adr-tableau-suivi", "adr-caf"} <= removed, removed
    assert {"ateliers-droits-rennes", "adr-ecrans", "adr-tableau-suivi"} <= {
        w.rsplit("/", 1)[-1] for w in dry.json["withdrawn"]}
    assert not [k for k in dry.json["links"] if k["subject"].rsplit("/", 1)[-1] in removed], dry.json["links"]
    answer = client.post("/api/networks/action-sociale-35/sheets", data={
        "files": [(io.BytesIO(written(rows)), "projects.csv")]}, headers=bearer(token),
        content_type="multipart/form-data")
    assert answer.status_code == 200, answer.json
    for path in ("/id/project/ateliers-droits-rennes", "/id/lesson/adr-ecrans", "/id/lesson/adr-tableau-suivi"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 410, path
    own = client.get("/api/networks/action-sociale-35/dangling", headers=bearer(token)).json
    assert not [k for k in own["links"] if k["target"] == ADR], own
    assert client.get("/id/project/cafe-des-parents-rennes", headers={"Accept": "text/turtle"}).status_code == 200


def test_a_submission_still_linking_to_a_project_it_removes_is_refused_at_the_row(
        client: FlaskClient, credentials: CredentialStore) -> None:
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    tables = sample()
    projects = [r for r in tables["projects.csv"] if r[0] != "cafe-des-parents-rennes"]
    files = [(io.BytesIO(written(projects)), "projects.csv"), (io.BytesIO(written(tables["lessons.csv"])),
                                                                "lessons.csv")]
    answer = client.post("/api/networks/action-sociale-35/sheets", data={"files": files},
                         headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert answer.status_code == 400, answer.json
    detail = answer.json["detail"]
    assert "lessons.csv, ligne" in detail and "que cet envoi retire" in detail, detail
    assert client.get("/id/project/cafe-des-parents-rennes", headers={"Accept": "text/turtle"}).status_code == 200


def test_a_new_network_sending_its_projects_without_network_csv_is_told_to_send_it(
        client: FlaskClient, credentials: CredentialStore) -> None:
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("premier-envoi", "Premier envoi")
    rows = sample()["projects.csv"][:2]
    rows[1][rows[0].index("projet")] = "premier-projet"
    rows[1][rows[0].index("reseau")] = "premier-envoi"
    answer = client.post("/api/networks/premier-envoi/sheets", data={
        "files": [(io.BytesIO(written(rows)), "projects.csv")]}, headers={**bearer(token), "Accept-Language": "fr"},
        content_type="multipart/form-data")
    assert answer.status_code == 422, answer.json
    assert "envoie aussi network.csv" in answer.get_data(as_text=True), answer.json


def test_a_sheet_attributed_to_another_network_is_refused_at_its_row(client: FlaskClient,
                                                                    credentials: CredentialStore) -> None:
    """The refusal named the sheet's IRI and the two networks, not the file and row of the `reseau` cell."""
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    rows = sample()["projects.csv"]
    rows[1][rows[0].index("reseau")] = "anas"
    answer = client.post("/api/networks/action-sociale-35/sheets", data={
        "files": [(io.BytesIO(written(rows)), "projects.csv")]}, headers={**bearer(token), "Accept-Language": "fr"},
        content_type="multipart/form-data")
    assert answer.status_code == 400 and "[projects.csv, ligne 2]" in answer.json["detail"], answer.json


def test_mode_replace_with_part_of_the_sheet_names_the_tables_missing(client: FlaskClient,
                                                                      credentials: CredentialStore) -> None:
    """It was refused saying the lessons' projects had no class (rdf:type)."""
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    before = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).json
    answer = client.post("/api/networks/action-sociale-35/sheets?mode=replace", data={
        "files": [(io.BytesIO(written(sample()["lessons.csv"])), "lessons.csv")]},
        headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert answer.status_code == 400, answer.json
    detail = answer.json["detail"]
    assert "le mode replace remplace tout le graphe" in detail and "projects.csv" in detail, detail
    assert "lessons.csv" not in detail.split("il manque", 1)[1].split(", dont", 1)[0]
    after = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).json
    assert after == before


@pytest.mark.parametrize("table", ["fundings.csv", "groups.csv", "partners.csv"])
def test_a_project_removed_while_another_table_sent_names_it_is_refused_at_that_row(
        client: FlaskClient, credentials: CredentialStore, table: str) -> None:
    """It was published half: no type, no title, its sheet gone, its lessons kept, and the change list said
    "changed"."""
    from tests.support.sheet_mistakes import sample, written

    token = credentials.add("action-sociale-35", "Action sociale 35")
    tables = sample()
    projects = [r for r in tables["projects.csv"] if r[0] != "cafe-des-parents-rennes"]  # ADR: withdrawn above
    files = [(io.BytesIO(written(projects)), "projects.csv"), (io.BytesIO(written(tables[table])), table)]
    for query in ("?dry-run=1", ""):
        answer = client.post(f"/api/networks/action-sociale-35/sheets{query}", data={"files": list(
            (io.BytesIO(f.getvalue()), n) for f, n in files)}, headers={**bearer(token), "Accept-Language": "fr"},
            content_type="multipart/form-data")
        assert answer.status_code == 400, answer.json
        assert f"({table}, ligne" in answer.json["detail"] and "le nomme encore" in answer.json["detail"]
    assert client.get("/id/project/cafe-des-parents-rennes", headers={"Accept": "text/turtle"}).status_code == 200
