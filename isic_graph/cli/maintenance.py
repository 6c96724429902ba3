"""The commands that make and keep the store: init, load, backup, restore."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from isic_graph.admin.backup import backup, verify
from isic_graph.admin.bootstrap import init_store
from isic_graph.admin.reference import load_reference
from isic_graph.admin.restoration import restore
from isic_graph.cli.context import LANG, Context, progress, run, said
from isic_graph.cli.progress import Display
from isic_graph.errors import IsicError, RestoreRefused
from isic_graph.store.swap import check_replaceable, holds_store
from isic_graph.validation.validator import Validator


@click.command("init")
@click.option("--samples", is_flag=True, help="Also load the sample networks.")
@click.pass_obj
def init_command(obj: Context, samples: bool) -> None:
    """Create the store and load the ontology and thesauri (again)."""
    def action() -> None:
        with obj.store(create=True) as store:
            init_store(store, obj.graphs, samples=samples, progress=progress)
            click.echo(said(f"store ready: {store.count()} triples in {len(store.graph_names())} graphs, each graph's "
                            "counted", f"base prête : {store.count()} triplets dans {len(store.graph_names())} "
                            "graphes, ceux de chaque graphe comptés"))
    run(action)


@click.command("load")
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


@click.command("backup")
@click.argument("folder", type=click.Path(path_type=Path))
@click.pass_obj
def backup_command(obj: Context, folder: Path) -> None:
    """Write the whole store into a new FOLDER: N-Quads (gzip), a manifest and its checksum; works while serving."""
    def action() -> None:
        with obj.store(read_only=True) as store, Display("backup") as show:
            manifest = backup(store, folder, obj.settings.base_iri, show)
        click.echo(said(f"backed up {manifest.quads} quads in {len(manifest.graphs)} graphs to {folder} "
                        f"(sha256 {manifest.sha256})",
                        f"sauvegarde de {manifest.quads} quadruplets dans {len(manifest.graphs)} graphes écrite dans "
                        f"{folder} (sha256 {manifest.sha256})"))
    run(action)


@click.command("restore")
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
            path = obj.settings.store_path
            made = not obj.settings.store_url and path is not None and not path.exists()
            if path is not None and not obj.settings.store_url and not holds_store(path):
                check_replaceable(path)  # a folder of other files (a backup) is not made a store: refused first
            try:
                with obj.store(create=True) as store:
                    try:
                        restored = restore(store, checked, obj.graphs, Validator.default(), replace,
                                           only_conforming, show)
                    except RestoreRefused as exc:
                        show.close()
                        for problem in exc.problems:
                            click.echo(f"  - {problem.describe()}", err=True)
                        raise
            except IsicError:
                if made and path is not None:  # nothing restored: no empty store left where there was none
                    shutil.rmtree(path, ignore_errors=True)
                raise
        for problem in restored.left_out:
            click.echo(f"  - left out: {problem.describe()}", err=True)
        for note in restored.notes:
            click.echo(f"  - {note}", err=True)
        left = ", ".join(f"<{g}>" if g else said("the default graph", "le graphe par défaut")
                         for g in restored.left_out_graphs)
        click.echo(said(f"restored {restored.quads} quads in {restored.graphs} graphs from {folder}"
                        + (f"; left out {len(restored.left_out_graphs)} graph(s) that failed their checks: {left}"
                           if restored.left_out else ""),
                        f"{restored.quads} quadruplets restaurés dans {restored.graphs} graphes depuis {folder}"
                        + (f" ; {len(restored.left_out_graphs)} graphe(s) laissé(s) de côté, qui ne passent pas "
                           f"leurs vérifications : {left}" if restored.left_out else "")))
        return bool(restored.left_out)
    if run(action):
        sys.exit(1)


COMMANDS = (init_command, load_command, backup_command, restore_command)
