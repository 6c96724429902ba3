"""The commands by which networks' data goes in and comes out of publication: ingest, validate, check, retract,
dangling."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli.context import (
    LANG,
    REPORT,
    Context,
    chosen_language,
    fail,
    print_report,
    progress,
    run,
    store_if_available,
)
from isic_graph.errors import IsicError, NotOwner, SheetRefused, ValidationFailed
from isic_graph.ingest import retraction
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, check, ingest, refuse_empty, refuse_mixed
from isic_graph.ingest.reading import read_batch
from isic_graph.ingest.recheck import networks, stored_problems
from isic_graph.rdf.labels import choose
from isic_graph.rdf.namespaces import check_slug
from isic_graph.validation.validator import Validator


@click.command("ingest")
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
                print_report(exc.report, lang or "fr", report, lang)
                fail(choose(lang or "fr", "la fiche est refusée ; rien n'a été enregistré",
                            "the sheet is refused; nothing was stored")
                     if isinstance(exc, SheetRefused) else exc.text(lang or "en"), lang=lang)
        click.echo(result.changes.describe(lang or "fr"))
        for link in result.links:  # what the removed projects and lessons leave pointing at them
            click.echo(f"{'lien vers un retrait' if (lang or 'fr') == 'fr' else 'linked from'}\t{link.holder}\t"
                       f"<{link.subject}> <{link.predicate}> <{link.target}>")
        if dry_run:
            click.echo(choose(lang or "fr", "rien n'a été enregistré (--dry-run)", "nothing was stored (--dry-run)"))
            return
        if not result.written:
            click.echo(choose(lang or "fr", f"<{result.graph}> contient déjà ces données : rien n'a été enregistré",
                              f"<{result.graph}> already holds this data: nothing was stored"))
            return
        click.echo(f"{result.triples} triplets enregistrés dans <{result.graph}> ({result.mode.value}) ; "
                   f"provenance <{result.activity}>" if lang == "fr" else
                   f"stored {result.triples} triples in <{result.graph}> ({result.mode.value}); "
                   f"provenance <{result.activity}>")
    run(action, lang)


@click.command("validate")
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
        documents = [Document.from_path(f) for f in files]
        refuse_mixed(documents)
        batch = refuse_empty(read_batch(documents, obj.graphs.base,
                                        top=None if network is None else obj.graphs.network_resource(network)))
        store = store_if_available(obj, "vérification sans la base" if lang == "fr" else
                                   "validating without the store", lang)
        try:
            outcome = check(batch, store, Validator.default(), obj.graphs, network)
        finally:
            if store is not None:
                store.close()
    except NotOwner as exc:  # it would be refused as not conforming: exit 1
        fail(exc.text(lang or "en"), 1, lang)
    except SheetRefused as exc:  # a sheet that cannot be read as the template says does not conform: exit 1
        print_report(exc.report, lang or "fr", report, lang)
        sys.exit(1)
    except IsicError as exc:  # usage, parse and store errors alike: exit 2, as documented
        fail(exc.text(lang or "en"), 2, lang)
    print_report(outcome, lang or "fr", report, lang)
    sys.exit(0 if outcome.conforms else 1)


@click.command("check")
@click.option("--network", help="Only this network (its slug); by default, every network with a graph.")
@LANG
@click.pass_obj
def check_command(obj: Context, network: str | None, lang: str | None) -> None:
    """The stored data that new data could not hold (SIRETs with a wrong check key, RNA numbers not
    written W and 9 digits, confirmed or contradicted lessons known nowhere, resources described with no class), one
    line each: network,
    resource, property, value, why. It stays served; its numbers link nothing. Exit 1 when there is some."""
    def action() -> int:
        with obj.store(read_only=True) as store:
            known = networks(store, obj.graphs)
            if network is not None and network not in known:  # a typo was an all-clear: nothing, exit 0
                close = difflib.get_close_matches(network.lower(), known, n=1)
                hint = {"en": f"; did you mean {close[0]!r}?" if close else "",
                        "fr": f" ; vouliez-vous dire « {close[0]} » ?" if close else ""}
                fail(f"aucun réseau « {network} » n'a de graphe ici{hint['fr']} Réseaux : {', '.join(known) or 'aucun'}"
                     if chosen_language(lang) == "fr" else
                     f"no network {network!r} has a graph here{hint['en']} Networks: {', '.join(known) or 'none'}",
                     2, lang)
            names = [network] if network is not None else known
            found = [p for name in names for p in stored_problems(store, obj.graphs, name)]
        for problem in found:
            click.echo(problem.describe(lang or "fr"))
        return len(found)
    if run(action, lang):
        sys.exit(1)


@click.command("retract")
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
            if dry_run:  # what the withdrawal would refuse, the reason included
                retraction.checked_reason(reason)
                planned = retraction.plan(store, obj.graphs, iri)
                if planned.network != network:
                    fail(f"no project or lesson <{iri}> published by network {network!r}")
                withdrawn, links, kinds = planned.withdrawn, planned.links, planned.kinds
            else:
                done = retraction.retract(store, obj.graphs, iri, network, reason)
                withdrawn, links, kinds = done.withdrawn, done.links, done.kinds
        for w in withdrawn:
            click.echo(f"{'would withdraw' if dry_run else 'withdrawn'}\t<{w}>\t{kinds.get(w, '')}".rstrip("\t"))
        for link in links:
            click.echo(f"linked from\t{link.holder}\t<{link.subject}> <{link.predicate}> <{link.target}>")
    run(action)


@click.command("dangling")
@click.option("--network", required=True, help="The network whose links are checked (its slug).")
@click.pass_obj
def dangling_command(obj: Context, network: str) -> None:
    """A network's statements that point at resources withdrawn here, to mend. Exit 1 when there are some, 2 when
    the network is not one of this instance's (or not a network's name)."""
    def action() -> int:
        registered = {c.slug for c in CredentialStore(obj.settings.credentials_path).list()}
        with obj.store(read_only=True) as store:
            try:
                found = retraction.dangling(store, obj.graphs, check_slug(network), registered)
            except IsicError as exc:  # an unknown network, or no network's name: exit 1 says there are links
                fail(exc.text("en"), 2)
        for link in found:
            click.echo(f"<{link.subject}>\t<{link.predicate}>\t<{link.target}>")
        return len(found)
    if run(action):
        sys.exit(1)


COMMANDS = (ingest_command, validate_command, check_command, retract_command, dangling_command)
