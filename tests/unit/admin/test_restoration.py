"""A restoration checks every graph it restores, refuses (or, asked to, leaves out) what fails, and replaces an
embedded store all at once: killed at any moment, it leaves the old store or the new one, never a mix."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from isic_graph.admin.audit import foreign_problems, privacy_problems
from isic_graph.admin.backup import Backup, backup, verify
from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.restoration import Restored, restore
from isic_graph.cli import main
from isic_graph.errors import NotOwner, Problem, RestoreRefused, UsageError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.identity import recompute_identity
from isic_graph.ingest.ingestion import ingest
from isic_graph.ingest.ownership import key, network, record, record_of
from isic_graph.ingest.settling import conflicts
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import PROV, Graphs
from isic_graph.sparql.default_graph import Written
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.conftest import BASE
from tests.support.other_backend import OtherBackend

GRAPHS = Graphs(BASE)
ANAS = GRAPHS.network("anas")
FCSF = GRAPHS.network("fcsf")
RESOURCE = f"{BASE}id/resource/astuce-rencontrer-les-elus"  # described in anas's graph
FCSF_PROJECT = f"{BASE}id/project/atelier-numerique-nantes"  # owned by fcsf
PEER_COPY = GRAPHS.peer("autre", "reseau")
RDF_TYPE, RDFS_LABEL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"
COMMAND = [sys.executable, "-m", "isic_graph.cli"]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, validator: Validator) -> Path:
    """A backup of a store holding the ontology, the thesauri and every sample network: every graph passes."""
    store = EmbeddedStore(None)
    init_store(store, GRAPHS, validator, samples=True)
    folder = tmp_path_factory.mktemp("good") / "backup"
    backup(store, folder, BASE)
    return folder


@pytest.fixture(scope="module")
def mine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk with one graph of its own, made once: tests restore into copies of its folder."""
    folder = tmp_path_factory.mktemp("mine") / "store"
    with EmbeddedStore(folder) as store:
        store.update('INSERT DATA { GRAPH <urn:x:mine> { <urn:x:s> <urn:x:p> "kept" } }')
    return folder


def variant(good: Path, folder: Path, update: str) -> Path:
    """A backup of the good one's content changed by an update (as an administrator's raw SPARQL update may)."""
    store = EmbeddedStore(None)
    store.bulk_load(good / "store.nq.gz")
    store.update(update, written=Written())  # a backup holds the named graphs alone: no default graph to keep
    backup(store, folder, BASE)
    return folder


Variants = Callable[[str], Path]


@pytest.fixture(scope="module")
def variants(good: Path, tmp_path_factory: pytest.TempPathFactory) -> Variants:
    """variant, of the good backup: each update's backup made once for the module, in a folder of its own (the
    tests only read backups; those that restore the same one share it)."""
    made: dict[str, Path] = {}

    def of(update: str) -> Path:
        if update not in made:
            made[update] = variant(good, tmp_path_factory.mktemp("variant") / "backup", update)
        return made[update]
    return of


@pytest.fixture(scope="module")
def good_content(good: Path) -> Iterator[Store]:
    """The good backup's content in a store of its own, for the tests that only read it."""
    with EmbeddedStore(None) as store:
        store.bulk_load(good / "store.nq.gz")
        yield store


VERIFIED: dict[Path, Backup] = {}  # the backups of the module (read, never changed), each verified once


def restore_into(store: Store, folder: Path, validator: Validator, replace: bool = False,
                 only_conforming: bool = False) -> Restored:
    if folder not in VERIFIED:
        VERIFIED[folder] = verify(folder)
    return restore(store, VERIFIED[folder], GRAPHS, validator, replace, only_conforming)


def leftovers(store: Path) -> list[str]:
    """What a store's replacements left beside it (their folders are named `.{store}.…`)."""
    return sorted(p.name for p in store.parent.iterdir() if p.name.startswith(f".{store.name}."))


def fingerprint(store: Store) -> str:
    """The sha256 of every quad of a store, in one canonical order (no blank nodes in these tests' data)."""
    lines = sorted((serialize(store.stream(), format=RdfFormat.N_QUADS) or b"").splitlines(keepends=True))
    return hashlib.sha256(b"".join(lines)).hexdigest()  # a line per quad, as each quad alone is written


def content(path: Path) -> str:
    with EmbeddedStore(path) as opened:
        return fingerprint(opened)


def ground(triples: list[Triple]) -> set[Triple]:
    return {t for t in triples if not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)}


