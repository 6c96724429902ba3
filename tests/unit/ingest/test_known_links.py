"""A lesson confirms or contradicts a lesson that is known: in the submission, in the store (any network's
graph), or under a registered peer's URI space; a link to nothing is refused, with the closest known lesson."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli import main
from isic_graph.errors import ValidationFailed
from isic_graph.ingest import ownership
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.ingest.recheck import networks, stored_problems
from isic_graph.ingest.targets import closest
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import ISIC, Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator
from tests.conftest import BACKENDS
from tests.support import paths
from tests.support.shared_store import shared_store

DATA = paths.DATA
BASE = "http://localhost:5000/"
CONFIRMS, CONTRADICTS = ISIC + "confirms", ISIC + "contradicts"


def sheet(network: str) -> Document:
    """The minimal sheet as a network's own: its project, lessons and organisations named after it."""
    text = (DATA / "valid" / "minimal-sheet.ttl").read_text(encoding="utf-8")
    if network != "demo":
        text = (text.replace("/demo", f"/{network}").replace("demo-", f"{network}-")
                .replace("centre-social", f"centre-social-{network}").replace("departement", f"departement-{network}"))
    return Document(f"{network}.ttl", text.encode("utf-8"), format_for_path(f"{network}.ttl"))


def citing(network: str, target: str, link: str = "confirms", name: str = "citing") -> Document:
    text = f"""@prefix isic: <https://w3id.org/isic/ontology#> .
<id/lesson/{name}> a isic:Lesson ; isic:learnedFrom <id/project/{network}> ;
  isic:lessonCategory <https://w3id.org/isic/thesaurus/lesson-category/tip> ;
  isic:statement "Un enseignement qui en cite un autre."@fr ;
  isic:{link} <{target}> .
"""
    return Document(f"{name}.ttl", text.encode("utf-8"), format_for_path("c.ttl"))


def snapshot(store: Store) -> bytes:
    return b"".join(sorted(store.dump(RdfFormat.N_QUADS).splitlines()))


@pytest.fixture
def two_networks(store: Store, validator: Validator, graphs: Graphs) -> Store:
    ingest(store, validator, graphs, [sheet("demo")], "demo")
    ingest(store, validator, graphs, [sheet("autre")], "autre")
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def two_networks_read(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                      initialised: tuple[Path, bytes], validator: Validator, graphs: Graphs) -> Iterator[Store]:
    """Two networks' sheets stored, made once for the refusals, which leave the store unchanged (each checks)."""
    def prepare(store: Store) -> None:
        ingest(store, validator, graphs, [sheet("demo")], "demo")
        ingest(store, validator, graphs, [sheet("autre")], "autre")
    yield from shared_store(request.param, initialised, tmp_path_factory.mktemp("two-networks"), prepare)


TYPOS = ["demo-obstacl", "demo-obstalce", "demo-obstacles", "demo-0bstacle", "Demo-obstacle", "demo_obstacle",
         "demo-obstacle-"]


@pytest.mark.parametrize("typo, link", [(typo, ("confirms", "contradicts")[i % 2]) for i, typo in enumerate(TYPOS)])
def test_a_link_to_a_misspelt_lesson_is_refused_with_the_closest_known_one(
        two_networks_read: Store, validator: Validator, graphs: Graphs, typo: str, link: str) -> None:
    before = snapshot(two_networks_read)
    with pytest.raises(ValidationFailed) as caught:
        ingest(two_networks_read, validator, graphs, [citing("autre", f"id/lesson/{typo}", link)], "autre", Mode.UPSERT)
    [violation] = caught.value.report.violations
    assert (violation.focus, violation.path, violation.value) == (
        BASE + "id/lesson/citing", ISIC + link, f"<{BASE}id/lesson/{typo}>")
    assert f"« {typo} »" in violation.messages["fr"]
    assert "Vouliez-vous dire « demo-obstacle »" in violation.messages["fr"]
    assert f"Did you mean 'demo-obstacle' ({BASE}id/lesson/demo-obstacle)?" in violation.messages["en"]
    assert violation.field_names["fr"] == ("Confirme" if link == "confirms" else "Contredit")
    assert snapshot(two_networks_read) == before


