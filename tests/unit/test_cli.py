"""The isic-graph commands, as an operator runs them, on both backends."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from isic_graph.cli import main
from isic_graph.config import COLLECTOR_THRESHOLDS, Settings
from isic_graph.store import open_store
from tests.support import paths
from tests.support.oxigraph_server import load_dataset

ROOT = paths.ROOT
VALID = ROOT / "tests" / "data" / "valid" / "minimal-sheet.ttl"
INVALID = ROOT / "tests" / "data" / "invalid" / "end-before-start.ttl"


def environment(settings: Settings) -> dict[str, str]:
    env = {"ISIC_BASE_IRI": settings.base_iri, "ISIC_STORE": str(settings.store_path or "")}
    if settings.store_url:
        env.update(ISIC_STORE_URL=settings.store_url, ISIC_STORE_UPDATE_URL=settings.update_url or "",
                   ISIC_STORE_GSP_URL=settings.store_gsp_url or "")
    return env


def invoker(settings: Settings) -> Callable[..., Result]:
    runner = CliRunner()
    env = environment(settings)

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def fresh_cli(settings: Settings) -> Iterator[Callable[..., Result]]:
    """The commands on a store that `init` has just made."""
    invoke = invoker(settings)
    assert invoke("init").exit_code == 0
    yield invoke
    with open_store(settings, create=True) as store:
        store.update("DROP ALL")


@pytest.fixture
def cli(settings: Settings, initialised: tuple[Path, bytes]) -> Iterator[Callable[..., Result]]:
    """The commands on a store as `init` leaves it: a copy of the one initialised once (its folder for the embedded
    backend, its quads for the remote one)."""
    folder, nquads = initialised
    if settings.store_url:
        with open_store(settings, create=True) as store:
            store.update("DROP ALL")
            load_dataset(settings.store_gsp_url or "", nquads)
            store.rebuild_default_graph()  # loaded by the engine's own graph store: outside SPARQL updates
    else:
        assert settings.store_path is not None
        shutil.copytree(folder, settings.store_path)
    yield invoker(settings)
    if settings.store_url:  # the server is shared: emptied for the next test (a folder of the test's own is not)
        with open_store(settings, create=True) as store:
            store.update("DROP ALL")


def test_init_loads_the_ontology_and_thesauri(fresh_cli) -> None:  # type: ignore[no-untyped-def]
    result = fresh_cli("stats")
    assert result.exit_code == 0
    assert "graph/ontology>" in result.output and "graph/thesauri>" in result.output
    lines = result.output.splitlines()
    graphs = [int(line.split()[0]) for line in lines if line.rstrip().endswith(">")]
    total = next(line for line in lines if "in all the graphs" in line)
    assert int(total.split()[0]) == sum(graphs)  # each graph's triples, which it says: not the distinct triples
    assert "a triple two graphs state counts twice" in total


def test_ingest_then_query_as_csv_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    ingested = cli("ingest", str(VALID), "--network", "demo")
    assert ingested.exit_code == 0, ingested.output
    assert "graph/network/demo" in ingested.output
    query = "SELECT ?t WHERE { <http://localhost:5000/id/project/demo> <http://purl.org/dc/terms/title> ?t }"
    as_csv = cli("query", query, "--format", "csv")
    assert as_csv.output.splitlines()[0] == "t" and len(as_csv.output.splitlines()) >= 2
    as_json = json.loads(cli("query", query, "--format", "json").output)
    assert as_json["head"]["vars"] == ["t"] and as_json["results"]["bindings"]


GRAPH_QUERY = ("CONSTRUCT { ?s a <http://www.w3.org/2002/07/owl#Class> } WHERE { GRAPH ?g { ?s a "
               "<http://www.w3.org/2002/07/owl#Class> FILTER isIRI(?s) } } ORDER BY ?s LIMIT 3")


def test_a_graph_answer_is_written_in_the_rdf_format_asked(cli) -> None:  # type: ignore[no-untyped-def]
    turtle = cli("query", GRAPH_QUERY)
    assert turtle.exit_code == 0 and turtle.stdout == cli("query", GRAPH_QUERY, "--format", "turtle").stdout
    lines = cli("query", GRAPH_QUERY, "--format", "ntriples").stdout.splitlines()
    assert len(lines) == 3 and all(re.fullmatch(r"<[^>]+> <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> "
                                                r"<http://www\.w3\.org/2002/07/owl#Class> \.", line) for line in lines)
    assert [line.split()[0] for line in lines] == sorted(line.split()[0] for line in lines)
    assert json.loads(cli("query", "ASK { ?s ?p ?o }", "--format", "json").stdout) == {"head": {}, "boolean": True}
    assert cli("query", "ASK { ?s ?p ?o }").stdout == "true\n"


@pytest.mark.parametrize(("query", "fmt", "fitting"), [
    (GRAPH_QUERY, "csv", "table, turtle, ntriples"), (GRAPH_QUERY, "json", "table, turtle, ntriples"),
    ("DESCRIBE <http://example.org/x>", "csv", "table, turtle, ntriples"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "turtle", "table, csv, json"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "ntriples", "table, csv, json"),
    ("ASK { ?s ?p ?o }", "csv", "table, json"), ("ASK { ?s ?p ?o }", "turtle", "table, json")])
def test_a_format_that_does_not_fit_the_answer_is_a_usage_error_naming_those_that_do(  # type: ignore[no-untyped-def]
        cli, query: str, fmt: str, fitting: str) -> None:
    """Not another format's text under the name asked (a graph's Turtle for `--format csv`, as before)."""
    result = cli("query", query, "--format", fmt)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--format {fmt} does not fit" in result.stderr and f"give {fitting}" in result.stderr
    form = query.split()[0]
    assert f"{'an' if form == 'ASK' else 'a'} {form} query" in result.stderr, result.stderr
    french = cli("--lang", "fr", "query", query, "--format", fmt)
    assert french.exit_code == 2 and "ne convient pas" in french.stderr and f"donnez {fitting}" in french.stderr


def test_ingesting_the_same_data_again_records_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    activities = "SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a <http://www.w3.org/ns/prov#Activity> } }"
    first = cli("ingest", str(VALID), "--network", "demo", "--lang", "en")
    assert first.exit_code == 0 and "provenance <" in first.output, first.output
    count = cli("query", activities, "--format", "csv").output
    again = cli("ingest", str(VALID), "--network", "demo", "--lang", "en")
    assert again.exit_code == 0 and "already holds this data: nothing was stored" in again.output, again.output
    assert "provenance" not in again.output and cli("query", activities, "--format", "csv").output == count


def test_refused_ingest_exits_1_with_a_readable_report(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(INVALID), "--network", "demo", "--lang", "en")
    assert result.exit_code == 1
    assert "nothing was stored" in result.output and "Traceback" not in result.output
    assert "isic:startDate" in result.output or "isic:endDate" in result.output


def test_validate_exit_codes_say_conforms_not_or_usage(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("validate", str(VALID)).exit_code == 0
    report = tmp_path / "report.ttl"
    refused = cli("validate", str(INVALID), "--report", str(report))
    assert refused.exit_code == 1
    assert "sh:ValidationReport" in report.read_text() or "ValidationReport" in report.read_text()
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    assert cli("validate", str(bad)).exit_code == 2
    assert cli("validate", str(tmp_path / "missing.ttl")).exit_code == 2
    assert cli("validate", str(tmp_path / "x.docx")).exit_code == 2


def test_export_of_one_network_as_turtle_and_of_all_as_nquads(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(VALID), "--network", "demo")
    turtle = cli("export", "--network", "demo", "--format", "turtle").output
    assert "@prefix isic:" in turtle and "id/project/demo" in turtle
    out = tmp_path / "dump.nq"
    assert cli("export", "-o", str(out)).exit_code == 0
    assert "<http://localhost:5000/graph/network/demo> ." in out.read_text()
    assert cli("export", "--network", "nobody").exit_code == 1


def test_a_dry_run_withdrawal_refuses_the_reason_the_withdrawal_would_refuse(cli) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(VALID), "--network", "demo")
    project = "http://localhost:5000/id/project/demo"
    for reason in ("à la demande de jean.dupont@example.org", "rappeler au 06 12 34 56 78", " "):
        refused = cli("retract", project, "--network", "demo", "--reason", reason, "--dry-run")
        assert refused.exit_code == 1 and "would withdraw" not in refused.output, refused.output
        assert "reason" in refused.output and "jean.dupont" not in refused.output and "06 12" not in refused.output
    planned = cli("retract", project, "--network", "demo", "--reason", "publié par erreur", "--dry-run")
    assert planned.exit_code == 0 and f"would withdraw\t<{project}>" in planned.output, planned.output


def test_a_file_that_cannot_be_written_or_read_is_a_message_and_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Never a traceback, and never exit 1, which says "does not conform" to a script."""
    cli("ingest", str(VALID), "--network", "demo")
    missing = tmp_path / "no" / "such" / "folder"
    for args, lang in ((["validate", "--report", str(missing / "r.ttl"), str(VALID)], "en"),
                       (["validate", "--lang", "fr", "--report", str(missing / "r.jsonld"), str(VALID)], "fr"),
                       (["export", "--network", "demo", "-o", str(missing / "x.ttl")], "en"),
                       (["export", "-o", str(missing / "all.nq.gz")], "en"),
                       (["export", "--network", "demo", "--format", "xlsx", "-o", str(missing / "x.xlsx")], "en")):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and str(missing) in result.output, result.output
        assert ("n'a pu être lu ni écrit" if lang == "fr" else "could not be read or written") in result.output


