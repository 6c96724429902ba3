"""Collection sheets for people: a form generated from the shapes (/sheets/new, /sheets/edit), checked as
the user goes (/sheets/check) and on submit with the shapes of the API, each problem shown beside its
field; the empty CSV template and workbook (the upload page is sheet_upload.py)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import NotFound, NotOwner, Report, Unauthorized, UsageError, ValidationFailed
from isic_graph.ingest.changes import ChangeList
from isic_graph.ingest.documents import Document
from isic_graph.ingest.formedit import merged
from isic_graph.ingest.ingestion import Mode, ingest
from isic_graph.ingest.listing import joined
from isic_graph.ingest.sheetblocks import NAMES, block_triples, stored_values, table_fields, table_of
from isic_graph.ingest.sheetfilled import MAX_LESSONS, SHEET_TABLES, FilledSheet, block_index, lesson_index
from isic_graph.ingest.sheetform import BLOCKS, block_fields, fields, later_fields, listed, partnership_fields
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.ingest.sheettriples import SheetTriples, project_iri, sheet_iri, sheet_triples
from isic_graph.rdf import resources
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import pick, switch
from isic_graph.rdf.namespaces import DCTERMS, ISIC, RDF_LANG_STRING, RDF_TYPE, RDFS, check_slug
from isic_graph.sparql.terms import iri as term
from isic_graph.sparql.terms import iris, is_iri
from isic_graph.web.api import dry_run_of
from isic_graph.web.auth import bearer_token, is_admin
from isic_graph.web.derived import per_store_version
from isic_graph.web.lifecycle import refused
from isic_graph.web.negotiation import language
from isic_graph.web.origin import from_own_page
from isic_graph.web.parameters import form_value
from isic_graph.web.pick_lists import pick_lists
from isic_graph.web.services import services

MODIFIED = DCTERMS + "modified"
blueprint = Blueprint("sheets", __name__)
MAX_BLOCKS = MAX_LESSONS  # as many blocks of a kind as the form may hold

UI = {
    "fr": {"title": "Nouvelle fiche de collecte", "edit": "Modifier la fiche", "project": "Le projet",
           "sheet": "La fiche de collecte",
           "lessons": "Les enseignements", "lesson": "Enseignement", "add": "Ajouter un enseignement",
           "credential": "Jeton du réseau", "credential_help": "Le jeton d'écriture remis à votre réseau.",
           "submit": "Enregistrer la fiche", "required": "obligatoire", "yes": "oui", "no": "non", "none": "—",
           "problems": "La fiche n'a pas été enregistrée : corrigez les points signalés.",
           "saved": "Fiche enregistrée.", "unchanged": "Aucun changement : la fiche enregistrée est déjà celle-ci.",
           "see": "Voir le projet", "other": "English",
           "csv": "Déposer des fichiers CSV",
           "template": "Télécharger le modèle CSV vide",
           "workbook": "Télécharger le classeur modèle (.xlsx), avec les listes de valeurs",
           "csv_title": "Dépôt de fiches au format CSV",
           "files": "Fichiers CSV de la fiche (projects.csv, lessons.csv…) ou classeur .xlsx / .ods", "send": "Déposer",
           "bad_token": "Jeton inconnu ou révoqué : la fiche n'a pas été enregistrée.",
           "check_needs_token": "Saisissez le jeton de votre réseau (en bas du formulaire) : la fiche sera alors "
                                "vérifiée au fil de la saisie.",
           "check_bad_token": "Jeton inconnu ou révoqué : la fiche ne peut pas être vérifiée au fil de la saisie. "
                              "Vérifiez le jeton de votre réseau (en bas du formulaire).",
           "form": "Remplir le formulaire", "other_problems": "Autres points",
           "lines": "Plusieurs valeurs possibles : une par ligne (ou séparées par « | » ; un « | » qui fait partie "
                    "d'une valeur s'écrit « \\| »).", "add_block": "Ajouter",
           "blocks_help": "Pour ajouter : seuls les blocs remplis sont enregistrés ; "
                          "ce qui est déjà enregistré est conservé.",
           "picks": "Plusieurs choix possibles : maintenez Ctrl (Cmd sur Mac) en cliquant pour en choisir plusieurs."},
    "en": {"title": "New collection sheet", "edit": "Edit the sheet", "project": "The project",
           "sheet": "The collection sheet",
           "lessons": "The lessons", "lesson": "Lesson", "add": "Add a lesson",
           "credential": "Network token", "credential_help": "The write token given to your network.",
           "submit": "Save the sheet", "required": "required", "yes": "yes", "no": "no", "none": "—",
           "problems": "The sheet was not saved: fix the points shown.",
           "saved": "Sheet saved.", "unchanged": "No change: the sheet stored is this one already.",
           "see": "See the project", "other": "Français", "csv": "Upload CSV files",
           "template": "Download the empty CSV template",
           "workbook": "Download the workbook template (.xlsx), with the lists of values",
           "csv_title": "Collection sheets as CSV",
           "files": "The sheet's CSV files (projects.csv, lessons.csv…) or an .xlsx / .ods workbook", "send": "Upload",
           "bad_token": "Unknown or revoked token: the sheet was not saved.",
           "check_needs_token": "Type your network's token (at the bottom of the form): the sheet will then be "
                                "checked as you fill it in.",
           "check_bad_token": "Unknown or revoked token: the sheet cannot be checked as you fill it in. Check your "
                              "network's token (at the bottom of the form).",
           "form": "Fill in the form", "other_problems": "Other points",
           "lines": "Several values allowed: one per line (or separated by “|”; a “|” within a value is written "
                    "“\\|”).", "add_block": "Add",
           "blocks_help": "To add: only filled blocks are saved; what is already stored is kept.",
           "picks": "Several choices allowed: hold Ctrl (Cmd on a Mac) while clicking to pick more than one."},
}


def _render(lang: str, values: dict[str, list[str]], errors: dict[str, list[str]], status: int = 200,
            saved: str | None = None, message: str | None = None, project_iri: str | None = None,
            unchanged: bool = False) -> Response:
    # what is said of a block's identifier (a hidden field: another network's project or partner) is shown with the
    # points of no field
    unshown = [m for k, said in errors.items() if k.endswith(".id") for m in said]
    errors = {k: said for k, said in errors.items() if not k.endswith(".id")}
    if unshown:
        errors[""] = errors.get("", []) + [m for m in dict.fromkeys(unshown) if m not in errors.get("", [])]
    lessons = sorted({i for k in list(values) + list(errors) if (i := lesson_index(k)) is not None} or {0})
    groups: dict[str, list[Any]] = {}
    for f in fields("project"):
        groups.setdefault(pick(f.group, lang) or "", []).append(f)
    every = fields("project") + fields("lesson") + tuple(f for kind in BLOCKS for f in block_fields(kind))
    choices = pick_lists(every, lang)
    extra = {kind: sorted({i for k in list(values) + list(errors) if (i := block_index(k, kind)) is not None} or {0})
             for kind in BLOCKS}
    new_ones = {kind: [(f"#{kind}.{i}", f"{BLOCKS[kind].names[lang]} : n° {i + 1}") for i in extra[kind]]
                for kind in ("organisation", "territory")}
    described = {ISIC + "Organisation": new_ones["organisation"], ISIC + "Actor": new_ones["organisation"],
                 ISIC + "Territory": new_ones["territory"]}
    block_parts = [(kind, BLOCKS[kind].names[lang], block_fields(kind) + (partnership_fields() if kind == "partner"
                                                                          else ()), extra[kind]) for kind in BLOCKS]
    block_parts += [(kind, NAMES[kind][lang], table_fields(kind),
                     sorted({i for k in list(values) + list(errors) if (i := block_index(k, kind)) is not None} or {0}))
                    for kind in SHEET_TABLES]
    ui = UI[lang]
    body = render_template(
        "sheet_form.html", lang=lang, ui=ui, other=switch(lang), values=values, errors=errors,
        project_groups=list(groups.items()), sheet_fields=fields("sheet"), lesson_fields=fields("lesson"),
        lesson_blocks=lessons, choices=choices,
        heading=ui["edit"] if project_iri else ui["title"], saved=saved, unchanged=unchanged, message=message,
        project_iri=project_iri,
        project_id=(values.get("project.id") or [""])[0], listed=listed, described=described, block_parts=block_parts)
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
        raise UsageError(f"project must be the IRI of a project of this instance ({base}…)",
                         f"project doit être l'adresse d'un projet de cette instance ({base}…)")
    values: dict[str, list[str]] = {"project.id": [iri[len(base):]]}
    lesson_base = s.graphs.base + "id/lesson/"
    lessons = [r["l"].value for r in s.store.select(
        f"SELECT ?l WHERE {{ ?l <{ISIC}learnedFrom> {term(iri)} }} ORDER BY ?l").rows
        if r["l"].value.startswith(lesson_base)]
    lang = language()
    for i, lesson in enumerate(lessons):
        values[f"lesson.{i}.id"] = [lesson[len(lesson_base):]]
    blocks = _stored_blocks(iri)
    for (kind, i), (resource, partnership) in blocks.items():
        values[f"{kind}.{i}.id"] = [resource]
        if partnership:
            values[f"{kind}.{i}.partnership"] = [partnership]
    values.update(_stored_table_blocks(iri))
    records = s.store.select(f"SELECT ?r WHERE {{ ?r <{ISIC}describes> {term(iri)} }} ORDER BY ?r LIMIT 1").rows
    said: dict[str, dict[str, list[Any]]] = {}  # what the store says of each subject shown, by property
    for prefix, subject, known in [("project", iri, fields("project"))] + \
            [("sheet", r["r"].value, fields("sheet")) for r in records] + \
            [(f"lesson.{i}", lesson, fields("lesson")) for i, lesson in enumerate(lessons)] + \
            [(f"{kind}.{i}", resource, block_fields(kind)) for (kind, i), (resource, _) in blocks.items()] + \
            [(f"{kind}.{i}", partnership, partnership_fields()) for (kind, i), (_, partnership) in blocks.items()
             if partnership]:
        if subject not in said:
            said[subject] = _statements_of(subject)
        for f in known:
            found = [v.value for v in said[subject].get(f.path, []) if f.datatype != RDF_LANG_STRING
                     or getattr(v, "language", None) in (lang, None, "")]  # texts in the form's language
            if found:
                values[f"{prefix}.{f.key}"] = [joined(found, "\n")] if listed(f) else found
    if len(values) == 1:
        raise NotFound(f"no project <{iri}> in this store (never published here, or withdrawn)",
                       fr=f"aucun projet <{iri}> dans cette base (jamais publié ici, ou retiré)")
    return _render(lang, values, {}, project_iri=iri)


def _statements_of(subject: str) -> dict[str, list[Any]]:
    """The values of each property of a subject, asked in one query (each property's values in the order the
    store gives them for that property alone: a scan of the same index)."""
    found: dict[str, list[Any]] = {}
    for r in services().store.select(f"SELECT ?p ?v WHERE {{ {term(subject)} ?p ?v }}").rows:
        found.setdefault(r["p"].value, []).append(r["v"])
    return found


def _stored_blocks(project: str) -> dict[tuple[str, int], tuple[str, str | None]]:
    """The stored fundings and partners of a project, as the form's blocks: (kind, index) -> (the resource,
    the partnership a partner belongs to)."""
    s = services()
    fundings = [r["f"].value for r in s.store.select(
        f"SELECT DISTINCT ?f WHERE {{ {term(project)} <{ISIC}funding> ?f . ?f a <{ISIC}Funding> }} ORDER BY ?f").rows]
    partners = [(r["r"].value, r["p"].value) for r in s.store.select(
        f"SELECT DISTINCT ?p ?r WHERE {{ {term(project)} <{ISIC}partnership> ?p . ?p <{ISIC}partner> ?r . "
        f"?r a <{ISIC}PartnerRole> }} ORDER BY ?p ?r").rows]
    found: dict[tuple[str, int], tuple[str, str | None]] = {}
    found.update({("funding", i): (f, None) for i, f in enumerate(fundings[:MAX_BLOCKS])})
    found.update({("partner", i): (r, p) for i, (r, p) in enumerate(partners[:MAX_BLOCKS])})
    return found


def _stored_table_blocks(project: str) -> dict[str, list[str]]:
    """The form's values for the project's stored rows of the sheet's tables shown as blocks (its participations,
    milestones, activities…), read from the graph that describes the project."""
    s = services()
    graphs = [r["g"].value for r in s.store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {term(project)} a <{ISIC}Project> }} }} LIMIT 1").rows]
    if not graphs:
        return {}
    around = {r["x"].value for r in s.store.select(
        f"SELECT DISTINCT ?x WHERE {{ GRAPH {term(graphs[0])} {{ {{ {term(project)} <{ISIC}partnership> ?x }} "
        f"UNION {{ {term(project)} <{ISIC}partnership>/<{ISIC}steeringCommittee> ?x }} }} }}").rows}
    triples = s.store.constructed(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term(graphs[0])} {{ ?s ?p ?o }} }}")
    return stored_values(triples, s.graphs.base, project, around)


def _removed(network: str, form: SheetTriples) -> frozenset[str]:
    """What the form takes out of the network's graph: stored partners, fundings and partnerships only."""
    if not form.removed:
        return frozenset()
    s = services()
    kinds = " ".join([*(f"<{ISIC}{c}>" for c in ("PartnerRole", "Funding", "Partnership")),
                      *(f"<{table_of(k).types['row']}>" for k in SHEET_TABLES)])
    rows = s.store.select(f"SELECT DISTINCT ?r WHERE {{ VALUES ?r {{ {iris(sorted(form.removed))} }} VALUES ?t {{ "
                          f"{kinds} }} GRAPH {term(s.graphs.network(network))} {{ ?r a ?t }} }}").rows
    return frozenset(r["r"].value for r in rows)


