"""Maps of the knowledge, computed by SPARQL and drawn server-side (SVG with links, PNG for export).

- The partnership network: organisations linked when they took part in the same project (as carrier,
  partner or funder), the line as thick as the projects they share; each organisation coloured by the
  network whose sheets name it (grey when several do) and sized by its number of projects.
- Coverage: themes × territories (projects), and themes × lesson categories (lessons): a cell where a
  theme has projects but no lesson of that category was captured is a gap, drawn hatched.
Filters: network, theme, territory (the territory or any within it) and period (projects running then).
"""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from textwrap import wrap
from typing import Any, Callable

from isic_graph.errors import UsageError
from isic_graph.publish.links import safe_href
from isic_graph.query.aliases import speakers
from isic_graph.query.merged import one
from isic_graph.query.own_words import names_of
from isic_graph.rdf.labels import choose, in_order
from isic_graph.rdf.namespaces import ISIC, PROV, SKOS, THESAURUS, XSD, Graphs
from isic_graph.sparql.terms import iri, is_iri, literal
from isic_graph.store.base import Store

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
SEVERAL = "#7f7f7f"
LABEL_WIDTH = 22  # characters per line of an organisation's name
LEGEND = ("aucun / none", "nombre (plus foncé : plus) / count (darker: more)",
          "lacune : la thématique a des projets, aucun enseignement de cette catégorie / "
          "gap: the theme has projects, no lesson of this category")
DECLUTTER_ROUNDS = 60
TICK_PAD = 3.5  # points between the chart and its rows' and columns' names (matplotlib's tick label pad)


@dataclass(frozen=True)
class Filters:
    network: str | None = None
    theme: str | None = None
    territory: str | None = None
    start: str | None = None  # projects still running on or after this date (YYYY-MM-DD)
    end: str | None = None  # projects begun on or before this date

    def __post_init__(self) -> None:
        for name in ("network", "theme", "territory"):
            value = getattr(self, name)
            if value is not None and not (re.match(r"https?://", value) and is_iri(value)):
                raise UsageError(f"{name} must be an IRI", fr=f"le paramètre {name} doit être une adresse IRI")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and not _is_date(value):
                raise UsageError(f"{name} must be a date written YYYY-MM-DD, such as 2024-03-01",
                                 fr=f"le paramètre {name} doit être une date écrite AAAA-MM-JJ, comme 2024-03-01")

    def patterns(self, project: str = "?project") -> str:
        """SPARQL patterns keeping the projects that pass the filters."""
        parts = []
        if self.network:
            parts.append(f"?filterSheet <{ISIC}describes> {project} ; <{PROV}wasAttributedTo> {iri(self.network)} .")
        if self.theme:
            parts.append(f"{project} <{ISIC}theme> {iri(self.theme)} .")
        if self.territory:
            parts.append(f"{project} <{ISIC}territory>/<{ISIC}within>* {iri(self.territory)} .")
        if self.start:
            parts.append(f'FILTER NOT EXISTS {{ {project} <{ISIC}endDate> ?filterEnd '
                         f'FILTER(?filterEnd < {literal(self.start, XSD + "date")}) }}')
        if self.end:
            parts.append(f'FILTER NOT EXISTS {{ {project} <{ISIC}startDate> ?filterStart '
                         f'FILTER(?filterStart > {literal(self.end, XSD + "date")}) }}')
        return "\n".join(parts)


