"""/update holds the graphs it writes to the admin Graph Store's rules: a graph init or ingestion writes (a network's,
the owners' records…) is refused in every operation form and every spelling of its IRI (403, nothing written), as is
an update that may write graphs it does not name; what it inserts into other graphs is reference data, refused when
it describes a resource a network owns (422 not-owner, nothing written); and an ordinary update still runs."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from isic_graph.web.services import services
from tests.conftest import ADMIN, BASE, bearer
from tests.support.oxigraph_server import Watched

ANAS = f"{BASE}graph/network/anas"
FREE = "urn:x:free"

SPELLINGS = {  # (prologue, the graph's term): the same graph to a reader, some of them the same to the engine too
    "as-written": ("", f"<{ANAS}>"),
    "upper-case-scheme-and-host": ("", "<HTTP://LOCALHOST:5000/graph/network/anas>"),
    "https": ("", "<https://localhost:5000/graph/network/anas>"),
    "doubled-slash": ("", "<http://localhost:5000/graph//network/anas>"),
    "percent-encoded": ("", "<http://localhost:5000/graph/network/%61nas>"),
    "dot-segment": ("", "<http://localhost:5000/graph/./network/anas>"),
    "trailing-slash": ("", "<http://localhost:5000/graph/network/anas/>"),
    "escaped-in-the-iri": ("", "<http://localhost:5000/graph/network/\\u0061nas>"),
    "prefixed-name": (f"PREFIX n: <{BASE}graph/network/> ", "n:anas"),
    "prefixed-name-escaped-local": (f"PREFIX n: <{BASE}graph/> ", "n:network\\/anas"),
    "relative-to-a-base": (f"BASE <{BASE}graph/> ", "<network/anas>"),
    "the-owners-records": ("", f"<{BASE}graph/ownership>"),
    "a-peers-copy": ("", f"<{BASE}graph/peer/voisin/x>"),
    "a-trailing-dot": ("", f"<{BASE}graph/ownership.>"),
    "an-escaped-trailing-dot": ("", f"<{BASE}graph/metadata%2E>"),
    "a-dotted-segment": ("", f"<{BASE}graph/derived./identity>"),
    "the-derived-space": ("", f"<{BASE}graph/derived/other>"),
}
FORMS = {
    "insert-data": "INSERT DATA {{ GRAPH {g} {{ <urn:x:s> <urn:x:p> 1 }} }}",
    "delete-data": "DELETE DATA {{ GRAPH {g} {{ <urn:x:s> <urn:x:p> 1 }} }}",
    "with-insert": "WITH {g} INSERT {{ <urn:x:s> <urn:x:p> 1 }} WHERE {{}}",
    "with-delete": "WITH {g} DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "insert-where": "INSERT {{ GRAPH {g} {{ <urn:x:s> <urn:x:p> ?o }} }} WHERE {{ BIND(1 AS ?o) }}",
    "delete-insert-in-lower-case": "delete {{ graph {g} {{ ?s ?p ?o }} }} "
                                   "insert {{ graph <urn:x:free> {{ ?s ?p ?o }} }} "
                                   "where {{ graph <urn:x:free> {{ ?s ?p ?o }} }}",
    "delete-where": "DELETE WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}",
    "add": "ADD <urn:x:free> TO {g}",
    "copy": "COPY SILENT GRAPH <urn:x:free> TO GRAPH {g}",
    "move-from": "MOVE {g} TO <urn:x:free>",
    "move-to": "MOVE SILENT <urn:x:free> TO {g}",
    "clear": "CLEAR GRAPH {g}",
    "drop": "DROP SILENT GRAPH {g}",
    "create": "CREATE SILENT GRAPH {g}",
    "second-operation": "INSERT DATA {{ GRAPH <urn:x:free> {{ <urn:x:s> <urn:x:p> 2 }} }} ; DROP GRAPH {g}",
}


def post(client: FlaskClient, update: str) -> TestResponse:
    return client.post("/update", data={"update": update}, headers=bearer(ADMIN))


def watched(app: Flask) -> Watched:
    """Every quad of the store and the names of its graphs, as the engine holds them now (to tell a change)."""
    engine = services(app).store.engine
    assert engine is not None
    return Watched(engine)


@pytest.fixture(scope="module")
def seen(app: Flask) -> Watched:
    """One watch over the module's engine, brought up to the dataset as it is before each case (`Watched.now`: the
    dataset dumped again only when the engine's files changed, as after a case that wrote)."""
    return watched(app)


@pytest.fixture(scope="module")
def free(app: Flask) -> None:
    services(app).store.update(f"INSERT DATA {{ GRAPH <{FREE}> {{ <urn:x:s> <urn:x:p> 0 }} }}")


