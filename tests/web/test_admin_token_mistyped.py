"""A token on an administrator's route that is nobody's (mistyped, revoked) is told 401 `unauthorized`, with
`WWW-Authenticate`, as on every other route: a 403 said the operation was reserved to the administrator, to the
administrator. A network's token there is still 403 `forbidden`."""

from __future__ import annotations

from typing import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support.oxigraph_server import Watched

NT = f"<{BASE}id/thing/t> <http://www.w3.org/2000/01/rdf-schema#label> \"t\" .\n"
Call = Callable[[FlaskClient, dict[str, str]], TestResponse]
ROUTES: dict[str, Call] = {
    "update": lambda c, h: c.post("/update", data={"update": f"INSERT DATA {{ GRAPH <{BASE}graph/x> {{ {NT} }} }}"},
                                  headers=h),
    "update, direct": lambda c, h: c.post("/update", data=f"CLEAR GRAPH <{BASE}graph/x>",
                                          content_type="application/sparql-update", headers=h),
    "graph store put": lambda c, h: c.put("/graph-store", query_string={"graph": BASE + "graph/x"}, data=NT,
                                          content_type="application/n-triples", headers=h),
    "graph store post default": lambda c, h: c.post("/graph-store?default", data=NT,
                                                    content_type="application/n-triples", headers=h),
    "graph store delete": lambda c, h: c.delete("/graph-store", query_string={"graph": BASE + "graph/x"}, headers=h),
    "harvest": lambda c, h: c.post("/api/harvest", headers=h),
    "deep health": lambda c, h: c.get("/healthz?store=write", headers=h),
}


@pytest.fixture(scope="module")
def network_token(credentials: CredentialStore) -> str:
    return credentials.add("tapeur", "Tapeur")


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
@pytest.mark.parametrize(("lang", "words"), [("fr", "jeton inconnu ou révoqué"), ("en", "unknown or revoked token")])
def test_a_mistyped_token_on_an_administrators_route_is_unauthorized(client: FlaskClient, seen: Watched, route: Call,
                                                                     lang: str, words: str) -> None:
    before = seen.now()
    answer = route(client, {**bearer("admin-tokne"), "Accept-Language": lang})
    assert answer.status_code == 401, answer.get_data(as_text=True)
    assert answer.get_json()["code"] == "unauthorized" and words in answer.get_json()["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert before.unchanged()


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
def test_a_networks_token_on_an_administrators_route_is_forbidden(client: FlaskClient, network_token: str,
                                                                  route: Call) -> None:
    answer = route(client, bearer(network_token))
    assert answer.status_code == 403, answer.get_data(as_text=True)
    assert answer.get_json()["code"] == "forbidden" and "administrator" in answer.get_json()["detail"]
