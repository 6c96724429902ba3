"""The vocabularies' terms in other spellings: a network describes none of them (the instance's, with its name and row),
writes no property or class otherwise than its vocabulary does (so the identity-link rule holds in any spelling), and
names no host that is none; through the API, the dry run, the graph store and the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from isic_graph.admin.credentials import CredentialStore
from isic_graph.privacy import redact
from tests.conftest import BASE, bearer
from tests.support import ways_in
from tests.support.oxigraph_server import Watched
from tests.support.stored import stored_triples
from tests.unit import test_cli

cli = test_cli.cli  # the fixture: the commands, on a copy of the store `init` made once
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROJECT = BASE + "id/project/les-incompris"  # anas's, in the samples
# terms of the instance's vocabulary and of the well-known ones it uses, spelt as the vocabulary does or otherwise
TERMS = ("http://w3id.org/isic/thesaurus/theme/culture", "http://w3id.org/isic/ontology#theme",
         "https://www.w3.org/2000/01/rdf-schema#label", "https://xmlns.com/foaf/0.1/Person", "http://schema.org/Project",
         "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#core",
         "http://www.w3.org/2004/02/skos/core", "http://www.w3.org/ns/dcat#Dataset",
         "HTTPS://WWW.W3.ORG/2002/07/owl#Thing", "http://www.w3.org./ns/prov#Agent", "http://w3.org/ns/org#Organization",
         "http://xmlns.com/foaf/0.1/%50erson", "https://purl.org/dc/terms/title", "http://rdfs.org/ns/void#Dataset",
         "https://www.w3.org:443/2001/XMLSchema#string", "http://www.schema.org/Person", "https://schema.org/Thing",
         "http://purl.org/dc/elements/1.1/title", "http://www.w3.org/ns/ldp#Container",
         "HTTP://W3ID.ORG/isic/thesaurus/theme/", "http://w3id.org/isic/shapes#ProjectShape",
         "http://www.w3.org/2000/01/rdf-schema%23label", "https://www.w3.org/1999/02/22-rdf-syntax-ns#type",
         "http://\uff57\uff57\uff57.w3.org/2000/01/rdf-schema#comment", "https://w3id.org/isic/ontology/#Project")
# identity links in another spelling than their vocabulary's (its case, scheme, a percent-escape, a trailing dot)
LINKS = ("HTTP://WWW.W3.ORG/2002/07/owl#sameAs", "http://www.w3.org/2002/07/owl#%73ameAs",
         "https://www.w3.org/2002/07/owl#sameAs", "https://www.w3.org/2004/02/skos/core#exactMatch",
         "http://w3id.org/isic/ontology#describes", "http://schema.org/sameAs", "http://www.w3.org/2002/07/owl#SameAs",
         "http://www.w3.org/2002/07/OWL#sameAs", "http://www.w3.org./2002/07/owl#sameAs",
         "http://www.w3.org:80/2002/07/owl#sameAs", "http://w3.org/2004/02/skos/core#closeMatch",
         "https://w3id.org/isic/ontology#Describes", "https://w3id.org/isic/ontology#%6CearnedFrom",
         "http://www.w3.org/2002/07/owl#equivalent%43lass", "https://www.w3.org/2004/02/skos/core#EXACTMATCH",
         "http://user@www.w3.org/2002/07/owl#sameAs",
         "http://%77ww.w3.org/2002/07/owl#sameAs", "http://\uff57\uff57\uff57.w3.org/2002/07/owl#sameAs")
HOSTS = ("http://xn--localhost-:5000/id/project/les-incompris", "http://xn--:5000/id/project/x",
         "http://localhost..:5000/id/project/x", "http://.localhost:5000/id/project/x", "http://a..b/x",
         "http://xn--zz-zz.fr/x", "http:///id/project/x", "http://%78n--localhost-:5000/id/project/x",
         "http://ex!ample.org/x")


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {"attacker": credentials.add("attacker", "Attacker")}


def send(client: FlaskClient, token: str, body: str, route: str = "/api/networks/attacker/sheets",
         method: str = "POST", query: dict[str, str] | None = None) -> TestResponse:
    return client.open(route, method=method, query_string=query or {}, data=body.encode(), content_type="text/turtle",
                       headers=bearer(token))


WAYS_IN = ways_in.split([("POST", "/api/networks/attacker/sheets", {}),
                         ("PUT", "/graph-store", {"graph": BASE + "graph/network/attacker"}),
                         ("POST", "/graph-store", {"graph": BASE + "graph/network/attacker"})],
                        [("POST", "/api/validate", {"network": "attacker"})])
Ways = tuple[tuple[str, str, dict[str, str]], ...]


def problem(answer: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)[:400]
    document: dict[str, Any] = answer.get_json()
    assert document["code"] == code, document
    return document


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize("ways", WAYS_IN)
def test_a_network_describing_a_vocabulary_term_in_any_spelling_is_refused_as_the_instances(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, term: str, ways: Ways) -> None:
    before = seen.now()
    for method, route, query in ways:
        for body in (f'<{term}> <http://purl.org/dc/terms/title> "Détourné"@fr .', f'<{term}> <{LABEL}> "x" .'):
            document = problem(send(client, tokens["attacker"], body, route, method, query), 422, "not-owner")
            assert document["subject"] == term and document["owner"] == BASE, document
            assert "shared vocabulary" in document["detail"], document
    assert before.unchanged()


@pytest.mark.parametrize("term", TERMS[:6])
def test_a_vocabulary_term_is_refused_in_json_ld_and_n_triples_too(client: FlaskClient, tokens: dict[str, str],
                                                                  term: str) -> None:
    for media_type, body in (("application/n-triples", f'<{term}> <{LABEL}> "x" .\n'),
                             ("application/ld+json", json.dumps({"@id": term, LABEL: "x"}))):
        answer = client.post("/api/networks/attacker/sheets", data=body.encode(), content_type=media_type,
                             headers=bearer(tokens["attacker"]))
        assert problem(answer, 422, "not-owner")["subject"] == term


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("target", [PROJECT, "http://www.wikidata.org/entity/Q90"])
@pytest.mark.parametrize("ways", WAYS_IN)
def test_an_identity_link_in_another_spelling_is_refused_naming_the_one_spelling(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, link: str, target: str, ways: Ways) -> None:
    """A look-alike of owl:sameAs (or of skos:exactMatch, isic:describes…) would pass for it with its readers while
    every check reads another IRI: refused, to another's resource or not, telling the vocabulary's spelling."""
    before = seen.now()
    for method, route, query in ways:
        answer = send(client, tokens["attacker"], f"<{BASE}id/project/att-x> <{link}> <{target}> .", route, method,
                      query)
        document = problem(answer, 422, "lookalike-term")
        # a spelling whose user information reads as an e-mail address (`user@www.w3.org`) is masked, as in the detail
        assert document["term"] == redact(link) and document["canonical"] != link, document
        assert document["canonical"].startswith(("http://www.w3.org/", "https://w3id.org/isic/", "https://schema.org/"))
        assert f"<{document['canonical']}>" in document["detail"], document
    assert before.unchanged()


def test_the_look_alike_names_the_canonical_spelling_in_french_too(client: FlaskClient, tokens: dict[str, str]) -> None:
    answer = client.post("/api/networks/attacker/sheets", data=f"<{BASE}id/project/att-x> "
                         f"<https://www.w3.org/2002/07/owl#sameAs> <{PROJECT}> .".encode(),
                         content_type="text/turtle", headers={**bearer(tokens["attacker"]), "Accept-Language": "fr"})
    document = problem(answer, 422, "lookalike-term")
    assert "écrivez <http://www.w3.org/2002/07/owl#sameAs>" in document["detail"], document


@pytest.mark.parametrize("kind", ["http://schema.org/Project", "https://xmlns.com/foaf/0.1/Person",
                                  "http://w3id.org/isic/ontology#Project", "https://w3id.org/isic/ontology#%50roject"])
def test_a_class_in_another_spelling_is_refused_naming_the_one_spelling(client: FlaskClient, tokens: dict[str, str],
                                                                        kind: str) -> None:
    answer = send(client, tokens["attacker"], f'<{BASE}id/project/att-y> a <{kind}> ; <{LABEL}> "y" .')
    assert problem(answer, 422, "lookalike-term")["term"] == kind


@pytest.mark.live  # a dry run's process
def test_the_canonical_terms_are_still_the_networks_to_use(client: FlaskClient, tokens: dict[str, str]) -> None:
    body = (f'<{BASE}id/person/att-claude> a <http://xmlns.com/foaf/0.1/Person> ; '
            '<http://xmlns.com/foaf/0.1/name> "Claude Bernard" ; '
            '<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q90> .')
    answer = send(client, tokens["attacker"], body, "/api/validate", query={"network": "attacker"})
    assert answer.get_json().get("code") not in ("lookalike-term", "not-owner", "bad-request"), answer.get_json()


@pytest.mark.parametrize("iri", HOSTS)
@pytest.mark.parametrize("ways", WAYS_IN)
def test_an_iri_whose_host_is_none_is_refused_in_any_position(client: FlaskClient, tokens: dict[str, str],
                                                              seen: Watched, iri: str, ways: Ways) -> None:
    before = seen.now()
    for body in (f'<{iri}> <{LABEL}> "x" .', f"<{BASE}id/project/att-z> <http://xmlns.com/foaf/0.1/homepage> <{iri}> .",
                 f'<{BASE}id/project/att-z> <{iri}> "x" .'):
        for method, route, query in ways:
            document = problem(send(client, tokens["attacker"], body, route, method, query), 400, "bad-request")
            assert "is not an IRI this server takes" in document["detail"] and "host" in document["detail"], document
    assert before.unchanged()


def command_output(result: Result) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.mark.parametrize("body,words", [
    ('<http://w3id.org/isic/ontology#theme> <http://www.w3.org/2000/01/rdf-schema#label> "x" .', "shared vocabulary"),
    ('<https://xmlns.com/foaf/0.1/Person> <http://www.w3.org/2000/01/rdf-schema#label> "x" .', "shared vocabulary"),
    (f"<{BASE}id/project/att-x> <https://www.w3.org/2002/07/owl#sameAs> <{PROJECT}> .",
     "write <http://www.w3.org/2002/07/owl#sameAs>"),
    (f"<{BASE}id/project/att-x> <http://w3id.org/isic/ontology#describes> <{PROJECT}> .",
     "write <https://w3id.org/isic/ontology#describes>"),
    (f'<{HOSTS[0]}> <http://www.w3.org/2000/01/rdf-schema#label> "x" .', "is not an IRI this server takes"),
])
def test_the_command_line_refuses_them_too(cli: Any, tmp_path: Path, body: str, words: str) -> None:
    sheet = tmp_path / "sheet.ttl"
    sheet.write_text(body + "\n")
    for args in (("ingest", str(sheet), "--network", "attacker", "--lang", "en"),
                 ("validate", str(sheet), "--network", "attacker", "--lang", "en")):
        result = cli(*args)
        assert result.exit_code != 0 and words in command_output(result), (args, command_output(result))


@pytest.mark.parametrize("spelling", ["http://w3id.org/isic/ontology#theme", "https://xmlns.com/foaf/0.1/Person",
                                      "http://schema.org/Project", "https://www.w3.org/2000/01/rdf-schema#label"])
def test_the_owner_of_a_vocabulary_term_in_any_spelling_is_the_instance(cli: Any, spelling: str) -> None:
    shown = cli("owner", "show", spelling)
    assert shown.exit_code == 0 and "this instance" in shown.output, shown.output


ORGANISATIONS = "organisation,nom,types,siret,rna,territoire\n"
NETWORK = "reseau,nom,site_web\nattacker,Attacker,\n"


def upload(client: FlaskClient, token: str, files: dict[str, str], lang: str = "fr") -> TestResponse:
    return client.post("/api/networks/attacker/sheets", query_string={"mode": "upsert", "lang": lang},
                       data={name: (io.BytesIO(text.encode()), name) for name, text in files.items()},
                       content_type="multipart/form-data", headers=bearer(token))


@pytest.mark.parametrize("first,second", [("org-a", "ORG-A"), ("ORG-A", "org-a"), ("org-a", "Org-A"),
                                          ("Caf-Rennes", "caf-RENNES")])
def test_two_organisations_whose_ids_differ_only_by_case_are_refused_at_their_row(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, first: str, second: str) -> None:
    """One owner, one page and a reader take `org-a` and `ORG-A` for one organisation: the sheet is refused at the
    second one's row, suggesting one spelling, and nothing is stored."""
    before = seen.now()
    rows = f"{first},Organisation A,association,,,\n{second},Organisation A bis,association,,,\n"
    answer = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": ORGANISATIONS + rows})
    assert answer.status_code == 422, answer.get_data(as_text=True)[:400]
    text = answer.get_data(as_text=True)
    assert "organisations.csv" in text and "ligne 3" in text and "majuscules" in text, text[:600]
    suggested = first.lower() if first.lower() in (first, second) else first  # lower case, else the first spelling
    assert f"écrivez « {suggested} » partout" in text, text[:600]
    assert before.unchanged()


