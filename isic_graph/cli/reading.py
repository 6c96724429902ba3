"""The commands that read the store: query, export, stats, search."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

import click
from pyoxigraph import RdfFormat, serialize

from isic_graph.admin.bootstrap import stats
from isic_graph.cli.context import Context, chosen_language, fail, interruptible, progress, run, said
from isic_graph.cli.progress import Display
from isic_graph.errors import QueryTimeout, UsageError
from isic_graph.federation.peers import PeerRegistry
from isic_graph.federation.service import evaluate
from isic_graph.publish.export import (
    EXPORT_FORMATS,
    export_stream,
    export_to_file,
    output_format,
    write_chunks,
)
from isic_graph.publish.search import SearchIndex
from isic_graph.publish.sheet import SHEET_FORMATS, export_sheet
from isic_graph.query.asked import article, check_asked, once_in_text
from isic_graph.rdf.namespaces import curie
from isic_graph.sparql.guard import Checked, Limits
from isic_graph.store.base import Store
from isic_graph.store.engine import stop_serving_engine
from isic_graph.store.remote import RemoteStore
from isic_graph.store.results import QueryResult, SelectResult

# the formats of each form's answer, besides `table` (a SELECT's table, an ASK's true or false, a graph's Turtle)
ANSWER_FORMATS = {"SELECT": ("csv", "json"), "ASK": ("json",), "CONSTRUCT": ("turtle", "ntriples")}
QUERY_FORMATS = ["table", *dict.fromkeys(f for formats in ANSWER_FORMATS.values() for f in formats)]


@click.command("query")
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="SELECT: table, csv or json; ASK: table (true or false) or json; CONSTRUCT and DESCRIBE: table "
                   "(Turtle), turtle or ntriples.")
@click.pass_obj
def query_command(obj: Context, sparql: str | None, file: Path | None, fmt: str) -> None:
    """Run a SPARQL query (QUERY or -f FILE.rq) over all graphs."""
    if (sparql is None) == (file is None):
        fail("give either a QUERY or -f FILE.rq", 2)
    try:
        text = file.read_text(encoding="utf-8") if file else str(sparql)
    except (UnicodeDecodeError, OSError) as exc:
        reason = "it is not UTF-8 text: save it as UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        fail(f"{file} cannot be read: {reason}", 2)

    def action() -> None:
        # the text is read once and its dataset held to the store's graphs, by the function /sparql calls;
        # SERVICE blocks go to registered peers only, called by isic-graph itself, never by the engine, which gets
        # the text written from that reading. What /sparql refuses with 400 is a usage error here: exit 2
        limits = Limits(max_bytes=len(text.encode("utf-8", "surrogatepass")) + 1,
                        max_depth=obj.settings.query_max_depth)
        checked: Checked | None = None
        with obj.store(read_only=True) as store:
            try:
                asked = check_asked(text, limits, store, base=obj.graphs.service)  # relative IRIs: the service's
                checked = evaluate(asked, PeerRegistry(obj.settings.peers_path).list(), obj.settings.query_timeout,
                                   obj.settings.result_limit)
                checked = once_in_text(checked)  # each graph of its dataset once, as /sparql names them
                result = _answer(obj, store, checked.text)
            except UsageError as exc:
                if exc.status != 400:  # an answer too large to give: the query was read, its answer refused
                    raise
                # a syntax error too, which the engine finds: a parse error, placed in the text given, as /sparql does
                fail(checked.in_source(exc.text("en")) if checked is not None else exc.text("en"), 2)
        form = "SELECT" if isinstance(result, SelectResult) else "ASK" if isinstance(result, bool) else "CONSTRUCT"
        if fmt not in ANSWER_FORMATS[form] and fmt != "table":  # a usage error: exit 2, as a query refused
            fitting = ", ".join(("table", *ANSWER_FORMATS[form]))
            named = checked.form if checked is not None and checked.form else form  # DESCRIBE gives a graph too
            fail(f"--format {fmt} ne convient pas à la réponse d'une requête {named} : donnez {fitting}"
                 if chosen_language(None) == "fr" else
                 f"--format {fmt} does not fit the answer of {article(named)} {named} query: "
                 f"give {fitting}", 2)
        if isinstance(result, SelectResult):
            click.echo({"table": result.to_table, "csv": result.to_csv, "json": result.to_json}[fmt]())
        elif isinstance(result, bool):
            click.echo(json.dumps({"head": {}, "boolean": result}) if fmt == "json" else str(result).lower())
        else:
            graph = RdfFormat.N_TRIPLES if fmt == "ntriples" else RdfFormat.TURTLE
            click.echo((serialize(result, format=graph) or b"").decode("utf-8"), nl=False)
    run(action)


def _answer(obj: Context, store: Store, sparql: str) -> QueryResult:
    """The store's answer, within ISIC_QUERY_TIMEOUT and until Ctrl-C. A query given up on in a running server's
    engine goes on there (the engine keeps evaluating a query whose client left): that engine is stopped, and its
    server starts it again, as it does for a query of its own past its deadline."""
    # the store at ISIC_STORE read through a running server's engine (an operator's SPARQL server is left alone)
    served = obj.settings.store_path if isinstance(store, RemoteStore) and not obj.settings.store_url else None
    late = _late(obj.settings.query_timeout)
    try:
        return interruptible(partial(store.query, sparql), obj.settings.query_timeout, late)
    except (QueryTimeout, KeyboardInterrupt) as exc:  # the engine's own deadline (a server's), or this command's
        if served is not None and stop_serving_engine(served):
            progress(said("the running server's engine, which ran the query, was stopped: the server starts it again",
                          "le moteur du serveur en marche, qui exécutait la requête, a été arrêté : le serveur le "
                          "redémarre"))
        if isinstance(exc, QueryTimeout):
            raise late from None
        raise


def _late(seconds: float) -> QueryTimeout:
    """What a query that overran ISIC_QUERY_TIMEOUT says (the command stops; the store is only read)."""
    return QueryTimeout(f"the query ran longer than the {seconds:g} s limit and was stopped; narrow it (filters, "
                        "LIMIT, fewer joins), or give it more time for this command: "
                        "ISIC_QUERY_TIMEOUT=300 isic-graph query …",
                        fr=f"la requête a dépassé le délai de {seconds:g} s et a été arrêtée ; resserrez-la (filtres, "
                           "LIMIT, moins de jointures), ou donnez-lui plus de temps pour cette commande : "
                           "ISIC_QUERY_TIMEOUT=300 isic-graph query …")


def _named_format(output: Path) -> str | None:
    """The export format an output file's name gives (a sheet: `.xlsx`, `.zip` as csv), if any."""
    if output.suffix in (".xlsx", ".zip"):
        return "csv" if output.suffix == ".zip" else "xlsx"
    try:
        return output_format(output.with_suffix("") if output.suffix == ".gz" else output)
    except UsageError:
        return None


