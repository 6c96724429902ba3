"""A term pyoxigraph reads and rdflib (which validates) does not is refused as unreadable, never a server error,
and the refusal does not quote the data: whatever way the triples came (a backup to restore, a sheet)."""

from __future__ import annotations

import pytest
from pyoxigraph import BaseDirection, Literal, NamedNode, Triple

from isic_graph.errors import ParseError
from isic_graph.validation.validator import to_rdflib


@pytest.mark.parametrize("language,direction", [("ar", BaseDirection.RTL), ("fr", BaseDirection.LTR)])
def test_a_literal_with_a_base_direction_is_refused_without_quoting_it(language: str, direction: BaseDirection) -> None:
    triple = Triple(NamedNode("http://e.example/s"), NamedNode("http://e.example/p"),
                    Literal("jean.dupont@exemple.fr", language=language, direction=direction))
    with pytest.raises(ParseError) as refused:
        to_rdflib([triple])
    assert "base direction" in refused.value.text("en") and "jean" not in refused.value.text("en")
    assert "direction" in refused.value.text("fr")


def test_plain_literals_are_read() -> None:
    triple = Triple(NamedNode("http://e.example/s"), NamedNode("http://e.example/p"), Literal("x", language="ar"))
    assert len(to_rdflib([triple])) == 1
