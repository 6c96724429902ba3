"""What SERVICE answers may add to one query is bounded: the number of blocks, the bytes read from all the peers
(each read capped at what is left), the rows, the VALUES text written and each term's length. Past any of these a
block fails like any other call: 502 naming the peer and the limit, the empty solution with SILENT."""

from __future__ import annotations

import re
from typing import Any

import pytest

from isic_graph.errors import EngineFailed, PeerAnswerTooLarge, PeerUnavailable, UsageError
from isic_graph.federation import service
from isic_graph.federation.peers import Peer
from isic_graph.federation.service import (
    MAX_ANSWER_BYTES,
    MAX_BLOCKS,
    MAX_TERM_CHARS,
    MAX_VALUES_BYTES,
    Budget,
    evaluate,
    values,
)
from isic_graph.sparql.guard import read
from isic_graph.store.remote import engine_failure, too_large_for_engine

PEER = Peer("south", "http://127.0.0.1:9/sparql", None, "2026-01-01T00:00:00+00:00", True)


def answer(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"head": {"vars": ["s"]}, "results": {"bindings": list(rows)}}


def literal(text: str) -> dict[str, Any]:
    return {"s": {"type": "literal", "value": text}}


def test_the_limits_leave_the_engines_body_limit_far_away() -> None:
    """Even form-encoded (3 bytes for one), what SERVICE answers add stays well under the engine's 128 MiB."""
    assert 3 * MAX_VALUES_BYTES + 64 * 1024 < 128 * 1024 * 1024 // 2
    assert MAX_TERM_CHARS * 4 <= MAX_VALUES_BYTES and 1 <= MAX_BLOCKS <= 16


def test_each_read_is_capped_at_what_is_left_and_past_it_the_peer_and_the_limit_are_named() -> None:
    budget = Budget()
    assert budget.read_cap(PEER) == MAX_ANSWER_BYTES
    budget.read(10 * 1024 * 1024, PEER)
    assert budget.read_cap(PEER) == MAX_ANSWER_BYTES - 10 * 1024 * 1024
    with pytest.raises(PeerUnavailable, match=f"^peer south: .* larger than {MAX_ANSWER_BYTES} bytes in all"):
        budget.read(7 * 1024 * 1024, PEER)
    with pytest.raises(PeerUnavailable, match=f"larger than {MAX_ANSWER_BYTES} bytes"):  # nothing left: no request
        budget.read_cap(PEER)


def test_rows_are_counted_across_blocks() -> None:
    budget = Budget(rows=5)
    assert budget.row_cap(3) == 3
    budget.take_rows(3, 3, PEER)
    assert budget.row_cap(3) == 2
    with pytest.raises(PeerUnavailable, match="^peer south: .* more than 5 rows in all"):
        budget.take_rows(3, 3, PEER)
    with pytest.raises(PeerUnavailable, match="^peer south answered more than 3 rows for a SERVICE block"):
        Budget().take_rows(4, 3, PEER)


def test_the_values_text_is_counted_as_it_is_written() -> None:
    budget = Budget(values_bytes=200)
    values(answer(literal("a" * 50)), PEER, frozenset({"s"}), budget)
    assert 0 < budget.values_bytes < 200 - 50
    with pytest.raises(PeerUnavailable, match="^peer south: the VALUES .* larger than 200 bytes"):
        values(answer(literal("b" * 50), literal("c" * 50)), PEER, frozenset({"s"}), budget)


def test_a_term_longer_than_the_cap_is_refused_and_shown_short() -> None:
    with pytest.raises(PeerUnavailable, match=f"longer than {MAX_TERM_CHARS} characters") as refused:
        values(answer(literal("A" * (MAX_TERM_CHARS + 1))), PEER, frozenset({"s"}))
    assert len(refused.value.message) < 300 and '"' + "A" * 80 + '…"' in refused.value.message


