"""The second edition's data steps (migrations/2/*.ru): each takes a small first-edition graph to the triples the
second edition adds, keeps the first edition's, changes nothing when run again, and reaches nothing outside the
store (no SERVICE, no LOAD). Run here on an in-memory store; the migration runner applies them in name order."""

from __future__ import annotations

import re

import pyoxigraph
import pytest

from tests.support import paths

STEPS = paths.ROOT / "migrations" / "2"
ISIC = "https://w3id.org/isic/ontology#"
TH = "https://w3id.org/isic/thesaurus/"
G = "http://localhost:5000/graph/network/anas"
PREFIXES = f"""
@prefix isic: <{ISIC}> .
@prefix ex: <http://localhost:5000/id/> .
@prefix rt: <{TH}role-type/> .
@prefix th: <{TH}theme/> .
@prefix pro: <{TH}profession/> .
"""

FIRST_EDITION = """
ex:network a isic:Network ; isic:member ex:caf .
ex:copil a isic:SteeringCommittee ; isic:member ex:partner-role , ex:worker .
ex:worker a isic:ProfessionalRole ; isic:roleType rt:social-worker .
ex:elue a isic:ProfessionalRole ; isic:roleType rt:elected-official .
ex:animatrice a isic:ProfessionalRole ; isic:roleType rt:facilitator .
ex:cheffe a isic:ProfessionalRole ; isic:roleType rt:manager .
ex:ces a isic:ProfessionalRole ; isic:roleType rt:social-worker ; isic:profession pro:community-worker .
ex:lesson isic:transferableTo th:housing , ex:territory .
ex:territory a isic:Territory .
"""

ADDED = {
    "01-committee-and-network-members.ru": {
        ("copil", "committeeMember", "partner-role"), ("copil", "committeeMember", "worker"),
        ("network", "networkMember", "caf"),
    },
    "02-transferable-to-territory-or-theme.ru": {
        ("lesson", "transferableToTheme", "theme/housing"), ("lesson", "transferableToTerritory", "territory"),
    },
    "03-role-type-to-profession-function-status.ru": {
        ("worker", "profession", "profession/social-service-assistant"),
        ("elue", "roleStatus", "role-status/elected-official"),
        ("animatrice", "function", "function/group-facilitation"),
        ("cheffe", "function", "function/institutional-backing"),
        # ex:ces states its profession already: a profession is single-valued, it keeps its own
    },
}


def short(term: object) -> str:
    return str(getattr(term, "value", term)).replace("http://localhost:5000/id/", "").replace(TH, "").replace(ISIC, "")


def store_with_first_edition() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(input=(PREFIXES + FIRST_EDITION).encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE,
               to_graph=pyoxigraph.NamedNode(G))
    return store


def quads(store: pyoxigraph.Store) -> set[tuple[str, str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value, q.graph_name.value) for q in store}


def test_the_steps_are_named_in_order_and_each_is_tested() -> None:
    names = sorted(p.name for p in STEPS.glob("*.ru"))
    assert names == sorted(ADDED)
    assert all(re.fullmatch(r"[0-9]{2}-[a-z0-9-]+\.ru", n) for n in names)


@pytest.mark.parametrize("name", sorted(ADDED))
def test_a_step_adds_its_second_edition_triples_and_keeps_the_first_editions(name: str) -> None:
    store = store_with_first_edition()
    before = quads(store)
    store.update((STEPS / name).read_text(encoding="utf-8"))
    after = quads(store)
    assert before <= after  # nothing removed
    added = {(short(s), short(p), short(o)) for s, p, o, g in after - before}
    assert added == ADDED[name]
    assert {g for *_, g in after - before} == {G}  # written in the graph the first-edition triple is in
    store.update((STEPS / name).read_text(encoding="utf-8"))
    assert quads(store) == after  # idempotent


@pytest.mark.parametrize("name", sorted(ADDED))
def test_a_step_reaches_nothing_outside_the_store(name: str) -> None:
    text = (STEPS / name).read_text(encoding="utf-8")
    text = re.sub(r"<[^>\s]*>", "<>", re.sub(r"(?m)^\s*#.*$", "", text)).upper()  # no comments, no IRIs
    for word in ("SERVICE", "LOAD", "DROP", "CLEAR", "DELETE", "CREATE", "COPY", "MOVE"):
        assert not re.search(rf"\b{word}\b", text), (name, word)


def test_the_steps_in_order_bring_a_first_edition_store_to_every_replacement() -> None:
    store = store_with_first_edition()
    for path in sorted(STEPS.glob("*.ru")):
        store.update(path.read_text(encoding="utf-8"))
    stated = {short(q.predicate) for q in store}
    assert {"committeeMember", "networkMember", "transferableToTheme", "transferableToTerritory", "profession",
            "roleStatus", "function"} <= stated
