"""The isic-graph commands: each calls one core function."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, NoReturn, TypeVar

import click

from isic_graph import __version__
from isic_graph.admin.backup import backup, verify
from isic_graph.admin.bootstrap import init_store, stats
from isic_graph.admin.credentials import CredentialStore
from isic_graph.admin.reference import load_reference
from isic_graph.admin.restoration import restore
from isic_graph.cli.progress import Display
from isic_graph.config import CONFIG_FILE, SETTINGS, Settings, settings_table
from isic_graph.errors import (
    IsicError,
    NotOwner,
    Report,
    RestoreRefused,
    SheetRefused,
    UsageError,
    ValidationFailed,
)
from isic_graph.federation.client import register
from isic_graph.federation.harvest import harvest
from isic_graph.federation.peers import PeerRegistry
from isic_graph.federation.service import evaluate
from isic_graph.ingest import ownership, retraction
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, check, ingest
from isic_graph.ingest.reading import read_batch
from isic_graph.ingest.recheck import networks, stored_problems
from isic_graph.publish.export import (
    EXPORT_FORMATS,
    export_stream,
    export_to_file,
    write_chunks,
)
from isic_graph.publish.search import SearchIndex
from isic_graph.publish.sheet import SHEET_FORMATS, export_sheet
from isic_graph.rdf.labels import LANGUAGES
from isic_graph.rdf.namespaces import Graphs, check_slug, curie
from isic_graph.sparql.guard import Limits, read
from isic_graph.store import open_store
from isic_graph.store.base import Store
from isic_graph.store.results import SelectResult
from isic_graph.validation.validator import Validator
from isic_graph.web.serve import serve

T = TypeVar("T")
LANG = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                    help="Language of the report and of the error messages (without it: the report in French, "
                         "the messages in English).")
REPORT = click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                      help="Also write the W3C SHACL report (.ttl or .jsonld).")


class Context:
    """What every command needs: settings, read once."""

    def __init__(self) -> None:
        self.settings = Settings.from_env()
        self.graphs = Graphs(self.settings.base_iri)

    def store(self, read_only: bool = False) -> Store:
        """The store; read_only for commands that only read, which then also work beside a running server."""
        return open_store(self.settings, read_only=read_only)


def fail(message: str, code: int = 1, lang: str | None = None) -> NoReturn:
    click.echo(f"erreur : {message}" if lang == "fr" else f"error: {message}", err=True)
    sys.exit(code)


def run(action: Callable[[], T], lang: str | None = None) -> T:
    """Run a core call; user errors become a message (in lang, English by default) and exit code 1, never a
    traceback."""
    try:
        return action()
    except IsicError as exc:
        fail(exc.text(lang or "en"), lang=lang)


def progress(message: str) -> None:
    click.echo(message, err=True)


SETTINGS_EPILOG = ("Settings come from the environment, or from the TOML file named by ISIC_CONFIG: "
                   + ", ".join(s.env for s in (CONFIG_FILE, *SETTINGS))
                   + ". `isic-graph settings` says what each means.")


@click.group(epilog=SETTINGS_EPILOG)
@click.version_option(__version__)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Publish, validate, query and export the knowledge of collective social work (ISIC)."""
    if ctx.invoked_subcommand != "settings":  # the table of settings is shown even when they are malformed
        ctx.obj = run(Context)


@main.command("init")
@click.option("--samples", is_flag=True, help="Also load the sample networks.")
@click.pass_obj
def init_command(obj: Context, samples: bool) -> None:
    """Create the store and load the ontology and thesauri (again)."""
    def action() -> None:
        with obj.store() as store:
            init_store(store, obj.graphs, samples=samples, progress=progress)
            click.echo(f"store ready: {store.count()} triples in {len(store.graph_names())} graphs")
    run(action)


@main.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--network", required=True, help="The network whose graph receives the data (its slug).")
@click.option("--mode", type=click.Choice([m.value for m in Mode]),
              help="replace the network's whole graph, upsert the descriptions of the submitted resources, or "
                   "tables: each table of a sheet given replaces that table's resources (the default for sheets; "
                   "replace otherwise).")