def test_a_link_to_a_lesson_like_none_is_refused_without_a_guess(
        two_networks_read: Store, validator: Validator, graphs: Graphs) -> None:
    before = snapshot(two_networks_read)
    with pytest.raises(ValidationFailed) as caught:
        ingest(two_networks_read, validator, graphs, [citing("autre", "id/lesson/tout-autre-chose")], "autre",
               Mode.UPSERT)
    [violation] = caught.value.report.violations
    assert "tout-autre-chose" in violation.messages["fr"] and "Vouliez-vous dire" not in violation.messages["fr"]
    assert snapshot(two_networks_read) == before  # the store is shared


def test_a_lesson_of_another_networks_graph_exists_here(
        two_networks: Store, validator: Validator, graphs: Graphs) -> None:
    ingest(two_networks, validator, graphs, [citing("autre", "id/lesson/demo-obstacle")], "autre", Mode.UPSERT)
    assert two_networks.query(f"ASK {{ <{BASE}id/lesson/citing> <{CONFIRMS}> <{BASE}id/lesson/demo-obstacle> }}")


def test_a_lesson_of_the_same_submission_exists_here(store: Store, validator: Validator, graphs: Graphs) -> None:
    document = sheet("demo")
    extra = b'\n<id/lesson/demo-obstacle> <https://w3id.org/isic/ontology#contradicts> <id/lesson/demo-workaround> .\n'
    ingest(store, validator, graphs, [Document(document.name, document.data + extra, document.format)], "demo")
    assert store.query(f"ASK {{ ?l <{CONTRADICTS}> <{BASE}id/lesson/demo-workaround> }}")


@pytest.mark.parametrize("target", ["https://isic.peer.example/id/lesson/anything",
                                    "https://isic.peer.example/id/lesson/not-yet-harvested",
                                    "HTTPS://ISIC.PEER.EXAMPLE/id/lesson/spelt-otherwise"])
def test_a_lesson_under_a_registered_peers_uri_space_is_accepted(
        two_networks: Store, validator: Validator, graphs: Graphs, target: str) -> None:
    ownership.record_peer(two_networks, graphs, "peer", "https://isic.peer.example/")
    ingest(two_networks, validator, graphs, [citing("autre", target)], "autre", Mode.UPSERT)
    assert two_networks.query(f"ASK {{ <{BASE}id/lesson/citing> <{CONFIRMS}> <{target}> }}")


def test_a_lesson_of_an_unregistered_instance_is_refused(
        two_networks: Store, validator: Validator, graphs: Graphs) -> None:
    ownership.record_peer(two_networks, graphs, "peer", "https://isic.peer.example/")
    with pytest.raises(ValidationFailed):
        ingest(two_networks, validator, graphs, [citing("autre", "https://isic.peer.example.org/id/lesson/x")],
               "autre", Mode.UPSERT)


def test_a_lesson_the_replacing_submission_drops_is_no_longer_known(
        two_networks_read: Store, validator: Validator, graphs: Graphs) -> None:
    """Replacing its graph, a network cites its own lesson that the new graph no longer holds: refused."""
    document = sheet("autre")
    text = document.data.decode().replace('<id/lesson/autre-workaround>', '<id/lesson/autre-workaround-2>')
    text += '\n<id/lesson/autre-obstacle> <https://w3id.org/isic/ontology#confirms> <id/lesson/autre-workaround> .\n'
    before = snapshot(two_networks_read)
    with pytest.raises(ValidationFailed) as caught:
        ingest(two_networks_read, validator, graphs, [Document("autre.ttl", text.encode(), document.format)],
               "autre")
    [violation] = caught.value.report.violations
    assert "Vouliez-vous dire « autre-workaround-2 »" in violation.messages["fr"]
    assert snapshot(two_networks_read) == before  # the store is shared


