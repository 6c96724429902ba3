"""Collection sheets for people: a form generated from the shapes (/sheets/new, /sheets/edit), checked as
the user goes (/sheets/check) and on submit with the shapes of the API, each problem shown beside its
field; a CSV upload page whose problems name file, row and column; the empty CSV template."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from isic_graph.errors import NotOwner, Report, UsageError, ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.ingest.sheetform import FilledSheet, fields, lesson_index, options, sheet_iri, sheet_triples
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.rdf import resources
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import pick, switch
from isic_graph.rdf.namespaces import DCTERMS, ISIC, check_slug
from isic_graph.sparql.terms import iri as term
from isic_graph.sparql.terms import is_iri
from isic_graph.web.api import dry_run_of
from isic_graph.web.derived import per_store_version
from isic_graph.web.lifecycle import refused
from isic_graph.web.negotiation import language
from isic_graph.web.services import services
from isic_graph.web.uploads import uploaded_documents

blueprint = Blueprint("sheets", __name__)

UI = {
    "fr": {"title": "Nouvelle fiche de collecte", "edit": "Modifier la fiche", "project": "Le projet",
           "lessons": "Les enseignements", "lesson": "Enseignement", "add": "Ajouter un enseignement",
           "credential": "Jeton du réseau", "credential_help": "Le jeton d'écriture remis à votre réseau.",
           "submit": "Enregistrer la fiche", "required": "obligatoire", "yes": "oui", "no": "non", "none": "—",
           "problems": "La fiche n'a pas été enregistrée : corrigez les points signalés.",
           "saved": "Fiche enregistrée.", "see": "Voir le projet", "other": "English", "csv": "Déposer des fichiers CSV",
           "template": "Télécharger le modèle CSV vide",
           "workbook": "Télécharger le classeur modèle (.xlsx), avec les listes de valeurs",
           "csv_title": "Dépôt de fiches au format CSV",
           "files": "Fichiers CSV de la fiche (projects.csv, lessons.csv…) ou classeur .xlsx / .ods", "send": "Déposer",
           "bad_token": "Jeton inconnu ou révoqué : la fiche n'a pas été enregistrée.",
           "form": "Remplir le formulaire", "other_problems": "Autres points"},
    "en": {"title": "New collection sheet", "edit": "Edit the sheet", "project": "The project",
           "lessons": "The lessons", "lesson": "Lesson", "add": "Add a lesson",
           "credential": "Network token", "credential_help": "The write token given to your network.",
           "submit": "Save the sheet", "required": "required", "yes": "yes", "no": "no", "none": "—",
           "problems": "The sheet was not saved: fix the points shown.",
           "saved": "Sheet saved.", "see": "See the project", "other": "Français", "csv": "Upload CSV files",
           "template": "Download the empty CSV template",
           "workbook": "Download the workbook template (.xlsx), with the lists of values",
           "csv_title": "Collection sheets as CSV",
           "files": "The sheet's CSV files (projects.csv, lessons.csv…) or an .xlsx / .ods workbook", "send": "Upload",
           "bad_token": "Unknown or revoked token: the sheet was not saved.",
           "form": "Fill in the form", "other_problems": "Other points"},
}


def _render(lang: str, values: dict[str, list[str]], errors: dict[str, list[str]], status: int = 200,
            saved: str | None = None, message: str | None = None, project_iri: str | None = None) -> Response:
    s = services()
    lessons = sorted({i for k in list(values) + list(errors) if (i := lesson_index(k)) is not None} or {0})
    groups: dict[str, list[Any]] = {}
    for f in fields("project"):
        groups.setdefault(pick(f.group, lang) or "", []).append(f)
    choices = {f.path: options(s.store, f, lang) for f in fields("project") + fields("lesson") if f.kind == "choice"}
    ui = UI[lang]
    body = render_template(
        "sheet_form.html", lang=lang, ui=ui, other=switch(lang), values=values, errors=errors,
        project_groups=list(groups.items()), lesson_fields=fields("lesson"), lesson_blocks=lessons, choices=choices,
        heading=ui["edit"] if project_iri else ui["title"], saved=saved, message=message, project_iri=project_iri,
        project_id=(values.get("project.id") or [""])[0])
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/sheets/new")
@per_store_version
def new_sheet() -> Response:
    return _render(language(), {}, {})


@blueprint.get("/sheets/edit")
@per_store_version
def edit_sheet() -> Response:
    """The form filled with a stored project and its lessons."""
    s = services()
    iri = request.args.get("project", "")
    base = s.graphs.base + "id/project/"
    if not iri.startswith(base) or not iri[len(base):].replace("-", "").isalnum() or not is_iri(iri):
        raise UsageError(f"project must be the IRI of a project of this instance ({base}…)")
    values: dict[str, list[str]] = {"project.id": [iri[len(base):]]}
    lessons = [r["l"].value for r in s.store.select(
        f"SELECT ?l WHERE {{ ?l <{ISIC}learnedFrom> {term(iri)} }} ORDER BY ?l").rows]
    for prefix, subject, known in [("project", iri, fields("project"))] + \
            [(f"lesson.{i}", lesson, fields("lesson")) for i, lesson in enumerate(lessons)]:
        for f in known:
            rows = s.store.select(f"SELECT ?v WHERE {{ {term(subject)} {term(f.path)} ?v }}").rows
            found = [r["v"].value for r in rows]
            if found:
                values[f"{prefix}.{f.key}"] = found
    if len(values) == 1:
        raise UsageError(f"no project <{iri}> in this store")
    return _render(language(), values, {}, project_iri=iri)


def _filled() -> FilledSheet:
    return FilledSheet({name: request.form.getlist(name) for name in request.form if name != "credential"})


def _field_errors(report: Report, blocks: dict[str, str], lang: str) -> dict[str, list[str]]:
    """Each violation beside its field: the block of its focus node, the local name of its path."""
    errors: dict[str, list[str]] = {}
    keys = {f.path: f.key for f in fields("project") + fields("lesson")}
    for v in report.violations:
        block = blocks.get(v.focus)
        message = pick(v.messages, lang) or ""
        if block in (None, "sheet") or v.path not in keys:
            errors.setdefault("", []).append(v.describe(lang))
        else:
            errors.setdefault(f"{block}.{keys[v.path]}", []).append(message)
    return errors


def _document(sheet: FilledSheet, network: str, lang: str) -> tuple[Document, dict[str, str]]:
    s = services()
    rows = s.store.select(f"SELECT ?d WHERE {{ {term(sheet_iri(sheet, s.graphs, network))} "
                          f"<{DCTERMS}created> ?d }}").rows
    triples, blocks = sheet_triples(sheet, s.graphs, network, lang, created=rows[0]["d"].value if rows else None)
    text = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return Document("sheet.nt", text.encode("utf-8"), format_named("ntriples")), blocks


@blueprint.post("/sheets/check")
def check_sheet() -> Response:
    """The form's problems so far, by field, with the same shapes as on submit (nothing is stored)."""
    lang = language()
    network = check_slug(request.args.get("network") or "form")
    document, blocks = _document(_filled(), network, lang)
    report = dry_run_of([document], None).as_report()  # in a process of its own, stopped at the query timeout
    errors = _field_errors(report, {iri: block for iri, block in blocks.items() if block != "sheet"}, lang)
    errors.pop("", None)  # the form's own problems are shown beside their fields; the rest on submit
    return jsonify({"conforms": report.conforms, "errors": errors})


