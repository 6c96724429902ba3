"""Ordinary sentences shaped "word NN words…" are no IBAN: a country code read inside a word ("euRO 23 pour…"), or a
two-letter word followed by a number and prose ("PS 27 pour accompagner…"), made an account of a country whose
accounts may hold letters, and one such reading in 97 has a right key. Real IBANs, of every country whose accounts
hold letters, are still found however they are written."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from stdnum import numdb

from isic_graph.privacy import personal_data
from tests.conftest import bearer
from tests.support import paths
from tests.unit.test_privacy_disguises import token
from tests.unit.test_privacy_spellings import sheet

__all__ = ["token"]  # the module's fixture, shared

SENTENCES = 3000

# The tester's sentences, and others of their shape
REPORTED = ["Euro 23 pour accompagner les familles du quartier",
            "numero 83 pour occuper le detecteur de donnees personnelles",
            "numéro 83 pour occuper le détecteur de données personnelles",
            "Numero 58 astuce jour placement consent chauffage Sujet logique",
            "euro 97 Avant dimensions Noter deux était accueille ethical",
            "PS 27 Questions payment becoming lequel proposition July Questionnaire",
            "PS 21 ne mandat collection according charge Superseded discussed Soignant",
            "Md 60 ups HLM 31 84 who 60 Note risk quelqu",
            "Micro 44 demands Comite request programmes resistance diplome",
            "metro 13 successifs Power tips Questions none",
            "https 33 plateforme apprehension location framing learnt",
            "Zero 86 served Ils Categories Periode Wording titulaires quotidien",
            # a two-letter word, a number, then short words and numbers: one in a hundred had a right key
            "bh 22 wait tip type 56 79 tool loss log état are", "gt 99 spot 68 nine act 65 egts fois 76 own body",
            "lc 92 done nord et well ease 71 cost vie lors bref", "gi 83 peer 88 72 take an open in epci in axes",
            "kw 68 as ans qpv loss qua 53 year host 97 some", "ps 12 ans de la loi du 3 mai pour les 40 familles"]
# Real IBANs of countries whose accounts hold letters, and French ones, as people write them
REAL = ["RO49 AAAA 1B31 0075 9384 0000", "ro49 aaaa 1b31 0075 9384 0000", "RO49AAAA1B31007593840000",
        "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "QA58 DOHB 0000 1234 5678 90AB CDEF G",
        "QA58DOHB00001234567890ABCDEFG", "AZ21 NABZ 0000 0000 1370 1000 1944", "PS92 PALS 0000 0000 0400 1234 5670 2",
        "LV80 BANK 0000 4351 9500 1", "GB82 WEST 1234 5698 7654 32", "gb82 west 1234 5698 7654 32",
        "KW81 CBKU 0000 0000 0000 1234 5601 01", "MD24 AG00 0225 1000 1310 4168", "BH67 BMAG 0000 1299 1234 56",
        "FR76 3000 6000 0112 3456 7890 189", "fr76 3000 6000 0112 3456 7890 189", "Fr76 3000 6000 0112 3456 7890 189",
        "IBANFR7630006000011234567890189", "IBAN:FR7630006000011234567890189", "FR76-3000-6000-0112-3456-7890-189",
        "FR76.3000.6000.0112.3456.7890.189", "ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９",
        "FR76 3OOO 6OOO O112 3456 7890 189", "RIB 30006 00001 12345678901 89", "FR 76 3000 6000 0112 3456 7890 189",
        "IT60 X054 2811 1010 0000 0123 456", "IT60 X 05428 11101 000000123456", "IT 60 X 05428 11101 000000123456",
        "SC18 SSCB 1101 0000 0000 0000 1497 USD", "MU17 BOMM 0101 1010 3030 0200 000M UR", "GB82 WEST 123456 98765432"]


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


@cache
def words() -> list[str]:
    """The words of the literals of the samples and of the ontology's and thesauri's labels."""
    files = [*paths.ROOT.glob("samples/**/*.ttl"), *paths.ROOT.glob("samples/**/*.csv"),
             *paths.ROOT.glob("ontology/**/*.ttl")]
    texts = [lit for f in sorted(files) for lit in re.findall(r'"([^"\n]{3,})"', f.read_text(encoding="utf-8"))]
    return sorted({w for text in texts for w in re.findall(r"[^\W\d_]{2,}", text)})


@cache
def letter_account_countries() -> frozenset[str]:
    """The countries whose IBAN may hold letters from its first characters on, and no long run of digits."""
    registry = Path(numdb.__file__).with_name("iban.dat").read_text(encoding="utf-8")
    return frozenset(country for country, bban in re.findall(r'^([A-Z]{2}) .*?bban="([^"]+)"', registry, re.M)
                     if re.match(r"\d+![ac]", bban) and not re.search(r"(?:\d\d+|[3-9])!n", bban))


def sentences(seed: int, count: int) -> list[str]:
    """Sentences "word NN words…": the first word ends with (or is) a country code whose accounts may hold letters
    ("euro", "PS"), half of them without accents, some capitalised, some with more numbers and short words."""
    rng = random.Random(seed)
    every = words()
    firsts = [w for w in every if strip_accents(w)[-2:].upper() in letter_account_countries()]
    firsts += ["Euro", "euro", "numéro", "numero", "zéro", "Zero", "metro", "micro", "PS", "Ps", "ps", "MD", "Md"]
    shorts = [w for w in every if len(w) <= 4]
    made = []
    for i in range(count):
        rest = [rng.choice(every) for _ in range(rng.randint(5, 9))]
        if i % 4 == 3:  # short words and numbers among them
            rest = [rng.choice(shorts) if rng.random() < 0.6 else str(rng.randint(1, 99)) if rng.random() < 0.3
                    else w for w in rest]
        first = rng.choice(firsts)
        if i % 2:
            first, rest = strip_accents(first), [strip_accents(w) for w in rest]
        if i % 3 == 0:
            first = first.capitalize()
        made.append(f"{first} {rng.randint(10, 99)} {' '.join(rest)}")
    return made


def test_the_corpus_is_large_and_made_of_the_projects_words() -> None:
    made = sentences(1, SENTENCES)
    assert len(set(made)) == SENTENCES and len(words()) > 1000
    assert {"RO", "PS", "MD", "AZ", "QA"} <= letter_account_countries()


def test_no_ordinary_sentence_shaped_word_number_words_is_an_iban() -> None:
    flagged = [s for s in sentences(1, SENTENCES) + sentences(2, SENTENCES) if personal_data(s)]
    assert flagged == []


@pytest.mark.parametrize("text", REPORTED)
def test_the_reported_sentences_are_no_personal_data(text: str) -> None:
    assert personal_data(text) == []


@pytest.mark.parametrize("iban", REAL)
def test_a_real_iban_is_still_found_alone_and_in_a_sentence(iban: str) -> None:
    assert [kind.code for kind in personal_data(iban)] == ["iban"]
    assert [kind.code for kind in personal_data(f"Virement sur le compte {iban} merci")] == ["iban"]
    assert [kind.code for kind in personal_data(f"numéro {iban} pour les familles")] == ["iban"]


@pytest.mark.live  # a dry run's process
def test_such_a_sentence_is_accepted_over_http(client: FlaskClient, token: str) -> None:
    response = client.post("/api/validate", data=sheet(REPORTED[1]), content_type="text/turtle",
                           headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
