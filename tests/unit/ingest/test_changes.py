"""The change list an upload shows: a value sent again as it was written is no change, whatever form the
store keeps it in; a value that differs is one; every subject whose triples differ is named, a skolemised blank
node's triples counting for their owner."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.ingest.changes import after_write, change_list
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
    assert change_list(described(stored, datatype), described(sent, datatype)).changes == ()


def test_a_different_amount_is_a_change() -> None:
    changes = change_list(described("3500", "decimal"), described("3500.50", "decimal")).changes
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
    changes = change_list(stored, sent).changes
    assert [(c.kind, c.iri, c.cls) for c in changes] == [
        ("added", FUNDING, "Funding"), ("changed", PERSON, FOAF_PERSON), ("removed", THING, "http://ex.org/Anything")]


def test_a_subject_with_no_class_is_named_too_but_not_a_blank_nodes_part() -> None:
    part = f"{THING}#genid-abc"
    sent = [Triple(NamedNode(THING), NamedNode("http://ex.org/p"), NamedNode(part)),
            Triple(NamedNode(part), NamedNode("http://ex.org/q"), Literal("y"))]
    changes = change_list([], sent).changes
    assert [(c.kind, c.iri, c.cls) for c in changes] == [("added", THING, "")]


def test_a_subject_with_no_class_is_described_as_a_resource() -> None:
    changes = change_list([], [Triple(NamedNode(THING), NamedNode("http://ex.org/p"), Literal("y"))])
    assert changes.describe("fr") == "ajouté : ressource « atk-t »"
    assert changes.describe("en") == "added: resource 'atk-t'"


def test_a_class_of_the_model_is_named_by_its_label_in_the_language_asked() -> None:
    role = "http://localhost:5000/id/professional-role/r"
    changes = change_list([], [Triple(NamedNode(role), NamedNode(RDF_TYPE), NamedNode(ISIC + "ProfessionalRole"))])
    assert changes.describe("fr") == "ajouté : rôle professionnel « r »"
    assert changes.describe("en") == "added: professional role 'r'"


def test_the_change_list_is_the_same_whatever_order_the_triples_come_in() -> None:
    """A resource with two names of one rank and two classes of the model is named and classed alike in any order:
    the first name by text, the first class by IRI (a store may give its triples in any order)."""
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    sent = [*typed(PERSON, ISIC + "Person", "Zoé"), Triple(NamedNode(PERSON), label, Literal("Anne")),
            Triple(NamedNode(PERSON), NamedNode(RDF_TYPE), NamedNode(ISIC + "Actor")),
            *described("3500.00", "decimal")]
    orders = (sent, sent[::-1], sent[2:] + sent[:2])
    lists = {change_list(described("12", "decimal"), order).changes for order in orders}
    assert len(lists) == 1
    assert [(c.kind, c.iri, c.name, c.cls) for c in lists.pop()] == [
        ("added", PERSON, "Anne", "Actor"), ("changed", FUNDING, "cdp-caf", "Funding")]


PROJECT = "http://localhost:5000/id/project/p"


def test_a_subject_whose_only_change_is_a_link_is_changed_and_one_whose_triples_stay_is_not() -> None:
    link = NamedNode(ISIC + "funding")
    stored = typed(PROJECT, ISIC + "Project", "P") + described("3500", "decimal") + [
        Triple(NamedNode(PROJECT), link, NamedNode(FUNDING))]
    sent = typed(PROJECT, ISIC + "Project", "P") + described("3500", "decimal")
    changes = change_list(stored, sent).changes
    assert [(c.kind, c.iri, c.cls) for c in changes] == [("changed", PROJECT, "Project")]


def test_a_blank_nodes_part_changing_changes_its_owner() -> None:
    part = NamedNode(f"{THING}#genid-abc")
    q = NamedNode("http://ex.org/q")
    stored = typed(THING, "http://ex.org/Anything") + [Triple(part, q, Literal("y"))]
    sent = typed(THING, "http://ex.org/Anything") + [Triple(part, q, Literal("z"))]
    assert [(c.kind, c.iri) for c in change_list(stored, sent).changes] == [("changed", THING)]


def test_the_state_after_a_write_is_the_operations_run_on_a_copy() -> None:
    graph = "http://localhost:5000/graph/network/n"
    stored = described("3500", "decimal")
    after = after_write(stored, graph, [f"DELETE WHERE {{ GRAPH <{graph}> {{ <{FUNDING}> <{ISIC}amount> ?a }} }}"])
    assert sorted(map(str, after)) == sorted(map(str, stored[:1]))
