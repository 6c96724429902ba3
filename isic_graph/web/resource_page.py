"""What the page of a resource shows: its description (with its skolemised nodes and the labels of what it
names), who links to it, who owns it, where its description comes from and what is two steps away."""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, Sequence

from flask import url_for
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.ingest.ownership import record_for
from isic_graph.publish.links import page_link
from isic_graph.rdf.labels import pick, words_in
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    NAME_PROPERTIES,
    OWL,
    PROV,
    RDF_TYPE,
    THESAURUS,
)
from isic_graph.sparql import terms as sparql_terms
from isic_graph.store.results import SelectResult
from isic_graph.web import lookups
from isic_graph.web.cells import UI, Cell, Row, local_name, term_value
from isic_graph.web.naming import graph_name, graph_resources
from isic_graph.web.negotiation import language
from isic_graph.web.served import GRAPH_FORMATS, artefacts, curie
from isic_graph.web.services import services
from isic_graph.web.wording import inverse, literal_text, moment_text

LABELS = (*NAME_PROPERTIES, ISIC + "statement")
MAX_NODES = lookups.MAX_NODES


def describe(iri: str) -> list[Triple]:
    """The triples about a resource and its `#genid-` nodes (skolemised blank nodes), and its objects' labels."""
    out: list[Triple] = []
    todo, seen = [NamedNode(iri)], {iri}
    while todo and len(seen) < MAX_NODES:
        asked, todo = [node.value for node in todo], []
        found = lookups.statements(asked)
        lookups.note_twins(asked, found)
        for row in own_description(found):
            out.append(Triple(row["s"], row["p"], row["o"]))
            o = row["o"]
            if isinstance(o, NamedNode) and o.value.startswith(iri + "#genid-") and o.value not in seen:
                seen.add(o.value)
                todo.append(o)
    out = list(dict.fromkeys(out))
    return out + labels_of(t.object for t in out if term_value(t.object) not in seen)


