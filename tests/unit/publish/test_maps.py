"""Maps of the knowledge: the partnership network and the coverage (with its gaps), from SPARQL, as SVG with links
and PNG, filtered by network, theme, territory and period."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from isic_graph.errors import UsageError
from isic_graph.publish.maps import Filters, coverage, partnership_map
from isic_graph.publish.reference import reference
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store

BASE = "http://localhost:5000/"
THEME = "https://w3id.org/isic/thesaurus/theme/"
CATEGORY = "https://w3id.org/isic/thesaurus/lesson-category/"


def test_organisations_are_linked_by_the_projects_they_share(sample_store: Store) -> None:
    found = partnership_map(sample_store)
    by_iri = {o.iri: o for o in found.organisations}
    rennes = by_iri[BASE + "id/organisation/ville-de-rennes"]
    assert set(rennes.networks) == {BASE + "id/network/anas", BASE + "id/network/action-sociale-35"}
    assert rennes.projects >= 2
    shared = {(a, b): n for a, b, n in found.links}
    nantes, passerelles = (BASE + "id/organisation/ville-de-nantes",
                           BASE + "id/organisation/centre-social-les-passerelles")
    assert shared[tuple(sorted((nantes, passerelles)))] >= 1  # type: ignore[index]
    only_fcsf = partnership_map(sample_store, Filters(network=BASE + "id/network/fcsf"))
    assert {n for o in only_fcsf.organisations for n in o.networks} == {BASE + "id/network/fcsf"}
    assert len(only_fcsf.organisations) < len(found.organisations)


def test_an_organisation_two_networks_name_twice_is_one_node(sample_store: Store) -> None:
    graphs = Graphs(BASE)
    pairs = [(r["a"].value, r["b"].value) for r in sample_store.select(
        f"SELECT ?a ?b WHERE {{ GRAPH <{graphs.identity}> {{ ?a <http://www.w3.org/2002/07/owl#sameAs> ?b }} "
        "?a a <https://w3id.org/isic/ontology#Organisation> }").rows]
    assert pairs  # the samples have one
    apart = {o.iri for o in partnership_map(sample_store).organisations}
    merged = {o.iri for o in partnership_map(sample_store, graphs=graphs).organisations}
    assert any(a in apart and b in apart for a, b in pairs)
    assert not any(a in merged and b in merged for a, b in pairs)
    assert len(merged) == len(apart) - len({max(a, b) for a, b in pairs if a in apart and b in apart})


def test_coverage_counts_lessons_and_finds_the_gaps(sample_store: Store) -> None:
    found = coverage(sample_store, "categories")
    housing, obstacle = THEME + "housing", CATEGORY + "obstacle"
    direct = sample_store.select(f"""SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?p <https://w3id.org/isic/ontology#theme>
        <{housing}> . ?l <https://w3id.org/isic/ontology#learnedFrom> ?p ;
        <https://w3id.org/isic/ontology#lessonCategory> <{obstacle}> }}""").rows[0]["n"].value
    assert found.counts[(housing, obstacle)] == int(direct) > 0
    assert not found.gap(housing, obstacle)
    gaps = [(t, c) for t, _ in found.rows for c, _ in found.columns if found.gap(t, c)]
    assert gaps and all(found.projects[t] > 0 and (t, c) not in found.counts for t, c in gaps)
    categories = next(s for s in reference().schemes if s.slug == "lesson-category")
    assert len(found.columns) == len(categories.concepts)  # every category of the thesaurus, captured or not
    by_territory = coverage(sample_store, "territories", Filters(territory=BASE + "id/territory/region/53"))
    assert by_territory.rows and all(c.startswith(BASE + "id/territory/") for c, _ in by_territory.columns)
    with pytest.raises(UsageError):
        Filters(start="yesterday")
    with pytest.raises(UsageError):
        coverage(sample_store, "colours")


