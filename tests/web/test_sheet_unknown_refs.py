"""A sheet's row naming, by its identifier, a project the network does not publish (a funding's, a partnership's, a
role's `projet`) is refused in every mode that takes a table alone (upsert, tables), dry run or not: 422
sheet-refused at the file, row and column, in French and English, with the closest identifier when one is close;
a withdrawn project is refused saying it was withdrawn and how to publish it again. Nothing is stored, and the
identifier is given to nobody: its address still answers 404."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.web.test_sheet_modes import EMPTY, SAMPLE, graph, send

NETWORK = "action-sociale-35"
BASE = "http://localhost:5000/"
OWNERSHIP = f"<{BASE}graph/ownership>"
ROWS = {
    "fundings.csv": "financement,projet,financeur,montant,devise\nf-x,{},caf-35,2500,EUR\n",
    "partners.csv": ("partenariat,projet,en_amont,organisation,roles\np-x,{0},non,cdas-rennes-nord,operator\n"
                     "p-x,{0},non,asso-parents-ensemble,operator\n"),
    "roles.csv": "role,projet,intitule,type,employeur\nr-x,{},Éducatrice,social-worker,cdas-rennes-nord\n",
}


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, NETWORK)


def post(client: FlaskClient, token: str, name: str, data: str, **args: str) -> tuple[int, dict[str, object], str]:
    response = client.post(f"/api/networks/{NETWORK}/sheets", query_string=args, headers=bearer(token),
                           data={"files": [(io.BytesIO(data.encode()), name)]}, content_type="multipart/form-data")
    return response.status_code, response.get_json(), response.get_data(as_text=True)


def mentioned(client: FlaskClient, resource: str, graph_: str = "?g") -> bool:
    """Whether any graph (the networks', the metadata and ownership records), or the one given, names the resource."""
    query = (f"ASK {{ {{ GRAPH {graph_} {{ <{resource}> ?p ?o }} }} "
             f"UNION {{ GRAPH {graph_} {{ ?s ?p <{resource}> }} }} }}")
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    return bool(response.get_json()["boolean"])


@pytest.mark.parametrize("name", ROWS)
def test_a_row_naming_an_unknown_project_is_refused_at_its_cell(client: FlaskClient, token: str, name: str) -> None:
    before = graph(client, NETWORK)
    for mode in ("upsert", "tables"):
        for dry in ("1", "0"):
            for lang, words in (("fr", "projet inconnu : nexiste-pas n'est ni dans l'envoi ni publié par ce réseau ; "
                                       "vérifiez l'identifiant, ou ajoutez le projet à projects.csv"),
                                ("en", "unknown project: nexiste-pas is neither in the submission nor published by "
                                       "this network; check the identifier, or add the project to projects.csv")):
                status, answer, text = post(client, token, name, ROWS[name].format("nexiste-pas"), mode=mode,
                                            lang=lang, **{"dry-run": dry})
                assert status == 422, (mode, dry, text[:2000])
                assert answer["code"] == "sheet-refused"
                assert words in text, text[:2000]
                where = f"{name}, ligne 2, colonne « projet »" if lang == "fr" else f"{name}, row 2, column 'projet'"
                assert where in text, text[:2000]
                assert "vouliez-vous dire" not in text and "did you mean" not in text
    assert graph(client, NETWORK) == before
    assert client.get("/id/project/nexiste-pas").status_code == 404
    assert not mentioned(client, f"{BASE}id/project/nexiste-pas")
    assert mentioned(client, f"{BASE}id/project/cafe-des-parents-rennes", OWNERSHIP)  # the records are seen


@pytest.mark.parametrize("name", ROWS)
def test_a_near_typo_gets_the_closest_project(client: FlaskClient, token: str, name: str) -> None:
    before = graph(client, NETWORK)
    for lang, words in (("fr", "vouliez-vous dire « cafe-des-parents-rennes » ?"),
                        ("en", "did you mean 'cafe-des-parents-rennes'?")):
        status, answer, text = post(client, token, name, ROWS[name].format("cafe-des-parent-rennes"), mode="upsert",
                                    lang=lang)
        assert status == 422, text[:2000]
        assert answer["code"] == "sheet-refused"
        assert words in text and "cafe-des-parent-rennes" in text, text[:2000]
    assert graph(client, NETWORK) == before
    assert client.get("/id/project/cafe-des-parent-rennes").status_code == 404


ORGANISATIONS = {
    "fundings.csv": ("financement,projet,financeur,montant,devise\nf-x,cafe-des-parents-rennes,{},2500,EUR\n",
                     "financeur"),
    "roles.csv": ("role,projet,intitule,type,employeur\nr-x,cafe-des-parents-rennes,Éducatrice,social-worker,{}\n",
                  "employeur"),
}


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_a_row_naming_an_unknown_organisation_is_refused_at_its_cell(client: FlaskClient, token: str,
                                                                     name: str) -> None:
    before = graph(client, NETWORK)
    data, column = ORGANISATIONS[name]
    for mode in ("upsert", "tables"):
        for dry in ("1", "0"):
            for lang, words in (("fr", "organisation inconnue : org-inconnue n'est ni dans l'envoi ni dans la base ; "
                                       "vérifiez l'identifiant, ou ajoutez l'organisation à organisations.csv"),
                                ("en", "unknown organisation: org-inconnue is neither in the submission nor in the "
                                       "knowledge base; check the identifier, or add the organisation to "
                                       "organisations.csv")):
                status, answer, text = post(client, token, name, data.format("org-inconnue"), mode=mode, lang=lang,
                                            **{"dry-run": dry})
                assert status == 422, (mode, dry, text[:2000])
                assert answer["code"] == "sheet-refused"
                assert words in text, text[:2000]
                assert (f"{name}, ligne 2, colonne « {column} »" if lang == "fr"
                        else f"{name}, row 2, column '{column}'") in text, text[:2000]
    status, answer, text = post(client, token, name, data.format("cdas-rennes-nrd"), mode="upsert", lang="fr")
    assert status == 422 and answer["code"] == "sheet-refused", text[:2000]
    assert "vouliez-vous dire « cdas-rennes-nord » ?" in text, text[:2000]
    assert graph(client, NETWORK) == before
    assert not mentioned(client, f"{BASE}id/organisation/org-inconnue")


def test_rows_naming_the_networks_projects_are_taken(client: FlaskClient, token: str) -> None:
    for name, data in ROWS.items():
        status, answer, text = post(client, token, name, data.format("cafe-des-parents-rennes"), mode="upsert",
                                    **{"dry-run": "1"})
        assert status == 200, text[:2000]
        assert [c["class"] for c in answer["changes"]["added"]] in (["Funding"], ["PartnerRole", "PartnerRole",
                                                                                   "Partnership"],
                                                                     ["ProfessionalRole"]), answer["changes"]
    for table in ("fundings.csv", "partners.csv", "roles.csv"):
        answer = send(client, token, NETWORK, {table: (SAMPLE / table).read_bytes()}, mode="upsert",
                      **{"dry-run": "1"})
        assert answer["changes"] == EMPTY


def test_a_withdrawn_project_named_by_a_row_is_refused_as_withdrawn(client: FlaskClient, token: str) -> None:
    lines = (SAMPLE / "projects.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if not line.startswith("ateliers-droits-rennes,"))
    assert kept != "".join(lines)
    answer = send(client, token, NETWORK, {"projects.csv": kept.encode()}, mode="tables")
    assert f"{BASE}id/project/ateliers-droits-rennes" in [c["iri"] for c in answer["changes"]["removed"]]
    assert client.get("/id/project/ateliers-droits-rennes").status_code == 410
    before = graph(client, NETWORK)
    fundings = (SAMPLE / "fundings.csv").read_text(encoding="utf-8")
    for mode in ("upsert", "tables"):
        for dry in ("1", "0"):
            for lang, words in (("fr", "projet retiré : ateliers-droits-rennes a été retiré de la publication par son "
                                       "réseau"),
                                ("en", "withdrawn project: ateliers-droits-rennes was withdrawn from publication by "
                                       "its network")):
                status, answer_, text = post(client, token, "fundings.csv", fundings, mode=mode, lang=lang,
                                             **{"dry-run": dry})
                assert status == 422, text[:2000]
                assert answer_["code"] == "sheet-refused"
                assert words in text, text[:2000]
                assert ("remettez sa ligne dans projects.csv" if lang == "fr"
                        else "put its row back in projects.csv") in text
                assert ("fundings.csv, ligne 4, colonne « projet »" if lang == "fr"
                        else "fundings.csv, row 4, column 'projet'") in text, text[:2000]
    assert graph(client, NETWORK) == before
    assert client.get("/id/project/ateliers-droits-rennes").status_code == 410
    again = send(client, token, NETWORK, {"projects.csv": "".join(lines).encode(),
                                          "fundings.csv": fundings.encode()}, mode="upsert")
    assert f"{BASE}id/project/ateliers-droits-rennes" in [c["iri"] for c in answer_changes(again)]


def answer_changes(answer: dict[str, object]) -> list[dict[str, str]]:
    changes = answer["changes"]
    assert isinstance(changes, dict)
    return [c for k in ("added", "changed") for c in changes[k]]
