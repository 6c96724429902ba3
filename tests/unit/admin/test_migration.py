"""A store of the first edition of the model (as commit 6cd088d wrote it) brought to the software's edition: edition and
provenance recorded, every old triple kept, the analysts' questions answering the same rows, a report per network;
a second run does nothing, a dry run changes nothing, and a step that fails or would fetch or drop anything leaves
the store as it was."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.migration import Migration, migrate
from isic_graph.cli import main
from isic_graph.errors import MigrationFailed, UsageError
from isic_graph.ingest import editions
from isic_graph.rdf.namespaces import DCTERMS, ISIC, PROV, Graphs
from isic_graph.sparql.updates import insert_data
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.conftest import BASE
from tests.support.first_edition import (
    NETWORKS,
    QUERIES,
    Answers,
    answers,
    graphs_of_fixture,
    load_first_edition,
    quads,
)

GRAPHS = Graphs(BASE)
CURRENT = editions.software_edition()
PERSONAL = "écrire à jeanne.martin@example.org"  # personal data: no shape lets it be published


@pytest.fixture(scope="module")
def first_edition_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first-edition fixture loaded once into an embedded store on disk, closed: the folder `first` copies."""
    folder = tmp_path_factory.mktemp("first-edition") / "store"
    with EmbeddedStore(folder) as made:
        load_first_edition(made)
    return folder


@pytest.fixture(scope="module")
def first_quads(first_edition_store: Path, tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str, str]]:
    """Every quad of the first-edition fixture, read once: what `first` holds before a test changes it."""
    copy = shutil.copytree(first_edition_store, tmp_path_factory.mktemp("first-quads") / "store")
    with EmbeddedStore(Path(copy)) as made:
        return quads(made)


@pytest.fixture
def first(tmp_path: Path, first_edition_store: Path) -> Iterator[EmbeddedStore]:
    """The first-edition fixture in a new embedded store on disk (migrated in a copy put in its place): a copy of
    the one loaded once per module."""
    shutil.copytree(first_edition_store, tmp_path / "store")
    store = EmbeddedStore(tmp_path / "store")
    yield store
    store.close()


@dataclass(frozen=True)
class Migrated:
    """The first-edition fixture migrated once, in a store of its own that the tests reading it share: the store,
    what migrate answered, and what the store answered and held before."""

    store: EmbeddedStore
    done: Migration
    answers_before: Answers
    networks_before: dict[str, set[Triple]]


@pytest.fixture(scope="module")
def migrated(first_edition_store: Path, tmp_path_factory: pytest.TempPathFactory,
             validator: Validator) -> Iterator[Migrated]:
    """A copy of the first-edition fixture, migrated once for the tests that only read the migrated store."""
    store = EmbeddedStore(Path(shutil.copytree(first_edition_store, tmp_path_factory.mktemp("migrated") / "store")))
    before = answers(store)
    networks = {g: set(store.graph_triples(g)) for g in store.graph_names() if g.startswith(GRAPHS.network_prefix)}
    yield Migrated(store, migrate(store, GRAPHS, validator), before, networks)
    store.close()


