"""Every answer carries the security headers, and no page or description reflects the request's Host."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE

HTML_PAGES = ["/", "/query", "/search?q=parole", "/maps", "/sheets/new", "/sheets/csv", "/dumps/", "/ontology",
              "/id/project/les-incompris", "/id/organisation/anas", "/thesaurus/theme/access-to-rights",
              "/sheets/edit?project=" + BASE + "id/project/les-incompris"]
OTHERS = ["/catalog", "/.well-known/void", "/dumps/", "/maps/partnerships.svg", "/ontology/diagram.svg",
          "/api/search?q=parole", "/healthz", "/sparql", "/sparql?query=ASK%7B%7D", "/no/such/page",
          "/id/project/nothing-here", "/static/site.css", "/context.jsonld"]
HOSTS = ["evil.example", "evil.example:8080", "EVIL.example"]


@pytest.mark.parametrize("path", HTML_PAGES + OTHERS)
def test_every_answer_has_the_content_security_policy_and_nosniff(client: FlaskClient, path: str) -> None:
    for _ in range(2):  # the second /sparql?query=… is answered from the result cache
        response = client.get(path, headers={"Accept": "text/html"})
        policy = response.headers.get("Content-Security-Policy", "")
        for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                          "form-action 'self'"):
            assert directive in policy, (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path


@pytest.mark.parametrize("path", HTML_PAGES)
def test_no_page_holds_inline_script_or_style(client: FlaskClient, path: str) -> None:
    import re

    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<style" not in page and " style=" not in page, path
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all(" src=" in s or 'type="application/json"' in s for s in scripts), (path, scripts)
    assert not re.search(r"\son[a-z]+=", page), path


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("path", [p for p in HTML_PAGES + OTHERS if p != "/sparql"] + ["/sparql"])
def test_the_host_header_is_never_reflected(client: FlaskClient, path: str, host: str) -> None:
    for accept in ("text/html", "text/turtle", "application/json", "application/ld+json"):
        response = client.get(path, headers={"Host": host, "Accept": accept, "X-Forwarded-Host": host})
        assert b"evil.example" not in response.data.lower(), (path, accept)
        assert not any("evil.example" in value.lower() for _, value in response.headers.items()), (path, accept)


@pytest.mark.parametrize("path", ["/", "/maps", "/maps/partnerships.svg", "/sheets/new", "/id/project/les-incompris",
                                  "/thesaurus/theme/access-to-rights", HTML_PAGES[-1]])
def test_a_page_asked_under_another_host_is_the_same_render_with_the_same_etag(client: FlaskClient, path: str) -> None:
    first = client.get(path, headers={"Accept": "text/html"})
    etag = first.headers["ETag"]
    for host in HOSTS + ["localhost:5000", "127.0.0.1"]:
        again = client.get(path, headers={"Host": host, "Accept": "text/html", "If-None-Match": etag})
        assert again.status_code == 304 and again.headers["ETag"] == etag, (path, host)


def test_the_home_page_shows_the_configured_base_and_links_within_the_site(client: FlaskClient) -> None:
    page = client.get("/", base_url="https://elsewhere.example/").get_data(as_text=True)
    assert f"<code>{BASE}sparql</code>" in page and 'action="/sparql"' in page and "elsewhere" not in page


@pytest.mark.parametrize("path", ["/id//network/anas", "//id/network/anas", "/dumps//", "/sheets//new", "/maps/",
                                  "/ontology/"])
def test_a_path_with_extra_slashes_is_never_redirected_to_the_host_header(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example", "Accept": "text/html"})
    assert response.status_code in (200, 404), (path, response.status_code)
    assert "evil.example" not in response.headers.get("Location", "") and b"evil.example" not in response.data


@pytest.mark.live  # a dry run's process
def test_the_upload_pages_preview_carrying_the_credential_is_stored_by_no_one(client: FlaskClient,
                                                                             credentials: CredentialStore) -> None:
    """The preview sends the credential back to its confirmation in the page itself: no history nor cache keeps
    it; nor the answer of any other post, whether it worked or not. Pages read with GET are kept, as before."""
    token = credentials.add("entetes", "Entêtes")
    sheet = b"organisation,nom,types\nentetes-org,Association des en-tetes,association\n"
    preview = client.post("/sheets/csv", data={"files": [(io.BytesIO(sheet), "organisations.csv")],
                                               "credential": token}, content_type="multipart/form-data")
    assert f'name="credential" value="{token}"' in preview.get_data(as_text=True), preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "no-store"
    refused = client.post("/sheets/csv", data={"files": [(io.BytesIO(b"x,y\n"), "organisations.csv")],
                                               "credential": token}, content_type="multipart/form-data")
    form = client.post("/sheets/check", data={"project.title": "Essai"}, headers={"Authorization": f"Bearer {token}"})
    for answer in (refused, form):
        assert answer.headers["Cache-Control"] == "no-store", answer.status
    assert client.get("/sheets/csv").headers.get("Cache-Control") != "no-store"
    assert client.get("/id/project/les-incompris", headers={"Accept": "text/html"}).headers["Cache-Control"] == \
        "no-cache"


@pytest.mark.parametrize("path", ["/id/project/les-incompris", "/sparql?query=ASK%7B%7D", "/dumps/network/anas.ttl",
                                  "/maps"])
def test_a_conditional_get_matches_the_etag_weakly_in_any_spelling_rfc_9110_allows(client: FlaskClient,
                                                                                  path: str) -> None:
    """If-None-Match compares weakly: the tag marked weak (as a proxy may send it back), in a list, or `*`."""
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    for sent in (etag, f"W/{etag}", f'"other", {etag}', f'W/"other", W/{etag}', "*"):
        again = client.get(path, headers={"If-None-Match": sent})
        assert again.status_code == 304 and again.data == b"", (path, sent)
    for sent in ('"other"', f"{etag[:-2]}x\"", 'W/"other"'):
        assert client.get(path, headers={"If-None-Match": sent}).status_code == 200, (path, sent)


@pytest.mark.parametrize("path", ["/dumps/network/anas.jsonld", "/dumps/", "/catalog", "/.well-known/void",
                                  "/graph-store?graph=http%3A%2F%2Flocalhost%3A5000%2Fgraph%2Fnetwork%2Fanas",
                                  "/id/project/les-incompris", "/sparql?query=ASK%7B%7D", "/ontology"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_anyone_may_make_is_open_to_another_sites_script(client: FlaskClient, path: str, method: str) -> None:
    """A dump, the catalogue, VoID and the Graph Store's GET sent no CORS header: a script of another site (jsonld.js,
    as the integrators' guide suggests) could not read them."""
    answer = getattr(client, method)(path, headers={"Origin": "https://example.org", "Accept": "*/*"})
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]


def test_a_write_or_a_read_with_a_credential_is_not_opened_to_other_sites(client: FlaskClient) -> None:
    posted = client.post("/api/networks/anas/sheets?dry-run=1", data=b"", content_type="text/turtle",
                         headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in posted.headers
    read = client.get("/dumps/", headers={"Origin": "https://example.org", "Authorization": "Bearer x"})
    assert "Access-Control-Allow-Origin" not in read.headers
