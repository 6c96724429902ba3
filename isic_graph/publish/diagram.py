"""The diagram of the ontology's classes, as SVG, generated from the ontology itself (never drawn by hand).

Boxes are the classes of the ISIC namespace; plain arrows are object properties whose domain and range
are such classes (unions counted member by member), labelled by the property; dashed arrows are
rdfs:subClassOf. The most connected class is in the middle; the others sit on an ellipse, in the order
of a breadth-first walk from it, so that linked classes sit near each other; the layout is deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from textwrap import wrap
from typing import Iterable
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.rdf.labels import choose, pick_literal
from isic_graph.rdf.namespaces import ISIC, OWL, RDF, RDF_TYPE, RDFS, SVG

RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
BOX_W, BOX_H = 150, 44
WIDTH, HEIGHT = 1100, 760


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    subclass: bool = False


def classes_and_edges(triples: Iterable[Triple], lang: str = "fr") -> tuple[dict[str, str], list[Edge]]:
    """The ISIC classes (IRI -> label in `lang`, or local name) and the edges between them."""
    index: dict[str, list[Triple]] = defaultdict(list)
    for t in triples:
        index[str(t.subject)].append(t)

    def values(subject: str, predicate: str) -> list[object]:
        return [t.object for t in index.get(subject, []) if t.predicate.value == predicate]

    def members(node: object) -> list[str]:
        """A class, or the members of a union of classes."""
        if isinstance(node, NamedNode):
            return [node.value]
        if isinstance(node, BlankNode):
            found: list[str] = []
            for union in values(str(node), OWL + "unionOf"):
                item: object = union
                while isinstance(item, BlankNode):
                    found += [m for first in values(str(item), RDF_FIRST) for m in members(first)]
                    rest = values(str(item), RDF_REST)
                    item = rest[0] if rest else None
            return found
        return []

    classes: dict[str, str] = {}
    for subject, found in index.items():
        name = subject.strip("<>")
        if name.startswith(ISIC) and any(t.predicate.value == RDF_TYPE and t.object == NamedNode(OWL + "Class")
                                         for t in found):
            labels = [t.object for t in found if t.predicate.value == RDFS + "label" and isinstance(t.object, Literal)]
            label = pick_literal(labels, lang)
            classes[name] = label.value if label is not None else name[len(ISIC):]
    edges: list[Edge] = []
    for subject, found in sorted(index.items()):
        name = subject.strip("<>")
        if name in classes:
            edges += [Edge(name, o.value, "", True) for o in values(subject, RDFS + "subClassOf")
                      if isinstance(o, NamedNode) and o.value in classes]  # a covering union is no parent
        if any(t.predicate.value == RDF_TYPE and t.object == NamedNode(OWL + "ObjectProperty") for t in found) \
                and name.startswith(ISIC):
            domains = [c for o in values(subject, RDFS + "domain") for c in members(o) if c in classes]
            ranges = [c for o in values(subject, RDFS + "range") for c in members(o) if c in classes]
            edges += [Edge(d, r, name[len(ISIC):]) for d in domains for r in ranges]
    return classes, sorted(set(edges), key=lambda e: (e.source, e.target, e.label))


def layout(classes: dict[str, str], edges: list[Edge]) -> dict[str, tuple[float, float]]:
    """Centres of the boxes on an ellipse, in breadth-first order from the most connected class."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    order: list[str] = []
    for start in sorted(classes, key=lambda c: (-len(neighbours[c]), c)):
        queue = [start]
        while queue:
            current = queue.pop(0)
            if current in order:
                continue
            order.append(current)
            queue += sorted(neighbours[current] - set(order), key=lambda c: (-len(neighbours[c]), c))
    hub, ring = order[0], order[1:]
    cx, cy = WIDTH / 2, HEIGHT / 2 + 25  # room above the top box for its loops
    rx, ry = cx - BOX_W / 2 - 30, cy - BOX_H / 2 - 60
    places = {name: (cx + rx * math.cos(2 * math.pi * i / len(ring) - math.pi / 2),
                     cy + ry * math.sin(2 * math.pi * i / len(ring) - math.pi / 2))
              for i, name in enumerate(ring)}
    places[hub] = (cx, cy)  # the most connected class in the middle
    return places


