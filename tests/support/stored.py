"""What a web test's store holds, through the application's own SPARQL endpoint: compared before and after a refusal."""

from __future__ import annotations

from flask.testing import FlaskClient

EVERY_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def stored_triples(client: FlaskClient) -> bytes:
    """Every triple of every named graph, as sorted N-Triples lines."""
    response = client.get("/sparql", query_string={"query": EVERY_GRAPH}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.data[:300]
    return b"\n".join(sorted(response.data.splitlines()))
