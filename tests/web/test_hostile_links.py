"""Hostile IRIs in the data (a homepage, an organisation, a project, a network named `javascript:…`) are never
clickable on any page or drawing: only http(s) addresses and the site's own paths become links. And such data
is refused at the way in, with a 422 report, through the API and the CSV sheets alike."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import paths
from tests.support.raw import raw_update

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
ISIC = "https://w3id.org/isic/ontology#"
HOSTILE = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(2)", "vbscript:msgbox(3)",
           "data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg=="]
DATA = f"""PREFIX isic: <{ISIC}> PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
INSERT DATA {{ GRAPH <{BASE}graph/network/hostile> {{
  <{BASE}id/organisation/hostile> a isic:Organisation ; rdfs:label "Organisation piège" ;
      foaf:homepage <{HOSTILE[0]}> .
  <{HOSTILE[1]}> a isic:Organisation ; rdfs:label "Organisation piège deux" ; foaf:homepage <{HOSTILE[3]}> .
  <{BASE}id/project/hostile> a isic:Project ; dcterms:title "Projet piège"@fr ;
      isic:theme <https://w3id.org/isic/thesaurus/theme/access-to-rights> ;
      isic:carriedBy <{HOSTILE[1]}> , <{BASE}id/organisation/hostile> ;
      isic:funding [ isic:funder <{HOSTILE[1]}> ] ; dcat:downloadURL <{HOSTILE[2]}> .
  <{HOSTILE[2]}> a isic:Project ; dcterms:title "Projet piège trois"@fr ;
      isic:theme <https://w3id.org/isic/thesaurus/theme/access-to-rights> ; isic:carriedBy <{HOSTILE[1]}> .
  <{BASE}id/sheet/hostile> isic:describes <{BASE}id/project/hostile> , <{HOSTILE[2]}> ;
      prov:wasAttributedTo <{HOSTILE[0]}> .
}} }}"""
PAGES = ["/id/organisation/hostile", "/id/project/hostile", "/id/sheet/hostile", "/maps", "/maps/partnerships.svg",
         "/maps/coverage-territories.svg", "/maps/coverage-categories.svg", "/search?q=pi%C3%A8ge",
         "/thesaurus/theme/access-to-rights", "/"]


class Links(HTMLParser):
    """Every address a page or drawing would follow: href, xlink:href, src, action, formaction."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v or "" for k, v in attrs if k in ("href", "xlink:href", "src", "action", "formaction")]

    handle_startendtag = handle_starttag


def followable(value: str) -> bool:
    """Whether a browser would follow the address to something other than an http(s) page or this site."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return scheme is not None and scheme.group(1).lower() not in ("http", "https")


@pytest.fixture(scope="module")
def hostile(client_module: FlaskClient) -> FlaskClient:
    raw_update(client_module.application, DATA)  # into a network's graph, which /update does not write
    return client_module


@pytest.fixture(scope="module")
def client_module(app: object) -> FlaskClient:
    return app.test_client()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_or_drawing_links_to_anything_but_http_or_the_site(hostile: FlaskClient, path: str) -> None:
    response = hostile.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.data[:300])
    parser = Links()
    parser.feed(response.get_data(as_text=True))
    assert parser.found, path
    assert not [link for link in parser.found if followable(link)], path


def test_the_hostile_values_are_still_shown_as_text(hostile: FlaskClient) -> None:
    page = hostile.get("/id/organisation/hostile.html").get_data(as_text=True)
    assert "javascript:alert(document.domain)" in page and 'href="javascript' not in page.lower()
    project = hostile.get("/id/project/hostile.html").get_data(as_text=True)
    assert "Organisation piège deux" in project and 'href="/id/organisation/hostile"' in project


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("demo", "Réseau de démonstration")


def dataset(client: FlaskClient) -> bytes:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/n-triples"})
    return b"\n".join(sorted(response.data.splitlines()))


@pytest.mark.parametrize("address", [*HOSTILE, "JAVASCRIPT:alert(1)", "file:///etc/passwd", "ftp://example.org/x",
                                     "mailto:contact@example.org"])
def test_a_homepage_that_is_not_http_is_refused_with_a_bilingual_report(client_module: FlaskClient, token: str,
                                                                        address: str) -> None:
    before = dataset(client_module)
    sheet = VALID.read_text().replace("<https://centre-social.example.org/>", f"<{address}>")
    assert address in sheet
    for lang, words in (("fr", "http:// ou https://"), ("en", "http:// or https://")):
        response = client_module.post("/api/networks/demo/sheets", data=sheet.encode(), content_type="text/turtle",
                                      headers={**bearer(token), "Accept-Language": lang})
        assert response.status_code == 422, response.json
        assert words in str(response.json) and "homepage" in str(response.json)
    assert dataset(client_module) == before


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize("address", ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)",
                                     "data:text/html,x", "vbscript:msgbox(1)"])
def test_a_csv_site_web_that_is_not_http_is_refused_with_its_row_and_column(client_module: FlaskClient,
                                                                           credentials: CredentialStore,
                                                                           address: str) -> None:
    def files() -> list[tuple[io.BytesIO, str]]:
        found = [(io.BytesIO(p.read_bytes()),
                  p.name) for p in sorted((ROOT / "samples" / "action-sociale-35").glob("*.csv"))
                 if p.name != "network.csv"]
        return found + [(io.BytesIO(f"reseau,nom,site_web\naction-sociale-35,Service,\"{address}\"\n".encode()),
                         "network.csv")]

    before = dataset(client_module)
    token = credentials.add("action-sociale-35", "Action sociale 35")
    response = client_module.post("/api/validate?network=action-sociale-35", data={"files": files()},
                                  content_type="multipart/form-data",
                                  headers={"Accept-Language": "en", "Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.json
    assert "http:// or https://" in str(response.json) and "network.csv" in str(response.json)
    page = client_module.post("/sheets/csv?lang=fr", data={"files": files(), "credential": token},
                              content_type="multipart/form-data")
    assert page.status_code == 422, page.get_data(as_text=True)
    assert "site_web" in page.get_data(as_text=True) and "http:// ou https://" in page.get_data(as_text=True)
    assert dataset(client_module) == before