LINE_ENDS = re.compile(r"\r\n?")


def _filled() -> FilledSheet:
    """The form's values as typed, their line ends as stored (`\n`): a browser sends a text area's as CRLF
    (HTML's form submission), which would change every text of several lines saved back unchanged."""
    return FilledSheet({name: [LINE_ENDS.sub("\n", value) for value in request.form.getlist(name)]
                        for name in request.form if name != "credential"})


def _field_errors(report: Report, blocks: dict[str, str], lang: str) -> dict[str, list[str]]:
    """Each violation beside its field: the block of its focus node, the local name of its path."""
    errors: dict[str, list[str]] = {}
    every = fields("project") + fields("lesson") + tuple(f for k in BLOCKS for f in block_fields(k))
    keys = {f.path: f.key for f in every}
    columns: dict[tuple[str, str | None], str] = {}  # a table's field of a property: its first (French) one
    in_language: dict[tuple[str, str | None, str], str] = {}  # and by language: `intitule` fr, `intitule_en` en
    for kind in SHEET_TABLES:
        languages = {c.header: c.lang for c in table_of(kind).columns if c.lang}
        for f in table_fields(kind):
            if f.path:
                columns.setdefault((kind, f.path), f.key)
                if f.key in languages:
                    in_language.setdefault((kind, f.path, languages[f.key]), f.key)
    for v in report.violations:
        block = blocks.get(v.focus)
        message = pick(v.messages, lang) or ""
        path = later_fields().get((v.path or "", v.messages.get("fr", "")), v.path)  # beside the field to fix
        kind = (block or "").split(".")[0]
        if block and (kind, path) in columns:
            name = f"{block}.{in_language.get((kind, path, v.language or ''), columns[(kind, path)])}"
            if message not in errors.get(name, []):
                errors.setdefault(name, []).append(message)
        elif block in (None, "sheet") or path not in keys:
            errors.setdefault("", []).append(v.describe(lang))
        elif message not in errors.get(f"{block}.{keys[path]}", []):
            errors.setdefault(f"{block}.{keys[path]}", []).append(message)
    return errors


