"""/dumps/: the list of dump files, and each file streamed from the engine, with ETag and conditional GET."""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

from flask import Blueprint, Response, jsonify, render_template, request

from isic_graph.errors import PreconditionFailed
from isic_graph.ingest import editions
from isic_graph.publish import dumps
from isic_graph.web.derived import last_write, store_version
from isic_graph.web.negotiation import language, negotiate
from isic_graph.web.services import services
from isic_graph.web.wording import moment_text

blueprint = Blueprint("dumps", __name__)

LISTING_TYPES = ["text/html", "application/json"]
LISTING_UI = {
    "fr": {"title": "Exports complets", "other": "English", "file": "fichier", "type": "type de média",
           "modified": "dernière modification", "catalogue": "catalogue DCAT",
           "intro": "Tout le magasin (chaque graphe, en N-Quads compressé par gzip) et le graphe de chaque réseau "
                    "(Turtle, JSON-LD), lus du magasin au fil de l'envoi ; décrits dans le"},
    "en": {"title": "Dumps", "other": "Français", "file": "file", "type": "media type", "modified": "last modified",
           "catalogue": "DCAT catalogue",
           "intro": "The whole store (every graph, as N-Quads, gzip-compressed) and each network's graph (Turtle, "
                    "JSON-LD), streamed from the store; described in the"},
}


@blueprint.get("/dumps/")
def index() -> Response:
    best = negotiate(LISTING_TYPES)
    s = services()
    edition = editions.store_edition(s.store, s.graphs)  # what a harvester migrates a copy from (none said: 1)
    conforms_to = editions.edition_iri(edition or editions.software_edition())
    entries = [{**_describe(entry), "conforms_to": conforms_to}
               for entry in dumps.listing(s.store, s.graphs, last_write(s))]
    if best == "application/json":
        response = jsonify({"dumps": entries})
    else:
        lang = language()
        shown = [{**e, "modified_text": moment_text(e.get("modified"), lang)} for e in entries]
        response = Response(render_template("dumps.html", entries=shown, lang=lang, ui=LISTING_UI[lang]),
                            content_type="text/html; charset=utf-8")
        response.vary.add("Accept-Language")
    response.vary.add("Accept")
    return response


@blueprint.get("/dumps/<path:name>")
def download(name: str) -> Response:
    """GET or HEAD one dump: 304 when the client's copy is current (If-None-Match names its ETag), 412 when If-Match
    names another, else the file streamed.

    No Last-Modified: no date tells what a dump holds. The networks' dcterms:modified does not move when the
    administrator writes reference data, goes back in time when an older backup is restored, and two writes in one
    second share an HTTP date; so If-Modified-Since alone never gets a 304 (the whole file is sent), and the ETag,
    which changes with what the dump holds, is the one validator."""
    s = services()
    file = dumps.dump_file(name)
    tag = dumps.version(s.store, s.graphs, file).tag
    if file.network is None and s.store.version is not None:  # the whole store holds what no network's date tells
        tag = hashlib.sha256(f"{tag}\n{store_version(s)}".encode()).hexdigest()[:24]  # (reference data): any write
    headers = {"ETag": f'"{tag}"', "Cache-Control": "public, no-cache"}
    if file.compressed:
        headers["Content-Disposition"] = f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
    if "If-Match" in request.headers and not (request.if_match.star_tag or request.if_match.is_strong(tag)):
        raise PreconditionFailed(f"the dump {name} has changed since the ETag given in If-Match was read: read it "
                                 "again", fr=f"l'export {name} a changé depuis la lecture de l'ETag donné par "
                                            "If-Match : relisez-le")  # RFC 9110 §13.1.1: 412, never a 304
    if "If-None-Match" in request.headers and (request.if_none_match.star_tag
                                               or request.if_none_match.contains_weak(tag)):
        return Response(status=304, headers=headers)  # §13.1.2: a weak comparison
    if request.method == "HEAD":
        return Response(iter(()), content_type=file.content_type, headers=headers)
    chunks = dumps.content(s.store, s.graphs, file)
    first = next(chunks, b"")  # a store that fails now gets a problem answer, before any byte is sent
    return Response(_primed(first, chunks), content_type=file.content_type, headers=headers)


def _primed(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks again, first included; closing it (a client gone) closes the read from the store."""
    yield first
    yield from chunks


def _describe(entry: dumps.Entry) -> dict[str, Any]:
    """One dump; its address is a path of this site, which a client resolves against the address it asked (never
    one made from the request's Host, which anyone can set, nor the base IRI, which a peer may serve elsewhere)."""
    file = entry.file
    return {"name": file.name, "url": f"/dumps/{file.name}", "media_type": file.media_type,
            "compression": dumps.GZIP if file.compressed else None, "network": file.network,
            "size": None, "modified": entry.modified.isoformat() if entry.modified else None}
