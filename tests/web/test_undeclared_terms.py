"""What an RDF submission says in the ontology's words is read, or refused, never silently lost:

- a property or class in the ontology's namespace that the ontology does not declare (`isic:modalite`,
  `isic:titre`, `isic:Modalities`) is refused with 422 `undeclared-term`, naming the term, the resource and the
  declared term it may be; it would otherwise be published as a statement no page, query or peer reads;
- a JSON-LD key that is neither a term of the context nor an IRI (`titel`, `modalite`, `modalités`) is refused with
  422 `undefined-key`, naming it: JSON-LD expansion drops such a key and its value without a word.

Through the API (its dry run and its submission), the Graph Store and the CLI (ingest and validate); the network's
own dumps still pass unchanged."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.rdf.namespaces import ISIC
from tests.conftest import bearer
from tests.unit import test_cli
from tests.web.test_sheet_variants import network_graph

NETWORK = "action-sociale-35"
GRAPH = f"http://localhost:5000/graph/network/{NETWORK}"
cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def dump(client: FlaskClient, fmt: str = "jsonld") -> bytes:
    response = client.get(f"/dumps/network/{NETWORK}.{fmt}")
    assert response.status_code == 200
    return response.data


def with_key(data: bytes, key: str, value: Any = "Rencontres mensuelles") -> tuple[bytes, str]:
    """The dump with one more key on its first project, and that project's IRI."""
    document = json.loads(data)
    project = next(node for node in document["@graph"] if node.get("type") == "Project")
    project[key] = value
    return json.dumps(document).encode(), project["id"]


def sent(client: FlaskClient, token: str, data: bytes, name: str, dry_run: bool = True,
         lang: str = "fr") -> Any:
    return client.post(f"/api/networks/{NETWORK}/sheets" + ("?dry-run=1" if dry_run else ""),
                       data={"files": [(io.BytesIO(data), name)]},
                       headers={**bearer(token), "Accept-Language": lang}, content_type="multipart/form-data")


def test_the_networks_own_dumps_pass_unchanged(client: FlaskClient, token: str) -> None:
    for fmt in ("jsonld", "ttl"):
        response = sent(client, token, dump(client, fmt), f"{NETWORK}.{fmt}")
        assert response.status_code == 200, response.json
        assert response.json["changes"] == {"added": [], "changed": [], "removed": []}


