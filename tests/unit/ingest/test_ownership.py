"""A network describes only what it owns: through every way in (API, graph store, form, CSV), whatever the
spelling of the IRI; references to another's resource that repeat its identity are accepted."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from isic_graph.admin.bootstrap import sample_networks
from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.errors import UsageError
from isic_graph.ingest import ownership, settling
from isic_graph.ingest.ownercheck import misspelt_as_ours, twin_key
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.web.services import services
from tests.conftest import ADMIN, bearer
from tests.unit import test_cli
from tests.unit.test_cli import environment

BASE = "http://localhost:5000/"
PROJECT = BASE + "id/project/les-incompris"
PREFIXES = """@prefix dcterms: <http://purl.org/dc/terms/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix isic: <https://w3id.org/isic/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix level: <https://w3id.org/isic/thesaurus/territory-level/> .
"""
THEME = "https://w3id.org/isic/thesaurus/theme/"
# a class and its required fields: a subject a network describes is given them (it replaces the stored description)
ORGANISATION = "a isic:Organisation ; isic:actorType <https://w3id.org/isic/thesaurus/actor-type/association> ;"
cli = test_cli.cli  # the fixture: the commands, on a copy of the store `init` made once


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in ("attacker", "anas", "fcsf", "action-sociale-35", "first")}


def post(client: FlaskClient, token: str, network: str, turtle: str, mode: str = "upsert") -> TestResponse:
    return client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode}, data=PREFIXES + turtle,
                       content_type="text/turtle", headers=bearer(token))


def refused(answer: TestResponse, subject: str, owner: str = "anas") -> dict[str, Any]:
    assert answer.status_code == 422, answer.get_data(as_text=True)
    problem = answer.get_json()
    assert problem["code"] == "not-owner" and problem["subject"] == subject
    assert problem["owner"] == BASE + f"id/network/{owner}" and f'network "{owner}"' in problem["detail"]
    return problem  # type: ignore[no-any-return]


PROJECT_ROW = "les-incompris,attacker,2024-01-01,PWNED,Réécrit.,,,non,2024-01-01,,ongoing,housing,,ccas-roubaix,,"
LESSON_ROW = "pwned-lesson,les-incompris,obstacle,start-up,action,PWNED,,,,,,"
SAMPLES = sample_networks()[0].parent


def csv_file(name: str, row: str) -> tuple[io.BytesIO, str]:
    """A sheet's table with the header of the sample's, and one row (row 2)."""
    header = (SAMPLES / "action-sociale-35" / name).read_text(encoding="utf-8").splitlines()[0]
    return io.BytesIO(f"{header}\n{row}\n".encode()), name


def titles(client: FlaskClient) -> str:
    return client.get("/id/project/les-incompris", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_a_network_cannot_retitle_another_networks_project_through_the_api(client: FlaskClient,
                                                                          tokens: dict[str, str]) -> None:
    answer = post(client, tokens["attacker"], "attacker", f'<{PROJECT}> dcterms:title "PWNED"@fr .', "replace")
    problem = refused(answer, PROJECT)
    assert 'its "Title" (dcterms:title)' in problem["detail"] and "nothing was stored" in problem["detail"]
    assert "PWNED" not in titles(client)


@pytest.mark.parametrize("spelling", [
    "HTTP://localhost:5000/id/project/les-incompris",
    "http://LOCALHOST:5000/id/project/les-incompris",
    "http://localhost:5000//id/project/les-incompris",
    "http://localhost:5000/id/./project/les-incompris",
    "http://localhost:5000/id/project/x/../les-incompris",
    "http://localhost:5000/id/project/%6Ces-incompris",
    "http://localhost:5000/id%2Fproject%2Fles-incompris",
    "http://localhost:5000/id/project/les-incompris/",
    "http://localhost:5000/id/project/LES-INCOMPRIS",
    "http://localhost:5000/id/project/les-incompris#genid-0123456789abcdef",
    "http://localhost:5000/id/project/les-incompris#title",
    "http://anas@localhost:5000/id/project/les-incompris",
    "http://localhost:05000/id/project/les-incompris",
    "http://localhost:5000/id/project/les-incompris.",
    "http://localhost:5000/id/project/les-incompris%20",
    "http://localhost:5000/id/project/les-incompris;x",
    "http://localhost:5000/id/project/les-incompris?x=1",
    "http://localhost:5000/id/network/anas.",
    "http://localhost:5000/id/lesson/cdp-elus-invites?",
    "http://l%6Fcalhost:5000/id/project/les-incompris",  # a percent-escape in the host
    "http://localhost%3A5000/id/project/les-incompris",
    "http://\uff4cocalhost:5000/id/project/les-incompris",  # a full-width l: the host a browser reaches (IDNA)
    "http://loc\u00adalhost:5000/id/project/les-incompris",  # a soft hyphen in the host
    "http://local\u200bhost:5000/id/project/les-incompris",  # a zero-width space in the host
    "http://\u24dbocalhost:5000/id/project/les-incompris",  # a circled l
    "http://localhost\u3002:5000/id/project/les-incompris",  # an ideographic full stop ending the host
    "http://localhost:99999/id/project/les-incompris#x",  # a port no URL library reads: another resource, accepted
])
def test_look_alike_spellings_of_another_networks_subject_are_refused(client: FlaskClient, tokens: dict[str, str],
                                                                       spelling: str) -> None:
    answer = post(client, tokens["attacker"], "attacker", f'<{spelling}> dcterms:title "PWNED"@fr .')
    if ":99999" in spelling:  # not this instance's host: the attacker's own IRI (refused for its missing class
        # only, the project's as a whole), never shown as anas's project
        assert answer.status_code in (200, 201, 422) and "PWNED" not in titles(client)
        assert answer.status_code != 422 or answer.get_json()["code"] == "validation-failed"
        return
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)
    assert spelling in answer.get_json()["detail"] or PROJECT in answer.get_json()["detail"]
    assert "PWNED" not in titles(client)


@pytest.mark.parametrize("turtle", [
    f'<{PROJECT}> isic:milestone [ rdfs:label "PWNED" ] .',  # a blank node hung from another's subject
    f'[] owl:sameAs <{PROJECT}> ; dcterms:title "PWNED"@fr .',  # an anonymous twin of another's subject
    f'<{BASE}id/project/my-copy> owl:sameAs <{PROJECT}> ; dcterms:title "PWNED"@fr .',  # an identity link
    f'<{BASE}id/sheet/pwned> a isic:CollectionSheet ; isic:describes <{PROJECT}> ; '
    f'prov:wasAttributedTo <{BASE}id/network/attacker> ; dcterms:created "2024-01-01"^^xsd:date .',  # a sheet
    f'<{BASE}id/lesson/pwned> isic:learnedFrom <{PROJECT}> .',  # a lesson attached to another's project
])
def test_attaching_to_another_networks_subject_is_refused(client: FlaskClient, tokens: dict[str, str],
                                                          turtle: str) -> None:
    refused(post(client, tokens["attacker"], "attacker", turtle), PROJECT)
    assert "PWNED" not in titles(client) and "id/sheet/pwned" not in titles(client)


def test_relabelling_another_network_is_refused_even_before_it_publishes(client: FlaskClient,
                                                                        tokens: dict[str, str]) -> None:
    refused(post(client, tokens["attacker"], "attacker", f'<{BASE}id/network/anas> rdfs:label "PWNED"@fr .'),
            BASE + "id/network/anas")
    refused(post(client, tokens["attacker"], "attacker", f'<{BASE}id/network/newcomer> rdfs:label "PWNED" .'),
            BASE + "id/network/newcomer", "newcomer")
    assert "PWNED" not in client.get("/maps").get_data(as_text=True)


@pytest.mark.parametrize("subject", ["graph/network/anas", "catalog", "catalog#network-anas", "dumps/anas.ttl"])
def test_the_instances_own_iris_outside_id_are_its_own(client: FlaskClient, tokens: dict[str, str],
                                                       subject: str) -> None:
    answer = post(client, tokens["attacker"], "attacker", f'<{BASE}{subject}> dcterms:title "PWNED" .')
    assert answer.status_code == 422 and answer.get_json()["owner"] == BASE


def test_linking_to_another_networks_resources_is_what_linked_data_is_for(client: FlaskClient,
                                                                          tokens: dict[str, str]) -> None:
    """Objects do not count: a network's own resource may point to another's (it shows as an incoming link)."""
    answer = post(client, tokens["attacker"], "attacker",
                  f'<{BASE}id/organisation/attacker-friend> {ORGANISATION} rdfs:label "Friend" ; '
                  f'rdfs:seeAlso <{PROJECT}> .')
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)


def test_the_same_as_an_outside_resource_claims_nothing(client: FlaskClient, tokens: dict[str, str]) -> None:
    wikidata = "http://www.wikidata.org/entity/Q647"
    for network in ("attacker", "first"):
        answer = post(client, tokens[network], network, f'<{BASE}id/organisation/{network}-rennes> {ORGANISATION} '
                                                        f'rdfs:label "Rennes" ; owl:sameAs <{wikidata}> .')
        assert answer.status_code in (200, 201), answer.get_data(as_text=True)


def test_rows_that_repeat_a_known_resources_identity_are_references(client: FlaskClient,
                                                                   tokens: dict[str, str]) -> None:
    rennes = BASE + "id/territory/commune/35238"
    same = (f'<{rennes}> a isic:Territory ; rdfs:label "Rennes"@fr ; isic:inseeCode "35238" ; '
            f"isic:territoryLevel level:commune ; isic:within <{BASE}id/territory/departement/35> .")
    assert post(client, tokens["attacker"], "attacker", same).status_code in (200, 201)
    refused(post(client, tokens["attacker"], "attacker", f'<{rennes}> rdfs:label "Rennes" .'), rennes)  # no tag
    refused(post(client, tokens["attacker"], "attacker", f'<{rennes}> rdfs:label "Rennes-sur-Mer"@fr .'), rennes)
    refused(post(client, tokens["attacker"], "attacker", f'<{rennes}> isic:inseeCode "35999" .'), rennes)
    refused(post(client, tokens["attacker"], "attacker", f'<{rennes}> rdfs:comment "a note" .'), rennes)


@pytest.mark.live  # a dry run's process
def test_a_dry_run_as_a_network_reports_what_it_does_not_own(client: FlaskClient, tokens: dict[str, str]) -> None:
    body = f'<{PROJECT}> <http://purl.org/dc/terms/title> "PWNED"@fr .'
    credential = {"Authorization": f"Bearer {tokens['attacker']}"}
    answer = client.post("/api/validate", query_string={"network": "attacker"}, data=body,
                         content_type="text/turtle", headers=credential)
    refused(answer, PROJECT)
    unnamed = client.post("/api/validate", data=body, content_type="text/turtle", headers=credential)
    refused(unnamed, PROJECT)  # no network named: the token's, as its sheets would be sent


def test_the_form_cannot_save_a_sheet_for_another_networks_project(client: FlaskClient,
                                                                  tokens: dict[str, str]) -> None:
    form = {"project.id": "les-incompris", "project.title": "PWNED", "credential": tokens["attacker"],
            "project.description": "Réécrit.", "project.theme": THEME + "housing",
            "project.carriedBy": BASE + "id/organisation/ccas-roubaix", "project.startDate": "2024-03-01"}
    answer = client.post("/sheets?lang=en", data=form)
    assert answer.status_code == 422
    assert PROJECT in answer.get_data(as_text=True) and "anas" in answer.get_data(as_text=True)
    assert "PWNED" not in titles(client)


def test_a_csv_upload_naming_another_networks_project_is_refused_with_its_row(client: FlaskClient,
                                                                             tokens: dict[str, str]) -> None:
    answer = client.post("/sheets/csv?lang=en", data={"credential": tokens["attacker"],
                                                      "files": csv_file("projects.csv", PROJECT_ROW)},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422, page
    assert "<td>projects.csv</td><td>2</td>" in page  # the project's row; its sheet or itself is named
    assert ("/les-incompris&gt; (&#34;Les Incompris : l&#39;audace d&#39;oser&#34;) belongs to network "
            "&#34;anas&#34;") in page
    assert "PWNED" not in titles(client)


def test_a_csv_lesson_learned_from_another_networks_project_is_refused(client: FlaskClient,
                                                                     tokens: dict[str, str]) -> None:
    answer = client.post("/api/networks/attacker/sheets", data={"lessons.csv": csv_file("lessons.csv", LESSON_ROW)},
                         content_type="multipart/form-data", headers=bearer(tokens["attacker"]))
    problem = refused(answer, PROJECT)
    assert problem["row"] == "lessons.csv, row 2"
    # the link by the lesson's column for it, in the page's words
    assert f'may not link <{BASE}id/lesson/' in problem["detail"] and 'to it by "' in problem["detail"]
    assert "(isic:learnedFrom)" in problem["detail"]


def test_a_json_ld_submission_is_held_to_the_same_rule(client: FlaskClient, tokens: dict[str, str]) -> None:
    document = {"@context": {"title": "http://purl.org/dc/terms/title"}, "@id": PROJECT, "title": "PWNED"}
    answer = client.post("/api/networks/attacker/sheets", json=document, content_type="application/ld+json",
                         headers=bearer(tokens["attacker"]))
    refused(answer, PROJECT)


def test_the_graph_store_refuses_another_networks_subject(client: FlaskClient, tokens: dict[str, str]) -> None:
    for method in (client.put, client.post):
        answer = method("/graph-store", query_string={"graph": BASE + "graph/network/attacker"},
                        data=f'<{PROJECT}> <http://purl.org/dc/terms/title> "PWNED"@fr .',
                        content_type="application/n-triples", headers=bearer(tokens["attacker"]))
        refused(answer, PROJECT)
    assert "PWNED" not in titles(client)


def test_ownership_outlives_retraction(client: FlaskClient, tokens: dict[str, str]) -> None:
    thing = BASE + "id/organisation/first-thing"
    assert post(client, tokens["first"], "first", f'<{thing}> {ORGANISATION} rdfs:label "First" .'
                ).status_code in (200, 201)
    deleted = client.delete("/graph-store", query_string={"graph": BASE + "graph/network/first"},
                            headers=bearer(tokens["first"]))
    assert deleted.status_code == 204
    refused(post(client, tokens["attacker"], "attacker", f'<{thing}> rdfs:label "Mine now" .'), thing, "first")


def test_reference_data_makes_the_instance_the_owner(client: FlaskClient, tokens: dict[str, str]) -> None:
    quartier = BASE + "id/territory/quartier/maurepas"
    first = post(client, tokens["first"], "first", f'<{quartier}> a isic:Territory ; rdfs:label "Maurepas" ; '
                 'isic:territoryLevel level:neighbourhood .')
    assert first.status_code in (200, 201), first.get_data(as_text=True)
    loaded = client.put("/graph-store", query_string={"graph": "http://example.org/graph/quartiers"},
                        data=f'<{quartier}> <http://www.w3.org/2000/01/rdf-schema#label> "Maurepas"@fr .',
                        content_type="application/n-triples", headers=bearer(ADMIN))
    assert loaded.status_code in (201, 204)
    answer = post(client, tokens["first"], "first", f'<{quartier}> rdfs:comment "ours?" .')
    assert answer.status_code == 422 and answer.get_json()["owner"] == BASE
    assert post(client, tokens["first"], "first", f'<{quartier}> rdfs:label "Maurepas"@fr .').status_code in (200, 201)


@pytest.mark.parametrize("method", ["put", "post"])
@pytest.mark.parametrize("graph", ["http://example.org/graph/quartiers", "default"])
def test_the_administrators_reference_data_about_a_networks_project_is_refused_whole(
        app: Flask, client: FlaskClient, method: str, graph: str) -> None:
    """Reference data describes territories and the instance's own resources: a Graph Store write to a graph of
    reference data (or to the default graph's own) saying something about a network's project writes nothing."""
    store, graphs = services(app).store, services(app).graphs
    target = graphs.default_own if graph == "default" else graph
    before = store.graph_triples(target), store.graph_triples(graphs.ownership)
    answer = getattr(client, method)(
        "/graph-store", query_string={"default": ""} if graph == "default" else {"graph": graph},
        data=f'<{BASE}id/organisation/annuaire> <http://purl.org/dc/terms/title> "Annuaire"@fr .\n'
             f'<{PROJECT}> <http://purl.org/dc/terms/title> "PWNED"@fr .\n',
        content_type="application/n-triples", headers=bearer(ADMIN))
    refused(answer, PROJECT)
    assert (store.graph_triples(target), store.graph_triples(graphs.ownership)) == before
    assert store.query('ASK { ?s ?p "PWNED"@fr }') is False
    assert ownership.owner_of(store, graphs, PROJECT) == ownership.network(graphs, "anas")


def test_the_owner_is_shown_on_the_resource_page(client: FlaskClient) -> None:
    page = titles(client)
    owner = page.split('id="provenance"', 1)[1]
    assert ('<a href="/id/network/anas">Association nationale des assistants de service social</a>' in owner
            and "owner" in client.get(
        "/id/project/les-incompris?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True))


@pytest.mark.parametrize("folder", sample_networks(), ids=lambda p: p.name)
def test_each_sample_network_published_again_unchanged_raises_no_conflict(client: FlaskClient,
                                                                         tokens: dict[str, str],
                                                                         folder: Path) -> None:
    files = {p.name: (io.BytesIO(p.read_bytes()), p.name) for p in sorted(folder.iterdir())
             if p.suffix in (".ttl", ".csv")}
    answer = client.post(f"/api/networks/{folder.name}/sheets", query_string={"mode": "replace"}, data=files,
                         content_type="multipart/form-data", headers=bearer(tokens[folder.name]))
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)


def test_a_store_written_before_owners_gets_them_and_the_administrator_settles_the_rest(settings: Settings,
                                                                                       tmp_path: Path) -> None:
    """Migration at first start (here `init`): a subject typed in one network graph is that network's; one
    typed in several, each stating more than its identity, is listed by `owner conflicts` until transferred."""
    old = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX isic: <https://w3id.org/isic/ontology#>
        INSERT DATA {{ GRAPH <{BASE}graph/network/north> {{ <{BASE}id/organisation/solo> a isic:Organisation ;
            rdfs:label "Solo" . <{BASE}id/organisation/shared> a isic:Organisation ; rdfs:comment "north's" }}
        GRAPH <{BASE}graph/network/south> {{ <{BASE}id/organisation/shared> a isic:Organisation ;
            rdfs:comment "south's" }} }}"""
    with open_store(settings, create=True) as store:
        store.update(old)
    runner, env = CliRunner(), environment(settings)

    def cli(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    try:
        assert cli("init").exit_code == 0
        solo = cli("owner", "show", f"{BASE}id/organisation/solo")
        assert solo.exit_code == 0 and 'network "north"' in solo.output and "ownership-migration" in solo.output
        assert cli("owner", "show", f"{BASE}id/organisation/shared").exit_code == 1
        listed = cli("owner", "conflicts")
        assert listed.exit_code == 1 and f"<{BASE}id/organisation/shared>\tnorth, south\towner: none" in listed.output
        moved = cli("owner", "transfer", f"{BASE}id/organisation/shared", "south")
        assert moved.exit_code == 0 and 'nobody -> network "south"' in moved.output
        shown = cli("owner", "show", f"{BASE}id/organisation/shared")
        assert 'network "south"' in shown.output and "ownership-transfer" in shown.output
        assert "owner: network \"south\"" in cli("owner", "conflicts").output  # north's graph still says more
        with open_store(settings, create=True) as store:  # the data of both is kept meanwhile
            assert store.query(f'ASK {{ GRAPH <{BASE}graph/network/north> {{ ?s ?p "north\'s" }} }}') is True
        attack = tmp_path / "attack.ttl"
        attack.write_text(f'<{BASE}id/organisation/solo> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .\n')
        checked = cli("validate", str(attack), "--network", "south")
        assert checked.exit_code == 1 and 'belongs to network "north"' in checked.output
        env["ISIC_PEERS"] = str(tmp_path / "peers.json")
        added = cli("peer", "add", "far", "--sparql", "http://127.0.0.1:9/sparql", "--dumps", "http://127.0.0.1:9/d/",
                    "--allow-private", "--uri-space", "https://far.example.org/id/")
        assert added.exit_code == 0, added.output
        attack.write_text('<https://far.example.org/id/project/p> <http://www.w3.org/2000/01/rdf-schema#label> "Mine" '
                          '.\n')
        taken = cli("ingest", str(attack), "--network", "south")  # the peer owns its space before any harvest
        assert taken.exit_code == 1 and 'belongs to peer "far"' in taken.output
        refused = cli("owner", "transfer", f"{BASE}id/network/north", "south")
        assert refused.exit_code == 1 and "always owns it" in refused.output
        reference = tmp_path / "reference.ttl"
        reference.write_text(f'<{BASE}id/organisation/solo> <http://www.w3.org/2000/01/rdf-schema#label> "Solo" .\n')
        loaded = cli("load", str(reference), "--graph", "https://example.org/graph/reference")  # north's, not ours
        assert loaded.exit_code == 1 and f"<{BASE}id/organisation/solo>" in loaded.output \
            and 'belongs to network "north"' in loaded.output and "nothing was stored" in loaded.output
        assert 'network "north"' in cli("owner", "show", f"{BASE}id/organisation/solo").output
        with open_store(settings, create=True) as store:
            assert store.query("ASK { GRAPH <https://example.org/graph/reference> { ?s ?p ?o } }") is False
    finally:
        with open_store(settings, create=True) as store:
            store.update("DROP ALL")


def test_the_samples_leave_nothing_to_settle(sample_store: Store, graphs: Graphs) -> None:
    assert settling.conflicts(sample_store, graphs) == []
    rennes = ownership.record_of(sample_store, graphs, BASE + "id/territory/commune/35238")
    assert rennes is not None and rennes.owner == ownership.network(graphs, "anas") and rennes.activity


@pytest.mark.parametrize("subject", [
    BASE + "id/ingestion/20240101T000000000000Z-0123456789ab",
    BASE + "id/ownership/0123456789abcdef0123456789abcdef",
    BASE + "id/harvest/south/anas/20240101T000000000000Z",
    BASE + "id/load/20240101T000000000000Z",
    BASE + "id/peer/south",
    "ni:///sha-256;0123456789abcdef",
])
def test_the_instances_records_cannot_be_described_by_a_network(client: FlaskClient, tokens: dict[str, str],
                                                                 subject: str) -> None:
    """Provenance and ownership records are the instance's: a network forging them is refused."""
    answer = post(client, tokens["attacker"], "attacker", f'<{subject}> dcterms:title "forged by attacker"@fr ; '
                                                          f'prov:wasAttributedTo <{BASE}id/network/attacker> .')
    assert answer.status_code == 422 and answer.get_json()["code"] == "not-owner", answer.get_data(as_text=True)


@pytest.mark.parametrize("link", ["http://schema.org/sameAs", "https://schema.org/sameAs",
                                  "http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#closeMatch"])
def test_an_identity_link_to_another_networks_subject_is_refused_in_either_schema_org_scheme(
        client: FlaskClient, tokens: dict[str, str], link: str) -> None:
    """schema.org's terms have one spelling here, the ontology's (https): the other is refused as a look-alike."""
    answer = post(client, tokens["attacker"], "attacker", f'<{BASE}id/project/att-x> <{link}> <{PROJECT}> .')
    if link.startswith("http://schema.org/"):
        assert answer.status_code == 422 and answer.get_json()["canonical"] == "https://schema.org/sameAs"
    else:
        refused(answer, PROJECT)


NETWORK_SPELLINGS = [BASE + "id/network/anas", "HTTP://LOCALHOST:5000/id/network/anas",
                     "http://localhost:5000//id/network/anas", BASE + "%69d/network/anas", BASE + "id/network/anas/",
                     BASE + "id/network/./anas", BASE + "id/network/anas#it"]


@pytest.mark.parametrize("method", ["put", "post"])
@pytest.mark.parametrize("spelling", NETWORK_SPELLINGS)
def test_reference_data_naming_a_network_is_refused_and_leaves_it_that_networks(
        app: Flask, client: FlaskClient, tokens: dict[str, str], spelling: str, method: str) -> None:
    """The administrator's reference data may not describe a network's own IRI, which the network alone describes:
    refused whole (not-owner, naming the network), the IRI stays the network's, and the network publishes its own
    description again as before."""
    directory = BASE + "id/organisation/annuaire-des-reseaux"
    written = getattr(client, method)(
        "/graph-store", query_string={"graph": "http://example.org/graph/networks-directory"},
        data=f'<{spelling}> <http://www.w3.org/2000/01/rdf-schema#comment> "listed in the directory" .\n'
             f'<{directory}> <http://www.w3.org/2000/01/rdf-schema#label> "Annuaire" .\n',
        content_type="application/n-triples", headers=bearer(ADMIN))
    assert written.status_code == 422, written.get_data(as_text=True)
    assert written.json is not None and written.json["code"] == "not-owner"
    assert 'network "anas"' in written.json["detail"]
    store = services(app).store
    graphs = services(app).graphs
    assert ownership.owner_of(store, graphs, BASE + "id/network/anas") == ownership.network(graphs, "anas")
    assert ownership.owner_of(store, graphs, directory) is None  # nothing was written
    folder = SAMPLES / "anas"
    files = {p.name: (io.BytesIO(p.read_bytes()), p.name) for p in sorted(folder.iterdir()) if p.suffix == ".ttl"}
    again = client.post("/api/networks/anas/sheets", query_string={"mode": "replace"}, data=files,
                        content_type="multipart/form-data", headers=bearer(tokens["anas"]))
    assert again.status_code in (200, 201), again.get_data(as_text=True)
    refused(post(client, tokens["attacker"], "attacker", f'<{BASE}id/network/anas> rdfs:label "PWNED"@fr .'),
            BASE + "id/network/anas")


def test_a_record_that_gave_a_network_iri_to_the_instance_no_longer_counts(app: Flask) -> None:
    """A store where reference data took a network's IRI before this was kept from it: the network owns it."""
    store, graphs = services(app).store, services(app).graphs
    store.update(ownership.claim_update(graphs, ownership.instance(graphs), [BASE + "id/network/fcsf"],
                                        BASE + "id/load/20240101T000000000000Z", replace=True))
    assert ownership.owner_of(store, graphs, BASE + "id/network/fcsf") == ownership.network(graphs, "fcsf")


@pytest.mark.parametrize("spelling", ["id/network/north", "id/network/north/", "%69d/network/north"])
def test_loading_reference_data_about_a_network_from_the_command_line_is_refused_and_leaves_it_the_networks(
        cli, tmp_path: Path, spelling: str) -> None:  # type: ignore[no-untyped-def]
    reference = tmp_path / "reference.ttl"  # the commands on a store as `init` leaves it (test_cli's fixture)
    reference.write_text(f'<{BASE}{spelling}> <http://www.w3.org/2000/01/rdf-schema#comment> "Listed" .\n'
                         f'<{BASE}id/organisation/listed> <http://www.w3.org/2000/01/rdf-schema#label> "L" .\n')
    loaded = cli("load", str(reference), "--graph", "https://example.org/graph/directory")
    assert loaded.exit_code == 1, loaded.output  # refused whole: the network alone describes its own IRI
    assert 'belongs to network "north"' in loaded.output
    assert 'network "north"' in cli("owner", "show", f"{BASE}id/network/north").output
    assert "this instance" not in cli("owner", "show", f"{BASE}id/organisation/listed").output
    own = tmp_path / "north.ttl"
    own.write_text(f"""@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{BASE}id/network/north> a isic:Network ; rdfs:label "Réseau du Nord"@fr ; foaf:homepage <https://north.example/> .
""")
    ingested = cli("ingest", str(own), "--network", "north")
    assert ingested.exit_code == 0, ingested.output


def test_another_networks_evaluation_of_a_project_is_shown_on_its_page_as_that_networks(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    """A network may point its own evaluation at another's project (a link, which linked data is for), but the project's
    page then says whose words they are: it is not the project's own evaluation."""
    header = ("evaluation,projet,avec,intitule,type_de_temps_de_capitalisation,date,critere_d_evaluation,constats,"
              "effet,intitule_en,critere_d_evaluation_en,constats_en")
    row = "evil-eval,les-incompris,,EVALUATION PIRATE,,2020-01-01,,Le projet a échoué (AVIS PIRATE),,,,"
    network = "reseau,nom,site_web\nattacker,Attacker net,\n"
    answer = client.post("/api/networks/attacker/sheets?mode=upsert",
                         data={"network.csv": (io.BytesIO(network.encode()), "network.csv"),
                               "evaluations.csv": (io.BytesIO(f"{header}\n{row}\n".encode()), "evaluations.csv")},
                         content_type="multipart/form-data", headers=bearer(tokens["attacker"]))
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)
    for lang, said in (("fr", "publié par le réseau « attacker »"), ("en", 'published by network "attacker"')):
        page = client.get(f"/id/project/les-incompris?lang={lang}", headers={"Accept": "text/html"})
        text = html.unescape(page.get_data(as_text=True))
        assert "EVALUATION PIRATE" in text and said in text
        # anas's own words about its own project carry no such note
        assert "publié par le réseau « anas »" not in text and 'published by network "anas"' not in text


def test_a_base_with_a_path_keeps_its_rules_under_its_own_id_folder() -> None:
    """`key` takes the closing `/` off a base with a path (`https://example.org/isic/`): the rules that read
    `{base}id/` (a network's own IRI, twins, look-alikes, the instance's records) read it under that base."""
    base = "https://example.org/isic/"
    graphs = Graphs(base)
    assert ownership.names_a_network(graphs, base + "id/network/anas")
    assert not ownership.names_a_network(graphs, "https://example.org/isicid/network/anas")
    assert twin_key(graphs, base + "id/organisation/Org__W") == twin_key(graphs, base + "id/organisation/org-w")
    assert misspelt_as_ours(graphs, base + "ID/organisation/org-w")
    assert not misspelt_as_ours(graphs, base + "id/organisation/org-w")
    with EmbeddedStore(None) as store:
        found = ownership.owners(store, graphs, [base + "id/network/anas", base + "id/ownership/0123",
                                                 base + "catalog"])
    assert found[base + "id/network/anas"] == ownership.network(graphs, "anas")
    assert found[base + "id/ownership/0123"] == found[base + "catalog"] == ownership.instance(graphs)


def test_a_transfer_from_a_network_still_describing_the_resource_is_refused_and_changes_nothing(app: Flask) -> None:
    """anas's project given to fcsf while anas's graph describes it (and its sheet and lessons are attached to it):
    nobody could publish that description, anas could not send its own sheets again, and the store's backup would
    not restore. Refused, naming the way out; a transfer to the owner it has, or to no network, is refused too."""
    store, graphs = services(app).store, services(app).graphs
    project = f"{BASE}id/project/les-incompris"

    def transfers() -> int:
        rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graphs.ownership}> {{ ?a ?p ?o }} "
                            f'FILTER(CONTAINS(STR(?a), "ownership-transfer")) }}').rows
        return int(rows[0]["n"].value)

    before = transfers()
    with pytest.raises(UsageError, match="still describes") as refused:
        settling.transfer(store, graphs, project, ownership.network(graphs, "fcsf"), ["fcsf"])
    assert "isic-graph retract" in str(refused.value) and "rien n'a été changé" in str(refused.value.fr)
    for spelling in (project.replace("http:", "https:"), project.replace("/id/", "/ID/"), project + "%20"):
        with pytest.raises(UsageError, match="not written as this instance's IRIs are"):  # look-alikes, never taken
            settling.transfer(store, graphs, spelling, ownership.network(graphs, "fcsf"), ["fcsf"])
    with pytest.raises(UsageError, match="already"):
        settling.transfer(store, graphs, project, ownership.network(graphs, "anas"), ["anas"])
    with pytest.raises(UsageError, match="no network 'nosuchnet'"):
        settling.transfer(store, graphs, project, ownership.network(graphs, "nosuchnet"), ["anas", "fcsf"])
    assert ownership.owner_of(store, graphs, project) == ownership.network(graphs, "anas")
    assert transfers() == before
    quiet = f"{BASE}id/organisation/held-by-anas-alone"  # owned by anas, described nowhere
    store.update(ownership.claim_update(graphs, ownership.network(graphs, "anas"), [quiet],
                                        f"{BASE}id/ingestion/20240101T000000000000Z"))
    assert settling.transfer(store, graphs, quiet, ownership.network(graphs, "fcsf"), ["fcsf"]) \
        == ownership.network(graphs, "anas")
    assert ownership.owner_of(store, graphs, quiet) == ownership.network(graphs, "fcsf")
    assert transfers() > before