def test_a_dangling_link_in_a_csv_sheet_names_its_file_row_and_column(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    samples = paths.ROOT / "samples"
    ingest(store, validator, graphs, [Document.from_path(p) for p in sorted((samples / "anas").glob("*.ttl"))], "anas")
    documents = [Document.from_path(path) for path in sorted((samples / "action-sociale-35").glob("*.csv"))]
    lessons = next(d for d in documents if d.name == "lessons.csv")
    assert b"\ncdp-elus-invites," in lessons.data
    wrong = lessons.data + \
        b"cdp-autre,cafe-des-parents-rennes,tip,action,action,Un autre enseignement.,,,,,cdp-elus-invite,\n"
    documents[documents.index(lessons)] = Document("lessons.csv", wrong, lessons.format)
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, documents, "action-sociale-35")
    [violation] = caught.value.report.violations
    assert violation.location is not None
    assert (violation.location.file, violation.location.column) == ("lessons.csv", "confirme")
    assert "Vouliez-vous dire « cdp-elus-invites »" in violation.describe("fr")


def test_stored_links_to_lessons_known_nowhere_are_listed_per_network(
        two_networks: Store, validator: Validator, graphs: Graphs) -> None:
    """Data stored before the check (here written around ingestion) is listed, and still served."""
    two_networks.update(f"INSERT DATA {{ GRAPH <{graphs.network('autre')}> {{ <{BASE}id/lesson/autre-obstacle> "
                        f"<{CONFIRMS}> <{BASE}id/lesson/demo-obstacl> }} }}")
    [problem] = stored_problems(two_networks, graphs, "autre")
    assert (problem.subject, problem.value) == (BASE + "id/lesson/autre-obstacle", BASE + "id/lesson/demo-obstacl")
    assert "demo-obstacle" in problem.describe("fr")
    assert stored_problems(two_networks, graphs, "demo") == []


def test_stored_resources_of_an_unknown_class_or_typed_with_a_resource_are_listed(
        two_networks: Store, validator: Validator, graphs: Graphs) -> None:
    """Data stored before classes were checked is listed, and still served."""
    odd, typed, project = BASE + "id/thing/odd", BASE + "id/thing/typed", BASE + "id/project/demo"
    two_networks.update(f"INSERT DATA {{ GRAPH <{graphs.network('autre')}> {{ <{odd}> a <http://ex.org/Anything> . "
                        f"<{typed}> a <{project}> }} }}")
    problems = stored_problems(two_networks, graphs, "autre")
    assert [(p.subject, p.value) for p in problems] == [(odd, "http://ex.org/Anything"), (typed, project)]
    assert "aucune de celles que vérifient les formes" in problems[0].describe("fr")
    assert "a resource, as a class" in problems[1].describe("en")
    assert two_networks.query(f"ASK {{ GRAPH <{graphs.network('autre')}> {{ <{odd}> ?p ?o }} }}") is True


def test_stored_resources_using_a_resource_as_a_property_or_top_level_nodes_without_a_class_are_listed(
        two_networks: Store, validator: Validator, graphs: Graphs) -> None:
    """Stored before these checks: a resource of the instance used as a property (a JSON-LD @vocab set to its IRIs),
    and a blank node that hung from no subject, with no class (once skolemised under `.well-known/genid`)."""
    holder, project = BASE + "id/group/holder", BASE + "id/project/demo"
    orphan = BASE + ".well-known/genid#genid-0123456789abcdef"
    two_networks.update(f"INSERT DATA {{ GRAPH <{graphs.network('autre')}> {{ <{holder}> a <{ISIC}UserGroup> ; "
                        f'<{project}> "x" . <{orphan}> <http://example.org/v#foo> "y" }} }}')
    problems = stored_problems(two_networks, graphs, "autre")
    assert [(p.subject, p.predicate) for p in problems] == [
        (orphan, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), (holder, project)]
    assert "a resource, as a property" in problems[1].describe("en")
    assert "comme propriété" in problems[1].describe("fr")


def test_closest_prefers_the_lesson_of_the_targets_namespace() -> None:
    lessons = ["https://a.example/id/lesson/x-obstacle", f"{BASE}id/lesson/x-obstacle"]
    assert closest(f"{BASE}id/lesson/x-obstacl", lessons) == f"{BASE}id/lesson/x-obstacle"
    assert closest("https://a.example/id/lesson/x-obstacles", lessons) == "https://a.example/id/lesson/x-obstacle"
    assert closest(f"{BASE}id/lesson/zzz", lessons) is None


