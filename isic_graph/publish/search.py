"""Full-text search over projects, lessons and knowledge resources: a SQLite FTS5 side index.

Words match whatever their accents and inflection: each word is indexed by its French Snowball stem,
taken both from the word as written and from the word without its accents, and stripped of accents
(so "hébergement", "hebergements" and "Hébergement" meet). Before stemming, a word is also brought to its
masculine singular where Snowball leaves the ending (short words: "élus", "élues" → "élu"; "-euse",
"-trice" → "-eur", "-teur"), so plurals and feminines find what the singular finds. A query's words must
all match (in the title or the text), ranked by BM25 with the title weighing more. The thesauri's labels
are synonyms: a query naming a concept by one of its labels (preferred, alternative or hidden, any
language: "COPIL", "comité de pilotage", "steering committee") also finds the texts that name it by another.
Facets: network, theme, lesson category and phase.

The index follows the store by itself: before answering, it compares each network or harvested
graph's `dcterms:modified` (written by every ingestion, harvest and administrator update) with the
one it indexed, and indexes again the graphs that changed, or drops those that are gone. So a search
sees every write before it, from any process. `rebuild` starts it over.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import snowballstemmer

from isic_graph.errors import UsageError
from isic_graph.rdf.namespaces import DCTERMS, ISIC, PROV, RDFS, SKOS, Graphs
from isic_graph.sparql import terms as sparql_terms
from isic_graph.store.base import Store

KINDS = {f"{ISIC}Project": "project", f"{ISIC}Lesson": "lesson", f"{ISIC}KnowledgeResource": "resource"}
TITLES = (f"{DCTERMS}title",)
TEXTS = (f"{DCTERMS}description", f"{ISIC}genesis", f"{ISIC}modalities", f"{ISIC}statement",
         f"{ISIC}recommendation")
FACETS = ("network", "theme", "category", "phase")
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 32
INDEX_VERSION = "5"  # what is indexed and how texts are cut into stems: an index made another way is made again
ROLE_CONCEPTS = tuple(f"{ISIC}{name}" for name in ("profession", "function", "roleStatus", "roleType", "stance"))
LABELS = tuple(f"{SKOS}{name}" for name in ("prefLabel", "altLabel", "hiddenLabel"))
Label = tuple[str, ...]  # a label's words
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
    iri UNINDEXED, kind UNINDEXED, graph UNINDEXED, title, body, title_stems, body_stems,
    tokenize = "unicode61 remove_diacritics 2");
CREATE TABLE IF NOT EXISTS facets (iri TEXT NOT NULL, graph TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facets_by_iri ON facets (iri);
CREATE INDEX IF NOT EXISTS facets_by_graph ON facets (graph);
CREATE TABLE IF NOT EXISTS graphs (graph TEXT PRIMARY KEY, stamp TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str  # project, lesson or resource
    title: str
    snippet: str
    score: float
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]  # facet -> value -> hits among all matches


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The stems a word is known by: of the word as written, and of the word without accents, each also
    from its masculine singular."""
    stemmer = _stemmer()
    lowered = word.lower()
    found = {strip_accents(stemmer.stemWord(form)) for form in {lowered, singular(lowered)}} \
        | {stemmer.stemWord(strip_accents(form)) for form in {lowered, singular(lowered)}} \
        | {_stemmer("english").stemWord(strip_accents(lowered))}  # titles in English: "groceries" finds "grocery"
    return tuple(sorted(s for s in found if s))


FEMININE = (("euses", "eur"), ("euse", "eur"), ("trices", "teur"), ("trice", "teur"))


def singular(word: str) -> str:
    """A French word brought to its masculine singular by its ending, where Snowball does not (it leaves the
    ending of words too short for its regions, and keeps "-euse" apart from "-eur"): "élus", "élues" → "élu",
    "travailleuses" → "travailleur", "animatrices" → "animateur". Words of three letters or less are kept."""
    for ending, replacement in FEMININE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[:-len(ending)] + replacement
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "sx":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e") and strip_accents(word[-2]) in "uiéè" and word[-2] != "i":
        word = word[:-1]  # élue → élu, but "partie", "vie" kept
    return word


def stemmed(text: str) -> str:
    return " ".join(s for word in WORD.findall(text) for s in stems(word))


