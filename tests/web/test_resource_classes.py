"""A network's resources have classes the shapes check, and nothing of this instance is used as a class:

- a resource of this instance (`{base}id/…`, any spelling: another network's project) where a class is read (a type,
  a superclass) is refused with 422 `instance-as-class`, naming the resource described and the IRI, in English and
  French; it would make that project a class in the published union and show on its page as a reference; so is
  any IRI under the base as a literal's datatype (a class of literals);
- a resource typed only with a class the shapes do not check (`ex:Anything`) is refused with 422
  `validation-failed`, naming the resource, its class and the classes it may use: its content would pass unchecked.

Through the API (dry run and submission, Turtle and JSON-LD) and the Graph Store; nothing is stored. A sheet's
tables give their resources their classes (sheetmodel.py): no cell reaches rdf:type. The samples, sent again, pass
(test_upsert_whole_descriptions.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support.oxigraph_server import Watched
from tests.support.ways_in import sent, split

NETWORK = "action-sociale-35"
GRAPH = f"{BASE}graph/network/{NETWORK}"
THEIRS = f"{BASE}id/project/les-incompris"  # anas's
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, NETWORK)


def send(client: FlaskClient, token: str, body: bytes, content_type: str, dry_run: bool = False,
         lang: str = "en") -> Any:
    query = {"mode": "upsert", **({"dry-run": "1"} if dry_run else {})}
    return client.post(f"/api/networks/{NETWORK}/sheets", query_string=query, data=body, content_type=content_type,
                       headers={**bearer(token), "Accept-Language": lang})


def jsonld(subject: str, cls: str) -> bytes:
    return json.dumps({"@id": subject, "@type": cls}).encode()


@pytest.mark.parametrize("cls", [
    THEIRS, THEIRS.upper(), THEIRS + "/",
    THEIRS.replace("/id/", "/%69d/"), THEIRS.replace("/id/", "//id//"), THEIRS.replace("http:", "https:"),
    THEIRS.replace("localhost", "LocalHost"), f"{BASE}id/project/atk-p",
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_resource_of_the_instance_as_a_type_is_refused_in_json_ld(
        client: FlaskClient, token: str, seen: Watched, cls: str, dry_run: bool) -> None:
    before = seen.now()
    subject = f"{BASE}id/project/atk-p"
    answer = send(client, token, jsonld(subject, cls), "application/ld+json", dry_run)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert problem["code"] == "instance-as-class"
    assert problem["subject"] == subject and problem["term"] == cls
    assert f"<{subject}>" in problem["detail"] and f"<{cls}>" in problem["detail"]
    assert "isic:Project" in problem["detail"]  # the classes it may use
    assert before.unchanged()


@pytest.mark.parametrize("lang, words", [("fr", "comme classe"), ("en", "as a class")])
def test_the_refusal_names_the_subject_and_the_class_in_english_and_french(client: FlaskClient, token: str,
                                                                           lang: str, words: str) -> None:
    subject = f"{BASE}id/thing/atk-t"
    body = f"<{subject}> a <{THEIRS}> .\n".encode()
    answer = send(client, token, body, "text/turtle", dry_run=True, lang=lang)
    assert answer.status_code == 422
    problem = answer.get_json()
    assert problem["code"] == "instance-as-class"
    assert words in problem["detail"] and f"<{subject}>" in problem["detail"] and f"<{THEIRS}>" in problem["detail"]


@pytest.mark.parametrize("body", [
    f"<http://ex.org/C> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{THEIRS}> .",
    f"<{BASE}id/project/atk-p> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
    "<https://w3id.org/isic/ontology#Project> .",
    f"<http://ex.org/C> <http://www.w3.org/2002/07/owl#equivalentClass> <{THEIRS}> .",
])
def test_a_resource_of_the_instance_as_a_superclass_is_refused(
        client: FlaskClient, token: str, seen: Watched, body: str) -> None:
    before = seen.now()
    answer = send(client, token, body.encode(), "text/turtle")
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    assert answer.get_json()["code"] == "instance-as-class"
    assert before.unchanged()


def test_the_graph_store_refuses_a_resource_of_the_instance_as_a_type(
        client: FlaskClient, token: str, seen: Watched) -> None:
    before = seen.now()
    answer = client.post("/graph-store", query_string={"graph": GRAPH},
                         data=f"<{BASE}id/project/atk-p> <{RDF_TYPE}> <{THEIRS}> .\n".encode(),
                         content_type="application/n-triples", headers=bearer(token))
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    assert answer.get_json()["code"] == "instance-as-class"
    assert before.unchanged()


TITLE = "http://purl.org/dc/terms/title"
DESCRIPTION = "http://purl.org/dc/terms/description"


@pytest.mark.parametrize("datatype", [
    THEIRS, THEIRS.upper(), THEIRS.replace("/id/", "/%69d/"), THEIRS.replace("http:", "https:"),
    f"{BASE}id/network/anas", f"{BASE}sparql", f"{BASE}graph/network/anas", f"{BASE}id/project/atk-p",
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_an_iri_of_the_instance_as_a_datatype_is_refused_in_turtle(
        client: FlaskClient, token: str, seen: Watched, datatype: str, dry_run: bool) -> None:
    before = seen.now()
    subject = f"{BASE}id/project/atk-p"
    body = (f'<{subject}> a <https://w3id.org/isic/ontology#Project> ; <{TITLE}> "Atelier"@fr ; '
            f'<{DESCRIPTION}> "texte"^^<{datatype}> .\n').encode()
    answer = send(client, token, body, "text/turtle", dry_run)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert problem["code"] == "instance-as-class"
    assert problem["subject"] == subject and problem["term"] == datatype
    assert "datatype" in problem["detail"] and f"<{datatype}>" in problem["detail"]
    assert before.unchanged()


@pytest.mark.parametrize("lang, words", [("fr", "comme type de donnée"), ("en", "as a literal's datatype")])
def test_a_datatype_of_the_instance_in_json_ld_is_refused_in_the_readers_language(
        client: FlaskClient, token: str, seen: Watched, lang: str, words: str) -> None:
    before = seen.now()
    subject = f"{BASE}id/project/atk-p"
    body = json.dumps({"@id": subject, "@type": "https://w3id.org/isic/ontology#Project",
                       TITLE: {"@value": "Atelier", "@language": "fr"},
                       DESCRIPTION: {"@value": "texte", "@type": THEIRS}}).encode()
    answer = send(client, token, body, "application/ld+json", lang=lang)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert problem["code"] == "instance-as-class" and words in problem["detail"]
    assert before.unchanged()


def test_the_graph_store_refuses_an_iri_of_the_instance_as_a_datatype(
        client: FlaskClient, token: str, seen: Watched) -> None:
    before = seen.now()
    body = f'<{BASE}id/project/atk-p> <{DESCRIPTION}> "x"^^<{THEIRS}> .\n'.encode()
    answer = client.put("/graph-store", query_string={"graph": GRAPH}, data=body,
                        content_type="application/n-triples", headers=bearer(token))
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    assert answer.get_json()["code"] == "instance-as-class"
    assert before.unchanged()


FREE = (f'<{BASE}id/thing/atk-t> a <http://ex.org/Anything> ; <http://www.w3.org/2000/01/rdf-schema#comment> '
        f'"free text" ; <http://ex.org/p> <{THEIRS}> .\n').encode()


@pytest.mark.parametrize("lang, words", [("fr", "aucune de celles que vérifient les formes"),
                                         ("en", "is none the shapes check")])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_resource_of_an_unknown_class_is_refused_naming_it_and_the_classes_to_use(
        client: FlaskClient, token: str, seen: Watched, lang: str, words: str, dry_run: bool) -> None:
    before = seen.now()
    answer = send(client, token, FREE, "text/turtle", dry_run, lang)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert problem["code"] == "validation-failed"
    found = [v for v in problem["violations"] if v["focusNode"] == f"{BASE}id/thing/atk-t" and v["path"] == RDF_TYPE]
    assert found, problem
    message = found[0]["message"][lang]
    assert words in message and "<http://ex.org/Anything>" in message and "isic:Project" in message
    assert before.unchanged()


def test_a_resource_of_an_unknown_class_is_refused_in_json_ld(client: FlaskClient, token: str, seen: Watched) -> None:
    before = seen.now()
    body = json.dumps({"@id": f"{BASE}id/thing/atk-t", "@type": "http://ex.org/Anything",
                       "http://www.w3.org/2000/01/rdf-schema#comment": "free text"}).encode()
    answer = send(client, token, body, "application/ld+json")
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert problem["code"] == "validation-failed"
    assert any(v["focusNode"] == f"{BASE}id/thing/atk-t" for v in problem["violations"])
    assert before.unchanged()


def test_a_class_declared_by_the_network_is_refused_for_want_of_a_known_class(client: FlaskClient,
                                                                              token: str) -> None:
    body = (b"<http://ex.org/C> a <http://www.w3.org/2002/07/owl#Class> ; "
            b"<http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://w3id.org/isic/ontology#Project> .\n")
    answer = send(client, token, body, "text/turtle", dry_run=True)
    assert answer.status_code == 422
    assert any(v["focusNode"] == "http://ex.org/C" for v in answer.get_json()["violations"])


PROJECT = "https://w3id.org/isic/ontology#Project"


def refusals(client: FlaskClient, token: str, seen: Watched, body: str, ways: tuple[str, ...]) -> dict[str, Any]:
    """The problem each way in answers the Turtle body with, each a 422 that left the store as it was."""
    before, problems = seen.now(), {}
    for way in ways:
        answer = sent(client, token, NETWORK, body, way)
        assert answer.status_code == 422, (way, answer.get_data(as_text=True)[:800])
        assert before.unchanged(), way
        problems[way] = answer.get_json()
    return problems


TEXTS = ['"Projet"', '"Projet"@fr', f'"Projet"^^<{PROJECT}>', '"https://w3id.org/isic/ontology#Project"']


@pytest.mark.parametrize("known", [False, True], ids=["alone", "beside-a-known-class"])
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("ways", split(["replace", "upsert", "put", "post"], ["validate"]))
def test_a_type_written_as_a_text_is_refused_naming_the_resource_and_what_to_write(
        client: FlaskClient, token: str, seen: Watched, text: str, known: bool, ways: tuple[str, ...]) -> None:
    """A class is an IRI: a text or a typed literal given as a resource's type (`a "Projet"`, as a person writing
    Turtle by hand may, even the class's IRI in quotes) is refused with the classes to use, even beside a class the
    shapes check, every way in, in English and French; nothing is stored. (It was a 500, and the check's process
    died.)"""
    subject = f"{BASE}id/project/atk-typed"
    classes = f"<{PROJECT}>, {text}" if known else text
    body = f'<{subject}> a {classes} ; <{TITLE}> "Atelier"@fr .\n'
    for way, problem in refusals(client, token, seen, body, ways).items():
        assert problem["code"] == "validation-failed", (way, problem)
        found = [v for v in problem["violations"] if v["focusNode"] == subject and v["path"] == RDF_TYPE]
        assert found, (way, problem)
        assert "as a text" in found[0]["message"]["en"] and "isic:Project" in found[0]["message"]["en"]
        assert "comme un texte" in found[0]["message"]["fr"] and "isic:Project" in found[0]["message"]["fr"]


@pytest.mark.parametrize("kind", ["[]", "_:kind", "[ a <http://ex.org/Kind> ]"])
@pytest.mark.parametrize("ways", split(["replace", "upsert", "put", "post"], ["validate"]))
def test_a_blank_node_as_a_type_is_refused_as_a_resource_of_the_instance(
        client: FlaskClient, token: str, seen: Watched, kind: str, ways: tuple[str, ...]) -> None:
    """A blank node given as a class is named under the resource it describes when the submission is read (as
    every blank node is), so it is refused as an IRI of the instance used as a class; nothing is stored."""
    subject = f"{BASE}id/project/atk-typed"
    body = f'<{subject}> a <{PROJECT}>, {kind} ; <{TITLE}> "Atelier"@fr .\n'
    for way, problem in refusals(client, token, seen, body, ways).items():
        assert problem["code"] == "instance-as-class" and problem["subject"] == subject, (way, problem)


@pytest.mark.parametrize("value", ["Projet", {"@value": "Projet", "@language": "fr"}, {"@value": PROJECT}])
def test_a_type_written_as_a_text_in_json_ld_is_refused(
        client: FlaskClient, token: str, seen: Watched, value: Any) -> None:
    """JSON-LD's @type is an IRI; rdf:type written as a key takes a text as any key does."""
    subject = f"{BASE}id/project/atk-typed"
    body = json.dumps({"@id": subject, "@type": PROJECT, RDF_TYPE: value,
                       TITLE: {"@value": "Atelier", "@language": "fr"}}).encode()
    before = seen.now()
    answer = send(client, token, body, "application/ld+json", lang="fr")
    assert answer.status_code == 422, answer.get_data(as_text=True)[:800]
    problem = answer.get_json()
    assert [v for v in problem["violations"] if v["focusNode"] == subject and v["path"] == RDF_TYPE
            and "comme un texte" in v["message"]["fr"]], problem
    assert before.unchanged()
