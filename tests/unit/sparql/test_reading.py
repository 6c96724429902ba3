"""One reading of a query: what the engine runs is the text written from the tokens the guard checked.

The differential tests build hostile texts (strings in the four quote forms, escapes, comments, prefixed
names, BASE, dots, `<` as an operator, SERVICE / LOAD / FROM, nesting), and run each text the guard lets
through on the real engine, with a canary listener on 127.0.0.1: the canary never hears from the engine,
and the engine never dies.
"""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isic_graph.errors import IsicError, UsageError
from isic_graph.sparql.guard import Limits, check_query, read
from isic_graph.sparql.lexer import tokenize, write
from isic_graph.store.engine import Engine
from tests.support import paths
from tests.support.fuzz import examples

QUERIES = sorted((paths.ROOT / "queries").glob("*.rq"))
SAMPLES = paths.ROOT / "samples"
ONTOLOGY = paths.ROOT / "ontology"


class Canary:
    """An HTTP listener on 127.0.0.1 that records every request made to it."""

    def __init__(self) -> None:
        heard = self.heard = []  # type: list[str]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                heard.append(f"{self.command} {self.path}")
                self.send_response(500)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.stop()


def on_engine(engine: Engine, text: str) -> int:
    """Run a text on the engine as the server does (a form POST); its HTTP status."""
    request = urllib.request.Request(f"{engine.url}/query", data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


# --- what is refused, however it is spelled ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(1 AS ?a) \\u0027 }",
    "SELECT * WHERE { ?s ?p ?o } \\U00000023 comment",
    "SELECT \\u003Fs WHERE { ?s ?p ?o }",
])
def test_an_escape_outside_a_string_or_an_iri_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="backslash outside a string"):
        check_query(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p '\\U00110000' }",
    "SELECT * WHERE { ?s ?p \"\\uD800\" }",
    "SELECT * WHERE { ?s ?p <http://a/\\U0011FFFF> }",
])
def test_an_escape_that_is_no_character_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="not a Unicode character"):
        check_query(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { BIND('\\u0027' AS ?a) SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } BIND('\\u0027' AS ?b) }",
    "SELECT * WHERE { BIND(\"\\u0022\" AS ?a) SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } BIND(\"\\u0022\" AS ?b) }",
    "SELECT * WHERE { ?a ?b ?c .SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b 1.SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c;SeRvIcE<http://127.0.0.1:5198/x>{?s ?p ?o} }",
    "SELECT * WHERE { ?s ?p 'it\\'s' . SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p '''a''b'''.SERVICE <http://127.0.0.1:5198/x> { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:5198/> SELECT * WHERE { SERVICE <x> { ?s ?p ?o } }",
])
def test_service_hidden_by_another_reading_of_the_text_is_seen_and_refused(text: str) -> None:
    with pytest.raises(UsageError, match="SERVICE is not allowed"):
        check_query(text)


def test_braces_hidden_by_escaped_quotes_count_towards_the_nesting_limit() -> None:
    hidden = "SELECT * WHERE { BIND('\\u0027' AS ?a) " + "{" * 3000 + "}" * 3000 + " BIND('\\u0027' AS ?b) }"
    with pytest.raises(UsageError, match="nests"):
        check_query(hidden)


def test_brackets_inside_what_may_be_read_as_an_iri_count_towards_the_nesting_limit() -> None:
    """An engine reads `<` after an operand as less-than: what looked like an IRI is then code."""
    with pytest.raises(UsageError, match="nests"):
        check_query("SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<" + "(" * 3000 + ">1) }")


