"""An upsert replaces its subjects' descriptions whole, so it is validated as the graph will be after it: a subject
given without its class is refused (it would be left with no class, no name, none of its required fields), and the
resources of the network's graph that point at a subject it describes again must still conform with the new
description (a lesson's learnedFrom must still name a project). Refused, nothing is stored; the same through the
API, the Graph Store's POST and `replace`. A full description with one more optional field is accepted, identity
rows about another's resource are still read as references, and the samples published again unchanged pass in
every mode."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from isic_graph.admin.credentials import CredentialStore
from isic_graph.ingest.ownership import IDENTITY
from tests.conftest import BASE, bearer
from tests.support import paths

ISIC = "https://w3id.org/isic/ontology#"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAMPLES = paths.ROOT / "samples"
CAFE = f"{BASE}id/project/cafe-des-parents-rennes"
ATELIERS = f"{BASE}id/project/ateliers-droits-rennes"
ANCV = f"{BASE}id/organisation/ancv"
NETWORKS = ("action-sociale-35", "anas", "fcsf")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in NETWORKS}


def graph_of(client: FlaskClient, network: str) -> list[Triple]:
    answer = client.get("/graph-store", query_string={"graph": f"{BASE}graph/network/{network}"},
                        headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200
    return sorted((q.triple for q in parse(answer.data, format=RdfFormat.N_TRIPLES)), key=str)


def description(client: FlaskClient, network: str, subject: str) -> list[Triple]:
    """A resource's description in a network's graph, with its blank nodes, as that graph holds it."""
    return [t for t in graph_of(client, network) if t.subject.value.split("#genid-")[0] == subject]


def nt(triples: list[Triple]) -> bytes:
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def upsert(client: FlaskClient, network: str, token: str, body: bytes, lang: str = "en",
           mode: str = "upsert") -> Any:
    return client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode}, data=body,
                       content_type="application/n-triples",
                       headers={**bearer(token), "Accept-Language": lang})


def comment(subject: str) -> bytes:
    return f'<{subject}> <{RDFS_COMMENT}> "Texte mal nommé" .\n'.encode()


def refused_naming(answer: Any, subject: str) -> dict[str, Any]:
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem: dict[str, Any] = answer.get_json()
    assert problem["code"] == "validation-failed"
    assert any(v["focusNode"] == subject and v["path"] == RDF_TYPE for v in problem["violations"]), problem
    return problem


@pytest.mark.parametrize("lang, words", [("fr", "n'a pas de classe"), ("en", "has no class")])
def test_an_upsert_of_one_field_of_a_project_is_refused_naming_its_missing_class(
        client: FlaskClient, tokens: dict[str, str], lang: str, words: str) -> None:
    before = graph_of(client, "action-sociale-35")
    body = f'<{CAFE}> <{ISIC}modalities> "Texte seul"@fr .\n'.encode()  # a declared field alone
    problem = refused_naming(upsert(client, "action-sociale-35", tokens["action-sociale-35"], body, lang), CAFE)
    assert words in problem["report"]
    # the lessons learned from it would no longer name a project: they are reported too
    lessons = {v["focusNode"] for v in problem["violations"] if v["path"] == ISIC + "learnedFrom"}
    assert f"{BASE}id/lesson/cdp-garde-enfants" in lessons and len(lessons) == 4
    assert graph_of(client, "action-sociale-35") == before


@pytest.mark.parametrize("subject", [
    f"{BASE}id/organisation/cdas-rennes-nord",
    f"{BASE}id/lesson/cdp-garde-enfants",
    f"{BASE}id/partnership/cdp-partenariat",
])
def test_an_upsert_of_a_comment_alone_on_an_organisation_a_lesson_or_a_partnership_is_refused(
        client: FlaskClient, tokens: dict[str, str], subject: str) -> None:
    assert description(client, "action-sociale-35", subject)  # the sample's
    before = graph_of(client, "action-sociale-35")
    refused_naming(upsert(client, "action-sociale-35", tokens["action-sociale-35"], comment(subject)), subject)
    assert graph_of(client, "action-sociale-35") == before


def test_a_graph_store_post_of_a_comment_alone_is_refused_and_stores_nothing(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    before = graph_of(client, "action-sociale-35")
    answer = client.post("/graph-store", query_string={"graph": f"{BASE}graph/network/action-sociale-35"},
                         data=comment(ATELIERS), content_type="application/n-triples",
                         headers={**bearer(tokens["action-sociale-35"]), "Accept-Language": "fr"})
    problem = refused_naming(answer, ATELIERS)
    assert "n'a pas de classe" in problem["report"]
    assert graph_of(client, "action-sociale-35") == before


def test_an_upsert_changing_a_projects_class_is_refused_for_the_lessons_pointing_at_it(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    before = graph_of(client, "action-sociale-35")
    body = (f'<{CAFE}> <{RDF_TYPE}> <{ISIC}Organisation> .\n'
        f'<{CAFE}> <http://www.w3.org/2000/01/rdf-schema#label> "Café des parents"@fr .\n'
        f'<{CAFE}> <{ISIC}actorType> <https://w3id.org/isic/thesaurus/actor-type/association> .\n').encode()
    answer = upsert(client, "action-sociale-35", tokens["action-sociale-35"], body)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    focused = {(v["focusNode"], v["path"]) for v in answer.get_json()["violations"]}
    assert (f"{BASE}id/lesson/cdp-garde-enfants", ISIC + "learnedFrom") in focused
    assert graph_of(client, "action-sociale-35") == before


def test_an_owners_comment_alone_is_refused_so_the_references_to_its_resource_still_match(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    before = graph_of(client, "anas")
    refused_naming(upsert(client, "anas", tokens["anas"], comment(ANCV)), ANCV)
    assert graph_of(client, "anas") == before
    actors = (SAMPLES / "fcsf" / "actors.ttl").read_bytes()
    answer = client.post("/api/networks/fcsf/sheets", query_string={"mode": "upsert"}, data=actors,
                         content_type="text/turtle", headers=bearer(tokens["fcsf"]))
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)[:800]


def test_a_full_description_with_one_more_optional_field_is_accepted_as_an_upsert(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    stored = description(client, "action-sociale-35", CAFE)
    added = Triple(NamedNode(CAFE), NamedNode(ISIC + "modalities"),  # in English: the sample gives it in French
                   Literal("Monthly meetings in a neighbourhood hall; childcare on site.", language="en"))
    assert added not in stored
    answer = upsert(client, "action-sociale-35", tokens["action-sociale-35"], nt([*stored, added]))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]
    after = description(client, "action-sociale-35", CAFE)
    assert added in after and set(stored) <= set(after)
    lessons = [t for t in graph_of(client, "action-sociale-35")
               if t.predicate.value == ISIC + "learnedFrom" and t.object.value == CAFE]
    assert len(lessons) == 4


def test_an_identity_row_about_anothers_resource_is_still_a_reference(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    identity = [t for t in description(client, "anas", ANCV) if t.predicate.value in IDENTITY]
    assert {t.predicate.value for t in identity} >= {RDF_TYPE, ISIC + "actorType"}
    answer = upsert(client, "fcsf", tokens["fcsf"], nt(identity))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]


def test_a_replace_with_an_untyped_subject_is_refused(client: FlaskClient, tokens: dict[str, str]) -> None:
    before = graph_of(client, "anas")
    body = nt(graph_of(client, "anas")) + comment(f"{BASE}id/project/inconnu-anas")
    refused_naming(upsert(client, "anas", tokens["anas"], body, mode="replace"), f"{BASE}id/project/inconnu-anas")
    assert graph_of(client, "anas") == before


def sample_files(network: str) -> list[Path]:
    return sorted(p for p in (SAMPLES / network).iterdir() if p.suffix in (".ttl", ".csv"))


@pytest.mark.parametrize("network", NETWORKS)
def test_the_samples_published_again_unchanged_pass_in_every_mode(
        client: FlaskClient, tokens: dict[str, str], network: str) -> None:
    files = sample_files(network)
    tabular = files[0].suffix == ".csv"
    for mode in ("tables", "upsert", "replace") if tabular else ("upsert", "replace"):
        if tabular:
            data: Any = {f.name: (io.BytesIO(f.read_bytes()), f.name) for f in files}
            answer = client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode}, data=data,
                                 content_type="multipart/form-data", headers=bearer(tokens[network]))
        else:
            body = b"\n".join(f.read_bytes() for f in files if f.suffix == ".ttl")
            answer = client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode}, data=body,
                                 content_type="text/turtle", headers=bearer(tokens[network]))
        assert answer.status_code == 200, (mode, answer.get_data(as_text=True)[:800])


@pytest.mark.parametrize("table", sample_files("action-sociale-35"), ids=lambda p: p.stem)
def test_each_table_of_a_sheet_sent_alone_unchanged_passes(client: FlaskClient, tokens: dict[str, str],
                                                           table: Path) -> None:
    """A table names the resources of other tables (a partner's project) without their class: in `tables` mode it
    describes its own rows only, which carry their class."""
    answer = client.post("/api/networks/action-sociale-35/sheets", query_string={"mode": "tables"},
                         data={table.name: (io.BytesIO(table.read_bytes()), table.name)},
                         content_type="multipart/form-data", headers=bearer(tokens["action-sociale-35"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]


def test_one_table_sent_alone_as_an_upsert_leaves_the_project_it_names_whole(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    """partners.csv states `<project> isic:partnership <…>`: a sheet's upsert describes again the table's rows (the
    partners), not the project it names, whose description stays as it is (tests/web/test_sheet_modes.py)."""
    before = graph_of(client, "action-sociale-35")
    table = SAMPLES / "action-sociale-35" / "partners.csv"
    answer = client.post("/api/networks/action-sociale-35/sheets", query_string={"mode": "upsert"},
                         data={table.name: (io.BytesIO(table.read_bytes()), table.name)},
                         content_type="multipart/form-data", headers=bearer(tokens["action-sociale-35"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]
    assert answer.get_json()["changes"] == {"added": [], "changed": [], "removed": []}
    assert graph_of(client, "action-sociale-35") == before
