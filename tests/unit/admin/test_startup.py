"""Before serving, a store of an older edition of the model is migrated (the report logged) or, when the setting says
so, refused with what to run; a newer one is always refused; a current or missing store is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Triple

from isic_graph.admin.startup import bring_to_edition
from isic_graph.config import Settings
from isic_graph.errors import UsageError
from isic_graph.ingest import editions
from isic_graph.rdf.namespaces import DCTERMS, Graphs
from isic_graph.sparql.updates import insert_data
from isic_graph.store.embedded import EmbeddedStore
from tests.conftest import BASE
from tests.support.first_edition import NETWORKS, load_first_edition, quads

GRAPHS = Graphs(BASE)


def first_edition(tmp_path: Path, newer: bool = False) -> Settings:
    store = EmbeddedStore(tmp_path / "store")
    load_first_edition(store)
    if newer:
        store.update(insert_data(GRAPHS.metadata, [Triple(NamedNode(editions.dataset_iri(GRAPHS)),
                                                          NamedNode(DCTERMS + "conformsTo"),
                                                          NamedNode(editions.edition_iri(99)))]))
    store.close()
    return Settings(store_path=tmp_path / "store", base_iri=BASE, credentials_path=tmp_path / "credentials.json")


def stored(settings: Settings) -> set[tuple[str, str, str, str]]:
    assert settings.store_path is not None
    store = EmbeddedStore(settings.store_path)
    try:
        return quads(store)
    finally:
        store.close()


def test_an_older_store_is_migrated_and_the_report_logged(tmp_path: Path) -> None:
    settings = first_edition(tmp_path)
    lines: list[str] = []
    done = bring_to_edition(settings, lines.append)
    assert done is not None and done.source == editions.FIRST and not done.dry_run
    assert lines[0].startswith("the store holds edition 1") and any(line.startswith("anas\t") for line in lines)
    assert all(any(line.startswith(f"{name}\t") for line in lines) for name in NETWORKS)
    assert bring_to_edition(settings, lines.append) is None  # current now


def test_told_to_refuse_it_says_to_run_migrate_and_changes_nothing(tmp_path: Path) -> None:
    settings = first_edition(tmp_path).with_(migration_at_start="refuse")
    before = stored(settings)
    with pytest.raises(UsageError) as refused:
        bring_to_edition(settings, lambda line: None)
    assert "isic-graph migrate" in refused.value.message and "isic-graph migrate" in refused.value.text("fr")
    assert stored(settings) == before


def test_a_newer_store_is_refused_whatever_the_setting(tmp_path: Path) -> None:
    settings = first_edition(tmp_path, newer=True)
    for mode in ("migrate", "refuse"):
        with pytest.raises(UsageError, match="edition 99 of the model, newer"):
            bring_to_edition(settings.with_(migration_at_start=mode), lambda line: None)


def test_no_store_yet_is_left_alone(tmp_path: Path) -> None:
    settings = Settings(store_path=tmp_path / "nothing", base_iri=BASE)
    assert bring_to_edition(settings, lambda line: None) is None and not (tmp_path / "nothing").exists()


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store initialised under another base IRI (the vocabulary alone)."""
    from isic_graph.admin.bootstrap import init_store

    folder = tmp_path_factory.mktemp("elsewhere") / "store"
    with EmbeddedStore(folder) as store:
        init_store(store, Graphs("https://isic.autre.example/"))
    return folder


def test_a_store_of_another_base_iri_is_not_served(elsewhere: Path) -> None:
    """It was served: every page 404, search empty, /healthz ok."""
    with pytest.raises(UsageError, match="initialised with the base IRI https://isic.autre.example/"):
        bring_to_edition(Settings(store_path=elsewhere, base_iri=BASE), print)


def test_init_refuses_a_store_of_another_base_iri_and_changes_nothing(elsewhere: Path) -> None:
    """It loaded this instance's vocabulary beside the other's: two sets of graphs."""
    from click.testing import CliRunner

    from isic_graph.cli import main

    with EmbeddedStore(elsewhere) as store:
        before = sorted(store.graph_names())
    done = CliRunner().invoke(main, ["init"], env={"ISIC_BASE_IRI": BASE, "ISIC_STORE": str(elsewhere)})
    assert done.exit_code == 1 and "ISIC_BASE_IRI=https://isic.autre.example/" in done.output, done.output
    with EmbeddedStore(elsewhere) as store:
        assert sorted(store.graph_names()) == before
