"""Pages read as pages, in one language: on the samples as `init --samples` loads them, each page of the French
interface is in French and each page of the English one in English; resources, classes, graphs, networks and
datatypes go by their names (their IRI or prefixed name kept as a title, a link or code for analysts), and the
reference counts what init loads."""

from __future__ import annotations

import html
import json
import re
import time
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph.publish.reference import reference
from isic_graph.rdf.namespaces import ISIC, XSD
from tests.conftest import BASE

LANGUAGES = {"fr": {"Accept-Language": "fr-FR,fr;q=0.9"}, "en": {"Accept-Language": "en-GB,en;q=0.9"}}
HTML = {"Accept": "text/html"}
MAX_PAGES, MAX_SECONDS = 900, 240
CURIE = re.compile(r"\b(?:isic|isics|xsd|rdf|rdfs|owl|skos|dcterms|prov|foaf|org|void|schema|sh):[A-Za-z_]")
RAW = re.compile(r"^\s*(?:%s)?(?:id|graph)/[\w-]+" % re.escape(BASE))


def page(client: FlaskClient, path: str, lang: str, asked: str = "header") -> str:
    url = path if asked == "header" else path + ("&" if "?" in path else "?") + f"lang={lang}"
    response = client.get(url, headers={**HTML, **LANGUAGES[lang]})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def section(text: str, start: str, end: str) -> str:
    found = text[text.index(start):]
    return found[:found.index(end)]