def test_a_reference_to_an_organisation_in_another_case_is_refused_at_its_cell(client: FlaskClient,
                                                                                 tokens: dict[str, str]) -> None:
    partners = "partenariat,projet,en_amont,organisation,roles\natt-p,att-projet,non,ORG-C,pilot\n"
    projects = ("projet,reseau,date_fiche,titre,description,statut,themes\n"
                "att-projet,attacker,2024-01-01,Projet,Un projet.,ongoing,parenting\n")
    organisations = ORGANISATIONS + "org-c,Organisation C,association,,,\n"
    answer = upload(client, tokens["attacker"], {"network.csv": NETWORK, "projects.csv": projects,
                                                 "organisations.csv": organisations, "partners.csv": partners},
                    lang="en")
    assert answer.status_code == 422, answer.get_data(as_text=True)[:400]
    text = answer.get_data(as_text=True)
    assert "partners.csv" in text and "'ORG-C' differs from 'org-c'" in text and "write 'org-c'" in text, text[:600]


def test_the_same_id_in_the_same_case_still_names_one_organisation(client: FlaskClient, tokens: dict[str, str]) -> None:
    rows = "Org-Z,Organisation Z,association,,,\n"
    partners = "partenariat,projet,en_amont,organisation,roles\natt-pz,att-projet-z,non,Org-Z,pilot\n"
    projects = ("projet,reseau,date_fiche,titre,description,statut,themes\n"
                "att-projet-z,attacker,2024-01-01,Projet Z,Un projet.,ongoing,parenting\n")
    answer = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": ORGANISATIONS + rows,
                                                 "projects.csv": projects, "partners.csv": partners})
    assert "majuscules" not in answer.get_data(as_text=True), answer.get_data(as_text=True)[:600]


