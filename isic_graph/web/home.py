"""The home page: what this is, what it holds, and where to go; in the reader's language, its graphs and
classes by their names."""

from __future__ import annotations

from flask import Blueprint, render_template

from isic_graph.admin.bootstrap import stats
from isic_graph.publish.links import page_link
from isic_graph.query.merged import resources_per_class
from isic_graph.rdf.labels import pick, switch, words_in
from isic_graph.rdf.namespaces import ISIC, curie
from isic_graph.web.derived import per_store_version
from isic_graph.web.lookups import one_page
from isic_graph.web.naming import graph_name, graph_resources
from isic_graph.web.negotiation import language
from isic_graph.web.resource_page import names_of
from isic_graph.web.served import artefacts
from isic_graph.web.services import services

blueprint = Blueprint("home", __name__)

WORDS = {
    "fr": {"other": "English",
           "about": "Graphe de connaissances de l'intervention sociale d'intérêt collectif (ISIC) : ce que les projets "
                    "collectifs des réseaux de travail social ont appris — obstacles, contournements, jalons de "
                    "méthode, pratiques partenariales — partagé entre réseaux.",
           "access": "Accès", "queries": "Requêtes", "workbench": "éditeur SPARQL", "search": "recherche",
           "ontology": "ontologie", "maps": "cartographie", "new_sheet": "nouvelle fiche",
           "endpoint": "Point d'accès SPARQL", "protocol": "protocole SPARQL 1.1", "dumps": "Exports complets",
           "metadata": "Métadonnées", "query": "Interroger", "query_label": "Requête SPARQL", "scope": "Portée",
           "local": "données locales", "all": "locales et moissonnées", "live": "fédérées, rafraîchies",
           "format": "Format", "run": "Exécuter", "networks": "Graphes et réseaux", "graph": "graphe",
           "triples": "triplets", "resources": "Ressources", "class": "classe", "count": "nombre",
           "counted": "Chaque ressource comptée une fois, même quand deux réseaux la nomment de deux IRI que le "
                      "graphe d'identité relie : la réponse de la requête ci-dessus."},
    "en": {"other": "Français",
           "about": "A knowledge graph of collective social work (ISIC): what the collective projects of social-work "
                    "networks learned — obstacles, workarounds, method milestones, partnership practices — shared "
                    "between networks.",
           "access": "Access", "queries": "Queries", "workbench": "SPARQL workbench", "search": "search",
           "ontology": "ontology", "maps": "maps", "new_sheet": "new sheet",
           "endpoint": "SPARQL endpoint", "protocol": "SPARQL 1.1 Protocol", "dumps": "Dumps",
           "metadata": "Metadata", "query": "Query", "query_label": "SPARQL query", "scope": "Scope",
           "local": "local data", "all": "local and harvested", "live": "federated, fetched now",
           "format": "Format", "run": "Run", "networks": "Graphs and networks", "graph": "graph",
           "triples": "triples", "resources": "Resources", "class": "class", "count": "count",
           "counted": "Each resource counted once, also when two networks name it by two IRIs the identity graph "
                      "links: the answer of the query above."},
}


@blueprint.get("/")
@per_store_version
@one_page
def home() -> str:
    s, lang = services(), language()
    result = stats(s.store)  # the addresses shown are the configured base's, never the request's Host
    query = resources_per_class(s.graphs)  # the table of classes is this query's answer, shown above it
    names = names_of([r for g in result.graphs for r in graph_resources(g.graph, s.graphs)], lang)
    graphs = [(graph_name(g.graph, s.graphs, names, lang), page_link(g.graph, s.graphs.base), g.graph, g.triples)
              for g in result.graphs]
    known = artefacts().labels
    classes = [(pick(known.get(c, {}), lang) or curie(c), curie(c),
                "/ontology#" + c[len(ISIC):] if c.startswith(ISIC) else None, int(r["n"].value))
               for r in s.store.select(query).rows if (c := r["class"].value)]
    return render_template("home.html", lang=lang, words=words_in(WORDS, lang), other=switch(lang),
                           base=s.settings.base_iri, graphs=graphs, classes=classes, query=query)