@click.option("--dry-run", is_flag=True, help="Check everything and print what would change; store nothing.")
@LANG
@REPORT
@click.pass_obj
def ingest_command(obj: Context, files: tuple[Path, ...], network: str, mode: str | None, dry_run: bool,
                   lang: str | None,
                   report: Path | None) -> None:
    """Validate files (Turtle, N-Triples, JSON-LD, CSV sheets) and store them in a network's graph, all or nothing."""
    def action() -> None:
        documents = [Document.from_path(f) for f in files]
        sheets = all(d.format.rdf_format is None for d in documents)
        chosen = Mode(mode) if mode else Mode.TABLES if sheets else Mode.REPLACE
        progress(f"vérification de {len(documents)} fichier(s) pour le réseau {network}…" if lang == "fr" else
                 f"validating {len(documents)} file(s) for network {network}…")
        with obj.store(read_only=dry_run) as store:
            try:
                result = ingest(store, Validator.default(), obj.graphs, documents, network, chosen, dry_run=dry_run)
            except ValidationFailed as exc:
                _print_report(exc.report, lang or "fr", report)
                fail(_refused(lang or "fr") if isinstance(exc, SheetRefused) else exc.text(lang or "en"), lang=lang)
        click.echo(result.changes.describe(lang or "fr"))
        for link in result.links:  # what the removed projects and lessons leave pointing at them
            click.echo(f"{'lien vers un retrait' if (lang or 'fr') == 'fr' else 'linked from'}\t{link.holder}\t"
                       f"<{link.subject}> <{link.predicate}> <{link.target}>")
        if dry_run:
            french = (lang or "fr") == "fr"
            click.echo("rien n'a été enregistré (--dry-run)" if french else "nothing was stored (--dry-run)")
            return
        click.echo(f"{result.triples} triplets enregistrés dans <{result.graph}> ({result.mode.value}) ; "
                   f"provenance <{result.activity}>" if lang == "fr" else
                   f"stored {result.triples} triples in <{result.graph}> ({result.mode.value}); "
                   f"provenance <{result.activity}>")
    run(action, lang)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--network", help="Check as a submission to this network (attribution, references).")
@LANG
@REPORT
@click.pass_obj
def validate_command(obj: Context, files: tuple[Path, ...], network: str | None, lang: str | None,
                     report: Path | None) -> None:
    """Dry run: exit 0 when the files conform, 1 when not, 2 on usage or parse errors. Nothing is stored."""
    try:
        if network is not None:
            check_slug(network)
        batch = read_batch([Document.from_path(f) for f in files], obj.graphs.base)
        store = _store_if_available(obj, "vérification sans la base" if lang == "fr" else
                                    "validating without the store", lang)
        try:
            outcome = check(batch, store, Validator.default(), obj.graphs, network)
        finally:
            if store is not None:
                store.close()
    except NotOwner as exc:  # it would be refused as not conforming: exit 1
        fail(exc.text(lang or "en"), 1, lang)
    except SheetRefused as exc:  # a sheet that cannot be read as the template says does not conform: exit 1
        _print_report(exc.report, lang or "fr", report)
        sys.exit(1)
    except IsicError as exc:  # usage, parse and store errors alike: exit 2, as documented
        fail(exc.text(lang or "en"), 2, lang)
    _print_report(outcome, lang or "fr", report)
    sys.exit(0 if outcome.conforms else 1)