def test_the_command_line_refuses_ids_differing_by_case(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "network.csv").write_text(NETWORK)
    (tmp_path / "organisations.csv").write_text(ORGANISATIONS + "org-a,A,association,,,\nORG-A,A bis,association,,,\n")
    result = cli("ingest", str(tmp_path / "network.csv"), str(tmp_path / "organisations.csv"), "--network", "attacker",
                 "--lang", "en")
    assert result.exit_code != 0 and "'ORG-A' differs from 'org-a'" in command_output(result), command_output(result)


@pytest.mark.parametrize("first,second", [("org-t", "ORG-T"), ("Org-U", "org-u")])
@pytest.mark.parametrize("ways", WAYS_IN)
def test_a_turtle_file_naming_one_resource_in_two_cases_is_refused(
        client: FlaskClient, tokens: dict[str, str], seen: Watched, first: str, second: str, ways: Ways) -> None:
    before = seen.now()
    body = (f'<{BASE}id/organisation/{first}> <{LABEL}> "A"@fr . '
            f'<{BASE}id/organisation/{second}> <{LABEL}> "A bis"@fr .')
    for method, route, query in ways:
        document = problem(send(client, tokens["attacker"], body, route, method, query), 400, "bad-request")
        assert "only by case" in document["detail"] and "organisation/org-" in document["detail"], document
    assert before.unchanged()


