"""Spellings an outside test found the privacy guard let through, each as a class tried in several spellings: at and
dot words between underscores or hyphens, escapes with a doubled backslash or by a character's name, hexadecimal and
base32 text, letters other than O, l and I drawn like digits in a number, and links to one person's conversation.
Values near each reading (identifiers, hashes, codes, group invitations) still pass."""

from __future__ import annotations

import base64

import pytest
from flask.testing import FlaskClient

from isic_graph.privacy import personal_data, personal_data_in_iri
from tests.conftest import bearer
from tests.unit.test_privacy_disguises import THREE_WAYS, Ways, token
from tests.unit.test_privacy_spellings import sheet
from tests.unit.test_privacy_text import assert_refused_unlogged

__all__ = ["token"]  # the module's fixture, shared

ADDRESS = "jean.dupont@exemple.fr"


def hexadecimal(text: str) -> str:
    return text.encode().hex()


def base32(text: str) -> str:
    return base64.b32encode(text.encode()).decode()


FOUND = [
    # at and dot words between underscores or hyphens
    ("email", "jean_at_exemple_dot_fr"), ("email", "jean.dupont_at_exemple.fr"), ("email", "JEAN_AT_EXEMPLE_DOT_COM"),
    ("email", "jean-at-exemple-dot-fr"), ("email", "jean_[at]_exemple_[dot]_fr"),
    ("email", "jean.dupont-(at)-exemple.fr"), ("email", "jean_@_exemple.fr"),
    ("email", "jean__at__exemple__dot__org"),
    ("email", "jean.dupont_arobase_exemple.fr"),
    ("email", "jean_dot_dupont_at_laposte_dot_net"), ("email", "jean.dupont-{at}-exemple-{dot}-fr"),
    # escapes with a doubled backslash, or by the character's name
    ("email", "jean.dupont\\\\u0040exemple.fr"), ("email", "jean.dupont\\\\\\\\u0040exemple.fr"),
    ("email", "jean.dupont\\\\x40exemple.fr"), ("email", "jean.dupont\\\\100exemple.fr"),
    ("email", "jean.dupont\\N{COMMERCIAL AT}exemple.fr"), ("email", "jean.dupont\\\\N{commercial at}exemple.fr"),
    ("email", "jean\\N{FULL STOP}dupont\\N{COMMERCIAL AT}exemple\\N{FULL STOP}fr"),
    ("email", "jean.dupont\\N{FULLWIDTH COMMERCIAL AT}exemple.fr"),
    # hexadecimal and base32 text
    ("email", hexadecimal(ADDRESS)), ("email", hexadecimal(ADDRESS).upper()), ("email", "0x" + hexadecimal(ADDRESS)),
    ("email", ":".join(f"{b:02x}" for b in ADDRESS.encode())),
    ("email", " ".join(f"{b:02X}" for b in ADDRESS.encode())),
    ("phone", hexadecimal("06 12 34 56 78")), ("phone", hexadecimal("0612345678")),
    ("nir", hexadecimal("184127645108946")), ("iban", hexadecimal("FR7630006000011234567890189")),
    ("email", base32(ADDRESS)), ("email", base32(ADDRESS).rstrip("=")), ("email", base32(ADDRESS).lower()),
    ("phone", base32("0612345678")), ("phone", base32("+33 6 12 34 56 78")), ("nir", base32("1 84 12 76 451 089 46")),
    # letters drawn like digits in a number
    ("phone", "06 1Z 34 56 78"), ("phone", "06 12 34 S6 78"), ("phone", "06 12 3B 56 78"), ("phone", "0G 12 34 56 78"),
    ("phone", "06 12 34 56 7T"), ("phone", "O6 1Z 34 56 78"), ("phone", "061Z345678"), ("phone", "06.12.34.S6.7B"),
    ("phone", "+33 6 1Z 34 56 78"), ("phone", "06 1z 34 s6 78"), ("phone", "01 4Z 68 53 00"),
    ("nir", "1 84 1Z 76 451 089 46"), ("nir", "18412764S108946"), ("nir", "1 84 12 76 4S1 O89 46"),
    ("iban", "FR76 3000 6000 0112 3456 7890 1B9"), ("iban", "FR76 3000 G000 0112 3456 7890 189"),
    # links to one person's conversation
    ("messaging", "https://www.facebook.com/messages/t/jean.dupont"),
    ("messaging", "facebook.com/messages/t/100012345678"),
    ("messaging", "https://m.facebook.com/messages/t/jean.dupont"),
    ("messaging", "https://www.facebook.com/messages/e2ee/t/123456789"),
    ("messaging", "msteams:/l/chat/0/0?users=jdupont"), ("messaging", "ms-teams:/l/chat/0/0?users=jdupont"),
    ("messaging", "MSTEAMS://l/chat/0/0?users=jdupont"),
    ("messaging", "https://teams.microsoft.com/l/chat/0/0?users=jdupont"),
    ("messaging", "https://discord.com/users/123456789012345678"),
    ("messaging", "https://discord.com/channels/@me/123456789012345678"),
]
LEGITIMATE = [
    # at and dot words between underscores or hyphens, in no address
    "created_at_2024", "fichier updated_at_ts", "le rond-point-de-la-gare", "prêt-à-porter", "mise-à-jour du site",
    "dot_net_core", "un tête-à-tête", "centre_at_home", "Bonjour\\nà tous", "C:\\\\Users\\\\centre",
    "\\N{UNKNOWN NAME} reste tel quel", "le chemin \\\\serveur\\partage",
    # hexadecimal and base32 that decode to no text, or to text holding no datum
    "sha256:3f2a8c0612345678b9d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5", "0x1F2E3D4C5B6A7988",
    "00:1A:2B:3C:4D:5E", hexadecimal("Bonjour à tous"), base32("Atelier du lundi"), "ANTICONSTITUTIONNELLEMENT",
    "anticonstitutionnellement", "55210055400013", "DEADBEEFCAFEBABE", "MZXW6YTBOI======",
    # codes with letters beside digits
    "Ajaccio 2A004", "Bastia 2B033", "2B 12 places", "produit B12", "ligne T3", "semestre S1", "salle G12",
    "2019-05-02T10:00:00", "2019-05-02T10:00:00Z", "20240101T101010Z", "SIRET 552 100 554 00013",
    "Z1 Z2 Z3 Z4 Z5 Z6", "T1 T2 T3 T4 T5", "lot B 12 34 56", "Appartement 3B, 12 rue de la Paix, 75002 Paris",
    "S1 2024 : 12 séances, S2 2024 : 15 séances", "réf. 2B-2024-0012",
    # group invitations and pages
    "https://chat.whatsapp.com/AbCdEf1234567890", "https://discord.gg/centresocial", "https://discord.com/invite/abcd",
    "https://signal.group/#CjQKIPg1dGxlLWdyb3Vw", "https://t.me/joinchat/AAAAAEx1234567", "https://t.me/joinchat/AbCdEf12",
    "https://www.facebook.com/centresocial", "https://www.facebook.com/groups/parents-rennes",
    "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General",
    "https://teams.microsoft.com/l/team/19%3aabc%40thread.tacv2/conversations",
    "https://discord.com/channels/123456789/987654321", "msteams:/l/channel/19%3aabc/General",
]


