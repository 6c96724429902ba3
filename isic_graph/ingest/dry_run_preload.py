"""Loaded by the dry runs' fork server only (see dry_run.py): what every dry run needs and would otherwise make
again in its own process is made here once, before the fork server forks it:
- the shipped validator, with its indexes (about a second);
- the keys of the terms the ontology and thesauri describe, which every submission is checked against, the classes
  a resource may be given, and the terms the ontology declares (tens of milliseconds);
- the checks each IRI of a submission goes through (personal data, look-alike spellings, host names, vocabulary
  terms), for the IRIs of the ontology and thesauri, which every submission uses: their answers are kept by those
  functions' caches (about 15 ms of a project's dry run);
- pyld, read for each JSON-LD document (about 50 ms).
"""

from __future__ import annotations

from pyld import jsonld  # noqa: F401 - imported here once, for every process forked from the server
from rdflib import URIRef

from isic_graph.ingest.classes import known_classes
from isic_graph.ingest.ingestion import declared_terms
from isic_graph.ingest.ownercheck import lookalike_of
from isic_graph.ingest.vocabulary import described_keys
from isic_graph.privacy import personal_data_in_iri
from isic_graph.rdf.iris import host_problem, lookalike_key
from isic_graph.rdf.vocabularies import vocabulary_term
from isic_graph.validation.validator import Validator

PRELOADED = Validator.default()
PRELOADED.vocabulary_facts  # noqa: B018 - built here once, for every process forked from the server
PRELOADED.indexed_vocabulary  # noqa: B018
PRELOADED.shape_parts  # noqa: B018
described_keys()
known_classes()
declared_terms()
for iri in {str(term) for triple in PRELOADED.vocabulary for term in triple if isinstance(term, URIRef)}:
    personal_data_in_iri(iri)
    lookalike_key(iri)
    lookalike_of(iri)
    host_problem(iri)
    vocabulary_term(iri)