def shown(text: str) -> str:
    """What a reader sees as words: not code, scripts, drawings, the page's title, nor attributes."""
    text = re.sub(r"<(script|style|svg|textarea|pre|code|title)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def link_texts(text: str) -> list[tuple[str, str]]:
    """Each link of a page with its text (code within it left out): (href, text)."""
    return [(html.unescape(href), shown(inner).strip())
            for href, inner in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', text, flags=re.S)]


# ---------------------------------------------------------------- the ontology page

@pytest.mark.parametrize("asked", ["header", "query"])
def test_how_to_ask_is_in_the_page_s_language_with_its_code_as_code(client: FlaskClient, asked: str) -> None:
    french = section(page(client, "/ontology", "fr", asked), '<details id="ask"', "</details>")
    english = section(page(client, "/ontology", "en", asked), '<details id="ask"', "</details>")
    for text in (french, english):
        assert "`" not in text and "lang=" not in text
        assert re.search(r"<code>[^<]*graph/network/[^<]*</code>", text)
        assert "<code>isic:CollectionSheet</code>" in text and "<code>prov:wasAttributedTo</code>" in text
        assert not CURIE.search(shown(text))  # every prefixed name it mentions is code
    assert "Graphes nommés" in french and "Named graphs" not in french and "Which network" not in french
    assert "chaque triplet une fois" in french
    assert "Named graphs" in english and "Graphes nommés" not in english and "each triple once" in english


def test_the_analysts_reference_says_how_to_ask_in_english_with_the_same_code() -> None:
    from isic_graph.publish.reference_text import IDIOMS

    def codes(text: str) -> list[str]:
        return text.split("`")[1::2]

    assert [sorted(codes(t)) for _, t in IDIOMS["fr"]] == [sorted(codes(t)) for _, t in IDIOMS["en"]]


@pytest.mark.parametrize("lang, words", [("fr", {"decimal": "nombre décimal", "integer": "nombre entier",
                                                 "date": "date", "boolean": "oui ou non", "string": "texte"}),
                                         ("en", {"decimal": "decimal number", "integer": "whole number",
                                                 "date": "date", "boolean": "yes or no", "string": "text"})])
def test_ranges_are_said_in_words_and_keep_their_datatype_iri(client: FlaskClient, lang: str,
                                                              words: dict[str, str]) -> None:
    text = page(client, "/ontology", lang)
    for datatype, word in words.items():
        iri = XSD + datatype
        assert f'<span title="{iri}"><a href="{iri}">{word}</a></span>' in text, datatype
    amount = section(text, '<section id="amount">', "</section>")
    assert f'<a href="{XSD}decimal">{words["decimal"]}</a>' in amount
    assert not re.search(r"\bxsd:", shown(text))


def test_the_ontology_page_names_each_class_by_its_label_in_the_page_s_language(client: FlaskClient) -> None:
    french, english = page(client, "/ontology", "fr"), page(client, "/ontology", "en")
    project = section(french, '<section id="Project">', "</summary>")
    assert "Projet ISIC" in project and "<code>isic:Project</code>" in project and "ISIC project" not in project
    assert "ISIC project" in section(english, '<section id="Project">', "</summary>")
    assert "Instances dans les exemples : 11" in section(french, '<section id="Project">', '<section id="Lesson">')


@pytest.mark.parametrize("lang, title, caption, other",
                         [("fr", "Classes de l'ontologie ISIC", "Projet ISIC", "ISIC project"),
                          ("en", "ISIC ontology classes", "ISIC project", "Projet ISIC")])
def test_the_class_diagram_is_in_the_page_s_language(client: FlaskClient, lang: str, title: str, caption: str,
                                                     other: str) -> None:
    drawing = client.get("/ontology/diagram.svg", headers=LANGUAGES[lang])
    assert "Accept-Language" in drawing.vary
    svg = html.unescape(drawing.get_data(as_text=True))
    assert f"<title>{title}</title>" in svg and caption in svg and other not in svg
    figure = section(page(client, "/ontology", lang), '<figure class="diagram">', "</figure>")
    assert caption in html.unescape(figure) and other not in html.unescape(figure)


# ---------------------------------------------------------------- the home page

@pytest.mark.parametrize("asked", ["header", "query"])
def test_the_french_home_page_is_french_and_names_graphs_and_classes(client: FlaskClient, asked: str) -> None:
    text = page(client, "/", "fr", asked)
    words = shown(text)
    assert "taught them" not in words and "Each resource counted once" not in words
    assert not re.search(r'<(?!a\b)[a-z0-9]+[^>]*\blang="en"', text)  # no block in English, but the switch
    assert "Association nationale des assistants de service social" in words  # the anas network's label
    assert "thésaurus" in words and "propriété des ressources" in words
    assert re.search(r'title="isic:Project">Projet[^<]*</a>', text)  # a class by its label, its name kept
    assert f'href="/graph/network/anas" title="{BASE}graph/network/anas"' in text
    assert not CURIE.search(words)
    assert not [t for _, t in link_texts(text) if RAW.match(t) or t.startswith("http://localhost")]


def test_the_english_home_page_is_english(client: FlaskClient) -> None:
    words = shown(page(client, "/", "en"))
    assert "Each resource counted once" in words and "ownership of resources" in words
    assert "Chaque ressource" not in words and "Graphe de connaissances" not in words
    assert "graph of the network National Association of Social Workers (ANAS)" in words


@pytest.mark.parametrize("lang, said, unsaid",
                         [("fr", ["Réseau des partenariats", "Logement"], ["Partnership network"]),
                          ("en", ["Partnership network", "Housing"], ["Réseau des partenariats", "Logement"])])
def test_the_maps_and_their_drawings_are_in_the_page_s_language(client: FlaskClient, lang: str, said: list[str],
                                                                unsaid: list[str]) -> None:
    text = html.unescape(page(client, "/maps", lang))
    drawing = html.unescape(client.get("/maps/partnerships.svg", headers=LANGUAGES[lang]).get_data(as_text=True))
    assert said[0] in drawing and unsaid[0] not in drawing and " / " not in shown(text)
    assert all(s in text for s in said) and not [u for u in unsaid if u in text]


# ---------------------------------------------------------------- provenance

def test_a_project_s_provenance_names_its_sheet_network_and_graph(client: FlaskClient) -> None:
    text = page(client, "/id/project/epicerie-solidaire-grenoble", "fr")
    box = section(text, '<section id="provenance">', "</section>")
    network = "Fédération des centres sociaux et socioculturels de France"
    assert f'<a href="/id/network/fcsf">{network}</a>' in box
    assert f'<a href="/graph/network/fcsf">graphe du réseau {network}</a>' in box
    assert "fiche de collecte du 30 janvier 2018" in box
    assert '<a href="/id/sheet/epicerie-solidaire-grenoble">L&#39;Épicerie du lien' in box
    assert not [raw for raw in (">id/sheet/", ">graph/network/", ">fcsf<", ">id/network/") if raw in box]


@pytest.mark.parametrize("path", ["/id/lesson/es-bureau-restreint", "/id/organisation/centre-social-la-ruche",
                                  "/id/participation/es-usagers-copil", "/id/funding/es-ccas",
                                  "/id/partner-role/es-ccas", "/id/sheet/les-incompris", "/id/network/anas",
                                  "/id/project/ateliers-droits-rennes", "/id/group/ad-allocataires"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_kind_of_resource_s_provenance_goes_by_names(client: FlaskClient, path: str, lang: str) -> None:
    text = page(client, path, lang)
    box = section(text, '<section id="provenance">', "</section>")
    texts = [t for _, t in link_texts(box)]
    assert texts and not [t for t in texts if RAW.match(t) or re.fullmatch(r"[a-z0-9-]+", t)], texts
    assert ("graphe du réseau " if lang == "fr" else "graph of the network ") in box


# ---------------------------------------------------------------- the reference's counts

def test_the_reference_counts_the_instances_init_loads_from_every_sample_network(client: FlaskClient) -> None:
    query = ("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
             f"FILTER(STRSTARTS(STR(?g), '{BASE}graph/network/')) }} GROUP BY ?c")
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    stored = {r["c"]["value"]: int(r["n"]["value"]) for r in json.loads(answer.data)["results"]["bindings"]}
    counted = {c.iri: c.instances for c in reference().classes if c.instances}
    classes = {d.iri for d in reference().classes}
    assert counted == {c: n for c, n in stored.items() if c in classes}
    assert counted[ISIC + "Project"] == 11 and counted[ISIC + "Lesson"] == 42  # the CSV network's included


# ---------------------------------------------------------------- every page, crawled

def crawl(client: FlaskClient, lang: str) -> tuple[set[str], list[str]]:
    """Every HTML page reachable from / (within the site, in one language), each asked once and read once: the
    paths seen, and what is wrong on them (see the test below)."""
    todo, seen, faults = ["/"], set(), []
    deadline = time.monotonic() + MAX_SECONDS
    while todo and len(seen) < MAX_PAGES and time.monotonic() < deadline:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers={**HTML, **LANGUAGES[lang]})
        if response.status_code == 429 or response.status_code >= 500:  # a page not read is a fault, not a skip
            faults.append(f"{path}: answered {response.status_code}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        text = response.get_data(as_text=True)
        links = link_texts(text)
        faults += [f"{path}: {m}" for m in sorted(set(CURIE.findall(shown(text))))]
        faults += [f"{path}: link {t!r}" for _, t in links if RAW.match(t)]
        if lang == "fr":
            faults += [f"{path}: English block" for _ in re.findall(r'<(?!a\b)[a-z0-9]+[^>]*\blang="en"[^>]*>'
                                                                    r'(?!English<)', text)]
        for href, _ in links:
            address = urlsplit(urljoin(BASE + path.lstrip("/"), href))
            if address.netloc != urlsplit(BASE).netloc or f"lang={'en' if lang == 'fr' else 'fr'}" in address.query:
                continue
            if re.search(r"\.(ttl|jsonld|nt|rdf|svg|png|csv|json|xlsx|ods|nq|gz|zip)$", address.path) \
                    or address.path.startswith(("/sparql", "/dumps", "/graph-store")) \
                    or (address.path == "/query" and address.query):
                continue
            todo.append(address.path + (f"?{address.query}" if address.query else ""))
    return seen, faults


@pytest.fixture(scope="module")
def crawled(app: Flask) -> dict[str, tuple[set[str], list[str]]]:
    """The site crawled once in each language, one after the other (the second asks the store little: a page's
    answers are kept until the next write, whatever its language), each from an address of its own: a client of
    its own, with its own share of the costly requests (web/limits.py)."""
    clients = {lang: app.test_client() for lang in LANGUAGES}
    for number, client in enumerate(clients.values()):
        client.environ_base["REMOTE_ADDR"] = f"127.0.0.{number + 2}"
    return {lang: crawl(client, lang) for lang, client in clients.items()}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_shows_a_prefixed_name_or_a_raw_address_where_a_name_is_due(
        crawled: dict[str, tuple[set[str], list[str]]], lang: str) -> None:
    """Every HTML page reachable from / (within the site, in one language): no isic:, xsd: or other prefixed
    name shown as words (they may be code, or a title), no link whose text is an instance's raw address
    (`{base}id/…`, `id/…`, `graph/…`) and, in French, no block said in English."""
    seen, faults = crawled[lang]
    assert len(seen) > 300, f"only {len(seen)} pages crawled"
    assert {"/ontology", "/shapes", "/maps"} <= seen and any(p.startswith("/retract?") for p in seen)
    assert not faults, faults[:40]
