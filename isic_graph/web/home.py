"""The home page: what this is, what it holds, and where to go."""

from __future__ import annotations

from flask import Blueprint, render_template_string

from isic_graph.admin.bootstrap import stats
from isic_graph.rdf.namespaces import curie
from isic_graph.web.derived import per_store_version
from isic_graph.web.services import services

blueprint = Blueprint("home", __name__)

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>isic-graph</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css"></head>
<body class="narrow">
<h1>isic-graph</h1>
<p lang="fr">Graphe de connaissances de l'intervention sociale d'intérêt collectif (ISIC) : ce que les projets
collectifs des réseaux de travail social ont appris — obstacles, contournements, jalons de méthode,
pratiques partenariales — partagé entre réseaux.</p>
<p lang="en">A knowledge graph of collective social work (ISIC): what the collective projects of social-work networks
taught them, shared between networks.</p>
<h2>Accès / Access</h2>
<ul>
<li>Requêtes / Queries: <a href="/query">éditeur SPARQL / SPARQL workbench</a> ·
<a href="/search">recherche / search</a> · <a href="/ontology">ontologie / ontology</a> ·
<a href="/maps">cartographie / maps</a> · <a href="/sheets/new">nouvelle fiche / new sheet</a></li>
<li>SPARQL endpoint: <a href="/sparql"><code>{{ base }}sparql</code></a> (SPARQL 1.1 Protocol)</li>
<li>Dumps: <a href="/dumps/"><code>{{ base }}dumps/</code></a> (N-Quads gzip, Turtle, JSON-LD)</li>
<li>Metadata: <a href="/.well-known/void"><code>{{ base }}.well-known/void</code></a> (VoID),
<a href="/catalog"><code>{{ base }}catalog</code></a> (DCAT)</li>
</ul>
<h2 id="query">Interroger / Query</h2>
<form action="/sparql" method="post">
<p><label for="q">Requête SPARQL / SPARQL query</label><br>
<textarea id="q" name="query" rows="8" cols="70" required>SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)</textarea></p>
<p><label for="scope">Portée / Scope</label>
<select id="scope" name="scope">
<option value="local">données locales / local data</option>
<option value="all" selected>locales et moissonnées / local and harvested</option>
<option value="live">fédérées, rafraîchies / federated, fetched now</option>
</select>
<label for="format">Format</label>
<select id="format" name="format"><option>csv</option><option>json</option><option>tsv</option><option>xml</option></select>
<button type="submit">Exécuter / Run</button></p>
</form>
<h2>Réseaux / Networks</h2>
<table><tr><th>graph</th><th>triples</th></tr>
{% for g in graphs %}<tr><td><code>{{ g.graph }}</code></td><td class="n">{{ g.triples }}</td></tr>{% endfor %}
</table>
<h2>Ressources / Resources</h2>
<table><tr><th>class</th><th>count</th></tr>
{% for name, n in classes %}<tr><td>{{ name }}</td><td class="n">{{ n }}</td></tr>{% endfor %}
</table>
</body></html>"""


@blueprint.get("/")
@per_store_version
def home() -> str:
    s = services()
    result = stats(s.store)  # the addresses shown are the configured base's, never the request's Host
    return render_template_string(PAGE, base=s.settings.base_iri, graphs=result.graphs,
                                  classes=[(curie(iri), n) for iri, n in result.classes])
