"""A blank node that hangs from no subject (a JSON-LD node without `@id`, a Turtle `[]` subject) through every way
in: it is part of the submitting network's own description, needs a class as any resource the network describes,
and takes no IRI of the instance; no network can make another's resource a property (`@vocab`).

Ways in: the API's sheets route (a body or a file), its dry run and /api/validate, the Graph Store (PUT and POST),
the upload page."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import UsageError
from isic_graph.ingest import ownership, settling
from isic_graph.web.services import services
from tests.conftest import bearer

BASE = "http://localhost:5000/"
GENID = BASE + ".well-known/genid"
PROJECT = BASE + "id/project/les-incompris"
CONTEXT = "https://w3id.org/isic/context.jsonld"
UNTYPED_JSONLD = {"@context": [CONTEXT, {"@vocab": "http://example.org/v#"}], "foo": "x"}
UNTYPED_TURTLE = '@prefix ex: <http://example.org/v#> . [] ex:foo "y" .'
GROUP = ('@prefix isic: <https://w3id.org/isic/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
         '[] a isic:UserGroup ; rdfs:label "collectif de locataires"@fr ; '
         'isic:public <https://w3id.org/isic/thesaurus/public/residents> .')
WAYS = ["api-body", "api-file", "api-dry-run", "validate", "gsp-put", "gsp-post", "upload-page"]


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in ("attacker", "anas", "fcsf")}


def sent(client: FlaskClient, token: str, network: str, data: str | dict[str, Any], way: str,
         lang: str = "en") -> TestResponse:
    body = (json.dumps(data) if isinstance(data, dict) else data).encode()
    media, name = ("application/ld+json", "x.jsonld") if isinstance(data, dict) else ("text/turtle", "x.ttl")
    headers = {**bearer(token), "Accept-Language": lang}
    graph = {"graph": f"{BASE}graph/network/{network}"}
    if way == "api-body":
        return client.post(f"/api/networks/{network}/sheets", query_string={"mode": "upsert"}, data=body,
                           content_type=media, headers=headers)
    if way in ("api-file", "api-dry-run"):
        return client.post(f"/api/networks/{network}/sheets",
                           query_string={"mode": "upsert", **({"dry-run": "1"} if way == "api-dry-run" else {})},
                           data={"files": [(io.BytesIO(body), name)]}, content_type="multipart/form-data",
                           headers=headers)
    if way == "validate":
        return client.post("/api/validate", query_string={"network": network},
                           data={"files": [(io.BytesIO(body), name)]}, content_type="multipart/form-data",
                           headers=headers)
    if way in ("gsp-put", "gsp-post"):
        return getattr(client, way[4:])("/graph-store", query_string=graph, data=body, content_type=media,
                                        headers=headers)
    return client.post("/sheets/csv", data={"files": [(io.BytesIO(body), name)], "credential": token},
                       content_type="multipart/form-data", headers={"Accept-Language": lang})


def graph_of(app: Flask, network: str) -> set[str]:
    return {str(t) for t in services(app).store.graph_triples(f"{BASE}graph/network/{network}")}


def instance_owns_genid(app: Flask) -> bool:
    store, graphs = services(app).store, services(app).graphs
    return all(ownership.owner_of(store, graphs, iri) == ownership.instance(graphs)
               for iri in (GENID, GENID + "#genid-0123456789abcdef"))


@pytest.mark.parametrize("way", [pytest.param(w, marks=pytest.mark.live) if w == "validate" else w for w in WAYS])
@pytest.mark.parametrize("data", [UNTYPED_JSONLD, {**UNTYPED_JSONLD, "@id": "_:b"}, UNTYPED_TURTLE,
                                  {"@context": {"@vocab": "http://example.org/v#"}, "@graph": [{"foo": "x"}]}],
                         ids=["jsonld", "jsonld-bnode-id", "turtle", "jsonld-graph"])
def test_an_untyped_top_level_node_is_refused_and_takes_nothing(app: Flask, client: FlaskClient,
                                                                tokens: dict[str, str], way: str,
                                                                data: str | dict[str, Any]) -> None:
    before = graph_of(app, "attacker")
    answer = sent(client, tokens["attacker"], "attacker", data, way)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422, text
    if way != "upload-page":
        found = answer.get_json()
        violations = found.get("violations", [])
        assert [v["focusNode"].split("#genid-")[0] for v in violations] == [f"{BASE}id/network/attacker"], found
        assert "no class (rdf:type)" in violations[0]["message"]["en"]
    else:
        assert "rdf:type" in text and ".well-known" not in text
    assert graph_of(app, "attacker") == before
    assert instance_owns_genid(app)


@pytest.mark.parametrize("way", ["api-body", "gsp-post"])
def test_a_typed_top_level_node_is_each_networks_own(app: Flask, client: FlaskClient, tokens: dict[str, str],
                                                     way: str) -> None:
    """The same node sent by two networks: each is part of its network's description, neither refused for the
    other's, and the instance's `.well-known/genid` is nobody else's."""
    for network in ("attacker", "anas"):
        answer = sent(client, tokens[network], network, GROUP, way)
        assert answer.status_code in (200, 201, 204), answer.get_data(as_text=True)
        assert any(f"<{BASE}id/network/{network}#genid-" in t for t in graph_of(app, network))
        assert not any(".well-known/genid" in t for t in graph_of(app, network))
    assert instance_owns_genid(app)
    store, graphs = services(app).store, services(app).graphs
    assert ownership.owner_of(store, graphs, f"{BASE}id/network/attacker#genid-0") == \
        ownership.network(graphs, "attacker")


