"""The files of a multipart upload: every file under every field name, or a refusal naming the part that
cannot be used (never a part silently left out, which a replacing upload would turn into lost data)."""

from __future__ import annotations

import re
from typing import Collection

from flask import request

from isic_graph.errors import UnsupportedFormat, UsageError
from isic_graph.ingest.documents import Document
from isic_graph.rdf.formats import Format, format_for_path
from isic_graph.web.parameters import UTF8, declared_charset

SEPARATORS = re.compile(r"[\\/]")


def uploaded_documents(fields: Collection[str] = ()) -> list[Document]:
    """Every file of the multipart request, whatever its field and however many share one (as `curl -F
    files=@a.csv -F files=@b.csv` and a browser's multiple file input send them). The text fields named in
    `fields` are the form's own; any other text field, or a file without a usable name, is refused (400)."""
    if not request.mimetype_params.get("boundary", "").strip():
        raise UsageError("the multipart request names no boundary (Content-Type: multipart/form-data; boundary=…): let "
                         "the client build it (curl -F files=@sheet.ttl, a browser's form)",
                         "la requête multipart ne nomme pas de séparateur (Content-Type: multipart/form-data; "
                         "boundary=…) : laissez le client la construire (curl -F files=@sheet.ttl, le formulaire d'un "
                         "navigateur)")
    unknown = sorted((name for name in request.form if name not in fields), key=str)  # a part may have no name
    if unknown:
        en = ", ".join(repr(n) if n else "a part with no name" for n in unknown)
        fr = ", ".join(repr(n) if n else "une partie sans nom" for n in unknown)
        raise UsageError(f"the part(s) {en} are not files; send each document as a file part (curl -F "
                         "files=@sheet.ttl)",
                         f"les parties {fr} ne sont pas des fichiers ; envoyez chaque document comme un fichier "
                         "(curl -F files=@sheet.ttl)")
    documents = []
    for field, file in request.files.items(multi=True):
        data = file.read()
        name = SEPARATORS.split(file.filename or "")[-1].strip()
        if not name:
            if not file.filename and not data:  # a file input left empty: browsers send it with no name, no byte
                continue
            raise UsageError(f"a file sent as {field!r} has no file name; name each file (projects.csv, "
                             "sheet.ttl…): its name tells its format and, for CSV, its table",
                             f"un fichier envoyé comme {field!r} n'a pas de nom ; nommez chaque fichier "
                             "(projects.csv, sheet.ttl…) : son nom dit son format et, pour un CSV, sa table")
        documents.append(Document(name, data, format_for_path(name)))
    if not documents:
        raise UsageError("the multipart request holds no file that can be read: a part needs a Content-Disposition "
                         "header with its field's name and a file name in UTF-8, and the body its closing boundary",
                         "la requête multipart ne contient aucun fichier lisible : chaque partie a besoin d'un en-tête "
                         "Content-Disposition avec le nom de son champ et un nom de fichier en UTF-8, et le corps de "
                         "son séparateur final")
    return documents



def body_document(name: str, fmt: Format) -> Document:
    """The request's body as one document. An RDF body is UTF-8 (Turtle, N-Triples and JSON-LD are): one declared in
    another charset (`text/turtle; charset=utf-16`, `charset=latin-1`) is refused (415), where it was read as UTF-8
    whatever it said; a CSV body's encoding is read from its bytes (the sheet's reader tells UTF-16 and Windows'
    encodings), so its charset is not checked."""
    charset = declared_charset()
    if fmt.rdf_format is not None and charset not in UTF8:
        raise UnsupportedFormat(f"a {fmt.label} body is read as UTF-8, not {charset}: save the file as UTF-8 (or "
                                "leave the charset out)",
                                fr=f"un corps {fmt.label} est lu en UTF-8, pas en {charset} : enregistrez le fichier "
                                   "en UTF-8 (ou ne précisez pas de charset)")
    return Document(name, request.get_data(), fmt)