def test_a_query_written_back_has_no_comment_no_escape_in_strings_and_one_line() -> None:
    text = ("PREFIX e: <http://e/> # SERVICE\nSELECT * WHERE {\n ?s e:p 'a\\u0027b' , \"\"\"x\ny\"\"\" ; e:q "
            "<http://e/\\u0041'> }")
    written = read(text).text
    assert "\n" not in written and "#" not in written.replace("e/#", "")
    assert written == ("PREFIX e: <http://e/> SELECT * WHERE { ?s e:p \"a\\'b\" , \"x\\ny\" ; e:q "
                       "<http://e/A\\u0027> }")


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_the_analyst_queries_written_back_give_the_same_answers(path: Path) -> None:
    store = _samples()
    text = path.read_text(encoding="utf-8")
    original = _rows(store.query(text, use_default_graph_as_union=True))
    assert _rows(store.query(read(text).text, use_default_graph_as_union=True)) == original and original


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b&&?b>?a) }",
    "SELECT ?x WHERE { VALUES ?x { 1.5e0 .5 1.0 2 } FILTER(?x >= -1 && ?x<=+3) }",
    "PREFIX e: <http://e/> SELECT * WHERE { BIND(e:a\\'b AS ?i) BIND(STR(?i) AS ?s) }",
    "SELECT * WHERE { BIND(\"\"\"a\"b\"\"\" AS ?s) BIND('''c'd''' AS ?t) BIND(\"tab\\tend\"@fr AS ?u) }",
    "SELECT * WHERE { BIND(<http://e/x#y> AS ?i) BIND(<http://e/l'x> AS ?j) FILTER(?i != ?j) }",
    "SELECT (COUNT(*) AS ?n) WHERE { VALUES (?a ?b) { (1 2) (UNDEF 3) } } GROUP BY ?a HAVING (COUNT(*) < 5)",
    "ASK { FILTER(true && !false) }",
])
def test_texts_written_back_keep_their_meaning(text: str) -> None:
    store = pyoxigraph.Store()
    assert _rows(store.query(read(text).text)) == _rows(store.query(text))


@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { VALUES ?x { -1 +2 -.5 +1.5e0 -3E2 } }",
    "SELECT ?o WHERE { VALUES (?s ?o) { (<http://e/s> -1) } VALUES ?o { -1 } }",
    "SELECT (--1 AS ?a) (1-1 AS ?b) (2*-1 AS ?c) (- -1 AS ?d) (1 - -1 AS ?e) (?u+-1 AS ?f) WHERE { BIND(3 AS ?u) }",
    "SELECT * WHERE { BIND(-1 AS ?a) FILTER(?a = -1 && ?a < +0 && -?a = 1) }",
])
def test_a_signed_number_is_written_back_whole_and_keeps_its_value(text: str) -> None:
    """Written as `- 1`, the engine read a signed number in a pattern or VALUES as the literal "- 1"^^xsd:integer,
    and `--1` as no value: 200, and other answers than the text asked for."""
    store = pyoxigraph.Store()
    written = read(text).text
    assert "- 1" not in written and "+ 2" not in written
    assert _rows(store.query(written)) == _rows(store.query(text))


@pytest.mark.parametrize("text, stored", [
    ("INSERT DATA { <http://e/s> <http://e/p> - 1 , + 2.5 ; <http://e/q> [ <http://e/r> - 3 ] }", ["-1", "-3", "2.5"]),
    ("INSERT { <http://e/s> <http://e/p> - 1 } WHERE { VALUES ?x { - 2 } FILTER(?x - 1 = - 3) }", ["-1"]),
])
def test_a_sign_set_apart_from_its_number_in_data_is_stored_as_an_integer_not_as_its_text(text: str,
                                                                                        stored: list[str]) -> None:
    """The engine stored `- 1` in data as the literal "- 1"^^xsd:integer, which no integer is."""
    store = pyoxigraph.Store()
    store.update(read(text, update=True).text)
    assert sorted(q.object.value for q in store if not isinstance(q.object, pyoxigraph.BlankNode)) == stored


def test_a_signed_number_in_inserted_data_is_stored_as_written() -> None:
    text = "INSERT DATA { <http://e/s> <http://e/p> -1 , +2.5 , -.5e1 }"
    written, original = pyoxigraph.Store(), pyoxigraph.Store()
    written.update(read(text, update=True).text)
    original.update(text)
    assert sorted(q.object.value for q in written) == sorted(q.object.value for q in original) == ["-1", "-5", "2.5"]


