"""/query: the analysts' workbench. YASGUI (installed by the package's build step, never from a CDN),
with the ontology's terms for completion, the prefixes filled in, the competency questions as
examples, the query scope, and downloads as CSV, JSON and TSV."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache

from flask import Blueprint, render_template, request

from isic_graph.rdf import resources
from isic_graph.rdf.labels import switch
from isic_graph.rdf.namespaces import DCTERMS, ISIC, OWL, PROV, RDF, RDFS, SKOS, XSD
from isic_graph.web.negotiation import language
from isic_graph.web.served import published_prefixes
from isic_graph.web.services import services

blueprint = Blueprint("workbench", __name__)

PREFIXES = {"isic": ISIC, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "owl": OWL,
            "xsd": XSD}
START = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + """

SELECT ?project ?title WHERE {
  ?project a isic:Project ; dcterms:title ?title .
}
ORDER BY ?title
LIMIT 100"""
UI = {
    "fr": {"title": "Requêtes SPARQL", "examples": "Questions des analystes", "scope": "Portée",
           "local": "données locales", "all": "locales et moissonnées", "live": "fédérées, rafraîchies",
           "download": "Télécharger les résultats", "truncated": "Résultats tronqués à la limite du serveur",
           "nojs": "Cette page a besoin de JavaScript ; sans lui, le formulaire ci-dessous interroge le point d'accès.",
           "run": "Exécuter", "other": "English", "search": "Recherche", "tab": "Requête", "ontology": "Ontologie"},
    "en": {"title": "SPARQL queries", "examples": "Analysts' questions", "scope": "Scope",
           "local": "local data", "all": "local and harvested", "live": "federated, fetched now",
           "download": "Download the results", "truncated": "Results cut at the server's limit",
           "nojs": "This page needs JavaScript; without it, the form below queries the endpoint.",
           "run": "Run", "other": "Français", "search": "Search", "tab": "Query", "ontology": "Ontology"},
}
MAX_OPENED = 64 * 1024  # what /sparql reads at most
HEADER = re.compile(r"^# (title|titre|description): (.*)$")


@dataclass(frozen=True)
class Example:
    name: str
    title: dict[str, str]
    description: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """The competency questions of queries/, with their titles in French and English."""
    found = []
    for path in sorted(resources.queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = {m.group(1): m.group(2) for m in map(HEADER.match, text.splitlines()[:5]) if m}
        title = {"en": header.get("title", path.stem), "fr": header.get("titre", header.get("title", path.stem))}
        found.append(Example(path.stem, title, header.get("description", ""), text))
    return tuple(found)


@cache
def terms() -> dict[str, list[str]]:
    """The ontology's classes and properties, for completion."""
    from pyoxigraph import RdfFormat, parse

    classes: set[str] = set()
    properties: set[str] = set()
    kinds = {OWL + "Class": classes, OWL + "ObjectProperty": properties, OWL + "DatatypeProperty": properties}
    with resources.ontology_file().open("rb") as handle:
        for quad in parse(handle, format=RdfFormat.TURTLE):
            if quad.predicate.value.endswith("#type") and quad.object.value in kinds \
                    and quad.subject.value.startswith(PREFIXES["isic"]):
                kinds[quad.object.value].add(quad.subject.value)
    return {"classes": sorted(classes), "properties": sorted(properties)}


@blueprint.get("/query")
def workbench() -> str:
    lang = language()
    opened = request.args.get("query", "")[:MAX_OPENED]  # a link's query: shown and run, the endpoint judges it
    data = {"lang": lang, "start": START, "examples": [asdict(e) for e in examples()], "terms": terms(),
            "prefixes": PREFIXES,
            "open": opened, "tab": UI[lang]["tab"], "base": services().graphs.base,
            "display": {**published_prefixes(), "id": services().graphs.base + "id/"}}
    return render_template("workbench.html", lang=lang, ui=UI[lang], other=switch(lang),
                           examples=examples(), start=START, data=data)