@pytest.fixture(scope="module")
def verified(app: Flask, free: None) -> Watched:
    """The store's state as the refusals found it, taken once: the cases of one test run one after another, each
    comparing the state after its request with the one the case before it verified (a dump only when the engine's
    files changed). A write
    between two cases would show as a failure of the second, never as a pass."""
    return watched(app)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_an_update_writing_a_managed_graph_in_any_form_and_spelling_is_refused(
        client: FlaskClient, app: Flask, verified: Watched, form: str,
        spelling: tuple[str, str]) -> None:
    prologue, term = spelling
    answer = post(client, prologue + form.format(g=term))
    assert answer.status_code == 403, answer.get_data(as_text=True)
    assert answer.json is not None and answer.json["code"] == "forbidden"
    assert "managed by isic-graph" in answer.json["detail"]
    assert verified.unchanged()


@pytest.mark.parametrize("update", [
    "INSERT { GRAPH ?g { ?s <urn:x:seen> true } } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DELETE WHERE { GRAPH ?g { <urn:x:s> ?p ?o } }",
    "DROP ALL",
    "CLEAR SILENT NAMED",
    "INSERT DATA { GRAPH <urn:x:free> { <urn:x:s> <urn:x:p> 3 } } ; DROP ALL",
], ids=["graph-variable", "delete-where-graph-variable", "drop-all", "clear-named", "after-another-operation"])
def test_an_update_that_may_write_graphs_it_does_not_name_is_refused(app: Flask, client: FlaskClient, free: None,
                                                                     seen: Watched, update: str) -> None:
    before = seen.now()
    answer = post(client, update)
    assert answer.status_code == 403, answer.get_data(as_text=True)
    assert answer.json is not None and "does not name" in answer.json["detail"]
    assert before.unchanged()


def a_resource_of_anas(app: Flask) -> str:
    rows = services(app).store.select(f"SELECT ?s WHERE {{ GRAPH <{ANAS}> {{ ?s a ?t }} "
                                      f"FILTER(STRSTARTS(STR(?s), '{BASE}id/') && !CONTAINS(STR(?s), '/network/')"
                                      " && !CONTAINS(STR(?s), '/territory/')) } ORDER BY ?s LIMIT 1").rows
    return str(rows[0]["s"].value)


OWNED = {  # each puts a description of anas's resource {r} into a reference graph
    "insert-data": "INSERT DATA {{ GRAPH <urn:x:ref> {{ <{r}> <urn:x:note> \"x\" }} }}",
    "with-a-new-graph": "WITH <urn:x:ref-new> INSERT {{ <{r}> <urn:x:note> \"x\" }} WHERE {{}}",
    "insert-where": "INSERT {{ GRAPH <urn:x:ref> {{ ?s <urn:x:note> \"x\" }} }} WHERE {{ GRAPH <" + ANAS + "> "
                    "{{ ?s a ?t }} FILTER(?s = <{r}>) }}",
    "insert-using": "INSERT {{ GRAPH <urn:x:ref> {{ ?s <urn:x:note> \"x\" }} }} USING <" + ANAS + "> "
                    "WHERE {{ ?s a ?t FILTER(?s = <{r}>) }}",
    "add-a-networks-graph": "ADD <" + ANAS + "> TO <urn:x:ref>",
    "copy-prefixed": "PREFIX n: <" + BASE + "graph/network/> COPY n:anas TO <urn:x:ref>",
    "prefix-of-an-earlier-operation": "PREFIX n: <" + BASE + "graph/network/> PREFIX r: <urn:x:> "
                                      "INSERT DATA {{ GRAPH r:other {{ r:s r:p 1 }} }} ; "
                                      "INSERT DATA {{ GRAPH r:ref {{ <{r}> r:note 1 }} }}",
}


@pytest.mark.parametrize("form", OWNED.values(), ids=OWNED.keys())
def test_an_update_describing_a_networks_resource_in_a_reference_graph_is_refused(
        app: Flask, client: FlaskClient, free: None, seen: Watched, form: str) -> None:
    resource = a_resource_of_anas(app)
    before = seen.now()
    answer = post(client, form.format(r=resource))
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.json is not None and answer.json["code"] == "not-owner"
    assert before.unchanged()
    put = client.put("/graph-store?graph=urn:x:ref", data=f'<{resource}> <urn:x:note> "x" .',
                     content_type="text/turtle", headers=bearer(ADMIN))
    assert put.status_code == 422 and put.json is not None and put.json["code"] == "not-owner"  # the same rule


