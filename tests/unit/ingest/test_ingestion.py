"""Validated ingestion: all or nothing, idempotent, with provenance, on both backends."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from pyoxigraph import RdfFormat

from isic_graph.errors import NotOwner, ParseError, UsageError, ValidationFailed
from isic_graph.ingest import ownership
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import PROV, Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator
from tests.conftest import BACKENDS
from tests.support import paths
from tests.support.shared_store import shared_store

DATA = paths.DATA
VALID = DATA / "valid" / "minimal-sheet.ttl"
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
BASE = "http://localhost:5000/"


def doc(name: str, text: str) -> Document:
    return Document(name, text.encode("utf-8"), format_for_path(name))


def snapshot(store: Store) -> bytes:
    return b"".join(sorted(store.dump(RdfFormat.N_QUADS).splitlines()))


def network_graph(store: Store, graphs: Graphs, slug: str = "demo") -> set[str]:
    return {str(t) for t in store.graph_triples(graphs.network(slug))}


def expected_violation(path: Path) -> tuple[str, str]:
    match = re.search(r"^# expect: (\S+) (\S+)", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name} has no '# expect:' line"
    return BASE + match.group(1), match.group(2)


def test_valid_sheet_is_stored_in_the_network_graph(store: Store, validator: Validator, graphs: Graphs) -> None:
    result = ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    assert result.graph == BASE + "graph/network/demo"
    stored = network_graph(store, graphs)
    assert len(stored) == result.triples > 20
    assert any("<http://localhost:5000/id/project/demo>" in t for t in stored)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               initialised: tuple[Path, bytes], validator: Validator, graphs: Graphs) -> Iterator[Store]:
    """A store holding the valid sheet as demo's, made once for the refusals, which leave it unchanged."""
    yield from shared_store(request.param, initialised, tmp_path_factory.mktemp("demo"),
                            lambda store: ingest(store, validator, graphs, [Document.from_path(VALID)], "demo"))


