"""Where the shipped artefacts (ontology, shapes, samples, templates, queries, migrations) live; the ontology's
statements, read once for whoever asks them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, parse

_PACKAGE = Path(__file__).resolve().parent.parent  # isic_graph/


@cache
def artefact_root() -> Path:
    """The folder holding ontology/, shapes/, samples/…: the source tree, or the wheel's _data."""
    for root in (_PACKAGE.parent, _PACKAGE / "_data"):
        if (root / "ontology" / "isic.ttl").is_file() and (root / "shapes").is_dir():
            return root
    raise FileNotFoundError("the ontology and shapes files are missing from this installation")


def ontology_file() -> Path:
    return artefact_root() / "ontology" / "isic.ttl"


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The shipped ontology's statements, parsed once."""
    return tuple(q.triple for q in parse(path=str(ontology_file()), format=RdfFormat.TURTLE))


def thesaurus_files() -> list[Path]:
    return sorted((artefact_root() / "ontology" / "thesauri").glob("*.ttl"))


def context_file() -> Path:
    return artefact_root() / "ontology" / "context.jsonld"


def shapes_files() -> list[Path]:
    return sorted((artefact_root() / "shapes").glob("*.ttl"))


def samples_dir() -> Path:
    return artefact_root() / "samples"


def templates_dir() -> Path:
    return artefact_root() / "templates"


def queries_dir() -> Path:
    return artefact_root() / "queries"


def migrations_dir() -> Path:
    """The data steps of each edition of the model: migrations/<edition>/NN-what-it-does.ru."""
    return artefact_root() / "migrations"