def _border(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the segment from a box's centre towards a point leaves the box."""
    (x, y), (tx, ty) = centre, towards
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(BOX_W / 2 / abs(dx) if dx else math.inf, BOX_H / 2 / abs(dy) if dy else math.inf)
    return x + dx * scale, y + dy * scale


def class_diagram_svg(triples: Iterable[Triple], link: str = "/ontology#", lang: str = "fr") -> str:
    """The SVG document of the class diagram, its words in `lang` (each class's label under its name, the
    properties by their names); each box links to the class's documentation."""
    classes, edges = classes_and_edges(triples, lang)
    places = layout(classes, edges)
    svg = Element("svg", {"xmlns": SVG, "viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": "100%",
                          "preserveAspectRatio": "xMidYMid meet", "font-family": "sans-serif", "font-size": "11",
                          "role": "img"})
    SubElement(svg, "title").text = choose(lang, "Classes de l'ontologie ISIC", "ISIC ontology classes")
    defs = SubElement(svg, "defs")
    for name, size, fill, stroke in (("arrow", "7", "#555", None), ("open", "9", "#fff", "#555")):
        marker = SubElement(defs, "marker", {"id": name, "viewBox": "0 0 10 10", "refX": "10", "refY": "5",
                                             "markerWidth": size, "markerHeight": size,
                                             "orient": "auto-start-reverse"})
        SubElement(marker, "path", {"d": "M0,0L10,5L0,10z", "fill": fill, **({"stroke": stroke} if stroke else {})})
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for e in edges:
        (sx, sy), (tx, ty) = places[e.source], places[e.target]
        style = {"stroke-dasharray": "5,3", "marker-end": "url(#open)"} if e.subclass else {"marker-end": "url(#arrow)"}
        if e.source == e.target:  # a loop above the box
            SubElement(svg, "path", {"d": f"M{sx - 30:.1f},{sy - BOX_H / 2:.1f} C{sx - 40:.1f},{sy - 80:.1f} "
                                          f"{sx + 40:.1f},{sy - 80:.1f} {sx + 30:.1f},{sy - BOX_H / 2:.1f}",
                                     "fill": "none", "stroke": "#555", **style})
            label_x, label_y = sx, sy - 66 - 12 * pairs[(e.source, e.target)]
        else:
            (ax, ay), (bx, by) = _border((sx, sy), (tx, ty)), _border((tx, ty), (sx, sy))
            SubElement(svg, "line", {"x1": f"{ax:.1f}", "y1": f"{ay:.1f}", "x2": f"{bx:.1f}", "y2": f"{by:.1f}",
                                     "stroke": "#555", **style})
            label_x, label_y = (ax + bx) / 2, (ay + by) / 2 + 12 * pairs[tuple(sorted((e.source, e.target)))]  # type: ignore[index]
        key = (e.source, e.target) if e.source == e.target else tuple(sorted((e.source, e.target)))
        pairs[key] += 1  # type: ignore[index]
        if e.label:
            SubElement(svg, "text", {"x": f"{label_x:.1f}", "y": f"{label_y:.1f}", "text-anchor": "middle",
                                     "fill": "#333", "paint-order": "stroke", "stroke": "#fff",
                                     "stroke-width": "3"}).text = e.label
    for name, label in sorted(classes.items()):
        x, y = places[name]
        local = name[len(ISIC):]
        box = SubElement(svg, "a", {"href": link + local})
        SubElement(box, "rect", {"x": f"{x - BOX_W / 2:.1f}", "y": f"{y - BOX_H / 2:.1f}", "width": str(BOX_W),
                                 "height": str(BOX_H), "rx": "6", "fill": "#eef3fb", "stroke": "#2b5797"})
        SubElement(box, "text", {"x": f"{x:.1f}", "y": f"{y - 6:.1f}", "text-anchor": "middle",
                                 "font-weight": "bold"}).text = local
        lines = wrap(label, 26)
        caption = SubElement(box, "text", {"x": f"{x:.1f}", "y": f"{y + 9:.1f}", "text-anchor": "middle",
                                           "fill": "#444", "font-size": "10" if len(lines) > 1 else "11"})
        for n, line in enumerate(lines[:2]):
            SubElement(caption, "tspan", {"x": f"{x:.1f}", "dy": "0" if n == 0 else "10"}).text = line
    indent(svg, space="")
    return tostring(svg, encoding="unicode")