def test_the_maps_page_draws_clickable_svg_and_exports_png(client: FlaskClient) -> None:
    page = client.get("/maps").get_data(as_text=True)
    assert page.count("<svg") == 3
    assert 'xlink:href="/id/organisation/ville-de-rennes"' in page
    assert 'xlink:href="/thesaurus/theme/housing"' in page  # a coverage cell opens the theme's page
    png = client.get("/maps/coverage-categories.png", query_string={"network": BASE + "id/network/fcsf"})
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    filtered = client.get("/maps/partnerships.svg",
                          query_string={"network": BASE + "id/network/anas"}).get_data(as_text=True)
    assert "ville-de-toulouse" in filtered and "centre-social-les-passerelles" not in filtered
    assert client.get("/maps/partnerships.gif").status_code == 404
    assert client.get("/maps", query_string={"start": "soon"}).status_code == 400
    assert re.search(r'<select name="theme">.*Logement', page, re.S)


def test_a_map_is_kept_until_the_next_write_and_answers_conditional_gets(client: FlaskClient) -> None:
    from tests.conftest import ADMIN, bearer

    first = client.get("/maps/partnerships.svg")
    etag = first.headers["ETag"]
    again = client.get("/maps/partnerships.svg")  # two renders differ in matplotlib's ids: this one is the first
    assert first.status_code == again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] == etag and again.headers["Content-Type"] == first.headers["Content-Type"]
    unchanged = client.get("/maps/partnerships.svg", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    filtered = client.get("/maps/partnerships.svg", query_string={"network": BASE + "id/network/fcsf"})
    assert filtered.headers["ETag"] != etag and filtered.data != first.data
    page = client.get("/maps")
    assert page.status_code == 200 and client.get("/maps").headers["ETag"] == page.headers["ETag"]
    update = {"update": "INSERT DATA { GRAPH <http://example.org/maps-test> { <urn:a> <urn:b> <urn:c> } }"}
    assert client.post("/update", data=update, headers=bearer(ADMIN)).status_code == 204
    after = client.get("/maps/partnerships.svg", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag and after.data.startswith(b"<?xml")


def test_the_partnership_maps_labels_are_whole_and_none_covers_another(sample_store: Store) -> None:
    from isic_graph.publish.maps import partnership_figure

    found = partnership_map(sample_store)
    figure, labels = partnership_figure(found, lambda iri: None)
    assert [t.get_text().replace("\n", " ") for t in labels] == [o.label for o in found.organisations]
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    overlaps = [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
                for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    assert not overlaps, overlaps


def test_the_coverage_chart_has_a_legend_for_counts_and_gaps(client: FlaskClient) -> None:
    svg = client.get("/maps/coverage-categories.svg").get_data(as_text=True)
    assert 'id="legend_1"' in svg
    assert "lacune" in svg or "<!-- lacune" in svg


def _linked(svg: str) -> dict[str, int]:
    """How many times each address is linked in an SVG."""
    found: dict[str, int] = {}
    for href in re.findall(r'<a xlink:href="([^"]*)"', svg):
        found[href] = found.get(href, 0) + 1
    return found


def _group(svg: str, name: str) -> str:
    """The text of an SVG group (`<g id="name">`), up to the next group of the same level."""
    start = svg.index(f'<g id="{name}">')
    indent = svg.rfind("\n", 0, start)
    end = svg.find("\n" + svg[indent + 1:start] + "<g id=", start)
    return svg[start:end if end > 0 else len(svg)]


def test_the_partnership_map_draws_each_organisation_link_and_network_once(sample_store: Store) -> None:
    from matplotlib.collections import LineCollection, PathCollection

    from isic_graph.publish.maps import draw_partnerships, partnership_figure

    graphs = Graphs(BASE)
    found = partnership_map(sample_store, graphs=graphs)
    figure, labels = partnership_figure(found, lambda iri: None)
    axes = figure.axes[0]
    dots = [c for c in axes.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == len(found.organisations)
    places = {o.iri: tuple(xy) for o, xy in zip(found.organisations, dots[0].get_offsets())}
    assert list(dots[0].get_sizes()) == [120 + 160 * o.projects for o in found.organisations]
    edges = [c for c in axes.collections if isinstance(c, LineCollection)]
    assert len(edges) == 1
    drawn = {(tuple(map(tuple, segment)), width) for segment, width in zip(edges[0].get_segments(),
                                                                           edges[0].get_linewidths())}
    assert drawn == {((places[a], places[b]), 0.6 + 1.2 * n) for a, b, n in found.links}
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == [*found.networks.values(), "plusieurs réseaux"]  # the map in one language (French here)

    svg = draw_partnerships(found, "svg", lambda iri: "/" + iri[len(BASE):]).decode()
    links = _linked(svg)
    for organisation, label in zip(found.organisations, labels):
        lines = label.get_text().count("\n") + 1  # each line of a label is linked, and the dot once
        assert links.pop("/" + organisation.iri[len(BASE):]) == lines + 1, organisation.iri
    assert not links
    assert _group(svg, "LineCollection_1").count("<path") == len(found.links)
    for name in legend:
        assert f"<!-- {name} -->" in _group(svg, "legend_1")


def test_the_coverage_chart_draws_each_cell_linked_and_each_gap_hatched(sample_store: Store) -> None:
    from isic_graph.publish.maps import LEGEND, draw_coverage

    found = coverage(sample_store, "categories")
    svg = draw_coverage(found, "svg", "Titre / Title", lambda theme, column: f"/cell/{theme}/{column}").decode()
    cells = [(t, c) for t, _ in found.rows for c, _ in found.columns]
    assert _linked(svg) == {f"/cell/{t}/{c}": 1 for t, c in cells}
    gaps = [(t, c) for t, c in cells if found.gap(t, c)]
    hatched = _group(svg, "PatchCollection_2")
    assert gaps and hatched.count("<a ") == len(gaps) and "#cc0000" in hatched
    assert all(f"/cell/{t}/{c}" in hatched for t, c in gaps)
    texts = re.findall(r"<!-- (.*?) -->", svg, re.S)
    for theme, label in found.rows:
        assert f"{label} ({found.projects[theme]})" in texts
    assert sorted(int(t) for t in texts if t.isdigit()) == sorted(found.counts.values())
    assert [t for t in re.findall(r"<!-- (.*?) -->", _group(svg, "legend_1"), re.S)] == list(LEGEND)


def test_a_partnership_map_of_five_hundred_organisations_or_more_is_laid_out() -> None:
    """From 500 nodes, networkx lays a graph out with scipy's sparse matrices (a dependency since: the page
    failed with a server error on a store of that many organisations)."""
    from isic_graph.publish.maps import Organisation, PartnershipMap, layout

    organisations = tuple(Organisation(f"{BASE}id/organisation/o{n:03d}", f"O{n}", (BASE + "id/network/n",), 1)
                          for n in range(500))
    links = tuple((organisations[n].iri, organisations[n + 1].iri, 1) for n in range(0, 500, 2))
    found = PartnershipMap(organisations, links, {BASE + "id/network/n": "N"})
    places = layout(found)
    assert set(places) == {o.iri for o in organisations} and len({tuple(xy) for xy in places.values()}) == 500


DOLLARS = [r"ACME $\undefined$", r"Fonds $\frac{1}{2}$ & Cie", "$" + "{" * 60 + "$", r"100 $ et 20 $", "$x^2$"]


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_label_with_dollar_signs_is_drawn_as_written_never_read_as_mathematics(kind: str) -> None:
    """Labels are a network's own words: read as mathtext, `$\\undefined$` in one organisation's name failed every
    drawing of the map (and a nest of braces ran out of stack), and `$x^2$` was drawn as another text."""
    from isic_graph.publish.maps import Coverage, Organisation, PartnershipMap, draw_coverage, draw_partnerships

    organisations = tuple(Organisation(f"{BASE}org/{i}", label, (f"{BASE}network/n",), 1)
                          for i, label in enumerate(DOLLARS))
    found = PartnershipMap(organisations, ((organisations[0].iri, organisations[1].iri, 1),),
                           {f"{BASE}network/n": r"Réseau $\alpha$"})
    drawn = draw_partnerships(found, kind, lambda iri: None)
    rows = tuple((f"{BASE}theme/{i}", label) for i, label in enumerate(DOLLARS))
    chart = draw_coverage(Coverage(rows, rows[:2], {(rows[0][0], rows[0][0]): 1}, {rows[0][0]: 1}), kind,
                          r"Titre $\beta$", lambda row, column: None)
    if kind == "svg":
        for svg in (drawn.decode(), chart.decode()):
            assert "<!-- ACME $\\undefined$" in svg and "<!-- $x^2$" in svg
    else:
        assert drawn[:4] == chart[:4] == b"\x89PNG"