def test_the_corpus_holds_every_class_and_no_value_twice() -> None:
    values = [value for _, value in FOUND]
    assert len(set(values)) == len(values) and len(set(LEGITIMATE)) == len(LEGITIMATE)
    assert {kind for kind, _ in FOUND} == {"email", "phone", "nir", "iban", "messaging"}


@pytest.mark.parametrize("kind,value", FOUND)
def test_such_a_spelling_is_found_in_a_text(kind: str, value: str) -> None:
    assert kind in [k.code for k in personal_data(value)]
    assert kind in [k.code for k in personal_data(f"Pour le joindre : {value} , merci.")]


@pytest.mark.parametrize("kind,value", [(kind, value) for kind, value in FOUND if " " not in value])
def test_such_a_spelling_is_found_in_an_iri(kind: str, value: str) -> None:
    iri = value if ":" in value and not value.startswith("jean") else "http://example.org/id/" + value
    assert kind in [k.code for k in personal_data_in_iri(iri)]


@pytest.mark.parametrize("value", LEGITIMATE)
def test_a_value_near_such_a_spelling_is_no_personal_data(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("value", [v for v in LEGITIMATE if v.startswith(("https:", "msteams:"))])
def test_a_group_link_is_no_personal_data_as_an_iri(value: str) -> None:
    assert personal_data_in_iri(value) == []


# (kind, the value submitted, a part of it no answer or log line may show)
WAYS_IN = [("email", "jean.dupont_at_exemple_dot_fr", "dupont"),
           ("email", "jean.dupont\\\\u0040exemple.fr", "dupont"),
           ("email", "jean.dupont\\N{COMMERCIAL AT}exemple.fr", "dupont"),
           ("email", hexadecimal(ADDRESS), "6475706f6e74"),
           ("email", base32(ADDRESS), base32(ADDRESS)[:16]), ("phone", "06 1Z 34 56 78", "34 56 78"),
           ("messaging", "https://www.facebook.com/messages/t/jean.dupont", "jean.dupont")]


@pytest.mark.parametrize("kind,value,part", WAYS_IN)
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_the_api_and_the_graph_store_refuse_it_store_nothing_and_log_nothing_of_it(
        kind: str, value: str, part: str, client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture,
        ways: Ways) -> None:
    assert_refused_unlogged(client, token, caplog, kind, value, part, ways)


@pytest.mark.parametrize("value", ["https://chat.whatsapp.com/AbCdEf1234567890", "Bastia 2B033, lot S1 et T3"])
@pytest.mark.live  # a dry run's process
def test_a_group_invitation_and_codes_are_accepted_over_http(value: str, client: FlaskClient, token: str) -> None:
    answer = client.post("/api/validate", data=sheet(value), content_type="text/turtle",
                         headers=bearer(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)
