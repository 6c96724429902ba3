"""Full-text search: accents and inflections ignored, ranked, faceted, kept up with every write."""

from __future__ import annotations

import random
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.bootstrap import init_store
from isic_graph.errors import UsageError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.publish import search as search_module
from isic_graph.publish.search import SearchIndex, stems
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.support import paths

BASE = "http://localhost:5000/"
THEME = "https://w3id.org/isic/thesaurus/theme/"
CATEGORY = "https://w3id.org/isic/thesaurus/lesson-category/"
GRAPHS = Graphs(BASE)
REPRISALS = f"{BASE}id/lesson/cl-obstacle-peur-des-represailles"


@pytest.fixture(scope="module")
def store(validator: Validator) -> EmbeddedStore:
    store = EmbeddedStore(None)
    init_store(store, GRAPHS, validator, samples=True)
    return store


@pytest.fixture(scope="module")
def index(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """The samples' index, made once: the tests that take it only search it."""
    index = SearchIndex(tmp_path_factory.mktemp("search") / "search.sqlite")
    index.sync(store, GRAPHS)
    return index


@pytest.mark.parametrize("written, typed", [("représailles", "represailles"), ("hébergement", "Hebergements"),
                                            ("numérique", "NUMERIQUES"), ("élus", "elus")])
def test_a_word_is_found_whatever_its_accents_case_and_plural(written: str, typed: str) -> None:
    assert set(stems(written)) & set(stems(typed))


def test_a_lesson_is_found_by_a_word_typed_without_its_accents(index: SearchIndex) -> None:
    result = index.search("represailles")
    assert [hit.iri for hit in result.hits][:1] == [REPRISALS]
    assert "représailles" in result.hits[0].snippet and result.hits[0].title.startswith("Beaucoup de locataires")


def test_every_word_must_match_and_titles_weigh_more(index: SearchIndex) -> None:
    both = {hit.iri for hit in index.search("peur bailleur").hits}
    assert REPRISALS in both
    assert both <= {hit.iri for hit in index.search("peur").hits}
    assert index.search("peur zyxwvut").total == 0
    holidays = index.search("vacances")
    assert "vacances" in holidays.hits[0].title.lower()  # in the title: ranked before mentions in the text


@pytest.mark.parametrize("words", ["poverty", "warm", "tenants collective"])
def test_a_resource_is_found_by_its_title_in_another_language(index: SearchIndex, words: str) -> None:
    """A project titled in French and in English: its English title's words find it (only the French one was read)."""
    hits = [hit for hit in index.search(words).hits if hit.iri == f"{BASE}id/project/precarite-energetique-roubaix"]
    assert hits and not hits[0].title.startswith("At home")  # shown by its French title


@pytest.mark.parametrize("words", ["groceries", "grocery", "Groceries run"])
def test_an_english_word_is_found_in_its_other_forms(index: SearchIndex, words: str) -> None:
    """English words were stemmed as French: "grocery" found the project titled "The Link Grocery", "groceries" not."""
    assert f"{BASE}id/project/epicerie-solidaire-grenoble" in {hit.iri for hit in index.search(words).hits}


def test_facets_count_the_hits_and_filter_them(index: SearchIndex) -> None:
    everything = index.search("locataires")
    assert everything.facets["network"] and sum(everything.facets["category"].values()) <= everything.total
    obstacles = index.search("locataires", {"theme": THEME + "housing", "category": CATEGORY + "obstacle"})
    assert REPRISALS in {hit.iri for hit in obstacles.hits}
    assert all(THEME + "housing" in hit.facets["theme"] and hit.facets["category"] == [CATEGORY + "obstacle"]
               for hit in obstacles.hits)
    assert obstacles.total < everything.total
    with pytest.raises(UsageError, match="unknown facet"):
        index.search("locataires", {"colour": "blue"})
    with pytest.raises(UsageError, match="at least one word"):
        index.search("  ?! ")


def test_the_index_follows_ingestions_and_removals(validator: Validator, tmp_path: Path) -> None:
    store = EmbeddedStore(None)
    init_store(store, GRAPHS, validator, samples=True)
    index = SearchIndex(tmp_path / "search.sqlite")
    assert index.sync(store, GRAPHS) == 3 and index.sync(store, GRAPHS) == 0
    sheet = paths.ROOT / "samples" / "fcsf" / "collectif-locataires-saint-denis.ttl"
    changed = sheet.read_text(encoding="utf-8").replace("représailles", "rétorsions")
    ingest(store, validator, GRAPHS, [Document("sheet.ttl", changed.encode(), format_named("turtle"))], "fcsf",
           Mode.UPSERT)
    assert index.sync(store, GRAPHS) == 1
    assert REPRISALS in {hit.iri for hit in index.search("retorsion").hits}
    assert REPRISALS not in {hit.iri for hit in index.search("représailles").hits}
    store.update(f"DROP GRAPH <{GRAPHS.network('fcsf')}>")
    index.sync(store, GRAPHS)
    assert index.search("retorsions").total == 0
    assert index.rebuild(store, GRAPHS) == SearchIndex(tmp_path / "again.sqlite").rebuild(store, GRAPHS) > 20


def test_search_over_http_in_json_and_html(client: FlaskClient) -> None:
    answer = client.get("/api/search", query_string={"q": "represailles", "category": CATEGORY + "obstacle"})
    assert answer.status_code == 200
    body = answer.json
    assert body["hits"][0]["iri"] == REPRISALS and body["total"] >= 1
    assert {"value": CATEGORY + "obstacle", "label": "Frein", "count": body["total"]} in body["facets"]["category"]
    page = client.get("/search", query_string={"q": "represailles"}, headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'href="/id/lesson/cl-obstacle-peur-des-represailles"' in html
    assert '<select id="theme" name="theme">' in html and "Logement" in html
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search", query_string={"q": "x", "colour": "b"}).status_code == 200  # unknown args ignored
    assert client.get("/api/search", query_string={"q": "x", "limit": "many"}).status_code == 400


@pytest.mark.parametrize("args", [{"limit": "0"}, {"limit": "-1"}, {"offset": "-5"}, {"offset": "-0x1"},
                                  {"limit": "-0"}, {"offset": " -1 "}])
def test_a_page_of_search_that_is_none_is_refused_saying_so(client: FlaskClient, args: dict[str, str]) -> None:
    for path in ("/api/search", "/search"):
        answer = client.get(path, query_string={"q": "represailles", **args}, headers={"Accept-Language": "fr",
                                                                                      "Accept": "application/json"})
        assert answer.status_code == 400, (path, args)
        assert "nombre entier" in answer.get_data(as_text=True) and "ou plus" in answer.get_data(as_text=True)


def test_a_limit_past_the_largest_page_gets_the_largest_page(client: FlaskClient) -> None:
    every = client.get("/api/search", query_string={"q": "parents", "limit": "100"}).get_json()
    body = client.get("/api/search", query_string={"q": "parents", "limit": "100000"}).get_json()
    assert body["hits"] == every["hits"] and len(body["hits"]) == min(every["total"], 100) > 0


# The relevance set: what each query, as people type it, must return among its first 10 hits
ELECTED = ["lesson/cl-elu-trop-tot", "lesson/li-elu-restitution-publique", "lesson/svf-elu-en-amont",
           "resource/astuce-rencontrer-les-elus", "lesson/cdp-elus-invites"]
STEERING = ["lesson/es-copil-trop-large", "lesson/pe-copil-domine-par-les-financeurs",
            "lesson/svf-copil-representants-changeants", "lesson/es-elue-co-presidence"]
SOCIAL_WORKERS = ["project/les-incompris", "project/mobilite-emploi-lille", "project/cafe-des-parents-rennes"]
TENANTS = ["project/precarite-energetique-roubaix", "project/collectif-locataires-saint-denis"]
FUEL = ["project/precarite-energetique-roubaix"]
GROCERY = ["project/epicerie-solidaire-grenoble"]
CESF = ["project/precarite-energetique-roubaix", "project/sejour-vacances-familles",
        "project/epicerie-solidaire-grenoble", "project/ateliers-droits-rennes"]  # a CESF among their roles
RELEVANCE = [
    # plurals and feminines of what the singular finds
    ("CESF", CESF), ("cesf", CESF), ("conseillère en économie sociale et familiale", CESF),
    ("élu", ELECTED), ("élus", ELECTED), ("élue", ELECTED), ("élues", ELECTED), ("ELUS", ELECTED),
    ("elus", ELECTED), ("locataire", TENANTS), ("locataires", TENANTS), ("logements", TENANTS),
    ("financeur", ["lesson/pe-copil-domine-par-les-financeurs"]),
    ("financeurs", ["lesson/pe-copil-domine-par-les-financeurs"]),
    ("bénévole", ["lesson/cdp-garde-benevoles"]), ("benevoles", ["lesson/cdp-garde-benevoles"]),
    ("représaille", [REPRISALS.split("/id/")[1]]), ("represailles", [REPRISALS.split("/id/")[1]]),
    ("ateliers numériques", ["resource/bonne-pratique-binomes-numeriques"]),
    ("épiceries solidaires", GROCERY), ("gardes d'enfants", ["lesson/cdp-garde-enfants"]),
    # acronyms and alternative labels of the thesauri, both ways, in both languages
    ("copil", STEERING), ("COPIL", STEERING), ("comité de pilotage", STEERING),
    ("comités de pilotage", STEERING), ("comite de pilotage", STEERING), ("steering committee", STEERING),
    ("steering committees", STEERING), ("ASS", SOCIAL_WORKERS), ("assistante sociale", SOCIAL_WORKERS),
    ("assistantes sociales", SOCIAL_WORKERS), ("assistant de service social", SOCIAL_WORKERS),
    ("social worker", SOCIAL_WORKERS[:2]),  # every project has one now (roles are indexed): two in the first ten
    ("elected official", ELECTED), ("elected officials", ELECTED),
    # the thesauri's labels across languages
    ("précarité énergétique", FUEL), ("precarite energetique", FUEL), ("fuel poverty", FUEL),
    ("aide alimentaire", GROCERY), ("food aid", GROCERY), ("housing", TENANTS),
]


def test_the_relevance_set_has_every_kind_of_query() -> None:
    assert len(RELEVANCE) >= 30 and len({q for q, _ in RELEVANCE}) == len(RELEVANCE)


@pytest.mark.parametrize("query, expected", RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_each_query_of_the_relevance_set_finds_its_items_in_the_first_ten(index: SearchIndex, query: str,
                                                                          expected: list[str]) -> None:
    found = [hit.iri.removeprefix(f"{BASE}id/") for hit in index.search(query, limit=10).hits]
    assert set(expected) <= set(found), f"{query!r}: missing {sorted(set(expected) - set(found))} from {found}"


@pytest.mark.parametrize("singular, plural", [("élu", "élus"), ("élu", "élues"), ("travailleur", "travailleuses"),
                                              ("animateur", "animatrices"), ("locataire", "locataires"),
                                              ("partenaire", "partenaires"), ("hébergement", "hebergements")])
def test_plurals_and_feminines_share_the_singular_s_stem(singular: str, plural: str) -> None:
    assert set(stems(singular)) & set(stems(plural))


def fresh_words(count: int, seed: int) -> list[str]:
    """French-looking words no test stemmed before (stems() keeps what it found)."""
    letters = "abcdeéèfghilmnoprstuv"
    chosen = random.Random(seed)
    return [f"{''.join(chosen.choice(letters) for _ in range(chosen.randint(5, 14)))}ements{n}"
            for n in range(count)]


@contextmanager
def switching_often() -> Iterator[None]:
    """Threads made to take turns as often as the interpreter allows, so that a race shows at once."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def test_words_stemmed_by_several_threads_at_once_get_their_own_stems() -> None:
    """One Snowball stemmer shared by threads read another thread's word: IndexError, or a wrong stem."""
    words = fresh_words(8 * 200, 7)
    found: dict[str, tuple[str, ...]] = {}
    failures: list[BaseException] = []

    def stem(part: list[str]) -> None:
        try:
            for word in part:
                found[word] = stems(word)
        except BaseException as error:  # any failure is the finding
            failures.append(error)

    threads = [threading.Thread(target=stem, args=(words[k::8],)) for k in range(8)]
    with switching_often():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    stems.cache_clear()
    assert found == {word: stems(word) for word in words}  # as one thread alone stems them


def test_the_thesaurus_synonyms_are_read_once_by_concurrent_first_searches(store: EmbeddedStore,
                                                                          tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    reads: list[int] = []
    read = search_module.synonyms
    started = threading.Event()

    def counted(store: EmbeddedStore, graphs: Graphs) -> list[list[tuple[str, ...]]]:
        reads.append(1)
        started.set()
        found = read(store, graphs)
        time.sleep(0.2)  # a slow read: the other searches arrive while it runs
        return found

    monkeypatch.setattr(search_module, "synonyms", counted)
    answers: list[int] = []

    def first_search() -> None:
        index.sync(store, GRAPHS)
        answers.append(index.search("parents").total)

    threads = [threading.Thread(target=first_search) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert started.is_set() and len(reads) == 1
    assert len(answers) == 6 and len(set(answers)) == 1 and answers[0] > 0