def test_a_chain_of_signed_numbers_counts_towards_the_limit_as_a_chain_of_additions() -> None:
    with pytest.raises(UsageError, match="combines"):
        check_query("ASK { FILTER(" + "1" + "-1" * 600 + " = 0) }")
    check_query("ASK { FILTER(" + "1" + "-1" * 50 + " = -49) }")
    check_query("SELECT ?x WHERE { VALUES ?x { " + " -1" * 2000 + " } }")  # a flat list, however long


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { BIND(<<( <http://e/a> <http://e/b> 1 )>> AS ?t) FILTER(isTRIPLE(?t)) }",
    "SELECT * WHERE { BIND(<<(<http://e/a> <http://e/b> \"c\"@en--rtl)>> AS ?t) BIND(SUBJECT(?t) AS ?s) }",
    "SELECT * WHERE { VALUES ?t { <<( <http://e/a> <http://e/b> <<( <http://e/c> <http://e/d> -1 )>> )>> } }",
    "CONSTRUCT { <http://a> <http://b> <<( <http://a> <http://b> <http://c> )>> } {}",
    "SELECT * WHERE { << ?s ?p ?o >> ?q ?r }",
    "SELECT * WHERE { ?s ?p ?o {| ?q ?r |} }",
    "SELECT * WHERE { ?s ?p ?o ~ ?r }",
    "SELECT ?t WHERE { BIND(triple(<http://a>, <http://b>, 1) AS ?t) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(isTriple(?o) || ?o = OBJECT(?o)) }",
])
def test_a_triple_term_or_quoted_triple_is_refused_in_a_query_and_an_update(text: str) -> None:
    """The data holds no triple terms, and an answer format that cannot write one (JSON-LD) fails half-way through
    the engine's answer, which read as the engine having stopped (503): refused before, in both languages."""
    with pytest.raises(UsageError, match="triple term") as refused:
        read(text)
    assert "triplet cité" in (refused.value.fr or "")
    assert pyoxigraph.Store().query(text) is not None  # the engine itself reads it
    with pytest.raises(UsageError, match="triple term"):
        read("INSERT DATA { <http://a> <http://b> <<( <http://a> <http://b> 1 )>> }", update=True)


# --- differential: each text the guard lets through, run on the real engine ------------------------

FRAGMENTS = [
    "'a'", '"b"', "'''c'''", '"""d"""', "'\\u0027'", '"\\u0022"', "'\\''", "'''x'y''z'''", '"#"', "'}'", '"{"',
    "\\u0053ERVICE", "\\u0027", "\\U00110000", "# SERVICE <CANARY> {\n", "#'''\n", "#'\n", "#\"\n",
    "p:x", "p:a\\'b", "p:SERVICE", "SERVICE:x", "p:", ".SERVICE", "?o.SERVICE", "1.", ".5", "1.e3",
    "SERVICE <CANARY> { ?a ?b ?c }", "SERVICE SILENT p:x { }", "service <rel> {}", "SeRvIcE", "SERVICE",
    "LOAD <CANARY>", "FROM <CANARY>", "FROM NAMED p:x", "BIND(1 AS ?o)", "FILTER(?o<p:a#>", "FILTER(?o<'>",
    "FILTER(?o<?q#>", "<", ">", "<CANARY>", "<'>", "<#>", "(", ")", "{", "}", "[", "]", ".", ";", ",",
    "?s ?p ?o", "\n", " ", "'''", '"""', "'", '"', "FILTER(", "BIND(", "OPTIONAL", "UNION",
    "SERVICESILENT<CANARY>{}", "servicesilent", "SERVICE:x{}", "SERVICE:", "FROMNAMED<CANARY>", "LOADSILENT",
]
HOSTILE = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=25).map(lambda parts: "".join(
    f"{part} " if i % 3 else part for i, part in enumerate(parts)))
HEAD = "BASE <CANARY> PREFIX p: <CANARY> PREFIX : <CANARY> SELECT * WHERE { BIND(1 AS ?o) "


