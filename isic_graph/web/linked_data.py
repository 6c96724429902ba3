"""Linked data: instance IRIs, thesaurus concepts, the ontology, the shapes and the context, by content
negotiation."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, render_template, url_for
from pyoxigraph import NamedNode

from isic_graph.errors import NotFound, UsageError
from isic_graph.ingest.retraction import WITHDRAWABLE, retraction_of
from isic_graph.publish.jsonld import frame_document, inline
from isic_graph.publish.reference import reference
from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import RDF_TYPE, THESAURUS
from isic_graph.sparql import terms as sparql_terms
from isic_graph.web.cells import UI, local_name, term_value
from isic_graph.web.derived import per_store_version
from isic_graph.web.lookups import one_page
from isic_graph.web.negotiation import language, negotiate
from isic_graph.web.ontology_page import diagram_svg, ontology_page, shapes_page
from isic_graph.web.representations import HTML, SUFFIXES, answer, known, negotiate_form, suffix_of
from isic_graph.web.resource_page import (
    MAX_NODES,
    aliases,
    describe,
    labels_of,
    owner,
    provenance,
    related,
    resource_page,
    select,
)
from isic_graph.web.served import GRAPH_FORMATS, JSON_LD, artefacts, rdf_bytes
from isic_graph.web.services import services
from isic_graph.web.summaries import summaries
from isic_graph.web.thesaurus_page import concept_labels, concept_triples, is_scheme, scheme_of, uses
from isic_graph.web.withdrawn import gone

blueprint = Blueprint("linked_data", __name__)

KIND = re.compile(r"[a-z][a-z0-9-]*\Z")
UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]|%(?![0-9A-Fa-f]{2})')


def _shown(path: str) -> str:
    """A path refused, as it can be shown: spaces, controls and other characters an address escapes, escaped."""
    return quote(path, safe="/:@!$&'()*+,;=~")


@blueprint.get("/id/<kind>/<path:slug>")
@per_store_version
@one_page
def resource(kind: str, slug: str) -> Response:
    stem, suffix = suffix_of(slug)
    if not KIND.match(kind) or not stem or UNSAFE.search(stem):
        shown = _shown(f"id/{kind}/{slug}")
        raise UsageError(f"not a valid resource path: {shown}",
                         fr=f"ce n'est pas un chemin de ressource valide : {shown}")
    iri = f"{services().graphs.base}id/{kind}/{stem}"
    try:
        NamedNode(iri)
    except ValueError:
        raise UsageError(f"not a valid IRI: {_shown(iri)}", fr=f"ce n'est pas une IRI valide : {_shown(iri)}") from None
    subject = sparql_terms.iri(iri)
    record = retraction_of(services().store, services().graphs, iri)
    if record is not None:  # withdrawn by its network: 410 with the record
        return gone(record, SUFFIXES[suffix] if suffix else None)
    media_type = negotiate_form([*GRAPH_FORMATS, HTML], suffix)
    triples = describe(iri)
    if not triples:
        raise NotFound(f"no description of <{iri}> in this store", fr=f"aucune description de <{iri}> ici")
    leaf = iri.rsplit("/", 1)[-1]
    if media_type != HTML:
        return answer(rdf_bytes(triples, media_type), media_type, leaf, suffix)
    bookkeeping = sparql_terms.iri(services().graphs.ownership)  # ownership records are no reader's link,
    derived = sparql_terms.iri(services().graphs.identity)  # nor the identity links (aliases show attributed)
    incoming = [r for r in select(f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {subject} }} "
                                  f"FILTER(?g NOT IN ({bookkeeping}, {derived})) }} LIMIT {MAX_NODES}").rows
                if not term_value(r["s"]).startswith(iri + "#")]
    linked = [term_value(t.object) for t in triples if isinstance(t.object, NamedNode)]
    facts = summaries([iri, *linked, *(term_value(r["s"]) for r in incoming)], services().graphs.base, language())
    page = resource_page(iri, triples + labels_of(r["s"] for r in incoming), incoming, facts)
    page["provenance"] = (owner(iri, str(page["lang"])) + aliases(iri, str(page["lang"]))
                          + provenance(iri, str(page["lang"])))
    page["related"] = related(iri, str(page["lang"]))
    if any(term_value(t.subject) == iri and t.predicate.value == RDF_TYPE and term_value(t.object) in WITHDRAWABLE
           for t in triples):
        page["withdraw"] = url_for("retraction.confirm", resource=iri, lang=page["lang"])
    return answer(render_template("resource.html", **page).encode("utf-8"), HTML, leaf, suffix, True)


@blueprint.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph's IRI: 303 See Other to its triples in the graph store (`/graph-store?graph=IRI`, which
    negotiates Turtle, JSON-LD, N-Triples, RDF/XML), or, for a browser and a network's graph, to the network's
    page."""
    graphs = services().graphs
    name = f"{graphs.base}graph/{rest}"
    if UNSAFE.search(rest) or not sparql_terms.is_iri(name):
        raise UsageError(f"not a valid graph path: {_shown('graph/' + rest)}",
                         fr=f"ce n'est pas un chemin de graphe valide : {_shown('graph/' + rest)}")
    if services().store.query(f"ASK {{ GRAPH {sparql_terms.iri(name)} {{ ?s ?p ?o }} }}") is not True:
        raise NotFound(f"no graph <{name}> in this store", fr=f"aucun graphe <{name}> ici")
    location = "/graph-store?" + urlencode({"graph": name})
    if name.startswith(graphs.network_prefix) and negotiate([*GRAPH_FORMATS, HTML]) == HTML:
        location = "/" + local_name(graphs.network_resource(name[len(graphs.network_prefix):]), graphs.base)
    response = Response(status=303, headers={"Location": location})
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
@blueprint.get("/thesaurus")
@blueprint.get("/thesaurus.<suffix>")
def thesauri(suffix: str | None = None) -> Response:
    """The thesauri: each scheme with its number of concepts; every concept of every scheme in Turtle, JSON-LD,
    N-Triples or RDF/XML by negotiation (HTML without Accept, as its concepts' pages)."""
    media_type = negotiate_form([HTML, *GRAPH_FORMATS], known(suffix))
    if media_type != HTML:
        return answer(artefacts().thesauri.render(media_type), media_type, "thesaurus", suffix)
    lang = language()
    page = render_template("thesauri.html", lang=lang, ui=UI[lang], schemes=reference().schemes)
    return answer(page.encode("utf-8"), HTML, "thesaurus", suffix, True)