@pytest.mark.parametrize("key, suggestion", [
    ("isic:modalite", "modalities"), ("isic:titre", None), ("isic:Modalities", "modalities"),
    (ISIC + "modalites", "modalities"), ("isic:genese", "genesis"),
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_an_undeclared_property_is_refused_naming_it(client: FlaskClient, token: str, key: str,
                                                     suggestion: str | None, dry_run: bool) -> None:
    before = network_graph(client)
    data, project = with_key(dump(client), key)
    response = sent(client, token, data, f"{NETWORK}.jsonld", dry_run)
    assert response.status_code == 422, response.json
    body = response.json
    name = key.removeprefix("isic:").removeprefix(ISIC)
    assert body["code"] == "undeclared-term"
    assert body["term"] == ISIC + name and body["subject"] == project
    assert f"isic:{name}" in body["detail"] and project in body["detail"]
    assert "rien n'a été enregistré" in body["detail"]
    if suggestion:
        assert body["suggestion"] == ISIC + suggestion
        assert f"vouliez-vous dire isic:{suggestion}" in body["detail"]
    assert network_graph(client) == before


def test_an_undeclared_class_is_refused_in_english_when_asked(client: FlaskClient, token: str) -> None:
    data, project = with_key(dump(client), "type", ["Project", "isic:Projet"])
    response = sent(client, token, data, f"{NETWORK}.jsonld", lang="en")
    assert response.status_code == 422 and response.json["code"] == "undeclared-term"
    assert response.json["term"] == ISIC + "Projet"
    assert response.json["detail"].startswith(f"The class isic:Projet (<{ISIC}Projet>) of <{project}>")
    assert "did you mean isic:Project" in response.json["detail"]


def test_an_undeclared_property_in_n_triples_and_turtle_is_refused(client: FlaskClient, token: str) -> None:
    triple = f'<http://localhost:5000/id/project/cafe-des-parents-rennes> <{ISIC}modalite> "x"@fr .\n'.encode()
    turtle = dump(client, "ttl")
    for data, name in ((triple, "extra.nt"), (turtle + b"\n" + triple, f"{NETWORK}.ttl")):
        response = sent(client, token, data, name)
        assert response.status_code == 422 and response.json["code"] == "undeclared-term", response.json
        assert response.json["suggestion"] == ISIC + "modalities"


@pytest.mark.parametrize("key, suggestion", [("titel", "title"), ("modalite", "modalities"),
                                             ("modalités", "modalities"), ("zzz", None)])
def test_a_json_ld_key_outside_the_context_is_refused_naming_it(client: FlaskClient, token: str, key: str,
                                                                suggestion: str | None) -> None:
    before = network_graph(client)
    data, _ = with_key(dump(client), key)
    response = sent(client, token, data, f"{NETWORK}.jsonld", dry_run=False)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "undefined-key" and response.json["key"] == key
    assert f"la clé « {key} »" in response.json["detail"]
    assert response.json.get("suggestion") == suggestion
    assert network_graph(client) == before


def test_a_long_key_is_named_shortened_in_the_detail_and_the_field(client: FlaskClient, token: str) -> None:
    key = "clé-" + "x" * 20_000
    before = network_graph(client)
    data, _ = with_key(dump(client), key)
    response = sent(client, token, data, f"{NETWORK}.jsonld", dry_run=False)
    assert response.status_code == 422 and response.json["code"] == "undefined-key", response.json
    assert response.json["key"] == key[:200] + "…"
    assert len(response.get_data()) < 4_000
    assert network_graph(client) == before


def test_a_key_in_a_nested_node_and_a_scoped_context_is_found(client: FlaskClient, token: str) -> None:
    """A key is a term of the context in force where it is written: an inline context may define one."""
    document = json.loads(dump(client))
    project = next(node for node in document["@graph"] if node.get("type") == "Project")
    project["@context"] = {"modalite": {"@id": "isic:modalities", "@container": "@language"}}  # defined here
    value = project.get("modalities")
    assert value is not None
    project["modalite"] = project.pop("modalities")
    response = sent(client, token, json.dumps(document).encode(), f"{NETWORK}.jsonld")
    assert response.status_code == 200, response.json
    assert response.json["changes"] == {"added": [], "changed": [], "removed": []}
    project["@context"] = {"modalite": "isic:modalities"}  # no language map: its languages would be keys, dropped
    response = sent(client, token, json.dumps(document).encode(), f"{NETWORK}.jsonld")
    assert response.status_code == 422 and response.json["key"] == "fr", response.json
    nested = json.loads(dump(client))
    node = next(node for node in nested["@graph"] if node.get("type") == "Project")
    node["userGroup"] = {"id": "http://localhost:5000/id/group/x", "nom": "Parents"}
    response = sent(client, token, json.dumps(nested).encode(), f"{NETWORK}.jsonld")
    assert response.status_code == 422 and response.json["key"] == "nom"


def test_the_graph_store_refuses_both(client: FlaskClient, token: str) -> None:
    for key, code in (("isic:modalite", "undeclared-term"), ("titel", "undefined-key")):
        data, _ = with_key(dump(client), key)
        response = client.put("/graph-store", query_string={"graph": GRAPH}, data=data,
                              content_type="application/ld+json", headers=bearer(token))
        assert response.status_code == 422 and response.json["code"] == code, response.json


def test_the_cli_validate_and_ingest_refuse_both(cli, client: FlaskClient,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    for key, said in (("isic:modalite", "isic:modalities"), ("titel", "titel")):
        data, _ = with_key(dump(client), key)
        path = tmp_path / f"{NETWORK}.jsonld"
        path.write_bytes(data)
        checked = cli("validate", str(path), "--lang", "fr")
        assert checked.exit_code != 0 and "Conforme." not in checked.output, checked.output
        assert said in checked.output
        ingested = cli("ingest", str(path), "--network", NETWORK, "--dry-run", "--lang", "fr")
        assert ingested.exit_code != 0 and said in ingested.output, ingested.output


@pytest.mark.live  # a dry run's process
def test_the_validation_endpoint_refuses_both(client: FlaskClient, token: str) -> None:
    for key, code in (("isic:Modalities", "undeclared-term"), ("modalités", "undefined-key")):
        data, _ = with_key(dump(client), key)
        response = client.post(f"/api/validate?network={NETWORK}", data=data, content_type="application/ld+json",
                               headers=bearer(token))
        assert response.status_code == 422 and response.json["code"] == code, response.json


@pytest.mark.parametrize("key", ["_:p", "@foo", "@Titre"])
def test_a_blank_node_or_a_keyword_like_key_is_refused_naming_it(client: FlaskClient, token: str, key: str) -> None:
    """A key JSON-LD has no property for (a blank node identifier: RDF has no such property; `@foo`, no keyword)
    loses its value as `titel` does: refused the same way, whether the key is alone or beside the whole dump."""
    before = network_graph(client)
    data, _ = with_key(dump(client), key)
    for body in (data, json.dumps({"@id": "http://localhost:5000/id/project/les-incompris", key: "x"}).encode()):
        response = sent(client, token, body, f"{NETWORK}.jsonld", dry_run=False)
        assert response.status_code == 422, response.json
        assert response.json["code"] == "undefined-key" and response.json["key"] == key
        assert f"la clé « {key} »" in response.json["detail"]
    assert network_graph(client) == before


@pytest.mark.parametrize("extra, said", [
    ({"description": {"pas une langue": "Résumé"}}, "« pas une langue »"),
    ({"http://purl.org/dc/terms/description": {"@value": "Résumé", "@language": "en-a"}}, "« en-a »"),
    ({"@type": ["Project", "@json"]}, "« @json »"),
    ({"partnership": {"@id": "relative/partner", "label": "x"}, "@context": {"@base": None}}, "« relative/partner »"),
])
def test_what_reading_as_rdf_would_drop_is_refused_naming_it(client: FlaskClient, token: str, extra: dict[str, Any],
                                                             said: str) -> None:
    """A text whose language tag is none, a class or a node named by no absolute IRI: the reader drops the
    statement without a word; it is refused, in the sender's language, naming the value."""
    before = network_graph(client)
    document = json.loads(dump(client))
    project = next(node for node in document["@graph"] if node.get("type") == "Project")
    project.update(extra)
    for lang, words in (("fr", "serait perdu"), ("en", "would be dropped")):
        response = sent(client, token, json.dumps(document).encode(), f"{NETWORK}.jsonld", dry_run=False, lang=lang)
        assert response.status_code == 400 and response.json["code"] == "parse-error", response.json
        assert words in response.json["detail"] and said.strip("« »") in response.json["detail"], response.json
    assert network_graph(client) == before
