"""The ingestion API: networks post collection sheets, and validate them first (a dry run, in a process of its
own, stopped at the query timeout, its report cut to the first problems and their count)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request

from isic_graph.errors import SheetRefused, UsageError, ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.dry_run import DryRun, Submission
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.rdf.formats import REPORT, content_type, format_for_media_type, formats_for
from isic_graph.rdf.namespaces import check_slug
from isic_graph.web.auth import require_credential, require_network
from isic_graph.web.negotiation import accepted, language
from isic_graph.web.problems import from_error
from isic_graph.web.services import services
from isic_graph.web.uploads import body_document, uploaded_documents

blueprint = Blueprint("api", __name__, url_prefix="/api")
REPORTS = {f.media_type: f for f in formats_for(REPORT)}  # the W3C SHACL report, for clients that ask for it
TABLE_NAME = re.compile(r"[^\W\d_][\w-]{0,39}(?:\.csv)?")  # ?table: a table's name (projects, rôles…), one word


@blueprint.post("/networks/<slug>/sheets")
def post_sheets(slug: str) -> Response:
    check_slug(slug)
    require_network(slug)
    s = services()
    documents = documents_from_request()
    dry = _flag("dry-run")
    try:
        result = ingest(s.store, s.validator, s.graphs, documents, slug, _mode(documents), dry_run=dry)
    except ValidationFailed as exc:
        return refusal(exc)
    response = jsonify({"network": result.network, "graph": result.graph, "mode": result.mode.value,
                        "triples": result.triples, "subjects": result.subjects, "provenance": result.activity or None,
                        "sha256": result.sha256, "dry_run": dry, "changes": result.changes.to_dict(),
                        "changed": bool(result.changes.changes),
                        "withdrawn": list(result.withdrawn), "links": [k.to_dict() for k in result.links]})
    if dry:
        return response
    response.status_code = 201 if result.created else 200
    response.headers["Location"] = result.graph
    return response


@blueprint.post("/validate")
def validate() -> Response:
    network = request.args.get("network")
    if network is not None:
        check_slug(network)
        require_network(network)
    else:  # a network's token: checked as that network would send it (ownership too); the administrator's: the shapes
        network = require_credential("a dry run")
    wanted = accepted().best_match(["application/problem+json", *REPORTS], default="application/problem+json")
    report = REPORTS.get(wanted)
    try:
        outcome = dry_run_of(documents_from_request(), network, report.rdflib if report else None)
    except SheetRefused as exc:  # the sheet could not be read: its problems, in the asked language
        return refusal(exc)
    if outcome.conforms:
        return jsonify({"conforms": True, "triples": outcome.triples, "subjects": outcome.subjects})
    if report is not None:
        response = Response(outcome.report or "", status=422, content_type=content_type(wanted))
    else:

        shown = "" if outcome.problems == len(outcome.violations) else f" (the first {len(outcome.violations)} shown)"
        shown_fr = "" if outcome.problems == len(outcome.violations) else f" (les {len(outcome.violations)} premiers)"
        response = from_error(ValidationFailed(f"{outcome.problems} problem(s) to fix{shown}", outcome.as_report(),
                                               fr=f"{outcome.problems} problème(s) à corriger{shown_fr}"),
                              report=outcome.describe(language()), problems=outcome.problems)
    response.headers["Isic-Problems"] = str(outcome.problems)
    response.headers["Isic-Problems-Shown"] = str(len(outcome.violations))
    return response


def dry_run_of(documents: list[Document], network: str | None, report_format: str | None = None,
               mode: Mode = Mode.REPLACE) -> DryRun:
    """A dry run of these documents (checked as the network's, in `mode`), in a process of its own, stopped at
    the query timeout."""
    s = services()
    submission = Submission(s.store.query_url, s.graphs.base,
                            tuple((d.name, d.data, d.format.name) for d in documents), network, report_format,
                            peer_registry=s.graphs.peer_registry, mode=mode.value)
    return s.dry_runs.run(submission, s.settings.query_timeout)


def documents_from_request() -> list[Document]:
    """The submitted files: multipart parts (named by their file names) or the request body."""
    if request.mimetype == "multipart/form-data":
        return uploaded_documents()
    if not request.mimetype:
        raise UsageError("say what the body is with a Content-Type (text/turtle, application/ld+json, "
                         "application/n-triples, text/csv)",
                         "dites ce qu'est le corps de la requête par un Content-Type (text/turtle, "
                         "application/ld+json, application/n-triples, text/csv)")
    fmt = format_for_media_type(request.mimetype)
    if fmt.rdf_format is None and fmt.name != "csv":  # a workbook: its sheets name its tables
        name = f"sheet{fmt.extension}"
    elif fmt.rdf_format is None:
        table = request.args.get("table")
        if not table:
            raise UsageError("a CSV body needs ?table=projects (or lessons, organisations…), "
                             "or send the files as multipart/form-data",
                             "un corps CSV demande ?table=projects (ou lessons, organisations…), "
                             "ou envoyez les fichiers en multipart/form-data")
        if TABLE_NAME.fullmatch(table) is None:
            raise UsageError("?table names one of the sheet's tables (projects, lessons, "
                             "organisations…): a word of 40 letters at most",
                             "?table nomme un des tableaux de la fiche (projects, lessons, "
                             "organisations…) : un mot de 40 lettres au plus")
        name = table if table.endswith(".csv") else f"{table}.csv"
    else:
        name = f"body{fmt.extension}"
    return [body_document(name, fmt)]


def _mode(documents: list[Document]) -> Mode:
    """The asked mode; by default, tables for a sheet (a table present replaces its resources), else replace."""
    sheets = all(d.format.rdf_format is None for d in documents)
    value = request.args.get("mode", Mode.TABLES.value if sheets else Mode.REPLACE.value)
    try:
        return Mode(value)
    except ValueError:
        raise UsageError(f"mode must be replace, upsert or tables, not {value!r}",
                         f"le mode est replace, upsert ou tables, pas {value!r}") from None


def _flag(name: str) -> bool:
    """A yes/no query parameter: present with no value, 1, true or yes is yes."""
    value = request.args.get(name)
    if value is None:
        return False
    if value.strip().casefold() in ("", "1", "true", "yes", "oui"):
        return True
    if value.strip().casefold() in ("0", "false", "no", "non"):
        return False
    raise UsageError(f"?{name} takes 1 or 0, not {value!r}", f"?{name} vaut 1 ou 0, pas {value!r}")


def refusal(exc: ValidationFailed) -> Response:
    wanted = accepted().best_match(["application/problem+json", *REPORTS], default="application/problem+json")
    if wanted in REPORTS:
        return Response(exc.report.serialize(REPORTS[wanted].rdflib), status=422, content_type=content_type(wanted))
    lang = language()
    return from_error(exc, report=exc.report.describe(lang))
