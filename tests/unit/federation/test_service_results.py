"""A peer's SPARQL JSON results are read as they are parsed: only head.vars and the rows' terms are built, no more
of them than the caps allow, and the terms are counted against one budget for the whole query."""

from __future__ import annotations

import json
from typing import Any

import pytest

from isic_graph.errors import PeerUnavailable
from isic_graph.federation import results, service
from isic_graph.federation.peers import Peer
from isic_graph.federation.results import MAX_DIGITS, MAX_VARS, read_results
from isic_graph.federation.service import MAX_ROWS, MAX_TERMS, Budget, evaluate
from isic_graph.sparql.guard import read

PEER = Peer("south", "http://127.0.0.1:9/sparql", None, "2026-01-01T00:00:00+00:00", True)
ROWS = [
    {"s": {"type": "uri", "value": "http://example.org/a"},
     "l": {"type": "literal", "value": "été", "xml:lang": "fr"}},
    {"s": {"type": "bnode", "value": "b0"},
     "n": {"type": "literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
    {},
]
RESULTS = {"head": {"vars": ["s", "l", "n"]}, "results": {"bindings": ROWS}}


def body(document: Any) -> bytes:
    return json.dumps(document).encode()


def test_sparql_results_come_back_as_json_would_load_them() -> None:
    assert read_results(body(RESULTS), PEER) == (RESULTS, 4)
    reordered = {"results": {"bindings": ROWS}, "head": {"vars": ["s", "l", "n"]}}
    assert read_results(body(reordered), PEER)[0] == RESULTS
    assert read_results(b"\xef\xbb\xbf" + body(RESULTS), PEER)[0] == RESULTS  # a byte order mark, as json.loads


def test_what_service_does_not_read_is_not_kept() -> None:
    document = {"head": {"vars": ["s"], "link": ["http://example.org/x"] * 5},
                "results": {"distinct": False, "ordered": True,
                            "bindings": [{"s": {"type": "uri", "value": "x:a", "extra": [1, 2, {"a": "b"}]}}]},
                "noise": [[], [[]], {"a": ["b", 1.5, None, True]}]}
    assert read_results(body(document), PEER)[0] == {"head": {"vars": ["s"]},
                                                     "results": {"bindings": [{"s": {"type": "uri", "value": "x:a"}}]}}


def test_a_terms_value_that_is_not_a_string_is_kept_as_none() -> None:
    triple = {"type": "triple", "value": {"subject": {"type": "uri", "value": "x:a"}}}
    read = read_results(body({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": triple}]}}), PEER)[0]
    assert read["results"]["bindings"] == [{"s": {"type": "triple", "value": None}}]


@pytest.mark.parametrize("document, problem", [
    (b"<html>", "not JSON"),
    (b'{"head": {"vars": []}, "results": {"bindings": []}} trailing', "not JSON"),
    (b'{"head": {"vars": []}, "results": {"bindings": [', "not JSON"),
    (b'{"head": 1, "results": {"bindings": []', "not JSON"),  # not JSON says so first, whatever its shape
    (b'{"boolean": true, "head": {}}', "did not answer with SPARQL JSON results"),
    (b"[]", "did not answer with SPARQL JSON results"),
    (b'{"head": {}, "results": {"bindings": {}}}', "did not answer with SPARQL JSON results"),
    (b'{"head": {}, "results": {"bindings": [1]}}', "did not answer with SPARQL JSON results"),
    (b'{"head": {}, "results": {"bindings": [{"s": "x:a"}]}}', "did not answer with SPARQL JSON results"),
    (b'{"head": [], "results": {"bindings": []}}', "did not answer with SPARQL JSON results"),
])
def test_a_body_that_is_not_sparql_json_results_is_named_so(document: bytes, problem: str) -> None:
    with pytest.raises(PeerUnavailable, match=f"^peer south .*{problem}"):
        read_results(document, PEER)


LONG = b"9" * 5000
EMPTY = b'"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "x"}}]}'


@pytest.mark.parametrize("document", [
    b'{"n": ' + LONG + b", " + EMPTY + b"}",  # the number first
    b"{" + EMPTY + b', "n": ' + LONG + b"}",  # the number after the results
    b"{" + EMPTY + b', "n": ' + b"9" * 5_000_000 + b"}",
    b"{" + EMPTY + b', "n": -' + LONG + b"}",
    b"{" + EMPTY + b', "n": 1.' + LONG + b"}",
    b"{" + EMPTY + b', "n": ' + LONG + b".5e3}",
    b"{" + EMPTY + b', "n": 1e' + LONG + b"}",
    b"{" + EMPTY + b', "n": [1, 2, ' + b"9" * (MAX_DIGITS + 1) + b"]}",
    b'{"v": "a\\\\", "n": ' + LONG + b", " + EMPTY + b"}",  # an escaped backslash ends no string early
    LONG,
])
def test_a_number_longer_than_the_parser_may_convert_is_refused_naming_the_peer(document: bytes) -> None:
    """ijson's C backend raised SystemError (or crashed the process) on a number past Python's int digit limit."""
    with pytest.raises(PeerUnavailable, match=f"^peer south gave no usable answer: a number of more than "
                                              f"{MAX_DIGITS} digits") as refused:
        read_results(document, PEER)
    assert refused.value.text("fr") == (f"le pair south n'a pas donné de réponse utilisable : un nombre de plus de "
                                        f"{MAX_DIGITS} chiffres")


@pytest.mark.parametrize("value", [
    "9" * 5000, "a:," + "9" * 5000, ", " + "9" * 5000, "[" + "1" * 5000 + "]", 'say "' + "7" * 5000 + '"',
    "\\" + "9" * 5000, ":" + "-" + "9" * 5000 + "e5",
])
def test_digits_inside_a_string_are_a_value_like_any_other(value: str) -> None:
    document = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": value}}]},
                "n": [1, 2.5, -3e10, 10 ** 600]}
    assert read_results(body(document), PEER)[0]["results"]["bindings"] == [{"s": {"type": "literal",
                                                                                 "value": value}}]
    assert read_results(body(document)[:-1] + b', "m": 1e99}', PEER)[0]["head"] == {"vars": ["s"]}


def test_a_number_of_as_many_digits_as_allowed_is_read_past() -> None:
    document = b"{" + EMPTY + b', "n": ' + b"9" * MAX_DIGITS + b"}"
    assert read_results(document, PEER)[0]["head"] == {"vars": ["s"]}


@pytest.mark.parametrize("document", [
    b"{" + EMPTY + b', "n": 1e99999999999999999999}',  # decimal's InvalidOperation, not a ValueError
])
def test_whatever_the_parser_raises_is_a_peer_unavailable_naming_the_peer(document: bytes) -> None:
    with pytest.raises(PeerUnavailable, match="^peer south gave no usable answer: it could not be read") as refused:
        read_results(document, PEER)
    assert refused.value.text("fr").startswith("le pair south n'a pas donné de réponse utilisable")


@pytest.mark.parametrize("error", [SystemError("returned a result with an exception set"), KeyError("x"),
                                   ArithmeticError(), TypeError()])
def test_an_unexpected_error_inside_the_reader_is_a_peer_unavailable(monkeypatch: pytest.MonkeyPatch,
                                                                   error: Exception) -> None:
    def failing(self: Any) -> dict[str, Any]:
        raise error

    monkeypatch.setattr(results._Reader, "document", failing)
    with pytest.raises(PeerUnavailable, match="^peer south gave no usable answer: it could not be read"):
        read_results(body(RESULTS), PEER)


def test_the_variable_names_are_capped() -> None:
    with pytest.raises(PeerUnavailable, match=f"more than {MAX_VARS} variable names"):
        read_results(body({"head": {"vars": ["v"] * (MAX_VARS + 1)}, "results": {"bindings": []}}), PEER)


def uri(n: int) -> dict[str, str]:
    return {"type": "uri", "value": f"x:{n}"}


def test_past_the_row_cap_one_row_more_is_kept_and_none_after() -> None:
    rows = [{"s": uri(n)} for n in range(10)]
    read, terms = read_results(body({"head": {"vars": ["s"]}, "results": {"bindings": rows}}), PEER, max_rows=3)
    assert read["results"]["bindings"] == rows[:4] and terms == 10


def test_past_the_term_cap_one_term_more_is_kept_and_all_are_counted() -> None:
    wide = {f"v{n}": uri(n) for n in range(10)}
    listed = {"head": {"vars": [f"v{n}" for n in range(10)]}, "results": {"bindings": [wide, wide]}}
    read, terms = read_results(body(listed), PEER, max_terms=3)
    assert read["results"]["bindings"] == [{f"v{n}": uri(n) for n in range(4)}] and terms == 20
    again = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{' + b",".join(
        b'"s": {"type": "uri", "value": "x:a"}' for _ in range(10)) + b"}]}}"
    assert read_results(again, PEER, max_terms=3)[1] == 10  # one variable bound again and again counts each time


def test_names_head_vars_does_not_list_are_counted_but_not_built() -> None:
    row = {"s": uri(0), **{f"junk{n}": uri(n) for n in range(10)}}
    read, terms = read_results(body({"head": {"vars": ["s"]}, "results": {"bindings": [row]}}), PEER)
    assert read["results"]["bindings"] == [{"s": uri(0)}] and terms == 11
    late = {"results": {"bindings": [row]}, "head": {"vars": ["s"]}}  # head.vars after the rows: all are kept
    assert read_results(body(late), PEER) == ({"head": {"vars": ["s"]}, "results": {"bindings": [row]}}, 11)


def test_the_term_cap_leaves_two_terms_for_each_row_one_query_may_take() -> None:
    assert 2 * MAX_ROWS <= MAX_TERMS <= 4 * MAX_ROWS


def tiny(peer: Peer, query: str, timeout: float, max_bytes: int, max_rows: int,
         max_terms: int) -> tuple[dict[str, Any], int, int]:
    """A peer answering each block with one row binding its variable and 99 names the block does not have."""
    name = query.split("?", 1)[1].split()[0]
    row = {name: uri(0), **{f"junk{n}": uri(n) for n in range(99)}}
    return read_results(body({"head": {"vars": [name]}, "results": {"bindings": [row]}}), peer, max_rows,
                        max_terms)[0], 1000, 100


def blocks(count: int, silent: str = "") -> str:
    return "SELECT * WHERE { " + " ".join(f"SERVICE {silent}<{PEER.sparql}> {{ ?s{i} ?p ?o }}"
                                          for i in range(count)) + " }"


def test_the_terms_of_all_blocks_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "sparql_answer", tiny)
    evaluated = evaluate(read(blocks(2)), [PEER], 5, 10, Budget(terms=200))
    assert evaluated.text.count("VALUES") == 2 and "junk" not in evaluated.text
    with pytest.raises(PeerUnavailable, match="^peer south: .* bind more than 250 terms in all"):
        evaluate(read(blocks(3)), [PEER], 5, 10, Budget(terms=250))


def test_a_silent_block_past_the_terms_is_the_empty_solution_and_leaves_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "sparql_answer", tiny)
    evaluated = evaluate(read(blocks(3, "SILENT ")), [PEER], 5, 10, Budget(terms=250))
    assert evaluated.text.count("VALUES") == 2 and evaluated.text.endswith("{ } }")
    budget = Budget(terms=150)
    evaluated = evaluate(read(blocks(1)), [PEER], 5, 10, budget)  # 100 taken, 50 left
    assert evaluated.text.count("VALUES") == 1 and budget.terms == 50
    with pytest.raises(PeerUnavailable, match="bind more than 150 terms in all"):
        budget.take_terms(51, PEER)
    budget.take_terms(50, PEER)  # a block refused takes nothing: what was left still is


@pytest.mark.parametrize("value", [rb"\ud800", rb"a\uDBFFb", rb"\ud800\u0041", rb"\\\ud800", rb"\ud83d"])
def test_half_a_character_in_a_term_is_refused_not_read_as_another(value: bytes) -> None:
    document = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "' \
        + value + b'"}}]}}'
    with pytest.raises(PeerUnavailable, match="south.*half a character"):
        read_results(document, PEER)


@pytest.mark.parametrize("value, read", [(rb"\ud83d\ude00", "\U0001F600"), (rb"\\ud800", "\\ud800"),
                                         (rb"\u00e9t\u00E9", "été")])
def test_escapes_that_spell_characters_are_read(value: bytes, read: str) -> None:
    document = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "' \
        + value + b'"}}]}}'
    assert read_results(document, PEER)[0]["results"]["bindings"][0]["s"]["value"] == read
