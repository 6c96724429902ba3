"""Hostile query parameters, form fields and path segments on the pages and the API (other than /sparql): each
is answered with a 4xx and a message a person can read, never a 500 and never a traceback."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ADMIN, BASE, bearer
from tests.support.fuzz import examples

HTTP = settings(max_examples=examples(60), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
GETS = ("/", "/search", "/api/search", "/maps", "/maps/partnerships.svg", "/maps/coverage-categories.svg",
        "/sheets/new", "/sheets/edit", "/sheets/csv", "/query", "/dumps/", "/catalog", "/ontology",
        "/id/project/les-incompris", "/thesaurus/theme/access-to-rights", "/healthz", "/graph-store",
        "/ontology/diagram.svg", "/shapes", "/context.jsonld", "/sheets/template.zip", "/.well-known/void")
POSTS = ("/sheets/check", "/sheets", "/sheets/csv", "/api/validate", "/api/networks/demo/sheets", "/update",
         "/harvest")
NAMES = ("lang", "q", "offset", "limit", "network", "theme", "territory", "start", "end", "project", "mode",
         "table", "format", "scope", "peer", "graph", "default", "lesson.0.statement", "project.title", "credential",
         "update", "using-graph-uri")
# Raw query-string values: CRLF, NUL, huge numbers, invalid UTF-8 and encoded lone surrogates, spaces
RAW = ("a%0D%0Ab", "%00", "a%00b", "9" * 5000, "-" + "9" * 400, "99999999999999999999", "9223372036854775808",
       "2024-13-45", "9999-99-99", "%EF%BC%91", "%FF%FE", "%ED%A0%80", "%C0%AF", "a%20b",
       "%E2%80%AE", "..%2F..%2F", "%0A", "1e999999", "NaN", "javascript:alert(1)", "<script>", "%", "%G0")
TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.text(max_size=20) | st.sampled_from(
    ["\r\n", "\x00", "9" * 5000, "-1", "a b", "\ud800", "é" * 300])


def readable_refusal(response: object, where: str) -> None:
    status = getattr(response, "status_code")
    assert status < 500, f"{where}: {status} {getattr(response, 'data')[:300]!r}"
    if status >= 400:
        body = getattr(response, "get_data")(as_text=True)
        assert body.strip() and "Traceback" not in body, where


@pytest.mark.parametrize("network", ["a b", "a%0D%0Ab", "%00", "A", "../x", "x" * 5000, "%FF", "%ED%A0%80",
                                     "form\u00e9", "-",
                                     pytest.param("", marks=pytest.mark.live)])  # no network: the form is checked
def test_sheets_check_refuses_a_hostile_network_name_with_a_message(client: FlaskClient, network: str) -> None:
    response = client.post(f"/sheets/check?network={network}", data={"project.title": "Titre"},
                           headers=bearer(ADMIN))  # the administrator checks for any network: its name is read
    readable_refusal(response, network)
    if network not in ("", ):
        assert response.status_code in (200, 400), network


@pytest.mark.parametrize("index", ["9" * 5000, "-1", "1e9", "99999999999999999999", "0x10", "+1", "１"])
def test_a_lesson_index_too_large_or_not_a_number_is_refused_with_a_message(client: FlaskClient, index: str) -> None:
    for route in ("/sheets/check", "/sheets"):
        response = client.post(route, data={f"lesson.{index}.statement": "Oser la parole", "credential": "x"})
        readable_refusal(response, f"{route} lesson.{index}")
        assert response.status_code in (400, 401), (route, index, response.status_code)


@pytest.mark.parametrize("path", GETS)
@pytest.mark.parametrize("raw", RAW)
def test_every_page_refuses_raw_hostile_parameters_with_a_4xx(client: FlaskClient, path: str, raw: str) -> None:
    query = "&".join(f"{name}={raw}" for name in NAMES)
    readable_refusal(client.get(f"{path}?{query}"), f"{path}?…={raw}")


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("raw", RAW)
def test_every_form_refuses_raw_hostile_fields_with_a_4xx(client: FlaskClient, path: str, raw: str) -> None:
    body = "&".join(f"{name}={raw}" for name in NAMES)
    response = client.post(f"{path}?{body}", data=body, content_type="application/x-www-form-urlencoded")
    readable_refusal(response, f"{path} …={raw}")


@HTTP
@given(path=st.sampled_from(GETS), params=st.dictionaries(st.sampled_from(NAMES), TEXT, max_size=4))
def test_fuzzed_parameters_never_cause_a_500(client: FlaskClient, path: str, params: dict[str, str]) -> None:
    query = "&".join(f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in params.items())
    readable_refusal(client.get(f"{path}?{query}"), f"{path}?{query[:200]}")


@HTTP
@given(path=st.sampled_from(POSTS), params=st.dictionaries(st.sampled_from(NAMES) | st.from_regex(
    r"lesson\.[0-9]{1,30}\.(statement|lessonCategory)", fullmatch=True), TEXT, max_size=5))
def test_fuzzed_form_fields_never_cause_a_500(client: FlaskClient, path: str, params: dict[str, str]) -> None:
    body = "&".join(f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in params.items())
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    readable_refusal(response, f"{path} {body[:200]}")


@pytest.mark.parametrize("segment", ["%0D%0A", "%00", "%FF", "%ED%A0%80", "9" * 5000, "a%20b", "javascript:x"])
def test_hostile_path_segments_are_refused_with_a_4xx(client: FlaskClient, segment: str) -> None:
    for path in (f"/id/project/{segment}", f"/id/{segment}/x", f"/thesaurus/{segment}", f"/dumps/{segment}",
                 f"/maps/{segment}.svg", f"/ontology.{segment}", f"/api/networks/{segment}/sheets"):
        response = client.get(path) if not path.startswith("/api") else client.post(path, data=b"",
                                                                                    content_type="text/turtle")
        readable_refusal(response, path)


@pytest.mark.parametrize("raw", RAW)
def test_authorised_writes_refuse_raw_hostile_parameters_with_a_4xx(client: FlaskClient, raw: str) -> None:
    from isic_graph.web.services import services
    from tests.conftest import ADMIN, bearer

    token = services(client.application).credentials.add("demo", "Réseau de démonstration")
    query = "&".join(f"{name}={raw}" for name in NAMES)
    for method, path, headers, body, content_type in (
            ("post", "/api/networks/demo/sheets", bearer(token), b"<a> <b> <c> .", "text/turtle"),
            ("post", "/api/networks/demo/sheets", bearer(token), b"x,y\n", "text/csv"),
            ("post", "/update", bearer(ADMIN), f"update={raw}".encode(), "application/x-www-form-urlencoded"),
            ("get", "/graph-store", bearer(ADMIN), b"", None),
            ("put", "/graph-store", bearer(ADMIN), b"<a> <b> <c> .", "text/turtle"),
            ("delete", "/graph-store", bearer(ADMIN), b"", None),
            ("post", "/harvest", bearer(ADMIN), b"", None)):
        response = getattr(client, method)(f"{path}?{query}", data=body, content_type=content_type, headers=headers)
        readable_refusal(response, f"{method} {path} …={raw}")


@pytest.mark.parametrize("path", ["/search?q=parole&offset=99999999999999999999",
                                  "/api/search?q=parole&offset=9223372036854775808",
                                  "/api/search?q=parole&limit=1e3", "/api/search?q=parole&offset=%EF%BC%91",
                                  "/maps?start=2024-13-45", "/maps?end=9999-99-99",
                                  "/maps/partnerships.svg?start=2024-02-30"])
def test_numbers_and_dates_out_of_range_are_a_400_that_says_what_is_expected(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    assert "whole number" in response.json["detail"] or "YYYY-MM-DD" in response.json["detail"]


@pytest.mark.parametrize("path, name, values", [
    ("/search", "q", ("logement", "parole")), ("/search", "offset", ("0", "10")), ("/search", "theme", ("a", "b")),
    ("/api/search?q=logement", "limit", ("1", "2")), ("/maps", "start", ("2020-01-01", "2021-01-01")),
    ("/maps/partnerships.svg", "network", (BASE + "id/network/anas", BASE + "id/network/fcsf")),
    ("/sheets/new", "lang", ("en", "fr")),
    ("/sheets/edit", "project", (BASE + "id/project/les-incompris", BASE + "id/project/x")),
    ("/id/project/les-incompris", "lang", ("en", "fr")), ("/", "lang", ("en", "fr")),
    ("/search", "category", ("a", "b")),
    ("/dumps/", "lang", ("en", "fr")), ("/query", "lang", ("en", "fr")),
])
def test_a_pages_single_valued_parameter_given_twice_is_refused_naming_it(client: FlaskClient, path: str, name: str,
                                                                          values: tuple[str, str]) -> None:
    once = f"{path}{'&' if '?' in path else '?'}{name}={quote(values[0])}"
    answer = client.get(f"{once}&{name}={quote(values[1])}")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json", (path, answer.status_code)
    assert f"'{name}' was given more than once" in answer.json["detail"]
    # once, the same is read (a facet naming nothing, such as theme=a, is refused for that)
    assert "more than once" not in client.get(once).get_data(as_text=True)


@pytest.mark.live  # a dry run's process
def test_a_form_fields_several_values_are_still_read_on_the_sheet_form(client: FlaskClient) -> None:
    theme = "https://w3id.org/isic/thesaurus/theme/"
    answer = client.post("/sheets/check?lang=en", data={"project.theme": [theme + "housing", theme + "food"]},
                         headers=bearer(ADMIN))
    assert answer.status_code == 200 and "project.theme" not in answer.json["errors"]


# IRIs valid as IRIs (RFC 3987: a port is any run of digits) whose authority no URL library reads
ODD_AUTHORITIES = ("http://localhost:99999/x", "http://localhost:065536/id/project/les-incompris",
                   "http://localhost:5000:99999/id/project/x", "http://[::1]:99999/x", "https://exemple.org:4294967296/")


def post_odd_sheets(client: FlaskClient, odd: str, path: str) -> str:
    """Each of the odd IRI's sheets posted to `path` as the network demo, each refusal readable: demo's token."""
    from isic_graph.web.services import services

    token = services(client.application).credentials.add("demo", "Réseau de démonstration")
    for sheet in odd_sheets(odd):
        response = client.post(path, data=sheet.encode(), content_type="text/turtle", headers=bearer(token))
        readable_refusal(response, f"{path} {sheet}")
    return token


def odd_sheets(odd: str) -> tuple[str, ...]:
    """The odd IRI as a subject, an identity link's object and a link's object."""
    return (f"<{odd}> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .",
            f"<{BASE}id/project/demo-odd> <http://www.w3.org/2002/07/owl#sameAs> <{odd}> .",
            f"<{BASE}id/project/demo-odd> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{odd}> .")


@pytest.mark.parametrize("odd", ODD_AUTHORITIES)
def test_an_iri_with_a_port_out_of_range_is_read_in_every_position_never_a_500(client: FlaskClient,
                                                                                odd: str) -> None:
    token = post_odd_sheets(client, odd, "/api/networks/demo/sheets?dry-run=1")
    for sheet in odd_sheets(odd):
        response = client.put("/graph-store", query_string={"graph": f"{BASE}graph/network/demo"},
                              data=sheet.encode(), content_type="text/turtle", headers=bearer(token))
        readable_refusal(response, f"graph store {sheet}")
    for response in (client.post("/retract", data={"credential": token, "resource": odd, "reason": "doublon"}),
                     client.post("/api/networks/demo/retractions", json={"resource": odd, "reason": "doublon"},
                                 headers=bearer(token)),
                     client.get("/retract", query_string={"resource": odd}),
                     client.get("/graph-store", query_string={"graph": odd}, headers=bearer(ADMIN))):
        readable_refusal(response, f"{odd}: {response.request.path}")


@pytest.mark.live  # a dry run's process
@pytest.mark.parametrize("odd", ODD_AUTHORITIES)
def test_the_check_reads_an_iri_with_a_port_out_of_range_in_every_position_never_a_500(client: FlaskClient,
                                                                                       odd: str) -> None:
    post_odd_sheets(client, odd, "/api/validate?network=demo")
