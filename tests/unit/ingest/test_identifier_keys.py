"""SIRETs pass their check key (python-stdnum, La Poste's exception included); RNA numbers keep their form;
identity links come only from valid numbers; stored numbers that fail are listed and still served."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat

from isic_graph.cli import main
from isic_graph.config import Settings
from isic_graph.errors import ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.identity import recompute_identity, same_groups, update_identity
from isic_graph.ingest.ingestion import ingest
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import ISIC, OWL, Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.validation.identifiers import valid_rna, valid_siret, wrong_keys
from isic_graph.validation.validator import Validator
from tests.conftest import BACKENDS
from tests.support import paths
from tests.support.shared_store import shared_store

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
BASE = "http://localhost:5000/"
SIRET = ISIC + "siret"
LA_POSTE = ["35600000000048", "35600000049837", "35600000052135"]  # keys by digit sum, not Luhn
RIGHT = ["53451234800010", "81234567600017", "22350001800211", "12345678200010", "73282932000074"]
WRONG_KEY = ["53451234500019", "81234567800015", "22350001800217", "12345678900017", "35600000000049", "35600000049838",
             "73282932000075"]
WRONG_FORM = ["3560000000004", "356000000000481", "356 000 000 00048", "534 512 348 00010", "53451234800010 ",
              "5345123480001O", "53451234800010/81234567600017", "٥٣٤٥١٢٣٤٨٠٠٠١٠"]


@pytest.mark.parametrize("value", LA_POSTE + RIGHT)
def test_a_siret_with_its_right_key_is_valid(value: str) -> None:
    assert valid_siret(value)


@pytest.mark.parametrize("value", WRONG_KEY + WRONG_FORM)
def test_a_siret_with_a_wrong_key_or_form_is_not(value: str) -> None:
    assert not valid_siret(value)


def test_rna_numbers_keep_their_form_check() -> None:
    assert valid_rna("W353012345") and not valid_rna("W35301234") and not valid_rna("w353012345")


def organisation(siret: str) -> Document:
    text = (VALID.read_text(encoding="utf-8")).replace('isic:siret "12345678200010"', f'isic:siret "{siret}"')
    return Document("sheet.ttl", text.encode("utf-8"), format_for_path("sheet.ttl"))


@pytest.fixture(scope="module", params=BACKENDS)
def refusing_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   initialised: tuple[Path, bytes]) -> Iterator[Store]:
    """A store as `init` leaves it, made once for the refusals, which leave it unchanged."""
    yield from shared_store(request.param, initialised, tmp_path_factory.mktemp("refusing"))


@pytest.mark.parametrize("value", WRONG_KEY)
def test_a_submitted_siret_with_a_wrong_key_is_refused_once_naming_it(
        refusing_store: Store, validator: Validator, graphs: Graphs, value: str) -> None:
    before = b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines()))
    with pytest.raises(ValidationFailed) as caught:
        ingest(refusing_store, validator, graphs, [organisation(value)], "demo")
    [violation] = caught.value.report.violations
    assert (violation.focus, violation.path, violation.value) == (BASE + "id/organisation/centre-social", SIRET,
                                                                  f'"{value}"')
    assert "clé de contrôle" in violation.messages["fr"] and value in violation.messages["fr"]
    assert violation.field_names["fr"] == "Numéro SIRET"
    assert b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines())) == before


@pytest.mark.parametrize("value", ["3560000000004", "356000000000481", "356 000 000 00048", "534 512 348 00010"])
def test_a_siret_of_13_or_15_digits_or_with_spaces_is_refused_once_by_its_form(
        refusing_store: Store, validator: Validator, graphs: Graphs, value: str) -> None:
    before = b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines()))
    with pytest.raises(ValidationFailed) as caught:
        ingest(refusing_store, validator, graphs, [organisation(value)], "demo")
    [violation] = caught.value.report.violations
    assert violation.path == SIRET and "14 chiffres" in violation.messages["fr"]
    assert b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines())) == before  # the store is shared


@pytest.mark.parametrize("value", LA_POSTE[:2] + RIGHT[:1])
def test_la_postes_sirets_and_right_keys_are_accepted(
        store: Store, validator: Validator, graphs: Graphs, value: str) -> None:
    ingest(store, validator, graphs, [organisation(value)], "demo")
    assert store.query(f'ASK {{ ?o <{SIRET}> "{value}" }}')


def test_a_csv_sheets_wrong_key_names_its_file_row_and_column(
        store: Store, validator: Validator, graphs: Graphs) -> None:
    samples = ROOT / "samples"
    ingest(store, validator, graphs, [Document.from_path(p) for p in sorted((samples / "anas").glob("*.ttl"))], "anas")
    documents = [Document.from_path(p) for p in sorted((samples / "action-sociale-35").glob("*.csv"))]
    organisations = next(d for d in documents if d.name == "organisations.csv")
    wrong = organisations.data.replace(b"81234567600017", b"81234567600018")
    documents[documents.index(organisations)] = Document(organisations.name, wrong, organisations.format)
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, validator, graphs, documents, "action-sociale-35")
    [violation] = caught.value.report.violations
    assert violation.location is not None
    assert (violation.location.file, violation.location.row, violation.location.column) == (
        "organisations.csv", 3, "siret")  # the sheet's line, header included


def test_the_samples_sirets_have_right_keys_and_the_two_cafs_are_one(sample_store: Store, graphs: Graphs) -> None:
    stored = [row["v"].value for row in sample_store.select(f"SELECT ?v WHERE {{ ?o <{SIRET}> ?v }}").rows]
    assert stored and all(valid_siret(v) for v in stored)
    caf_anas, caf_35 = BASE + "id/organisation/caf-ille-et-vilaine", BASE + "id/organisation/caf-35"
    assert sample_store.query(f"ASK {{ GRAPH <{graphs.identity}> {{ <{caf_anas}> <{OWL}sameAs> <{caf_35}> }} }}")
    assert [g for g in same_groups(sample_store) if caf_anas in g] == [[caf_35, caf_anas]]


def store_raw(store: Store, graph: str, turtle_triples: str) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {turtle_triples} }} }}")


def test_identity_links_skip_stored_numbers_that_fail_their_check(store: Store, graphs: Graphs) -> None:
    org = f"<{ISIC}Organisation>"
    for network, name in (("a", "caf"), ("b", "caf")):
        store_raw(store, graphs.network(network), f'<{BASE}id/organisation/{network}-{name}> a {org} ; '
                                                  f'<{SIRET}> "53451234500019" ; <{ISIC}rna> "W35999999" .')
    store_raw(store, graphs.network("a"), f'<{BASE}id/organisation/a-ok> a {org} ; <{SIRET}> "35600000000048" .')
    store_raw(store, graphs.network("b"), f'<{BASE}id/organisation/b-ok> a {org} ; <{SIRET}> "35600000000048" .')
    assert recompute_identity(store, graphs) == 2
    assert same_groups(store) == [[BASE + "id/organisation/a-ok", BASE + "id/organisation/b-ok"]]
    update_identity(store, graphs, [BASE + "id/organisation/a-caf", BASE + "id/organisation/b-caf"])
    assert not store.query(f"ASK {{ <{BASE}id/organisation/a-caf> <{OWL}sameAs> ?x }}")


def test_stored_numbers_that_fail_are_listed_by_the_check_command_and_still_served(settings: Settings,
                                                                                   graphs: Graphs) -> None:
    runner = CliRunner()
    env = {"ISIC_BASE_IRI": settings.base_iri, "ISIC_STORE": str(settings.store_path or "")}
    if settings.store_url:
        env.update(ISIC_STORE_URL=settings.store_url, ISIC_STORE_UPDATE_URL=settings.update_url or "",
                   ISIC_STORE_GSP_URL=settings.store_gsp_url or "")
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    assert runner.invoke(main, ["ingest", str(VALID), "--network", "demo"], env=env).exit_code == 0
    try:
        with open_store(settings, create=True) as store:
            store_raw(store, graphs.network("demo"), f'<{BASE}id/organisation/old> a <{ISIC}Organisation> ; '
                                                     f'<{SIRET}> "53451234500019" ; <{ISIC}rna> "W12" .')
        unknown = runner.invoke(main, ["check", "--network", "autre"], env=env)  # no graph: said, not an all-clear
        assert unknown.exit_code == 2 and "no network 'autre' has a graph here" in unknown.output, unknown.output
        for lang, words in (("fr", "clé de contrôle"), ("en", "check key")):
            found = runner.invoke(main, ["check", "--network", "demo", "--lang", lang], env=env)
            assert found.exit_code == 1
            lines = found.output.splitlines()
            assert len(lines) == 2 and all(line.startswith("demo\t<" + BASE + "id/organisation/old>") for line in lines)
            assert words in found.output and "53451234500019" in found.output and "W12" in found.output
        assert runner.invoke(main, ["check"], env=env).exit_code == 1  # every network
        served = runner.invoke(main, ["query", f'ASK {{ ?o <{SIRET}> "53451234500019" }}'], env=env)
        assert served.output.strip() == "true"
        bad = runner.invoke(main, ["check", "--network", "Not A Slug"], env=env)  # no network's: 2, as a typo
        assert bad.exit_code == 2 and "Traceback" not in bad.output and "no network" in bad.output, bad.output
        cased = runner.invoke(main, ["check", "--network", "DEMO"], env=env)
        assert cased.exit_code == 2 and "did you mean 'demo'?" in cased.output, cased.output
    finally:
        with open_store(settings, create=True) as store:
            store.update("DROP ALL")


def test_wrong_keys_ignores_other_forms_and_properties() -> None:
    from pyoxigraph import Literal, NamedNode, Triple
    s = NamedNode(BASE + "id/organisation/x")
    triples = [Triple(s, NamedNode(SIRET), Literal("53451234500019")),
               Triple(s, NamedNode(SIRET), Literal("534 512 345 00019")),
               Triple(s, NamedNode(ISIC + "rna"), Literal("53451234500019"))]
    assert [k.value for k in wrong_keys(triples)] == ["53451234500019"]


def intercommunality(siren: str) -> Document:
    """The minimal sheet with an intercommunality (EPCI), known by its SIREN, that its project is about."""
    text = VALID.read_text(encoding="utf-8") + f"""