@blueprint.post("/sheets")
def submit_sheet() -> Response:
    """Save a filled form: the network is the credential's; the same ingestion as the API (upsert)."""
    s, lang = services(), language()
    sheet = _filled()
    network = s.credentials.network_for(request.form.get("credential", ""))
    if network is None:
        refused("unauthorized")
        return _render(lang, sheet.values, {"credential": [UI[lang]["bad_token"]]}, 401)
    document, blocks = _document(sheet, check_slug(network), lang)
    try:
        ingest(s.store, s.validator, s.graphs, [document], network, Mode.UPSERT)
    except ValidationFailed as exc:
        refused(exc.code)
        return _render(lang, sheet.values, _field_errors(exc.report, blocks, lang), 422)
    except NotOwner as exc:
        refused(exc.code)
        return _render(lang, sheet.values, {"": [exc.text(lang)]}, 422)
    project = next(iri for iri, block in blocks.items() if block == "project")
    return _render(lang, {}, {}, 201, saved="/" + project[len(s.graphs.base):])


@blueprint.get("/sheets/csv")
def csv_page() -> Response:
    return _csv_render(language(), [], None)


@blueprint.post("/sheets/csv")
def csv_upload() -> Response:
    s, lang = services(), language()
    network = s.credentials.network_for(request.form.get("credential", ""))
    if network is None:
        refused("unauthorized")
        return _csv_render(lang, [], None, UI[lang]["bad_token"], 401)
    try:
        documents = uploaded_documents({"credential"})
        result = ingest(s.store, s.validator, s.graphs, documents, network, Mode.UPSERT)
    except ValidationFailed as exc:
        problems: list[dict[str, object]] = [{"file": v.location.file if v.location else "", "row": v.location.row if v.location else "",
                     "column": (v.location.column or "") if v.location else "", "text": v.describe(lang)}
                    for v in exc.report.violations]
        refused(exc.code)
        return _csv_render(lang, problems, None, None, 422)
    except NotOwner as exc:
        refused(exc.code)
        file, _, row = (exc.row or "").partition(", row ")
        return _csv_render(lang, [{"file": file, "row": row, "column": "", "text": exc.text(lang)}], None, None, 422)
    except UsageError as exc:
        refused(exc.code)
        return _csv_render(lang, [], None, exc.text(lang), 400)
    return _csv_render(lang, [], f"{result.triples} triples, {network}", None, 201)


def _csv_render(lang: str, problems: list[dict[str, object]], saved: str | None, message: str | None = None,
                status: int = 200) -> Response:
    body = render_template("sheet_csv.html", lang=lang, ui=UI[lang], other=switch(lang),
                           problems=problems, saved=saved, message=message)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/sheets/template.xlsx")
def workbook_template() -> Response:
    """The workbook template: one sheet per table, an example row, drop-down lists of the thesauri's labels."""
    return Response(workbook(), content_type=format_named("xlsx").media_type,
                    headers={"Content-Disposition": 'attachment; filename="fiche-isic.xlsx"'})


@blueprint.get("/sheets/template.zip")
def template() -> Response:
    """The empty CSV collection sheet: one file per table, with its CSVW metadata."""
    buffer = io.BytesIO()
    folder = resources.templates_dir() / "csv"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, f"fiche-isic/{path.name}")
    return Response(buffer.getvalue(), content_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="fiche-isic.zip"'})