def test_a_resource_written_otherwise_than_its_owner_first_published_it_is_refused(client: FlaskClient,
                                                                                    tokens: dict[str, str]) -> None:
    """The network published `org-s`; a later sheet of its own naming `ORG-S` is refused, suggesting the stored
    spelling, at its row."""
    rows = ORGANISATIONS + "org-s,Organisation S,association,,,\n"
    first = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": rows})
    assert first.status_code in (200, 201), first.get_data(as_text=True)[:400]
    before = stored_triples(client)
    again = upload(client, tokens["attacker"],
                   {"network.csv": NETWORK, "organisations.csv": rows.replace("org-s", "ORG-S")}, lang="en")
    text = again.get_data(as_text=True)
    assert again.status_code == 400 and "as it is stored" in text and "organisations.csv, row 2" in text, text[:600]
    assert f"write <{BASE}id/organisation/org-s> everywhere" in text, text[:600]
    turtle = send(client, tokens["attacker"], f'<{BASE}id/organisation/Org-S> <{LABEL}> "S"@fr .')
    assert turtle.status_code == 400 and "only by case" in turtle.get_json()["detail"], turtle.get_json()
    assert stored_triples(client) == before


@pytest.mark.parametrize("variant", ["org_w", "org--w", "Org-_W"])
def test_a_new_identifier_differing_from_a_stored_one_only_by_separators_is_refused(
        client: FlaskClient, tokens: dict[str, str], variant: str) -> None:
    """`org_w` or `org--w` when `org-w` is stored would be a second resource a reader takes for the first."""
    rows = ORGANISATIONS + "org-w,Organisation W,association,,,\n"
    first = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": rows})
    assert first.status_code in (200, 201), first.get_data(as_text=True)[:400]
    before = stored_triples(client)
    for lang, words in (("en", ("as it is stored", "organisations.csv, row 2", "only by case or separators")),
                        ("fr", ("tel qu'il est enregistré", "que par les majuscules ou les séparateurs"))):
        again = upload(client, tokens["attacker"], {"network.csv": NETWORK,
                                                    "organisations.csv": rows.replace("org-w", variant)}, lang=lang)
        text = again.get_data(as_text=True)
        assert again.status_code == 400 and all(w in text for w in words), text[:600]
        assert f"<{BASE}id/organisation/org-w> everywhere" in text or f"<{BASE}id/organisation/org-w> partout" in text
    turtle = send(client, tokens["attacker"], f'<{BASE}id/organisation/{variant}> <{LABEL}> "W"@fr .')
    assert turtle.status_code == 400 and "organisation/org-w> (as it is stored)" in turtle.get_json()["detail"]
    assert stored_triples(client) == before