<id/territory/intercommunality/epci> a isic:Territory ;
    rdfs:label "Communauté d'agglomération d'exemple"@fr ;
    isic:siren "{siren}" ;
    isic:territoryLevel th-territory-level:intercommunality .
"""
    return Document("sheet.ttl", text.encode("utf-8"), format_for_path("sheet.ttl"))


@pytest.mark.parametrize("value", ["200093200", "200040716", "123456780", "200093210"])
def test_a_submitted_siren_with_a_wrong_key_is_refused_naming_it(
        refusing_store: Store, validator: Validator, graphs: Graphs, value: str) -> None:
    before = b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines()))
    with pytest.raises(ValidationFailed) as caught:
        ingest(refusing_store, validator, graphs, [intercommunality(value)], "demo")
    [violation] = caught.value.report.violations
    assert (violation.focus, violation.path) == (BASE + "id/territory/intercommunality/epci", ISIC + "siren")
    assert "Le numéro SIREN" in violation.messages["fr"] and value in violation.messages["fr"]
    assert b"".join(sorted(refusing_store.dump(RdfFormat.N_QUADS).splitlines())) == before


@pytest.mark.parametrize("value", ["200093201", "200040715"])  # the Métropole européenne de Lille, Grenoble-Alpes
def test_a_submitted_siren_with_its_right_key_is_accepted(store: Store, validator: Validator, graphs: Graphs,
                                                          value: str) -> None:
    done = ingest(store, validator, graphs, [intercommunality(value)], "demo")
    assert done.triples > 0