PIECES = [
    "FILTER(STR(?o) != 'x\\u0027y')", "FILTER(?o<2&&?o>0)", "FILTER(?o<?o)", "FILTER(\"#\" != '}')",
    "FILTER('''a'b''' != \"\"\"c\"d\"\"\")", "FILTER(?o<p:a||true)", "# SERVICE <CANARY> {\n", "#'\n",
    "OPTIONAL { ?o p:x 'SERVICE <CANARY> {' }", "{ } UNION { }", "MINUS { ?o p:SERVICE ?x }",
    "FILTER NOT EXISTS { ?o <CANARY#x> ?z }", "?o <CANARY#x> ?y .", "FILTER(?o IN (1, 'a', <CANARY>))", ".",
    "FILTER(?o<<x'>)", "FILTER(?o<<x#>)", "OPTIONAL { ?o p:a\\'b ?w }", "FILTER(?o<'>'||?o>'<')",
    "SERVICE <CANARY> { ?a ?b ?c }", "SeRvIcE<CANARY>{}", ".SERVICE <CANARY> {}", "SERVICESILENT<CANARY>{}",
    "SERVICE:x {}", "servicesilent:x {}", "FILTER(?o<p:x#>'''\n) SERVICE "
                                                                                  "<CANARY> {} FILTER(1#'''\n)",
]
SEPARATORS = st.sampled_from([" ", "", "\n", " # x\n", "\t"])
VALIDISH = st.lists(st.tuples(st.sampled_from(PIECES), SEPARATORS), min_size=1, max_size=12).map(
    lambda parts: "".join(piece + separator for piece, separator in parts))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=HOSTILE | VALIDISH, closing=st.sampled_from(["}", " }", "\n}", "'''\n}", "#\n}", ") }"]))
def test_no_text_the_guard_lets_through_makes_the_engine_call_out_or_die(
        engine: Engine, canary: Canary, body: str, closing: str) -> None:
    generation = engine.generation
    text = (HEAD + body + closing).replace("CANARY", canary.url)
    try:
        checked = check_query(text, Limits())
    except IsicError:
        return
    on_engine(engine, checked.text)
    assert canary.heard == [], (text, checked.text)
    assert on_engine(engine, "ASK {}") == 200 and engine.generation == generation, text


def test_the_hostile_examples_written_back_never_reach_the_canary(engine: Engine, canary: Canary) -> None:
    """The `<`-as-operator texts that do call out when the engine gets them raw, once written back."""
    for raw in [f"PREFIX e: <http://e/> SELECT * WHERE {{ BIND(1 AS ?o) FILTER(?o<e:a#>'''\n) SERVICE <{canary.url}> "
                "{ ?x ?y ?z } FILTER(1#'''\n) }",
                f"SELECT * WHERE {{ BIND(1 AS ?o) FILTER(?o<?q#>'''\n) SERVICE <{canary.url}> {{ ?x ?y ?z }} "
                "FILTER(1#'''\n) }"]:
        tokens = tokenize(raw)
        assert not any(t.is_word("SERVICE") for t in tokens)  # to this reading, the SERVICE is in a string
        assert on_engine(engine, write(tokens)) == 400
    assert canary.heard == []


GLUED = [
    "SELECT * WHERE {{ SERVICESILENT<{canary}x> {{ ?s ?p ?o }} }}",
    "select * where {{ servicesilent<{canary}x> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcEsIlEnT<{canary}x> {{ ?s ?p ?o }} }}",
    "PREFIX : <{canary}> PREFIX SERVICE: <http://x/> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "PREFIX : <{canary}> PREFIX servicesilent: <http://x/> SELECT * WHERE {{ servicesilent:x {{ ?s ?p ?o }} }}",
    "PREFIX : <{canary}> PREFIX SILENT: <http://x/> SELECT * WHERE {{ SERVICE SILENT:x {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c .SERVICESILENT<{canary}x>{{}} }}",
]


@pytest.mark.parametrize("raw", GLUED)
def test_a_keyword_glued_to_what_follows_is_refused_where_the_engine_would_read_it_and_call_out(
        engine: Engine, canary: Canary, raw: str) -> None:
    """The engine reads a keyword by its letters, whatever follows them: `SERVICESILENT<…>` and `SERVICE:x` (the
    empty prefix's `x`) are SERVICE to it, one word or one prefixed name to the tokens; it called any address, and
    gave back what that address answered."""
    text = raw.format(canary=canary.url)
    with pytest.raises(UsageError, match="keyword") as refused:
        check_query(text)
    assert "mot-clé" in (refused.value.fr or "")
    heard = len(canary.heard)
    on_engine(engine, text)  # the engine itself, given the client's text, calls out: the danger is real
    assert len(canary.heard) > heard, text
    canary.heard.clear()