@click.command("export")
@click.option("--network", help="Only this network's graph.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS + SHEET_FORMATS),
              help="Default: the format the output file's extension names, else nquads. csv and xlsx: the "
                   "network's collection sheet (csv: a zip, or a folder of files when -o names a folder).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to a file (gzip-compressed when it ends with .gz).")
@click.pass_obj
def export_command(obj: Context, network: str | None, fmt: str | None, output: Path | None) -> None:
    """Dump the store (or one network) as N-Quads, TriG, Turtle, N-Triples or JSON-LD, streamed; or a network's
    collection sheet as CSV files or a workbook, to upload again."""
    def action() -> None:
        if fmt and output is not None and output.suffix and not output.is_dir():
            named = _named_format(output)
            if named is not None and named != fmt:
                fail(said(f"--format {fmt} and -o {output.name}, which names {named}, disagree: give one of them, or "
                          "make them agree", f"--format {fmt} et -o {output.name}, qui nomme {named}, ne s'accordent "
                          "pas : donnez l'un des deux, ou accordez-les"), 2)
        sheet = (fmt if fmt in SHEET_FORMATS
                 else output.suffix.lstrip(".") if output and output.suffix in (".xlsx", ".zip") else None)
        if sheet is not None:
            if not network:
                raise UsageError("a sheet is a network's: give --network",
                                 fr="une fiche est celle d'un réseau : donnez --network")
            if output is None and sys.stdout.isatty():  # a workbook's or a zip's bytes, drawn as characters: a
                suffix = "xlsx" if sheet == "xlsx" else "zip"  # usage error, exit 2
                fail(said(f"a sheet as {sheet} is a file, not text for the terminal: give -o FILE.{suffix}, or send "
                          "the output to a file",
                          f"une fiche en {sheet} est un fichier, pas du texte pour le terminal : donnez -o "
                          f"FICHIER.{suffix}, ou envoyez la sortie dans un fichier"), 2)
            with obj.store(read_only=True) as store:
                progress(export_sheet(store, obj.graphs, network, "csv" if sheet == "zip" else sheet, output))
            return
        if output is not None and output.is_dir():
            raise UsageError(f"{output} is a folder; a folder takes --format csv",
                             fr=f"{output} est un dossier ; un dossier demande --format csv")
        with obj.store(read_only=True) as store, Display("export") as show:
            if output:
                written = export_to_file(store, obj.graphs, output, fmt, network, show)
            else:
                write_chunks(export_stream(store, obj.graphs, fmt or "nquads", network, on_step=show),
                             sys.stdout.buffer)
        if output:
            progress(f"wrote {written} bytes to {output}")
    run(action)


@click.command("stats")
@click.pass_obj
def stats_command(obj: Context) -> None:
    """Triples per graph and resources per class."""
    def action() -> None:
        with obj.store(read_only=True) as store:
            result = stats(store)
        for g in result.graphs:
            click.echo(f"{g.triples:>10}  <{g.graph}>")
        click.echo(f"{result.total:>10}  triples in all the graphs, each graph's counted (a triple two graphs state "
                   "counts twice: the default graph queries see holds each once)")
        for iri, n in result.classes:
            click.echo(f"{n:>10}  {curie(iri)}")
    run(action)


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--network", help="Only hits of this network (its IRI).")
@click.option("--theme", help="Only hits on this theme (the concept's IRI).")
@click.option("--category", help="Only lessons of this category (the concept's IRI).")
@click.option("--phase", help="Only lessons of this phase (the concept's IRI).")
@click.option("--rebuild", is_flag=True, help="Rebuild the search index from the store first.")
@click.pass_obj
def search_command(obj: Context, words: tuple[str, ...], network: str | None, theme: str | None,
                   category: str | None, phase: str | None, rebuild: bool) -> None:
    """Full-text search over projects, lessons and resources (accents and inflections ignored)."""

    def action() -> None:
        index = SearchIndex(obj.settings.search_index_path)
        try:
            with obj.store(read_only=True) as store:
                if rebuild:
                    click.echo(f"{index.rebuild(store, obj.graphs)} documents indexed", err=True)
                else:
                    index.sync(store, obj.graphs)
            filters = {k: v for k, v in (("network", network), ("theme", theme), ("category", category),
                                         ("phase", phase)) if v}
            result = index.search(" ".join(words), filters)
        finally:
            index.close()
        click.echo(f"{result.total} hit(s)")
        for hit in result.hits:
            click.echo(f"{hit.score:8.2f}  {hit.kind:<8}  {hit.iri}\n          {hit.title}")
    run(action)


COMMANDS = (query_command, export_command, stats_command, search_command)
