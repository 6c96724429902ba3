"""Withdrawing a project through the API takes every part that exists for it alone (its partnership and partner
roles, its group, its activity, its participation…), and the dry run says what goes and refuses a blank reason as
the withdrawal does."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore

BASE = "http://localhost:5000/"
ISIC = "https://w3id.org/isic/ontology#"
PROJECT = BASE + "id/project/les-incompris"
API = "/api/networks/anas/retractions"
PARTS = {"id/partnership/les-incompris-theatre": "Partnership",
         "id/partner-role/les-incompris-departement": "PartnerRole",
         "id/partner-role/les-incompris-compagnie": "PartnerRole",
         "id/partner-role/les-incompris-ville": "PartnerRole",
         "id/group/les-incompris-collectif": "UserGroup",
         "id/activity/li-bilan": "CapitalisationActivity",
         "id/participation/li-collectif-partenariat": "Participation",
         "id/funding/les-incompris-ville-toulouse": "Funding"}


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("anas", "ANAS")


def post(client: FlaskClient, token: str, body: object, dry_run: bool = False) -> tuple[int, dict[str, object]]:
    answer = client.post(API + ("?dry-run=1" if dry_run else ""), json=body,
                         headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.get_json()


@pytest.mark.parametrize("reason", ["   ", "", None, "\n\t"])
def test_a_dry_run_refuses_a_blank_reason_as_the_withdrawal_does(client: FlaskClient, token: str,
                                                                 reason: str | None) -> None:
    dry_status, dry = post(client, token, {"resource": PROJECT, "reason": reason}, dry_run=True)
    status, real = post(client, token, {"resource": PROJECT, "reason": reason})
    assert (dry_status, dry["code"], dry["detail"]) == (status, real["code"], real["detail"]) == \
        (400, "bad-request", real["detail"])
    assert "say why the resource is withdrawn" in str(dry["detail"])
    assert client.get("/id/project/les-incompris", headers={"Accept": "text/turtle"}).status_code == 200


def test_a_dry_run_without_a_reason_lists_every_part_with_its_class(client: FlaskClient, token: str) -> None:
    status, body = post(client, token, {"resource": PROJECT}, dry_run=True)
    assert status == 200
    withdrawn, types = body["withdrawn"], body["types"]
    assert isinstance(withdrawn, list) and isinstance(types, dict)
    assert {BASE + part: kind for part, kind in PARTS.items()}.items() <= types.items()
    assert set(types) == set(withdrawn) and types[PROJECT] == "Project"
    assert not any("/id/organisation/" in w or "/id/territory/" in w for w in withdrawn)
    page = client.get("/retract", query_string={"resource": PROJECT, "lang": "fr"}).text
    listed = re.search(r'<ul id="withdrawn">(.*?)</ul>', page, re.S)
    assert listed and "(Partenariat)" in listed.group(1) and "(Rôle partenarial)" in listed.group(1)


def test_a_project_withdrawal_leaves_none_of_its_parts_published(client: FlaskClient, token: str) -> None:
    for part in PARTS:
        assert client.get("/" + part, headers={"Accept": "text/turtle"}).status_code == 200, part
    status, body = post(client, token, {"resource": PROJECT, "reason": "Retrait demandé par le groupe"})
    assert status == 200, body
    assert all(link["network"] != "anas" for link in body["links"])  # type: ignore[index, union-attr]
    for part in PARTS:
        assert client.get("/" + part, headers={"Accept": "text/turtle"}).status_code == 410, part
    stakes = client.post("/sparql", data={"query": f"ASK {{ ?s <{ISIC}stakes> ?o "
                                                   'FILTER(CONTAINS(STR(?o), "accueil du public")) }'},
                         headers={"Accept": "application/sparql-results+json"})
    assert stakes.get_json()["boolean"] is False
    for kept in ("id/organisation/ville-de-toulouse", "id/organisation/compagnie-theatre-de-l-ordinaire"):
        assert client.get("/" + kept, headers={"Accept": "text/turtle"}).status_code == 200, kept
    assert client.get("/api/networks/anas/dangling").get_json()["links"] == []