def test_validating_an_empty_file_is_refused_as_ingesting_it_is(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "vide.ttl"
    empty.write_text("# rien ici\n", encoding="utf-8")
    validated = cli("validate", str(empty))
    assert validated.exit_code == 2 and "holds no statement" in validated.output and "Conform" not in validated.output
    ingested = cli("ingest", str(empty), "--network", "demo")
    assert ingested.exit_code == 1 and "holds no statement" in ingested.output


def test_load_refuses_managed_graphs_and_replaces_reference_graphs(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ref = tmp_path / "ref.ttl"
    ref.write_text('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .')
    refused = cli("load", str(ref), "--graph", "http://localhost:5000/graph/network/demo")
    assert refused.exit_code == 1 and "managed by isic-graph" in refused.output
    assert cli("load", str(ref), "--graph", "http://example.org/ref").exit_code == 0
    assert cli("load", str(ref), "--graph", "http://example.org/ref").exit_code == 0
    count = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/ref> { ?s ?p ?o } }", "--format",
                "csv")
    assert count.output.splitlines()[1] == "1"


def test_query_syntax_error_is_a_message_not_a_traceback(cli) -> None:  # type: ignore[no-untyped-def]
    """A parse error, as the docs' exit statuses say (1 refused, 2 usage or parse error), as /sparql says 400."""
    for text in ("SELEKT * WHERE {}", "SELECT * WHERE { ?s ?p }", "ASK { FILTER(?x = ) }"):
        result = cli("query", text)
        assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output, \
            (text, result.output)


