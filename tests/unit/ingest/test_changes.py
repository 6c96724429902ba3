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


PERSON = "http://localhost:5000/id/person/jeanne"
THING = "http://localhost:5000/id/thing/atk-t"
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"


def typed(subject: str, cls: str, text: str = "x") -> list[Triple]:
    return [Triple(NamedNode(subject), NamedNode(RDF_TYPE), NamedNode(cls)),
            Triple(NamedNode(subject), NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal(text))]


def test_every_subject_added_changed_or_removed_is_named_whatever_its_class() -> None:
    stored = typed(PERSON, FOAF_PERSON, "Jeanne") + typed(THING, "http://ex.org/Anything")
    sent = typed(PERSON, FOAF_PERSON, "Jeanne M.") + typed(FUNDING, ISIC + "Funding", "CAF")
    changes = change_list(stored, sent, {PERSON, THING, FUNDING}, ()).changes
    assert [(c.kind, c.iri, c.cls) for c in changes] == [
        ("added", FUNDING, "Funding"), ("changed", PERSON, FOAF_PERSON), ("removed", THING, "http://ex.org/Anything")]


def test_a_subject_with_no_class_is_named_too_but_not_a_blank_nodes_part() -> None:
    part = f"{THING}#genid-abc"
    sent = [Triple(NamedNode(THING), NamedNode("http://ex.org/p"), NamedNode(part)),
            Triple(NamedNode(part), NamedNode("http://ex.org/q"), Literal("y"))]
    changes = change_list([], sent, {THING, part}, ()).changes
    assert [(c.kind, c.iri, c.cls) for c in changes] == [("added", THING, "")]


def test_a_subject_with_no_class_is_described_as_a_resource() -> None:
    changes = change_list([], [Triple(NamedNode(THING), NamedNode("http://ex.org/p"), Literal("y"))], {THING}, ())
    assert changes.describe("fr") == "ajouté : ressource « atk-t »"
    assert changes.describe("en") == "added: resource 'atk-t'"