@pytest.mark.parametrize("text", [
    "SELECT * FROMNAMED<http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
    "SELECT * FROM<http://127.0.0.1:9/x> FROMNAMED<http://127.0.0.1:9/y> WHERE { ?s ?p ?o }",
    "PREFIX NAMED: <http://localhost:5000/graph/network/> SELECT * FROM NAMED:anas WHERE { ?s ?p ?o }",
    "SELECTDISTINCT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p ?o } LIMIT10", "ASK { FILTER(STRLEN2('a')) }",
    "PREFIXe: <http://e/> SELECT * WHERE { ?s e:p ?o }", "PREFIX fromage: <http://e/> ASK { ?s fromage:p ?o }",
    "PREFIX SERVICE_: <http://x/> SELECT * WHERE { SERVICE_:x { ?s ?p ?o } }",
])
def test_a_query_with_a_keyword_glued_to_what_follows_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="keyword|starts with SELECT"):
        check_query(text)


@pytest.mark.parametrize("text", [
    "LOADSILENT<http://127.0.0.1:9/l>", "loadSILENT<http://127.0.0.1:9/l> INTO GRAPH <urn:g>",
    "PREFIX CREATESILENTGRAPH: <http://x/> CREATESILENTGRAPH:made",
    "PREFIX : <http://localhost:5000/graph/network/> PREFIX DROPGRAPH: <http://x/> DROPGRAPH:anas",
    "INSERT DATA { GRAPH<urn:g> { <urn:a> <urn:b> <urn:c> } } ; CLEARGRAPH<urn:g>",
    "PREFIX GRAPH: <urn:x:> INSERT DATA { GRAPH:y { <urn:a> <urn:b> <urn:c> } }",
    "PREFIX WITH: <urn:x:> WITH:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_an_update_with_a_keyword_glued_to_what_follows_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="keyword|LOAD"):
        read(text, update=True)


@pytest.mark.parametrize("text", [
    "PREFIX insert: <urn:i#> PREFIX drop: <urn:d#> SELECT * WHERE { ?s insert:data drop:all }",
    "PREFIX a: <urn:a#> PREFIX as: <urn:s#> PREFIX graph: <urn:g#> SELECT * WHERE { ?s a:p ?o ; as:q graph:x }",
    "SELECT (STRLEN(?x) AS ?l) (GROUP_CONCAT(?x; SEPARATOR=',') AS ?g) WHERE { ?s ?p ?x FILTER(isIRI(?s) && "
    "sameTerm(?s, ?s) && STRSTARTS(?x, 'a') && isNumeric(1)) } GROUP BY ?s ?x ORDER BY DESC(?l) ASC(?g) LIMIT 10",
    "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1", "ASK { FILTER(LANGMATCHES(LANG('a'@fr), 'fr')) }",
])
def test_a_query_whose_words_begin_like_keywords_but_are_keywords_or_prefixes_runs(text: str) -> None:
    check_query(text)


_SAMPLE_STORE: list[pyoxigraph.Store] = []


def _samples() -> pyoxigraph.Store:
    if not _SAMPLE_STORE:
        store = pyoxigraph.Store()
        for path in sorted([*SAMPLES.rglob("*.ttl"), *ONTOLOGY.rglob("*.ttl")]):
            store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri="http://localhost:5000/",
                       to_graph=pyoxigraph.NamedNode(f"urn:sample:{path.stem}"))
        _SAMPLE_STORE.append(store)
    return _SAMPLE_STORE[0]


def _rows(result: Any) -> Any:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    if isinstance(result, pyoxigraph.QuerySolutions):
        return sorted(repr([str(v) if v is not None else None for v in row]) for row in result)
    return sorted(str(t) for t in result)


# --- through /sparql ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, tokens", [
    ("a:b", [("pname", "a:b")]),
    ("a.b:c", [("pname", "a.b:c")]),
    ("a-b:c", [("pname", "a-b:c")]),
    ("a-b", [("word", "a"), ("punct", "-"), ("word", "b")]),
    ("ab.", [("word", "ab"), ("punct", ".")]),
    ("a..b:c", [("pname", "a..b:c")]),
    ("x_y:z", [("pname", "x_y:z")]),
    ("_:b0", [("bnode", "_:b0")]),
    ("SELECT\u00b7x:y", [("pname", "SELECT\u00b7x:y")]),
    ("ab\u0300:c", [("pname", "ab\u0300:c")]),
    ("FILTER(?x)", [("word", "FILTER"), ("punct", "("), ("var", "?x"), ("punct", ")")]),
    ("true.", [("word", "true"), ("punct", ".")]),
    ("a1b:", [("pname", "a1b:")]),
    ("LIMIT 1", [("word", "LIMIT"), ("number", "1")]),
])
def test_a_word_is_read_as_a_prefixed_name_whenever_one_continues_it(text: str, tokens: list[tuple[str, str]]) -> None:
    """A word followed by what may continue a prefixed name (a dot, a hyphen, a colon, a middle dot, a combining
    mark) is the prefixed name, as the grammar's longest match reads it; a word followed by anything else is the
    word."""
    assert [(t.kind, t.value) for t in tokenize(text)] == tokens


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p '\\U00110000' }", "ASK { \\u0053ERVICE }",
                                  "SELECT * WHERE { ?s ?p <http://a/\\u0020b> }"])
