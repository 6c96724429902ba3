"""The key facts of the resources a page links to, so that a link reads as a sentence: a funding by its funder
and amount, a partner role by its organisation and role, a milestone by its date (and dated things in date
order)."""

from __future__ import annotations

from typing import Iterable

from pyoxigraph import Literal, NamedNode

from isic_graph.rdf.labels import pick
from isic_graph.rdf.namespaces import RDF_TYPE, XSD
from isic_graph.web import lookups
from isic_graph.web.cells import term_value
from isic_graph.web.resource_page import LABELS, MAX_NODES, labels_of, shape_order
from isic_graph.web.served import artefacts
from isic_graph.web.wording import NUMBERS, literal_text

MAX_FACTS, MAX_TEXT = 3, 60
SKIPPED = ("currency",)  # said by the amount itself

Summary = tuple[str | None, str | None, str]  # name, key facts, sort key (its first date)


def telling(literal: Literal, predicate: str, lang: str) -> bool:
    """A literal worth a place among key facts: a short text, a date or an amount (not a bare yes/no or count,
    which say nothing without the property's name)."""
    if literal.language not in (None, lang) or len(literal.value) > MAX_TEXT:
        return False
    if literal.datatype.value == XSD + "boolean":
        return False
    return literal.datatype.value not in NUMBERS or "amount" in predicate.rsplit("#", 1)[-1].lower()


def statements(iris: Iterable[str]) -> dict[str, list[tuple[str, object]]]:
    names = list(dict.fromkeys(iris))[:MAX_NODES]
    if not names:
        return {}
    found: dict[str, list[tuple[str, object]]] = {}
    # its owner's statements: no twin's name (identity graph), no copy another network keeps
    for row in lookups.owned_statements(names):
        found.setdefault(term_value(row["s"]), []).append((term_value(row["p"]), row["o"]))
    return found


def summaries(iris: Iterable[str], base: str, lang: str) -> dict[str, Summary]:
    """For each of this instance's resources among iris: its name, its key facts in words, its first date."""
    first = statements(i for i in iris if i.startswith(base + "id/") and "#" not in i)
    labels: dict[str, dict[str, str]] = {}

    def learn(nodes: Iterable[object]) -> None:
        for t in labels_of(nodes):
            if isinstance(t.object, Literal):
                labels.setdefault(term_value(t.subject), {}).setdefault(t.object.language or "", t.object.value)

    objects = [o for facts in first.values() for _, o in facts if isinstance(o, NamedNode)]
    learn([NamedNode(i) for i in first] + objects)
    unnamed = [o.value for o in objects if o.value.startswith(base + "id/") and o.value not in labels]
    second = statements(unnamed)
    learn(o for facts in second.values() for _, o in facts if isinstance(o, NamedNode))
    known = artefacts().labels

    def name_of(value: str, depth: int, source: dict[str, list[tuple[str, object]]]) -> str | None:
        named = pick(labels.get(value, {}), lang) or pick(known.get(value, {}), lang)
        if named or depth == 0 or value not in source:
            return named
        return key_facts(value, source, depth - 1) or None

    def key_facts(value: str, source: dict[str, list[tuple[str, object]]], depth: int) -> str:
        facts = source.get(value, [])
        types = [term_value(o) for p, o in facts if p == RDF_TYPE]
        order = shape_order(types)
        shown: list[str] = []
        chosen = [(p, o) for p, o in facts if p != RDF_TYPE and p not in LABELS and not p.endswith(SKIPPED)
                  and (not isinstance(o, Literal) or telling(o, p, lang))]
        def rank(po: tuple[str, object]) -> tuple[int, tuple[int, int]]:  # who (a resource), how much, what kind
            kind = 1 if isinstance(po[1], Literal) else 0 if term_value(po[1]).startswith(base) else 2
            return kind, order.get(po[0], (99, 99))

        for p, o in sorted(chosen, key=rank):
            text = literal_text(o, lang, p) if isinstance(o, Literal) else name_of(term_value(o), depth, second)
            if text and text not in shown:
                shown.append(text)
        return " · ".join(shown[:MAX_FACTS])

    out: dict[str, Summary] = {}
    for iri, facts in first.items():
        dates = sorted(o.value for _, o in facts if isinstance(o, Literal) and o.datatype.value == XSD + "date")
        out[iri] = (pick(labels.get(iri, {}), lang), key_facts(iri, first, 1) or None, dates[0] if dates else "")
    return out
