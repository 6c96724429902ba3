"""The published JSON-LD context, read once, and the only document a JSON-LD processor here is ever given."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import CONTEXT_IRI


@cache
def context_document() -> dict[str, Any]:
    """The published context document (`ontology/context.jsonld`), read once."""
    document: dict[str, Any] = json.loads(resources.context_file().read_text(encoding="utf-8"))
    return document


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the project's context and refuses every other URL."""
    from pyld import jsonld as pyld  # read only where JSON-LD is processed

    if url == CONTEXT_IRI:
        return {"contextUrl": None, "documentUrl": url, "document": context_document(),
                "contentType": "application/ld+json"}
    raise pyld.JsonLdError(f"remote JSON-LD documents are never fetched: {url}", "jsonld.LoadDocumentError",
                           {"url": url}, code="loading remote context failed")