_STEMMERS = threading.local()


def _stemmer(language: str = "french") -> snowballstemmer.stemmer:
    """This thread's stemmer of a language: a Snowball stemmer keeps the word it works on in itself, so two threads
    stemming with one of them at once read each other's word (IndexError, or a wrong stem)."""
    stemmer: snowballstemmer.stemmer | None = getattr(_STEMMERS, language, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(language)
        setattr(_STEMMERS, language, stemmer)
    return stemmer


class SearchIndex:
    """The index in one SQLite file, shared by the processes of an instance."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._synonyms: list[list[Label]] | None = None  # each concept's labels, read from the thesauri
        self._synonyms_lock = threading.Lock()  # they are read once, by the first search, while the others wait

    @property
    def _db(self) -> sqlite3.Connection:
        """The database, opened (and its folder and tables created) on first use."""
        with self._lock:
            if self._connection is None:
                if self.path is not None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(str(self.path) if self.path else ":memory:", check_same_thread=False,
                                             timeout=30)
                with connection:
                    if self.path is not None:
                        connection.execute("PRAGMA journal_mode=WAL")
                    connection.executescript(SCHEMA)
                self._connection = connection
            return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # --- keeping up with the store ------------------------------------------------------------

    def sync(self, store: Store, graphs: Graphs) -> int:
        """Index again the graphs that changed since they were indexed; the number of graphs indexed."""
        current = {graph: f"{INDEX_VERSION}:{stamp}" for graph, stamp in _graph_stamps(store, graphs).items()}
        if self._synonyms is None:
            with self._synonyms_lock:
                if self._synonyms is None:
                    self._synonyms = synonyms(store, graphs)
        with self._lock:
            known = dict(self._db.execute("SELECT graph, stamp FROM graphs").fetchall())
        changed = [g for g, stamp in current.items() if known.get(g) != stamp]
        gone = [g for g in known if g not in current]
        for graph in gone:
            self._replace(graph, None, [], [])
        for graph in changed:
            documents, facets = _read_graph(store, graph, graphs.thesauri)
            self._replace(graph, current[graph], documents, facets)
        return len(changed)

    def rebuild(self, store: Store, graphs: Graphs) -> int:
        self._synonyms = None
        with self._lock, self._db:
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM facets")
            self._db.execute("DELETE FROM graphs")
        self.sync(store, graphs)
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    def _replace(self, graph: str, stamp: str | None, documents: list[tuple[str, str, str, str]],
                 facets: list[tuple[str, str, str]]) -> None:
        with self._lock, self._db:  # one transaction: a search sees the graph's old or new documents
            self._db.execute("DELETE FROM docs WHERE graph = ?", (graph,))
            self._db.execute("DELETE FROM facets WHERE graph = ?", (graph,))
            self._db.execute("DELETE FROM graphs WHERE graph = ?", (graph,))
            if stamp is None:
                return
            self._db.executemany(
                "INSERT INTO docs (iri, kind, graph, title, body, title_stems, body_stems) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(iri, kind, graph, title, body, stemmed(title), stemmed(body))
                 for iri, kind, title, body in documents])
            self._db.executemany("INSERT INTO facets (iri, graph, facet, value) VALUES (?, ?, ?, ?)",
                                 [(iri, graph, facet, value) for iri, facet, value in facets])
            self._db.execute("INSERT INTO graphs (graph, stamp) VALUES (?, ?)", (graph, stamp))

    # --- searching ----------------------------------------------------------------------------

    def search(self, text: str, filters: dict[str, str] | None = None, limit: int = 20,
               offset: int = 0) -> SearchResult:
        """Documents matching every word of `text` (and every facet value in `filters`), best first."""
        filters = filters or {}
        unknown = set(filters) - set(FACETS)
        if unknown:
            raise UsageError(f"unknown facet(s) {', '.join(sorted(unknown))}; the facets are {', '.join(FACETS)}",
                             fr=f"facette(s) inconnue(s) {', '.join(sorted(unknown))} ; les facettes sont "
                                f"{', '.join(FACETS)}")
        words = WORD.findall(text)[:MAX_QUERY_WORDS]
        if not words:
            raise UsageError("the search needs at least one word (letters or digits)",
                             fr="la recherche demande au moins un mot (des lettres ou des chiffres)")
        match = " AND ".join(expanded(words, self._synonyms or []))
        where = ["docs MATCH ?"]
        params: list[object] = ["{title_stems body_stems} : (" + match + ")"]
        for facet, value in sorted(filters.items()):
            where.append("docs.iri IN (SELECT iri FROM facets WHERE facet = ? AND value = ?)")
            params += [facet, value]
        condition = " AND ".join(where)
        with self._lock:
            matching = self._db.execute(f"SELECT DISTINCT iri FROM docs WHERE {condition}", params).fetchall()
            rows = self._db.execute(
                f"SELECT iri, kind, title, snippet(docs, 4, '[', ']', ' … ', 24), "
                f"bm25(docs, 0, 0, 0, 0, 0, 4.0, 1.0) AS score FROM docs WHERE {condition} "
                f"ORDER BY score LIMIT ? OFFSET ?", [*params, limit * 4, offset]).fetchall()
            iris = [r[0] for r in matching]
            counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
            found_facets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
            for chunk in _chunks(iris, 500):
                marks = ",".join("?" * len(chunk))
                for iri, facet, value in self._db.execute(
                        f"SELECT DISTINCT iri, facet, value FROM facets WHERE iri IN ({marks})", chunk):
                    found_facets[iri][facet].add(value)
        for iri in iris:
            for facet, values in found_facets[iri].items():
                for value in values:
                    counts[facet][value] = counts[facet].get(value, 0) + 1
        hits, seen = [], set()
        for iri, kind, title, snippet, score in rows:  # a resource held by two graphs is one hit
            if iri in seen:
                continue
            seen.add(iri)
            raw = found_facets.get(iri, {})
            hits.append(Hit(iri, kind, title, _plain(snippet), round(-score, 4),
                            {f: sorted(v) for f, v in raw.items()}))
            if len(hits) == limit:
                break
        return SearchResult(text, len(iris), tuple(hits), counts)


def synonyms(store: Store, graphs: Graphs) -> list[list[Label]]:
    """Each thesaurus concept's labels (preferred, alternative, hidden; every language), as words."""
    rows = store.select(f"""SELECT DISTINCT ?c ?l WHERE {{ GRAPH {sparql_terms.iri(graphs.thesauri)} {{
        ?c ?p ?l VALUES ?p {{ {_values(LABELS)} }} }} }} ORDER BY ?c ?l""").rows
    concepts: dict[str, set[Label]] = defaultdict(set)
    for row in rows:
        words = tuple(WORD.findall(row["l"].value))
        if words and all(stems(w) for w in words):
            concepts[row["c"].value].add(words)
    return [sorted(labels) for labels in concepts.values() if len(labels) > 1]


def _group(word: str) -> str:
    return "(" + " OR ".join(f'"{s}"' for s in stems(word)) + ")"


def _same(a: str, b: str) -> bool:
    return bool(set(stems(a)) & set(stems(b)))


def expanded(words: list[str], concepts: list[list[Label]]) -> list[str]:
    """The FTS5 terms of a query, all required: one per word (its stems), except where a run of words is one of a
    concept's labels, which is one term matching any of its labels (each of their words required)."""
    terms: list[str] = []
    i = 0
    while i < len(words):
        best: tuple[int, list[Label]] | None = None
        for labels in concepts:
            for label in labels:
                n = len(label)
                if n > (best[0] if best else 0) and i + n <= len(words) \
                        and all(_same(words[i + k], label[k]) for k in range(n)):
                    best = (n, labels)
        if best is None:
            if stems(words[i]):
                terms.append(_group(words[i]))
            i += 1
            continue
        n, labels = best
        terms.append("(" + " OR ".join("(" + " AND ".join(_group(w) for w in label) + ")" for label in labels) + ")")
        i += n
    return terms


def _plain(snippet: str) -> str:
    return " ".join(snippet.split())


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _graph_stamps(store: Store, graphs: Graphs) -> dict[str, str]:
    rows = store.select(f"""SELECT ?g (MAX(STR(?m)) AS ?stamp) WHERE {{
        GRAPH ?g {{ }}
        FILTER(STRSTARTS(STR(?g), {sparql_terms.literal(graphs.network_prefix)})
               || STRSTARTS(STR(?g), {sparql_terms.literal(graphs.peer_prefix)}))
        OPTIONAL {{ GRAPH {sparql_terms.iri(graphs.metadata)} {{ ?g <{DCTERMS}modified> ?m }} }}
    }} GROUP BY ?g""").rows
    return {row["g"].value: row["stamp"].value if "stamp" in row else "" for row in rows}


def _values(names: Iterable[str]) -> str:
    return sparql_terms.iris(names)


def _read_graph(store: Store, graph: str, thesauri: str
                ) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str]]]:
    """The documents a graph describes (iri, kind, title, text) and their facet values (iri, facet, value).
    A project's text includes the people it involves: each role's title and the labels of its profession,
    function, status and stance (« CESF », « assistante sociale », « élu » find the projects they work on)."""
    rows = [*store.select(f"""SELECT ?s ?kind ?p ?o WHERE {{
        GRAPH {sparql_terms.iri(graph)} {{ ?s a ?kind ; ?p ?o }}
        VALUES ?kind {{ {_values(KINDS)} }} VALUES ?p {{ {_values(TITLES + TEXTS)} }}
        FILTER(isLiteral(?o)) }}""").rows, *store.select(f"""SELECT DISTINCT ?s ?kind ?p ?o WHERE {{
        GRAPH {sparql_terms.iri(graph)} {{ ?s a ?kind ; <{ISIC}involves> ?role }}
        VALUES ?kind {{ <{ISIC}Project> }}
        {{ GRAPH {sparql_terms.iri(graph)} {{ ?role <{RDFS}label> ?o }} }}
        UNION {{ GRAPH {sparql_terms.iri(graph)} {{ ?role ?kindOfRole ?concept }}
                 VALUES ?kindOfRole {{ {_values(ROLE_CONCEPTS)} }}
                 GRAPH {sparql_terms.iri(thesauri)} {{ ?concept <{SKOS}prefLabel> ?o }} }}
        BIND(<{DCTERMS}description> AS ?p) FILTER(isLiteral(?o)) }}""").rows]
    titles: dict[str, list[tuple[bool, str]]] = defaultdict(list)  # (not French?, text): French sorts first
    texts: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for row in rows:
        subject, prop, value = row["s"].value, row["p"].value, row["o"]
        kinds[subject] = KINDS[row["kind"].value]
        french = (getattr(value, "language", None) or "fr").lower().startswith("fr")
        (titles if prop in TITLES else texts)[subject].append((not french, value.value))
    documents = []
    for subject, kind in sorted(kinds.items()):
        text = sorted(set(texts.get(subject, [])))
        title = min(titles.get(subject) or text or [(True, subject)])[1]
        others = sorted({t for _, t in titles.get(subject, []) if t != title})  # its titles in other languages:
        documents.append((subject, kind, title[:300], "\n".join([*others, *(t for _, t in text)])))  # found too
    facet_rows = store.select(f"""SELECT DISTINCT ?s ?facet ?value WHERE {{
        GRAPH {sparql_terms.iri(graph)} {{ ?s a ?kind }} VALUES ?kind {{ {_values(KINDS)} }}
        OPTIONAL {{ ?s <{ISIC}learnedFrom> ?lessonProject }}
        OPTIONAL {{ ?s <{ISIC}about> ?about . OPTIONAL {{ ?about <{ISIC}learnedFrom> ?aboutProject }} }}
        BIND(COALESCE(?lessonProject, ?aboutProject, ?about, ?s) AS ?project)
        {{ ?sheet <{ISIC}describes> ?project ; <{PROV}wasAttributedTo> ?value . BIND("network" AS ?facet) }}
        UNION {{ ?project <{ISIC}theme> ?value . BIND("theme" AS ?facet) }}
        UNION {{ ?s <{ISIC}lessonCategory> ?value . BIND("category" AS ?facet) }}
        UNION {{ ?s <{ISIC}phase> ?value . BIND("phase" AS ?facet) }}
    }}""").rows
    facets = [(row["s"].value, row["facet"].value, row["value"].value) for row in facet_rows]
    return documents, facets