def test_an_update_of_a_free_graph_still_runs_and_its_subjects_become_the_instances(app: Flask, client: FlaskClient,
                                                                                    free: None) -> None:
    store = services(app).store
    for update in ("PREFIX x: <urn:x:> INSERT DATA { GRAPH x:mine { x:thing x:p 1 } } ; "
                   "WITH x:mine2 INSERT { <urn:x:made> x:p 1 } WHERE {}",
                   "PREFIX x: <urn:x:> WITH x:mine2 INSERT { ?s x:copied ?o } WHERE { GRAPH x:mine { ?s x:p ?o } }",
                   "ADD <urn:x:mine> TO <urn:x:mine3>"):
        answer = post(client, update)
        assert answer.status_code == 204, answer.get_data(as_text=True)
    assert store.query("ASK { GRAPH <urn:x:mine2> { <urn:x:thing> <urn:x:copied> 1 } }") is True
    assert store.query("ASK { GRAPH <urn:x:mine> { <urn:x:thing> <urn:x:p> 1 } }") is True
    assert store.query("ASK { GRAPH <urn:x:mine3> { <urn:x:thing> <urn:x:p> 1 } }") is True
    assert post(client, "DROP GRAPH <urn:x:mine3>").status_code == 204
    owners = services(app).graphs.ownership
    assert store.query(f"ASK {{ GRAPH <{owners}> {{ ?record ?p <urn:x:thing> }} }}") is True


PREPARED = {  # an earlier operation writes what a later one reads to insert anas's resource {r} into a reference graph
    "insert-where": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <urn:x:ptr> <urn:x:to> <{r}> }} }} ; "
                    "INSERT {{ GRAPH <urn:x:ref> {{ ?x <urn:x:q> 1 }} }} WHERE {{ GRAPH <urn:x:tmp> "
                    "{{ <urn:x:ptr> <urn:x:to> ?x }} }}",
    "with": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <urn:x:ptr> <urn:x:to> <{r}> }} }} ; "
            "WITH <urn:x:ref> INSERT {{ ?x <urn:x:q> 1 }} WHERE {{ GRAPH <urn:x:tmp> "
            "{{ <urn:x:ptr> <urn:x:to> ?x }} }}",
    "delete-insert": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <urn:x:ptr> <urn:x:to> <{r}> }} }} ; "
                     "DELETE {{ GRAPH <urn:x:tmp> {{ <urn:x:ptr> <urn:x:to> ?x }} }} "
                     "INSERT {{ GRAPH <urn:x:ref> {{ ?x <urn:x:q> 1 }} }} WHERE {{ GRAPH <urn:x:tmp> "
                     "{{ <urn:x:ptr> <urn:x:to> ?x }} }}",
    "add": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <{r}> <urn:x:q> 1 }} }} ; ADD <urn:x:tmp> TO <urn:x:ref>",
    "copy": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <{r}> <urn:x:q> 1 }} }} ; COPY <urn:x:tmp> TO <urn:x:ref>",
    "move": "INSERT DATA {{ GRAPH <urn:x:tmp> {{ <{r}> <urn:x:q> 1 }} }} ; MOVE <urn:x:tmp> TO <urn:x:ref>",
    "after-a-delete": "DELETE DATA {{ GRAPH <urn:x:tmp> {{ <urn:x:no> <urn:x:no> 1 }} }} ; "
                      "INSERT {{ GRAPH <urn:x:ref> {{ <urn:x:s> <urn:x:q> ?o }} }} WHERE {{ BIND(1 AS ?o) }}",
}


@pytest.mark.parametrize("form", PREPARED.values(), ids=PREPARED.keys())
def test_an_operation_inserting_what_it_reads_after_another_operation_is_refused_and_nothing_applied(
        app: Flask, client: FlaskClient, free: None, seen: Watched, form: str) -> None:
    """What an update inserts is checked before it runs: an operation whose insertions read the store cannot be
    checked once an earlier operation of the same request has written, and goes in a request of its own (400)."""
    resource = a_resource_of_anas(app)
    before = seen.now()
    answer = client.post("/update", data={"update": form.format(r=resource)},
                         headers={**bearer(ADMIN), "Accept-Language": "fr"})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.json is not None and "l'opération 2 de cette mise à jour insère ce qu'elle lit" in \
        answer.json["detail"] and "dans une demande à elle seule" in answer.json["detail"]
    assert before.unchanged()


def test_an_operation_inserting_what_it_reads_alone_is_checked_against_what_the_request_before_wrote(
        app: Flask, client: FlaskClient, free: None, seen: Watched) -> None:
    resource = a_resource_of_anas(app)
    prepare, insert = PREPARED["insert-where"].format(r=resource).split(" ; ")
    assert post(client, prepare).status_code == 204
    before = seen.now()
    answer = post(client, insert)
    assert answer.status_code == 422 and answer.json is not None and answer.json["code"] == "not-owner"
    assert before.unchanged()
    assert post(client, "DROP GRAPH <urn:x:tmp>").status_code == 204