def test_an_unreadable_text_is_a_400_naming_where_not_a_500(client: Any, method: str, text: str) -> None:
    answer = client.open("/sparql", method=method, **({"query_string": {"query": text}} if method == "GET"
                                                       else {"data": {"query": text}}))
    assert answer.status_code == 400 and "line 1, column" in answer.json["detail"]


def test_the_engines_syntax_error_points_into_the_clients_own_text(client: Any) -> None:
    text = "PREFIX e: <http://e/>\n# a comment\n  SELECT * WHERE {\n  ?s ?p ?o } LIMIT x"
    answer = client.post("/sparql", data={"query": text})
    assert answer.status_code == 400 and "error at line 4, column 20:" in answer.json["detail"], answer.json
    unclosed = client.post("/sparql", data={"query": "SELECT * WHERE {\n ?s ?p ?o FILTER(?o = = 1)\n}"})
    assert unclosed.status_code == 400 and "error at " in unclosed.json["detail"]


@pytest.mark.parametrize("chosen", ["json\r\nX-Injected: 1", "text/csv\r\n", "a/b c", "../../etc"])
def test_a_format_parameter_that_is_no_media_type_is_a_406(client: Any, chosen: str) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK {}", "format": chosen})
    assert answer.status_code == 406 and "X-Injected" not in answer.headers


def test_an_anonymous_client_cannot_start_a_harvest_with_scope_live(client: Any) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK {}", "scope": "live"})
    assert answer.status_code == 401 and "scope=live" in answer.json["detail"]


def test_service_to_any_address_is_refused_before_a_request_however_spelled(client: Any, canary: Canary) -> None:
    for text in [f"SELECT * WHERE {{ BIND('\\u0027' AS ?a) SERVICE <{canary.url}x> {{ ?s ?p ?o }} BIND('\\u0027' AS "
                 f"?b) }}",
                 f"SELECT * WHERE {{ ?a ?b ?c .SERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
                 f"BASE <{canary.url}> SELECT * WHERE {{ service <y> {{ ?s ?p ?o }} }}",
                 f"PREFIX c: <{canary.url}> SELECT * WHERE {{ SERVICE SILENT c:z {{ }} }}"]:
        answer = client.get("/sparql", query_string={"query": text})
        assert answer.status_code == 400 and "SERVICE is not allowed" in answer.json["detail"], text
    assert canary.heard == []