@pytest.mark.parametrize(("text", "at"), [
    ("SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?x = ) }", "error at line 3, column 18"),
    ("PREFIX e: <http://e/>\n# a comment\n  SELECT * WHERE {\n  ?s ?p ?o } LIMIT x", "error at line 4, column 20:"),
    ("PREFIX e: <http://e/>\n  SELEKT * WHERE { ?s ?p ?o }", "line 2, column 3: a query starts with SELECT")])
def test_query_syntax_error_says_where_in_the_text_given_as_sparql_does(  # type: ignore[no-untyped-def]
        cli, text: str, at: str) -> None:
    """The engine reads the text written from the query's reading: where it stopped is given in the text the
    analyst wrote (it was the written text's `1:46`), as /sparql gives it."""
    result = cli("query", text)
    assert result.exit_code == 2 and at in result.output, result.output


def test_every_command_runs_with_the_collector_set_for_the_validators_graphs() -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's default
    try:
        result = CliRunner().invoke(main, ["settings"])
        assert result.exit_code == 0, result.output
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS == (10_000, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_ingest_upsert_of_a_field_alone_is_refused_and_the_description_kept(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path) -> None:
    cli("ingest", str(VALID), "--network", "demo")
    alone = tmp_path / "alone.ttl"
    alone.write_text('<http://localhost:5000/id/project/demo> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n')
    refused = cli("ingest", str(alone), "--network", "demo", "--mode", "upsert", "--lang", "en")
    assert refused.exit_code == 1, refused.output
    assert "has no class" in refused.output and "id/project/demo" in refused.output
    query = "SELECT ?t WHERE { <http://localhost:5000/id/project/demo> <http://purl.org/dc/terms/title> ?t }"
    assert len(cli("query", query, "--format", "csv").output.splitlines()) >= 2


def test_check_lists_a_stored_resource_left_with_no_class(  # type: ignore[no-untyped-def]
        cli, settings: Settings) -> None:
    cli("ingest", str(VALID), "--network", "demo")
    assert cli("check", "--network", "demo").exit_code == 0
    project, graph = "<http://localhost:5000/id/project/demo>", "<http://localhost:5000/graph/network/demo>"
    with open_store(settings, create=True) as store:  # as an upsert of one field alone used to leave it
        store.update(f'DELETE WHERE {{ GRAPH {graph} {{ {project} ?p ?o }} }} ; INSERT DATA {{ GRAPH {graph} '
                     f'{{ {project} <http://www.w3.org/2000/01/rdf-schema#comment> "x" }} }}')
    found = cli("check", "--network", "demo", "--lang", "en")
    assert found.exit_code == 1 and "id/project/demo" in found.output and "has no class" in found.output


def test_check_of_a_network_with_no_graph_says_so(cli) -> None:  # type: ignore[no-untyped-def]
    """A typo printed nothing and exited 0: an all-clear for a network that was never checked."""
    cli("ingest", str(VALID), "--network", "demo")
    found = cli("check", "--network", "dmeo", "--lang", "fr")
    assert found.exit_code == 2 and "aucun réseau « dmeo » n'a de graphe ici" in found.output, found.output
    assert "vouliez-vous dire « demo » ?" in found.output


@pytest.mark.parametrize("args", [["restore", "/nonexistent/backup"], ["dangling", "--network", "nope"],
                                  ["retract", "http://localhost:5000/id/project/nope", "--network", "demo",
                                   "--reason", "x"]])
def test_every_command_speaks_french_when_asked_before_it(cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    """`restore`, `dangling`, `retract`… had no --lang: their refusals were in English for a French operator."""
    said = cli("--lang", "fr", *args)
    assert said.exit_code != 0 and said.output.startswith("erreur : "), said.output


FOREIGN = "is not a graph of this store"


@pytest.mark.parametrize(("query", "named"), [
    ("SELECT * FROM <http://127.0.0.1:5398/> WHERE { ?s ?p ?o }", "<http://127.0.0.1:5398/>"),
    ("BASE <http://127.0.0.1:5398/> SELECT * FROM <> WHERE { ?s ?p ?o }", "<http://127.0.0.1:5398/>"),
    ("select * from named <http://evil.example/> where { GRAPH ?g { ?s ?p ?o } }", "<http://evil.example/>"),
    ("PREFIX e: <http://evil.example/> ASK FROM e:g { ?s ?p ?o }", "<http://evil.example/g>"),
])
def test_query_naming_a_graph_the_store_does_not_hold_is_refused_as_on_sparql(  # type: ignore[no-untyped-def]
        cli, query: str, named: str) -> None:
    result = cli("query", query)
    assert result.exit_code == 2, result.output
    assert f"error: {named} {FOREIGN}: a dataset may only name its graphs" in result.output
    assert "Traceback" not in result.output


def test_query_from_and_from_named_a_graph_of_the_store_are_answered(  # type: ignore[no-untyped-def]
        cli, settings: Settings) -> None:
    ontology = f"<{settings.base_iri}graph/ontology>"
    counted = cli("query", f"SELECT (COUNT(*) AS ?n) FROM {ontology} WHERE {{ ?s ?p ?o }}", "--format", "csv")
    assert counted.exit_code == 0, counted.output
    assert int(counted.output.splitlines()[1]) > 0
    named = cli("query", f"SELECT DISTINCT ?g FROM NAMED {ontology} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                "--format", "csv")
    assert named.exit_code == 0, named.output
    assert [line for line in named.output.splitlines()[1:] if line] == [ontology[1:-1]]


@pytest.mark.parametrize(("query", "said"), [
    ("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
     "SERVICE is not allowed here (http://evil.example/sparql): this endpoint only queries the registered peers' "
     "endpoints, and none is registered"),
    ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }",
     "SERVICE is not allowed here: SERVICE must name a registered peer's endpoint by its IRI (not a variable)"),
    ("SELECT * WHERE { ?s ?p ?o } ; LOAD <http://evil.example/data.ttl>",
     "LOAD is not allowed: the store never fetches URLs"),
    ("load <http://evil.example/data.ttl>",
     "this text is an update (it starts with LOAD), not a query: updates are not accepted here"),
    ("PREFIX e: <http://evil.example/> INSERT DATA { e:s e:p e:o }",
     "this text is an update (it starts with INSERT), not a query: updates are not accepted here"),
    ("DELETE WHERE { ?s ?p ?o }", "this text is an update (it starts with DELETE)"),
])
def test_query_with_service_load_or_an_update_is_refused_as_on_sparql(  # type: ignore[no-untyped-def]
        cli, query: str, said: str) -> None:
    result = cli("query", query)
    assert result.exit_code == 2, result.output
    assert f"error: {said}" in result.output and "Traceback" not in result.output


def test_query_resolves_relative_iris_against_the_service_not_the_engine(cli) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_relative_iris import ANSWERS, values
    for query, expected in ANSWERS.items():
        result = cli("query", query, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert values(result.output) == [expected], query
        assert "127.0.0.1" not in result.output


@pytest.mark.parametrize(("network", "said"), [("nope", "neither registered nor published"),
                                               ("FCSF", "invalid network name")])
def test_dangling_for_a_network_that_is_not_here_is_a_usage_error_not_a_clean_bill(  # type: ignore[no-untyped-def]
        cli, network: str, said: str) -> None:
    """Exit 1 says there are links to mend: a network that is not here, or no network's name, is exit 2."""
    result = cli("dangling", "--network", network)
    assert result.exit_code == 2 and said in result.output, result.output


def test_init_with_samples_again_leaves_a_networks_published_graph_as_it_is(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """It replaced anas's graph by the sample, the network's edit gone, and said only "sample network anas: 951
    triples"."""
    assert cli("init", "--samples").exit_code == 0
    edited = tmp_path / "anas"
    shutil.copytree(paths.ROOT / "samples" / "anas", edited)
    sheet = edited / "les-incompris.ttl"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("l'audace d'oser\"@fr", "édition 2026\"@fr"),
                     encoding="utf-8")
    assert cli("ingest", *sorted(str(p) for p in edited.iterdir()), "--network", "anas").exit_code == 0
    again = cli("init", "--samples")
    assert again.exit_code == 0 and "sample network anas: its graph is here already, left as it is" in again.output
    title = cli("query", "SELECT ?t WHERE { <http://localhost:5000/id/project/les-incompris> "
                         "<http://purl.org/dc/terms/title> ?t FILTER(lang(?t) = 'fr') }", "--format", "csv")
    assert "édition 2026" in title.output, title.output


def test_a_query_file_that_is_not_utf8_is_said_so_without_a_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    latin = tmp_path / "requete.rq"
    latin.write_bytes("SELECT ?s WHERE { ?s ?p 'été' }".encode("latin-1"))
    done = cli("query", "-f", str(latin))
    assert done.exit_code == 2 and "is not UTF-8 text: save it as UTF-8" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)


@pytest.mark.parametrize("command, content", [
    ("network", "[1, 2]"), ("network", '"text"'), ("network", '{"networks": {"x": 1}}'),
    ("network", '{"networks": {"x": {"nope": 1}}}'), ("peer", "[1, 2]"), ("peer", '{"peers": {"x": 1}}'),
    ("peer", '{"peers": {"x": {"sparql": 1, "extra": 2}}}')])
def test_a_credentials_or_peers_file_of_another_shape_is_said_so_without_a_traceback(
        settings: Settings, tmp_path: Path, command: str, content: str) -> None:
    """Valid JSON of the wrong shape gave an AttributeError or a TypeError from `network list` and `peer list`."""
    credentials, peers = tmp_path / "credentials.json", tmp_path / "peers.json"
    (credentials if command == "network" else peers).write_text(content, encoding="utf-8")
    files = {"ISIC_CREDENTIALS": str(credentials), "ISIC_PEERS": str(peers)}
    done = CliRunner().invoke(main, [command, "list"], env={**environment(settings), **files})
    assert done.exit_code != 0 and not isinstance(done.exception, (AttributeError, TypeError)), done.output
    assert "must be an object" in done.output or "is not one this file holds" in done.output, done.output


@pytest.mark.parametrize("fmt, output", [("turtle", "anas.zip"), ("ntriples", "q.zip"), ("turtle", "q.xlsx"),
                                         ("csv", "q.ttl"), ("jsonld", "q.nq.gz"), ("xlsx", "q.zip")])
def test_an_export_whose_format_and_file_name_disagree_is_refused_writing_nothing(
        cli, tmp_path: Path, fmt: str, output: str) -> None:  # type: ignore[no-untyped-def]
    """`--format turtle -o anas.zip` wrote a CSV sheet's zip; `--format csv -o q.ttl` made a folder named q.ttl."""
    out = tmp_path / "out"
    out.mkdir()
    done = cli("export", "--network", "demo", "--format", fmt, "-o", str(out / output))
    assert done.exit_code == 2 and f"--format {fmt} and -o {output}" in done.output and "disagree" in done.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fmt, output", [("turtle", "a.ttl"), ("nquads", "a.nq.gz"), ("trig", "a")])
def test_an_export_whose_format_and_file_name_agree_is_written(cli, tmp_path: Path, fmt: str, output: str) -> None:  # type: ignore[no-untyped-def]
    done = cli("export", "--format", fmt, "-o", str(tmp_path / output))
    assert done.exit_code == 0, done.output
    assert (tmp_path / output).stat().st_size > 0


def test_a_value_cut_in_a_table_says_so_with_an_ellipsis(cli) -> None:  # type: ignore[no-untyped-def]
    """`query --format table` cut values at 60 characters with no mark, piped or on a wide terminal."""
    long, short = "x" * 100, "court"
    done = cli("query", f"SELECT ?v WHERE {{ VALUES ?v {{ '{long}' '{short}' }} }}", "--format", "table")
    rows = done.output.splitlines()
    assert done.exit_code == 0 and "x" * 59 + "…" in rows and long not in done.output, done.output
    assert "court" + " " * 55 in rows
