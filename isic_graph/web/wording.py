"""Values in words for the pages: booleans as Oui/Non, dates and amounts the French (or English) way, and the
reverse links named for what they mean."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from pyoxigraph import Literal, NamedNode

from isic_graph.rdf.namespaces import FOAF, RDF, SKOS, XSD

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
YES_NO = {"fr": ("Oui", "Non"), "en": ("Yes", "No")}
NUMBERS = {XSD + t for t in ("decimal", "integer", "double", "float", "int", "long", "nonNegativeInteger",
                             "positiveInteger")}
# what the values of a datatype (or of a class from elsewhere) are, in words: IRI -> French, English
KINDS_OF_VALUE = {
    XSD + "string": ("texte", "text"), XSD + "date": ("date", "date"),
    XSD + "dateTime": ("date et heure", "date and time"), XSD + "boolean": ("oui / non", "yes / no"),
    XSD + "decimal": ("nombre décimal", "decimal number"), XSD + "integer": ("nombre entier", "whole number"),
    XSD + "nonNegativeInteger": ("nombre entier positif ou nul", "whole number, zero or more"),
    XSD + "positiveInteger": ("nombre entier positif", "positive whole number"),
    XSD + "gYear": ("année", "year"), XSD + "anyURI": ("adresse web", "web address"),
    RDF + "langString": ("texte marqué de sa langue", "text tagged with its language"),
    SKOS + "Concept": ("concept d'un thésaurus", "thesaurus concept"), FOAF + "Person": ("personne", "person"),
}
# what a link to this resource means, seen from it: the property's local name -> French, English
INVERSE = {
    "learnedFrom": ("enseignements tirés de ce projet", "lessons drawn from this project"),
    "describes": ("décrit par la fiche", "described by the sheet"),
    "about": ("ressources sur ce projet", "resources about this project"),
    "concerns": ("enseignements qui le concernent", "lessons about it"),
    "concernsRole": ("enseignements qui concernent ce rôle", "lessons about this role"),
    "confirms": ("confirmé par", "confirmed by"),
    "contradicts": ("contredit par", "contradicted by"),
    "resolves": ("contourné par", "worked around by"),
    "drewOn": ("repris par", "drawn on by"),
    "previousEdition": ("édition suivante", "next edition"),
    "carriedBy": ("projets qu'il porte", "projects it leads"),
    "funder": ("financements qu'il apporte", "fundings it gives"),
    "agent": ("rôles de partenaire", "partner roles"),
    "partner": ("partenariat", "partnership"),
    "partnership": ("projet du partenariat", "project of the partnership"),
    "funding": ("projet financé", "funded project"),
    "involves": ("projets où ce rôle intervient", "projects this role takes part in"),
    "affiliation": ("rôles professionnels rattachés", "professional roles attached"),
    "committeeMember": ("comités dont il est membre", "committees it sits on"),
    "networkMember": ("réseaux dont il est membre", "networks it belongs to"),
    "territory": ("ce qui se situe sur ce territoire", "what is located in this territory"),
    "within": ("territoires qu'il contient", "territories it contains"),
    "userGroup": ("projets de ce groupe", "projects of this group"),
    "participant": ("participations", "participations"),
    "participatesIn": ("participations des usagers", "users' participations"),
    "heldWith": ("activités tenues avec", "activities held with"),
    "forProject": ("activités de capitalisation du projet", "capitalisation activities of the project"),
    "capturedDuring": ("enseignements recueillis lors de cette activité", "lessons captured during this activity"),
    "drawnUpBy": ("enseignements qu'il a formulés", "lessons it drew up"),
    "wasAttributedTo": ("fiches du réseau", "the network's sheets"),
    "steeringCommittee": ("partenariat de ce comité", "partnership of this committee"),
    "keyMoment": ("projet de ce jalon", "project of this milestone"),
    "contributor": ("contributions en nature apportées", "in-kind contributions given"),
    "aidProvider": ("aides aux familles versées", "aid to families paid"),
    "formedFrom": ("association issue de ce groupe", "association formed from this group"),
    "transferableToTerritory": ("enseignements transférables ici", "lessons transferable here"),
}


def literal_text(literal: Literal, lang: str, predicate: str = "") -> str:
    """A literal as a reader says it: Oui/Non, « 12 mars 2015 », « 3 500,00 € », numbers with their separators."""
    datatype, value, locale = literal.datatype.value, literal.value, LOCALES.get(lang, "fr_FR")
    try:
        if datatype == XSD + "boolean":
            return YES_NO.get(lang, YES_NO["fr"])[0 if value.strip() in ("true", "1") else 1]
        if datatype == XSD + "date":
            return str(format_date(datetime.date.fromisoformat(value.strip()[:10]), "long", locale=locale))
        if datatype == XSD + "dateTime":
            moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return str(format_datetime(moment, "d MMMM y, HH:mm", locale=locale))
        if datatype in NUMBERS:
            number = Decimal(value.strip())
            if "amount" in predicate.rsplit("#", 1)[-1].lower():
                return str(format_currency(number, "EUR", locale=locale))
            return str(format_decimal(number, locale=locale))
    except (ValueError, InvalidOperation):
        return value  # a malformed value is shown as written
    return value


def moment_text(moment: object, lang: str) -> str:
    """An xsd:dateTime's lexical form in words (« 5 décembre 2026, 06:20 »); empty when there is none."""
    if not isinstance(moment, str) or not moment:
        return ""
    return literal_text(Literal(moment, datatype=NamedNode(XSD + "dateTime")), lang)


def kind_of_value(iri: str, lang: str) -> str | None:
    """A datatype (xsd:date…) or a class from another vocabulary (skos:Concept…) in words, if we have them."""
    found = KINDS_OF_VALUE.get(iri)
    return None if found is None else found[0 if lang == "fr" else 1]


def inverse(predicate: str, lang: str) -> str | None:
    """The name of a link seen from its target, if there is one."""
    found = INVERSE.get(predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    return None if found is None else found[0 if lang == "fr" else 1]