def _document(sheet: FilledSheet, network: str, lang: str) -> tuple[Document, SheetTriples, list[Triple]]:
    """The form as one N-Triples document, with what is kept of the stored description of its resources."""
    s = services()
    graph = s.graphs.network(network)
    rows = s.store.select(f"SELECT ?r ?d WHERE {{ GRAPH {term(graph)} {{ ?r <{ISIC}describes> "
                          f"{term(project_iri(sheet, s.graphs, network))} OPTIONAL {{ ?r "
                          f"<{DCTERMS}created> ?d }} }} }} ORDER BY ?r LIMIT 1").rows
    record = rows[0]["r"].value if rows else sheet_iri(sheet, s.graphs, network)
    created = rows[0]["d"].value if rows and "d" in rows[0] else None
    form = sheet_triples(sheet, s.graphs, network, lang, created=created, record_iri=record)
    project = next(iri for iri, block in form.blocks.items() if block == "project")
    extra = block_triples(sheet, s.graphs, project.rsplit("/", 1)[1])
    removed = form.removed | (extra.removed - set(extra.blocks))
    # a block emptied takes its resource out: the other blocks (a committee's members) no longer name it
    form = replace(form, triples=[t for t in dict.fromkeys([*form.triples, *extra.triples])
                                  if not isinstance(t.object, NamedNode) or t.object.value not in removed],
                   blocks={**form.blocks, **extra.blocks}, covered=form.covered | extra.covered,
                   problems={**form.problems, **extra.problems}, removed=removed)
    triples = merged(s.store, graph, form)
    described = s.graphs.network_resource(network)
    if s.store.query(f"ASK {{ {term(described)} a <{ISIC}Network> }}") is False:  # a new network: its name
        name = next((c.name for c in s.credentials.list() if c.slug == network), network)
        triples += [Triple(NamedNode(described), NamedNode(RDF_TYPE), NamedNode(ISIC + "Network")),
                    Triple(NamedNode(described), NamedNode(RDFS + "label"), Literal(name, language="fr"))]
    text = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return Document("sheet.nt", text.encode("utf-8"), format_named("ntriples")), form, triples


