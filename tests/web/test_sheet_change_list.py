"""The change list a sheet upload answers (and its dry run) names every resource whose triples in the network's
graph the write changes, and no other: a project whose fundings, partners or roles a row adds, moves or removes
is changed, as is the row's own resource; added when it had no triple, removed when none is left. The dry run
answers the same list as the write, in tables, upsert and replace mode."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Callable

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from isic_graph.admin.credentials import CredentialStore
from tests.web.test_sheet_modes import exported, graph, send

NETWORK = "anas"
BASE = "http://localhost:5000/id/"
MODES = ("tables", "upsert", "replace")
counter = itertools.count()


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, NETWORK)


Rows = list[list[str]]


def rows_of(data: bytes) -> Rows:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def written(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def column(rows: Rows, name: str) -> int:
    return rows[0].index(name)


def add_funding(rows: Rows, pick: int, elsewhere: str) -> None:
    projects = sorted({r[column(rows, "projet")] for r in rows[1:]})
    rows.append([f"chg-fin-{next(counter)}", projects[pick % len(projects)], "ville-de-toulouse", "2500", "EUR",
                 "Appel à projets", "", ""])


def move_funding(rows: Rows, pick: int, elsewhere: str) -> None:
    where = column(rows, "projet")
    projects = sorted({r[where] for r in rows[1:]} | {"les-incompris", "mobilite-emploi-lille"})
    row = rows[1 + pick % (len(rows) - 1)]
    row[where] = next(p for p in projects[pick % len(projects):] + projects if p != row[where])


def delete_row(rows: Rows, pick: int, elsewhere: str) -> None:
    if len(rows) > 2:
        del rows[1 + pick % (len(rows) - 1)]


def delete_partner(rows: Rows, pick: int, elsewhere: str) -> None:
    """A partner row no other table names taken out, of a partnership that keeps two partners."""
    where, who = column(rows, "partenariat"), column(rows, "partenaire")
    counts: dict[str, int] = {}
    for r in rows[1:]:
        counts[r[where]] = counts.get(r[where], 0) + 1
    spare = [i for i, r in enumerate(rows) if i and counts[r[where]] > 2
             and f"partner-role/{r[who]}" not in elsewhere]
    if spare:
        del rows[spare[pick % len(spare)]]


def retitle_project(rows: Rows, pick: int, elsewhere: str) -> None:
    row = rows[1 + pick % (len(rows) - 1)]
    row[column(rows, "titre")] = f"{row[column(rows, 'titre')]} ({next(counter)})"


def add_role(rows: Rows, pick: int, elsewhere: str) -> None:
    model = next(r for r in rows[1 + pick % (len(rows) - 1):] + rows[1:] if r[column(rows, "projet")])
    rows.append([f"chg-role-{next(counter)}", *model[1:]])


EDITS: dict[str, tuple[str, Callable[[Rows, int, str], None]]] = {
    "add a funding": ("fundings.csv", add_funding),
    "move a funding": ("fundings.csv", move_funding),
    "delete a funding": ("fundings.csv", delete_row),
    "delete a partner": ("partners.csv", delete_partner),
    "retitle a project": ("projects.csv", retitle_project),
    "add a role": ("roles.csv", add_role),
}


def edited(client: FlaskClient, edit: str, pick: int) -> tuple[dict[str, bytes], str]:
    """The network's exported sheet with one table edited, and that table's file name."""
    files = exported(client, NETWORK)
    table, change = EDITS[edit]
    name = next(n for n in files if n.rsplit("/", 1)[-1] == table)
    rows = rows_of(files[name])
    change(rows, pick, b"".join(d for n, d in files.items() if n != name).decode())
    files[name] = written(rows)
    return files, name


def subject(line: str) -> str:
    first = line.split(" ", 1)[0]
    return first[1:-1].split("#genid-")[0] if first.startswith("<") else first


def diff(before: list[str], after: list[str]) -> set[tuple[str, str]]:
    """The resources whose N-Triples differ, as (kind, IRI): added, removed or changed."""
    old: dict[str, set[str]] = {}
    new: dict[str, set[str]] = {}
    for lines, found in ((before, old), (after, new)):
        for line in lines:
            if line.strip():
                found.setdefault(subject(line), set()).add(line)
    return {("added" if s not in old else "removed" if s not in new else "changed", s)
            for s in old.keys() | new.keys() if old.get(s) != new.get(s)}


def listed(changes: dict[str, list[dict[str, str]]]) -> set[tuple[str, str]]:
    return {(kind, c["iri"]) for kind, items in changes.items() for c in items}


def publish(client: FlaskClient, token: str, files: dict[str, bytes], mode: str) -> None:
    """Send the files as a dry run then for real: both answer the change list of the write, which is its diff."""
    before = graph(client, NETWORK)
    dry = send(client, token, NETWORK, files, mode=mode, **{"dry-run": "1"})
    assert graph(client, NETWORK) == before
    answer = send(client, token, NETWORK, files, mode=mode)
    after = graph(client, NETWORK)
    assert dry["changes"] == answer["changes"], mode
    assert listed(answer["changes"]) == diff(before, after), (mode, answer["changes"])
    for kind in ("added", "changed", "removed"):
        for change in answer["changes"][kind]:
            assert set(change) == {"change", "iri", "name", "class", "emptied"} and change["change"] == kind


def test_a_funding_row_added_names_its_project(client: FlaskClient, token: str) -> None:
    files = exported(client, NETWORK)
    name = next(n for n in files if n.endswith("fundings.csv"))
    before = graph(client, NETWORK)
    data = files[name] + "autre-fin,les-incompris,ville-de-toulouse,2500,EUR,Appel à projets,,\n".encode()
    answer = send(client, token, NETWORK, {name: data}, mode="upsert")
    assert ("changed", BASE + "project/les-incompris") in listed(answer["changes"])
    assert ("added", BASE + "funding/autre-fin") in listed(answer["changes"])
    assert listed(answer["changes"]) == diff(before, graph(client, NETWORK))


def test_a_funding_moved_names_both_projects_and_not_the_funding(client: FlaskClient, token: str) -> None:
    files = exported(client, NETWORK)
    name = next(n for n in files if n.endswith("fundings.csv"))
    rows = rows_of(files[name])
    row = next(r for r in rows if r[0] == "les-incompris-departement")
    row[1] = "mobilite-emploi-lille"
    answer = send(client, token, NETWORK, {name: written(rows)}, mode="upsert")
    assert listed(answer["changes"]) == {("changed", BASE + "project/les-incompris"),
                                         ("changed", BASE + "project/mobilite-emploi-lille")}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_edit_lists_what_the_write_changes(client: FlaskClient, token: str, edit: str, mode: str) -> None:
    files, name = edited(client, edit, 1)
    publish(client, token, files if mode == "replace" else {name: files[name]}, mode)


@hypothesis_settings(max_examples=12, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 20)), min_size=1, max_size=3),
       mode=st.sampled_from(MODES))
def test_the_change_list_is_the_diff_of_the_write(client: FlaskClient, token: str,
                                                  edits: list[tuple[str, int]], mode: str) -> None:
    files = exported(client, NETWORK)
    sent: set[str] = set()
    for edit, pick in edits:
        table, change = EDITS[edit]
        name = next(n for n in files if n.rsplit("/", 1)[-1] == table)
        rows = rows_of(files[name])
        change(rows, pick, b"".join(d for n, d in files.items() if n != name).decode())
        files[name] = written(rows)
        sent.add(name)
    publish(client, token, files if mode == "replace" else {n: files[n] for n in sent}, mode)


def test_a_column_left_out_names_what_each_resource_will_lose(client: FlaskClient, token: str) -> None:
    """A table replaces its resources: a column left out empties what it held. The list said only « modifié :
    projet … », and the descriptions and start dates were gone once confirmed."""
    files = exported(client, NETWORK)
    name = next(n for n in files if n.endswith("projects.csv"))
    rows = rows_of(files[name])
    kept = [i for i, header in enumerate(rows[0]) if header not in ("description", "date_debut")]
    answer = send(client, token, NETWORK, {name: written([[row[i] for i in kept] for row in rows])},
                  **{"dry-run": "1"})
    changed = {c["iri"]: c for c in answer["changes"]["changed"]}  # type: ignore[index, union-attr]
    project = changed[BASE + "project/les-incompris"]
    assert "http://purl.org/dc/terms/description@fr" in project["emptied"]  # its English one is kept
    assert "https://w3id.org/isic/ontology#startDate" in project["emptied"]
    from isic_graph.ingest.changes import Change
    said = Change("changed", project["iri"], project["name"], "Project", tuple(project["emptied"]))
    assert "(vidé : " in said.describe("fr") and "Description (en français)" in said.describe("fr")
    assert "Date de début" in said.describe("fr") and "Start date" in said.describe("en")
