"""Problem documents speak the client's language: French when Accept-Language (or `?lang=`) prefers it,
English otherwise; the machine `code` is the same in both."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import isic_graph
import isic_graph.errors as errors
from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import BudgetExceeded, UsageError
from isic_graph.query.budget import Concurrency, TimeBudget
from isic_graph.web.problems import FRENCH as FRENCH_WORDS
from isic_graph.web.problems import from_error
from tests.conftest import ADMIN, BASE, bearer

FRENCH = [{"Accept-Language": "fr"}, {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"},
          {"Accept-Language": "en;q=0.5, fr"}, {"Accept-Language": "fr-CA"},
          {"Accept-Language": "FR, *;q=0.1"}]
ENGLISH = [{}, {"Accept-Language": "en"}, {"Accept-Language": "de"}, {"Accept-Language": "en-GB,fr;q=0.5"},
           {"Accept-Language": "*"}, {"Accept-Language": "fr;q=0.5, en"}]
NOT_CONFORMING = """@prefix isic: <https://w3id.org/isic/ontology#> .
<http://localhost:5000/id/project/sans-titre> a isic:Project ."""


@pytest.fixture(scope="module")
def tokens(credentials: CredentialStore) -> dict[str, str]:
    return {slug: credentials.add(slug, slug) for slug in ("parler", "anas")}


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    return answer.get_json()  # type: ignore[no-any-return]


