"""A sheet's `reseau` cell naming another network than the one it is sent for: said in the sheet's words."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.support.oxigraph_server import Watched
from tests.support.sheet_mistakes import NETWORK, sample, written


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


@pytest.mark.parametrize("cell", ["anas", "fcsf", "reseau-inconnu"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_network_cell_naming_another_network_says_which_to_write(client: FlaskClient, token: str, seen: Watched,
                                                                   cell: str, lang: str) -> None:
    """It said « <http://…/id/sheet/…> est attribué à <http://…/id/network/anas> », no column and no fix."""
    rows = [list(r) for r in sample()["projects.csv"]]
    rows[1][rows[0].index("reseau")] = cell
    before = seen.now()
    answer = client.post(f"/api/networks/{NETWORK}/sheets", headers={**bearer(token), "Accept-Language": lang},
                         data={"files": [(io.BytesIO(written(rows, ";")), "projects.csv")]},
                         content_type="multipart/form-data")
    assert answer.status_code == 400, answer.json
    detail = answer.json["detail"]
    if lang == "fr":
        assert detail.startswith("[projects.csv, ligne 2] le réseau est « " + cell + " », mais la fiche est envoyée "
                                 f"pour le réseau « {NETWORK} » : écrivez « {NETWORK} » dans la colonne « reseau »")
    else:
        assert f"write '{NETWORK}' in the column 'reseau'" in detail
    assert "http" not in detail
    assert before.unchanged()


def test_the_downloaded_sheet_archive_sent_back_whole_says_to_unzip_it(client: FlaskClient, token: str) -> None:
    """The site's own download (/sheets/current.zip) sent as it is was told to use .ttl, .jsonld…"""
    archive = client.get("/sheets/current.zip", query_string={"network": NETWORK}).data
    answer = client.post(f"/api/networks/{NETWORK}/sheets?dry-run=1", headers={**bearer(token),
                                                                              "Accept-Language": "fr"},
                         data={"files": [(io.BytesIO(archive), "current.zip")]}, content_type="multipart/form-data")
    assert answer.status_code == 415
    assert "« current.zip » est une archive : décompressez-la, puis déposez les fichiers CSV" in answer.json["detail"]