@pytest.mark.parametrize(("published", "spelling"), [
    ("http://example.org/org/scheme-1", "https://example.org/org/scheme-1"),
    ("http://example.org/org/scheme-2", "HTTPS://Example.org:443/org/scheme-2"),
    ("http://example.org/org/scheme-3", "https://example.org:443/org/scheme-3/"),
    ("https://example.org/org/scheme-4", "http://example.org/org/scheme-4"),
    ("https://example.org/org/scheme-5", "http://example.org:80/org/scheme-5"),
])
def test_another_scheme_of_a_networks_iri_is_that_networks(client: FlaskClient, tokens: dict[str, str],
                                                           published: str, spelling: str) -> None:
    """`https://h/x` and `http://h/x` name the same page to a reader: a network publishing one owns both, whatever the
    way in of the other's write."""
    first = post(client, tokens["first"], "first", f'<{published}> {ORGANISATION} rdfs:label "Première"@fr .')
    assert first.status_code in (200, 201), first.get_data(as_text=True)
    body = f'<{spelling}> {ORGANISATION} rdfs:label "Doublon"@fr .'
    for answer in (post(client, tokens["attacker"], "attacker", body),
                   client.put("/graph-store", query_string={"graph": BASE + "graph/network/attacker"},
                              data=PREFIXES + body, content_type="text/turtle", headers=bearer(tokens["attacker"]))):
        refused(answer, spelling, owner="first")
    graphs = services(client.application).graphs
    assert ownership.owner_of(services(client.application).store, graphs, spelling) == ownership.network(graphs,
                                                                                                         "first")
    assert not services(client.application).store.query(
        f'ASK {{ GRAPH <{BASE}graph/network/attacker> {{ ?s ?p "Doublon"@fr }} }}')


