"""What a form edit keeps of the stored descriptions (ingest/formedit.py): every stored triple about the resources the
form describes and their `#genid-` nodes, but those of the properties the form covers (texts: in the form's
language only), whatever the graph holds beside them; checked against the rule written plainly, on graphs made at
random with look-alike IRIs (a resource whose IRI is another's with more letters, `#genid-` in another's IRI)."""

from __future__ import annotations

import random

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from isic_graph.ingest.formedit import kept
from isic_graph.ingest.sheettriples import SheetTriples
from isic_graph.store.base import Written
from isic_graph.store.embedded import EmbeddedStore

GRAPH = "http://localhost:5000/graph/network/n"
P = [f"http://ex.org/p{i}" for i in range(4)]


def subjects() -> list[str]:
    roots = [f"http://localhost:5000/id/project/p{i}" for i in (1, 10, 2)]
    nodes = [f"{r}#genid-{j}" for r in roots for j in (1, 12)]
    return roots + nodes + [f"http://localhost:5000/id/x#genid-2/{roots[0]}", "http://ex.org/elsewhere"]


def oracle(stored: list[Triple], form: SheetTriples) -> set[Triple]:
    resources = {s for s, _, _ in form.covered}
    whole = {(s, p) for s, p, lang in form.covered if lang is None}
    texts = {(s, p): lang for s, p, lang in form.covered if lang is not None}

    def of_form(value: str) -> bool:
        return value in resources or any(value.startswith(r + "#genid-") for r in resources)

    return {t for t in stored if isinstance(t.subject, NamedNode) and of_form(t.subject.value)
            and not isinstance(t.object, BlankNode) and (t.subject.value, t.predicate.value) not in whole
            and not ((t.subject.value, t.predicate.value) in texts and isinstance(t.object, Literal)
                     and (t.object.language or texts[(t.subject.value, t.predicate.value)])
                     == texts[(t.subject.value, t.predicate.value)])}


@pytest.mark.parametrize("seed", range(12))
def test_the_triples_kept_are_those_of_the_forms_resources_and_their_nodes_it_does_not_cover(seed: int) -> None:
    rnd = random.Random(seed)
    names = subjects()
    values = [Literal("a", language="fr"), Literal("b", language="en"), Literal("c"), NamedNode(names[0]),
              NamedNode(rnd.choice(names))]
    stored = list({Triple(NamedNode(rnd.choice(names)), NamedNode(rnd.choice(P)), rnd.choice(values))
                   for _ in range(60)})
    store = EmbeddedStore(None)
    store.extend(GRAPH, stored)
    store.update("INSERT DATA { GRAPH <http://localhost:5000/graph/network/other> { "
                 f"<{names[0]}> <{P[0]}> \"elsewhere\" }} }}", written=Written())  # another graph: not read
    described = rnd.sample(names[:3], rnd.randint(1, 3))
    covered = frozenset((s, rnd.choice(P), rnd.choice([None, "fr"])) for s in described for _ in range(2))
    form = SheetTriples(triples=[], blocks={}, covered=covered, problems={})
    found = kept(store, GRAPH, form)
    assert len(found) == len(set(found))
    assert set(found) == oracle(stored, form)