@pytest.mark.parametrize("chain", [
    "SELECT (1" + "+1" * 1500 + " AS ?x) {}", "SELECT (1" + "-1" * 1500 + " AS ?x) {}",
    "SELECT (" + "!" * 1500 + "true AS ?x) {}", "SELECT (true" + "||true" * 1500 + " AS ?x) {}",
    "SELECT * {" + "{}UNION" * 1500 + "{}}", "SELECT * {" + "OPTIONAL{}" * 1500 + "}", "SELECT * {" + "{}" * 1500 + "}",
    "SELECT * {" + "".join(f"BIND(1 AS ?v{i})" for i in range(1500)) + "}", "SELECT * {" + "MINUS{}" * 1500 + "}",
    "SELECT * { ?s <http://e/p>" + "/<http://e/p>" * 1500 + " ?o }", "SELECT (" + "- " * 1500 + "1 AS ?x) {}",
    "SELECT * { ?s " + "^" * 1500 + "<http://e/p> ?o }", "SELECT * {" + "FILTER(true)" * 1500 + "}",
    "SELECT * { " + "<< " * 70 + "?s ?p ?o" + " >>" * 70 + " ?q ?r }",
])
def test_long_chains_of_operators_and_patterns_are_refused_before_the_engine(chain: str) -> None:
    """Without brackets, a chain builds a tree as deep as a nest: 5,000 links overflowed the engine's stack."""
    with pytest.raises(UsageError, match="combines|nests"):
        check_query(chain)


ITEMS = " 1" * 1500
LISTS = ", 1" * 1500


@pytest.mark.parametrize("listed", [
    f"SELECT * {{ ?s ?p ({ITEMS}) }}", f"SELECT * {{ ({ITEMS}) ?p ?o }}", f"ASK {{ ?s ?p ({ITEMS}) }}",
    f"DESCRIBE ?s {{ ?s ?p ({ITEMS}) }}", f"CONSTRUCT WHERE {{ ?s ?p ({ITEMS}) }}",
    f"SELECT * {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s ?p ({ITEMS}) }} }}", f"SELECT * {{ ?s ?p ((({ITEMS}))) }}",
    "SELECT * { ?s ?p (" + "(1)" * 1500 + ") }", "SELECT * { ?s ?p (" + "[]" * 1500 + ") }",
    "SELECT * { ?s ?p (" + '"x"@fr ' * 1500 + ") }", "SELECT * { ?s ?p (" + "true " * 1500 + ") }",
    f"SELECT * {{ ?s ?p 1{LISTS} }}", f"SELECT * {{ ?s ?p [ <http://e/p> 1{LISTS} ] }}",
    f"SELECT * {{ ?s ?p ( [ <http://e/p> 1{LISTS} ] ) }}", f"SELECT * {{ ?s ?p ?o FILTER(EXISTS {{ ?s ?p 1{LISTS} }}) "
                                                           f"}}",
    f"SELECT * {{ ?s a ({ITEMS}) }}", f"SELECT * {{ ?s <http://e/p> ({ITEMS}) }}",
    "SELECT * { ?s <http://e/p> ?o" + " ; <http://e/p> ?o" * 1500 + " }",  # a predicate list
    "SELECT * { " + "?s ?p ?o . " * 1500 + "}", "SELECT * { " + "?s ?p ?o ." * 1500 + "}",  # triple patterns
    "SELECT * { ?s ?p [ <http://e/p> 1" + " ; <http://e/p> 1" * 1500 + " ] }",
    "SELECT * { GRAPH ?g { " + "?s ?p ?o . " * 1500 + "} }", "CONSTRUCT WHERE { " + "?s ?p ?o . " * 1500 + "}",
    "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(900)) + " {}",  # projected expressions
    "DESCRIBE" + " <http://e/x>" * 1500, "DESCRIBE ?a" + " ?b" * 1500 + " WHERE { ?a ?p ?b }",
])
def test_long_collections_and_object_lists_are_refused_before_the_engine(listed: str) -> None:
    """The engine reads a collection's items and an object list's values as a chain: 6,000 overflowed its stack."""
    with pytest.raises(UsageError, match="combines"):
        check_query(listed)