def test_twins_of_two_kinds_in_one_submission_are_refused_naming_the_first_kind_s(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    """The stored identifiers of every kind are read at once; the twin said is still the one of the first kind in
    alphabetical order (an organisation before a project), whatever network owns the stored one."""
    rows = ORGANISATIONS + "org-w,Organisation W,association,,,\n"
    first = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": rows})
    assert first.status_code in (200, 201), first.get_data(as_text=True)[:400]
    before = stored_triples(client)
    for body in (f'<{BASE}id/project/atelier_numerique_nantes> <{LABEL}> "P"@fr . '
                 f'<{BASE}id/organisation/Org_W> <{LABEL}> "W"@fr .',
                 f'<{BASE}id/organisation/Org_W> <{LABEL}> "W"@fr . '
                 f'<{BASE}id/project/atelier_numerique_nantes> <{LABEL}> "P"@fr .'):
        answer = send(client, tokens["attacker"], body)
        detail = answer.get_json()["detail"]
        assert answer.status_code == 400 and "organisation/org-w> (as it is stored)" in detail, detail
    alone = send(client, tokens["attacker"], f'<{BASE}id/project/atelier_numerique_nantes> <{LABEL}> "P"@fr .')
    assert alone.status_code == 400 and "project/atelier-numerique-nantes> (as it is stored)" in \
        alone.get_json()["detail"], alone.get_json()
    assert stored_triples(client) == before


def test_two_identifiers_of_a_sheet_differing_only_by_separators_are_refused_at_their_cell(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    rows = ORGANISATIONS + "org-v,V,association,,,\norg_v,V bis,association,,,\n"
    answer = upload(client, tokens["attacker"], {"network.csv": NETWORK, "organisations.csv": rows}, lang="en")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "'org_v' differs from 'org-v'" in text and "write 'org-v'" in text, text[:600]
    body = f'<{BASE}id/organisation/org-u> <{LABEL}> "U"@fr . <{BASE}id/organisation/org__u> <{LABEL}> "U"@fr .'
    document = problem(send(client, tokens["attacker"], body), 400, "bad-request")
    assert "only by case or separators" in document["detail"] and "organisation/org-u>" in document["detail"]


@pytest.mark.parametrize("site", ["http://xn--localhost-/", "https://caf..fr/", "http://.caf.fr/", "https://xn--zz-zz.fr/"])
def test_a_sheets_web_address_whose_host_is_none_is_refused_at_its_cell(client: FlaskClient, tokens: dict[str, str],
                                                                        seen: Watched, site: str) -> None:
    before = seen.now()
    answer = upload(client, tokens["attacker"], {"network.csv": f"reseau,nom,site_web\nattacker,Attacker,{site}\n"})
    assert answer.status_code == 422 and answer.get_json()["code"] == "sheet-refused", answer.get_data(as_text=True)
    text = answer.get_data(as_text=True)
    assert "network.csv" in text and "site_web" in text and "adresse web possible" in text, text[:600]
    assert before.unchanged()


@pytest.mark.parametrize("spelling", ["http://w3id.org/isic/ontology#theme", "https://schema.org/Project",
                                      "HTTPS://XMLNS.COM/foaf/0.1/Person"])
def test_a_vocabulary_term_is_never_transferred_to_a_network(cli: Any, spelling: str) -> None:
    given = cli("owner", "transfer", spelling, "attacker")
    assert given.exit_code != 0 and "always owns it" in command_output(given), command_output(given)
    assert "this instance" in cli("owner", "show", spelling).output
