"""The order test modules are handed out in: longest first, so that no long module starts last and leaves the
other worker idle (`--dist loadscope` gives each worker a whole module at a time).

A module's weight is its rough duration in seconds on two cores (measured on `pytest -m "not live"`) when it is
listed in LONG, else its number of tests times a typical test's time. The figures only order the modules: a stale
one costs some idle time at the end of a run, never a result.

tests/unit/validation/test_vocabulary.py is left out of LONG on purpose: handed out late, it reads the pySHACL
reports test_conformance.py (handed out first) has already written for the run (tests/support/shacl.py); handed
out with it, it would wait for them."""

from __future__ import annotations

from collections import Counter

import pytest

TYPICAL = 0.03  # seconds of a test of an unlisted module
LONG = {  # seconds of the modules that take longest for their number of tests
    "tests/web/test_update_upkeep_fuzz.py": 8,
    "tests/web/test_pages_in_words.py": 15,
    "tests/web/test_sheet_form_edits.py": 12,
    "tests/web/test_sheet_variants.py": 11,
    "tests/unit/validation/test_conformance.py": 11,
    "tests/web/test_hostile_input.py": 11,
    "tests/unit/admin/test_backup.py": 9,
    "tests/unit/admin/test_reference.py": 8,
    "tests/unit/ingest/test_ownership.py": 8,
    "tests/unit/admin/test_restoration.py": 8,
    "tests/artefacts/test_shapes.py": 5,
    "tests/web/test_update_dataset.py": 7,
    "tests/unit/store/test_capping_large_values.py": 2,
    "tests/unit/ingest/test_ingestion.py": 6,
    "tests/unit/admin/test_migration.py": 4,
    "tests/unit/publish/test_dumps.py": 5,
    "tests/unit/ingest/test_known_links.py": 4,
    "tests/unit/publish/test_jsonld.py": 4,
    "tests/unit/ingest/test_dry_run.py": 4,
    "tests/unit/ingest/test_hostile_documents.py": 4,
    "tests/unit/ingest/test_identifier_keys.py": 4,
    "tests/web/test_sheet_roundtrip.py": 4,
    "tests/web/test_sheet_messages_fr.py": 4,
    "tests/unit/publish/test_maps.py": 4,
    "tests/web/test_linked_data.py": 4,
    "tests/web/test_api.py": 3,
    "tests/web/test_headers.py": 3,
    "tests/unit/test_privacy_disguises.py": 3,
    "tests/web/test_sparql.py": 3,
    "tests/web/test_sheet_paths.py": 2,
    "tests/web/test_templates.py": 2,
    "tests/unit/test_privacy_spellings.py": 2,
    "tests/web/test_retraction.py": 2,
    "tests/unit/test_cli.py": 2,
    "tests/web/test_w3c_sparql.py": 2,
    "tests/web/test_hostile_links.py": 2,
}


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def longest_first(items: list[pytest.Item]) -> None:
    """Reorder the collected tests (in place) module by module, heaviest module first; each module's tests keep
    their order, and modules of equal weight keep theirs."""
    counts = Counter(module_of(item) for item in items)
    first_seen = {module: rank for rank, module in enumerate(dict.fromkeys(module_of(item) for item in items))}

    def weight(module: str) -> float:
        return LONG.get(module, counts[module] * TYPICAL)

    items.sort(key=lambda item: (-weight(module_of(item)), first_seen[module_of(item)]))