def doc(name: str, text: str) -> Document:
    return Document(name, text.encode("utf-8"), format_for_path(name))


def cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"ISIC_BASE_IRI": BASE, **env})


# update, graph at fault, words of the problem; personal data is never repeated (the datum is checked absent)
HOSTILE = [
    pytest.param(f'INSERT DATA {{ GRAPH <{ANAS}> {{ <{RESOURCE}> <{DCT}description> '
                 f'"Écrire à marie.dupont@example.org pour s\'inscrire"@fr }} }}', ANAS,
                 ["an e-mail address", RESOURCE], "marie.dupont", id="email-in-network-text"),
    pytest.param(f'INSERT DATA {{ GRAPH <{ANAS}> {{ <{RESOURCE}> <{DCT}description> '
                 f'"Appeler le 06 12 34 56 78"^^<urn:x:custom> }} }}', ANAS,
                 ["a phone number", RESOURCE], "06 12 34 56 78", id="phone-in-custom-typed-network-text"),
    pytest.param(f'INSERT DATA {{ GRAPH <{ANAS}> {{ <{RESOURCE}> <http://xmlns.com/foaf/0.1/mbox> '
                 f'<mailto:jean.martin@example.org> }} }}', ANAS, [RESOURCE], "jean.martin",
                 id="mailto-iri-in-network"),
    pytest.param(f'DELETE WHERE {{ GRAPH <{ANAS}> {{ <{RESOURCE}> <{DCT}title> ?t }} }}', ANAS,
                 [RESOURCE], None, id="required-title-removed"),
    pytest.param(f'INSERT DATA {{ GRAPH <{FCSF}> {{ <{RESOURCE}x> a <http://www.w3.org/ns/shacl#NodeShape> }} }}',
                 FCSF, ["http://www.w3.org/ns/shacl#"], None, id="shapes-smuggled-into-network"),
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.network_prefix}Not_A_Slug> {{ <urn:x:s> <urn:x:p> "x" }} }}',
                 f"{GRAPHS.network_prefix}Not_A_Slug", ["invalid network name"], None, id="network-graph-bad-slug"),
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.metadata}> {{ <{ANAS}> <{DCT}source> '
                 f'"NIR 1 84 12 76 451 089 46" }} }}', GRAPHS.metadata,
                 ["a social security number (NIR)", ANAS], "451 089", id="nir-in-provenance"),
    pytest.param('INSERT DATA { GRAPH <urn:x:reference> { <urn:x:bank> <urn:x:account> '
                 '"IBAN FR14 2004 1010 0505 0001 3M02 606"@fr } }', "urn:x:reference",
                 ["a bank account number (IBAN)", "urn:x:bank"], "3M02", id="iban-in-reference-data"),
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.default_own}> {{ <tel:+33612345678> <urn:x:p> "x" }} }}',
                 GRAPHS.default_own, ["a phone number", "*** (phone)"], "612345678", id="tel-iri-in-default-graph"),
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.identity}> {{ <urn:x:a> <{DCT}title> "not a link" }} }}',
                 GRAPHS.identity, ["owl:sameAs links between IRIs only"], None, id="identity-not-a-link"),
    pytest.param(f'INSERT DATA {{ GRAPH <{ANAS}> {{ <{FCSF_PROJECT}> <{DCT}description> "repris par anas"@fr }} }}',
                 ANAS, [FCSF_PROJECT, 'network "fcsf"'], None, id="network-states-what-another-owns"),
    pytest.param(f'INSERT DATA {{ GRAPH <{PEER_COPY}> {{ <{FCSF_PROJECT}> <{DCT}description> "repris par un pair"@fr ; '
                 'a <https://w3id.org/isic/ontology#Project> } }', PEER_COPY,
                 [FCSF_PROJECT, 'network "fcsf"', "what its graph does not"], None,
                 id="harvested-copy-states-what-a-network-owns"),
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.ontology}> {{ <{BASE}id/project/hidden> <{DCT}title> "x" }} }}',
                 GRAPHS.ontology, [f"{BASE}id/project/hidden", "vocabulary graphs never describe"], None,
                 id="instance-data-in-the-ontology"),
]


