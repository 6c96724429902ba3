"""Every error answer is RFC 9457 application/problem+json, built here and only here.

Server-side failures (5xx) say what happened in the words of their class and carry the request id;
their details, which may name internal hosts or paths, go to the log only. Client errors (4xx) say
exactly what was wrong with the request.

The `title` and `detail` are in English, or in French when the request prefers it (`Accept-Language`,
or `?lang=fr` as on the pages); the `code` never changes. A French `detail` is the error's own French
words where they are written (refusals of a submission, of ownership, of a credential, of a budget, of
size, missing resources), else the French words of its class, the English detail then kept as
`detail_en`.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, has_request_context, json, render_template, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from isic_graph.errors import (
    Gone,
    InstanceAsClass,
    IsicError,
    LookalikeTerm,
    NotOwner,
    UndeclaredTerm,
    UndefinedKey,
    ValidationFailed,
)
from isic_graph.privacy import redact
from isic_graph.rdf.namespaces import PROBLEMS
from isic_graph.web import post_routes
from isic_graph.web.lifecycle import refused, request_id
from isic_graph.web.negotiation import accepted, asked_language, language

PROBLEM_BASE = PROBLEMS
PROBLEM_JSON = "application/problem+json"
PAGE_WORDS = {"fr": {"home": "Accueil", "search": "Recherche", "query": "Requêtes SPARQL"},
              "en": {"home": "Home", "search": "Search", "query": "SPARQL queries"}}
LOG = logging.getLogger("isic_graph.errors")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"})
SAME_CODE = {415: "unsupported-format"}  # the HTTP errors Flask raises whose code is the one ours give the status
FRENCH = {  # by code: the title, and the detail when the error has no French words of its own
    "bad-request": ("Requête mal formée", "la requête ou la commande est mal formée"),
    "unsupported-format": ("Format non pris en charge", "ce format n'est pas accepté ici"),
    "parse-error": ("Document mal formé", "le document envoyé n'est pas bien formé dans son format"),
    "document-too-large": ("Document trop grand", "la soumission dépasse ce que ce serveur accepte (triplets, "
                                                  "taille d'un littéral, d'une cellule ou d'un fichier)"),
    "answer-too-large": ("Réponse trop grande", "la réponse à la requête contient une valeur trop grande pour être "
                                                "lue"),
    "not-acceptable": ("Format indisponible", "aucune représentation ne correspond à l'en-tête Accept"),
    "method-not-allowed": ("Méthode non permise", "cette méthode HTTP ne s'applique pas à cette ressource"),
    "update-not-accepted": ("Mise à jour envoyée au point d'accès des requêtes",
                            "les mises à jour ne sont pas acceptées ici : envoyez-les à /update"),
    "validation-failed": ("Données non conformes", "les données ne sont pas conformes aux formes ; rien n'a été "
                                                   "enregistré"),
    "sheet-refused": ("Fiche illisible", "la fiche ne peut pas être lue comme le modèle le dit ; rien n'a été "
                                         "enregistré"),
    "not-owner": ("Sujet d'un autre propriétaire", "les données décrivent un sujet qu'un autre possède ; rien n'a "
                                                   "été enregistré"),
    "lookalike-term": ("Terme mal écrit", "un terme d'un vocabulaire est écrit autrement que ce vocabulaire ne "
                                          "l'écrit ; rien n'a été enregistré"),
    "undeclared-term": ("Terme non déclaré", "une propriété ou une classe de l'espace de noms de l'ontologie "
                                            "n'est pas déclarée par elle ; rien n'a été enregistré"),
    "instance-as-class": ("Ressource employée comme classe", "une ressource de cette instance est employée comme "
                                                             "classe ; rien n'a été enregistré"),
    "instance-as-property": ("Ressource employée comme propriété", "une ressource de cette instance est employée "
                                                                    "comme propriété ; rien n'a été enregistré"),
    "undefined-key": ("Clé JSON-LD inconnue", "une clé n'est ni un terme du contexte JSON-LD ni une IRI : sa valeur "
                                              "serait perdue ; rien n'a été enregistré"),
    "gone": ("Retiré", "cette ressource a été retirée par son réseau"),
    "precondition-failed": ("Condition non remplie", "le graphe a changé depuis sa lecture (If-Match) ou existe déjà "
                                                     "(If-None-Match: *) ; rien n'a été enregistré"),
    "not-found": ("Introuvable", "aucune ressource, aucun graphe ni fichier de ce nom"),
    "unauthorized": ("Authentification requise", "aucun jeton valide n'a été donné (Authorization: Bearer …)"),
    "forbidden": ("Interdit", "ce jeton ne permet pas cette écriture"),
    "too-many-requests": ("Trop de requêtes", "ce client a épuisé sa part ; il peut recommencer après le délai "
                                              "de Retry-After"),
    "server-busy": ("Serveur occupé", "toutes les places du serveur pour les requêtes coûteuses sont prises ; "
                                      "réessayez après le délai de Retry-After"),
    "query-too-large": ("Requête trop grande", "la requête dépasse la taille permise"),
    "uri-too-long": ("Adresse trop longue", "l'adresse de la requête dépasse la longueur permise"),
    "request-entity-too-large": ("Requête trop grande", "le corps de la requête dépasse ce que ce serveur accepte"),
    "bad-backup": ("Sauvegarde inutilisable", "la sauvegarde est absente, abîmée ou ne correspond pas à son manifeste"),
    "query-timeout": ("Délai dépassé", "la requête a dépassé le délai permis ; le moteur a été arrêté et relancé"),
    "validation-timeout": ("Délai dépassé", "la validation a dépassé le délai permis ; rien n'a été enregistré"),
    "store-unavailable": ("Base indisponible", "le moteur de requêtes redémarre ou ne répond pas ; réessayez dans "
                                               "un instant"),
    "store-locked": ("Base occupée", "la base est ouverte par un autre programme ; réessayez quand il a fini"),
    "storage-full": ("Disque plein", "le disque de la base est plein : rien n'a été enregistré, et ce qui l'est "
                                     "reste lisible"),
    "store-error": ("Base en échec", "la base a échoué ou n'a pas pu être jointe ; rien n'a été enregistré"),
    "dry-run-failed": ("Vérification interrompue", "la vérification s'est arrêtée avant de répondre ; rien n'a été "
                                                   "enregistré"),
    "peer-unavailable": ("Pair injoignable", "un pair n'a pas pu être lu ; ses dernières copies sont gardées"),
    "peer-timeout": ("Pair trop lent", "un pair n'a pas répondu à temps ; ses dernières copies sont gardées"),
    "backup-nonconforming": ("Sauvegarde non conforme", "des graphes de la sauvegarde ne passent pas les contrôles ; "
                                                        "rien n'a été restauré"),
    "internal": ("Erreur interne", "le serveur n'a pas pu répondre à cette requête ; l'opérateur la retrouve dans "
                                   "le journal par son identifiant de requête"),
}


def french() -> bool:
    """Whether the request's problem documents are to be in French: `?lang=fr`, or an Accept-Language
    that prefers French to English (English otherwise, and outside a request)."""
    if not has_request_context():
        return False
    chosen = asked_language()
    if chosen is not None:
        return chosen == "fr"
    if wants_html():  # a page: French unless the browser prefers English, as the other pages
        return language() == "fr"
    return prefers_french(request.headers.get("Accept-Language", ""))


def wants_html() -> bool:
    """Whether the request is a browser's, which reads an error as a page: it names text/html and prefers it to
    JSON (API clients, and browsers' scripts, get the problem document)."""
    accept = accepted()
    return "text/html" in request.headers.get("Accept", "").lower() \
        and accept.quality("text/html") > max(accept.quality(PROBLEM_JSON), accept.quality("application/json"))


def prefers_french(accept_language: str) -> bool:
    """Whether an Accept-Language header ranks French above English (by primary tag: `en-GB` is English,
    `fr-CA` French; `*` stands for either; a tie is English)."""
    ranks: dict[str, float] = {}
    for tag, quality in parse_accept_header(accept_language, LanguageAccept):
        primary = tag.replace("_", "-").split("-")[0].lower()
        ranks[primary] = max(ranks.get(primary, 0.0), quality)
    anything = ranks.get("*", 0.0)
    return ranks.get("fr", anything) > ranks.get("en", anything)


def _in_french(code: str, title: str, detail: str, own: str | None, extra: dict[str, Any]) -> tuple[str, str]:
    """The title and detail in French when the request wants them (the English detail kept as detail_en
    when the error has no French words of its own)."""
    if not french() or code not in FRENCH:
        return title, detail
    if own is None and detail:
        extra["detail_en"] = detail
    return FRENCH[code][0], own or FRENCH[code][1]


def document(status: int, code: str, title: str, detail: str, **extra: Any) -> bytes:
    """The problem document itself (also for the answers the HTTP server gives before the application runs)."""
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail, "code": code, **extra}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def problem(status: int, code: str, title: str, detail: str, retry_after: int | None = None,
            **extra: Any) -> Response:
    if has_request_context() and request_id():
        extra["request_id"] = request_id()
    if has_request_context():
        refused(code)
    if has_request_context() and wants_html():
        lang = language()
        page = render_template("problem.html", lang=lang, words=PAGE_WORDS[lang], status=status, code=code,
                               title=title, detail=detail, request_id=extra.get("request_id"))
        response = Response(page, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(document(status, code, title, detail, **extra), status=status, mimetype=PROBLEM_JSON)
    if retry_after is not None or status in (503, 429):
        response.headers["Retry-After"] = str(retry_after or 1)
    if status == 401:  # RFC 9110: a 401 names the scheme that would do; here a bearer token
        response.headers["WWW-Authenticate"] = 'Bearer realm="isic-graph"'
    if has_request_context():
        response.vary.add("Accept")  # a page for a browser, a problem document otherwise
        response.vary.add("Accept-Language")  # the title and detail follow it
    return response


def from_error(exc: IsicError, **extra: Any) -> Response:
    if isinstance(exc, ValidationFailed):
        extra["violations"] = [v.to_dict() for v in exc.report.violations]  # masked by the report (validation/)
    extra.update(_masked(fields(exc), "fr" if french() else "en"))
    title = (type(exc).__doc__ or exc.code).splitlines()[0]
    detail = exc.message
    own = getattr(exc, "fr", None)
    if exc.status >= 500 and not exc.public:
        LOG.error("%s (request %s): %s", exc.code, request_id() if has_request_context() else "-", exc.message)
        detail, own = title, None
    title, detail = _in_french(exc.code, title, detail, own, extra)
    return problem(exc.status, exc.code, title, detail, getattr(exc, "retry_after", None), **extra)


def fields(exc: IsicError) -> dict[str, Any]:
    """The structured fields a problem carries besides its detail: what it names (a subject, an owner, a term, a JSON-LD
    key, the row, the record of a retraction), as the error holds them."""
    found: dict[str, Any] = {}
    if isinstance(exc, NotOwner):
        found.update(subject=exc.subject, owner=exc.owner, **_row(exc))
    if isinstance(exc, LookalikeTerm):
        found.update(term=exc.term, canonical=exc.canonical, **_row(exc))
    if isinstance(exc, UndeclaredTerm):
        found.update(term=exc.term, subject=exc.subject, **({"suggestion": exc.suggestion} if exc.suggestion else {}),
                     **_row(exc))
    if isinstance(exc, InstanceAsClass):
        found.update(subject=exc.subject, term=exc.term, **_row(exc))
    if isinstance(exc, UndefinedKey):
        found.update(key=exc.key, **({"suggestion": exc.suggestion} if exc.suggestion else {}))
    if isinstance(exc, Gone):
        found["retraction"] = exc.record
    return found


def _masked(value: Any, lang: str) -> Any:
    """A field with each piece of personal data it holds masked (privacy.redact), as the detail is: what a refused
    submission named (a JSON-LD key that is an e-mail address, a subject IRI holding a phone number) is never echoed,
    whichever field names it."""
    if isinstance(value, str):
        return redact(value, lang)
    if isinstance(value, dict):
        return {key: _masked(item, lang) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(item, lang) for item in value]
    return value


def _row(exc: NotOwner | LookalikeTerm | UndeclaredTerm | InstanceAsClass) -> dict[str, str]:
    """The sheet row an error comes from, in the answer's language (as its detail), if it comes from one."""
    row = exc.row_fr if exc.row_fr and french() else exc.row
    return {"row": row} if row else {}


def register(app: Flask) -> None:
    app.register_error_handler(IsicError, lambda exc: from_error(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        shown = post_routes.opened(wants_html()) if exc.code == 405 and exc.response is None else None
        if isinstance(shown, Response):  # a browser opening a POST-only route: the page saying what it is for
            return shown
        if shown is not None:
            response = from_error(shown)
        else:
            code = SAME_CODE.get(exc.code or 500) or (exc.name or "error").lower().replace(" ", "-")
            extra: dict[str, Any] = {}
            allowed = sorted(m for m in getattr(exc, "valid_methods", None) or () if m not in ("HEAD", "OPTIONS")) \
                if exc.code == 405 and exc.response is None else []
            described, own = exc.description or "", None
            if allowed:  # the methods the address answers, in both languages
                said = request.method if request.method in METHODS else None  # a method of its own: not repeated
                described = f"{said or 'this method'} does not apply here: this address answers {', '.join(allowed)}"
                own = f"{said or 'cette méthode'} ne s'applique pas ici : cette adresse répond à {', '.join(allowed)}"
            title, detail = _in_french(code, exc.name or "Error", described, own, extra)
            response = problem(exc.code or 500, code, title, detail, **extra)
        if exc.code == 405 and exc.response is None:
            valid = getattr(exc, "valid_methods", None)
            if valid:
                response.headers["Allow"] = ", ".join(valid)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        LOG.exception("unexpected error (request %s)", request_id())
        title, detail = ("Internal error", "the server failed to answer this request; the operator can find it in "
                                           "the log by its request id")
        return problem(500, "internal", *(FRENCH["internal"] if french() else (title, detail)))
