"""`isic-graph load`: reference data of any size, streamed into its graph, all of it or nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from isic_graph.admin import reference
from isic_graph.admin.reference import load_reference
from isic_graph.config import Settings
from isic_graph.errors import DocumentTooLarge, NotOwner, ParseError, UsageError, ValidationFailed
from isic_graph.ingest import ownership
from isic_graph.ingest.documents import DocumentLimits
from isic_graph.progress import Step
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from tests.unit.admin.test_restoration import fingerprint, leftovers

BASE = "http://localhost:5000/"
REFERENCE = "http://example.org/graph/reference"
COMMAND = [sys.executable, "-m", "isic_graph.cli"]


def generated(path: Path, count: int, start: int = 0, word: str = "item", per: int = 4) -> Path:
    """An N-Triples file of `count` triples about count / per subjects (made here, never kept in the repository)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(start, start + count):
            subject, k = i // per, i % per
            if k == 0:
                out.write(f"<http://example.org/ref/{subject}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                          "<http://example.org/ref/Place> .\n")
            elif k == 1:
                out.write(f'<http://example.org/ref/{subject}> <http://www.w3.org/2000/01/rdf-schema#label> '
                          f'"{word} {subject}"@fr .\n')
            else:
                out.write(f"<http://example.org/ref/{subject}> <http://example.org/ref/near{k}> "
                          f"<http://example.org/ref/{(subject * 7 + k) % (count // per + 1)}> .\n")
    return path


SMALL_CHUNK, SMALL_FLUSH = reference.CHUNK // 50, reference.FLUSH // 50


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """The load's chunks (and flushes) a fiftieth of their size: the same writes, chunk after chunk, on files a
    fiftieth as long."""
    monkeypatch.setattr(reference, "CHUNK", SMALL_CHUNK)
    monkeypatch.setattr(reference, "FLUSH", SMALL_FLUSH)
    return reference.CHUNK


def test_a_file_over_the_submission_cap_is_loaded_whole_and_its_subjects_owned(
        tmp_path: Path, graphs: Graphs) -> None:
    count = DocumentLimits().max_triples + reference.CHUNK  # a chunk over the cap, in chunks of the command's size
    assert count > DocumentLimits().max_triples
    path = generated(tmp_path / "communes.nt", count, per=12)  # fewer subjects: fewer ownership records to write
    steps: list[Step] = []
    with EmbeddedStore(tmp_path / "store") as store:
        assert load_reference(store, graphs, path, REFERENCE, steps.append) == count
        assert store.count(REFERENCE) == count
        last = f"http://example.org/ref/{count // 12 - 1}"
        assert ownership.owner_of(store, graphs, last) == ownership.instance(graphs)
    reading = [s for s in steps if s.stage == "reading"]
    assert reading[0].done == 0 and reading[-1].done == reading[-1].total == path.stat().st_size
    assert [s.done for s in reading] == sorted(s.done for s in reading)


def test_a_load_replaces_the_graph_on_each_backend(store: Store, graphs: Graphs, tmp_path: Path,
                                                   small_chunks: int) -> None:
    load_reference(store, graphs, generated(tmp_path / "old.nt", 3 * small_chunks, word="old"), REFERENCE)
    count = load_reference(store, graphs, generated(tmp_path / "new.nt", 2 * small_chunks + small_chunks // 2,
                                                    word="new"), REFERENCE)
    assert count == store.count(REFERENCE) == 2 * small_chunks + small_chunks // 2
    assert store.query(f'ASK {{ GRAPH <{REFERENCE}> {{ ?s ?p "old 0"@fr }} }}') is False
    assert store.query(f'ASK {{ GRAPH <{REFERENCE}> {{ ?s ?p "new {count // 4 - 1}"@fr }} }}') is True
    # the default graph, the union of the named graphs that queries read, follows: the new triples, not the old
    assert store.query(f'ASK {{ ?s ?p "new {count // 4 - 1}"@fr }}') is True
    assert store.query('ASK { ?s ?p "old 0"@fr }') is False
    assert store.query(f"ASK {{ ?r <http://purl.org/dc/terms/subject> <http://example.org/ref/{count // 4 - 1}> }}") \
        is True  # and its owner's record


def broken_in_the_middle(path: Path, fault: str, chunk: int) -> Path:
    """Two chunks and a half of good triples, a faulty line, and as many more: the fault comes after two chunks
    were written."""
    generated(path, 2 * chunk + chunk // 2)
    with path.open("a", encoding="utf-8") as out:
        out.write(fault + "\n")
    more = generated(path.with_suffix(".more"), 2 * chunk + chunk // 2, start=2 * chunk + chunk // 2)
    with path.open("a", encoding="utf-8") as out:
        out.write(more.read_text(encoding="utf-8"))
    return path


FAULTS = [
    pytest.param("<http://example.org/ref/x> <http://example.org/ref/p> \"unterminated .", ParseError, id="syntax"),
    pytest.param("<http://example.org/ref/x> <http://example.org/ref/p> <not an iri> .", ParseError, id="bad-iri"),
    pytest.param('<http://example.org/ref/x> <http://www.w3.org/2000/01/rdf-schema#comment> '
                 '"Contact: jean.dupont@example.org" .', ValidationFailed, id="personal-data"),
    pytest.param("<< <http://example.org/ref/x> <http://example.org/ref/p> <http://example.org/ref/y> >> "
                 "<http://example.org/ref/p> <http://example.org/ref/z> .", ParseError, id="triple-term"),
]


@pytest.fixture(scope="module")
def old_loaded(initialised: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory, graphs: Graphs) -> Path:
    """A store as `init` leaves it with 1,000 triples of reference data loaded in small chunks, on disk, made once:
    the folder the embedded cases copy."""
    folder = tmp_path_factory.mktemp("old-loaded")
    shutil.copytree(initialised[0], folder / "store")
    with pytest.MonkeyPatch.context() as patch, EmbeddedStore(folder / "store") as store:
        patch.setattr(reference, "CHUNK", SMALL_CHUNK)  # as small_chunks sets them
        patch.setattr(reference, "FLUSH", SMALL_FLUSH)
        assert load_reference(store, graphs, generated(folder / "old.nt", 1_000, word="old"), REFERENCE) == 1_000
    return folder / "store"


@pytest.fixture
def holding_old(settings: Settings, request: pytest.FixtureRequest, tmp_path: Path, graphs: Graphs,
                small_chunks: int) -> Iterator[Store]:
    """An initialised store on each backend once 1,000 triples of reference data were loaded into it: on the
    embedded backend, a copy of old_loaded's folder; on the remote one, the `store` fixture's, loaded here."""
    if settings.store_url:
        store: Store = request.getfixturevalue("store")
        load_reference(store, graphs, generated(tmp_path / "old.nt", 1_000, word="old"), REFERENCE)
        yield store
        return
    assert settings.store_path is not None
    shutil.copytree(request.getfixturevalue("old_loaded"), settings.store_path)
    with open_store(settings, create=True) as store:
        yield store


@pytest.mark.parametrize(("fault", "error"), FAULTS)
def test_a_fault_in_the_middle_of_the_file_leaves_the_store_exactly_as_it_was(
        holding_old: Store, graphs: Graphs, tmp_path: Path, fault: str, error: type[Exception],
        small_chunks: int) -> None:
    store = holding_old
    before = fingerprint(store)
    with pytest.raises(error) as refused:
        load_reference(store, graphs, broken_in_the_middle(tmp_path / "new.nt", fault, small_chunks), REFERENCE)
    assert "jean.dupont" not in str(refused.value)
    if error is ValidationFailed:  # where it is: the resource and its field (it said only the kind)
        assert "<http://example.org/ref/x>" in str(refused.value) and "rdfs:comment" in str(refused.value), \
            str(refused.value)
    assert fingerprint(store) == before
    if isinstance(store, EmbeddedStore) and store.path is not None:
        assert leftovers(store.path) == []


TAKEN = BASE + "id/project/north-project"


@pytest.mark.parametrize("line", [
    pytest.param(f'<{TAKEN}> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .', id="plain"),
    pytest.param(f'<{TAKEN}> <http://example.org/ref/part> _:b .\n_:b <http://example.org/ref/p> "x" .',
                 id="with-a-blank-node"),
    pytest.param(f'<{TAKEN.upper().replace("HTTP://LOCALHOST:5000/", BASE)}> '
                 '<http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .', id="another-case"),
    pytest.param(f'<{TAKEN.replace("http:", "https:")}> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .',
                 id="the-other-web-scheme"),
])
def test_a_file_describing_a_networks_resource_is_refused_whole(
        holding_old: Store, graphs: Graphs, tmp_path: Path, line: str, small_chunks: int) -> None:
    """Reference data describes territories and the instance's own resources, never a network's (nor a peer's):
    the load names the resource and its owner and leaves the store as it was, the owner unchanged."""
    store = holding_old
    ownership.claim(store, graphs, ownership.network(graphs, "north"), [TAKEN], BASE + "id/ingestion/x")
    before = fingerprint(store)
    with pytest.raises(NotOwner) as refused:
        load_reference(store, graphs, broken_in_the_middle(tmp_path / "new.nt", line, small_chunks), REFERENCE)
    assert refused.value.owner == ownership.network(graphs, "north").agent
    assert 'belongs to network "north"' in refused.value.message and "nothing was stored" in refused.value.message
    assert fingerprint(store) == before
    assert ownership.owner_of(store, graphs, TAKEN) == ownership.network(graphs, "north")
    if isinstance(store, EmbeddedStore) and store.path is not None:
        assert leftovers(store.path) == []


@pytest.mark.parametrize("subject", [BASE + "id/network/north", BASE + "id/network/north#genid-x",
                                     "HTTP://LOCALHOST:5000/id/network/north", "https://localhost:5000/id/network/north",
                                     "https://localhost:5000/id/network/north#genid-x"],
                         ids=["own-iri", "blank-node", "case", "https", "https-blank-node"])
def test_a_file_describing_a_networks_own_iri_or_its_blank_nodes_is_refused_whole(
        store: Store, graphs: Graphs, tmp_path: Path, subject: str) -> None:
    """A network's own IRI (`{base}id/network/…`) and its top-level blank nodes are the network's by rule: they never
    become the instance's, and reference data may not describe them either."""
    before = fingerprint(store)
    path = tmp_path / "ref.nt"
    path.write_text(f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .\n', encoding="utf-8")
    with pytest.raises(NotOwner) as refused:
        load_reference(store, graphs, path, REFERENCE)
    assert refused.value.owner == ownership.network(graphs, "north").agent
    assert 'belongs to network "north"' in refused.value.message
    assert fingerprint(store) == before


def test_a_file_describing_territories_a_network_described_first_makes_them_the_instances(
        store: Store, graphs: Graphs, tmp_path: Path) -> None:
    commune, quartier = BASE + "id/territory/commune/35238", BASE + "id/place/maurepas"
    ownership.claim(store, graphs, ownership.network(graphs, "north"), [commune, quartier], BASE + "id/ingestion/x")
    store.update(f"INSERT DATA {{ GRAPH <{graphs.network('north')}> {{ <{quartier}> a "
                 "<https://w3id.org/isic/ontology#Territory> } }")
    path = tmp_path / "insee.nt"
    path.write_text(f'<{commune}> <http://www.w3.org/2000/01/rdf-schema#label> "Rennes"@fr .\n'
                    f'<{quartier}> <http://www.w3.org/2000/01/rdf-schema#label> "Maurepas"@fr .\n', encoding="utf-8")
    assert load_reference(store, graphs, path, REFERENCE) == 2
    assert ownership.owner_of(store, graphs, commune) == ownership.owner_of(store, graphs, quartier) \
        == ownership.instance(graphs)


@pytest.mark.live  # the command in a process of its own
def test_the_command_refuses_a_file_describing_a_networks_resource(
        initialised: tuple[Path, bytes], tmp_path: Path, graphs: Graphs) -> None:
    shutil.copytree(initialised[0], tmp_path / "store")
    with EmbeddedStore(tmp_path / "store") as store:
        ownership.claim(store, graphs, ownership.network(graphs, "north"), [TAKEN], BASE + "id/ingestion/x")
        before = fingerprint(store)
    path = tmp_path / "ref.nt"
    path.write_text(f'<{TAKEN}> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .\n', encoding="utf-8")
    result = subprocess.run([*COMMAND, "load", str(path), "--graph", REFERENCE], capture_output=True, text=True,
                            env={**{k: v for k, v in os.environ.items() if not k.startswith("ISIC_")},
                                 "ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store")}, timeout=120)
    assert result.returncode == 1, result.stderr
    assert f"<{TAKEN}>" in result.stderr and 'network "north"' in result.stderr and "Traceback" not in result.stderr
    with EmbeddedStore(tmp_path / "store") as store:
        assert fingerprint(store) == before


@pytest.mark.live  # the command in a process of its own
def test_the_command_refuses_a_file_describing_a_networks_own_iri(
        initialised: tuple[Path, bytes], tmp_path: Path, graphs: Graphs) -> None:
    shutil.copytree(initialised[0], tmp_path / "store")
    with EmbeddedStore(tmp_path / "store") as store:
        before = fingerprint(store)
    path = tmp_path / "ref.nt"
    path.write_text(f'<{BASE}id/network/north> <http://www.w3.org/2000/01/rdf-schema#label> "PWNED" .\n'
                    f'<{BASE}id/network/north#genid-x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n',
                    encoding="utf-8")
    result = subprocess.run([*COMMAND, "load", str(path), "--graph", REFERENCE], capture_output=True, text=True,
                            env={**{k: v for k, v in os.environ.items() if not k.startswith("ISIC_")},
                                 "ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store")}, timeout=120)
    assert result.returncode == 1, result.stderr  # a refusal (422 not-owner over HTTP)
    assert f"<{BASE}id/network/north>" in result.stderr and 'belongs to network "north"' in result.stderr
    assert "Traceback" not in result.stderr
    with EmbeddedStore(tmp_path / "store") as store:
        assert fingerprint(store) == before


def test_managed_graphs_and_files_that_are_not_one_rdf_graph_are_refused(
        store: Store, graphs: Graphs, tmp_path: Path) -> None:
    path = generated(tmp_path / "ref.nt", 10)
    network = graphs.network("demo")
    lookalikes = (network.upper().replace("/GRAPH/NETWORK/DEMO", "/graph/network/demo"),  # HTTP://LOCALHOST…
                  network.replace("/graph/", "/graph//"), network.replace("demo", "%64emo"),
                  network.replace("http:", "https:"), graphs.ownership + "/")
    for graph in (graphs.ontology, graphs.thesauri, graphs.ownership, network, *lookalikes, "not an iri"):
        with pytest.raises(UsageError):  # a look-alike of a managed graph too, as the Graph Store and /update refuse
            load_reference(store, graphs, path, graph)
    for name, text in (("ref.nq", "<urn:a> <urn:b> <urn:c> <urn:g> .\n"), ("ref.csv", "a,b\n"),
                       ("ref.docx", "x"), ("ref.trig", "{ <urn:a> <urn:b> <urn:c> }\n"), ("ref.data", "x"),
                       ("ref.xlsx", "x")):
        (tmp_path / name).write_text(text)
        with pytest.raises(UsageError) as refused:  # the formats it takes named, and only those
            load_reference(store, graphs, tmp_path / name, REFERENCE)
        assert "(.ttl, .jsonld, .json, .nt)" in refused.value.message and ".nq" not in refused.value.message.replace(
            name, ""), refused.value.message
    with pytest.raises(UsageError):
        load_reference(store, graphs, tmp_path / "missing.ttl", REFERENCE)


def test_blank_nodes_get_the_same_stable_names_as_before_and_json_ld_is_read(
        store: Store, graphs: Graphs, tmp_path: Path) -> None:
    turtle = tmp_path / "ref.ttl"
    turtle.write_text("<http://example.org/ref/a> <http://example.org/ref/at> [ <http://example.org/ref/x> 1 ; "
                      "<http://example.org/ref/y> 2 ] .\n_:orphan <http://example.org/ref/z> 3 .\n")
    assert load_reference(store, graphs, turtle, REFERENCE) == 4
    first = set(store.graph_triples(REFERENCE))
    assert load_reference(store, graphs, turtle, REFERENCE) == 4 and set(store.graph_triples(REFERENCE)) == first
    assert all("#genid-" in str(t) for t in first)
    jsonld = tmp_path / "ref.jsonld"
    jsonld.write_text('{"@id": "http://example.org/ref/b", "http://www.w3.org/2000/01/rdf-schema#label": "B"}')
    assert load_reference(store, graphs, jsonld, REFERENCE) == 1


def test_triple_terms_nested_past_what_the_parser_holds_are_refused_not_crashed_on(
        store: Store, graphs: Graphs, tmp_path: Path) -> None:
    deep = 30_000  # the parser's recursion overflows the stack near 20,000
    path = tmp_path / "deep.ttl"
    path.write_text("<http://example.org/ref/a> <http://example.org/ref/p> "
                    + "<<( <http://example.org/ref/a> <http://example.org/ref/p> " * deep
                    + "<http://example.org/ref/o>" + " )>>" * deep + " .\n")
    before = fingerprint(store)
    with pytest.raises(DocumentTooLarge):
        load_reference(store, graphs, path, REFERENCE)
    assert fingerprint(store) == before




@pytest.mark.parametrize("name", ["marked.nt", "marked.ttl"])
def test_a_reference_file_saved_with_a_byte_order_mark_loads_as_without_it(store: Store, graphs: Graphs,
                                                                           tmp_path: Path, name: str) -> None:
    """An operator's file saved as "UTF-8 with BOM" (Notepad, LibreOffice) loads as submissions read it."""
    plain = generated(tmp_path / "plain.nt", 40)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert load_reference(store, graphs, path, REFERENCE) == 40
    assert load_reference(store, graphs, plain, REFERENCE + "-plain") == 40
    assert set(store.graph_triples(REFERENCE)) == set(store.graph_triples(REFERENCE + "-plain"))
