"""The isic-graph command group: its commands, gathered from the modules that hold them, each calling one core
function; and the commands about the instance itself (settings, serve)."""

from __future__ import annotations

import click

from isic_graph import __version__
from isic_graph.cli import maintenance, networks, peers, publishing, reading
from isic_graph.cli.context import Context, run
from isic_graph.config import CONFIG_FILE, SETTINGS, settings_table, tune_collector
from isic_graph.publish import reference_text
from isic_graph.web.serve import serve

SETTINGS_EPILOG = ("Settings come from the environment, or from the TOML file named by ISIC_CONFIG: "
                   + ", ".join(s.env for s in (CONFIG_FILE, *SETTINGS))
                   + ". `isic-graph settings` says what each means.")


@click.group(epilog=SETTINGS_EPILOG)
@click.version_option(__version__)
@click.option("--lang", type=click.Choice(["fr", "en"]),
              help="Language of every command's error messages (`isic-graph --lang fr restore …`); a command's own "
                   "--lang, where it has one, says it for that command.")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Publish, validate, query and export the knowledge of collective social work (ISIC)."""
    tune_collector()
    ctx.meta["isic_graph.lang"] = lang
    if ctx.invoked_subcommand != "settings":  # the table of settings is shown even when they are malformed
        ctx.obj = run(Context, lang)


for command in (*maintenance.COMMANDS, *publishing.COMMANDS, *reading.COMMANDS, *peers.COMMANDS,
                *networks.COMMANDS):
    main.add_command(command)


@main.command("settings")
def settings_command() -> None:
    """The settings: environment variable, config-file key, default and meaning (the Markdown table of the docs)."""
    click.echo(settings_table(), nl=False)


@main.command("reference")
@click.option("--into", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Write it into this Markdown file (docs/analysts.md), in place of the reference it holds.")
def reference_command(into: str | None) -> None:
    """The analysts' reference (classes, properties, thesauri, example queries) as docs/analysts.md holds it."""
    if into is None:
        click.echo(reference_text.markdown(), nl=False)
        return
    with open(into, encoding="utf-8") as handle:
        document = handle.read()
    with open(into, "w", encoding="utf-8") as handle:
        handle.write(reference_text.replaced(document))


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
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Worker threads of the WSGI server.")
@click.pass_obj
def serve_command(obj: Context, host: str, port: int, threads: int) -> None:
    """Serve the store over HTTP: SPARQL endpoint; the query engine runs as a supervised process."""

    base = obj.settings.base_iri
    run(lambda: serve(obj.settings, host, port, threads, listening=lambda: click.echo(
        f"serving {base} (SPARQL endpoint: {base}sparql), listening on {host}:{port}", err=True)))