def _checking_network() -> str:
    """The network a form's check is run for: the one whose token the request carries, as the page's script
    sends it (Authorization: Bearer) or as the form is submitted (its credential field); the administrator's
    token checks for ?network= (by default a new network). Anonymous checks are refused: a check is a
    validation, which costs the server far more than the request."""
    s = services()
    token = bearer_token() or form_value("credential").strip()
    if not token:
        raise Unauthorized("checking a sheet needs its network's token (Authorization: Bearer …, or the form's "
                           "credential field)",
                           fr="vérifier une fiche demande le jeton de son réseau (Authorization: Bearer …, ou le "
                              "champ « Jeton du réseau » du formulaire)")
    if is_admin(token):
        return check_slug(request.args.get("network") or "form")
    network = s.credentials.network_for(token)
    if network is None:
        raise Unauthorized("unknown or revoked token", fr="jeton inconnu ou révoqué")
    return check_slug(network)


def _outcome(sheet: FilledSheet, network: str, lang: str,
             saving: bool) -> tuple[dict[str, list[str]], SheetTriples, str, bool]:
    """What saving the form decides, for the check (saving=False: the same checks as a dry run, nothing stored) and
    for the save: the problems by field ("" for those of no field), none when it is (or would be) stored. Both
    check it as the network's upsert: the shapes, and the owners of every subject it describes (a project, a
    partner, a funding of another network is refused, at its block's identifier); the refusal's code; and whether
    the save wrote (a sheet sent back unchanged does not, its last-updated date included)."""
    s = services()
    document, form, triples = _document(sheet, network, lang)
    errors: dict[str, list[str]] = {}
    code = "validation-failed"
    written = False
    taken = _names_taken(sheet, form, network, lang)  # refused, with whatever else the form has to fix
    try:
        if saving and not form.problems:
            written = ingest(s.store, s.validator, s.graphs, [document], network, Mode.UPSERT,
                             removing=_removed(network, form), dry_run=bool(taken),
                             confirms=lambda changes: _beyond_the_date(changes, network, triples, form)).written
        else:  # in a process of its own, stopped at the query timeout
            report = dry_run_of([document], network, mode=Mode.UPSERT).as_report()
            errors = _field_errors(report, form.blocks, lang)
    except ValidationFailed as exc:
        errors = _field_errors(exc.report, form.blocks, lang)
    except NotOwner as exc:
        block, code = form.blocks.get(exc.subject), exc.code
        errors = {f"{block}.id" if block and block != "sheet" else "": [exc.text(lang)]}
    for name, problems in form.problems.items():
        errors[name] = problems + errors.get(name, [])
    for field, said in taken.items():
        errors[field] = [said, *errors.get(field, [])]
    return errors, form, code, written


