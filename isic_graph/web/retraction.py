"""Withdrawing a project or lesson: the confirmation page and its form (/retract), the API
(/api/networks/<slug>/retractions) and each network's links to withdrawn resources (/api/networks/<slug>/dangling).

The form carries the network's token in a field, as the sheet pages do: no cookie or session stands for the
user, so a page of another site cannot make a browser withdraw anything; and the form is only accepted from this
site's own pages (origin.py)."""

from __future__ import annotations

from typing import Mapping

from flask import Blueprint, Response, jsonify, render_template, request

from isic_graph.errors import NotFound, UsageError
from isic_graph.ingest.retraction import Link, Retraction, Withdrawal, checked_reason, dangling, plan, retract
from isic_graph.rdf.labels import pick, switch, words_in
from isic_graph.rdf.namespaces import ISIC, check_slug
from isic_graph.sparql.guard import json_within
from isic_graph.sparql.terms import is_iri
from isic_graph.web.auth import bearer_token, is_admin, require_network
from isic_graph.web.lookups import one_page, spaces
from isic_graph.web.negotiation import language
from isic_graph.web.origin import from_own_page
from isic_graph.web.parameters import form_value
from isic_graph.web.served import artefacts
from isic_graph.web.services import services
from isic_graph.web.summaries import summaries

blueprint = Blueprint("retraction", __name__)

UI = {"fr": {"title": "Retirer de la publication", "project": "le projet", "lesson": "l'enseignement",
             "intro": "Vous allez retirer {what} « {name} » du réseau {network}. Il disparaîtra des pages, des "
                      "exports, de la recherche, des cartes et des requêtes ; son adresse répondra « retiré » "
                      "avec la raison donnée. Les pairs qui le moissonnent le perdront à leur prochaine moisson.",
             "withdrawn": "Ce qui sera retiré", "cascade": "Retirer un projet retire aussi ses enseignements, sa "
             "fiche de collecte et ce qui n'appartient qu'à lui (rôles, groupes, partenariats et rôles "
             "partenariaux, financements, temps de capitalisation, participations, jalons). Ce qu'une autre "
             "ressource garde reste, comme les organisations et les territoires.",
             "links": "Ces ressources y renvoient (leurs réseaux en sont avertis)", "nolinks": "Aucun autre lien.",
             "reason": "Raison du retrait", "reason_help": "Gardée dans le registre et montrée à l'adresse retirée.",
             "credential": "Jeton du réseau", "confirm": "Confirmer le retrait", "cancel": "Annuler",
             "done": "Retiré.", "record": "Registre du retrait", "bad_token": "Jeton inconnu ou révoqué : rien "
             "n'a été retiré.", "other_network": "Ce jeton est celui du réseau {owner} : il ne peut pas retirer "
             "ce que publie le réseau {network}.", "no_reason": "Dites pourquoi la ressource est retirée.",
             "other": "English", "see": "Voir son adresse"},
      "en": {"title": "Withdraw from publication", "project": "the project", "lesson": "the lesson",
             "intro": "You are about to withdraw {what} “{name}” of network {network}. It will disappear from "
                      "pages, exports, search, maps and queries; its address will answer “withdrawn” with the "
                      "reason given. Peers that harvest it will drop it at their next harvest.",
             "withdrawn": "What will be withdrawn", "cascade": "Withdrawing a project also withdraws its lessons, "
             "its collection sheet and what belongs to it alone (roles, groups, partnerships and partner roles, "
             "fundings, capitalisation activities, participations, milestones). What another resource keeps "
             "stays, as organisations and territories do.",
             "links": "These resources link to it (their networks are told)", "nolinks": "No other link.",
             "reason": "Reason for withdrawing", "reason_help": "Kept in the record and shown at the withdrawn "
                                                                "address.",
             "credential": "Network token", "confirm": "Confirm the withdrawal", "cancel": "Cancel",
             "done": "Withdrawn.", "record": "Record of the withdrawal", "bad_token": "Unknown or revoked token: "
             "nothing was withdrawn.", "other_network": "This token is network {owner}'s: it cannot withdraw what "
             "network {network} publishes.", "no_reason": "Say why the resource is withdrawn.",
             "other": "Français", "see": "See its address"}}


def _resource_arg(value: str | None) -> str:
    if not value or not is_iri(value):
        raise UsageError("resource must be the IRI of a project or lesson",
                         fr="resource doit être l'IRI d'un projet ou d'un enseignement")
    return value


