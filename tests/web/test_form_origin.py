"""The pages' forms that write or check are accepted from this site's own pages only: the origin of the base IRI
(never the request's Host), a browser's `Sec-Fetch-Site: same-origin` or `none`, or no browser header at all (a
script, whose token is what authorises it). A refusal is a 403 before anything is read or written."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from isic_graph.store.engine import Engine
from isic_graph.store.results import SelectResult
from isic_graph.web import create_app
from isic_graph.web.origin import listening_origins, origin_of, same_site
from isic_graph.web.services import services

BASE = "http://localhost:5000/"
PROJECT = BASE + "id/project/precarite-energetique-roubaix"
ROUTES = ("/sheets/csv", "/sheets", "/sheets/check", "/retract")

ALLOWED = {
    "same-origin-by-base-iri": {"Origin": "http://localhost:5000", "Sec-Fetch-Site": "same-origin"},
    "base-iri-spelt-otherwise": {"Origin": "HTTP://LOCALHOST:5000"},
    "same-origin-served-elsewhere": {"Host": "127.0.0.1:5000", "Origin": "http://localhost:5000"},
    "address-typed-by-the-user": {"Sec-Fetch-Site": "none"},
    "no-browser-headers": {},
}
REFUSED = {
    "cross-site-origin": {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    "origin-null": {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    "fetch-site-cross-site-without-origin": {"Sec-Fetch-Site": "cross-site"},
    "fetch-site-same-site-without-origin": {"Sec-Fetch-Site": "same-site"},
    "host-spoofed-with-matching-origin": {"Host": "evil.example", "Origin": "http://evil.example"},
    "request-host-as-origin": {"Host": "127.0.0.1:5000", "Origin": "http://127.0.0.1:5000"},
    "another-port": {"Origin": "http://localhost:5001"},
    "another-scheme": {"Origin": "https://localhost:5000"},
    "look-alike-host": {"Origin": "http://localhost.evil.example:5000"},
}


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("anas", "ANAS")


def form(route: str, credential: str) -> dict[str, object]:
    """What the route's page sends: a valid credential and, for the upload, a file."""
    if route == "/sheets/csv":
        return {"credential": credential, "files": (io.BytesIO(b"id,name\n"), "projects.csv")}
    if route == "/retract":
        return {"credential": credential, "resource": PROJECT, "reason": "publié par erreur"}
    return {"credential": credential, "project.name": "Un projet"}


def quads(app: Flask) -> int:
    found = services(app).store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(found, SelectResult)
    return int(found.values("n")[0])


@pytest.mark.parametrize("headers", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("route", ROUTES)
def test_a_form_sent_by_another_sites_page_is_refused_and_nothing_is_stored(
        app: Flask, client: FlaskClient, token: str, route: str, headers: dict[str, str]) -> None:
    before = quads(app)
    answer = client.post(route + "?lang=en", data=form(route, token), headers=headers,
                         content_type="multipart/form-data")
    assert answer.status_code == 403, answer.text
    assert answer.get_json()["code"] == "forbidden"
    assert "this form can only be sent from its own page" in answer.text
    assert quads(app) == before
    french = client.post(route + "?lang=fr", data=form(route, token), headers=headers,
                         content_type="multipart/form-data")
    assert french.status_code == 403 and "ce formulaire ne peut être envoyé que depuis sa propre page" in french.text
    assert client.get("/id/project/precarite-energetique-roubaix", headers={"Accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize("headers", ALLOWED.values(), ids=ALLOWED.keys())
@pytest.mark.parametrize("route", ROUTES)
def test_a_form_sent_from_the_sites_own_page_reaches_the_token_check(
        app: Flask, client: FlaskClient, route: str, headers: dict[str, str]) -> None:
    """Let through the origin check, a wrong token is what refuses it (401), and nothing is stored."""
    before = quads(app)
    answer = client.post(route, data=form(route, "not-a-token"), headers=headers, content_type="multipart/form-data")
    assert answer.status_code == 401, answer.text
    assert quads(app) == before


def test_an_api_write_with_its_bearer_token_is_not_a_form(client: FlaskClient, token: str) -> None:
    """The API's routes are not held to the forms' origin: a browser cannot send them another site's request
    (no CORS header answers a write route's preflight)."""
    answer = client.post("/api/networks/anas/retractions?dry-run", json={"resource": PROJECT},
                         headers={"Authorization": f"Bearer {token}", "Origin": "http://evil.example"})
    assert answer.status_code == 200 and "Access-Control-Allow-Origin" not in answer.headers
    preflight = client.options("/api/networks/anas/sheets", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_an_origin_is_compared_on_its_scheme_host_and_port() -> None:
    assert origin_of("https://Example.org") == origin_of("https://example.org:443/") == ("https", "example.org", 443)
    assert origin_of("null") is None and origin_of("file://x") is None and origin_of("http://x:99999") is None
    own = ("https://isic.example.org/", "https://proxy.example.org:8443")
    assert same_site("https://proxy.example.org:8443", None, own)
    assert not same_site("https://proxy.example.org", None, own)
    assert same_site(None, None, own) and same_site(None, "same-origin", own) and not same_site(None, "same-site", own)


def test_the_forms_are_accepted_from_the_origins_the_pages_are_also_served_at(
        engine: Engine, credentials: CredentialStore) -> None:
    """Behind a proxy whose public address is not the base IRI's: that origin is named in the settings."""
    settings = Settings(store_path=None, base_iri=BASE, credentials_path=credentials.path,
                        peers_path=credentials.path.with_name("peers.json"),
                        served_origins=("https://isic.example.org",))
    client = create_app(settings, engine).test_client()
    for route in ROUTES:
        for origin, status in (("https://isic.example.org", 401), ("http://localhost:5000", 401),
                               ("http://isic.example.org", 403), ("https://evil.example", 403)):
            answer = client.post(route, data=form(route, "not-a-token"), headers={"Origin": origin},
                                 content_type="multipart/form-data")
            assert answer.status_code == status, (route, origin, answer.text)


def test_the_address_the_server_listens_at_is_one_of_its_own_origins() -> None:
    """`serve --host 127.0.0.1 --port 5307` with the base IRI http://localhost:5307/: a page opened at
    http://127.0.0.1:5307 sends its forms from there."""
    assert listening_origins("127.0.0.1", 5307) == ("http://127.0.0.1:5307", "http://localhost:5307",
                                                    "http://[::1]:5307")
    assert listening_origins("isic.example.org", 8080) == ("http://isic.example.org:8080",)
    assert listening_origins("0.0.0.0", 5000) == () == listening_origins("::", 5000)
    assert listening_origins("[2001:db8::1]", 80) == ("http://[2001:db8::1]:80",)
    own = ("http://localhost:5307/", *listening_origins("127.0.0.1", 5307))
    assert same_site("http://127.0.0.1:5307", "same-origin", own) and same_site("http://localhost:5307", None, own)
    assert not same_site("http://evil.example", None, own) and not same_site("http://127.0.0.1:5308", None, own)
    assert Settings(served_origins=own[1:]).served_origins == own[1:]  # every one is a valid setting


def test_every_post_route_is_a_checked_form_or_an_api_route(app: Flask) -> None:
    """The forms' routes hold the check; every other POST route is a program's, authorised by its Bearer token."""
    checked, others = set(), set()
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            view = app.view_functions[rule.endpoint]
            (checked if view.__dict__.get("from_own_page") else others).add(rule.rule)
    assert checked == set(ROUTES)
    assert all(route.startswith("/api/") or route in ("/sparql", "/graph-store", "/update") for route in others), others