@pytest.mark.parametrize("sheet", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_sheet_is_refused_with_its_violation_and_store_unchanged(
        demo_store: Store, validator: Validator, graphs: Graphs, sheet: Path) -> None:
    assert network_graph(demo_store, graphs), "demo's valid sheet is stored before the invalid one is sent"
    before = snapshot(demo_store)
    with pytest.raises(ValidationFailed) as caught:
        ingest(demo_store, validator, graphs, [Document.from_path(sheet)], "demo")
    focus, path = expected_violation(sheet)
    found = [(v.focus, v.path) for v in caught.value.report.violations]
    assert any(f == focus and (p or "").endswith(path.split(":")[-1]) for f, p in found), found
    assert "problème" in caught.value.report.describe("fr")
    assert snapshot(demo_store) == before


def test_malformed_turtle_is_refused_and_store_unchanged(store: Store, validator: Validator, graphs: Graphs) -> None:
    before = snapshot(store)
    with pytest.raises(ParseError, match="bad.ttl is not valid turtle"):
        ingest(store, validator, graphs, [doc("bad.ttl", "<id/x> <http://p> ")], "demo")
    assert snapshot(store) == before


def test_jsonld_with_a_remote_context_is_refused_without_fetching(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    before = snapshot(store)
    text = json.dumps({"@context": "http://127.0.0.1:9/never.jsonld", "@id": "id/project/x", "title": "x"})
    with pytest.raises(ParseError, match="remote JSON-LD context"):
        ingest(store, validator, graphs, [doc("sheet.jsonld", text)], "demo")
    assert snapshot(store) == before


def test_jsonld_with_the_project_context_is_ingested(store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    text = json.dumps({
        "@context": "https://w3id.org/isic/context.jsonld",
        "@id": "id/organisation/jsonld-asso", "@type": "Organisation",
        "label": "Association JSON-LD",
        "actorType": "https://w3id.org/isic/thesaurus/actor-type/association"})
    ingest(store, validator, graphs, [doc("org.jsonld", text)], "demo", Mode.UPSERT)
    rows = store.select("SELECT ?l WHERE { <http://localhost:5000/id/organisation/jsonld-asso> "
                        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }").values("l")
    assert rows == ["Association JSON-LD"]


def test_ingesting_the_same_sheet_twice_leaves_the_same_graph(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    first = network_graph(store, graphs)
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    assert network_graph(store, graphs) == first


def test_blank_nodes_get_the_same_iris_on_every_ingest(store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    sheet = """@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix th: <https://w3id.org/isic/thesaurus/> .
<id/organisation/bn> a isic:Organisation ; <http://www.w3.org/2000/01/rdf-schema#label> "Asso" ;
  isic:actorType <https://w3id.org/isic/thesaurus/actor-type/association> ;
  isic:territory [ a isic:Territory ; <http://www.w3.org/2000/01/rdf-schema#label> "Rennes" ; isic:inseeCode "35238" ] .
"""
    ingest(store, validator, graphs, [doc("bn.ttl", sheet)], "demo", Mode.UPSERT)
    once = network_graph(store, graphs)
    ingest(store, validator, graphs, [doc("bn.ttl", sheet)], "demo", Mode.UPSERT)
    assert network_graph(store, graphs) == once
    assert any("<http://localhost:5000/id/organisation/bn#genid-" in t for t in once)


def test_upsert_of_one_project_leaves_the_other_projects_untouched(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    before = network_graph(store, graphs)
    update = """@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<id/project/second> a isic:Project ; dcterms:title "Deuxième projet"@fr ;
  isic:theme <https://w3id.org/isic/thesaurus/theme/food> ;
  isic:carriedBy <id/organisation/centre-social> .
"""
    ingest(store, validator, graphs, [doc("second.ttl", update)], "demo", Mode.UPSERT)
    retitled = update.replace("Deuxième projet", "Projet renommé")
    ingest(store, validator, graphs, [doc("second.ttl", retitled)], "demo", Mode.UPSERT)
    after = network_graph(store, graphs)
    assert before <= after
    added = after - before
    assert any('"Projet renommé"@fr' in t for t in added)
    assert not any("Deuxième projet" in t for t in after)


def test_upsert_that_breaks_a_reference_is_refused(store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    before = snapshot(store)
    sheet = """<id/project/third> a <https://w3id.org/isic/ontology#Project> ;
  <http://purl.org/dc/terms/title> "Trois"@fr ;
  <https://w3id.org/isic/ontology#theme> <https://w3id.org/isic/thesaurus/theme/food> ;
  <https://w3id.org/isic/ontology#carriedBy> <id/organisation/unknown> .
"""
    with pytest.raises(ValidationFailed):
        ingest(store, validator, graphs, [doc("third.ttl", sheet)], "demo", Mode.UPSERT)
    assert snapshot(store) == before


def test_each_accepted_batch_gets_a_provenance_record(store: Store, validator: Validator, graphs: Graphs) -> None:
    result = ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    rows = store.select(f"""SELECT ?net ?source ?count ?shapes ?time WHERE {{ GRAPH <{graphs.metadata}> {{
        <{result.activity}> <{PROV}wasAssociatedWith> ?net ; <{PROV}used> ?source, ?shapes ;
        <http://rdfs.org/ns/void#triples> ?count ; <{PROV}endedAtTime> ?time .
        ?source <http://purl.org/dc/terms/identifier> ?sha .
        FILTER(STRSTARTS(STR(?shapes), "https://w3id.org/isic/shapes/")) }} }}""").rows
    assert len(rows) == 1
    assert rows[0]["net"].value == BASE + "id/network/demo"
    assert rows[0]["source"].value == f"ni:///sha-256;{result.sha256}"
    assert int(rows[0]["count"].value) == result.triples
    assert rows[0]["shapes"].value == "https://w3id.org/isic/shapes/2.0.0"


def test_sheet_attributed_to_another_network_is_refused(store: Store, validator: Validator, graphs: Graphs) -> None:
    with pytest.raises(UsageError, match="attributed to"):
        ingest(store, validator, graphs, [Document.from_path(VALID)], "other")


def test_redefining_the_shared_vocabulary_is_refused(store: Store, validator: Validator, graphs: Graphs) -> None:
    sheet = '<https://w3id.org/isic/ontology#Project> <http://www.w3.org/2000/01/rdf-schema#label> "x" .'
    with pytest.raises(NotOwner, match="shared vocabulary"):
        ingest(store, validator, graphs, [doc("v.ttl", sheet)], "demo")


def test_invalid_network_name_is_refused(store: Store, validator: Validator, graphs: Graphs) -> None:
    with pytest.raises(UsageError, match="invalid network name"):
        ingest(store, validator, graphs, [Document.from_path(VALID)], "Bad Name")


LESSON_CITING = """@prefix isic: <https://w3id.org/isic/ontology#> .
<id/lesson/citing> a isic:Lesson ; isic:learnedFrom <id/project/demo> ;
  isic:lessonCategory <https://w3id.org/isic/thesaurus/lesson-category/tip> ;
  isic:statement "Un enseignement qui en cite un autre."@fr ;
  isic:confirms <{target}> .
"""


def test_a_lesson_may_confirm_a_registered_peers_lesson_not_stored_here(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    ownership.record_peer(store, graphs, "other", "https://isic.other-network.example/")
    remote = "https://isic.other-network.example/id/lesson/far-away"
    ingest(store, validator, graphs, [doc("c.ttl", LESSON_CITING.format(target=remote))], "demo", Mode.UPSERT)
    assert store.query(f"ASK {{ ?l <https://w3id.org/isic/ontology#confirms> <{remote}> }}") is True


def test_a_lesson_may_not_confirm_something_described_as_another_kind(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, [doc("c.ttl", LESSON_CITING.format(target="id/project/demo"))], "demo",
               Mode.UPSERT)
    assert [v.path for v in caught.value.report.violations] == ["https://w3id.org/isic/ontology#confirms"]


def test_scheme_checks_still_apply_when_the_batch_cites_stored_resources(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    """Regression: pySHACL's focus_nodes skipped nested sh:node checks, so context must not use it."""
    ingest(store, validator, graphs, [Document.from_path(VALID)], "demo")
    sheet = """@prefix isic: <https://w3id.org/isic/ontology#> .
<id/project/phased> a isic:Project ; <http://purl.org/dc/terms/title> "Projet"@fr ;
  isic:theme <https://w3id.org/isic/thesaurus/phase/action> ;
  isic:carriedBy <id/organisation/centre-social> .
"""
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, [doc("p.ttl", sheet)], "demo", Mode.UPSERT)
    assert [(v.focus, v.path) for v in caught.value.report.violations] == [
        (BASE + "id/project/phased", "https://w3id.org/isic/ontology#theme")]


# ---------------------------------------------------------------- how triples are written

def test_a_large_batch_is_written_in_insert_operations_of_at_most_2000_triples(store: Store) -> None:
    from pyoxigraph import Literal, NamedNode, Triple

    from isic_graph.sparql.updates import INSERT_RUN, insert_data

    triples = [Triple(NamedNode(f"urn:x:s{i}"), NamedNode("urn:x:p"), Literal(f"v{i}", language="fr"))
               for i in range(5_000)]
    update = insert_data("urn:x:large", triples)
    operations = update.split(" ;\n")
    assert INSERT_RUN == 2_000 and len(operations) == 3
    assert all(op.startswith("INSERT DATA") and op.count(" .\n") <= INSERT_RUN for op in operations)
    store.update(update)
    assert store.count("urn:x:large") == 5_000


def test_triples_joined_by_blank_nodes_are_inserted_in_one_template_and_keep_their_links(store: Store) -> None:
    from pyoxigraph import BlankNode, NamedNode, Triple

    from isic_graph.sparql.updates import insert_data

    p = NamedNode("urn:x:p")
    nodes = [BlankNode() for _ in range(2_500)]  # one chain of blank nodes, longer than an insert run
    chain = [Triple(NamedNode("urn:x:head"), p, nodes[0])] + [Triple(a, p, b) for a, b in zip(nodes, nodes[1:])]
    plain = [Triple(NamedNode("urn:x:other"), p, NamedNode("urn:x:o"))]
    update = insert_data("urn:x:chain", plain + chain)
    operations = update.split(" ;\n")
    assert [op.split(" {")[0] for op in operations] == ["INSERT DATA", "INSERT"]  # no blank node in INSERT DATA
    assert "_:" not in operations[0] and operations[1].endswith("WHERE {}")
    store.update(update)
    assert store.count("urn:x:chain") == 2_501
    reached = store.select("SELECT (COUNT(?n) AS ?c) WHERE { <urn:x:head> <urn:x:p>+ ?n }").values("c")
    assert reached == ["2500"]


@pytest.mark.parametrize("update, touched", [
    ("INSERT DATA { GRAPH <http://localhost:5000/graph/network/anas> { <http://x/a> <http://x/b> "
     "\"GRAPH <http://localhost:5000/graph/network/fcsf>\" } }", ["anas"]),
    ("PREFIX n: <http://localhost:5000/graph/network/> WITH n:fcsf DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["fcsf"]),
    ("BASE <http://localhost:5000/graph/> DROP GRAPH <network/anas>", ["anas"]),
    ("INSERT DATA { <http://x/a> <http://x/b> 1 }", []),
    ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", None),
    ("DROP SILENT ALL", None),
    ("COPY <http://x/g> TO <http://x/h>", None),
])
def test_an_administrators_update_marks_the_network_graphs_it_may_write(update: str, touched: list[str] | None) -> None:
    from isic_graph.ingest.ingestion import touched_networks
    from isic_graph.sparql.guard import check_update

    found = touched_networks(check_update(update), Graphs(BASE))
    expected = None if touched is None else [Graphs(BASE).network(n) for n in touched]
    assert found is None if expected is None else (
        [g for g in (found or []) if g != Graphs(BASE).network_prefix] == expected)


def _default_and_union(store: Store) -> tuple[set[str], set[str]]:
    default = store.constructed("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    union = store.constructed("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return set(map(str, default)), set(map(str, union))


OTHER_IN_BORDEAUX = """@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/network/other> a isic:Network ; rdfs:label "Autre réseau"@fr ; isic:member <id/organisation/other-asso> .
<id/organisation/other-asso> a isic:Organisation ; rdfs:label "Association de Bordeaux"@fr ;
  isic:actorType <https://w3id.org/isic/thesaurus/actor-type/association> ; isic:territory <id/territory/33063> .
<id/territory/33063> a isic:Territory ; rdfs:label "Bordeaux" ; isic:inseeCode "33063" ;
  isic:territoryLevel <https://w3id.org/isic/thesaurus/territory-level/commune> .
"""


def test_a_write_sends_what_it_changes_and_the_default_graph_stays_the_union(
        store: Store, validator: Validator, graphs: Graphs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet sent again with one label changed is written as that change (not the network's whole graph taken
    out and put back); a triple the network no longer states stays in the default graph while another network
    states it, and the default graph is the set union of the named graphs after each write, in each mode."""
    sheet = VALID.read_text(encoding="utf-8")
    ingest(store, validator, graphs, [doc("sheet.ttl", sheet)], "demo")
    ingest(store, validator, graphs, [doc("other.ttl", OTHER_IN_BORDEAUX)], "other")
    sent: list[str] = []
    send = store._apply
    monkeypatch.setattr(store, "_apply", lambda sparql, *rest: (sent.append(sparql), send(sparql, *rest))[1])
    renamed = sheet.replace('rdfs:label "Centre social du quartier"@fr', 'rdfs:label "Centre social du Grand Parc"@fr')
    for mode, text in [(Mode.REPLACE, renamed), (Mode.UPSERT, renamed.replace('"Bordeaux"', '"Bordeaux (Gironde)"')),
                       (Mode.REPLACE, sheet)]:
        sent.clear()
        ingest(store, validator, graphs, [doc("sheet.ttl", text)], "demo", mode)
        default, union = _default_and_union(store)
        assert default == union, (mode, default ^ union)
        written = "\n".join(sent)
        assert f"DROP SILENT GRAPH <{graphs.network('demo')}>" not in written
        assert "Conseil départemental" not in written and "Camille Martin" not in written  # unchanged: not sent
    bordeaux = f'<{BASE}id/territory/33063> <http://www.w3.org/2000/01/rdf-schema#label> "Bordeaux"'
    assert bordeaux in "\n".join(default)  # demo stated it again at the end, and other never stopped
    assert not any("Gironde" in t or "Grand Parc" in t for t in default)
