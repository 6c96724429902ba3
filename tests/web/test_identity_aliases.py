"""A network describing its own organisation or territory with another's identifier (SIRET, RNA, INSEE code)
is linked to it by the identity graph, but its words never become the other's: on the owner's page (HTML in
French and English, Turtle) the alias shows only attributed to its network, and the merged view (home page,
maps) names each merged resource by its first owner's name while counting it once."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import BASE, bearer
from tests.support import paths

PREFIXES = """@prefix isic: <https://w3id.org/isic/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# the alias IRIs sort before the owners' (`aaa-…` < `ville-…`), so a merged view by the least IRI would take them
TWINS = PREFIXES + """
<id/organisation/aaa-rennes> a isic:Organisation ; rdfs:label "PWNED Rennes"@fr , "PWNED City"@en ;
  skos:prefLabel "PWNED pref"@fr ; isic:siret "21350238800019" ;
  isic:actorType <https://w3id.org/isic/thesaurus/actor-type/local-authority> .
<id/organisation/aaa-theatre> a isic:Organisation ; rdfs:label "PWNED Théâtre"@fr ; isic:rna "W313004521" ;
  isic:actorType <https://w3id.org/isic/thesaurus/actor-type/association> .
<id/organisation/aaa-caf> a isic:Organisation ; rdfs:label "PWNED CAF"@fr ; isic:siret "53451234800010" ;
  isic:actorType <https://w3id.org/isic/thesaurus/actor-type/public-service> .
<id/project/aaa-projet> a isic:Project ; dcterms:title "Projet attaquant"@fr ;
  dcterms:description "Un projet porté par les alias."@fr ; isic:startDate "2015-03-01"^^xsd:date ;
  isic:status <https://w3id.org/isic/thesaurus/project-status/ongoing> ;
  isic:theme <https://w3id.org/isic/thesaurus/theme/parenting> ;
  isic:carriedBy <id/organisation/aaa-caf> , <id/organisation/aaa-rennes> , <id/organisation/aaa-theatre> .
<id/territory/aaa-rennes> a isic:Territory ; rdfs:label "PWNED Rennes territoire"@fr ; isic:inseeCode "35238" ;
  isic:territoryLevel <https://w3id.org/isic/thesaurus/territory-level/commune> .
"""
OWNERS = ["/id/organisation/ville-de-rennes", "/id/organisation/compagnie-theatre-de-l-ordinaire",
          "/id/organisation/caf-ille-et-vilaine", "/id/territory/commune/35238"]
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
PAGES = [*OWNERS, "/id/territory/commune/31555", "/id/territory/departement/35", "/id/project/cafe-des-parents-rennes",
         "/id/project/ateliers-droits-rennes"]


@pytest.fixture(scope="module")
def attacked(app: object, credentials: CredentialStore) -> FlaskClient:
    client: FlaskClient = app.test_client()  # type: ignore[attr-defined]
    token = credentials.add("attacker", "Réseau attaquant")
    response = client.post("/api/networks/attacker/sheets?mode=upsert", data=TWINS.encode(),
                           content_type="text/turtle", headers=bearer(token))
    assert response.status_code in (200, 201), response.data[:500]
    return client


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode("utf-8"))


