"""A withdrawal takes a project with every part that exists for it alone, keeps what another resource still
names, and leaves a store whose backup restores in full: after a project's withdrawal, a lesson's, one sharing
parts with a project that stays, and a withdrawal followed by publishing the project again."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat

from isic_graph.admin.backup import backup, verify
from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.restoration import census_of, restore
from isic_graph.cli import main
from isic_graph.ingest import retraction
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.validator import Validator
from tests.conftest import BASE
from tests.support import paths

GRAPHS = Graphs(BASE)
ISIC = "https://w3id.org/isic/ontology#"
PROJECT = BASE + "id/project/les-incompris"
REASON = "Retrait demandé par le groupe"
# What exists for les-incompris alone in the sample (samples/anas/les-incompris.ttl), by the link that ties it there:
PARTS = {"id/partnership/les-incompris-theatre": "Partnership",  # the project's isic:partnership
         "id/partner-role/les-incompris-ville": "PartnerRole",  # the partnership's isic:partner (with its stakes)
         "id/partner-role/les-incompris-compagnie": "PartnerRole",
         "id/partner-role/les-incompris-departement": "PartnerRole",
         "id/group/les-incompris-collectif": "UserGroup",  # isic:userGroup, also named by lessons and the activity
         "id/activity/li-bilan": "CapitalisationActivity",  # points to the project (isic:forProject)
         "id/participation/li-collectif-partenariat": "Participation",  # points to the group and the partnership
         "id/milestone/li-representation": "Milestone",  # isic:keyMoment
         "id/funding/les-incompris-departement": "Funding",
         "id/funding/les-incompris-ville-toulouse": "Funding",
         "id/role/les-incompris-assistante-sociale": "ProfessionalRole"}
STAYING = ("id/organisation/departement-haute-garonne", "id/organisation/ville-de-toulouse",
           "id/organisation/compagnie-theatre-de-l-ordinaire", "id/territory/commune/31555")

# Another anas project that shares the group, a funding and a partner role of les-incompris.
SHARING = """@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<id/sheet/li-suite> a isic:CollectionSheet ; isic:describes <id/project/li-suite> ;
    prov:wasAttributedTo <id/network/anas> ; dcterms:created "2016-01-15"^^xsd:date ;
    dcterms:modified "2016-02-01"^^xsd:date .
<id/project/li-suite> a isic:Project ;
    dcterms:title "Les Incompris, la suite"@fr ;
    dcterms:description "Le collectif poursuit ses saynètes avec la ville."@fr ;
    isic:genesis "Le groupe a souhaité continuer après la représentation."@fr ;
    isic:modalities "Réunions mensuelles et représentations dans les quartiers."@fr ;
    isic:emergedFromIndividualSituations true ;
    isic:startDate "2014-09-01"^^xsd:date ;
    isic:status <https://w3id.org/isic/thesaurus/project-status/completed> ;
    isic:theme <https://w3id.org/isic/thesaurus/theme/isolation> ;
    isic:territory <id/territory/commune/31555> ;
    isic:carriedBy <id/organisation/departement-haute-garonne> ;
    isic:userGroup <id/group/les-incompris-collectif> ;
    isic:partnership <id/partnership/li-suite> ;
    isic:funding <id/funding/les-incompris-departement> .
<id/partnership/li-suite> a isic:Partnership ;
    rdfs:label "Partenariat du collectif avec la ville"@fr ;
    isic:establishedBeforeProject true ;
    isic:partner <id/partner-role/les-incompris-ville> , <id/partner-role/li-suite-compagnie> .
<id/partner-role/li-suite-compagnie> a isic:PartnerRole ;
    isic:agent <id/organisation/compagnie-theatre-de-l-ordinaire> ;
    isic:role <https://w3id.org/isic/thesaurus/partner-role/operator> .
