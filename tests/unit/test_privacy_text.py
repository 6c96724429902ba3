"""The disguises the reading of text undoes (privacy_text.py): letters for digits (O for 0, l and I for 1) in a phone
number, a NIR or an IBAN; letters spelt one by one; octal and quoted-printable escapes; an address in base64; a comma
or a space for a domain's dot; a French mobile number without its trunk 0. Each class is tried in several spellings,
some of them on every way in; values that only look like these (codes, hashes, words with O and l) still pass."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat

from isic_graph.admin.backup import verify
from isic_graph.admin.credentials import CredentialStore
from isic_graph.admin.restoration import restore
from isic_graph.errors import RestoreRefused
from isic_graph.privacy import personal_data, personal_data_in_iri, redact
from isic_graph.privacy_text import digits_read, encoded_texts, normalised
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.validation.validator import Validator
from tests.support.fuzz import examples
from tests.unit.test_privacy import BASE
from tests.unit.test_privacy_disguises import THREE_WAYS, Ways, backup_of, sent_three_ways
from tests.unit.test_privacy_spellings import sheet
from tests.web.test_api import dataset

ADDRESSES = ["jean.dupont@exemple.fr", "marie.curie@laposte.net", "p.martin35@asso-solidarite.org",
             "JDUPONT@EXEMPLE.COM", "andré.durand@mairie-rennes.fr"]
PHONES = ["06 12 34 56 78", "07 62 34 56 78", "01 42 68 53 00", "06 01 10 11 00", "+33 6 10 20 30 40"]
NIRS = ["1 84 12 76 451 089 46", "2 69 05 49 588 157 80", "1 01 10 75 110 001 70"]
IBANS = ["FR76 3000 6000 0112 3456 7890 189", "DE89 3704 0044 0532 0130 00", "BE71 0961 2345 6769",
         "FR14 2004 1010 0505 0001 3M02 606"]


def b64(text: str, urlsafe: bool = False, padded: bool = True) -> str:
    encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


LETTERS_FOR_DIGITS = [
    ("phone", "O6 12 34 56 78"), ("phone", "06 l2 34 56 78"), ("phone", "o6.l2.34.56.78"), ("phone", "O6-I2-34-56-78"),
    ("phone", "O6I2345678"), ("phone", "+33 6 l2 34 56 78"), ("phone", "0l 42 68 53 OO"), ("phone", "O7/62/34/56/78"),
    ("phone", "06 12 34 56 OO"), ("phone", "Tél. O6 12 34 56 78"), ("phone", "+33 (O)6 12 34 56 78"),
    ("phone", "\u039f6 12 34 56 78"), ("phone", "\u041e6 \u04062 34 56 78"),  # Greek and Cyrillic O and I
    ("nir", "1841276451O8946"), ("nir", "l84l27645lO8946"), ("nir", "I 84 I2 76 45I O89 46"),
    ("nir", "l.84.l2.76.45l.O89.46"), ("nir", "1 84 12 76 451 O89"),
    ("iban", "FR76 3OOO 6OOO 0112 3456 7890 189"), ("iban", "FR763OOO6OOOOll23456789Ol89"),
    ("iban", "fr76 3ooo 6ooo ol12 3456 7890 189"), ("iban", "DE89 37O4 OO44 O532 Ol3O OO"),
    ("iban", "IBAN : BE7l O96l 2345 6769"),
]
SPACED_LETTERS = [
    ("email", "j e a n . d u p o n t @ e x e m p l e . f r"), ("email", "J E A N . D U P O N T @ E X E M P L E . F R"),
    ("email", "m a r i e @ l a p o s t e . n e t"),
    ("email", "\u00a0".join("jean@ex.org")), ("email", "\t".join("p.martin@asso.org")),
    ("email", "Écrire à : p . m a r t i n @ a s s o . o r g"), ("phone", "O 6 1 2 3 4 5 6 7 8"),
    ("email", "j  e  a  n  @  e  x  .  f  r"), ("email", "j e a n 3 5 @ e x . f r"),
    ("phone", "Il est au 0 6 1 2 3 4 5 6 7 8 à partir de 9 h"),  # digits spelt apart stay a phone number's
]
ESCAPES = [
    ("email", "jean.dupont=40exemple.fr"), ("email", "jean.dupont\\100exemple.fr"),
    ("email", "JEAN.DUPONT=40EXEMPLE.FR"), ("email", "jean.dupont=40exemple=2Efr"),
    ("email", "jean.dupont=40exemple=2efr"), ("email", "jdupont35=40exemple.fr"),
    ("email", "marie\\056curie\\100labo\\056org"), ("email", "jean.dupont\\100exemple\\056com"),
    ("email", "p.martin=40asso.org"), ("email", "jean.dupont&#61;40exemple.fr"),  # an entity for the "="
    ("email", "jean.dupont\\0100exemple.fr"), ("email", "jean.dupont\\u{40}exemple.fr"),
]
BASE64 = [("email", b64(address)) for address in ADDRESSES] + [
    ("email", b64("jean.dupont@exemple.fr", urlsafe=True, padded=False)), ("email", b64("jean@ex.org", padded=False)),
    ("email", "Identifiant : " + b64("marie.curie@laposte.net") + "."),
    ("email", b64("Contact : jean.dupont@exemple.fr")), ("email", b64("jean.dupont (at) exemple (dot) fr")),
    ("email", "https://exemple.org/?u=" + b64("jean.dupont@exemple.fr")),
]
DOMAIN_DOTS = [
    ("email", "jean.dupont@exemple,fr"), ("email", "jean.dupont@exemple fr"), ("email", "JEAN.DUPONT@EXEMPLE,FR"),
    ("email", "marie@laposte,net"), ("email", "marie@laposte net"), ("email", "p.martin@asso , org"),
    ("email", "jean@mail.exemple;com"), ("email", "jean.dupont(at)exemple,fr"), ("email", "jean.dupont[at]exemple fr"),
    ("email", "jdupont35@gmail com"), ("email", "jean.dupont @ exemple , fr"), ("email", "jean.dupont@exemple，fr"),
]
TRUNKLESS = [
    ("phone", "6 12 34 56 78"), ("phone", "7.12.34.56.78"), ("phone", "6-12-34-56-78"), ("phone", "7/62/34/56/78"),
    ("phone", "Tél : 6 12 34 56 78."), ("phone", "portable 7 81 23 45 67"), ("phone", "6_12_34_56_78"),
    ("phone", "07 12 34 56 78"),  # a mobile number's layout counts, allocated or not
]
DISGUISED = LETTERS_FOR_DIGITS + SPACED_LETTERS + ESCAPES + BASE64 + DOMAIN_DOTS + TRUNKLESS

LEGITIMATE = [
    # identifiers of organisations and places, dates, amounts, sizes
    "SIRET 552 100 554 00013", "SIREN 552 100 554", "552100554", "612345678", "RNA W351234567", "W351234567",
    "INSEE 35238", "code commune 2A004", "12/03/2021", "2015-2018", "1 500 €", "12 000", "12 - 15 personnes",
    "https://www.exemple.fr/contact", "travailleur·euse·s", "Ille-et-Vilaine 35", "Ille-et-Vilaine (35), Lille (59)",
    "article L. 312-1 du code de l'action sociale", "article L312-1", "décret n° 2016-1917",
    # sentences with at, chez, a comma before fr, an at sign as a mention
    "Rendez-vous at the centre, fr", "We met at the town hall, fr", "Atelier chez Marie, fr",
    "Réunion chez les Dupont, fr ou en", "merci @Marie, me voilà", "rendez-vous @ la salle fr",
    "Meet at home. Fr first.", "Les familles, fr et en, sont accueillies.", "l'espace-jeunes chez emmaus.org",
    "l'@import de contextes JSON-LD distants", "l'@accueil, me voilà",
    # words with O, l and I, product codes
    "Olivier", "Lille", "Olivier Lemoine, 35000 Rennes", "Il a 12 ans", "Il y a 10 ans", "produit O2", "ligne L1",
    "Salle O1 et O2, 12 places", "bus l1 à 10 h", "IO 12", "Lot O2 : 1 500 €", "Rennes, Ille-et-Vilaine, 35000",
    # hashes, UUIDs and base64-looking identifiers that hold no address
    "3f2a9c0e1b7d4a6f8c2e0b9d7a5f3c1e", "123e4567-e89b-12d3-a456-426614174000",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709", "QWxsbyBsZSBtb25kZQ==", "MjAxOS0wMy0xMg==", "eyJhbGciOiJIUzI1NiJ9",
    "AccompagnementSocialGlobal", "ILLE-ET-VILAINE", "cafe-des-parents-rennes-2019",
    # escapes that are no address, letters spelt apart, digit groups that are no mobile number
    "x=40 personnes", "taux=50%", "a b c d e f", "1 2 3 4 5 6 7 8 9", "A B C 1 2 3", "le 6 12 34", "6 12 34 56",
    "Groupes A B C D E F", "a  b  c  d  e  f", "x\\u{FFFFF}y",
    "version 6.12.34.56.78.90", "Effectifs 6 12 34 56 78 90 (par an)", "du 6 au 12", "salle 7.12",
]
LEGITIMATE_IRIS = [BASE + "id/group/vl2-familles", BASE + "id/lesson/QWxsbyBsZSBtb25kZQ",
                   BASE + "id/ingestion/20240101T101010123456Z-3f2a8c061234", BASE + "id/organisation/O2-lille"]


@pytest.mark.parametrize("kind,value", DISGUISED)
def test_a_disguise_is_seen_through(kind: str, value: str) -> None:
    for text in (value, f"Pour le joindre : {value}, merci."):
        assert kind in [k.code for k in personal_data(text)], text


@pytest.mark.parametrize("value", LEGITIMATE)
def test_a_value_that_only_looks_like_one_passes_alone_and_in_a_sentence(value: str) -> None:
    assert [text for text in (value, f"Note : {value}.") if personal_data(text)] == []


def test_iris_that_only_look_like_one_pass_and_one_holding_an_address_in_base64_is_found() -> None:
    assert [iri for iri in LEGITIMATE_IRIS if personal_data_in_iri(iri)] == []
    assert [k.code for k in personal_data_in_iri(BASE + "id/person/" + b64("jean.dupont@exemple.fr"))] == ["email"]


def test_letters_are_read_as_digits_only_in_runs_of_digit_groups() -> None:
    assert digits_read("O6 l2 34 56 78") == "06 12 34 56 78"
    assert digits_read("1 84 l2 76 45l O89") == "1 84 12 76 451 089"
    for text in ("Olivier à Lille", "Il a 12 ans", "produit O2", "Salle O1 et O2, 12 places"):
        assert digits_read(text) == text


def test_a_letter_read_as_a_digit_never_hides_a_number_written_as_such() -> None:
    assert [k.code for k in personal_data("Annexe I 06 12 34 56 78")] == ["phone"]


def test_escapes_and_spelt_letters_are_decoded() -> None:
    assert normalised("jean.dupont=40exemple=2Efr") == "jean.dupont@exemple.fr"
    assert normalised("jean.dupont\\100exemple\\056fr") == "jean.dupont@exemple.fr"
    assert normalised("j e a n @ e x . f r") == "jean@ex.fr"
    assert normalised("FR76\\3000\\6000") == "FR76 3000 6000"  # a number's groups are no octal escapes
    assert list(encoded_texts("id " + b64("jean@ex.org"))) == ["jean@ex.org"]


def test_a_message_quoting_a_disguise_never_repeats_it() -> None:
    for _, value in DISGUISED:
        shown = redact(f"the value '{value}' is not a date")
        assert value not in shown and "dupont" not in shown.lower() and "34 56 78" not in shown, shown


# ---------------------------------------------------------------- the classes, generated

LETTERS = {"0": "Oo", "1": "lI"}


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), kind_value=st.sampled_from([("phone", v) for v in PHONES] + [("nir", v) for v in NIRS]
                                                  + [("iban", v) for v in IBANS]),
       separator=st.sampled_from([" ", ".", "-", "/", ""]))
def test_letters_for_any_of_its_zeros_and_ones(data: st.DataObject, kind_value: tuple[str, str],
                                               separator: str) -> None:
    kind, value = kind_value
    value = value.replace(" ", separator) if not value.startswith("+") else value
    places = [i for i, c in enumerate(value) if c in LETTERS and i > 1]  # not in a country code or the "+33"
    assume(places)
    chosen = data.draw(st.sets(st.sampled_from(places), min_size=1, max_size=max(1, len(places) // 3)))
    disguised = "".join(data.draw(st.sampled_from(LETTERS[c])) if i in chosen else c for i, c in enumerate(value))
    assert kind in [k.code for k in personal_data(f"Contact : {disguised}.")], disguised


@settings(max_examples=examples(100), deadline=None)
@given(address=st.sampled_from(ADDRESSES),
       how=st.sampled_from(["spaced", "qp", "octal", "base64", "urlsafe", "comma", "space"]))
def test_every_address_in_every_new_disguise(address: str, how: str) -> None:
    local, domain = address.split("@")
    name, tld = domain.rsplit(".", 1)
    disguised = {"spaced": " ".join(address), "qp": f"{local}=40{domain}", "octal": f"{local}\\100{domain}",
                 "base64": b64(address), "urlsafe": b64(address, urlsafe=True, padded=False),
                 "comma": f"{local}@{name},{tld}", "space": f"{local}@{name} {tld}"}[how]
    assert "email" in [k.code for k in personal_data(f"Écrire à {disguised} svp")], disguised


@settings(max_examples=examples(100), deadline=None)
@given(st.one_of(
    st.uuids().map(str), st.binary(min_size=16, max_size=32).map(bytes.hex),
    st.binary(min_size=9, max_size=48).map(lambda b: base64.b64encode(b).decode()),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,:-", min_size=9, max_size=60).map(
        lambda t: base64.b64encode(t.encode()).decode()),
    st.from_regex(r"[OLlI][0-9]{1,2}", fullmatch=True).map(lambda code: f"produit {code}, lot 12"),
    st.integers(min_value=1, max_value=99).map(lambda n: f"groupe de {n} - {n + 3} personnes"),
))
def test_generated_identifiers_and_codes_pass(value: str) -> None:
    assert personal_data(value) == [], value


# ---------------------------------------------------------------- every way in


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("demo", "Réseau de démonstration")


# (kind, the value submitted, a part of it no answer or log line may show)
WAYS_IN = [("phone", "O6 l2 34 56 78", "34 56 78"), ("nir", "1841276451O8946", "1841276451"),
           ("iban", "FR76 3OOO 6OOO 0112 3456 7890 189", "3456 7890"),
           ("email", "j e a n . d u p o n t @ e x e m p l e . f r", "d u p o n t"),
           ("email", "jean.dupont=40exemple.fr", "dupont"), ("email", "jean.dupont\\100exemple.fr", "dupont"),
           ("email", b64("jean.dupont@exemple.fr"), "ZXhlbXBsZS5mcg"), ("email", "jean.dupont@exemple,fr", "dupont"),
           ("phone", "7.12.34.56.78", "12.34.56")]


@pytest.mark.parametrize("kind,value,part", WAYS_IN)
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_the_api_and_the_graph_store_refuse_it_store_nothing_and_log_nothing_of_it(
        kind: str, value: str, part: str, client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture,
        ways: Ways) -> None:
    assert_refused_unlogged(client, token, caplog, kind, value, part, ways)


def assert_refused_unlogged(client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture, kind: str, value: str,
                            part: str, ways: Ways) -> None:
    """A sheet holding the value is refused the given ways, masked as its kind; nothing is stored, nothing of it
    logged."""
    caplog.set_level(logging.DEBUG)
    before = dataset(client)
    for answer in sent_three_ways(client, token, sheet(value), ways):
        assert answer.status_code == 422 and answer.json is not None, answer.get_data(as_text=True)
        assert any(v["value"] == f"*** ({kind})" for v in answer.json["violations"])
        assert value not in answer.get_data(as_text=True) and part not in answer.get_data(as_text=True)
    assert dataset(client) == before
    assert value not in caplog.text and part not in caplog.text


def test_restore_refuses_the_new_disguises_and_keeps_the_store(store: Store, tmp_path: Path,
                                                               validator: Validator) -> None:
    notes = ["O6 l2 34 56 78", "jean.dupont=40exemple.fr", b64("jean.dupont@exemple.fr"), "7.12.34.56.78"]
    folder = backup_of(tmp_path / "backup", *(f"<http://example.org/r{i}> <http://example.org/note> {json.dumps(n)}"
                                              for i, n in enumerate(notes)))
    before = sorted(store.dump(RdfFormat.N_QUADS).splitlines())
    with pytest.raises(RestoreRefused) as refused:
        restore(store, verify(folder), Graphs(BASE), validator, replace=True)
    text = "\n".join([refused.value.message, *(p.describe() for p in refused.value.problems)])
    assert "a phone number" in text and "an e-mail address" in text, text
    assert not [n for n in notes if n in text] and "dupont" not in text
    assert sorted(store.dump(RdfFormat.N_QUADS).splitlines()) == before

