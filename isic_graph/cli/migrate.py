"""`isic-graph migrate`: the store brought to this software's edition of the model."""

from __future__ import annotations

import json
import sys

import click

from isic_graph.admin.migration import migrate
from isic_graph.cli.context import LANG, Context, run
from isic_graph.validation.validator import Validator


@click.command("migrate")
@click.option("--dry-run", is_flag=True,
              help="Report what would change and what would no longer conform; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the report as one JSON object (editions, steps, provenance, each graph's problems).")
@LANG
@click.pass_obj
def migrate_command(obj: Context, dry_run: bool, fmt: str, lang: str | None) -> None:
    """Bring the store to this software's edition of the model: the new ontology and thesauri, the data steps on
    every network graph and harvested copy (old triples kept), a provenance record; then every such graph is
    validated again and what no longer conforms is reported per graph, kept, not deleted. All or nothing; exit 0
    once migrated, even when some graphs no longer conform (they are listed)."""
    def action() -> None:
        with obj.store(read_only=dry_run) as store:
            done = migrate(store, obj.graphs, Validator.default(), dry_run=dry_run)
        if fmt == "json":
            click.echo(json.dumps(done.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(done.describe(lang or "fr"))
        if done.nonconforming:
            click.echo(f"{len(done.nonconforming)} graph(s) no longer conform: "
                       + ", ".join(r.name for r in done.nonconforming), err=True)
    run(action, lang)
    sys.exit(0)