@main.command("query")
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_obj
def query_command(obj: Context, sparql: str | None, file: Path | None, fmt: str) -> None:
    """Run a SPARQL query (QUERY or -f FILE.rq) over all graphs."""
    if (sparql is None) == (file is None):
        fail("give either a QUERY or -f FILE.rq", 2)
    text = file.read_text(encoding="utf-8") if file else str(sparql)

    def action() -> None:
        # the text is read once, as on /sparql; SERVICE blocks go to registered peers only, called by
        # isic-graph itself, never by the engine, which gets the text written from that reading
        checked = evaluate(read(text, Limits(max_bytes=len(text.encode("utf-8", "surrogatepass")) + 1,
                                             max_depth=obj.settings.query_max_depth)),
                           PeerRegistry(obj.settings.peers_path).list(), obj.settings.query_timeout,
                           obj.settings.result_limit)
        with obj.store(read_only=True) as store:
            result = store.query(checked.text)
        if isinstance(result, SelectResult):
            click.echo({"table": result.to_table, "csv": result.to_csv, "json": result.to_json}[fmt]())
        elif isinstance(result, bool):
            click.echo("true" if result else "false")
        else:
            from pyoxigraph import RdfFormat, serialize

            click.echo((serialize(result, format=RdfFormat.TURTLE) or b"").decode("utf-8"))
    run(action)


@main.command("export")
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
        sheet = fmt if fmt in SHEET_FORMATS else output.suffix.lstrip(".") if output and \
            output.suffix in (".xlsx", ".zip") else None
        if sheet is not None:
            if not network:
                raise UsageError("a sheet is a network's: give --network")
            with obj.store(read_only=True) as store:
                progress(export_sheet(store, obj.graphs, network, "csv" if sheet == "zip" else sheet, output))
            return
        if output is not None and output.is_dir():
            raise UsageError(f"{output} is a folder; a folder takes --format csv")
        with obj.store(read_only=True) as store, Display("export") as show:
            if output:
                written = export_to_file(store, obj.graphs, output, fmt, network, show)
            else:
                write_chunks(export_stream(store, obj.graphs, fmt or "nquads", network, on_step=show),
                             sys.stdout.buffer)
        if output:
            progress(f"wrote {written} bytes to {output}")
    run(action)


@main.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--graph", required=True, help="IRI of the graph to replace with the file's triples.")
@LANG
@click.pass_obj
def load_command(obj: Context, file: Path, graph: str, lang: str | None) -> None:
    """Load reference data (no ISIC shapes, any size) into a graph of its own, replacing it whole or not at all."""
    def action() -> None:
        with obj.store() as store, Display("load") as show:
            count = load_reference(store, obj.graphs, file, graph, show)
        click.echo(f"{count} triplets chargés dans <{graph}>" if lang == "fr" else
                   f"loaded {count} triples into <{graph}>")
    run(action, lang)


@main.command("backup")
@click.argument("folder", type=click.Path(path_type=Path))
@click.pass_obj
def backup_command(obj: Context, folder: Path) -> None:
    """Write the whole store into a new FOLDER: N-Quads (gzip), a manifest and its checksum; works while serving."""
    def action() -> None:
        with obj.store(read_only=True) as store, Display("backup") as show:
            manifest = backup(store, folder, obj.settings.base_iri, show)
        click.echo(f"backed up {manifest.quads} quads in {len(manifest.graphs)} graphs to {folder} "
                   f"(sha256 {manifest.sha256})")
    run(action)


@main.command("restore")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Replace the content of a store that is not empty.")
@click.option("--only-conforming", is_flag=True,
              help="Restore the graphs that pass their checks and leave out the others (named); exit 1 then.")
@click.pass_obj
def restore_command(obj: Context, folder: Path, replace: bool, only_conforming: bool) -> None:
    """Check a backup (manifest, checksum, then every graph as ingestion would), then load it into an empty store
    (or, with --replace, any): all of it, or nothing when a graph fails its checks."""
    def action() -> bool:
        with Display("restore") as show:
            checked = verify(folder, show)  # the whole backup, before the store is even opened
            with obj.store() as store:
                try:
                    restored = restore(store, checked, obj.graphs, Validator.default(), replace, only_conforming,
                                       show)
                except RestoreRefused as exc:
                    show.close()
                    for problem in exc.problems:
                        click.echo(f"  - {problem.describe()}", err=True)
                    raise
        for problem in restored.left_out:
            click.echo(f"  - left out: {problem.describe()}", err=True)
        click.echo(f"restored {restored.quads} quads in {restored.graphs} graphs from {folder}"
                   + (f"; left out {len(restored.left_out_graphs)} graph(s) that failed their checks: "
                      + ", ".join(f"<{g}>" if g else "the default graph" for g in restored.left_out_graphs)
                      if restored.left_out else ""))
        return bool(restored.left_out)
    if run(action):
        sys.exit(1)