@pytest.mark.parametrize("term, shown", [
    ({"type": "triple", "value": {"subject": {"type": "uri", "value": "x:a"}}},
     "not valid RDF: a triple term whose value is not a string"),
    ({"type": "uri", "value": "not an iri> ." + "x" * 200}, 'not valid RDF: a uri term "not an iri> .xxx'),
    ({"value": "x"}, 'not valid RDF: a term without a type "x"'),
    ({"type": "uri", "value": "mailto:jean.dupont@example.org <"}, "not valid RDF: a uri term"),
])
def test_a_term_that_is_not_rdf_is_named_by_its_kind_and_a_short_quoted_value(term: dict[str, Any],
                                                                              shown: str) -> None:
    with pytest.raises(PeerUnavailable) as refused:
        values({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": term}]}}, PEER, frozenset({"s"}))
    message = refused.value.message
    assert shown in message and "{" not in message and "'" not in message and len(message) < 200
    assert "jean.dupont" not in message


def refusal(term: dict[str, Any]) -> PeerUnavailable:
    with pytest.raises(PeerUnavailable) as refused:
        values({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": term}]}}, PEER, frozenset({"s"}))
    return refused.value


@pytest.mark.parametrize("term, english, french", [
    ({"type": "jean.dupont@exemple.fr", "value": "06 12 34 56 78"}, 'a *** (email) term "*** (phone)"',
     "un terme de type « *** (adresse e-mail) », de valeur « *** (numéro de téléphone) »"),
    ({"type": "x" * 10 + " jean.dupont@exemple.fr", "value": "v"}, 'a xxxxxxxxxx *** (email) term "v"',
     "un terme de type « xxxxxxxxxx *** (adresse e-mail) », de valeur « v »"),
    ({"type": "uri", "value": "<" + "a" * 60 + " jean.dupont@exemple.fr FR76 3000 6000 0112 3456 7890 189"},
     'a uri term "<' + "a" * 60 + ' *** (email, iban)"',
     "un terme de type « uri », de valeur « <" + "a" * 60 + " *** (adresse e-mail, IBAN) »"),
    ({"type": "uri", "value": "<" + "a" * 75 + " jean.dupont@exemple.fr and more"},
     'a uri term "<' + "a" * 75 + ' *** (email)…"',
     "un terme de type « uri », de valeur « <" + "a" * 75 + " *** (adresse e-mail)… »"),
])
def test_a_peers_bad_term_is_masked_before_it_is_shortened_in_the_clients_words(
        term: dict[str, Any], english: str, french: str) -> None:
    """A type cut to 20 characters first ("jean.dupont@exemple.") was no longer seen as an e-mail address."""
    refused = refusal(term)
    assert refused.message.endswith("not valid RDF: " + english), refused.message
    assert refused.text("fr").endswith("n'est pas du RDF valide : " + french), refused.text("fr")
    for text in (refused.message, refused.text("fr")):
        assert "jean" not in text and "dupont" not in text and "06 12" not in text and "3000" not in text


@pytest.mark.parametrize("term, french", [
    ({"type": "uri", "value": "not an iri> ."}, "un terme de type « uri », de valeur « not an iri> . »"),
    ({"type": "literal", "value": "x", "xml:lang": "@@"}, "un terme de type « literal », de valeur « x »"),
    ({"type": "triple", "value": {"subject": {"type": "uri", "value": "x:a"}}},
     "un terme de type « triple » dont la valeur n'est pas une chaîne"),
    ({"value": ""}, "un terme sans type, de valeur «  »"),
    ({"type": "evil", "value": "x"}, "un terme de type « evil », de valeur « x »"),
])
def test_a_peers_bad_term_is_named_in_french_words_in_a_french_refusal(term: dict[str, Any], french: str) -> None:
    text = refusal(term).text("fr")
    assert text == "le pair south a répondu avec un terme qui n'est pas du RDF valide : " + french
    assert not ENGLISH_WORDS.search(text.split(" : ", 1)[1].replace("not an iri", "")), text


ENGLISH_WORDS = re.compile(r"\b(?:a|an|the|term|without|whose|value|is|not|string)\b")


def test_a_term_too_long_is_shown_in_french_words_too() -> None:
    with pytest.raises(PeerUnavailable) as refused:
        values(answer(literal("A" * (MAX_TERM_CHARS + 1))), PEER, frozenset({"s"}))
    assert refused.value.text("fr").endswith("un terme de type « literal », de valeur « " + "A" * 80 + "… »")


def blocks(count: int, silent: str = "") -> str:
    return "SELECT * WHERE { " + " ".join(f"SERVICE {silent}<{PEER.sparql}> {{ ?s{i} ?p ?o }}"
                                          for i in range(count)) + " }"


def test_more_blocks_than_the_cap_are_refused_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def called(*args: Any) -> Any:
        raise AssertionError("no peer is called")

    monkeypatch.setattr(service, "sparql_answer", called)
    with pytest.raises(UsageError, match=f"{MAX_BLOCKS + 1} SERVICE blocks, more than the {MAX_BLOCKS}"):
        evaluate(read(blocks(MAX_BLOCKS + 1, "SILENT ")), [PEER], 5, 10)


class BigPeer:
    """A peer answering each block with one literal of `size` characters, reading within the cap it is given."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.caps: list[int] = []

    def __call__(self, peer: Peer, query: str, timeout: float, max_bytes: int, max_rows: int,
                 max_terms: int) -> tuple[dict[str, Any], int, int]:
        self.caps.append(max_bytes)
        name = query.split("?", 1)[1].split()[0]
        body = {"head": {"vars": [name]},
                "results": {"bindings": [{name: {"type": "literal", "value": "A" * self.size}}]}}
        if self.size + 100 > max_bytes:
            raise PeerAnswerTooLarge(f"peer {peer.name}: larger than {max_bytes} bytes", max_bytes)
        return body, self.size + 100, 1


def test_the_answers_of_all_blocks_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    peer = BigPeer(1000)
    monkeypatch.setattr(service, "sparql_answer", peer)
    with pytest.raises(PeerUnavailable, match="^peer south: .*larger than 5000 bytes in all"):
        evaluate(read(blocks(6)), [PEER], 5, 10, Budget(answer_bytes=5000))
    assert peer.caps == [5000, 3900, 2800, 1700, 600]  # the fifth read is cut at what was left: no sixth request


def test_a_silent_block_past_the_budget_is_the_empty_solution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "sparql_answer", BigPeer(20))
    evaluated = evaluate(read(blocks(2, "SILENT ")), [PEER], 5, 10, Budget(answer_bytes=150))
    assert evaluated.text.count("VALUES") == 1 and evaluated.text.endswith("{ } }")
    with pytest.raises(PeerUnavailable, match="^peer south: .*larger than 150 bytes in all"):
        evaluate(read(blocks(2)), [PEER], 5, 10, Budget(answer_bytes=150))


@pytest.mark.parametrize("status, detail", [
    (400, "SPARQL body payloads are limited to 134217728 bytes, found 300000444 bytes"),
    (413, "Payload Too Large"),
])
def test_an_engine_refusing_a_text_as_too_large_is_not_the_clients_fault(status: int, detail: str) -> None:
    assert too_large_for_engine(status, detail)
    failure = engine_failure(status, detail)
    assert isinstance(failure, EngineFailed) and failure.status == 502 and not failure.public


def test_an_engines_syntax_refusal_is_still_the_clients() -> None:
    assert not too_large_for_engine(400, "error at 1:5: expected one of Prefix")