def _beyond_the_date(changes: ChangeList, network: str, triples: list[Triple], form: SheetTriples) -> bool:
    """Whether a save changes more than its collection sheet's last-updated date (which the form sets to the day):
    what else it changes, or what else the sheet's record says."""
    record = next(iri for iri, block in form.blocks.items() if block == "sheet")
    if any(change.iri != record for change in changes.changes):
        return True
    if not changes.changes:
        return False
    s = services()
    stored = {(row["p"], row["o"]) for row in s.store.select(
        f"SELECT ?p ?o WHERE {{ GRAPH {term(s.graphs.network(network))} {{ {term(record)} ?p ?o }} }}").rows}
    sent = {(t.predicate, t.object) for t in triples if isinstance(t.subject, NamedNode) and t.subject.value == record}
    return {(p, o) for p, o in stored if p.value != MODIFIED} != {(p, o) for p, o in sent if p.value != MODIFIED}


def _names_taken(sheet: FilledSheet, form: SheetTriples, network: str, lang: str) -> dict[str, str]:
    """What to say, by field, when a new sheet's title or a new organisation's name names a resource the network has
    already (they are named after them): saved, the sheet would replace that resource's description (a project's,
    with its first lessons; an organisation's, its SIRET and territory)."""
    s = services()
    named = {iri: f"{block}.label" for iri, block in form.blocks.items() if block.startswith("organisation.")}
    if not sheet.get("project.id"):  # a new sheet; an edit carries its project
        named[project_iri(sheet, s.graphs, network)] = "project.title"
    if not named:
        return {}
    rows = s.store.select(f"SELECT DISTINCT ?r WHERE {{ VALUES ?r {{ {iris(named)} }} GRAPH "
                          f"{term(s.graphs.network(network))} {{ ?r ?p ?o }} }}").rows
    return {named[row["r"].value]: _taken(row["r"].value, named[row["r"].value], lang) for row in rows}


