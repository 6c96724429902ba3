"""The change list an upload shows: a value sent again as it was written is no change, whatever form the
store keeps it in; a value that differs is one."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.ingest.changes import change_list
from isic_graph.rdf.namespaces import ISIC, RDF_TYPE, XSD

FUNDING = "http://localhost:5000/id/funding/cdp-caf"


def described(amount: str, datatype: str) -> list[Triple]:
    subject = NamedNode(FUNDING)
    return [Triple(subject, NamedNode(RDF_TYPE), NamedNode(ISIC + "Funding")),
            Triple(subject, NamedNode(ISIC + "amount"), Literal(amount, datatype=NamedNode(XSD + datatype)))]


@pytest.mark.parametrize(("stored", "sent", "datatype"), [
    ("3500", "3500.00", "decimal"), ("3500", "3500.0", "decimal"), ("12", "012", "integer"),
    ("true", "1", "boolean"), ("2014-09-15", "2014-09-15", "date"),
])
def test_a_value_sent_again_in_another_lexical_form_is_no_change(stored: str, sent: str, datatype: str) -> None:
    assert change_list(described(stored, datatype), described(sent, datatype), {FUNDING}, ()).changes == ()


def test_a_different_amount_is_a_change() -> None:
    changes = change_list(described("3500", "decimal"), described("3500.50", "decimal"), {FUNDING}, ()).changes
    assert [(c.kind, c.iri) for c in changes] == [("changed", FUNDING)]
