"""Editing a stored project through the form changes what was changed and nothing else: for every sample project
(Turtle and CSV networks), the network's graph after saving a one-field edit is the graph before with that field
changed (and the sheet's last-updated date); partnerships, fundings, milestones, other languages all stay. Sent back
unchanged, the form changes nothing, not even that date, and says so."""

from __future__ import annotations

import datetime
from typing import Iterator

import pytest
from flask.testing import FlaskClient
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.sheetfilled import SHEET_TABLES
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.engine import Engine
from isic_graph.store.remote import RemoteStore
from tests.support.formpage import form_values
from tests.support.isomorphism import canonical, isomorphic
from tests.support.raw import raw_update

BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
DESCRIPTION = NamedNode("http://purl.org/dc/terms/description")
MODIFIED = NamedNode("http://purl.org/dc/terms/modified")
STATEMENT = NamedNode(ISIC + "statement")
MILESTONE = NamedNode(ISIC + "milestone")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROJECT, LEARNED_FROM = ISIC + "Project", ISIC + "learnedFrom"


@pytest.fixture(scope="module")
def store(engine: Engine) -> Iterator[RemoteStore]:
    yield RemoteStore(f"{engine.url}/query", f"{engine.url}/update", None, timeout=60)


def sample_projects() -> list[tuple[str, str, str | None]]:
    """(network, project IRI, one of its lessons) of every sample project, read from the samples' files as init reads
    them (the loaded engine holds these; read here without validating them, which the engine's loading did)."""
    from isic_graph.admin.bootstrap import sample_networks
    from isic_graph.ingest.documents import Document
    from isic_graph.ingest.reading import read_batch

    found: list[tuple[str, str, str | None]] = []
    for folder in sample_networks():
        files = sorted(p for p in folder.iterdir() if p.suffix in (".ttl", ".jsonld", ".nt", ".csv"))
        triples = read_batch([Document.from_path(p) for p in files], BASE).triples
        projects = {t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object.value == PROJECT}
        for project in projects:
            lessons = [t.subject.value for t in triples if t.predicate.value == LEARNED_FROM
                       and t.object.value == project]
            found.append((folder.name, project, min(lessons) if lessons else None))
    return sorted(found, key=lambda row: row[1])


SAMPLES = sample_projects()
PROJECTS = [(n, p) for n, p, _ in SAMPLES]
LESSONS = [(n, p, lesson) for n, p, lesson in SAMPLES if lesson]


Term = NamedNode | BlankNode | Literal


def network_graph(store: RemoteStore, network: str) -> list[Triple]:
    graph_iri = Graphs(BASE).network(network)
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    assert isinstance(triples, list)
    return triples


def objects(graph: list[Triple], subject: Term, predicate: NamedNode) -> set[Term]:
    return {t.object for t in graph if t.subject == subject and t.predicate == predicate}


def about(graph: list[Triple], node: Term) -> set[Triple]:
    """The triples of the graph with the node as their subject or object."""
    return {t for t in graph if node in (t.subject, t.object)}


def without(graph: list[Triple], *pairs: tuple[Term, NamedNode]) -> list[Triple]:
    """The graph without the values of these properties the French form edits (other languages stay)."""
    return [t for t in graph if (t.subject, t.predicate) not in pairs
            or isinstance(t.object, Literal) and t.object.language not in (None, "fr")]


def sheet_of(graph: list[Triple], project: str) -> NamedNode:
    found = next(t.subject for t in graph if t.predicate == NamedNode(ISIC + "describes")
                 and t.object == NamedNode(project))
    assert isinstance(found, NamedNode)
    return found


def assert_same(before: list[Triple], after: list[Triple]) -> None:
    """The two graphs are the same but for the names of their blank nodes; what differs is named when not."""
    if not isomorphic(before, after):
        one, other = set(canonical(before)), set(canonical(after))
        raise AssertionError(f"lost {sorted(map(str, one - other))[:10]}, gained {sorted(map(str, other - one))[:10]}")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {n: credentials.add(n, n) for n in sorted({n for n, _ in PROJECTS})}


def edit_page(client: FlaskClient, project: str) -> dict[str, list[str]]:
    """The French edit form of a stored project, as its fields' values."""
    page = client.get("/sheets/edit", query_string={"project": project, "lang": "fr"})
    assert page.status_code == 200
    return form_values(page.get_data(as_text=True))


def edit_and_save(client: FlaskClient, project: str, token: str, field: str, value: str,
                  shown: dict[str, list[str]] | None = None) -> str:
    """Change one field of the project's edit form (`shown`: the form already fetched) and save it."""
    values = edit_page(client, project) if shown is None else shown
    assert field in values, sorted(values)
    values[field] = [value]
    saved = client.post("/sheets?lang=fr", data={**values, "credential": token})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 201, html[html.find('role="alert"'):][:3000]
    return html


