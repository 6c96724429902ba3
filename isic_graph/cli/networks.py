"""The commands about the networks: their credentials (network add, list, revoke) and who owns what (owner
show, transfer, conflicts)."""

from __future__ import annotations

import sys

import click

from isic_graph.admin.credentials import CredentialStore
from isic_graph.cli.context import Context, fail, run
from isic_graph.ingest import ownership, settling
from isic_graph.rdf.namespaces import check_slug


@click.group("network")
def network_group() -> None:
    """Register networks and their write credentials."""

@network_group.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The network's name.")
@click.pass_obj
def network_add(obj: Context, slug: str, name: str) -> None:
    """Register a network (or renew its token) and print its bearer token, once."""
    credentials = CredentialStore(obj.settings.credentials_path)
    before = run(lambda: {entry.slug: entry for entry in credentials.list()}).get(slug)
    token = run(lambda: credentials.add(slug, name))
    if before is None:
        said = f"network {slug} registered"
    elif before.revoked:
        said = f"network {slug}, revoked {before.revoked}, registered again"
    else:  # a second `network add` replaces the token a network's data person may be using
        said = f"network {slug} was registered already: its token is renewed, the one given before no longer works"
    if before is not None and before.name != name.strip():
        said += f" (its name was {before.name!r})"
    try:
        click.echo(f"{said}; its write token (shown only now, keep it safe):", err=True)
        click.echo(token)
        sys.stdout.flush()
    except OSError as exc:  # a token nobody saw would stay valid: it is revoked at once
        run(lambda: credentials.revoke(slug))
        fail(f"the token could not be written out ({exc.strerror}), so it is revoked; run the command again where "
             "its output can be written", 1)


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


@click.group("owner")
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
    """Give a resource to a registered network (recorded with provenance); every graph's data is kept where it is.
    Refused while the network owning it still describes it: that network takes it out of its sheets (or retracts
    it) first."""
    def action() -> None:
        check_slug(network)
        registered = {c.slug for c in CredentialStore(obj.settings.credentials_path).list()}
        with obj.store() as store:
            previous = settling.transfer(store, obj.graphs, iri, ownership.network(obj.graphs, network), registered)
        click.echo(f"<{iri}>: {previous.describe() if previous else 'nobody'} -> network \"{network}\"")
    run(action)


@owner_group.command("conflicts")
@click.pass_obj
def owner_conflicts(obj: Context) -> None:
    """The resources typed in several network graphs, with their owner, for the administrator to settle
    (owner transfer); their data is kept meanwhile. Exit 1 when there are some."""
    def action() -> int:
        with obj.store(read_only=True) as store:
            found = settling.conflicts(store, obj.graphs)
        for c in found:
            click.echo(f"<{c.subject}>\t{', '.join(c.networks)}\towner: {c.owner.describe() if c.owner else 'none'}")
        return len(found)
    if run(action):
        sys.exit(1)


COMMANDS = (network_group, owner_group)
