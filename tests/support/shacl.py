"""pySHACL's report on data with the whole vocabulary in the data graph (as the validator ran it before it
added only the part the shapes read): the reference several test modules check against, computed once per
input and validator."""

from __future__ import annotations

from functools import cache

import pyshacl
from pyoxigraph import Triple
from rdflib import Graph

from isic_graph.validation.validator import Validator, to_rdflib


@cache
def whole_vocabulary_report(validator: Validator, triples: frozenset[Triple]) -> tuple[bool, Graph]:
    """Whether the data conforms, and pySHACL's report graph (shared between tests: read it, never change it)."""
    data = to_rdflib(triples)
    for t in validator.vocabulary:
        data.add(t)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=validator.shapes, inference="none", allow_warnings=True)
    return bool(conforms), report