def test_the_samples_cite_only_known_lessons(sample_store: Store, graphs: Graphs) -> None:
    assert networks(sample_store, graphs) == ["action-sociale-35", "anas", "fcsf"]
    for network in networks(sample_store, graphs):
        assert stored_problems(sample_store, graphs, network) == []


# ---------------------------------------------------------------- every way in

TYPO_TURTLE = f"""@prefix isic: <https://w3id.org/isic/ontology#> .
<{BASE}id/lesson/journal-citing> a isic:Lesson ;
  isic:lessonCategory <https://w3id.org/isic/thesaurus/lesson-category/tip> ;
  isic:statement "Un enseignement qui en cite un autre."@fr ;
  isic:confirms <{BASE}id/lesson/cdp-elus-invite> .
""".encode()
TYPO_CSV = ("enseignement,projet,categorie,phase,dimensions,enonce,recommandation,transferable_themes,"
            "transferable_territoires,acteurs_concernes,confirme,contredit\n"
            "journal-citing,journal-projet,tip,action,action,Un enseignement.,,,,,,cdp-elus-invite\n").encode()


@pytest.fixture(scope="module")
def journal(credentials: CredentialStore) -> dict[str, str]:
    return {"Authorization": "Bearer " + credentials.add("journal", "Réseau du journal")}


def said_did_you_mean(text: str) -> bool:
    return "cdp-elus-invite" in text and "cdp-elus-invites" in text and (
        "Did you mean" in text or "Vouliez-vous dire" in text)


@pytest.mark.parametrize("path", ["/api/networks/journal/sheets", "/api/networks/journal/sheets?mode=upsert",
                                  pytest.param("/api/validate?network=journal", marks=pytest.mark.live)])
def test_the_api_refuses_a_link_to_a_misspelt_lesson(client: FlaskClient, journal: dict[str, str], path: str) -> None:
    answer = client.post(path, data=TYPO_TURTLE, headers={**journal, "Content-Type": "text/turtle"})
    problem = answer.get_json()
    assert answer.status_code == 422 and problem["code"] == "validation-failed"
    [violation] = [v for v in problem["violations"] if v["path"] == CONFIRMS]
    assert violation["value"] == f"<{BASE}id/lesson/cdp-elus-invite>" and said_did_you_mean(violation["message"]["fr"])
    assert said_did_you_mean(problem["report"])


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_the_graph_store_refuses_a_link_to_a_misspelt_lesson(client: FlaskClient, journal: dict[str, str],
                                                             method: str) -> None:
    answer = client.open(f"/graph-store?graph={BASE}graph/network/journal", method=method, data=TYPO_TURTLE,
                         headers={**journal, "Content-Type": "text/turtle"})
    assert answer.status_code == 422 and said_did_you_mean(answer.get_data(as_text=True))


def test_the_csv_page_shows_the_misspelt_lesson_on_its_row(client: FlaskClient, journal: dict[str, str]) -> None:
    token = journal["Authorization"].split(" ", 1)[1]
    answer = client.post("/sheets/csv", data={"credential": token, "files": (io.BytesIO(TYPO_CSV), "lessons.csv")},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "<td>lessons.csv</td><td>2</td><td>contredit</td>" in page and said_did_you_mean(html.unescape(page))


@pytest.mark.parametrize("command", ["ingest", "validate"])
def test_the_cli_refuses_a_link_to_a_misspelt_lesson(sample_cli: tuple[CliRunner, dict[str, str]], tmp_path: Path,
                                                     command: str) -> None:
    runner, env = sample_cli
    sheet_file = tmp_path / "typo.ttl"
    sheet_file.write_bytes(TYPO_TURTLE)
    result = runner.invoke(main, [command, str(sheet_file), "--network", "journal", "--lang", "fr"], env=env)
    assert result.exit_code == 1 and said_did_you_mean(result.output), result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def sample_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliRunner, dict[str, str]]:
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path_factory.mktemp("cli") / "store")}
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--samples"], env=env).exit_code == 0
    return runner, env