def steps_folder(tmp_path: Path, **steps: str | bytes) -> Path:
    """A folder of data steps for the software's edition: file name -> text."""
    folder = tmp_path / "migrations"
    (folder / str(CURRENT)).mkdir(parents=True)
    for name, text in steps.items():
        (folder / str(CURRENT) / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return folder


def test_the_fixture_is_of_the_first_edition(first: EmbeddedStore) -> None:
    assert editions.store_edition(first, GRAPHS) == editions.FIRST < CURRENT
    assert len(QUERIES) == 11 and {g.removeprefix(GRAPHS.network_prefix) for g in graphs_of_fixture()
                                   if g.startswith(GRAPHS.network_prefix)} == set(NETWORKS)


def test_migration_records_the_edition_and_its_provenance(migrated: Migrated) -> None:
    first, done = migrated.store, migrated.done
    assert (done.source, done.target, done.needed, done.dry_run) == (1, CURRENT, True, False)
    assert editions.store_edition(first, GRAPHS) == CURRENT
    meta = f"<{GRAPHS.metadata}>"
    rows = first.select(f"""SELECT ?start ?end ?software ?used ?edition WHERE {{ GRAPH {meta} {{
        <{done.activity}> a <{PROV}Activity> ; <{PROV}startedAtTime> ?start ; <{PROV}endedAtTime> ?end ;
            <{PROV}wasAssociatedWith> ?agent ; <{PROV}used> ?used ; <{PROV}generated> <{editions.dataset_iri(GRAPHS)}> .
        ?agent a <{PROV}SoftwareAgent> ; <http://www.w3.org/2002/07/owl#versionInfo> ?software .
        <{editions.dataset_iri(GRAPHS)}> <{DCTERMS}conformsTo> ?edition ; <{PROV}wasGeneratedBy> <{done.activity}> .
        }} }}""").rows
    assert rows and {r["edition"].value for r in rows} == {editions.edition_iri(CURRENT)}
    assert editions.FIRST_EDITION_IRI in {r["used"].value for r in rows}  # the edition it came from
    assert rows[0]["start"].value <= rows[0]["end"].value and rows[0]["software"].value
    ontology = first.select(f"SELECT ?v WHERE {{ GRAPH <{GRAPHS.ontology}> {{ <https://w3id.org/isic/ontology> "
                            "<http://www.w3.org/2002/07/owl#versionIRI> ?v } }").rows
    assert [r["v"].value for r in ontology] == [editions.edition_iri(CURRENT)]  # the new vocabulary is loaded


def test_the_analysts_questions_answer_the_same_rows_after(migrated: Migrated) -> None:
    before = migrated.answers_before
    assert all(before[q.stem] for q in QUERIES), "every question answers rows on the first edition's samples"
    assert answers(migrated.store) == before


def test_every_network_graph_keeps_its_triples(migrated: Migrated) -> None:
    before = migrated.networks_before
    for graph, triples in before.items():
        assert triples <= set(migrated.store.graph_triples(graph)), graph


def test_each_network_gets_a_report_in_french_and_english(migrated: Migrated) -> None:
    done = migrated.done
    assert [r.name for r in done.reports] == list(NETWORKS)
    french, english = done.describe("fr"), done.describe("en")
    assert "passé de l'édition 1" in french and "went from edition 1" in english
    for name in NETWORKS:
        assert name in french and name in english
    as_json = json.loads(json.dumps(done.to_dict()))
    assert [g["name"] for g in as_json["graphs"]] == list(NETWORKS) and as_json["from"] == 1


def test_a_second_migration_changes_nothing(first: EmbeddedStore, validator: Validator) -> None:
    migrate(first, GRAPHS, validator)
    after = quads(first)
    again = migrate(first, GRAPHS, validator)
    assert not again.needed and again.activity is None and quads(first) == after
    assert "already at edition" in again.describe("en") and "déjà à l'édition" in again.describe("fr")


def test_a_dry_run_changes_nothing_and_reports(first: EmbeddedStore, validator: Validator, tmp_path: Path,
                                                first_quads: set[tuple[str, str, str, str]]) -> None:
    folder = steps_folder(tmp_path, **{"01-mark.ru": f'INSERT {{ ?n <{ISIC}dryRunMark> "{PERSONAL}" }} '
                                                     f'WHERE {{ ?n a <{ISIC}Network> }}'})
    before = first_quads  # what `first` holds
    done = migrate(first, GRAPHS, validator, folder, dry_run=True)
    assert quads(first) == before and editions.store_edition(first, GRAPHS) == editions.FIRST
    assert done.dry_run and done.activity is None and done.steps == (f"{CURRENT}/01-mark.ru",)
    assert {r.name: r.added for r in done.reports} == {n: 1 for n in NETWORKS}
    assert all(not r.conforms for r in done.reports)  # no personal data is published: the mark would not conform
    assert "nothing was changed (--dry-run)" in done.describe("en")


def test_steps_written_either_way_add_to_each_graph_and_what_fails_is_kept(
        first: EmbeddedStore, validator: Validator, tmp_path: Path) -> None:
    folder = steps_folder(tmp_path, **{
        "01-default-graph-form.ru": f'PREFIX isic: <{ISIC}>\n'
                                    'INSERT { ?n isic:markA "a" } WHERE { ?n a isic:Network }',
        "02-named-graph-form.ru": f'INSERT {{ GRAPH ?g {{ ?n <{ISIC}markB> "{PERSONAL}" }} }} '
                                  f'WHERE {{ GRAPH ?g {{ ?n a <{ISIC}Network> ; <{ISIC}markA> "a" }} }}'})
    done = migrate(first, GRAPHS, validator, folder)
    for name in NETWORKS:
        graph = GRAPHS.network(name)
        network = NamedNode(GRAPHS.network_resource(name))
        kept = set(first.graph_triples(graph))
        assert Triple(network, NamedNode(ISIC + "markA"), Literal("a")) in kept
        assert Triple(network, NamedNode(ISIC + "markB"), Literal(PERSONAL)) in kept  # saw what the one before added
    report = {r.name: r for r in done.reports}
    assert all(r.added == 2 and not r.conforms for r in report.values())
    assert any(v.focus == GRAPHS.network_resource("anas") for v in report["anas"].violations)
    assert "no longer conforms (kept, not deleted)" in done.describe("en")
    assert "ne se conforme plus (gardé, non supprimé)" in done.describe("fr")


def test_steps_run_twice_on_a_graph_change_it_once(tmp_path: Path) -> None:
    chosen = editions.steps(editions.FIRST, CURRENT, steps_folder(tmp_path, **{
        "01-mark.ru": f'INSERT {{ ?n <{ISIC}mark> "m" }} WHERE {{ ?n a <{ISIC}Network> }}'}))
    graph = graphs_of_fixture()[GRAPHS.network("anas")]
    once = editions.upgraded(graph, chosen)
    assert len(once) == len(graph) + 1 and not editions.upgrade(once, chosen).changed


@pytest.mark.parametrize("name, text", [
    ("02-bad.ru", "INSERT { ?s ?p } WHERE { ?s ?p ?o }"),  # not SPARQL
    ("02-bad.ru", "INSERT { ?s <urn:x> ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
    ("02-bad.ru", "LOAD <http://127.0.0.1:9/data.ttl>"),
    ("02-bad.ru", "CLEAR ALL"),
    ("02-bad.ru", "drop silent graph <urn:x>"),
    ("02-bad.ru", "INSERT { ?s <urn:x> ?o } WHERE { ?s ?p ?o } ; cLeAr DeFaUlT"),
    ("02-bad.ru", "INSERT { ?s <urn:x> ?o } WHERE { ?s ?p ?o } ; ADD <urn:a> TO <urn:b>"),
    ("02-bad.ru", "INSERT { ?s <urn:x> ?o } WHERE { ?s ?p ?o } ; \\u0043LEAR ALL"),  # an escape outside strings
    ("02-bad.ru", b"INSERT DATA { <urn:a> <urn:b> \"\xff\xfe\" }"),  # not UTF-8
    ("02-bad.ru", "INSERT DATA { <urn:a> <urn:b> " + "<urn:c> , " * 40000 + "<urn:d> }"),  # too long
    ("bad name.ru", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
])
def test_a_failing_step_leaves_the_store_as_it_was(first: EmbeddedStore, validator: Validator, tmp_path: Path,
                                                   name: str, text: str | bytes,
                                                   first_quads: set[tuple[str, str, str, str]]) -> None:
    folder = steps_folder(tmp_path, **{name: text, "01-fine.ru": f'INSERT {{ ?n <{ISIC}mark> "m" }} '
                                                                 f'WHERE {{ ?n a <{ISIC}Network> }}'})
    before = first_quads  # what `first` holds
    with pytest.raises(MigrationFailed) as refused:
        migrate(first, GRAPHS, validator, folder)
    assert "nothing was changed" in refused.value.text("en") and "rien n'a été modifié" in refused.value.text("fr")
    assert quads(first) == before and editions.store_edition(first, GRAPHS) == editions.FIRST


def test_a_store_of_a_newer_edition_is_refused(first: EmbeddedStore, validator: Validator) -> None:
    first.update(insert_data(GRAPHS.metadata, [Triple(NamedNode(editions.dataset_iri(GRAPHS)),
                                                      NamedNode(DCTERMS + "conformsTo"),
                                                      NamedNode(editions.edition_iri(CURRENT + 1)))]))
    before = quads(first)
    for action in (lambda: migrate(first, GRAPHS, validator), lambda: init_store(first, GRAPHS)):
        with pytest.raises(UsageError) as refused:
            action()
        assert f"edition {CURRENT + 1}" in refused.value.message and "plus récente" in refused.value.text("fr")
    assert quads(first) == before


def test_init_refuses_a_store_of_an_older_edition(first: EmbeddedStore,
                                                  first_quads: set[tuple[str, str, str, str]]) -> None:
    before = first_quads  # what `first` holds
    with pytest.raises(UsageError, match="isic-graph migrate"):
        init_store(first, GRAPHS)
    assert quads(first) == before


def test_an_empty_store_is_not_migrated_but_initialised(validator: Validator) -> None:
    store = EmbeddedStore(None)
    with pytest.raises(UsageError, match="isic-graph init"):
        migrate(store, GRAPHS, validator)
    init_store(store, GRAPHS)
    assert editions.store_edition(store, GRAPHS) == CURRENT and not migrate(store, GRAPHS, validator).needed


def test_every_first_edition_term_and_concept_stays() -> None:
    """Extend, don't rename: what the first edition's ontology and thesauri defined, the shipped ones still define
    (superseded terms marked owl:deprecated, not removed)."""
    fixture = graphs_of_fixture()
    shipped = EmbeddedStore(None)
    init_store(shipped, GRAPHS)
    for graph in (GRAPHS.ontology, GRAPHS.thesauri):
        defined = {t.subject.value for t in fixture[graph] if t.predicate.value.endswith("#type")
                   and isinstance(t.subject, NamedNode) and t.subject.value.startswith("https://w3id.org/isic/")}
        now = {t.subject.value for t in shipped.graph_triples(graph) if t.predicate.value.endswith("#type")}
        assert defined and not defined - now, sorted(defined - now)
    shipped.close()


def test_version_iris_name_editions() -> None:
    assert editions.edition_of(None) == editions.edition_of("https://w3id.org/isic/ontology/1.0.0") == 1
    assert editions.edition_of("https://w3id.org/isic/ontology/2") == 2
    assert editions.edition_iri(2) == "https://w3id.org/isic/ontology/2"
    for odd in ("https://w3id.org/isic/ontology/", "https://w3id.org/isic/ontology/two", "http://example.org/2",
                "https://w3id.org/isic/ontology/0", "https://w3id.org/isic/ontology/-3"):
        with pytest.raises(UsageError):
            editions.edition_of(odd)


def test_the_command_migrates_and_reports_in_json_or_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                first_edition_store: Path) -> None:
    monkeypatch.setenv("ISIC_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("ISIC_CREDENTIALS", str(tmp_path / "credentials.json"))
    monkeypatch.setenv("ISIC_BASE_IRI", BASE)
    shutil.copytree(first_edition_store, tmp_path / "store")  # the first-edition fixture, loaded once
    runner = CliRunner()
    dry = runner.invoke(main, ["migrate", "--dry-run", "--format", "json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dryRun"] and planned["from"] == 1 and [g["name"] for g in planned["graphs"]] == list(NETWORKS)
    refused = runner.invoke(main, ["init"])
    assert refused.exit_code == 1 and "isic-graph migrate" in refused.output
    done = runner.invoke(main, ["migrate", "--lang", "fr"])
    assert done.exit_code == 0 and "passé de l'édition 1" in done.stdout and "anas" in done.stdout
    again = runner.invoke(main, ["migrate", "--lang", "en"])
    assert again.exit_code == 0 and "nothing to do" in again.stdout
