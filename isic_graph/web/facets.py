"""The values the search and the maps filter on (network, theme, lesson category, phase, territory): each names
something this instance holds, or the request is refused (400, naming the parameter, in English and French), as
a filter naming nothing would answer an empty page that looks like "nothing matches". A network is named by its
IRI or by its slug (`anas`, as /sheets/current.* takes it)."""

from __future__ import annotations

import re

from isic_graph.errors import UsageError
from isic_graph.rdf.namespaces import ISIC, SKOS, SLUG, THESAURUS
from isic_graph.sparql.terms import iri, is_iri
from isic_graph.web.services import services

# parameter -> the pattern ?x must match, and what it names (English, French)
NAMED: dict[str, tuple[str, str, str]] = {
    "network": (f"?x a <{ISIC}Network>", "a network (its slug, such as anas, or its IRI)",
                "un réseau (son nom court, comme anas, ou son adresse IRI)"),
    "theme": (f"?x <{SKOS}inScheme> <{THESAURUS}theme>", "a concept of the list of themes (its IRI)",
              "un concept de la liste des thématiques (son adresse IRI)"),
    "category": (f"?x <{SKOS}inScheme> <{THESAURUS}lesson-category>",
                 "a concept of the list of lesson categories (its IRI)",
                 "un concept de la liste des catégories d'enseignement (son adresse IRI)"),
    "phase": (f"?x <{SKOS}inScheme> <{THESAURUS}phase>", "a concept of the list of phases (its IRI)",
              "un concept de la liste des phases (son adresse IRI)"),
    "territory": (f"?x a <{ISIC}Territory>", "a territory of this instance (its IRI)",
                  "un territoire de cette instance (son adresse IRI)"),
}


def named(parameter: str, value: str) -> str:
    """The IRI a filter's value names (a network's slug made its IRI); UsageError naming the parameter when it names
    nothing this instance holds (the value itself is not repeated: it may be anything)."""
    pattern, en, fr = NAMED[parameter]
    value = value.strip()
    s = services()
    if parameter == "network" and SLUG.fullmatch(value):
        value = s.graphs.network_resource(value)
    if not (re.match(r"https?://", value) and is_iri(value)) or \
            s.store.query(f"ASK {{ {pattern.replace('?x', iri(value))} }}") is not True:
        raise UsageError(f"{parameter} must name {en}; the value given names none",
                         fr=f"le paramètre {parameter} doit nommer {fr} ; la valeur donnée n'en nomme aucun")
    return value


def named_filters(parameters: dict[str, str]) -> dict[str, str]:
    """The filters given (their non-empty values), each as the IRI it names."""
    return {name: named(name, value) for name, value in parameters.items() if name in NAMED and value.strip()}


__all__ = ["NAMED", "named", "named_filters"]
