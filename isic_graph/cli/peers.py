"""The commands about the other instances: peer add, list and remove; harvest."""

from __future__ import annotations

import sys

import click

from isic_graph.cli.context import Context, chosen_language, fail, progress, run, said, store_if_available
from isic_graph.cli.progress import Display
from isic_graph.errors import SpaceOverlap, UsageError
from isic_graph.federation.client import register
from isic_graph.federation.harvest import drop_copies, harvest_peers, read_again
from isic_graph.federation.peers import Peer, PeerRegistry
from isic_graph.ingest import ownership
from isic_graph.ingest.identity import recompute_identity
from isic_graph.ingest.ownercheck import forget_claims
from isic_graph.validation.validator import Validator


@click.group("peer")
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
    """Register a peer (or change its addresses: what is not given again is kept, its dumps, its URI space, its
    private address allowed); it owns the IRIs under its URI space, which must not hold this instance's base IRI
    nor overlap the vocabularies' namespaces (exit 2)."""
    def registered() -> Peer:
        registry = PeerRegistry(obj.settings.peers_path)
        known = next((p for p in registry.list() if p.name == name), None)
        try:
            return register(registry, name, sparql, dumps if dumps is not None or known is None else known.dumps,
                            allow_private or bool(known and known.allow_private),
                            uri_space if uri_space is not None or known is None else known.uri_space,
                            base=obj.settings.base_iri)
        except (SpaceOverlap, UsageError) as exc:  # the operator's to fix, as a wrong option is: exit 2
            fail(exc.text(chosen_language(None) or "en"), 2)

    peer = run(registered)
    click.echo(said(f"peer {peer.name} registered: {peer.sparql}, owning {peer.uri_space or 'what it publishes first'}",
                    f"pair {peer.name} enregistré : {peer.sparql}, propriétaire de "
                    f"{peer.uri_space or 'ce qu’il est le premier à publier'}"))
    later = said("the peer owns its URI space from now on; the space is recorded in the store at its first harvest",
                 "le pair possède son espace d'IRI dès maintenant ; l'espace est inscrit dans la base à sa première "
                 "moisson")
    lang = chosen_language(None)
    store = store_if_available(obj, later, lang)
    if store is None:
        if not obj.settings.store_url and not (obj.settings.store_path and obj.settings.store_path.is_dir()):
            progress(said(f"note: {later}", f"note : {later}"))  # else said already, with why the store is not open
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
        private = said("\tprivate address allowed", "\tadresse privée permise") if peer.allow_private else ""
        click.echo(f"{peer.name}\t{peer.sparql}\t{peer.dumps or '-'}\t"
                   + said(f"since {peer.added}\towns {peer.uri_space or 'what it publishes first'}",
                          f"depuis {peer.added}\tpossède {peer.uri_space or 'ce qu’il est le premier à publier'}")
                   + private)


@peer_group.command("remove")
@click.argument("name")
@click.pass_obj
def peer_remove(obj: Context, name: str) -> None:
    """Forget a peer, and drop its copies and what it owned here (again, for a peer removed while the store was in
    use: its copies are dropped then)."""
    registry = PeerRegistry(obj.settings.peers_path)
    registered = any(p.name == name for p in run(registry.list))
    if not registered:  # a peer removed while the store was in use: its copies, if the store is open now
        store = store_if_available(obj, None)  # in use or none: said as there being no such peer
        if store is None or not [g for g in run(store.graph_names) if g.startswith(obj.graphs.peer(name, ""))]:
            if store is not None:
                store.close()
            run(lambda: registry.remove(name))  # no such peer: said as before
    else:
        run(lambda: registry.remove(name))
        store = store_if_available(obj, said("its copies stay until `peer remove` runs again on the store",
                                             "ses copies restent jusqu'à ce que `peer remove` soit relancé sur la "
                                             "base"), chosen_language(None))
    if store is None:
        click.echo(said(f"peer {name} removed", f"pair {name} retiré"))
        return
    try:
        dropped = run(lambda: drop_copies(store, obj.graphs, name))
        run(lambda: forget_claims(store, obj.graphs, name))
        if dropped:  # the links the dropped copies stated no longer join anything
            run(lambda: recompute_identity(store, obj.graphs))
        run(lambda: read_again(store, obj.graphs))  # what the others' copies left out as its own: read again
        click.echo(said(f"peer {name} removed; {len(dropped)} copies of its networks dropped",
                        f"pair {name} retiré ; {len(dropped)} copie(s) de ses réseaux supprimée(s)"))
    finally:
        store.close()


@click.command("harvest")
@click.argument("peer", required=False)
@click.pass_obj
def harvest_command(obj: Context, peer: str | None) -> None:
    """Copy the registered peers' network graphs (or one peer's) that changed since the last harvest.

    Exits 1 when a peer or one of its networks was not harvested (their last copies are kept)."""
    def action() -> bool:
        registry = PeerRegistry(obj.settings.peers_path)
        peers = [registry.get(peer)] if peer else registry.list()
        failed = False
        with obj.store() as store, Display("harvest") as show:
            outcomes = harvest_peers(store, Validator.default(), obj.graphs, peers, on_step=show)
            show.close()
            for outcome in outcomes:
                if outcome.error:
                    failed = True
                    click.echo(said(f"{outcome.peer}: not harvested, last copies kept: {outcome.error}",
                                    f"{outcome.peer} : non moissonné, dernières copies gardées (en anglais : "
                                    f"{outcome.error})"), err=True)
                for n in outcome.networks:
                    failed = failed or n.error is not None
                    state = (said("no longer listed by the peer: its copy dropped",
                                  "plus listé par le pair : sa copie est supprimée") if n.withdrawn else
                             said(f"error, not copied: {n.error}", f"erreur, non copié (en anglais : {n.error})")
                             if n.error else
                             said(f"{n.triples} triples", f"{n.triples} triplets")
                             + (said(f", {len(n.skipped)} resource(s) left out",
                                     f", {len(n.skipped)} ressource(s) laissée(s) de côté") if n.skipped else "")
                             if n.changed else said("unchanged", "inchangé"))
                    click.echo(f"{outcome.peer}/{n.network}\t{state}")
        return failed
    if run(action):
        sys.exit(1)


COMMANDS = (peer_group, harvest_command)