"""
SHARED = ("id/group/les-incompris-collectif", "id/funding/les-incompris-departement",
          "id/partner-role/les-incompris-ville")


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The named graphs of a store holding the ontology, the thesauri and every sample network, made once: each test
    loads them into a store of its own (its default graph their union again, as `init` leaves it)."""
    with EmbeddedStore(None) as store:
        init_store(store, GRAPHS, samples=True)
        folder = tmp_path_factory.mktemp("samples")
        (folder / "store.nq.gz").write_bytes(gzip.compress(store.dump(RdfFormat.N_QUADS), compresslevel=1))
    return folder / "store.nq.gz"


@pytest.fixture
def samples(sampled: Path) -> Store:
    store = EmbeddedStore(None)
    store.bulk_load(sampled)
    store.fill_default_graph()
    return store


def upsert(store: Store, validator: Validator, name: str, data: bytes) -> None:
    ingest(store, validator, GRAPHS, [Document(name, data, format_for_path(Path(name)))], "anas", Mode.UPSERT)


def typed(store: Store, iri: str) -> bool:
    return store.query(f"ASK {{ GRAPH ?g {{ <{iri}> a ?t }} }}") is True


def restores_in_full(store: Store, folder: Path, validator: Validator) -> None:
    """A backup of the store restores into an empty store, every graph of it, with every quad."""
    backup(store, folder, BASE)
    with EmbeddedStore(None) as target:
        restored = restore(target, verify(folder), GRAPHS, validator)
        assert restored.left_out == ()
        assert restored.counts == census_of(store)


def test_a_project_withdrawal_takes_every_part_that_exists_only_for_it(samples: Store) -> None:
    planned = retraction.plan(samples, GRAPHS, PROJECT)
    assert {w[len(BASE):]: planned.kinds[w] for w in planned.withdrawn if w[len(BASE):] in PARTS} == PARTS
    assert planned.kinds[PROJECT] == "Project" and planned.withdrawn[0] == PROJECT
    assert not set(STAYING) & {w[len(BASE):] for w in planned.withdrawn}
    done = retraction.retract(samples, GRAPHS, PROJECT, "anas", REASON)
    assert done.withdrawn == planned.withdrawn and done.kinds == planned.kinds
    for part in PARTS:
        assert not typed(samples, BASE + part), part
        assert retraction.retraction_of(samples, GRAPHS, BASE + part) is not None, part
    assert samples.query(f'ASK {{ ?s <{ISIC}stakes> ?o FILTER(CONTAINS(STR(?o), "accueil du public")) }}') is False
    assert all(typed(samples, BASE + kept) for kept in STAYING)
    assert [link.holder for link in done.links] == ["fcsf"]  # anas keeps no link to what it withdrew
    assert retraction.dangling(samples, GRAPHS, "anas") == ()


def test_a_backup_after_a_project_withdrawal_restores_in_full(samples: Store, tmp_path: Path,
                                                               validator: Validator) -> None:
    retraction.retract(samples, GRAPHS, PROJECT, "anas", REASON)
    restores_in_full(samples, tmp_path / "bk", validator)


def test_a_backup_keeping_another_networks_links_to_a_withdrawn_project_restores_in_full(
        samples: Store, tmp_path: Path, validator: Validator) -> None:
    """fcsf's project drew on this one and its lesson (isic:drewOn): the withdrawal leaves those links for fcsf to
    mend, the store serves them, and its backup restores them."""
    project = BASE + "id/project/precarite-energetique-roubaix"
    retraction.retract(samples, GRAPHS, project, "anas", REASON)
    assert any(link.target == project for link in retraction.dangling(samples, GRAPHS, "fcsf"))
    restores_in_full(samples, tmp_path / "bk", validator)
    with EmbeddedStore(None) as target:
        restore(target, verify(tmp_path / "bk"), GRAPHS, validator)
        assert any(link.target == project for link in retraction.dangling(target, GRAPHS, "fcsf"))