@pytest.mark.parametrize("update, clause", [
    ("INSERT { GRAPH ?g { <urn:x:s> <urn:x:p> 1 } } WHERE { VALUES ?g { <urn:x:free> } }",
     "un graphe y est nommé par ?g, pas par une IRI : ce peut être n'importe lequel"),
    ("DROP ALL", "DROP ALL écrit chaque graphe nommé"),
    ("CLEAR NAMED", "CLEAR NAMED écrit chaque graphe nommé")])
def test_an_update_that_may_write_graphs_it_does_not_name_is_refused_in_french_throughout(
        client: FlaskClient, free: None, update: str, clause: str) -> None:
    answer = client.post("/update", data={"update": update}, headers={**bearer(ADMIN), "Accept-Language": "fr"})
    assert answer.status_code == 403 and answer.json is not None
    assert f"qu'elle ne nomme pas ({clause})" in answer.json["detail"]
    assert "writes every" not in answer.json["detail"] and "is named by" not in answer.json["detail"]


@pytest.mark.parametrize("subject", [f"{BASE}id/network/anas", f"{BASE}id/network/anas#genid-x",
                                     "http://LOCALHOST:5000/id/network/%61nas", "https://localhost:5000/id/network/anas",
                                     "HTTPS://LOCALHOST:5000/id/network/anas", "https://localhost:5000/id/network/anas/",
                                     "https://localhost:5000/id/network/anas#genid-x"],
                         ids=["own-iri", "blank-node", "another-spelling", "https", "https-upper-case",
                              "https-trailing-slash", "https-blank-node"])
def test_an_update_describing_a_networks_own_iri_or_its_blank_nodes_is_refused(
        app: Flask, client: FlaskClient, free: None, seen: Watched, subject: str) -> None:
    before = seen.now()
    answer = post(client, f'INSERT DATA {{ GRAPH <urn:x:ref> {{ <{subject}> <urn:x:note> "x" }} }}')
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.json is not None and answer.json["code"] == "not-owner"
    assert 'network "anas"' in answer.json["detail"]
    assert before.unchanged()


@pytest.mark.parametrize("subject", ["https://localhost:5000/id/project/les-incompris",
                                     "https://LocalHost:5000/id/project/les-incompris"])
def test_the_other_web_scheme_of_a_networks_resource_is_refused_as_its_resource(
        app: Flask, client: FlaskClient, free: None, seen: Watched, subject: str) -> None:
    before = seen.now()
    for answer in (post(client, f'INSERT DATA {{ GRAPH <urn:x:ref> {{ <{subject}> <urn:x:note> "x" }} }}'),
                   client.put("/graph-store?graph=urn:x:ref", data=f'<{subject}> <urn:x:note> "x" .',
                              content_type="text/turtle", headers=bearer(ADMIN))):
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert answer.json is not None and answer.json["code"] == "not-owner"
        assert answer.json["subject"] == subject and 'network "anas"' in answer.json["detail"]
    assert before.unchanged()


@pytest.mark.parametrize("subject", ["https://localhost:5000/id/organisation/nobody-yet",
                                     "https://localhost:5000/ID/organisation/nobody-yet",
                                     "http://localhost:5000/id/organisation/nobody-yet."])
def test_a_look_alike_of_the_instances_iris_owned_by_nobody_is_refused_not_taken(
        app: Flask, client: FlaskClient, free: None, seen: Watched, subject: str) -> None:
    """Taken, it would be the instance's under a second name: the one the instance's IRIs are written in is asked."""
    before = seen.now()
    answer = client.post("/update", data={"update": f'INSERT DATA {{ GRAPH <urn:x:ref> {{ <{subject}> <urn:x:note> '
                                                    '"x" }} }'}, headers={**bearer(ADMIN), "Accept-Language": "fr"})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.json is not None and "n'est pas écrit comme les IRI de cette instance" in answer.json["detail"]
    assert before.unchanged()


@pytest.mark.parametrize("sent", [{"data": {"query": "ASK {}"}},
                                  {"data": "query=SELECT%20*%20%7B%7D",
                                   "content_type": "application/x-www-form-urlencoded"}])
def test_a_query_posted_to_update_is_told_to_go_to_sparql(client: FlaskClient, sent: dict[str, object]) -> None:
    """A `query=` form sent to /update was told "exactly one update parameter is expected"."""
    for lang, words in (("fr", "se pose à /sparql"), ("en", "is asked at /sparql")):
        answer = client.post("/update", headers={**bearer(ADMIN), "Accept-Language": lang},
                             **sent)  # type: ignore[arg-type]
        assert answer.status_code == 400 and words in answer.json["detail"], answer.get_data(as_text=True)