def assert_only_changed(before: list[Triple], after: list[Triple], subject: NamedNode, path: NamedNode,
                        value: Literal, sheet: NamedNode) -> None:
    assert {o for o in objects(after, subject, path) if getattr(o, "language", None) in (None, "fr")} == {value}
    today = Literal(datetime.date.today().isoformat(), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert objects(after, sheet, MODIFIED) == {today}
    assert_same(without(before, (subject, path), (sheet, MODIFIED)), without(after, (subject, path), (sheet, MODIFIED)))


@pytest.mark.parametrize(("network", "project"), PROJECTS, ids=[p.rsplit("/", 1)[1] for _, p in PROJECTS])
def test_editing_only_the_description_changes_only_the_description(client: FlaskClient, store: RemoteStore,
                                                                   tokens: dict[str, str], network: str,
                                                                   project: str) -> None:
    before = network_graph(store, network)
    text = f"Description revue de {project.rsplit('/', 1)[1]}."
    edit_and_save(client, project, tokens[network], "project.description", text)
    after = network_graph(store, network)
    assert_only_changed(before, after, NamedNode(project), DESCRIPTION, Literal(text, language="fr"),
                        sheet_of(before, project))


@pytest.mark.parametrize(("network", "project", "lesson"), LESSONS,
                         ids=[lesson.rsplit("/", 1)[1] for *_, lesson in LESSONS])
def test_editing_only_a_lessons_statement_changes_only_that_statement(client: FlaskClient, store: RemoteStore,
                                                                      tokens: dict[str, str], network: str,
                                                                      project: str, lesson: str) -> None:
    before = network_graph(store, network)
    page = edit_page(client, project)  # the lesson's block found in the form that is then edited and saved
    index = next(k.split(".")[1] for k, v in page.items() if k.endswith(".id") and v == [lesson.rsplit("/", 1)[1]])
    edit_and_save(client, project, tokens[network], f"lesson.{index}.statement", "Un énoncé revu.", page)
    after = network_graph(store, network)
    assert_only_changed(before, after, NamedNode(lesson), STATEMENT, Literal("Un énoncé revu.", language="fr"),
                        sheet_of(before, project))


def test_milestones_are_one_a_line_or_separated_by_a_bar_and_all_kept(client: FlaskClient, store: RemoteStore,
                                                                      tokens: dict[str, str]) -> None:
    network, project = next((n, p) for n, p in PROJECTS if p.endswith("cafe-des-parents-rennes"))
    page = client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True)
    assert len(form_values(page)["project.milestone"][0].splitlines()) == 3  # the three stored, one a line
    assert "une par ligne (ou séparées par « | » ; un « | » qui fait partie d&#39;une valeur s&#39;écrit « \\| »)" \
        in page
    edit_and_save(client, project, tokens[network], "project.milestone",
                  "Premier atelier | Bilan\nRestitution aux familles\n\n")
    stored = {o.value for o in objects(network_graph(store, network), NamedNode(project), MILESTONE)}
    assert stored == {"Premier atelier", "Bilan", "Restitution aux familles"}


def save(client: FlaskClient, values: dict[str, list[str]], token: str, status: int = 201) -> None:
    """Save the form; `status`: 200 for a form sent back unchanged, which says so and writes nothing."""
    saved = client.post("/sheets?lang=fr", data={**values, "credential": token})
    html = saved.get_data(as_text=True)
    assert saved.status_code == status, html[html.find('role="alert"'):][:3000]
    assert ("Aucun changement" in html) == (status == 200)


@pytest.mark.parametrize(("network", "project"), PROJECTS, ids=[p.rsplit("/", 1)[1] for _, p in PROJECTS])
def test_a_stored_project_sent_back_unchanged_changes_nothing(client: FlaskClient, store: RemoteStore,
                                                             tokens: dict[str, str], network: str,
                                                             project: str) -> None:
    before = network_graph(store, network)
    values = form_values(client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True))
    fundings = objects(before, NamedNode(project), NamedNode(ISIC + "funding"))
    assert {v[0] for k, v in values.items() if k.startswith("funding.") and k.endswith(".id")} == \
        {f.value for f in fundings}
    # its user groups, roles, milestones, contributions, aid to families, activities and evaluations are blocks too
    linked = {o.value for name in ("userGroup", "involves", "keyMoment", "inKind", "familyAid")
              for o in objects(before, NamedNode(project), NamedNode(ISIC + name))}
    linked |= {t.subject.value for t in before if t.predicate == NamedNode(ISIC + "forProject")
               and t.object == NamedNode(project)}
    assert linked <= {v[0] for k, v in values.items() if k.split(".")[0] in SHEET_TABLES and k.endswith(".id")}
    saved = client.post("/sheets?lang=fr", data={**values, "credential": tokens[network]})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200, html[html.find('role="alert"'):][:3000]
    assert "Aucun changement" in html and "Fiche enregistrée" not in html
    assert_same(before, network_graph(store, network))  # its last-updated date too


