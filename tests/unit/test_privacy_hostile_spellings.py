"""Spellings of personal data a hostile client may try that earlier corpora did not hold: each is found, and is
refused over HTTP (422, masked, nothing stored) rather than failing the request."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.privacy import personal_data
from tests.conftest import bearer
from tests.unit.test_privacy_disguises import (
    THREE_WAYS,
    Ways,
    assert_refused_three_ways,
    sent_three_ways,
    sheet_with,
    token,
    upload_lesson,
)
from tests.web.test_api import dataset

__all__ = ["token"]  # the module's fixture, shared

IP_LITERAL_ADDRESSES = ["jean@[127.0.0.1]", "contact : jean.dupont@[192.0.2.10] merci", "Jean@[10.0.0.1]"]


@pytest.mark.parametrize("value", IP_LITERAL_ADDRESSES)
def test_an_address_at_an_ip_literal_is_an_email_address(value: str) -> None:
    assert [kind.code for kind in personal_data(value)] == ["email"]


@pytest.mark.parametrize("value", IP_LITERAL_ADDRESSES[:2])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_an_address_at_an_ip_literal_is_refused_over_http_not_a_server_error(value: str, client: FlaskClient,
                                                                             token: str, ways: Ways) -> None:
    assert_refused_three_ways(client, token, f'isic:trackingTool "{value}"@fr', "email", value, ways)


# control characters are drawn as nothing: a value with them between its characters reads as the value
CONTROLS = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
DATA = [("email", "jean.dupont@exemple.fr"), ("phone", "0612345678"), ("nir", "184127645108946"),
        ("iban", "FR7630006000011234567890189")]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
@pytest.mark.parametrize("kind,value", DATA, ids=[kind for kind, _ in DATA])
def test_a_datum_with_control_characters_between_its_characters_is_found(control: str, kind: str,
                                                                         value: str) -> None:
    assert kind in [found.code for found in personal_data(control.join(value))]


@pytest.mark.parametrize("kind,value", [("email", "j\u2800e\u2800a\u2800n\u2800@\u2800e\u2800x\u2800.\u2800f\u2800r"),
                                        ("iban", "ЕЕ38 2200 2210 2014 5685"), ("iban", "ΒΕ68 5390 0754 7034"),
                                        ("iban", "ЕЕ382200221020145685")],
                         ids=["braille-blank-spaced", "cyrillic-country", "greek-country", "cyrillic-block"])
def test_look_alike_blanks_and_capitals_are_read_as_drawn(kind: str, value: str) -> None:
    assert kind in [found.code for found in personal_data(value)]


@pytest.mark.parametrize("value", ["Привет, мир : 12 participants en 2024", "ΑΒΓ 2024-2025, 35 personnes",
                                   "Rapport\x0cpage 2 : 12 345,67 € en 2023", "Séance du 06/12/2024\x00"])
def test_such_readings_leave_ordinary_texts_alone(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("control", ["\x00", "\x7f", "\x9f"], ids=["NUL", "DEL", "C1"])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_control_characters_hide_nothing_over_http(control: str, client: FlaskClient, token: str, ways: Ways) -> None:
    """A C1 control (which XML may carry) is read through and the address found; NUL and DEL, written as escapes,
    are refused as unreadable text first (no published format may carry them): either way nothing is stored, and
    the value is never repeated."""
    value = control.join("jean.dupont@exemple.fr")
    escaped = "".join(f"\\u{ord(c):04X}" if c == control else c for c in value)
    if control == "\x9f":
        assert_refused_three_ways(client, token, f'isic:trackingTool "{escaped}"@fr', "email", "jean.dupont@exemple.fr",
                                  ways)
        return
    before = dataset(client)
    for answer in sent_three_ways(client, token, sheet_with(f'isic:trackingTool "{escaped}"@fr').data, ways):
        assert answer.status_code == 400 and answer.json is not None and answer.json["code"] == "parse-error"
        assert f"U+{ord(control):04X}" in answer.json["detail"] and "dupont" not in answer.get_data(as_text=True)
    assert dataset(client) == before


@pytest.mark.parametrize("literal", ['"jean.dupont@exemple.fr"@ar--rtl', '"Bonjour"@fr--ltr'], ids=["datum", "plain"])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_a_literal_with_a_base_direction_is_refused_as_unreadable_not_a_server_error(literal: str, client: FlaskClient,
                                                                                    token: str, ways: Ways) -> None:
    body = sheet_with(f"isic:trackingTool {literal}").data
    before = dataset(client)
    for answer in sent_three_ways(client, token, body, ways):
        assert answer.status_code == 400 and answer.json is not None and answer.json["code"] == "parse-error"
        assert "base direction" in answer.json["detail"] and "jean.dupont" not in answer.get_data(as_text=True)
    assert dataset(client) == before


@pytest.mark.parametrize("kind,text", [("email", "jean.dupont@exemple.fr"), ("phone", "06 12 34 56 78")])
@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_a_hex_binary_literal_spelling_a_datum_is_refused(kind: str, text: str, case: object, client: FlaskClient,
                                                         token: str, ways: Ways) -> None:
    hexadecimal = case(text.encode().hex())  # type: ignore[operator]
    assert_refused_three_ways(client, token, f'isic:trackingTool "{hexadecimal}"^^xsd:hexBinary', kind, hexadecimal,
                              ways)


@pytest.mark.parametrize("value", ["89504E470D0A1A0A", "not hexadecimal", "52617070 6f727420323032"])
@pytest.mark.live  # a dry run's process
def test_a_hex_binary_literal_of_other_bytes_is_no_personal_data(value: str, client: FlaskClient, token: str) -> None:
    body = sheet_with(f'isic:trackingTool "{value}"^^xsd:hexBinary').data  # refused by its shape, for its datatype
    answer = client.post("/api/validate", data=body, content_type="text/turtle", headers=bearer(token))
    assert answer.json is not None and answer.json["violations"]
    assert not any(str(v["value"]).startswith("***") for v in answer.json["violations"])


FORMULAS = [("email", '=CONCAT("jean.dupont","@","exemple.fr")'),
            ("email", '=CONCATENER("jean.dupont";"@";"exemple.fr")'),
            ("email", '="jean.dupont"&CHAR(64)&"exemple.fr"'), ("email", '+"jean.dupont"&CAR(64)&"exemple.fr"'),
            ("email", '=UPPER("jean.dupont")&"@"&LOWER("exemple.fr")'), ("phone", '="06"&"12"&"34"&"56"&"78"'),
            ("phone", '=CONCAT("06 12";" 34 56";" 78")')]


@pytest.mark.parametrize("kind,formula", FORMULAS)
def test_a_spreadsheet_formula_joining_the_pieces_of_a_datum_is_read_as_the_datum(kind: str, formula: str) -> None:
    assert kind in [found.code for found in personal_data(formula)]


@pytest.mark.parametrize("value", ['=SOMME(A1:A3)', '="Total : "&B2&" €"', '=CONCAT("Atelier ";"du ";"12/03")',
                                   'Réunion = "bilan" & "perspectives"', '=CONCAT("2024";"-";"2025")',
                                   '="Séances : 06/12, "&"13/12"'])
def test_formulas_of_ordinary_values_pass(value: str) -> None:
    assert personal_data(value) == []


def test_a_csv_cell_holding_such_a_formula_is_refused_over_http(client: FlaskClient, token: str) -> None:
    answer = upload_lesson(client, token, '"=CONCAT(""jean.dupont"";""@"";""exemple.fr"")"')
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "*** (email)" in html and "exemple.fr" not in html


# the at sign's name in other languages, slashes around at and dot, other middle dots, a numeric reference without its
# semicolon (which a browser reads as another character, and a person as "@"), phone pairs joined by a word, a French
# bank account without the IBAN's country code or as its RIB
SPELLED_AGAIN = [
    ("email", "jean.dupont arroba exemple.fr"), ("email", "jean.dupont chiocciola exemple.fr"),
    ("email", "jean.dupont klammeraffe exemple.fr"), ("email", "jean.dupont (arroba) exemple.fr"),
    ("email", "paul.martin/at/exemple/dot/fr"), ("email", "luc@exemple\u2e31fr"), ("email", "jean@exemple\u1427fr"),
    ("email", "jean@exemple\u2027fr"), ("email", "anne.roy&#x40exemple.fr"), ("email", "anne.roy&#64exemple&#46fr"),
    ("phone", "06 puis 12 puis 34 puis 56 puis 78"), ("phone", "06 then 12 then 34 then 56 then 78"),
    ("iban", "RIB 30006 00001 12345678901 89"), ("iban", "IBAN 76 3000 6000 0112 3456 7890 189"),
    ("iban", "RIB : 30006-00001-12345678901-89"), ("iban", "rib 30006 00001 1234567890A 89"),
]
ORDINARY_AGAIN = ["en 2020 puis 2021 puis 2022 puis 2023", "de 10 h puis 12 h puis 14 h", "Ligne 12 puis 34 puis 56",
                  "RIB 30006 00001 12345678901 88 (clé fausse)", "dossier 12345 67890 12345678901 23",
                  "SIRET 362 521 879 00034, SIREN 362 521 879", "convention 2023-00451-000123456 du 12/03/2023",
                  "Le comité (arroba) s'est réuni", "klammeraffe et chiocciola sont des mots", "a/at/b"]


@pytest.mark.parametrize("kind,value", SPELLED_AGAIN)
def test_other_spellings_of_addresses_numbers_and_accounts_are_found(kind: str, value: str) -> None:
    assert kind in [found.code for found in personal_data(value)], value


@pytest.mark.parametrize("value", ORDINARY_AGAIN)
def test_their_look_alikes_in_ordinary_texts_are_left_alone(value: str) -> None:
    assert personal_data(value) == []