def test_a_property_no_column_names_is_said_once(client: FlaskClient, tokens: dict[str, str]) -> None:
    """A sheet describing another's project was refused saying `by isic:describes (isic:describes)`."""
    answer = post(client, tokens["attacker"], "attacker",
                  f"<{BASE}id/sheet/attacker-fiche> a isic:CollectionSheet ; isic:describes <{PROJECT}> .")
    detail = refused(answer, PROJECT)["detail"]
    assert "isic:describes" in detail and "isic:describes (isic:describes)" not in detail, detail


def test_an_identity_repeated_in_the_other_scheme_is_told_how_its_owner_writes_it(client: FlaskClient,
                                                                                 tokens: dict[str, str]) -> None:
    """It was told to give only the type, name and identifiers, which it had."""
    identity = f'{ORGANISATION} rdfs:label "Épicerie du quai"@fr .'
    first = post(client, tokens["first"], "first", f"<http://example.org/org/epicerie> {identity}")
    assert first.status_code in (200, 201), first.get_data(as_text=True)
    problem = refused(post(client, tokens["attacker"], "attacker", f"<https://example.org/org/epicerie> {identity}"),
                      "https://example.org/org/epicerie", owner="first")
    assert "Its owner writes it <http://example.org/org/epicerie>: name it so." in problem["detail"], problem
