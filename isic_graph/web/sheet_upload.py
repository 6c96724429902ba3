"""The sheet upload page (/sheets/csv): files are checked and the change list shown (resources added,
changed, removed, by name); publishing is applied on confirmation. Every refusal is shown on this page,
in its language, once per problem, in the sheet's words, with the technical details behind a toggle.
The current sheet of a network can be downloaded (/sheets/current.zip, /sheets/current.xlsx)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from isic_graph.errors import IsicError, NotOwner, SheetRefused, UsageError, ValidationFailed
from isic_graph.ingest.changes import ChangeList, counted, property_label
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import IngestResult, Mode, ingest
from isic_graph.ingest.settling import settled
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.ingest.sheetwriter import csv_zip, network_rows
from isic_graph.privacy import in_language, redact
from isic_graph.publish.links import page_link
from isic_graph.query.own_words import names_of
from isic_graph.rdf.formats import format_for_path, format_named
from isic_graph.rdf.labels import choose, switch, words_in
from isic_graph.sparql.guard import json_within
from isic_graph.web.lifecycle import refused
from isic_graph.web.negotiation import language
from isic_graph.web.origin import from_own_page
from isic_graph.web.parameters import form_value
from isic_graph.web.problems import FRENCH, wants_html
from isic_graph.web.services import services
from isic_graph.web.sheets import UI
from isic_graph.web.uploads import uploaded_documents

blueprint = Blueprint("sheet_upload", __name__)

WORDS = {
    "fr": {"changes": "Ce que le dépôt va changer", "confirm": "Publier ces changements",
           "check_first": "Rien n'est encore publié : lisez les changements, puis confirmez.",
           "added": "Ajoutés", "changed": "Modifiés", "removed": "Retirés", "nothing": "Aucun changement.",
           "holds": "Les tableaux déposés décrivent :",
           "published": "Publié", "details": "Détails techniques", "value": "Valeur", "current": "Télécharger la "
           "fiche actuelle d'un réseau", "network": "Réseau", "rule": "Un tableau absent du dépôt ne change rien ; "
           "un tableau présent remplace les ressources de ce tableau (une ligne supprimée retire sa ressource).",
           "download_csv": "CSV (zip)", "download_xlsx": "Classeur .xlsx", "refused": "Le dépôt est refusé",
           "unchanged": "Aucun changement : les données publiées sont déjà celles de ce dépôt. Rien n'a été publié.",
           "moved": "Les données publiées ont changé depuis : voici ce que le dépôt changerait maintenant. "
                    "Rien n'a été publié.",
           "unread": "La fiche ne peut pas être lue : {n} problème(s) à corriger, listés ci-dessous. Rien n'a été "
                     "publié.",
           "links": "Ces énoncés renverront à une ressource retirée : son adresse répondra « 410 retiré », et chaque "
                    "réseau retrouve ses liens orphelins (isic-graph dangling, /api/networks/RÉSEAU/dangling)",
           "invalid": "La fiche n'est pas publiée : {n} problème(s) à corriger, listés ci-dessous. Rien n'a été "
                      "publié.",
           "tampered": "Les fichiers ont changé depuis l'aperçu : déposez-les à nouveau. Rien n'a été publié.",
           "other_token": "L'aperçu a été fait avec le jeton d'un autre réseau : confirmez avec le jeton qui a servi "
                          "à l'aperçu, ou déposez les fichiers à nouveau avec le vôtre. Rien n'a été publié.",
           "too_large": "Les fichiers déposés dépassent {size} Mo, le plus que ce serveur accepte en un dépôt : "
                        "déposez les tableaux en plusieurs fois (un tableau absent ne change rien). Rien n'a été "
                        "publié."},
    "en": {"changes": "What the upload will change", "confirm": "Publish these changes",
           "check_first": "Nothing is published yet: read the changes, then confirm.",
           "added": "Added", "changed": "Changed", "removed": "Removed", "nothing": "No change.",
           "holds": "The tables uploaded describe:",
           "published": "Published", "details": "Technical details", "value": "Value", "current": "Download a "
           "network's current sheet", "network": "Network", "rule": "A table absent from the upload changes "
           "nothing; a table present replaces that table's resources (a deleted row removes its resource).",
           "download_csv": "CSV (zip)", "download_xlsx": ".xlsx workbook", "refused": "The upload is refused",
           "unchanged": "No change: the published data already are this upload's. Nothing was published.",
           "moved": "The published data changed since: here is what the upload would change now. Nothing was "
                    "published.",
           "unread": "The sheet cannot be read: {n} problem(s) to fix, listed below. Nothing was published.",
           "links": "These statements will point at a withdrawn resource: its address will answer 410 Gone, and "
                    "each network finds its dangling links (isic-graph dangling, /api/networks/NETWORK/dangling)",
           "invalid": "The sheet is not published: {n} problem(s) to fix, listed below. Nothing was published.",
           "tampered": "The files changed since the preview: upload them again. Nothing was published.",
           "other_token": "The preview was made with another network's token: confirm with the token the preview "
                          "used, or upload the files again with yours. Nothing was published.",
           "too_large": "The files are larger than {size} MB, the most this server takes in one upload: upload the "
                        "tables in several goes (a table left out changes nothing). Nothing was published."},
}


@blueprint.get("/sheets/csv")
def csv_page() -> Response:
    return _render(language())


@blueprint.post("/sheets/csv")
@from_own_page
def csv_upload() -> Response:
    """Without `confirm`: check the files and show what they will change; with it: publish them."""
    s, lang = services(), language()
    confirming = False
    try:
        confirming = request.form.get("confirm") == "1"
        credential = form_value("credential")
        network = s.credentials.network_for(credential)
        if network is None:
            refused("unauthorized")
            return _render(lang, message=words_in(UI, lang)["bad_token"], status=401)
        documents = _pending() if confirming else uploaded_documents({"credential"})
        if confirming and not hmac.compare_digest(_seal(network, documents).encode(),
                                                    request.form.get("seal", "").encode("utf-8", "replace")):
            refused("conflict")  # the files are not those previewed, or not for this network: nothing is published
            previewed_for = {c.slug for c in s.credentials.list()} - {network}
            other = any(hmac.compare_digest(_seal(slug, documents).encode(), request.form.get("seal", "").encode(
                "utf-8", "replace")) for slug in previewed_for)
            return _render(lang, message=words_in(WORDS, lang)["other_token" if other else "tampered"], status=409)
        mode = Mode.TABLES if all(d.format.rdf_format is None for d in documents) else Mode.UPSERT
        expected = request.form.get("expected")
        if confirming and settled(s.store, s.graphs):  # read and checked once: written if the list is the one shown
            result = ingest(s.store, s.validator, s.graphs, documents, network, mode,
                            confirms=lambda changes: _digest(changes) == expected)
        else:  # a preview; or a store given its owners by its first write, the list shown being the one before it
            result = ingest(s.store, s.validator, s.graphs, documents, network, mode, dry_run=True)
            if confirming and _digest(result.changes) == expected:
                result = ingest(s.store, s.validator, s.graphs, documents, network, mode)
        if confirming and result.dry_run:  # the store changed since it was shown
            return _render(lang, result=result, pending=_encoded(documents), credential=credential,
                           message=words_in(WORDS, lang)["moved"], status=409, seal=_seal(network, documents))
    except RequestEntityTooLarge:
        refused("request-entity-too-large")
        size = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1000 * 1000)
        return _render(lang, message=WORDS[lang]["too_large"].format(size=size), status=413)
    except ValidationFailed as exc:
        refused(exc.code)
        message = WORDS[lang]["unread" if isinstance(exc, SheetRefused) else "invalid"].format(
            n=len(exc.report.violations))
        return _render(lang, problems=_problems(exc, lang), message=message, status=422)
    except NotOwner as exc:
        refused(exc.code)
        file, _, row = (exc.row or "").partition(", row ")
        return _render(lang, problems=[{"file": file, "row": row, "column": "", "value": "", "text": _said(exc, lang),
                                        "details": redact(f"{exc.subject} — {exc.owner}", lang)}], status=422)
    except IsicError as exc:
        refused(exc.code)
        return _render(lang, message=_said(exc, lang), details=f"{exc.code}: {exc.message}", status=exc.status)
    if not confirming:
        return _render(lang, result=result, pending=_encoded(documents), credential=credential,
                       seal=_seal(network, documents))
    if not result.written:  # the same data again: nothing recorded, nothing published
        return _render(lang, message=words_in(WORDS, lang)["unchanged"])
    return _render(lang, result=result, saved=_published(result, lang), status=201)


@blueprint.get("/sheets/current.zip")
def current_csv() -> Response:
    """A network's current sheet as CSV files, in a zip."""
    found = _current()
    if isinstance(found, Response):
        return found
    network, rows = found
    return Response(csv_zip(rows), content_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="fiche-{network}.zip"'})


@blueprint.get("/sheets/current.xlsx")
def current_workbook() -> Response:
    """A network's current sheet as a workbook, with the drop-down lists of the template."""
    found = _current()
    if isinstance(found, Response):
        return found
    network, rows = found
    return Response(workbook(rows), content_type=format_named("xlsx").media_type,
                    headers={"Content-Disposition": f'attachment; filename="fiche-{network}.xlsx"'})


def _current() -> tuple[str, dict[str, list[list[str]]]] | Response:
    """The asked network's name and rows, or the page with the refusal (a problem document, for a program)."""
    s, lang = services(), language()
    name = request.args.get("network", "").strip()
    try:
        if not name:
            raise UsageError("say which network: ?network=…", fr="indiquez le réseau : ?network=…")
        return name, network_rows(s.store, s.graphs, name)
    except IsicError as exc:
        if not wants_html():
            raise
        page = _render(lang, message=_said(exc, lang), details=f"{exc.code}: {exc.message}", status=exc.status,
                       network=name)
        page.vary.add("Accept")  # a program asking the same gets a problem document
        return page


def _pending() -> list[Document]:
    """The files checked at the previous step, carried by the confirmation form."""
    try:
        items = json_within(request.form.get("pending", ""))
        documents = [Document(str(name), base64.b64decode(data, validate=True), format_for_path(str(name)))
                     for name, data in items]
    except (ValueError, TypeError, binascii.Error):  # not JSON, nested too deep, not [[name, base64], …]
        raise UsageError("the confirmation does not carry the checked files; upload them again",
                         fr="la confirmation ne porte pas les fichiers vérifiés ; déposez-les à nouveau") from None
    if not documents:
        raise UsageError("the confirmation carries no file; upload them again",
                         fr="la confirmation ne porte aucun fichier ; déposez-les à nouveau")
    return documents


def _digest(changes: ChangeList) -> str:
    """What a change list says, in a few characters: the confirmation applies the list that was shown."""
    return hashlib.sha256(json.dumps(changes.to_dict(), sort_keys=True).encode()).hexdigest()[:32]


def seal_key(path: Path) -> bytes:
    """The server's key for sealing previewed files, kept in the instance folder (made once, readable by the
    server alone) so that every process and restart of the instance agrees; in memory when it cannot be kept."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return secrets.token_bytes(32)
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process: theirs is the key
        return path.read_bytes()
    except OSError:
        return key
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def _seal(network: str, documents: list[Document]) -> str:
    """A keyed hash of the previewed files (each name and bytes) and their network: the client cannot make one,
    so a confirmation publishes exactly the files it was shown."""
    key: bytes = current_app.extensions["isic_seal_key"]
    parts = [network] + [f"{d.name}\x00{hashlib.sha256(d.data).hexdigest()}" for d in documents]
    return hmac.new(key, "\n".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def _encoded(documents: list[Document]) -> str:
    return json.dumps([[d.name, base64.b64encode(d.data).decode("ascii")] for d in documents])


def _said(exc: IsicError, lang: str) -> str:
    """The error in the page's language: its own French words, else those of its kind."""
    return choose(lang, exc.fr or FRENCH.get(exc.code, ("", exc.message))[1], exc.message)


def _problems(exc: ValidationFailed, lang: str) -> list[dict[str, object]]:
    """Each problem once, in the sheet's words: table, row, column, value, what is expected."""
    shown: dict[str, dict[str, object]] = {}
    for v in exc.report.violations:
        where = v.location
        text = v.describe(lang)
        if where is not None and text.startswith("["):
            text = text.split("] ", 1)[-1]
        value = v.shown_value(lang) if hasattr(v, "shown_value") else None
        details = " — ".join(x for x in (getattr(v, "focus", None), getattr(v, "path", None),
                                        v.messages.get("en")) if x)
        key = f"{where}|{text}"
        place = where.to_dict() if where is not None else {"file": "", "row": "", "column": ""}
        shown.setdefault(key, {"file": in_language(str(place["file"]), lang), "row": place["row"],
                               "column": in_language(str(place["column"] or ""), lang), "value": value or "",
                               "text": text, "details": details})
    return list(shown.values())


def _published(result: IngestResult, lang: str) -> dict[str, Any]:
    """What was published, in words, and links to its projects (else to the network)."""
    base = services().graphs.base
    links = [(iri, "/" + iri[len(base):]) for iri, cls in result.published if cls == "Project" and
             iri.startswith(base)]
    if not links:
        links = [(result.network, f"/id/network/{result.network}")]
    return {"words": counted(result.published, lang) or words_in(UI, lang)["saved"], "links": links}


def _links(result: IngestResult | None, lang: str) -> list[dict[str, str]]:
    """The statements an upload leaves pointing at what it withdraws, in words: each resource by its name and its
    page, the property by its label in the page's language (`lessons/x contradicts lessons/y` was shown)."""
    if result is None or not result.links:
        return []
    s = services()
    names = names_of(s.store, {i for link in result.links for i in (link.subject, link.target)}, lang, s.graphs)
    base = s.graphs.base
    return [{"holder": link.holder, "property": property_label(link.predicate, lang),
             "subject": names[link.subject], "subject_href": page_link(link.subject, base) or "",
             "target": names[link.target], "target_href": page_link(link.target, base) or ""} for link in result.links]


def _render(lang: str, problems: list[dict[str, object]] | None = None, message: str | None = None,
            details: str | None = None, result: IngestResult | None = None, pending: str | None = None,
            credential: str | None = None, saved: dict[str, Any] | None = None, network: str = "",
            status: int = 200, seal: str = "") -> Response:
    body = render_template("sheet_csv.html", lang=lang, ui=words_in(UI, lang), words=words_in(WORDS, lang),
                           expected=_digest(result.changes) if result is not None else "",
                           other=switch(lang), problems=problems or [], message=message,
                           details=details, result=result, pending=pending, credential=credential, saved=saved,
                           network=network, seal=seal, links=_links(result, lang))
    return Response(body, status=status, content_type="text/html; charset=utf-8")
