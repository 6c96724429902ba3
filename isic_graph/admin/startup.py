"""What the server does, before it serves, with a store of another edition of the model.

A store of an older edition is migrated (migration.py: all or nothing, its data kept, what no longer conforms
logged per graph), or, with ISIC_MIGRATION_AT_START=refuse, the server refuses to start and says to run
`isic-graph migrate`. A store of a newer edition than the software's is always refused. It runs before the
query engine starts, so that an embedded store is migrated in a copy put in its place.
"""

from __future__ import annotations

from typing import Callable

from isic_graph.admin.bootstrap import refuse_other_base
from isic_graph.admin.migration import Migration, check_edition, migrate
from isic_graph.config import Settings
from isic_graph.errors import UsageError
from isic_graph.ingest import editions
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.validation.validator import Validator


def bring_to_edition(settings: Settings, log: Callable[[str], None]) -> Migration | None:
    """Migrate the store the settings name if it is of an older edition (None when it is current, or empty);
    UsageError when it may not be served (newer, or older and the setting says refuse)."""
    if not settings.store_url and (settings.store_path is None or not settings.store_path.is_dir()):
        return None  # no store yet: nothing to bring anywhere
    graphs = Graphs(settings.base_iri)
    with open_store(settings, create=True) as store:
        refuse_other_base(store, graphs)  # served, it would answer 404 for all it holds
        found = check_edition(store, graphs)
        current = editions.software_edition()
        if found is None or found == current:
            return None
        if settings.migration_at_start == "refuse":
            raise UsageError(
                f"the store holds edition {found} of the model and this software serves edition {current}: run "
                "`isic-graph migrate` first (ISIC_MIGRATION_AT_START=refuse); the server did not start",
                fr=f"le magasin contient l'édition {found} du modèle et ce logiciel sert l'édition {current} : "
                   "lancez d'abord `isic-graph migrate` (ISIC_MIGRATION_AT_START=refuse) ; le serveur n'a pas "
                   "démarré")
        log(f"the store holds edition {found} of the model: migrating it to edition {current} before serving")
        done = migrate(store, graphs, Validator.default())
    for line in done.describe("en").splitlines():
        log(line)
    return done