def _is_date(value: str) -> bool:
    """Whether the value is a calendar date written YYYY-MM-DD (2024-13-45 is not)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Organisation:
    iri: str
    label: str
    networks: tuple[str, ...]
    projects: int


@dataclass(frozen=True)
class PartnershipMap:
    organisations: tuple[Organisation, ...]
    links: tuple[tuple[str, str, int], ...]  # two organisations and the projects they share
    networks: dict[str, str]  # network IRI -> label


@dataclass(frozen=True)
class Coverage:
    rows: tuple[tuple[str, str], ...]  # themes: IRI, label
    columns: tuple[tuple[str, str], ...]  # territories or categories: IRI, label
    counts: dict[tuple[str, str], int]
    projects: dict[str, int]  # projects per theme

    def gap(self, theme: str, column: str) -> bool:
        return self.projects.get(theme, 0) > 0 and self.counts.get((theme, column), 0) == 0


def partnership_map(store: Store, filters: Filters = Filters(), graphs: Graphs | None = None,
                    lang: str = "fr") -> PartnershipMap:
    """Organisations linked by the projects they share, named in `lang`; with `graphs`, an organisation two
    networks name by two IRIs the identity graph links is one node (the merged view, query/merged.py)."""
    merge = one("org", graphs) if graphs is not None else "BIND(?org AS ?org_one)"
    rows = store.select(f"""SELECT DISTINCT ?project ?org_one ?network WHERE {{
        ?project a <{ISIC}Project> .
        {{ ?project <{ISIC}carriedBy> ?org }}
        UNION {{ ?project <{ISIC}partnership>/<{ISIC}partner>/<{ISIC}agent> ?org }}
        UNION {{ ?project <{ISIC}funding>/<{ISIC}funder> ?org }}
        ?org a <{ISIC}Organisation> .
        OPTIONAL {{ ?sheet <{ISIC}describes> ?project ; <{PROV}wasAttributedTo> ?network }}
        {filters.patterns()}
        {merge}
    }}""").rows
    # each merged node stands under the IRI, and with the name, of the member that speaks for its group (the
    # instance's, else the first published), never an alias another network chose to sort first
    speaker = speakers(store, graphs, {row["org_one"].value for row in rows}) if graphs is not None else {}
    members: dict[str, set[str]] = defaultdict(set)
    networks: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        node = speaker.get(row["org_one"].value, row["org_one"].value)
        members[row["project"].value].add(node)
        if "network" in row:
            networks[node].add(row["network"].value)
    projects_of: dict[str, int] = defaultdict(int)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for orgs in members.values():
        for org in orgs:
            projects_of[org] += 1
        ordered = sorted(orgs)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                shared[(a, b)] += 1
    labels = names_of(store, set(projects_of) | {n for ns in networks.values() for n in ns}, lang, graphs)
    organisations = tuple(Organisation(org, labels[org], tuple(sorted(networks[org])), n)
                          for org, n in sorted(projects_of.items()))
    all_networks = sorted({n for ns in networks.values() for n in ns})
    return PartnershipMap(organisations, tuple((a, b, n) for (a, b), n in sorted(shared.items())),
                          {n: labels[n] for n in all_networks})


def coverage(store: Store, columns: str, filters: Filters = Filters(), lang: str = "fr") -> Coverage:
    """Themes × territories (projects) or themes × categories (lessons), named in `lang`."""
    if columns not in ("territories", "categories"):
        raise UsageError("the coverage is by territories or by categories",
                         fr="la couverture est par territoires ou par catégories")
    project_rows = store.select(f"""SELECT ?theme (COUNT(DISTINCT ?project) AS ?n) WHERE {{
        ?project a <{ISIC}Project> ; <{ISIC}theme> ?theme . {filters.patterns()} }} GROUP BY ?theme""").rows
    projects = {r["theme"].value: int(r["n"].value) for r in project_rows}
    if columns == "territories":
        cells = store.select(f"""SELECT ?theme ?column (COUNT(DISTINCT ?project) AS ?n) WHERE {{
            ?project a <{ISIC}Project> ; <{ISIC}theme> ?theme ; <{ISIC}territory> ?column . {filters.patterns()}
        }} GROUP BY ?theme ?column""").rows
        column_iris = {r["column"].value for r in cells}
    else:
        cells = store.select(f"""SELECT ?theme ?column (COUNT(DISTINCT ?lesson) AS ?n) WHERE {{
            ?project a <{ISIC}Project> ; <{ISIC}theme> ?theme . ?lesson <{ISIC}learnedFrom> ?project ;
            <{ISIC}lessonCategory> ?column . {filters.patterns()} }} GROUP BY ?theme ?column""").rows
        scheme = store.select(f"""SELECT ?c WHERE {{ ?c <{SKOS}inScheme>
            <{THESAURUS}lesson-category> }}""").rows
        column_iris = {r["c"].value for r in scheme} | {r["column"].value for r in cells}
    counts = {(r["theme"].value, r["column"].value): int(r["n"].value) for r in cells}
    labels = names_of(store, set(projects) | column_iris, lang)
    return Coverage(tuple(sorted(((t, labels[t]) for t in projects), key=lambda p: in_order(p[1]))),
                    tuple(sorted(((c, labels[c]) for c in column_iris), key=lambda p: in_order(p[1]))),
                    counts, projects)


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    # every text drawn is a network's words or ours, never mathematics: read as mathtext, a `$\\undefined$` in a
    # name failed each drawing of the map, and `$x^2$` was drawn as another text
    matplotlib.rcParams["text.parse_math"] = False
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _save(figure: Any, kind: str) -> bytes:
    if kind == "svg":  # links open in the same page, as every other link of the site
        return presentational(_svg(figure).replace(' target="_blank"', "")).encode("utf-8")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind, bbox_inches="tight")
    return buffer.getvalue()


def _svg(figure: Any) -> str:
    """The figure as SVG, cropped to what it draws as `savefig(bbox_inches="tight")` crops it, in one pass where
    savefig makes two (one to measure, one to draw, each measuring every text again): the figure is drawn whole,
    then measured with the renderer that drew it (which keeps its texts' sizes), and the SVG's viewBox is that
    area. Its white ground is made larger than the figure, for the labels the crop keeps beyond its edges."""
    import matplotlib
    from matplotlib.backends.backend_svg import RendererSVG

    buffer = io.StringIO()
    dpi = figure.dpi
    width, height = (float(v) * 72 for v in figure.get_size_inches())  # an SVG's unit is the point
    figure.patch.set_bounds(-1, -1, 3, 3)
    figure.dpi = 72
    try:
        renderer = RendererSVG(width, height, buffer, image_dpi=dpi, metadata={"Date": None})  # type: ignore[no-untyped-call]
        figure.draw(renderer)
        renderer.finalize()  # type: ignore[no-untyped-call]
        box = figure.get_tightbbox(renderer).padded(matplotlib.rcParams["savefig.pad_inches"])
    finally:
        figure.dpi = dpi
    x, y, w, h = (f"{v:f}".rstrip("0").rstrip(".") for v in
                  (box.x0 * 72, height - box.y1 * 72, box.width * 72, box.height * 72))
    return re.sub(r'width="[^"]*" height="[^"]*" viewBox="[^"]*"',
                  f'width="{w}pt" height="{h}pt" viewBox="{x} {y} {w} {h}"', buffer.getvalue(), count=1)


def presentational(svg: str) -> str:
    """The SVG with its CSS (style attributes, the style sheet of its root) as presentation attributes, which
    draw the same and which a page's Content-Security-Policy never blocks."""
    sheet = re.search(r"<style[^>]*>\*\{([^}]*)\}</style>\s*", svg)
    if sheet is not None:
        svg = svg[:sheet.start()] + svg[sheet.end():]
        svg = re.sub(r"(?<=<svg)\b", lambda m: _attributes(sheet.group(1), ""), svg, count=1)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    return STYLED.sub(lambda m: m.group(1) + _attributes(m.group(2), m.group(1) + m.group(3)) + m.group(3), svg)


STYLED = re.compile(r'(<[A-Za-z][^<>]*?)\sstyle="([^"]*)"([^<>]*>)')
PRESENTATION = frozenset((
    "clip-path", "clip-rule", "color", "display", "fill", "fill-opacity", "fill-rule", "font-family", "font-size",
    "font-style", "font-weight", "opacity", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "visibility"))


def _attributes(declarations: str, tag: str) -> str:
    """CSS declarations as SVG attributes (those the tag does not already have, among the presentation ones)."""
    out = []
    for declaration in declarations.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if colon and name in PRESENTATION and not re.search(rf"\s{re.escape(name)}=", tag):
            out.append(f' {name}="{escape(value, quote=True)}"')
    return "".join(out)


def draw_partnerships(found: PartnershipMap, kind: str, link: Callable[[str], str | None], lang: str = "fr") -> bytes:
    """The partnership network as SVG (each organisation linked to its page) or PNG, its words in `lang`."""
    figure, _ = partnership_figure(found, link, lang)
    return _save(figure, kind)


def partnership_figure(found: PartnershipMap, link: Callable[[str], str | None],
                       lang: str = "fr") -> tuple[Any, list[Any]]:
    """The partnership network's figure and its organisations' labels (whole, wrapped, none over another)."""
    from matplotlib.collections import LineCollection

    figure = _figure(11, 8)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xticks([])  # no ticks to place (the title's place is measured above them)
    axes.set_yticks([])
    if not found.organisations:
        axes.text(0.5, 0.5, choose(lang, "Aucun partenariat pour ces filtres", "No partnership for these filters"),
                  ha="center", va="center")
        return figure, []
    places = layout(found)
    colours = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(found.networks)}
    axes.add_collection(LineCollection([(places[a], places[b]) for a, b, _ in found.links], colors="#999",
                                       linewidths=[0.6 + 1.2 * n for _, _, n in found.links], zorder=1))
    xs, ys = zip(*(places[org.iri] for org in found.organisations))
    dots = axes.scatter(xs, ys, s=[120 + 160 * org.projects for org in found.organisations],
                        color=[colours[org.networks[0]] if len(org.networks) == 1 else SEVERAL
                               for org in found.organisations], edgecolors="white", zorder=2)
    links = [safe_href(link(org.iri)) for org in found.organisations]
    dots.set_urls(links)
    labels: list[Any] = []
    for org, href in zip(found.organisations, links):
        x, y = places[org.iri]
        name = "\n".join(wrap(org.label, LABEL_WIDTH, break_on_hyphens=False))
        text = axes.text(x, y - 0.07, name, ha="center", va="top", fontsize=7,
                         zorder=3, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                         "alpha": 0.55})
        text.set_url(href)
        labels.append(text)
    handles = [axes.scatter([], [], color=colours[n], label=label) for n, label in found.networks.items()]
    handles.append(axes.scatter([], [], color=SEVERAL, label=choose(lang, "plusieurs réseaux", "several networks")))
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    axes.set_title(choose(lang, "Réseau des partenariats", "Partnership network"), fontsize=11)
    declutter(figure, axes, labels)
    return figure, labels