@pytest.mark.parametrize("field", ["milestone", "trackingTool"])
def test_a_stored_value_holding_a_bar_is_sent_back_as_the_one_value_it_is(client: FlaskClient, store: RemoteStore,
                                                                           tokens: dict[str, str], field: str) -> None:
    network, project = PROJECTS[0]
    graph = Graphs(BASE).network(network)
    values_of = f'<{project}> <{ISIC}{field}> "Étape 1 | suite"@fr, "barre \\\\| écrite"@fr, "fin \\\\"@fr .'
    # through the server's store: the form's pages are kept until a write (/update writes no network's graph)
    raw_update(client.application, f"INSERT DATA {{ GRAPH <{graph}> {{ {values_of} }} }}")
    before = network_graph(store, network)
    values = form_values(client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True))
    save(client, {k: [v.replace("\n", "\r\n") for v in vs] for k, vs in values.items()},  # as a browser sends a box
         tokens[network], status=200)
    after = network_graph(store, network)
    assert {o.value for o in objects(after, NamedNode(project), NamedNode(ISIC + field))} >= \
        {"Étape 1 | suite", "barre \\| écrite", "fin \\"}
    assert_same(before, after)


@pytest.mark.parametrize("text", ["Ligne un.\nLigne deux.", "Premier paragraphe.\n\nSecond paragraphe.\n- point"])
def test_a_text_of_several_lines_sent_back_by_a_browser_unchanged_changes_nothing(
        client: FlaskClient, store: RemoteStore, tokens: dict[str, str], text: str) -> None:
    network, project = PROJECTS[-1]
    edit_and_save(client, project, tokens[network], "project.description", text)  # stored with its line ends
    before = network_graph(store, network)
    values = form_values(client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True))
    assert values["project.description"] == [text]
    save(client, {k: [v.replace("\n", "\r\n") for v in vs] for k, vs in values.items()},  # as a browser sends a box
         tokens[network], status=200)
    after = network_graph(store, network)
    assert {o.value for o in objects(after, NamedNode(project), DESCRIPTION)
            if getattr(o, "language", None) == "fr"} == {text}
    assert_same(before, after)


def test_the_form_shows_a_projects_partners_and_fundings_and_changes_or_removes_them(
        client: FlaskClient, store: RemoteStore, tokens: dict[str, str]) -> None:
    project = BASE + "id/project/cafe-des-parents-rennes"
    funding, other = BASE + "id/funding/cdp-caf", BASE + "id/funding/cdp-ville"
    page = client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True)
    values = form_values(page)
    blocks = {k.split(".")[1]: v[0] for k, v in values.items() if k.startswith("funding.") and k.endswith(".id")}
    assert set(blocks.values()) == {funding, other}
    caf = next(i for i, iri in blocks.items() if iri == funding)
    assert values[f"funding.{caf}.amount"] == ["3500"] and "3500" in page
    partners = {k.split(".")[1]: v[0] for k, v in values.items() if k.startswith("partner.") and k.endswith(".id")}
    assert len(partners) == 3 and all(values[f"partner.{i}.partnership"] == [BASE + "id/partnership/cdp-partenariat"]
                                      for i in partners)
    gone_partner = sorted(partners)[0]
    before = network_graph(store, "action-sociale-35")
    values[f"funding.{caf}.amount"] = ["4 200,50"]
    for key in [k for k in values if k.startswith(f"partner.{gone_partner}.") and k.rsplit(".", 1)[1] not in
                ("id", "partnership")]:
        values[key] = [""]
    save(client, values, tokens["action-sociale-35"])
    after = network_graph(store, "action-sociale-35")
    assert {o.value for o in objects(after, NamedNode(funding), NamedNode(ISIC + "amount"))} == {"4200.5"}
    assert {o.value for o in objects(after, NamedNode(other), NamedNode(ISIC + "amount"))} == {"1500"}
    assert not about(after, NamedNode(partners[gone_partner]))
    kept: set[Term] = {NamedNode(partners[i]) for i in sorted(partners)[1:]}
    assert objects(after, NamedNode(BASE + "id/partnership/cdp-partenariat"), NamedNode(ISIC + "partner")) == kept
    assert all({t for t in after if t.subject == k} == {t for t in before if t.subject == k} for k in kept)

    values = form_values(client.get("/sheets/edit", query_string={"project": project}).get_data(as_text=True))
    for key in [k for k in values if k.startswith("funding.") and not k.endswith(".id")]:
        values[key] = [""]
    save(client, values, tokens["action-sociale-35"])
    after = network_graph(store, "action-sociale-35")
    assert not objects(after, NamedNode(project), NamedNode(ISIC + "funding"))
    assert not any(t.subject in (NamedNode(funding), NamedNode(other)) for t in after)