def refusals(client: FlaskClient, tokens: dict[str, str], headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One refusal of each kind, asked with these headers: code -> problem document."""
    def sheets(network: str, token: str | None, body: str, mode: str = "upsert") -> Any:
        return client.post(f"/api/networks/{network}/sheets", query_string={"mode": mode}, data=body,
                           content_type="text/turtle", headers={**headers, **(bearer(token) if token else {})})

    return {
        "validation-failed": problem(sheets("parler", tokens["parler"], NOT_CONFORMING), 422),
        "not-owner": problem(sheets("parler", tokens["parler"], f'<{BASE}id/project/les-incompris> '
                                    '<http://purl.org/dc/terms/title> "À moi"@fr .'), 422),
        "unauthorized": problem(sheets("parler", None, NOT_CONFORMING), 401),
        "forbidden": problem(sheets("anas", tokens["parler"], NOT_CONFORMING), 403),
        "admin-unauthorized": problem(client.post("/update", data={"update": "CLEAR ALL"}, headers=headers), 401),
        "admin-forbidden": problem(client.post("/update", data={"update": "CLEAR ALL"},
                                               headers={**headers, **bearer(tokens["parler"])}), 403),
        "admin-unknown-token": problem(client.post("/update", data={"update": "CLEAR ALL"},
                                                   headers={**headers, **bearer("jeton-mal-tape")}), 401),
        "not-found": problem(client.get("/id/project/nulle-part", headers={**headers, "Accept": "text/turtle"}), 404),
        "no-route": problem(client.get("/nulle-part/du-tout", headers=headers), 404),
        "no-graph": problem(client.get("/graph-store", query_string={"graph": "http://example.org/none"},
                                       headers=headers), 404),
        "query-too-large": problem(client.post("/sparql", data={"query": "ASK {}" + " " * 70_000}, headers=headers),
                                   413),
    }


@pytest.mark.parametrize("headers", FRENCH, ids=[h["Accept-Language"] for h in FRENCH])
def test_refusals_are_in_french_for_a_client_that_prefers_it(client: FlaskClient, tokens: dict[str, str],
                                                             headers: dict[str, str]) -> None:
    found = refusals(client, tokens, headers)
    english = refusals(client, tokens, {})
    for kind, document in found.items():
        assert document["code"] == english[kind]["code"] and document["status"] == english[kind]["status"]
        assert document["title"] != english[kind]["title"] and document["detail"] != english[kind]["detail"], kind
    assert found["validation-failed"]["detail"].startswith("la soumission n'est pas conforme aux formes")
    assert found["validation-failed"]["violations"] == english["validation-failed"]["violations"]
    owner = found["not-owner"]
    # the subject by its name as its owner wrote it, the property as the sheet's column calls it, never the value
    assert owner["detail"].startswith(f"<{BASE}id/project/les-incompris> (« Les Incompris : l'audace d'oser ») "
                                      "appartient au réseau « anas »")
    assert "ne peut pas en écrire la propriété « Titre » (dcterms:title)" in owner["detail"]
    assert "À moi" not in owner["detail"]
    assert owner["subject"] == english["not-owner"]["subject"] and "rien n'a été enregistré" in owner["detail"]
    assert "jeton" in found["unauthorized"]["detail"] and "jeton" in found["admin-unauthorized"]["detail"]
    assert "réseau 'parler'" in found["forbidden"]["detail"] and "administrateur" in found["admin-forbidden"]["detail"]
    assert found["admin-unknown-token"]["detail"].startswith("jeton inconnu ou révoqué")
    assert found["not-found"]["detail"] == f"aucune description de <{BASE}id/project/nulle-part> ici"
    assert found["no-route"]["title"] == "Introuvable" and found["no-route"]["detail_en"]
    assert found["query-too-large"]["detail"] == "la requête dépasse 65536 octets"
    answer = client.get("/id/project/nulle-part", headers={**headers, "Accept": "text/turtle"})
    assert "Accept-Language" in answer.vary  # a cache keeps each language apart


@pytest.mark.parametrize("headers", ENGLISH, ids=[h.get("Accept-Language", "none") for h in ENGLISH])
def test_refusals_stay_in_english_otherwise(client: FlaskClient, tokens: dict[str, str],
                                            headers: dict[str, str]) -> None:
    found = refusals(client, tokens, headers)
    assert found["validation-failed"]["detail"].startswith("the submission does not conform to the shapes")
    assert "belongs to network \"anas\"" in found["not-owner"]["detail"]
    assert 'may not state its "Title" (dcterms:title)' in found["not-owner"]["detail"]
    assert all("detail_en" not in document for document in found.values())


def test_the_lang_parameter_chooses_as_on_the_pages(client: FlaskClient) -> None:
    french = problem(client.get("/id/project/nulle-part?lang=fr", headers={"Accept": "text/turtle"}), 404)
    english = problem(client.get("/id/project/nulle-part?lang=en",
                                 headers={"Accept": "text/turtle", "Accept-Language": "fr"}), 404)
    assert french["detail"].startswith("aucune description") and english["detail"].startswith("no description")


def test_a_message_without_french_words_gives_its_class_words_and_keeps_the_english(app: Flask) -> None:
    with app.test_request_context("/sparql", headers={"Accept-Language": "fr"}):
        document = from_error(UsageError("something only said in English")).get_json()
    assert document["code"] == "bad-request" and document["title"] == "Requête mal formée"
    assert document["detail"] == "la requête ou la commande est mal formée"
    assert document["detail_en"] == "something only said in English"


GENERIC = {words for _, words in FRENCH_WORDS.values()}
NINE_SERVICES = "SELECT * WHERE { " + " ".join(f"SERVICE <http://127.0.0.2:8999/{i}> {{ ?s ?p ?o }}"
                                                for i in range(9)) + " }"
# (what, method, path, query string, body, content type, other headers, status, the reason's key word in French)
REASONS: list[tuple[str, str, str, dict[str, str], Any, str | None, dict[str, str], int, str]] = [
    ("service", "POST", "/sparql", {}, {"query": "SELECT * WHERE { SERVICE <http://127.0.0.2:8999/> { ?s ?p ?o } }"},
     None, {}, 400, "SERVICE n'est pas permis ici"),
    ("nine-services", "POST", "/sparql", {}, {"query": NINE_SERVICES}, None, {}, 400, "pairs enregistrés"),
    ("service-variable", "POST", "/sparql", {}, {"query": "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }"}, None, {},
     400, "pas par une variable"),
    ("service-in-service", "POST", "/sparql", {},
     {"query": "SELECT * WHERE { SERVICE <http://x/> { SERVICE <http://y/> { ?s ?p ?o } } }"}, None, {}, 400,
     "un SERVICE dans un SERVICE"),
    ("backslash", "POST", "/sparql", {}, {"query": "SELECT * WHERE { \\u0053 }"}, None, {}, 400,
     "barre oblique inverse"),
    ("nul", "POST", "/sparql", {}, {"query": "SELECT * WHERE { ?s ?p ?o }\x00"}, None, {}, 400,
     "caractère inattendu '\\x00'"),
    ("open-string", "POST", "/sparql", {}, {"query": 'SELECT * WHERE { ?s ?p "x }'}, None, {}, 400,
     "chaîne qui n'est pas fermée"),
    ("not-a-character", "POST", "/sparql", {}, {"query": "SELECT * WHERE { ?s ?p '\\uD800' }"}, None, {}, 400,
     "n'est pas un caractère Unicode"),
    ("results-406", "POST", "/sparql", {}, {"query": "ASK {}"}, None, {"Accept": "image/png"}, 406,
     "aucun format de la réponse"),
    ("gsp-n-quads", "POST", "/graph-store", {"graph": BASE + "graph/network/parler"}, b"", "application/n-quads",
     {"Authorization": "Bearer {parler}"}, 415, "n'est pas accepté pour un graphe"),
    ("gsp-no-type", "POST", "/graph-store", {"graph": BASE + "graph/network/parler"}, b"", None,
     {"Authorization": "Bearer {parler}"}, 415, "dites ce qu'est le corps"),
    ("sheets-png", "POST", "/api/networks/parler/sheets", {}, b"x", "image/png", {"Authorization": "Bearer {parler}"},
     415, "le format 'image/png' n'est pas accepté ici ; envoyez"),
    ("sheets-rdfxml", "POST", "/api/networks/parler/sheets", {}, b"<x/>", "application/rdf+xml",
     {"Authorization": "Bearer {parler}"}, 415, "le format 'application/rdf+xml' n'est pas accepté"),
    ("update-type", "POST", "/update", {}, b"CLEAR ALL", "text/plain", {"Authorization": f"Bearer {ADMIN}"}, 415,
     "une mise à jour s'envoie"),
    ("update-twice", "POST", "/update", {}, {"update": ["CLEAR SILENT GRAPH <urn:a>", "CLEAR SILENT GRAPH <urn:b>"]},
     None, {"Authorization": f"Bearer {ADMIN}"}, 400, "donné plusieurs fois"),
    ("update-drop-all", "POST", "/update", {}, {"update": "DROP ALL"}, None, {"Authorization": f"Bearer {ADMIN}"},
     403, "(DROP ALL écrit chaque graphe nommé)"),
    ("update-clear-named", "POST", "/update", {}, {"update": "CLEAR SILENT NAMED"}, None,
     {"Authorization": f"Bearer {ADMIN}"}, 403, "(CLEAR NAMED écrit chaque graphe nommé)"),
    ("update-graph-variable", "POST", "/update", {},
     {"update": "INSERT { GRAPH ?g { <urn:a> <urn:b> <urn:c> } } WHERE { VALUES ?g { <urn:x> } }"}, None,
     {"Authorization": f"Bearer {ADMIN}"}, 403,
     "(un graphe y est nommé par ?g, pas par une IRI : ce peut être n'importe lequel)"),
    ("dump-network", "GET", "/dumps/network/zzz.ttl", {}, None, None, {}, 404, "aucune donnée pour le réseau 'zzz'"),
    ("dump-name", "GET", "/dumps/nulle-part.ttl", {}, None, None, {}, 404, "aucun export nommé"),
    ("map", "GET", "/maps/zzz.svg", {}, None, None, {}, 404, "aucune carte 'zzz'"),
    ("map-kind", "GET", "/maps/partnerships.gif", {}, None, None, {}, 404, "dessinées en .svg ou en .png"),
    ("id-406", "GET", "/id/project/les-incompris", {}, None, None, {"Accept": "image/png"}, 406,
     "aucun des formats demandés"),
    ("method", "PUT", "/sparql", {}, {"query": "ASK {}"}, None, {}, 405,
     "PUT ne s'applique pas ici : cette adresse répond à GET, POST"),
    ("id-suffix", "GET", "/id/network/anas.nt", {}, None, None, {}, 200, ""),
]


@pytest.mark.parametrize("what, method, path, query, body, content_type, headers, status, words", REASONS,
                         ids=[row[0] for row in REASONS])
def test_each_refusal_says_its_own_reason_in_french(client: FlaskClient, tokens: dict[str, str], what: str,
                                                    method: str, path: str, query: dict[str, str], body: Any,
                                                    content_type: str | None, headers: dict[str, str], status: int,
                                                    words: str) -> None:
    sent = {name: value.format(**tokens) if "{" in value else value for name, value in headers.items()}
    for language in ({"Accept-Language": "fr"}, {}):
        answer = client.open(path, method=method, query_string=query, headers={**sent, **language},
                             **({"data": body} if body is not None else {}),
                             **({"content_type": content_type} if content_type else {}))
        if status == 200:  # a row that must not be refused (keeps the table's paths honest)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            return
        document = problem(answer, status)
        if language:  # its own French words: no English one beside them
            assert document["detail"] not in GENERIC and words in document["detail"], document
            assert "detail_en" not in document, document
        else:
            assert words not in document["detail"], document


@pytest.mark.parametrize("language, words", [("fr", "réessayez dans"), ("en", "retry in")])
def test_a_spent_budget_is_told_in_the_clients_language(app: Flask, language: str, words: str) -> None:
    budget = TimeBudget(1.0)
    budget.charge("127.0.0.9", 5.0)
    with app.test_request_context("/sparql", headers={"Accept-Language": language}):
        with pytest.raises(BudgetExceeded) as spent:
            budget.check("127.0.0.9")
        document = from_error(spent.value).get_json()
    assert document["code"] == "too-many-requests" and words in document["detail"]


@pytest.mark.parametrize("language, words", [("fr", "requêtes coûteuses"), ("en", "costly requests")])
def test_too_many_at_once_is_told_in_the_clients_language(app: Flask, language: str, words: str) -> None:
    running = Concurrency(1)
    running.acquire("127.0.0.9")
    with app.test_request_context("/maps", headers={"Accept-Language": language}):
        with pytest.raises(BudgetExceeded) as refused:
            running.acquire("127.0.0.9")
        document = from_error(refused.value).get_json()
    assert document["status"] == 429 and words in document["detail"]


def test_the_administrators_own_refusals_follow_too(client: FlaskClient) -> None:
    answer = client.put("/graph-store", query_string={"graph": BASE + "graph/ontology"}, data="",
                        content_type="text/turtle", headers={**bearer(ADMIN), "Accept-Language": "fr"})
    assert "il ne s'écrit pas ici" in problem(answer, 403)["detail"]


@pytest.mark.parametrize("path, query, words", [
    ("/api/search", {"q": q}, "la recherche demande au moins un mot") for q in ("*", "%", "'", "(((", "\\", ".*")] + [
    ("/api/search", {}, "donnez les mots à chercher dans q"),
    ("/api/search", {"q": "théâtre", "nulle": "x"}, None),
    ("/id/..%2f..%2fetc%2fpasswd", {}, "ce n'est pas un chemin de ressource valide"),
    ("/id/project/les-incompris%00", {}, "ce n'est pas un chemin de ressource valide"),
    ("/graph/a%00b", {}, "ce n'est pas un chemin de graphe valide"),
])
def test_the_refusals_of_searches_and_paths_have_their_own_french_words(client: FlaskClient, path: str,
                                                                        query: dict[str, str],
                                                                        words: str | None) -> None:
    answer = client.get(path, query_string=query, headers={"Accept-Language": "fr", "Accept": "application/json"})
    if words is None:  # an unknown parameter is ignored, not refused
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return
    document = problem(answer, 400)
    assert document["detail"].startswith(words) and "mal formée" not in document["detail"], document
    english = problem(client.get(path, query_string=query, headers={"Accept": "application/json"}), 400)
    assert english["detail"] != document["detail"] and "\x00" not in document["detail"], english



def english_only_calls(source: str) -> list[int]:
    """The lines of a module's source where it makes an error a client reads (a class whose message is public) from
    English words alone: a call of the class with its message and without its French words (`fr`, by name or by
    place)."""
    classes = {name: value for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, errors.IsicError) and value.public}
    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes
                and node.args):
            continue
        parameters = list(inspect.signature(classes[node.func.id].__init__).parameters)[1:]
        french = next((parameters.index(p) for p in ("fr", "french") if p in parameters), None)
        if french is None or (len(node.args) <= french and not any(k.arg in ("fr", "french", None)
                                                                   for k in node.keywords)):
            found.append(node.lineno)
    return found


def test_the_scan_of_english_only_errors_finds_them() -> None:
    source = ('raise UsageError("x")\nraise UsageError("x", "y")\nraise NotFound(f"{a}", fr="b")\n'
              'raise StoreError("internal")\nraise PeerAnswerTooLarge("x", 5)\nraise Unreadable("f", 1, "e", "f")\n'
              'raise UnsupportedFormat(message)\n')
    assert english_only_calls(source) == [1, 5, 7]


def test_every_error_a_client_reads_is_written_in_french_too() -> None:
    package = Path(isic_graph.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 50  # the whole package is read
    found = [f"{path.relative_to(package)}:{line}" for path in modules
             for line in english_only_calls(path.read_text(encoding="utf-8"))]
    assert found == []


ENGLISH_WORDING = re.compile(r"\b(?:a|an|the|is|are|not|no|without|whose|of|term|was|were|has|have)\b")


def _interpolated_calls(node: ast.AST) -> list[ast.Call]:
    """The calls whose results a message's text is made of: in an f-string's fields, or added to it with +."""
    found: list[ast.Call] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.FormattedValue):
            found += [call for call in ast.walk(sub.value) if isinstance(call, ast.Call)]
        elif isinstance(sub, ast.BinOp):
            found += [side for side in (sub.left, sub.right) if isinstance(side, ast.Call)]
    return found


def _own_words(function: ast.FunctionDef) -> str:
    """The text a function writes of itself (its strings, its docstring left out), unless it takes a language."""
    taken = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
    if taken & {"lang", "language", "fr", "french"}:
        return ""
    docstring = function.body[0].value if function.body and isinstance(function.body[0], ast.Expr) else None
    return " ".join(sub.value for sub in ast.walk(function)
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub is not docstring)


def english_clauses_in_french(source: str) -> list[int]:
    """The lines of a module's source where an error a client reads gives its French words a clause in English: the
    same call of one of the module's functions in its English message and in its French words, a function that
    writes English words and takes no language. A French text that says the clause is in English ("en anglais") is
    left out."""
    classes = {name: value for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, errors.IsicError) and value.public}
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    found: list[int] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes
                and node.args):
            continue
        parameters = list(inspect.signature(classes[node.func.id].__init__).parameters)[1:]
        french = next((k.value for k in node.keywords if k.arg in ("fr", "french")), None)
        place = next((parameters.index(p) for p in ("fr", "french") if p in parameters), None)
        if french is None and place is not None and len(node.args) > place:
            french = node.args[place]
        if french is None or "anglais" in ast.unparse(french):
            continue
        english = {ast.dump(call) for call in _interpolated_calls(node.args[0])}
        if any(ast.dump(call) in english and isinstance(call.func, ast.Name) and call.func.id in functions
               and ENGLISH_WORDING.search(_own_words(functions[call.func.id]))
               for call in _interpolated_calls(french)):
            found.append(node.lineno)
    return found


def test_the_scan_of_english_clauses_in_french_words_finds_them() -> None:
    source = '''
def shown(kind):
    """Not read."""
    return f"a {kind} term"

def named(kind, lang="en"):
    return f"un {kind}" if lang == "fr" else f"a {kind}"

def plain(kind):
    return f"<{kind}>"

raise PeerUnavailable(f"bad: {shown(k)}", fr=f"mauvais : {shown(k)}")
raise PeerUnavailable(f"bad: {named(k)}", fr=f"mauvais : {named(k, 'fr')}")
raise PeerUnavailable(f"bad: {plain(k)}", fr=f"mauvais : {plain(k)}")
raise UsageError("bad: " + shown(k), fr="mauvais : " + shown(k))
raise UsageError(f"bad: {shown(k)}", fr=f"mauvais (en anglais : {shown(k)})")
'''
    assert english_clauses_in_french(source) == [12, 15]


def test_no_french_words_of_an_error_hold_an_english_clause() -> None:
    package = Path(isic_graph.__file__).parent
    found = [f"{path.relative_to(package)}:{line}" for path in sorted(package.rglob("*.py"))
             for line in english_clauses_in_french(path.read_text(encoding="utf-8"))]
    assert found == []