def layout(found: PartnershipMap) -> dict[str, Any]:
    """Where each organisation is placed (x, y): a spring layout, the same for the same map (from 500
    organisations, networkx computes it with scipy's sparse matrices)."""
    import networkx

    graph = networkx.Graph()
    graph.add_nodes_from(o.iri for o in found.organisations)
    graph.add_weighted_edges_from(found.links)
    places: dict[str, Any] = networkx.spring_layout(graph, seed=7, k=3.0 / max(1, len(graph) ** 0.5))
    return places


def draw_coverage(found: Coverage, kind: str, title: str, link: Callable[[str, str], str | None],
                  lang: str = "fr") -> bytes:
    """The coverage matrix: counts in the cells, gaps hatched; each cell linked (SVG)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    rows, columns = found.rows, found.columns
    figure = _figure(max(6.0, 1.0 + 0.55 * len(columns)), max(3.0, 1.2 + 0.38 * len(rows)))
    axes = figure.add_subplot()
    if not rows or not columns:
        axes.set_axis_off()
        axes.text(0.5, 0.5, choose(lang, "Rien à montrer pour ces filtres", "Nothing for these filters"),
                  ha="center", va="center")
        return _save(figure, kind)
    peak = max(found.counts.values(), default=1)
    cells: dict[bool, list[tuple[Rectangle, Any, str | None]]] = {False: [], True: []}  # by gap: place, shade, link
    for i, (theme, _) in enumerate(rows):
        for j, (column, _) in enumerate(columns):
            n = found.counts.get((theme, column), 0)
            shade = (1.0, 1.0, 1.0) if n == 0 else (1 - 0.75 * n / peak, 1 - 0.45 * n / peak, 1.0)
            cells[found.gap(theme, column)].append((Rectangle((j, i), 1, 1), shade, safe_href(link(theme, column))))
            if n:
                axes.text(j + 0.5, i + 0.5, str(n), ha="center", va="center", fontsize=8)
    for gap, drawn in cells.items():  # the gaps last, so that their red edges are drawn whole
        if drawn:
            patches = PatchCollection([cell for cell, _, _ in drawn], facecolors=[shade for _, shade, _ in drawn],
                                      edgecolors="#c00" if gap else "#ccc", linewidths=1.2 if gap else 0.5,
                                      hatch="///" if gap else None, zorder=1)
            patches.set_urls([href for _, _, href in drawn])
            axes.add_collection(patches, autolim=False)
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    # the rows' and columns' names where tick labels would be, as plain texts: ticks cost twice as much to draw
    axes.set_xticks([])
    axes.set_yticks([])
    under, _, _ = axes.get_xaxis_text1_transform(TICK_PAD)
    beside, _, _ = axes.get_yaxis_text1_transform(TICK_PAD)
    for j, (_, label) in enumerate(columns):
        axes.text(j + 0.5, 0, "\n".join(wrap(label, 24, break_on_hyphens=False)), transform=under, rotation=45,
                  ha="right", va="top", rotation_mode="anchor", fontsize=8, clip_on=False)
    for i, (theme, label) in enumerate(rows):
        axes.text(0, i + 0.5, f"{label} ({found.projects.get(theme, 0)})", transform=beside, ha="right",
                  va="center_baseline", fontsize=8, clip_on=False)
    axes.set_title(title, fontsize=11)
    axes.legend(handles=[Patch(facecolor="white", edgecolor="#ccc", label=LEGEND[0]),
                         Patch(facecolor=(0.25, 0.55, 1.0), edgecolor="#ccc", label=LEGEND[1]),
                         Patch(facecolor="white", edgecolor="#c00", hatch="///", label=LEGEND[2])],
                loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _save(figure, kind)


def declutter(figure: Any, axes: Any, labels: list[Any]) -> None:
    """Move the labels apart until none overlaps another (a bounded number of rounds): each overlapping pair is
    pushed apart vertically by the height they share. Sizes are measured once; moving a label only shifts it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]  # measures the texts
    boxes = [[b.x0, b.y0, b.x1, b.y1] for b in (label.get_window_extent(renderer) for label in labels)]
    start = [b[1] for b in boxes]
    side_by_side = _side_by_side(boxes)
    for _ in range(DECLUTTER_ROUNDS):
        moved = False
        for i, j in side_by_side:
            a, b = boxes[i], boxes[j]
            if a[3] <= b[1] or b[3] <= a[1]:
                continue
            shift = (min(a[3], b[3]) - max(a[1], b[1])) / 2 + 1
            up = 1 if a[1] + a[3] >= b[1] + b[3] else -1
            for box, sign in ((a, up), (b, -up)):
                box[1] += sign * shift
                box[3] += sign * shift
            moved = True
        if not moved:
            break
    to_data = axes.transData.inverted()
    for label, box, y0 in zip(labels, boxes, start):
        x, y = axes.transData.transform(label.get_position())
        label.set_position(to_data.transform((x, y + box[1] - y0)))


def _side_by_side(boxes: list[list[float]]) -> list[tuple[int, int]]:
    """The pairs (i < j, in that order) of boxes whose horizontal extents overlap: the only ones that may ever
    cover each other, as decluttering moves the labels vertically only (found by a sweep over the left edges, not
    by trying every pair in every round)."""
    by_left = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    found = []
    for n, i in enumerate(by_left):
        for j in by_left[n + 1:]:
            if boxes[j][0] >= boxes[i][2]:
                break
            if boxes[i][0] < boxes[j][2]:
                found.append((min(i, j), max(i, j)))
    return sorted(found)
