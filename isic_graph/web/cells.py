"""The pieces of a linked-data page: cells and rows of values, the words around them in French and English."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

from isic_graph.publish.links import safe_href

UI = {"fr": {"formats": "Autres formats", "incoming": "Référencé par", "ontology": "Ontologie",
             "provenance": "Provenance", "graph": "graphe", "modified": "modifié le", "harvested": "moissonné depuis",
             "sheet": "fiche de collecte", "network": "réseau", "other": "English",
             "used": "Ce qui l'utilise", "thesauri": "Thésaurus", "concepts": "Concepts",
             "project": "projet", "lesson": "enseignement", "none": "Aucun.",
             "related": "Liens", "partner": "partenaires", "partner-in": "partenaire des projets",
             "funder-of": "finance les projets", "carries": "porte les projets", "owner": "propriétaire",
             "peer": "pair", "instance": "cette instance", "since": "depuis",
             "withdraw": "Retirer de la publication", "of": "du",
             "aliases": "autres descriptions"},
      "en": {"formats": "Other formats", "incoming": "Referenced by", "ontology": "Ontology",
             "provenance": "Provenance", "graph": "graph", "modified": "modified", "harvested": "harvested from",
             "sheet": "collection sheet", "network": "network", "other": "Français",
             "used": "What uses it", "thesauri": "Thesauri", "concepts": "Concepts",
             "project": "project", "lesson": "lesson", "none": "None.",
             "related": "Links", "partner": "partners", "partner-in": "partner in the projects",
             "funder-of": "funds the projects", "carries": "leads the projects", "owner": "owner",
             "peer": "peer", "instance": "this instance", "since": "since",
             "withdraw": "Withdraw from publication", "of": "of",
             "aliases": "other descriptions"}}


@dataclass(frozen=True)
class Cell:
    """A value on a page: its text, where it links to, a note (language or datatype), and what it stands for
    when its text is a name (an IRI, shown on hover)."""

    text: str
    href: str | None = None
    note: str | None = None
    lang: str | None = None
    title: str | None = None
    code: bool = False  # its text is a name written as code (a prefixed name), not words

    def __post_init__(self) -> None:  # only a link within the site or to an http(s) address is ever made
        object.__setattr__(self, "href", safe_href(self.href))


@dataclass(frozen=True)
class Row:
    """One property of a resource (or one fact about a term) and its values."""

    label: Cell
    values: list[Cell]
    joiner: str = ", "


def term_value(term: object) -> str:
    """The IRI, blank node id or lexical form of a term."""
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


def local_name(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri
