"""The downloaded CSV sheet never holds a cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+…`, `-…`, `@…`,
a tab before one): such a cell is written after a quote, which reading the sheet takes away, so the sheet
uploaded unchanged still changes nothing. The workbook holds them as text."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.documents import Document
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.ingest.sheetwriter import csv_files, sheet_rows
from isic_graph.ingest.tabular import read_tables
from isic_graph.rdf.formats import format_for_path
from tests.conftest import bearer
from tests.support.isomorphism import isomorphic
from tests.unit.ingest.test_sheet_samples import graph_of

BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FORMULAS = ['=HYPERLINK("https://exemple.fr/x";"Cliquez ici")', "=1+1", "@SUM(1+1)", "+33+1", "-1+1", "=",
            "@", "-", "+", "=cmd|' /C calc'!A0", "\t=1+1", "-2+3+cmd|' /C calc'!A0", "@ mention"]
QUOTED = ["'=1+1", "''=1+1", "'@x", "'-", "'bonjour", "'", "l'=1", "'\t=1"]
PLAIN = ["Centre social", "L'Escale", "a=b", "1+1", "x-y"]
MARKS = ("=", "+", "-", "@", "\t", "\r")


def organisations(names: list[str]) -> list[Triple]:
    triples = []
    for i, name in enumerate(names):
        org = NamedNode(f"{BASE}id/organisation/org-{i}")
        triples += [Triple(org, NamedNode(RDF_TYPE), NamedNode(ISIC + "Organisation")),
                    Triple(org, NamedNode(LABEL), Literal(name, language="fr"))]
    return triples


def cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8"))) for c in row]


def documents(files: dict[str, bytes]) -> list[Document]:
    return [Document(n, d, format_for_path(n)) for n, d in files.items() if d.count(b"\n") > 1]


def test_no_cell_of_the_csv_sheet_starts_as_a_formula() -> None:
    files = csv_files(sheet_rows(organisations(FORMULAS + QUOTED + PLAIN), BASE))
    written = cells(files["organisations.csv"])
    assert not [c for c in written if c.startswith(MARKS)]
    for name in FORMULAS:
        assert f"'{name}" in written
    for name in PLAIN:
        assert name in written


@pytest.mark.parametrize("name", FORMULAS + QUOTED + PLAIN)
def test_a_name_written_to_the_csv_sheet_reads_back_as_it_was(name: str) -> None:
    triples = organisations([name])
    again = read_tables(documents(csv_files(sheet_rows(triples, BASE))), BASE)
    assert isomorphic(graph_of(triples), graph_of(again.triples))


@pytest.mark.parametrize("name", [n for n in FORMULAS + QUOTED + PLAIN if n == n.lstrip()])  # cells are trimmed
def test_a_name_written_to_the_workbook_reads_back_as_it_was(name: str) -> None:
    triples = organisations([name])
    book = Document("fiche.xlsx", workbook(sheet_rows(triples, BASE)), format_for_path("fiche.xlsx"))
    again = read_tables([book], BASE)
    assert isomorphic(graph_of(triples), graph_of(again.triples))


def test_values_of_a_list_starting_as_a_formula_read_back_each_as_it_was() -> None:
    project = NamedNode(f"{BASE}id/project/projet-a")
    triples = [Triple(project, NamedNode(RDF_TYPE), NamedNode(ISIC + "Project")),
               *(Triple(project, NamedNode(ISIC + "milestone"), Literal(v, language="fr"))
                 for v in ("=1+1", "-étape deux", "@réunion", "étape"))]
    files = csv_files(sheet_rows(triples, BASE))
    assert not [c for c in cells(files["projects.csv"]) if c.startswith(MARKS)]
    again = read_tables(documents(files), BASE)
    milestones = {t.object.value for t in again.triples if t.predicate.value == ISIC + "milestone"}
    assert milestones == {"=1+1", "-étape deux", "@réunion", "étape"}


def test_a_cell_a_person_writes_with_a_quote_before_a_formula_mark_reads_without_it() -> None:
    """What a spreadsheet keeps of the download (`'=1+1`) is the value `=1+1`; a cell a person writes as
    `'=1+1` in a CSV file is read the same way, and `'bonjour` keeps its quote."""
    text = "organisation,nom,types\norg-a,'=1+1,association\norg-b,'bonjour,association\n"
    batch = read_tables([Document("organisations.csv", text.encode(), format_for_path("organisations.csv"))], BASE)
    names = {t.object.value for t in batch.triples if t.predicate.value == LABEL}
    assert names == {"=1+1", "'bonjour"}


# ---------------------------------------------------------------- the download and its upload

NETWORK = "action-sociale-35"


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {Path(n).name: archive.read(n) for n in archive.namelist()}


def test_the_downloaded_sheet_escapes_formulas_and_uploads_back_unchanged(client: FlaskClient,
                                                                          credentials: CredentialStore) -> None:
    token = credentials.add("formules", "Formules")
    names = ['=HYPERLINK("https://exemple.fr/x";"Cliquez ici")', "=1+1", "@SUM(1+1)", "-1+1", "+33+1"]
    rows = "".join(f'org-{i},"{n.replace(chr(34), chr(34) * 2)}",association\n' for i, n in enumerate(names))
    text = f"organisation,nom,types\n{rows}"
    sent = client.post("/api/networks/formules/sheets",
                       data={"files": [(io.BytesIO(text.encode()), "organisations.csv")]},
                       headers=bearer(token), content_type="multipart/form-data")
    assert sent.status_code in (200, 201), sent.json
    answer = client.get("/sheets/current.zip", query_string={"network": "formules"})
    assert answer.status_code == 200
    files = unzipped(answer.data)
    written = cells(files["organisations.csv"])
    assert not [c for c in written if c.startswith(MARKS)]
    assert "'=1+1" in written and "'@SUM(1+1)" in written and "'+33+1" in written
    again = client.post("/api/networks/formules/sheets?dry-run=1",
                        data={"files": [(io.BytesIO(d), n) for n, d in files.items()]},
                        headers=bearer(token), content_type="multipart/form-data")
    assert again.status_code == 200, again.json
    assert again.json["changes"] == {"added": [], "changed": [], "removed": []}
    stored = client.get("/sparql", query_string={
        "query": f"SELECT ?n WHERE {{ GRAPH <{BASE}graph/network/formules> {{ ?o <{LABEL}> ?n }} }}"},
        headers={"Accept": "application/sparql-results+json"})
    assert {b["n"]["value"] for b in stored.json["results"]["bindings"]} == set(names)