def _taken(resource: str, field: str, lang: str) -> str:
    path = "/" + resource[len(services().graphs.base):]
    if field == "project.title":
        if lang == "fr":
            return (f"un projet de ce titre est déjà publié par le réseau ({path}) : pour le modifier, ouvrez sa fiche "
                    f"(/sheets/edit?project={resource}) ; pour un autre projet, donnez-lui un autre titre")
        return (f"a project of this title is published by the network already ({path}): to change it, open its sheet "
                f"(/sheets/edit?project={resource}); for another project, give it another title")
    if lang == "fr":
        return (f"une organisation de ce nom est déjà publiée par le réseau ({path}) : choisissez-la dans les listes "
                "du formulaire (« Porté par », les partenaires) au lieu de la décrire de nouveau, ou donnez un autre "
                "nom")
    return (f"an organisation of this name is published by the network already ({path}): choose it in the form's "
            "lists (carried by, the partners) instead of describing it again, or give another name")


@blueprint.post("/sheets/check")
@from_own_page
def check_sheet() -> Response:
    """The form's problems so far, by field: what its save would answer (nothing is stored)."""
    lang = language()
    errors, _, _, _ = _outcome(_filled(), _checking_network(), lang, saving=False)
    return jsonify({"conforms": not errors, "errors": errors})


@blueprint.post("/sheets")
@from_own_page
def submit_sheet() -> Response:
    """Save a filled form: the network is the credential's; the same ingestion as the API (upsert)."""
    s, lang = services(), language()
    sheet = _filled()
    network = s.credentials.network_for(form_value("credential"))
    if network is None:
        refused("unauthorized")
        return _render(lang, sheet.values, {"credential": [UI[lang]["bad_token"]]}, 401)
    errors, form, code, written = _outcome(sheet, check_slug(network), lang, saving=True)
    if errors:  # nothing is stored: the form comes back as it was sent, each problem beside its field
        refused(code)
        return _render(lang, sheet.values, errors, 422)
    project = next(iri for iri, block in form.blocks.items() if block == "project")
    return _render(lang, {}, {}, 201 if written else 200, saved="/" + project[len(s.graphs.base):],
                   unchanged=not written)


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