@main.command("stats")
@click.pass_obj
def stats_command(obj: Context) -> None:
    """Triples per graph and resources per class."""
    def action() -> None:
        with obj.store(read_only=True) as store:
            result = stats(store)
        for g in result.graphs:
            click.echo(f"{g.triples:>10}  <{g.graph}>")
        click.echo(f"{result.total:>10}  triples in all")
        for iri, n in result.classes:
            click.echo(f"{n:>10}  {curie(iri)}")
    run(action)


@main.command("search")
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


@main.group("peer")
def peer_group() -> None:
    """Register the other instances (peers) this one queries and harvests."""

@peer_group.command("add")
@click.argument("name")
@click.option("--sparql", required=True, help="The peer's SPARQL endpoint URL.")
@click.option("--dumps", help="The address of the peer's dumps (optional).")
@click.option("--allow-private", is_flag=True,
              help="Accept a loopback, link-local or private address: the peer is really there.")
@click.option("--uri-space", help="The IRIs the peer owns (default: the void:uriSpace of its VoID description).")
@click.pass_obj
def peer_add(obj: Context, name: str, sparql: str, dumps: str | None, allow_private: bool,
             uri_space: str | None) -> None:
    """Register a peer (or change its addresses); it owns the IRIs under its URI space."""
    peer = run(lambda: register(PeerRegistry(obj.settings.peers_path), name, sparql, dumps, allow_private, uri_space))
    click.echo(f"peer {peer.name} registered: {peer.sparql}, owning {peer.uri_space or 'what it publishes first'}")
    later = "the peer's URI space is recorded in the store at its first harvest"
    store = _store_if_available(obj, later)
    if store is None:
        progress(f"note: {later}")
        return
    try:
        run(lambda: ownership.record_peer(store, obj.graphs, peer.name, peer.uri_space))
    finally:
        store.close()


@peer_group.command("list")
@click.pass_obj
def peer_list(obj: Context) -> None:
    """The registered peers: name, SPARQL endpoint, dumps, date, URI space."""
    for peer in run(lambda: PeerRegistry(obj.settings.peers_path).list()):
        private = "\tprivate address allowed" if peer.allow_private else ""
        click.echo(f"{peer.name}\t{peer.sparql}\t{peer.dumps or '-'}\tsince {peer.added}"
                   f"\towns {peer.uri_space or 'what it publishes first'}{private}")


@peer_group.command("remove")
@click.argument("name")
@click.pass_obj
def peer_remove(obj: Context, name: str) -> None:
    """Forget a peer."""
    run(lambda: PeerRegistry(obj.settings.peers_path).remove(name))
    click.echo(f"peer {name} removed")


@main.command("harvest")
@click.argument("peer", required=False)
@click.pass_obj
def harvest_command(obj: Context, peer: str | None) -> None:
    """Copy the registered peers' network graphs (or one peer's) that changed since the last harvest."""
    def action() -> bool:
        registry = PeerRegistry(obj.settings.peers_path)
        peers = [registry.get(peer)] if peer else registry.list()
        failed = False
        with obj.store() as store, Display("harvest") as show:
            for outcome in (harvest(store, Validator.default(), obj.graphs, p, on_step=show) for p in peers):
                show.close()
                if outcome.error:
                    failed = True
                    click.echo(f"{outcome.peer}: not harvested, last copies kept: {outcome.error}", err=True)
                for n in outcome.networks:
                    state = (f"error, last copy kept: {n.error}" if n.error else
                             f"{n.triples} triples" + (f", {len(n.skipped)} resource(s) left out" if n.skipped
                                                       else "") if n.changed else "unchanged")
                    click.echo(f"{outcome.peer}/{n.network}\t{state}")
        return failed
    if run(action):
        sys.exit(1)


