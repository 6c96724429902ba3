"""The answer of a withdrawn resource's IRI: 410 Gone with the record of its retraction (who, when, why), as a
page, as RDF (the record's triples) or as a problem document, by content negotiation."""

from __future__ import annotations

from flask import Response, render_template, request
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from isic_graph.errors import Gone
from isic_graph.ingest.retraction import INVALIDATED, Retraction
from isic_graph.rdf.formats import content_type
from isic_graph.rdf.namespaces import DCTERMS, PREFIXES, PROV, RDF_TYPE, RDFS, XSD
from isic_graph.web.negotiation import language, negotiate
from isic_graph.web.resource_page import names_of
from isic_graph.web.served import rdf_bytes
from isic_graph.web.services import services
from isic_graph.web.wording import moment_text

HTML = "text/html"
RDF_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/ld+json": RdfFormat.JSON_LD,
             "application/n-triples": RdfFormat.N_TRIPLES, "application/rdf+xml": RdfFormat.RDF_XML}
PREFIXES_SHOWN = ("prov", "dcterms", "rdfs", "xsd")
PROBLEM_TYPES = ("application/problem+json", "application/json")
UI = {"fr": {"title": "Ressource retirée", "by": "Retirée par", "when": "Le", "why": "Raison",
             "with": "Retiré avec elle", "text": "Son réseau a retiré cette ressource de la publication.",
             "network": "réseau", "admin": "à la demande de l'administrateur de l'instance", "other": "English"},
      "en": {"title": "Withdrawn resource", "by": "Withdrawn by", "when": "On", "why": "Reason",
             "with": "Withdrawn with it", "text": "Its network withdrew this resource from publication.",
             "network": "network", "admin": "as asked by the instance's administrator", "other": "Français"}}


def record_triples(record: Retraction, base: str) -> list[Triple]:
    """The record as RDF: the activity, its agents, time and reason, and what it invalidated."""
    a = NamedNode(record.activity)
    agents = {f"{base}id/network/{record.network}", record.by}
    return [Triple(a, NamedNode(RDF_TYPE), NamedNode(PROV + "Activity")),
            *[Triple(a, NamedNode(PROV + "wasAssociatedWith"), NamedNode(agent)) for agent in sorted(agents)],
            Triple(a, NamedNode(PROV + "endedAtTime"), Literal(record.ended, datatype=NamedNode(XSD + "dateTime"))),
            Triple(a, NamedNode(DCTERMS + "type"), Literal("retraction")),
            Triple(a, NamedNode(RDFS + "comment"), Literal(record.reason)),
            *[Triple(NamedNode(w), NamedNode(INVALIDATED), a) for w in record.withdrawn or (record.resource,)]]


def gone(record: Retraction, media_type: str | None) -> Response:
    """410 for a withdrawn IRI; media_type: the one a suffix asked for (None: negotiated)."""
    base = services().graphs.base
    chosen = media_type or negotiate([*RDF_TYPES, HTML, *PROBLEM_TYPES])
    network = f"{base}id/network/{record.network}"
    if chosen in PROBLEM_TYPES:
        raise Gone(f"<{record.resource}> was withdrawn by network {record.network!r} on {record.ended[:10]}: "
                   f"{record.reason}", {"resource": record.resource, "activity": record.activity,
                                        "network": network, "by": record.by, "ended": record.ended,
                                        "reason": record.reason},
                   fr=f"<{record.resource}> a été retiré par le réseau {record.network!r} le {record.ended[:10]} : "
                      f"{record.reason}")
    if chosen == HTML:
        lang = language()
        body = render_template("withdrawn.html", lang=lang, ui=UI[lang], record=record, network=network,
                               network_name=names_of([network], lang).get(network) or record.network,
                               network_href="/" + network[len(base):] if network.startswith(base) else network,
                               by_admin=record.by != network,
                               when=moment_text(record.ended, lang) or record.ended[:19].replace("T", " "))
        response = Response(body, status=410, content_type="text/html; charset=utf-8")
        response.vary.add("Accept-Language")
    else:
        triples = record_triples(record, base)
        data = serialize(triples, format=RdfFormat.TURTLE, prefixes={p: PREFIXES[p] for p in PREFIXES_SHOWN}) \
            if chosen == "text/turtle" else rdf_bytes(triples, chosen)  # JSON-LD compacted, as every document
        assert data is not None
        response = Response(data, status=410, content_type=content_type(chosen))
    response.headers["Access-Control-Allow-Origin"] = "*"
    if media_type is None and request.accept_mimetypes:
        response.vary.add("Accept")
    return response
