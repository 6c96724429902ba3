"""The one pick of French or English text."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal
from rdflib import Literal as RdflibLiteral

from isic_graph.rdf.labels import choose, in_order, pick, pick_literal, switch


@pytest.mark.parametrize("texts, lang, expected", [
    ({"fr": "Projet", "en": "Project"}, "en", "Project"),
    ({"fr": "Projet", "en": "Project"}, "fr", "Projet"),
    ({"fr": "Projet", "en": "Project"}, "de", "Projet"),  # a language without texts: French first
    ({"en": "Project", "": "projet"}, "fr", "Project"),
    ({"": "projet", "es": "proyecto"}, "en", "projet"),  # untagged before another language
    ({"es": "proyecto"}, "fr", "proyecto"),  # any text rather than none
    ({"fr": "", "en": "Project"}, "fr", "Project"),  # an empty text is no text
    ({}, "fr", None),
])
def test_the_language_asked_for_then_french_english_untagged_any(texts: dict[str, str], lang: str,
                                                                 expected: str | None) -> None:
    assert pick(texts, lang) == expected


def test_literals_of_pyoxigraph_and_rdflib_are_picked_alike() -> None:
    labels = [Literal("Projekt", language="de"), Literal("Project", language="en"), Literal("Projet", language="fr")]
    assert pick_literal(labels, "en") == Literal("Project", language="en")
    assert pick_literal(labels, "fr") == Literal("Projet", language="fr")
    assert str(pick_literal([RdflibLiteral("Projet", lang="FR"), RdflibLiteral("x")], "en")) == "Projet"
    assert pick_literal([], "fr") is None


def test_the_texts_of_the_code_and_the_language_to_switch_to() -> None:
    assert (choose("fr", "oui", "yes"), choose("en", "oui", "yes")) == ("oui", "yes")
    assert (switch("fr"), switch("en")) == ("en", "fr")


def test_labels_are_listed_as_a_reader_looks_for_them_accents_and_case_aside() -> None:
    labels = ["Violences", "Éducation et scolarité", "emploi", "Île-de-France", "Évaluation", "Accès aux droits",
              "Isère"]
    assert sorted(labels, key=in_order) == ["Accès aux droits", "Éducation et scolarité", "emploi", "Évaluation",
                                            "Île-de-France", "Isère", "Violences"]