@main.group("network")
def network_group() -> None:
    """Register networks and their write credentials."""

@network_group.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The network's name.")
@click.pass_obj
def network_add(obj: Context, slug: str, name: str) -> None:
    """Register a network (or renew its token) and print its bearer token, once."""
    token = run(lambda: CredentialStore(obj.settings.credentials_path).add(slug, name))
    click.echo(f"network {slug} registered; its write token (shown only now, keep it safe):", err=True)
    click.echo(token)


@network_group.command("list")
@click.pass_obj
def network_list(obj: Context) -> None:
    """The registered networks."""
    for entry in run(lambda: CredentialStore(obj.settings.credentials_path).list()):
        state = f"revoked {entry.revoked}" if entry.revoked else "active"
        click.echo(f"{entry.slug}\t{entry.name}\t{state}\tsince {entry.created}")


@network_group.command("revoke")
@click.argument("slug")
@click.pass_obj
def network_revoke(obj: Context, slug: str) -> None:
    """Revoke a network's token: its writes are refused until `network add` gives it a new one."""
    run(lambda: CredentialStore(obj.settings.credentials_path).revoke(slug))
    click.echo(f"network {slug}: token revoked")


@main.group("owner")
def owner_group() -> None:
    """Who owns each resource: only its owner's writes may describe it."""

@owner_group.command("show")
@click.argument("iri")
@click.pass_obj
def owner_show(obj: Context, iri: str) -> None:
    """The owner of a resource, and the activity that made it so."""
    def action() -> None:
        with obj.store(read_only=True) as store:
            found = ownership.record_of(store, obj.graphs, iri)
        if found is None:
            fail(f"<{iri}> has no owner yet: the first network to publish it will own it")
        click.echo(f"{found.owner.describe()}\t<{found.owner.agent}>"
                   + (f"\tsince {found.since or '?'} <{found.activity}>" if found.activity else "\tby rule"))
    run(action)


@owner_group.command("transfer")
@click.argument("iri")
@click.argument("network")
@click.pass_obj
def owner_transfer(obj: Context, iri: str, network: str) -> None:
    """Give a resource to a network (recorded with provenance); its data in every graph is kept."""
    def action() -> None:
        check_slug(network)
        with obj.store() as store:
            previous = ownership.transfer(store, obj.graphs, iri, ownership.network(obj.graphs, network))
        click.echo(f"<{iri}>: {previous.describe() if previous else 'nobody'} -> network \"{network}\"")
    run(action)


@owner_group.command("conflicts")
@click.pass_obj
def owner_conflicts(obj: Context) -> None:
    """The resources typed in several network graphs, with their owner, for the administrator to settle
    (owner transfer); their data is kept meanwhile. Exit 1 when there are some."""
    def action() -> int:
        with obj.store(read_only=True) as store:
            found = ownership.conflicts(store, obj.graphs)
        for c in found:
            click.echo(f"<{c.subject}>\t{', '.join(c.networks)}\towner: {c.owner.describe() if c.owner else 'none'}")
        return len(found)
    if run(action):
        sys.exit(1)


@main.command("check")
@click.option("--network", help="Only this network (its slug); by default, every network with a graph.")
@LANG
@click.pass_obj
def check_command(obj: Context, network: str | None, lang: str | None) -> None:
    """The stored data that new data could not hold (SIRETs with a wrong check key, RNA numbers not
    written W and 9 digits, confirmed or contradicted lessons known nowhere), one line each: network,
    resource, property, value, why. It stays served; its numbers link nothing. Exit 1 when there is some."""
    def action() -> int:
        with obj.store(read_only=True) as store:
            names = [check_slug(network)] if network is not None else networks(store, obj.graphs)
            found = [p for name in names for p in stored_problems(store, obj.graphs, name)]
        for problem in found:
            click.echo(problem.describe(lang or "fr"))
        return len(found)
    if run(action, lang):
        sys.exit(1)