@pytest.mark.parametrize(("update", "graph", "words", "datum"), HOSTILE)
def test_a_backup_with_a_failing_graph_is_refused_whole_naming_graph_resource_and_problem(
        variants: Variants, mine: Path, tmp_path: Path, validator: Validator, update: str, graph: str, words: list[str],
        datum: str | None) -> None:
    folder = variants(update)
    target = EmbeddedStore(Path(shutil.copytree(mine, tmp_path / "store")))
    before = fingerprint(target)
    with pytest.raises(RestoreRefused) as refused:
        restore_into(target, folder, validator, replace=True)
    assert fingerprint(target) == before
    problems: tuple[Problem, ...] = refused.value.problems
    assert {p.graph for p in problems} == {graph}
    text = "\n".join(p.describe() for p in problems)
    assert all(word in text for word in words), text
    if datum is not None:
        assert datum not in text and datum not in refused.value.message
    target.close()
    assert sorted(os.listdir(tmp_path)) == ["store"]  # nothing left beside the store


def test_the_cli_prints_each_problem_and_restores_nothing(variants: Variants, tmp_path: Path,
                                                         initialised: tuple[Path, bytes]) -> None:
    folder = variants(HOSTILE[0].values[0])
    env = {"ISIC_STORE": str(tmp_path / "store")}
    shutil.copytree(initialised[0], tmp_path / "store")  # a store as `init` leaves it
    before = content(tmp_path / "store")
    result = cli(env, "restore", "--replace", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"graph <{ANAS}>" in result.output and RESOURCE in result.output and "an e-mail address" in result.output
    assert "marie.dupont" not in result.output and "--only-conforming" in result.output
    assert content(tmp_path / "store") == before


FINE = f'INSERT DATA {{ GRAPH <{GRAPHS.default_own}> {{ <urn:x:s> <urn:x:p> "fine" }} }}'


def test_only_conforming_restores_the_graphs_that_pass_and_names_those_left_out(good: Path, variants: Variants,
                                                                               tmp_path: Path) -> None:
    fine = FINE
    folder = variants(HOSTILE[0].values[0] + " ; " + fine)
    env = {"ISIC_STORE": str(tmp_path / "store")}
    result = cli(env, "restore", "--only-conforming", str(folder))
    assert result.exit_code == 1, result.output  # something was left out: said, and the exit status says it too
    assert f"left out 1 graph(s) that failed their checks: <{ANAS}>" in result.output
    assert "marie.dupont" not in result.output
    with EmbeddedStore(None) as expected, EmbeddedStore(tmp_path / "store") as restored:
        expected.bulk_load(good / "store.nq.gz")
        expected.update(f"DROP GRAPH <{ANAS}> ; {fine}")
        recompute_identity(expected, GRAPHS)  # the identity graph is worked out again without anas's resources
        assert set(restored.graph_names()) == set(expected.graph_names())
        for graph in expected.graph_names():  # the same triples, up to the names of blank nodes
            mine, theirs = restored.graph_triples(graph), expected.graph_triples(graph)
            assert len(mine) == len(theirs) and ground(mine) == ground(theirs), graph
        mine, theirs = restored.default_triples(), expected.default_triples()  # the union of those graphs
        assert len(mine) == len(theirs) and ground(mine) == ground(theirs)


def test_a_store_of_another_backend_gets_each_graph_written_as_an_embedded_store_gets_it_whole(
        variants: Variants, validator: Validator) -> None:
    """A SPARQL server's store is not exchanged for the checked one: the checked graphs are written into it one by
    one, its graphs the backup does not hold dropped, and it ends up holding what an embedded store is given."""
    folder = variants(HOSTILE[0].values[0] + " ; " + FINE)
    other = OtherBackend()
    other.update('INSERT DATA { GRAPH <urn:x:mine> { <urn:x:s> <urn:x:p> "not in the backup" } }')
    with other, EmbeddedStore(None) as embedded:
        restored = restore_into(other, folder, validator, replace=True, only_conforming=True)
        expected = restore_into(embedded, folder, validator, only_conforming=True)
        assert restored.left_out_graphs == expected.left_out_graphs == [ANAS]
        assert restored.counts == expected.counts == census(other) and restored.notes == expected.notes
        assert set(other.graph_names()) == set(embedded.graph_names())
        for graph in embedded.graph_names():  # the same triples, up to the names of blank nodes
            mine, theirs = other.graph_triples(graph), embedded.graph_triples(graph)
            assert len(mine) == len(theirs) and ground(mine) == ground(theirs), graph
        mine, theirs = other.held.default_triples(), embedded.default_triples()  # the union of those graphs
        assert len(mine) == len(theirs) and ground(mine) == ground(theirs)
        assert other.query('ASK { ?s ?p "not in the backup" }') is False


def test_only_conforming_leaves_out_a_network_graph_stating_what_another_network_owns(
        variants: Variants, validator: Validator) -> None:
    hijack = f'INSERT DATA {{ GRAPH <{ANAS}> {{ <{FCSF_PROJECT}> <{DCT}description> "repris par anas"@fr }} }}'
    folder = variants(hijack)
    with EmbeddedStore(None) as target:
        restored = restore_into(target, folder, validator, only_conforming=True)
        assert restored.left_out_graphs == [ANAS]
        assert target.query(f"ASK {{ GRAPH <{FCSF}> {{ <{FCSF_PROJECT}> ?p ?o }} }}") is True
        assert target.query(f'ASK {{ <{FCSF_PROJECT}> ?p "repris par anas"@fr }}') is False


def test_a_harvested_copy_repeating_a_network_resources_name_and_type_as_its_network_states_them_passes(
        good_content: Store) -> None:
    staged = good_content
    organisation = f"{BASE}id/organisation/ville-de-grenoble"
    repeated = [t for t in staged.graph_triples(FCSF) if t.subject.value == organisation
                and t.predicate.value in (RDF_TYPE, RDFS_LABEL)]
    assert len(repeated) >= 2
    assert foreign_problems(staged, PEER_COPY, GRAPHS, repeated) == []
    changed = [Triple(t.subject, t.predicate, Literal("Autre nom", language="fr"))
               if t.predicate.value == RDFS_LABEL else t for t in repeated]
    assert [p.subject for p in foreign_problems(staged, PEER_COPY, GRAPHS, changed)] == [organisation]


def test_a_backup_of_another_instance_is_refused(good: Path, tmp_path: Path, validator: Validator) -> None:
    with pytest.raises(UsageError, match="base IRI"):
        restore(EmbeddedStore(None), verify(good), Graphs("https://elsewhere.example.org/"), validator)


def test_every_graph_of_a_good_backup_passes_on_each_backend(good: Path, store: Store, validator: Validator) -> None:
    restored = restore_into(store, good, validator, replace=True)
    assert restored.left_out == () and restored.counts == verify(good).manifest.counts()


def test_a_refused_restoration_leaves_a_remote_store_untouched(variants: Variants, store: Store,
                                                               validator: Validator) -> None:
    folder = variants(HOSTILE[2].values[0])
    before = fingerprint(store)
    with pytest.raises(RestoreRefused):
        restore_into(store, folder, validator, replace=True)
    assert fingerprint(store) == before


def test_a_failing_identity_graph_left_out_is_worked_out_again(variants: Variants, good_content: Store,
                                                               validator: Validator) -> None:
    folder = variants(HOSTILE[9].values[0])
    with EmbeddedStore(None) as store:
        restored = restore_into(store, folder, validator, only_conforming=True)
        assert restored.left_out_graphs == [GRAPHS.identity]
        expected = good_content
        assert set(store.graph_triples(GRAPHS.identity)) == set(expected.graph_triples(GRAPHS.identity)) != set()


def test_a_good_backup_restores_with_nothing_to_say(good: Path, validator: Validator) -> None:
    assert restore_into(EmbeddedStore(None), good, validator).notes == ()


ISIC_PROJECT = "https://w3id.org/isic/ontology#Project"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
EDITED_VOCABULARY = [
    pytest.param(f'INSERT DATA {{ GRAPH <{GRAPHS.ontology}> {{ <{ISIC_PROJECT}> <{RDFS_LABEL}> "Pirate"@fr }} }}',
                 GRAPHS.ontology, "1 statement(s) not in it, 0 missing", id="ontology-label-added"),
    pytest.param(f'DELETE WHERE {{ GRAPH <{GRAPHS.ontology}> {{ <{ISIC_PROJECT}> <{RDFS_LABEL}> ?l }} }}',
                 GRAPHS.ontology, "0 statement(s) not in it, 2 missing", id="ontology-labels-removed"),
    pytest.param(f'DELETE {{ GRAPH <{GRAPHS.thesauri}> {{ ?c <{PREF_LABEL}> ?l }} }} '
                 f'INSERT {{ GRAPH <{GRAPHS.thesauri}> {{ ?c <{PREF_LABEL}> "Pirate"@fr }} }} '
                 f'WHERE {{ GRAPH <{GRAPHS.thesauri}> {{ ?c <{PREF_LABEL}> ?l '
                 'FILTER(STRENDS(STR(?c), "/culture")) } }', GRAPHS.thesauri, "missing", id="thesaurus-relabelled"),
    pytest.param(f"DROP GRAPH <{GRAPHS.thesauri}>", GRAPHS.thesauri, "0 statement(s) not in it", id="thesauri-dropped"),
]


@pytest.mark.parametrize(("update", "graph", "words"), EDITED_VOCABULARY)
def test_a_backup_of_this_edition_gets_the_vocabulary_this_software_ships_and_says_so(
        variants: Variants, good_content: Store, validator: Validator, update: str, graph: str, words: str) -> None:
    """The ontology and thesauri are the instance's own: what a backup's copy of them says differently (a label
    edited by hand, a term dropped) is not restored, and the operator is told."""
    folder = variants(update)
    with EmbeddedStore(None) as store:
        restored = restore_into(store, folder, validator)
        assert [n for n in restored.notes if f"<{graph}>" in n and words in n and "the shipped one was restored" in n]
        shipped = good_content
        assert ground(store.graph_triples(graph)) == ground(shipped.graph_triples(graph)) != set()
        assert len(store.graph_triples(graph)) == len(shipped.graph_triples(graph))
        assert not store.query('ASK { ?s ?p "Pirate"@fr }')
        assert restored.counts == census(store)


def census(store: Store) -> dict[str, int]:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    return {row["g"].value: int(row["n"].value) for row in rows}


def test_the_restoration_names_the_reference_graphs_it_restores(variants: Variants, tmp_path: Path,
                                                                validator: Validator) -> None:
    added = ('INSERT DATA { GRAPH <http://127.0.0.1:8999/evil> { <urn:x:a> <urn:x:b> "c" } '
             '. GRAPH <https://example.org/graph/insee> { <urn:x:d> <urn:x:e> "f" } }')
    folder = variants(added)
    restored = restore_into(EmbeddedStore(None), folder, validator)
    assert restored.notes == ("2 graph(s) of reference data restored: <http://127.0.0.1:8999/evil>, "
                              "<https://example.org/graph/insee>",)
    result = cli({"ISIC_STORE": str(tmp_path / "store")}, "restore", str(folder))
    assert result.exit_code == 0, result.output
    assert "  - 2 graph(s) of reference data restored: <http://127.0.0.1:8999/evil>" in result.output


@pytest.mark.parametrize(("update", "words"), [
    pytest.param(f"DROP GRAPH <{GRAPHS.ownership}>", "the backup records no owners", id="ownership-graph-dropped"),
    pytest.param(f"DELETE WHERE {{ GRAPH <{GRAPHS.ownership}> {{ ?r <http://www.w3.org/ns/prov#wasAttributedTo> "
                 f"<{BASE}id/network/fcsf> }} }}", "had no owner recorded in the backup: each was given again to the "
                 "network graph holding its type", id="one-networks-records-dropped"),
])
def test_a_backup_whose_ownership_graph_lost_records_is_restored_and_the_operator_told(
        variants: Variants, validator: Validator, update: str, words: str) -> None:
    """Records lost (by hand, or a raw update adding a resource) are not a graph failing its checks: the data is
    restored as it is, and the operator is told what nobody owns."""
    folder = variants(update)
    restored = restore_into(EmbeddedStore(None), folder, validator)
    assert restored.left_out == () and [n for n in restored.notes if words in n], restored.notes


INCOMPRIS = f"{BASE}id/project/les-incompris"  # anas's
SHARED = f"{BASE}id/organisation/ancv"  # anas's, typed by fcsf too


def without_record(of: str) -> str:
    """The update that drops every quad of a resource's ownership record (what an edited backup file may do)."""
    return f"DELETE WHERE {{ GRAPH <{GRAPHS.ownership}> {{ <{record(GRAPHS, key(GRAPHS, of))}> ?p ?o }} }}"


def test_a_resource_whose_ownership_record_was_dropped_from_the_backup_is_given_back_to_its_network(
        variants: Variants, good_content: Store, tmp_path: Path, validator: Validator) -> None:
    """Anyone able to edit a backup file could otherwise hand a resource to the next network to publish it: the
    restoration gives it again to the one network graph holding its type, recorded, and says so."""
    held = NamedNode(record(GRAPHS, key(GRAPHS, INCOMPRIS)))
    assert len([t for t in good_content.graph_triples(GRAPHS.ownership) if t.subject == held]) == 4
    folder = variants(without_record(INCOMPRIS))
    result = cli({"ISIC_STORE": str(tmp_path / "store")}, "restore", str(folder), "--replace")
    assert result.exit_code == 0, result.output
    assert "given again to the network graph holding its type" in result.output
    assert f'<{INCOMPRIS}> to network "anas"' in result.output
    with EmbeddedStore(tmp_path / "store") as store:
        found = record_of(store, GRAPHS, INCOMPRIS)
        assert found is not None and found.owner == network(GRAPHS, "anas")
        assert found.activity is not None and found.activity.startswith(f"{BASE}id/ownership-migration/")
        assert store.query(f"ASK {{ GRAPH <{GRAPHS.ownership}> {{ <{found.activity}> a <{PROV}Activity> ; "
                           f"<{DCT}description> ?d }} }}") is True
        taking = doc("take.ttl", f'<{INCOMPRIS}> <{DCT}description> "repris par fcsf"@fr .')
        with pytest.raises(NotOwner, match='network "anas"'):
            ingest(store, validator, GRAPHS, [taking], "fcsf")
        assert not store.query('ASK { ?s ?p "repris par fcsf"@fr }')


def test_a_resource_typed_in_several_network_graphs_without_owner_is_left_for_the_administrator(
        variants: Variants, validator: Validator) -> None:
    """No network's graph decides over another's: the resource stays without owner, named in the notes, and
    `owner conflicts` lists it."""
    folder = variants(without_record(SHARED))
    with EmbeddedStore(None) as store:
        restored = restore_into(store, folder, validator)
        assert restored.left_out == ()
        assert [n for n in restored.notes if f"<{SHARED}>" in n and "`isic-graph owner conflicts` lists them" in n
                and "left without an owner" in n], restored.notes
        assert not [n for n in restored.notes if "given again" in n], restored.notes
        assert record_of(store, GRAPHS, SHARED) is None
        assert SHARED in [c.subject for c in conflicts(store, GRAPHS)]


@pytest.mark.parametrize("name", [
    "id/ownership/6363fad0868463909a0e5617ad17aafd",  # a digest that reads as an Andorran IBAN with a right key
    "id/ingestion/20261205T031500123456Z-96398defef5d",
    "id/harvest/south/anas/20261205T031500123456Z",
])
def test_the_names_of_the_instances_own_records_are_not_read_as_personal_data(name: str) -> None:
    graphs = Graphs(BASE)
    record = NamedNode(BASE + name)
    triples = [Triple(record, NamedNode("http://purl.org/dc/terms/subject"), NamedNode("http://example.org/ref/5293")),
               Triple(NamedNode(BASE + "id/load/20261205T031500123456Z"), NamedNode("http://www.w3.org/ns/prov#used"),
                      record)]
    assert privacy_problems(graphs.ownership, triples, graphs) == []


@pytest.mark.parametrize("name", ["id/ownership/FR7630006000011234567890189", "id/ownership/jean.dupont@example.org",
                                  "id/ingestion/20261205T031500123456Z-FR7630006000011234567890189"])
def test_a_record_name_the_instance_would_not_make_is_still_searched(name: str) -> None:
    graphs = Graphs(BASE)
    triples = [Triple(NamedNode(BASE + name), NamedNode("http://purl.org/dc/terms/subject"),
                      NamedNode("http://example.org/ref/1"))]
    assert [p.problem for p in privacy_problems(graphs.ownership, triples, graphs)] != []


def test_a_harvested_copy_naming_a_territory_a_network_describes_restores_as_it_was_harvested(
        variants: Variants, validator: Validator) -> None:
    """A peer's organisation in a commune this instance's networks describe: the harvest looked the commune up in the
    store, and so does the restoration, in the rest of the backup (it refused the untouched backup before)."""
    isic, thesaurus = "https://w3id.org/isic/ontology#", "https://w3id.org/isic/thesaurus/"
    copy = (f"<http://peer.example/id/organisation/ccas-tourcoing> a <{isic}Organisation> ; "
            f"<{isic}actorType> <{thesaurus}actor-type/public-service> ; "
            f"<{isic}territory> <{BASE}id/territory/commune/59512> ; "
            '<http://www.w3.org/2000/01/rdf-schema#label> "CCAS de Tourcoing"@fr .')
    folder = variants(f"INSERT DATA {{ GRAPH <{PEER_COPY}> {{ {copy} }} }}")
    with EmbeddedStore(None) as target:
        restored = restore_into(target, folder, validator)
        assert restored.left_out == () and PEER_COPY in restored.counts
        assert target.query(f'ASK {{ GRAPH <{PEER_COPY}> {{ ?s ?p "CCAS de Tourcoing"@fr }} }}') is True


RENNES = f"{BASE}id/territory/commune/35238"  # anas's, by record
EVIL = "http://evil.example/g"
SECOND_RECORD = [
    pytest.param(f"INSERT DATA {{ GRAPH <{GRAPHS.ownership}> {{ <{BASE}id/ownership/0123456789abcdef0123456789abcdef> "
                 f"a <{PROV}Entity> ; <{DCT}subject> <{INCOMPRIS}> ; <{PROV}wasAttributedTo> <{BASE}id/network/fcsf> ; "
                 f"<{PROV}wasGeneratedBy> <{BASE}id/load/20240101T000000000000Z> }} }}", id="second-record"),
    pytest.param(f"INSERT DATA {{ GRAPH <{GRAPHS.ownership}> {{ <{record(GRAPHS, key(GRAPHS, INCOMPRIS))}> "
                 f"<{PROV}wasAttributedTo> <{BASE}id/network/fcsf> }} }}", id="record-attributed-twice"),
]


@pytest.mark.parametrize("update", SECOND_RECORD)
@pytest.mark.parametrize("only_conforming", [False, True])
def test_a_backup_giving_a_resource_to_two_owners_is_refused_whole_even_when_only_conforming(
        variants: Variants, mine: Path, tmp_path: Path, validator: Validator, update: str,
        only_conforming: bool) -> None:
    """Two ownership records of one resource naming two owners: the store would read one and keep the other unseen
    (and `owner conflicts` would not list it); nothing is restored, the resource and both owners named."""
    folder = variants(update)
    target = EmbeddedStore(Path(shutil.copytree(mine, tmp_path / "store")))
    before = fingerprint(target)
    with pytest.raises(RestoreRefused) as refused:
        restore_into(target, folder, validator, replace=True, only_conforming=only_conforming)
    assert fingerprint(target) == before
    problems = refused.value.problems
    assert {p.graph for p in problems} == {GRAPHS.ownership} and [p.subject for p in problems] == [INCOMPRIS]
    assert 'network "anas"' in problems[0].problem and 'network "fcsf"' in problems[0].problem
    target.close()


@pytest.mark.parametrize("replace", [False, True])
def test_the_cli_refuses_a_backup_giving_a_resource_to_two_owners(variants: Variants, tmp_path: Path, replace: bool,
                                                                  initialised: tuple[Path, bytes]) -> None:
    folder = variants(SECOND_RECORD[0].values[0])
    env = {"ISIC_STORE": str(tmp_path / "store")}
    if replace:
        shutil.copytree(initialised[0], tmp_path / "store")
    else:
        EmbeddedStore(tmp_path / "store").close()
    before = content(tmp_path / "store")
    result = cli(env, "restore", str(folder), *(["--replace"] if replace else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"<{INCOMPRIS}>" in result.output and 'network "anas"' in result.output \
        and 'network "fcsf"' in result.output and "restored 0" not in result.output, result.output
    assert "would leave every resource without its owner" in result.output
    assert content(tmp_path / "store") == before


@pytest.mark.parametrize("graph, subject, named", [
    (EVIL, INCOMPRIS, INCOMPRIS), (GRAPHS.default_own, INCOMPRIS, INCOMPRIS),
    (EVIL, f"{BASE}id/network/anas", f"{BASE}id/network/anas"),
    (EVIL, f"{BASE}id/network/anas#genid-0123456789abcdef", f"{BASE}id/network/anas"),
    (GRAPHS.default_own, f"{BASE}id/network/anas", f"{BASE}id/network/anas"),
    (EVIL, INCOMPRIS.replace("http:", "https:"), INCOMPRIS.replace("http:", "https:")),
])
def test_a_graph_of_reference_data_describing_a_networks_resource_is_refused(
        variants: Variants, mine: Path, tmp_path: Path, validator: Validator, graph: str, subject: str,
        named: str) -> None:
    """As `isic-graph load` and the Graph Store refuse it: reference data describes no resource a network owns, its
    own IRI (`{base}id/network/…`) and the blank nodes hanging from it included."""
    folder = variants(f'INSERT DATA {{ GRAPH <{graph}> {{ <{subject}> <{DCT}title> "PWNED"@fr '
                      f'. <urn:x:a> <urn:x:b> "c" }} }}')
    target = EmbeddedStore(Path(shutil.copytree(mine, tmp_path / "store")))
    before = fingerprint(target)
    with pytest.raises(RestoreRefused) as refused:
        restore_into(target, folder, validator, replace=True)
    assert fingerprint(target) == before
    problems = refused.value.problems
    assert [(p.graph, p.subject) for p in problems] == [(graph, named)]
    assert 'belongs to network "anas"' in problems[0].problem
    target.close()
    with EmbeddedStore(None) as empty:  # asked to, the graph is left out, the rest restored
        restored = restore_into(empty, folder, validator, only_conforming=True)
        assert restored.left_out_graphs == [graph]
        assert empty.query('ASK { ?s ?p "PWNED"@fr }') is False


@pytest.mark.parametrize("subject", ["https://localhost:5000/id/organisation/nobody-yet",
                                     "http://localhost:5000/ID/organisation/nobody-yet"])
def test_a_graph_of_reference_data_naming_a_look_alike_of_the_instances_iris_is_refused(
        variants: Variants, validator: Validator, subject: str) -> None:
    """As `isic-graph load` refuses it: the instance would own the resource under a second name."""
    folder = variants(f'INSERT DATA {{ GRAPH <{EVIL}> {{ <{subject}> <{DCT}title> "x"@fr }} }}')
    with EmbeddedStore(None) as target, pytest.raises(RestoreRefused) as refused:
        restore_into(target, folder, validator)
    problems = refused.value.problems
    assert [(p.graph, p.subject) for p in problems] == [(EVIL, subject)]
    assert "is not written as this instance's IRIs are" in problems[0].problem

def test_the_cli_refuses_a_reference_graph_describing_a_networks_resource(variants: Variants, tmp_path: Path,
                                                                         initialised: tuple[Path, bytes]) -> None:
    folder = variants(f'INSERT DATA {{ GRAPH <{EVIL}> {{ <{INCOMPRIS}> <{DCT}title> "PWNED"@fr }} }}')
    shutil.copytree(initialised[0], tmp_path / "store")
    before = content(tmp_path / "store")
    result = cli({"ISIC_STORE": str(tmp_path / "store")}, "restore", "--replace", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"graph <{EVIL}>" in result.output and f"<{INCOMPRIS}>" in result.output \
        and 'network "anas"' in result.output and "reference data restored" not in result.output
    assert content(tmp_path / "store") == before


def test_reference_data_about_territories_and_the_instances_own_resources_is_restored(
        variants: Variants, validator: Validator) -> None:
    folder = variants(f'INSERT DATA {{ GRAPH <{EVIL}> {{ <{RENNES}> <{DCT}description> "INSEE"@fr '
                      f'. <{BASE}id/organisation/annuaire> <{DCT}title> "Annuaire"@fr }} }}')
    with EmbeddedStore(None) as target:
        restored = restore_into(target, folder, validator)
        assert restored.left_out == () and f"<{EVIL}>" in " ".join(restored.notes)
        assert target.query(f'ASK {{ <{RENNES}> ?p "INSEE"@fr }}') is True


def test_a_backup_of_a_newer_edition_is_refused_before_anything_is_restored(variants: Variants,
                                                                              validator: Validator) -> None:
    """It was restored, exit 0; then `init`, `migrate` and `serve` all refused the store as of a newer edition."""
    from isic_graph.ingest.editions import EDITION_PREFIX, ONTOLOGY_IRI, VERSION_IRI, dataset_iri, software_edition

    newer = f"{EDITION_PREFIX}{software_edition() + 1}"
    conforms, record = "http://purl.org/dc/terms/conformsTo", dataset_iri(GRAPHS)
    folder = variants(f"DELETE {{ GRAPH <{GRAPHS.ontology}> {{ <{ONTOLOGY_IRI}> <{VERSION_IRI}> ?v }} }} "
                      f"INSERT {{ GRAPH <{GRAPHS.ontology}> {{ <{ONTOLOGY_IRI}> <{VERSION_IRI}> <{newer}> }} }} "
                      f"WHERE {{ GRAPH <{GRAPHS.ontology}> {{ <{ONTOLOGY_IRI}> <{VERSION_IRI}> ?v }} }} ; "
                      f"DELETE WHERE {{ GRAPH <{GRAPHS.metadata}> {{ <{record}> <{conforms}> ?e }} }}")
    with EmbeddedStore(None) as store:
        with pytest.raises(UsageError, match=f"edition {software_edition() + 1} of the model, newer") as refused:
            restore_into(store, folder, validator)
        assert "rien n'a été restauré" in (refused.value.fr or "")
        assert store.query("ASK { ?s ?p ?o }") is False