@pytest.mark.parametrize("update", [f"INSERT DATA {{ <http://e/s> <http://e/p> ({ITEMS}) }}",
                                    f"INSERT DATA {{ <http://e/s> <http://e/p> 1{LISTS} }}",
                                    f"DELETE WHERE {{ ?s ?p 1{LISTS} }}",
                                    "DELETE { ?s ?p ?o } WHERE { " + "?s ?p ?o . " * 1500 + "}",
                                    "INSERT DATA { <http://e/s> <http://e/p> 1 } ; DELETE WHERE { ?s <http://e/p> ?o"
                                    + " ; <http://e/p> ?o" * 1500 + " }"])
def test_long_collections_and_object_lists_are_refused_in_updates_too(update: str) -> None:
    with pytest.raises(UsageError, match="combines"):
        read(update, update=True)


def test_the_triples_of_insert_data_and_delete_data_stay_a_flat_list_and_allowed() -> None:
    triples = " ".join(f"<http://e/s{i}> <http://e/p> {i} ; <http://e/q> 1 ." for i in range(3000))
    for update in (f"INSERT DATA {{ {triples} }}", f"DELETE DATA {{ GRAPH <http://e/g> {{ {triples} }} }}",
                   f"INSERT DATA {{ {triples} }} ; DELETE WHERE {{ ?s <http://e/p> ?o . ?s <http://e/q> 1 }}"):
        assert read(update, Limits(max_bytes=1 << 20), update=True).form == "UPDATE"


def test_long_in_lists_and_calls_stay_flat_and_allowed() -> None:
    check_query("SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(["1"] * 6000) + ")) }")
    check_query("SELECT * { ?s ?p ?o FILTER(?o NOT IN (" + ", ".join(["1"] * 6000) + ")) }")
    check_query("SELECT (CONCAT(" + ", ".join(['"x"'] * 3000) + ") AS ?c) {}")
    check_query("SELECT * { VALUES ?v { " + " 1" * 6000 + " } }")


def test_the_engine_survives_the_longest_chains_the_guard_lets_through(engine: Engine) -> None:
    generation = engine.generation
    for chain in ["SELECT * {" + "".join(f"BIND(1 AS ?v{i})" for i in range(490)) + "}",
                  "SELECT * {" + "MINUS{}" * 245 + "}", "SELECT (1" + "+1" * 490 + " AS ?x) {}",
                  "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(490)) + " {}", "DESCRIBE" + " <http://e/x>" * 490,
                  "SELECT * {" + "{}UNION" * 245 + "{}}", "CONSTRUCT { <http://e/s> "
                                                          "<http://e/p> (" + " 1" * 490 + ") } WHERE {}",
                  "CONSTRUCT { <http://e/s> <http://e/p> 1" + ", 2" * 490 + " } WHERE {}",
                  "CONSTRUCT { <http://e/s> <http://e/p> ( [ <http://e/p> 1" + ", 2" * 490 + " ] ) } WHERE {}"]:
        on_engine(engine, check_query(chain).text)
    assert on_engine(engine, "ASK {}") == 200 and engine.generation == generation


@pytest.mark.parametrize("rows", [600, 1500])
def test_the_rows_of_a_values_block_of_several_variables_are_flat_and_allowed(rows: int) -> None:
    """`VALUES (?a ?b) { (1 "x") … }`: each row was counted as a collection's item, and 600 rows were refused saying
    to use VALUES."""
    table = " ".join(f'({i} "x" <http://e/{i}>)' for i in range(rows))
    for text in (f"SELECT * WHERE {{ VALUES (?a ?b ?c) {{ {table} }} }}",
                 f"SELECT * WHERE {{ ?s ?p ?o }} VALUES (?a ?b ?c) {{ {table} }}",
                 f"SELECT * WHERE {{ VALUES (?a ?b ?c) {{ {table} }} ?s <http://e/p> (1 2 3) }}"):
        check_query(text)
    with pytest.raises(UsageError, match="combines"):  # a collection after the table is still counted
        check_query(f"SELECT * WHERE {{ VALUES (?a ?b ?c) {{ {table} }} ?s <http://e/p> ({ITEMS}) }}")
