"""WSGI entry point: `waitress-serve --call server:create_app` or any WSGI server; settings from the environment.

The application needs a running query engine: `isic-graph serve` starts one; with another WSGI
server, set ISIC_STORE_URL to a SPARQL server (e.g. `oxigraph serve --union-default-graph`).
"""

from isic_graph.web import create_app

__all__ = ["create_app"]