def own_description(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a description its owner's graphs state, and the identity graph's links to its twins (their
    names then come as statements about them: linked data, never the resource's words)."""
    found, identity = list(rows), services().graphs.identity
    derived = [{k: v for k, v in r.items() if k != "g"} for r in found if term_value(r["g"]) == identity]
    return lookups.own_rows(found) + derived


def shape_order(types: Iterable[str]) -> Mapping[str, tuple[int, int]]:
    """Where the shapes of these classes put each property: (its group's sh:order, its own sh:order)."""
    return artefacts().shape_order(frozenset(types))


def resource_page(iri: str, triples: list[Triple], incoming: Sequence[Mapping[str, object]],
                  facts: Mapping[str, tuple[str | None, str | None, str]] | None = None) -> dict[str, object]:
    """What the page of a resource shows, in the viewer's language (French unless Accept-Language says English):
    the title first, then the properties in the order of its shape, values in words, linked resources by name
    with their key facts (`facts`: IRI -> name, facts, sort key), what links to it named for what it means."""
    lang = language()
    known, base = artefacts().labels, iri[:iri.index("id/")]
    labels: dict[str, dict[str, str]] = {}
    by_subject: dict[str, list[Triple]] = {}
    for t in triples:
        if t.predicate.value in LABELS and isinstance(t.object, Literal):
            labels.setdefault(term_value(t.subject), {}).setdefault(t.object.language or "", t.object.value)
        by_subject.setdefault(term_value(t.subject), []).append(t)
    summaries = facts or {}
    graphs = services().graphs
    graph_names = names_of([r for x in [*(t.object for t in triples), *(r["s"] for r in incoming)]
                            for r in graph_resources(term_value(x), graphs)], lang)

    def cell(term: object, predicate: str = "") -> Cell:
        if isinstance(term, Literal):
            return Cell(literal_text(term, lang, predicate), lang=term.language)
        value = term_value(term)
        if value.startswith(iri + "#"):
            return Cell(value[len(iri):], href=value[len(iri):])
        name, note, _ = summaries.get(value, (None, None, ""))
        text = pick(labels.get(value, {}), lang) or pick(known.get(value, {}), lang) or name
        if not text and note:  # a resource with no name of its own is named by its key facts
            text, note = note, None
        if not text and value.startswith(base + "graph/"):  # a graph of this instance, in words
            text = graph_name(value, graphs, graph_names, lang)
        text = text or (value[len(base):] if value.startswith(base) else curie(value))
        href = (url_for(".ontology") + "#" + value[len(ISIC):] if value.startswith(ISIC)
                else "/thesaurus/" + value[len(THESAURUS):] if value.startswith(THESAURUS) else page_link(value, base))
        return Cell(text, href=None if isinstance(term, BlankNode) else href, note=note)

    owners = lookups.owners_of([iri, *(term_value(r["s"]) for r in incoming)])

    def attributed(term: object, shown: Cell) -> Cell:
        """What links to the resource from another owner's words says whose words they are (a network may point
        its own evaluation at another's project: it is not the project's own)."""
        by, here = owners.get(term_value(term)), owners.get(iri)
        if by is None or here is None or by == here:
            return shown
        said = f"publié par {by.describe('fr')}" if lang == "fr" else f"published by {by.describe()}"
        return dataclasses.replace(shown, note=f"{shown.note} — {said}" if shown.note else said)

    def rows(pairs: Iterable[tuple[object, object]], order: Mapping[str, tuple[int, int]],
             backwards: bool = False) -> list[Row]:
        grouped: dict[str, list[tuple[object, Cell]]] = {}
        for predicate, value in pairs:
            shown = cell(value, term_value(predicate))
            grouped.setdefault(term_value(predicate), []).append((value, attributed(value, shown) if backwards
                                                                   else shown))
        out = []
        for predicate, values in grouped.items():
            tags = {c.lang for _, c in values if c.lang}
            keep = pick({t: t for t in tags}, lang)  # one language of the texts: the page's, else the next
            cells = [(v, c) for v, c in values if c.lang in (None, keep)]
            cells.sort(key=lambda vc: (summaries.get(term_value(vc[0]), (None, None, ""))[2], vc[1].text.lower()))
            label = cell(NamedNode(predicate))
            if backwards:
                label = Cell(inverse(predicate, lang) or f"{label.text} ←", href=label.href)
            rank = (0 if predicate in LABELS else 1 if predicate == RDF_TYPE else 2,
                    *order.get(predicate, (99, 99)), label.text.lower())
            out.append((rank, Row(label, [c for _, c in cells])))
        return [row for _, row in sorted(out, key=lambda r: r[0])]

    twins = {a.iri for a in lookups.aliases(iri)}  # shown attributed: see aliases()
    for subject, said in by_subject.items():
        by_subject[subject] = [t for t in said if t.predicate.value != OWL + "sameAs"
                               or term_value(t.object) not in twins]
    types = [term_value(t.object) for t in by_subject[iri] if t.predicate.value == RDF_TYPE]
    nodes = [{"anchor": "top" if s == iri else s[len(iri) + 1:], "title": s[len(iri):],
              "rows": rows(((t.predicate, t.object) for t in by_subject[s]),
                           shape_order(term_value(t.object) for t in by_subject[s] if t.predicate.value == RDF_TYPE))}
             for s in by_subject if s == iri or s.startswith(iri + "#genid-")]
    alternates = [(f.label, f"./{iri.rsplit('/', 1)[-1]}.{f.extension[1:]}", f.media_type)
                  for f in GRAPH_FORMATS.values()]
    return {"lang": lang, "ui": UI[lang], "iri": iri, "nodes": nodes, "alternates": alternates,
            "types": [cell(NamedNode(t)).text for t in types],
            "title": (pick(labels.get(iri, {}), lang) or summaries.get(iri, (None, None, ""))[1]
                      or iri.rsplit("/", 1)[-1]),
            "incoming": rows(((r["p"], r["s"]) for r in incoming), {}, backwards=True),
            "ontology": url_for(".ontology")}


def related(iri: str, lang: str) -> list[Row]:
    """What is two steps away and worth a link: a project's partners (through its partnerships and their
    roles), an organisation's projects as carrier, partner or funder."""
    base, subject = services().graphs.base, sparql_terms.iri(iri)
    rows = select(f"""SELECT DISTINCT ?kind ?x WHERE {{
        {{ {subject} <{ISIC}partnership>/<{ISIC}partner>/<{ISIC}agent> ?x BIND("partner" AS ?kind) }}
        UNION {{ ?x <{ISIC}partnership>/<{ISIC}partner>/<{ISIC}agent> {subject} BIND("partner-in" AS ?kind) }}
        UNION {{ ?x <{ISIC}funding>/<{ISIC}funder> {subject} BIND("funder-of" AS ?kind) }}
        UNION {{ ?x <{ISIC}carriedBy> {subject} BIND("carries" AS ?kind) }}
    }} ORDER BY ?kind ?x LIMIT {MAX_NODES}""").rows
    labels: dict[str, dict[str, str]] = {}
    for t in labels_of(r["x"] for r in rows):
        labels.setdefault(term_value(t.subject), {}).setdefault(getattr(t.object, "language", None) or "",
                                                                term_value(t.object))
    grouped: dict[str, list[Cell]] = {}
    for row in rows:
        x = term_value(row["x"])
        grouped.setdefault(term_value(row["kind"]), []).append(
            Cell(pick(labels.get(x, {}), lang) or local_name(x, base), href=page_link(x, base)))
    return [Row(Cell(words_in(UI, lang)[kind]), cells) for kind, cells in grouped.items()]


def owner(iri: str, lang: str) -> list[Row]:
    """Who owns the resource, the only one whose writes may describe it, and since when (ownership.py): a
    network by its name."""
    s, ui = services(), words_in(UI, lang)
    known = lookups.owners_of([iri])[iri]
    if known is None:
        return []
    found = record_for(s.store, s.graphs, iri, known)
    who = found.owner
    name = names_of([who.agent], lang).get(who.agent) if who.kind == "network" else None
    cells = [Cell(ui["instance"] if who.kind == "instance" else name or who.name,
                  href=page_link(who.agent, s.graphs.base) if who.kind == "network" else None,
                  note=ui[who.kind] if who.kind != "instance" else None, title=who.agent)]
    if found.activity:
        cells.append(Cell(moment_text(found.since, lang) or found.activity,
                          href=page_link(found.activity, s.graphs.base), note=ui["since"], title=found.activity))
    return [Row(Cell(ui["owner"]), cells)]


ALSO = {"fr": ("Aussi décrit", "par le réseau « {} »", "par le pair « {} »", "par cette instance",
               "sous le nom « {} »"),
        "en": ("Also described", 'by network "{}"', 'by peer "{}"', "by this instance", 'as "{}"')}


def aliases(iri: str, lang: str) -> list[Row]:
    """The other IRIs the identity graph links to the resource (another network's description of the same
    organisation or territory), each in words attributed to its owner: « Aussi décrit par le réseau X sous le
    nom « … » », linking the alias's page. Their names are their owners' words, never the resource's."""
    s = services()
    found = lookups.aliases(iri)
    words = ALSO["fr" if lang == "fr" else "en"]
    networks = names_of([a.owner.agent for a in found if a.owner is not None and a.owner.kind == "network"], lang)
    cells = []
    for alias in found:
        who = alias.owner
        parts = [words[0]]
        if who is not None:
            parts.append(words[3] if who.kind == "instance" else
                         words[1 if who.kind == "network" else 2].format(networks.get(who.agent) or who.name))
        name = alias.name(lang)
        if name:
            parts.append(words[4].format(name))
        cells.append(Cell(" ".join(parts), href=page_link(alias.iri, s.graphs.base), title=alias.iri))
    return [Row(Cell(words_in(UI, lang)["aliases"]), cells)] if cells else []


def provenance(iri: str, lang: str) -> list[Row]:
    """Where a resource's description comes from, in words: its graphs (« graphe du réseau … », a harvested
    copy), when they were last written, what they were harvested from, and the collection sheets that describe
    it (or its project), by the project they describe, their date and their network's name; each linking to
    its IRI."""
    graphs, ui = services().graphs, words_in(UI, lang)
    base = services().settings.base_iri
    subject, metadata = sparql_terms.iri(iri), sparql_terms.iri(graphs.metadata)
    found: list[Row] = []
    rows = select(f"""SELECT ?g (MAX(?m) AS ?modified) (SAMPLE(?from) AS ?source) WHERE {{
            GRAPH ?g {{ {subject} ?p ?o }}
            OPTIONAL {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }}
            OPTIONAL {{ GRAPH {metadata} {{ ?g <{PROV}wasDerivedFrom> ?from }} }}
        }} GROUP BY ?g ORDER BY ?g""").rows
    sheets = select(f"""SELECT ?sheet ?network (SAMPLE(?p) AS ?project) (MIN(?c) AS ?created) WHERE {{
            {{ BIND({subject} AS ?p) }} UNION {{ {subject} <{ISIC}learnedFrom> ?p }}
            UNION {{ {subject} <{ISIC}about> ?p }}
            ?sheet <{ISIC}describes> ?p ; <{PROV}wasAttributedTo> ?network .
            OPTIONAL {{ ?sheet <{DCTERMS}created> ?c }} }} GROUP BY ?sheet ?network ORDER BY ?sheet""").rows
    names = names_of([*(n for r in rows for n in graph_resources(term_value(r["g"]), graphs)),
                      *(term_value(r[k]) for r in sheets for k in ("network", "project"))], lang)
    for row in rows:
        graph = term_value(row["g"])
        cells = [Cell(graph_name(graph, graphs, names, lang), href=page_link(graph, base), title=graph)]
        if "modified" in row:
            cells.append(Cell(moment_text(term_value(row["modified"]), lang), note=ui["modified"]))
        if "source" in row:
            cells.append(Cell(term_value(row["source"]), href=term_value(row["source"]), note=ui["harvested"]))
        found.append(Row(Cell(ui["graph"]), cells))
    for row in sheets:
        sheet, network, project = (term_value(row[k]) for k in ("sheet", "network", "project"))
        created = row.get("created")
        dated = literal_text(created, lang) if isinstance(created, Literal) else ""
        found.append(Row(Cell(ui["sheet"]), [
            Cell(names.get(project) or ui["sheet"], href=page_link(sheet, base), title=sheet,
                 note=f'{ui["sheet"]} {ui["of"]} {dated}' if dated else ui["sheet"]),
            Cell(names.get(network) or local_name(network, base), href=page_link(network, base),
                 note=ui["network"], title=network)]))
    return found


def select(sparql: str) -> SelectResult:
    return services().store.select(sparql)


def labels_of(nodes: Iterable[object]) -> list[Triple]:
    """The labels (rdfs:label, skos:prefLabel, dcterms:title, foaf:name) of the given IRIs, each IRI's names as
    its owner gives them, not a copy another network keeps, nor a twin's (asked once per page: lookups.py)."""
    return lookups.labels_of(nodes, LABELS)


def names_of(iris: Iterable[str], lang: str) -> dict[str, str]:
    """The name in `lang` (with the fallback of labels.pick) of each of these IRIs that has one in the store."""
    texts: dict[str, dict[str, str]] = {}
    for t in labels_of(NamedNode(i) for i in dict.fromkeys(iris)):
        if isinstance(t.object, Literal):
            texts.setdefault(term_value(t.subject), {}).setdefault(t.object.language or "", t.object.value)
    return {iri: name for iri, found in texts.items() if (name := pick(found, lang))}