@blueprint.get("/thesaurus/<path:rest>")
@per_store_version
@one_page
def concept(rest: str) -> Response:
    """A scheme (its concepts) or a concept: its label and definition, and everything that uses it, by network
    (a theme's projects bring their lessons); Turtle, JSON-LD, N-Triples or RDF/XML by negotiation."""
    stem, suffix = suffix_of(rest)
    iri = THESAURUS + stem
    if not stem or UNSAFE.search(stem) or not sparql_terms.is_iri(iri):
        raise UsageError(f"not a valid concept path: {_shown('thesaurus/' + rest)}",
                         fr=f"ce n'est pas un chemin de concept valide : {_shown('thesaurus/' + rest)}")
    triples = concept_triples(iri)
    if not triples:
        raise NotFound(f"no concept <{iri}> in the thesauri", fr=f"aucun concept <{iri}> dans les thésaurus")
    media_type = negotiate_form([HTML, *GRAPH_FORMATS], suffix)  # HTML without Accept, as these pages always were
    leaf = stem.rsplit("/", 1)[-1]
    if media_type != HTML:
        return answer(rdf_bytes(triples, media_type), media_type, leaf, suffix)
    lang, labels = language(), concept_labels(iri)
    scheme = scheme_of(iri) if is_scheme(triples) else None
    scheme_iri = next(iter(labels.get("scheme-iri", {}).values()), "")
    page = render_template(
        "concept.html", lang=lang, ui=UI[lang], iri=iri, title=pick(labels.get("label", {}), lang) or leaf,
        definition=pick(labels.get("definition", {}), lang), scheme=pick(labels.get("scheme", {}), lang) or "",
        scheme_href="/thesaurus/" + scheme_iri[len(THESAURUS):] if scheme_iri.startswith(THESAURUS) else None,
        concepts=[(f"/thesaurus/{c.iri[len(THESAURUS):]}", c.code, pick(c.labels, lang) or c.code)
                  for c in scheme.concepts] if scheme else None,
        groups=[] if scheme else uses(iri, lang))
    return answer(page.encode("utf-8"), HTML, leaf, suffix, True)


@blueprint.get("/ontology")
@blueprint.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    media_type = negotiate_form([*GRAPH_FORMATS, HTML], known(suffix))
    if media_type == HTML:
        lang = language()
        body = render_template("ontology.html", diagram=diagram_svg(lang), **ontology_page(lang)).encode("utf-8")
        return answer(body, HTML, "ontology", suffix, True)
    return answer(artefacts().ontology.render(media_type), media_type, "ontology", suffix)


@blueprint.get("/ontology/diagram.svg")
def diagram() -> Response:
    response = Response(diagram_svg(language()), content_type="image/svg+xml; charset=utf-8")
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/shapes")
@blueprint.get("/shapes.<suffix>")
def shapes(suffix: str | None = None) -> Response:
    media_type = negotiate_form([*GRAPH_FORMATS, HTML], known(suffix))
    if media_type == HTML:
        return answer(render_template("shapes.html", **shapes_page(language())).encode("utf-8"), HTML, "shapes",
                      suffix, True)
    return answer(artefacts().shapes.render(media_type), media_type, "shapes", suffix)


@blueprint.get("/context.jsonld")
def context() -> Response:
    response = Response(artefacts().context, content_type=JSON_LD.content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/frames/<kind>.jsonld")
def frame(kind: str) -> Response:
    """The JSON-LD frame of a main class (ontology/frames/), its context written in: a processor frames a document
    of this server with it and fetches nothing (the context's w3id IRI is not registered yet)."""
    response = Response(json.dumps(inline(frame_document(kind)), ensure_ascii=False, indent=2).encode("utf-8"),
                        content_type=JSON_LD.content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