@main.command("retract")
@click.argument("iri")
@click.option("--network", required=True, help="The network that publishes the project or lesson (its slug).")
@click.option("--reason", required=True, help="Why it is withdrawn: kept in the record, shown at its address.")
@click.option("--dry-run", is_flag=True, help="Only list what would be withdrawn and who links to it.")
@click.pass_obj
def retract_command(obj: Context, iri: str, network: str, reason: str, dry_run: bool) -> None:
    """Withdraw a network's project (with its lessons and what belongs to it alone) or lesson from publication,
    with a provenance record; the links other networks keep to it are listed."""
    def action() -> None:
        check_slug(network)
        with obj.store(read_only=dry_run) as store:
            if dry_run:
                planned = retraction.plan(store, obj.graphs, iri)
                if planned.network != network:
                    fail(f"no project or lesson <{iri}> published by network {network!r}")
                withdrawn, links = planned.withdrawn, planned.links
            else:
                done = retraction.retract(store, obj.graphs, iri, network, reason)
                withdrawn, links = done.withdrawn, done.links
        for w in withdrawn:
            click.echo(f"{'would withdraw' if dry_run else 'withdrawn'}\t<{w}>")
        for link in links:
            click.echo(f"linked from\t{link.holder}\t<{link.subject}> <{link.predicate}> <{link.target}>")
    run(action)


@main.command("dangling")
@click.option("--network", required=True, help="The network whose links are checked (its slug).")
@click.pass_obj
def dangling_command(obj: Context, network: str) -> None:
    """A network's statements that point at resources withdrawn here, to mend. Exit 1 when there are some."""
    def action() -> int:
        check_slug(network)
        with obj.store(read_only=True) as store:
            found = retraction.dangling(store, obj.graphs, network)
        for link in found:
            click.echo(f"<{link.subject}>\t<{link.predicate}>\t<{link.target}>")
        return len(found)
    if run(action):
        sys.exit(1)


@main.command("settings")
def settings_command() -> None:
    """The settings: environment variable, config-file key, default and meaning (the Markdown table of the docs)."""
    click.echo(settings_table(), nl=False)


class WithSettings(click.Command):
    """A command whose --help ends with the settings it reads, from their one declaration."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Settings (environment variable, or key of the ISIC_CONFIG file)"):
            formatter.write_dl([(f"{s.env}" + (f" / {s.key}" if s.key else ""),
                                 s.help.replace("`", "") + (f" [default: {s.default_text.replace('`', '')}]"
                                                            if s.default_text else ""))
                                for s in (CONFIG_FILE, *SETTINGS)])


@main.command("serve", cls=WithSettings)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads of the WSGI server.")
@click.pass_obj
def serve_command(obj: Context, host: str, port: int, threads: int) -> None:
    """Serve the store over HTTP: SPARQL endpoint; the query engine runs as a supervised process."""

    click.echo(f"serving on http://{host}:{port}/ (SPARQL endpoint: http://{host}:{port}/sparql)", err=True)
    run(lambda: serve(obj.settings, host, port, threads))


def _store_if_available(obj: Context, without: str = "validating without the store",
                        lang: str | None = None) -> Store | None:
    path = obj.settings.store_path
    if not obj.settings.store_url and (path is None or not path.is_dir()):
        return None
    try:
        return obj.store()
    except IsicError as exc:
        progress(f"note : {without} ({exc.text('fr')})" if lang == "fr" else f"note: {without} ({exc.message})")
        return None


def _refused(lang: str) -> str:
    if lang == "fr":
        return "la fiche est refusée ; rien n'a été enregistré"
    return "the sheet is refused; nothing was stored"


def _print_report(report: Report, lang: str, path: Path | None) -> None:
    click.echo(report.describe(lang), err=not report.conforms)
    if path is not None:
        path.write_text(report.serialize("jsonld" if path.suffix == ".jsonld" else "turtle"), encoding="utf-8")
        progress(f"rapport SHACL du W3C écrit dans {path}" if lang == "fr" else f"W3C SHACL report written to {path}")
