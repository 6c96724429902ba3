"""The search's facets (network, theme, category, phase) and the maps' filters name something this instance holds:
a network by its slug or its IRI; a value naming nothing is refused (400, naming the parameter, in English and
French), not answered as an empty search. A map's bad date names its parameter too."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.rdf.namespaces import THESAURUS
from tests.conftest import BASE

ANAS = BASE + "id/network/anas"


@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_a_network_is_named_by_its_slug_or_its_iri(client: FlaskClient, path: str) -> None:
    by_iri = client.get(path, query_string={"q": "logement", "network": ANAS})
    by_slug = client.get(path, query_string={"q": "logement", "network": "anas"})
    assert by_iri.status_code == by_slug.status_code == 200
    if path == "/api/search":
        assert by_iri.json["total"] >= 1 and by_slug.json["hits"] == by_iri.json["hits"]
        assert by_slug.json["filters"] == {"network": ANAS}
        assert all(ANAS in hit["facets"]["network"] for hit in by_slug.json["hits"])
    else:
        assert by_slug.get_data(as_text=True) == by_iri.get_data(as_text=True)


def test_a_real_theme_and_phase_are_taken(client: FlaskClient) -> None:
    for facet, value in (("theme", THESAURUS + "theme/housing"), ("phase", THESAURUS + "phase/exploration")):
        answer = client.get("/api/search", query_string={"q": "logement", facet: value})
        assert answer.status_code == 200 and answer.json["filters"] == {facet: value}, answer.json


@pytest.mark.parametrize(("facet", "value"), [
    ("network", "zzz"), ("network", BASE + "id/network/zzz"), ("network", "javascript:alert(1)"),
    ("theme", "javascript:alert(1)"), ("theme", ANAS), ("theme", THESAURUS + "phase/exploration"),
    ("phase", "nope"), ("category", THESAURUS + "theme/housing")])
@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_a_facet_naming_nothing_is_refused_naming_the_parameter(client: FlaskClient, path: str, facet: str,
                                                                value: str) -> None:
    for lang, words in (("en", f"{facet} must name"), ("fr", f"le paramètre {facet} doit nommer")):
        answer = client.get(path, query_string={"q": "logement", facet: value}, headers={"Accept-Language": lang})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 400 and words in text, text[:500]
        assert "alert(1)" not in text


@pytest.mark.parametrize("name", ["partnerships.svg", "coverage-categories.svg"])
def test_a_map_takes_a_network_slug_and_refuses_an_unknown_one(client: FlaskClient, name: str) -> None:
    by_slug = client.get(f"/maps/{name}", query_string={"network": "anas"})
    by_iri = client.get(f"/maps/{name}", query_string={"network": ANAS})
    assert by_slug.status_code == by_iri.status_code == 200 and by_slug.data == by_iri.data
    unknown = client.get(f"/maps/{name}", query_string={"network": "zzz"}, headers={"Accept-Language": "fr"})
    assert unknown.status_code == 400 and "le paramètre network doit nommer" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("parameter", ["start", "end"])
def test_a_maps_bad_date_names_its_parameter(client: FlaskClient, parameter: str) -> None:
    for lang, words in (("en", f"{parameter} must be a date"), ("fr", f"le paramètre {parameter} doit être une date")):
        answer = client.get("/maps/partnerships.svg", query_string={parameter: "x"}, headers={"Accept-Language": lang})
        assert answer.status_code == 400 and words in answer.get_data(as_text=True), answer.get_data(as_text=True)
