"""Loaded by the dry runs' fork server only (see dry_run.py): the shipped validator is made there once, with its
indexes, so that each dry run's process, forked from it, starts with the validator made instead of making it again
(about a second each); so are the keys of the terms the ontology and thesauri describe, which every submission is
checked against (tens of milliseconds each), and pyld, read for each JSON-LD document (about 50 ms each)."""

from __future__ import annotations

from pyld import jsonld  # noqa: F401 - imported here once, for every process forked from the server

from isic_graph.ingest.vocabulary import described_keys
from isic_graph.validation.validator import Validator

PRELOADED = Validator.default()
PRELOADED.vocabulary_facts  # noqa: B018 - built here once, for every process forked from the server
PRELOADED.indexed_vocabulary  # noqa: B018
PRELOADED.shape_parts  # noqa: B018
described_keys()
