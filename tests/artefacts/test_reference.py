"""The analysts' reference: generated from the artefacts, in docs/analysts.md as generated, and complete."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from isic_graph.cli import main
from isic_graph.publish.reference import BEGIN, END, reference, sample_uses
from isic_graph.publish.reference_text import markdown
from isic_graph.rdf.namespaces import ISIC
from tests.support import paths


def test_docs_analysts_holds_the_reference_as_generated() -> None:
    text = (paths.ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    assert markdown() in text, "docs/analysts.md is out of date: `isic-graph reference --into docs/analysts.md`"


def test_the_reference_command_prints_the_generated_reference() -> None:
    result = CliRunner().invoke(main, ["reference"])
    assert result.exit_code == 0 and result.output == markdown()


def test_the_reference_command_rewrites_the_reference_of_a_file_and_keeps_the_rest(tmp_path: Path) -> None:
    page = tmp_path / "analysts.md"
    page.write_text(f"# Before\n\n{BEGIN}\nold text\n{END}\n\n## After\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["reference", "--into", str(page)]).exit_code == 0
    written = page.read_text(encoding="utf-8")
    assert written.startswith("# Before\n\n") and written.endswith("\n\n## After\n") and markdown() in written
    assert "old text" not in written


def test_every_property_the_samples_use_is_under_its_class() -> None:
    documented = {c.iri: {f.iri for f in c.fields} for c in reference().classes}
    used = {kind: props for kind, props in sample_uses().items() if kind.startswith(ISIC)}
    assert len(used) >= 15 and ISIC + "Lesson" in used
    missing = sorted(f"{kind[len(ISIC):]} {p}" for kind, props in used.items() for p in props
                     if p not in documented.get(kind, set()))
    assert not missing, f"properties the samples use but the reference omits: {missing}"


def test_each_class_names_the_external_properties_it_carries_with_cardinality_and_an_example() -> None:
    classes = {c.local: c for c in reference().classes}
    project = {f.name: f for f in classes["Project"].fields}
    assert project["dcterms:title"].cardinality.startswith("1..") and project["dcterms:title"].example.endswith("@fr")
    assert {"dcterms:title", "dcterms:description"} <= set(project)
    assert "rdfs:label" in {f.name for f in classes["Organisation"].fields}
    assert "prov:wasAttributedTo" in {f.name for f in classes["CollectionSheet"].fields}
    assert classes["Project"].shape == "ProjectShape"


def test_every_thesaurus_lists_its_concepts_with_code_iri_and_both_labels() -> None:
    schemes = {s.slug: s for s in reference().schemes}
    assert {"theme", "role-type", "lesson-category"} <= set(schemes)
    elected = [c for c in schemes["role-type"].concepts if c.code == "elected-official"]
    assert elected and elected[0].iri.endswith("/role-type/elected-official") and set(elected[0].labels) >= {"fr", "en"}
    assert all(s.concepts for s in schemes.values())


def test_the_reference_explains_graphs_languages_and_which_network() -> None:
    text = markdown()
    for idiom in ('FILTER(lang(?label) = "fr")', "GRAPH ?g", "prov:wasAttributedTo", "graph/derived/identity",
                  "skos:prefLabel", "skos:notation"):
        assert idiom in text