@pytest.mark.parametrize("subject", [GENID + "#genid-0123456789abcdef", GENID,
                                     "http://localhost:5000/.well-known/genid#x", BASE + ".well-known/void"])
def test_the_instances_node_iris_written_out_are_refused_as_its_own(client: FlaskClient, tokens: dict[str, str],
                                                                   subject: str) -> None:
    answer = sent(client, tokens["attacker"], "attacker", GROUP.replace("[]", f"<{subject}>"), "api-body")
    assert answer.status_code == 422 and answer.get_json()["code"] == "not-owner", answer.get_data(as_text=True)
    assert answer.get_json()["owner"] == BASE


def test_a_record_a_network_took_of_genid_before_no_longer_counts(app: Flask, client: FlaskClient,
                                                                   tokens: dict[str, str]) -> None:
    """A store where a network took `.well-known/genid` with a top-level blank node (as before this rule): the
    instance owns it, `owner show` says so, and every network's top-level nodes are accepted."""
    store, graphs = services(app).store, services(app).graphs
    store.update(ownership.claim_update(graphs, ownership.network(graphs, "attacker"), [GENID],
                                        f"{BASE}id/ingestion/20240101T000000000000Z", replace=True))
    assert instance_owns_genid(app)
    answer = sent(client, tokens["fcsf"], "fcsf", GROUP, "api-file")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with pytest.raises(UsageError):
        settling.transfer(store, graphs, GENID, ownership.network(graphs, "attacker"))


VOCABS = ["http://localhost:5000/id/project/", "HTTP://LOCALHOST:5000/id/project/", "https://localhost:5000/id/project/",
          "http://localhost:5000/%69d/project/", "http://localhost:5000//id/project/", "http://localhost:5000/ID/project/"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("vocab", VOCABS)
def test_another_networks_project_made_a_property_by_vocab_is_refused(app: Flask, client: FlaskClient,
                                                                      tokens: dict[str, str], vocab: str,
                                                                      lang: str) -> None:
    before = graph_of(app, "attacker")
    data = {"@context": [CONTEXT, {"@vocab": vocab}], "@id": f"{BASE}id/network/attacker", "les-incompris": "x"}
    answer = sent(client, tokens["attacker"], "attacker", data, "api-body", lang)
    problem = answer.get_json()
    assert answer.status_code == 422 and problem["code"] == "instance-as-property", problem
    assert problem["subject"] == f"{BASE}id/network/attacker" and problem["term"].endswith("les-incompris")
    assert ("comme propriété" if lang == "fr" else "as a property") in problem["detail"]
    assert graph_of(app, "attacker") == before


@pytest.mark.parametrize("way", ["api-body", "api-file", "api-dry-run", "gsp-put", "gsp-post", "upload-page"])
@pytest.mark.parametrize("data", [
    f'<{BASE}id/network/attacker> <{PROJECT}> "x" .',
    f'[] <{PROJECT.upper()}> "x" .',
    {"@context": {"p": f"{BASE}id/"}, "@id": f"{BASE}id/network/attacker", "p:project/les-incompris": "x"},
    {"@context": {"carried": f"{PROJECT}#genid-0123456789abcdef"}, "carried": "x"},
], ids=["turtle", "turtle-bnode-upper", "jsonld-prefix", "jsonld-term"])
def test_an_instance_iri_as_a_property_is_refused_through_every_way_in(app: Flask, client: FlaskClient,
                                                                       tokens: dict[str, str], way: str,
                                                                       data: str | dict[str, Any]) -> None:
    before = graph_of(app, "attacker")
    answer = sent(client, tokens["attacker"], "attacker", data, way, "fr")
    assert answer.status_code == 422, answer.get_data(as_text=True)
    if way == "upload-page":
        assert "comme propriété" in answer.get_data(as_text=True)
    else:
        assert answer.get_json()["code"] == "instance-as-property"
        assert "comme propriété" in answer.get_json()["detail"]
    assert graph_of(app, "attacker") == before
