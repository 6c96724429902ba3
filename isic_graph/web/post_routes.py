"""The routes that take POST only, opened otherwise: a browser's GET gets a page, in its language, saying what
the route is for and which pages do it in a browser; anything else the 405 problem document, naming those pages.

Every route of the application without GET has its row in POST_ONLY (a test holds them together).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from isic_graph.errors import MethodNotAllowed
from isic_graph.rdf.labels import switch
from isic_graph.web.negotiation import language


@dataclass(frozen=True)
class Page:
    """A page doing in a browser what a POST-only route does: its path and its name in French and English."""

    href: str
    fr: str
    en: str


@dataclass(frozen=True)
class PostOnly:
    """What a POST-only route is for, in French and English, and the pages that do it in a browser."""

    fr: str
    en: str
    pages: tuple[Page, ...]


FORM = Page("/sheets/new", "remplir le formulaire de la fiche de recueil", "fill in the collection-sheet form")
UPLOAD = Page("/sheets/csv", "déposer une fiche en fichiers CSV ou en classeur",
              "upload a sheet as CSV files or a workbook")
TEMPLATE = Page("/sheets/template.xlsx", "le classeur modèle, à remplir", "the workbook template, to fill in")
ENDPOINT = Page("/sparql", "le point d'accès SPARQL : comment l'interroger", "the SPARQL endpoint: how to ask it")
WORKBENCH = Page("/query", "l'éditeur de requêtes", "the query workbench")
RETRACT = Page("/retract", "retirer un projet ou un enseignement depuis une page",
               "withdraw a project or a lesson from a page")
HOME = Page("/", "l'accueil", "the home page")

POST_ONLY = {  # by endpoint
    "sheets.submit_sheet": PostOnly(
        "l'envoi du formulaire de la fiche de recueil : la page du formulaire envoie ici la fiche remplie, avec le "
        "jeton du réseau",
        "the collection-sheet form's submission: the form's page sends the filled-in sheet here, with the network's "
        "token", (FORM, UPLOAD, TEMPLATE)),
    "sheets.check_sheet": PostOnly(
        "la vérification du formulaire pendant qu'il est rempli : la page du formulaire envoie ici ses champs, avec "
        "le jeton du réseau ; rien n'est enregistré",
        "the form's check as it is filled in: the form's page sends its fields here, with the network's token; "
        "nothing is stored", (FORM, UPLOAD)),
    "api.post_sheets": PostOnly(
        "le dépôt des fiches d'un réseau par un programme (fichiers CSV, classeur, RDF), avec le jeton du réseau : "
        "elles sont vérifiées puis enregistrées",
        "a program's upload of a network's sheets (CSV files, a workbook, RDF), with the network's token: they are "
        "checked, then stored", (UPLOAD, FORM, TEMPLATE)),
    "api.validate": PostOnly(
        "la vérification d'une fiche par un programme, avec le jeton d'un réseau ; rien n'est enregistré",
        "a program's check of a sheet, with a network's token; nothing is stored", (UPLOAD, FORM)),
    "retraction.withdraw_api": PostOnly(
        "le retrait d'un projet ou d'un enseignement du réseau par un programme, avec le jeton du réseau",
        "a program's withdrawal of a project or a lesson of the network, with the network's token", (RETRACT,)),
    "update.update": PostOnly(
        "SPARQL 1.1 Update : les modifications de la base par l'administrateur, avec son jeton ; les requêtes vont "
        "à /sparql",
        "SPARQL 1.1 Update: the administrator's changes to the store, with the administrator's token; queries go "
        "to /sparql", (ENDPOINT, WORKBENCH)),
    "federation.harvest_peers": PostOnly(
        "le moissonnage des pairs enregistrés, avec le jeton de l'administrateur (ou la commande isic-graph harvest)",
        "the harvest of the registered peers, with the administrator's token (or the command isic-graph harvest)",
        (HOME, ENDPOINT)),
}
WORDS = {
    "fr": {"post_only": "Cette adresse reçoit des demandes envoyées par POST (l'envoi d'un formulaire, ou un "
                        "programme) : un navigateur qui l'ouvre n'a rien à y voir.",
           "instead": "Dans un navigateur", "other": "English",
           "docs": "Pour les programmes : la table des routes du guide des intégrateurs (docs/integrators.md, "
                   "section « Routes », dans les sources d'isic-graph) donne la méthode et le jeton de chaque route."},
    "en": {"post_only": "This address takes requests sent by POST (a form's submission, or a program): a browser "
                        "opening it has nothing to show.",
           "instead": "In a browser", "other": "Français",
           "docs": "For programs: the table of routes of the integrators' guide (docs/integrators.md, section "
                   "“Routes”, in isic-graph's sources) gives each route's method and token."},
}


def post_only() -> PostOnly | None:
    """What the requested path is for, when it is a POST-only route of the table."""
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="POST")
    except HTTPException:
        return None
    return POST_ONLY.get(str(endpoint))


def opened(browser: bool) -> Response | MethodNotAllowed | None:
    """For a request a POST-only route refused (405): a page, for a browser's GET or HEAD; else the refusal
    naming the pages (None when the route is not in the table)."""
    route = post_only()
    if route is None:
        return None
    if browser and request.method in ("GET", "HEAD"):
        return _page(route)
    return MethodNotAllowed(
        f"{request.path} takes POST only: {route.en}. In a browser, open "
        + ", ".join(f"{page.href} ({page.en})" for page in route.pages)
        + "; the routes are listed in docs/integrators.md",
        fr=f"{request.path} ne reçoit que POST : {route.fr}. Dans un navigateur, ouvrez "
           + ", ".join(f"{page.href} ({page.fr})" for page in route.pages)
           + " ; les routes sont décrites dans docs/integrators.md")


def _page(route: PostOnly) -> Response:
    lang = language()
    page = render_template("post_only.html", lang=lang, words=WORDS[lang], other=switch(lang), path=request.path,
                           purpose=route.fr if lang == "fr" else route.en,
                           pages=[(p.href, p.fr if lang == "fr" else p.en) for p in route.pages])
    response = Response(page, content_type="text/html; charset=utf-8")
    response.vary.update(("Accept", "Accept-Language"))
    return response