def _page(planned: Withdrawal, status: int = 200, errors: dict[str, str] | None = None, reason: str = "",
          done: Retraction | None = None) -> Response:
    lang = language()
    ui = words_in(UI, lang)
    graphs = services().graphs
    base = graphs.base
    networks = {slug: graphs.network_resource(slug) for slug in
                {planned.network, *(link.holder for link in planned.links if not link.holder.startswith("peer:"))}}
    found = summaries([*planned.withdrawn, *(x for link in planned.links for x in (link.subject, link.target)),
                       *networks.values()], base, lang)
    terms = artefacts().labels

    def name(iri: str) -> str:
        """A resource by its name (its key facts when it has none), a network by its slug's resource's name."""
        named, facts, _ = found.get(networks.get(iri, iri), (None, None, ""))
        return planned.labels.get(iri) or named or facts or iri

    def term(iri: str) -> str:
        return pick(terms.get(iri, {}), lang) or iri

    body = render_template(
        "retract.html", lang=lang, ui=ui, other=switch(lang), planned=planned, errors=errors or {},
        reason=reason, done=done, name=name, term=term,
        kind=lambda w: pick(terms.get(ISIC + planned.kinds.get(w, ""), {}), lang) or planned.kinds.get(w, ""),
        intro=ui["intro"].format(what=ui[planned.kind], name=name(planned.resource), network=name(planned.network)),
        href=lambda iri: "/" + iri[len(base):] if iri.startswith(base) else iri)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/retract")
@one_page
def confirm() -> Response:
    """The confirmation page: what will be withdrawn, who links to it, the reason and the token to give."""
    s = services()
    return _page(plan(s.store, s.graphs, _resource_arg(request.args.get("resource")), spaces()))


@blueprint.post("/retract")
@from_own_page
def withdraw_form() -> Response:
    s = services()
    resource = _resource_arg(request.form.get("resource"))
    planned = plan(s.store, s.graphs, resource)
    reason = request.form.get("reason", "")
    ui = words_in(UI, language())
    token = form_value("credential")
    network = planned.network if is_admin(token) else s.credentials.network_for(token)
    if network is None:
        return _page(planned, 401, {"credential": ui["bad_token"]}, reason)
    if network != planned.network:
        return _page(planned, 403, {"credential": ui["other_network"].format(owner=network, network=planned.network)},
                     reason)
    if not reason.strip():
        return _page(planned, 400, {"reason": ui["no_reason"]}, reason)
    try:
        done = retract(s.store, s.graphs, resource, network, reason, by=s.graphs.base if is_admin(token) else None)
    except UsageError as exc:  # the reason: too long, or holding personal data
        return _page(planned, 400, {"reason": exc.text(language())}, reason)
    return _page(planned, 200, done=done)


def _text(given: Mapping[str, object], name: str) -> str:
    """A member of the request that is text (absent or null: empty); a number, a list or an object is refused, not
    written as Python prints it."""
    value = given.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        en, fr = JSON_KINDS.get(type(value), ("a number", "un nombre"))
        raise UsageError(f'"{name}" must be text (a JSON string), not {en}: nothing was withdrawn',
                         fr=f"« {name} » doit être un texte (une chaîne JSON), pas {fr} : rien n'a été retiré")
    return value


JSON_KINDS = {bool: ("true or false", "true ou false"), list: ("a list", "une liste"), dict: ("an object", "un objet")}


@blueprint.post("/api/networks/<slug>/retractions")
def withdraw_api(slug: str) -> Response:
    """Withdraw a project or lesson of the network: JSON or form {resource, reason}; `?dry-run` answers
    what would be withdrawn and who links to it, changing nothing."""
    check_slug(slug)
    require_network(slug)
    s = services()
    given = _sent()
    if not isinstance(given, Mapping):
        raise UsageError('send {"resource": IRI, "reason": text} as JSON or as a form',
                         fr='envoyez {"resource": IRI, "reason": texte} en JSON ou en formulaire')
    resource, reason = _resource_arg(_text(given, "resource")), _text(given, "reason")
    if "dry-run" in request.args:  # a reason given, even blank, is checked as the withdrawal checks it; none is needed
        if "reason" in given:
            checked_reason(reason)
        planned = plan(s.store, s.graphs, resource)
        if planned.network != slug:
            raise NotFound(f"no project or lesson <{resource}> published by network {slug!r}",
                           fr=f"aucun projet ni enseignement <{resource}> publié par le réseau {slug!r}")
        return jsonify({"resource": resource, "network": planned.network, "kind": planned.kind,
                        "withdrawn": list(planned.withdrawn), "types": planned.kinds,
                        "links": [_link(k) for k in planned.links]})
    admin = is_admin(bearer_token())
    done = retract(s.store, s.graphs, resource, slug, reason, by=s.graphs.base if admin else None)
    return jsonify({"resource": done.resource, "network": done.network, "provenance": done.activity,
                    "ended": done.ended, "reason": done.reason, "withdrawn": list(done.withdrawn),
                    "links": [_link(k) for k in done.links]})


def _sent() -> object:
    """The withdrawal's request: its form, or its JSON (None when it is no JSON, or nests deeper than an object of
    two strings ever does)."""
    if not request.is_json:
        return request.form
    try:
        return json_within(request.get_data())
    except ValueError:
        return None


@blueprint.get("/api/networks/<slug>/dangling")
def dangling_api(slug: str) -> Response:
    """The network's statements that point at resources withdrawn here, for it to mend."""
    s = services()
    found = dangling(s.store, s.graphs, check_slug(slug), {c.slug for c in s.credentials.list()})
    return jsonify({"network": slug, "links": [_link(k) for k in found]})


def _link(link: Link) -> dict[str, str]:
    return link.to_dict()