def test_the_identity_graph_links_the_twins(attacked: FlaskClient) -> None:
    ask = f"""ASK {{ GRAPH <{BASE}graph/derived/identity> {{
        <{BASE}id/organisation/ville-de-rennes> <{SAME_AS}> <{BASE}id/organisation/aaa-rennes> .
        <{BASE}id/organisation/compagnie-theatre-de-l-ordinaire> <{SAME_AS}> <{BASE}id/organisation/aaa-theatre> .
        <{BASE}id/territory/commune/35238> <{SAME_AS}> <{BASE}id/territory/aaa-rennes> }} }}"""
    response = attacked.get("/sparql", query_string={"query": ask},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.json["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_an_alias_name_is_never_the_owners_name_or_fact(attacked: FlaskClient, path: str, lang: str) -> None:
    page = text_of(attacked.get(path, headers={"Accept": "text/html", "Accept-Language": lang}).data)
    title = re.search(r"<title>(.*?)</title>", page)
    assert title is not None and "PWNED" not in title.group(1)
    assert "PWNED" not in re.search(r"<h1>(.*?)</h1>", page).group(1)  # type: ignore[union-attr]
    assert not re.search(r"<small>[^<]*PWNED", page), path  # no key fact of it or of what it lists
    outside = re.sub(r'<section id="provenance">.*?</section>', "", page)
    assert "PWNED" not in outside, path  # the alias shows only among its provenance, attributed


@pytest.mark.parametrize(("lang", "words"), [("fr", "Aussi décrit par le réseau"),
                                             ("en", "Also described by network")])
@pytest.mark.parametrize("path", OWNERS)
def test_the_alias_shows_attributed_to_its_network(attacked: FlaskClient, path: str, lang: str, words: str) -> None:
    page = text_of(attacked.get(path, headers={"Accept": "text/html", "Accept-Language": lang}).data)
    found = re.search(r'<a href="(/id/[a-z]+/aaa-[a-z-]+)">([^<]*)</a>', page)
    assert found is not None, path
    said = found.group(2)
    assert words in said and ("attacker" in said or "Réseau attaquant" in said) and "PWNED" in said


@pytest.mark.parametrize("path", OWNERS)
@pytest.mark.parametrize(("accept", "form"), [("text/turtle", RdfFormat.TURTLE),
                                              ("application/ld+json", RdfFormat.JSON_LD),
                                              ("application/n-triples", RdfFormat.N_TRIPLES)])
def test_the_alias_label_is_only_ever_said_of_the_alias(attacked: FlaskClient, path: str, accept: str,
                                                       form: RdfFormat) -> None:
    response = attacked.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    said = [t for t in parse(response.data, form, base_iri=BASE + path[1:]) if "PWNED" in str(t.object)]
    assert said  # the alias is linked data too: its label is there, said of it
    assert {t.subject.value.rsplit("/", 1)[-1] for t in said} <= {"aaa-rennes", "aaa-theatre", "aaa-caf"}


def test_the_home_page_counts_each_twin_once(attacked: FlaskClient) -> None:
    query = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <https://w3id.org/isic/ontology#Organisation> }"
    answer = attacked.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"}).json
    assert answer is not None
    total = int(answer["results"]["bindings"][0]["n"]["value"])
    page = text_of(attacked.get("/", headers={"Accept-Language": "en"}).data)
    row = re.search(r"Organisation</a>\s*</td>\s*<td[^>]*>\s*(\d+)", page)
    assert row is not None
    # four IRIs are twins of another: the second CAF of the samples and the three the attacker gives
    assert int(row.group(1)) == total - 4


def test_maps_draw_a_twin_once_under_its_first_owners_name(attacked: FlaskClient) -> None:
    page = text_of(attacked.get("/maps", headers={"Accept-Language": "fr"}).data)
    for owner in OWNERS:  # an alias may be listed under its own IRI, never as the owner's name
        assert not re.search(f'value="{BASE}{owner[1:]}">[^<]*PWNED', page), owner
    svg = attacked.get("/maps/partnerships.svg").data.decode()
    assert "PWNED" not in svg  # the attacker's project joins the CAF, Rennes and the theatre under their names
    assert "Projet attaquant" in attacked.get("/id/project/aaa-projet", headers={"Accept": "text/html"}).data.decode()
    nodes = set(re.findall(r'href="/id/organisation/([^"]+)"', svg))
    assert {"caf-ille-et-vilaine", "ville-de-rennes", "compagnie-theatre-de-l-ordinaire"} <= nodes
    assert not nodes & {"caf-35", "aaa-caf", "aaa-rennes", "aaa-theatre"}  # one node each, the first owner's


def test_the_lessons_about_an_organisation_name_it_by_its_first_owner(attacked: FlaskClient) -> None:
    query = (paths.ROOT / "queries" / "cq11-lessons-about-an-organisation.rq").read_text(encoding="utf-8")
    answer = attacked.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"}).json
    assert answer is not None
    rows = answer["results"]["bindings"]
    caf = [r for r in rows if r["organisation"]["value"] == f"{BASE}id/organisation/aaa-caf"]
    assert caf  # the group stands under its least IRI, the attacker's, for counting
    assert {r["organisationLabel"]["value"] for r in caf} == {"Caisse d'allocations familiales d'Ille-et-Vilaine"}
    assert not [r for r in rows if "PWNED" in r.get("organisationLabel", {}).get("value", "")]


def test_a_copy_another_network_keeps_of_a_name_is_not_the_owners(attacked: FlaskClient,
                                                                  credentials: CredentialStore) -> None:
    # anas (the owner) renames the Ville de Rennes; action-sociale-35 still lists it under the old name
    renamed = PREFIXES + """<id/organisation/ville-de-rennes> a isic:Organisation ; rdfs:label "Mairie de Rennes"@fr ;
      isic:actorType <https://w3id.org/isic/thesaurus/actor-type/local-authority> ; isic:siret "21350238800019" ;
      isic:territory <id/territory/commune/35238> ."""
    response = attacked.post("/api/networks/anas/sheets?mode=upsert", data=renamed.encode(),
                             content_type="text/turtle", headers=bearer(credentials.add("anas", "ANAS")))
    assert response.status_code in (200, 201), response.data[:500]
    stale = attacked.get("/sparql", query_string={"query": f"""ASK {{ GRAPH <{BASE}graph/network/action-sociale-35>
        {{ <{BASE}id/organisation/ville-de-rennes> ?p "Ville de Rennes"@fr }} }}"""},
                         headers={"Accept": "application/sparql-results+json"}).json
    assert stale is not None and stale["boolean"] is True
    for lang in ("fr", "en"):
        page = text_of(attacked.get("/id/organisation/ville-de-rennes",
                                    headers={"Accept": "text/html", "Accept-Language": lang}).data)
        assert "Mairie de Rennes" in page and "Ville de Rennes" not in page
        commune = text_of(attacked.get("/id/territory/commune/35238",
                                       headers={"Accept": "text/html", "Accept-Language": lang}).data)
        assert "Mairie de Rennes" in commune and "Ville de Rennes" not in commune
    svg = attacked.get("/maps/partnerships.svg").data.decode()
    assert "Mairie de Rennes" in svg and "Ville de Rennes" not in svg
