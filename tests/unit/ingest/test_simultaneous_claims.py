"""Two networks publishing the same new resource at the same moment: the first to write owns it, and the other is
refused. Ownership was checked before the write lock was taken, and not again under it, so both passed while
neither owned it yet: both graphs described the resource (the second, after its write, owned by the first),
one HTTP request each, sent together, was enough."""

from __future__ import annotations

from typing import Any, Sequence

import pyoxigraph
import pytest

from isic_graph.errors import NotOwner
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import ingest
from isic_graph.ingest.ownership import owner_of
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.validation.reports import ValidationReport
from isic_graph.validation.validator import Validator

BASE = "http://localhost:5000/"


def described(resource: str, by: str) -> Document:
    return Document(f"{by}.ttl", f"""@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{resource}> a isic:Organisation ; rdfs:label "selon {by}"@fr ;
    isic:actorType <https://w3id.org/isic/thesaurus/actor-type/association> .
""".encode(), format_for_path(f"{by}.ttl"))


class Meanwhile(Validator):
    """The shapes' check, during which another write lands (as a request sent at the same moment): the moment
    between the checks of a submission and its write."""

    def __init__(self, validator: Validator, write: Any) -> None:
        self.__dict__.update(validator.__dict__)
        self.write = write

    def check(self, triples: Sequence[pyoxigraph.Triple], context: Sequence[pyoxigraph.Triple] = (),
              focus: Any = None) -> ValidationReport:
        write, self.write = self.write, None
        if write is not None:
            write()
        return super().check(triples, context, focus)


def test_the_second_of_two_networks_claiming_a_new_resource_is_refused(store: Store, validator: Validator,
                                                                       graphs: Graphs) -> None:
    resource = f"{BASE}id/organisation/course"
    while_checking = Meanwhile(validator, lambda: ingest(store, validator, graphs, [described(resource, "anas")],
                                                         "anas"))
    with pytest.raises(NotOwner) as refused:
        ingest(store, while_checking, graphs, [described(resource, "fcsf")], "fcsf")
    assert refused.value.subject == resource
    owner = owner_of(store, graphs, resource)
    assert owner is not None and owner.agent == f"{BASE}id/network/anas"
    holders = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{resource}> ?p ?o }} }}").values("g")
    assert holders == [graphs.network("anas")]