def test_parts_another_project_shares_stay_and_the_rest_goes(samples: Store, tmp_path: Path,
                                                             validator: Validator) -> None:
    upsert(samples, validator, "suite.ttl", SHARING.encode())
    planned = retraction.plan(samples, GRAPHS, PROJECT)
    gone = {w[len(BASE):] for w in planned.withdrawn}
    assert not gone & set(SHARED)
    assert set(PARTS) - set(SHARED) <= gone  # the participation names the kept group, and a withdrawn partnership
    retraction.retract(samples, GRAPHS, PROJECT, "anas", REASON)
    assert all(typed(samples, BASE + kept) for kept in (*SHARED, "id/project/li-suite"))
    assert retraction.dangling(samples, GRAPHS, "anas") == ()
    restores_in_full(samples, tmp_path / "bk", validator)


def test_an_activity_held_for_another_project_too_stays(samples: Store, validator: Validator) -> None:
    upsert(samples, validator, "suite.ttl", SHARING.encode())
    samples.update(f"INSERT DATA {{ GRAPH <{GRAPHS.network('anas')}> {{ <{BASE}id/lesson/li-oser-la-parole> "
                   f"<{ISIC}learnedFrom> <{BASE}id/project/li-suite> }} }}")
    planned = {w[len(BASE):] for w in retraction.plan(samples, GRAPHS, PROJECT).withdrawn}
    assert "id/lesson/li-oser-la-parole" not in planned  # learned from a project that stays too
    assert "id/funding/les-incompris-ville-toulouse" in planned


def test_a_lesson_withdrawal_takes_the_document_only_about_it_and_restores_in_full(
        samples: Store, tmp_path: Path, validator: Validator) -> None:
    lesson = BASE + "id/lesson/svf-elu-en-amont"  # fcsf's lesson contradicts it; a tip is about it alone
    planned = retraction.plan(samples, GRAPHS, lesson)
    assert planned.withdrawn == (lesson, BASE + "id/resource/astuce-rencontrer-les-elus")
    assert planned.kinds[planned.withdrawn[1]] == "KnowledgeResource"
    retraction.retract(samples, GRAPHS, lesson, "anas", REASON)
    assert typed(samples, BASE + "id/project/sejour-vacances-familles")
    restores_in_full(samples, tmp_path / "bk", validator)


def test_a_withdrawn_project_published_again_restores_in_full(samples: Store, tmp_path: Path,
                                                             validator: Validator) -> None:
    retraction.retract(samples, GRAPHS, PROJECT, "anas", REASON)
    restores_in_full(samples, tmp_path / "withdrawn", validator)
    sheet = paths.ROOT / "samples" / "anas" / "les-incompris.ttl"
    upsert(samples, validator, sheet.name, sheet.read_bytes())
    for iri in (PROJECT, *(BASE + part for part in PARTS)):
        assert typed(samples, iri) and retraction.retraction_of(samples, GRAPHS, iri) is None, iri
    restores_in_full(samples, tmp_path / "published", validator)


def test_the_commands_withdraw_every_part_then_back_up_and_restore_in_full(tmp_path: Path) -> None:
    """As the tester ran them: init with the samples, retract, backup, restore into an empty store."""
    runner = CliRunner()
    env = {"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(tmp_path / "store")}

    def cli(*args: str) -> str:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    cli("init", "--samples")
    planned = cli("retract", PROJECT, "--network", "anas", "--reason", REASON, "--dry-run")
    for part, kind in PARTS.items():
        assert f"would withdraw\t<{BASE + part}>\t{kind}\n" in planned, part
    done = cli("retract", PROJECT, "--network", "anas", "--reason", REASON)
    assert f"withdrawn\t<{BASE}id/activity/li-bilan>\tCapitalisationActivity" in done
    assert "linked from\tanas" not in done and "linked from\tfcsf" in done
    cli("backup", str(tmp_path / "bk3"))
    env["ISIC_STORE"] = str(tmp_path / "empty")
    restored = cli("restore", str(tmp_path / "bk3"))
    assert "restored" in restored and "left out" not in restored
    with EmbeddedStore(tmp_path / "empty") as store:
        assert store.query(f"ASK {{ GRAPH <{GRAPHS.network('anas')}> {{ ?s ?p ?o }} }}") is True
        assert not typed(store, BASE + "id/partnership/les-incompris-theatre")
