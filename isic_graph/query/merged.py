"""The merged view: resources that the identity graph links (owl:sameAs between the IRIs two networks give one
organisation or territory) counted and drawn once, under the least of their IRIs.

`one(variable, graphs)` is a SPARQL pattern to add to a query's WHERE clause, after the patterns binding
`?variable`: it binds `?variable_one` to the IRI standing for `?variable`'s group (itself when the identity graph
links it to nothing). Count `DISTINCT ?variable_one`, or group by it, to count each resource once.
"""

from __future__ import annotations

import re

from isic_graph.errors import UsageError
from isic_graph.rdf.namespaces import ISIC, OWL, Graphs
from isic_graph.sparql.terms import iri

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def one(variable: str, graphs: Graphs) -> str:
    """The pattern binding ?{variable}_one to the least IRI of ?{variable}'s identity group."""
    if not NAME.match(variable):
        raise UsageError(f"not a variable name: {variable!r}", fr=f"ce n'est pas un nom de variable : {variable!r}")
    v = variable
    return (f"OPTIONAL {{ SELECT ?{v} (MIN(STR(?{v}_same)) AS ?{v}_first) WHERE {{ "
            f"GRAPH {iri(graphs.identity)} {{ ?{v} <{OWL}sameAs> ?{v}_same }} }} GROUP BY ?{v} }}\n"
            f"  BIND(IF(BOUND(?{v}_first) && ?{v}_first < STR(?{v}), IRI(?{v}_first), ?{v}) AS ?{v}_one)")


def resources_per_class(graphs: Graphs) -> str:
    """The ontology's classes with their resources, each counted once (the home page's table and its query)."""
    return (f"PREFIX isic: <{ISIC}>\n"
            f"SELECT ?class (COUNT(DISTINCT ?s_one) AS ?n) WHERE {{\n"
            f"  ?s a ?class FILTER(STRSTARTS(STR(?class), STR(isic:)))\n"
            f"  {one('s', graphs)}\n"
            f"}} GROUP BY ?class ORDER BY ?class")
