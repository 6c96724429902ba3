"""A blank node is part of what it hangs from; one that hangs from no subject is part of the submitting network's own
description (`{base}id/network/{slug}#genid-…`), never an IRI of the instance a network could take. The instance owns
its IRIs outside `{base}id/` whatever a record says; a resource of the instance is no property either."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.errors import InstanceAsClass, InstanceAsProperty
from isic_graph.ingest import ownership
from isic_graph.ingest.classes import check_class_positions, misclassed, misclassed_reason
from isic_graph.ingest.documents import Batch, Document
from isic_graph.ingest.ingestion import untyped
from isic_graph.ingest.reading import read_batch, skolemise
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import ISIC, RDF_TYPE, RDFS, Graphs

BASE = "http://localhost:5000/"
ATTACKER = f"{BASE}id/network/attacker"
PROJECT = f"{BASE}id/project/les-incompris"
EX = "http://example.org/v#"
GRAPHS = Graphs(BASE)


def test_a_top_level_blank_node_is_part_of_the_iri_it_is_given() -> None:
    top, nested = BlankNode(), BlankNode()
    found = skolemise([Triple(top, NamedNode(EX + "foo"), Literal("x")),
                       Triple(top, NamedNode(EX + "part"), nested),
                       Triple(nested, NamedNode(EX + "bar"), Literal("y")),
                       Triple(NamedNode(PROJECT), NamedNode(EX + "part"), BlankNode())], BASE, ATTACKER)
    subjects = {t.subject.value for t in found}
    assert {s.split("#genid-")[0] for s in subjects} == {ATTACKER, PROJECT}  # `nested` hangs from `top`
    assert not any(".well-known" in s for s in subjects)
    objects = {t.object.value for t in found if isinstance(t.object, NamedNode)}
    assert sum(o.startswith(PROJECT + "#genid-") for o in objects) == 1


def test_without_a_network_a_top_level_blank_node_is_the_instances() -> None:
    found = skolemise([Triple(BlankNode(), NamedNode(EX + "foo"), Literal("x"))], BASE)
    assert found[0].subject.value.startswith(f"{BASE}.well-known/genid#genid-")


@pytest.mark.parametrize("name, data", [
    ("x.ttl", b'[] <http://example.org/v#foo> "y" .'),
    ("x.nt", b'_:b <http://example.org/v#foo> "y" .\n'),
    ("x.jsonld", b'{"@context": ["https://w3id.org/isic/context.jsonld", {"@vocab": "http://example.org/v#"}], '
                 b'"foo": "x"}'),
    ("x.jsonld", b'{"@context": {"@vocab": "http://example.org/v#"}, "@id": "_:b", "foo": "x"}'),
    ("x.jsonld", b'{"@context": {"@vocab": "http://example.org/v#"}, "@graph": [{"foo": "x"}, {"bar": "y"}]}'),
])
def test_a_networks_submission_hangs_its_top_level_nodes_from_the_network(name: str, data: bytes) -> None:
    batch = read_batch([Document(name, data, format_for_path(name))], BASE, top=ATTACKER)
    assert batch.subjects and all(s.startswith(ATTACKER + "#genid-") for s in batch.subjects)


@pytest.mark.parametrize("iri", [f"{BASE}.well-known/genid", f"{BASE}.well-known/genid#genid-0123456789abcdef",
                                 "HTTP://LOCALHOST:5000/.well-known/genid", f"{BASE}.well-known//genid",
                                 f"{BASE}.well-known/%67enid", f"{BASE}.well-known/genid/x", f"{BASE}sparql",
                                 f"{BASE}.well-known/void", BASE])
def test_the_instances_iris_outside_id_are_its_own_whatever_a_record_says(iri: str) -> None:
    """A record made before (`attacker` took `.well-known/genid` with a top-level blank node) no longer counts."""
    k = ownership.key(GRAPHS, iri)
    found = ownership.decide(GRAPHS, {k: [iri]}, {k: ownership.network(GRAPHS, "attacker")}, {})
    assert found == {iri: (ownership.instance(GRAPHS), False)}
    assert ownership.decide(GRAPHS, {k: [iri]}, {}, {}) == {iri: (ownership.instance(GRAPHS), False)}


def test_a_networks_top_level_node_is_the_networks_by_its_own_iri() -> None:
    iri = ATTACKER + "#genid-0123456789abcdef"
    k = ownership.key(GRAPHS, iri)
    assert ownership.decide(GRAPHS, {k: [iri]}, {}, {}) == {iri: (ownership.network(GRAPHS, "attacker"), False)}


def batch_of(*spo: tuple[str, str, str | Literal]) -> Batch:
    return Batch(tuple(Triple(NamedNode(s), NamedNode(p), o if isinstance(o, Literal) else NamedNode(o))
                       for s, p, o in spo), ())


@pytest.mark.parametrize("predicate", [
    PROJECT, PROJECT.upper(), PROJECT.replace("http:", "https:"), PROJECT.replace("/id/", "/%69d/"),
    PROJECT.replace("/id/", "//id/"), PROJECT + "/", PROJECT + "#genid-0123456789abcdef", f"{BASE}ID/organisation/x",
    f"{BASE}id/network/anas", "http://LOCALHOST:5000/id/project/les-incompris", f"{BASE}id/anything",
    f"{BASE}sparql", f"{BASE}.well-known/genid", f"{BASE}catalog#p", f"{BASE}graph/network/anas", BASE,
    "HTTPS://LOCALHOST:5000/%73parql", "http://localhost.:5000/catalog#p",
])
def test_a_resource_of_the_instance_as_a_property_is_refused_in_any_spelling(predicate: str) -> None:
    with pytest.raises(InstanceAsProperty) as refused:
        check_class_positions(batch_of((ATTACKER + "#genid-1", predicate, Literal("x"))), BASE)
    error = refused.value
    assert isinstance(error, InstanceAsClass)  # of the same family
    assert (error.status, error.code, error.subject, error.term) == (422, "instance-as-property",
                                                                      ATTACKER + "#genid-1", predicate)
    assert "as a property" in error.message and "comme propriété" in (error.fr or "")
    assert "nothing was stored" in error.message and "rien n'a été enregistré" in (error.fr or "")


@pytest.mark.parametrize("predicate", [ISIC + "title", EX + "foo", "http://localhost:5001/id/project/x",
                                       "http://ex.org/id/project/x", "http://localhost:50001/sparql",
                                       "http://127.0.0.1:5000/id/project/les-incompris",
                                       "http://[::1]:5000/id/project/les-incompris"])
def test_other_properties_pass(predicate: str) -> None:
    """An IRI under another host is not the instance's: `127.0.0.1` and `[::1]` are other hosts than `localhost`
    to every look-alike check (a browser takes them for other origins; a managed graph is compared the same way)."""
    check_class_positions(batch_of((f"{BASE}id/group/g", predicate, Literal("x"))), BASE)


def test_a_harvest_and_the_stored_data_check_name_a_resource_used_as_a_property() -> None:
    found = misclassed([Triple(NamedNode("http://peer.example/id/group/g#genid-1"), NamedNode(PROJECT),
                               Literal("x"))], [f"{BASE}id/"])
    assert found == {"http://peer.example/id/group/g": (PROJECT, "property")}
    assert misclassed_reason(PROJECT, "property") == {"en": f"uses <{PROJECT}>, a resource, as a property",
                                                      "fr": f"emploie <{PROJECT}>, une ressource, comme propriété"}


def test_a_harvest_and_the_stored_data_check_name_a_resource_used_as_a_datatype() -> None:
    found = misclassed([Triple(NamedNode("http://peer.example/id/group/g"), NamedNode(EX + "note"),
                               Literal("x", datatype=NamedNode(PROJECT)))], [f"{BASE}id/"])
    assert found == {"http://peer.example/id/group/g": (PROJECT, "class")}


@pytest.mark.parametrize("datatype", [PROJECT, PROJECT.upper(), f"{BASE}sparql", f"{BASE}.well-known/genid/x"])
def test_an_iri_of_the_instance_as_a_datatype_is_refused(datatype: str) -> None:
    with pytest.raises(InstanceAsClass) as refused:
        check_class_positions(batch_of((f"{BASE}id/group/g", EX + "note",
                                        Literal("x", datatype=NamedNode(datatype)))), BASE)
    assert refused.value.term == datatype and "datatype" in str(refused.value)


def test_a_datatype_of_another_vocabulary_passes() -> None:
    check_class_positions(batch_of((f"{BASE}id/group/g", EX + "note",
                                    Literal("2026-12-06", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")))),
                          BASE)


def test_a_top_level_node_with_no_class_is_untyped_but_a_nested_one_is_part_of_its_subject() -> None:
    top, nested, group = ATTACKER + "#genid-aa", f"{BASE}id/group/g#genid-bb", f"{BASE}id/group/g"
    batch = batch_of((top, EX + "foo", Literal("x")),
                     (group, RDF_TYPE, ISIC + "UserGroup"), (group, EX + "part", nested), (nested, EX + "bar", "urn:x"))
    assert [issue.focus for issue in untyped(batch, None, GRAPHS, "attacker")] == [top]
    assert [issue.focus for issue in untyped(batch, None, GRAPHS, None)] == [top]
    # a top-level node given only identity properties is no reference to another's resource: it needs a class
    label = batch_of((top, RDFS + "label", Literal("x")))
    assert [issue.focus for issue in untyped(label, None, GRAPHS, None)] == [top]
    typed = batch_of((top, RDF_TYPE, ISIC + "UserGroup"), (top, EX + "foo", Literal("x")))
    assert untyped(typed, None, GRAPHS, "attacker") == []
