"""An e-mail address is found whatever follows its domain: a dash of any kind, an underscore, other punctuation, a
digit after a common top-level domain, in any case and with international domains. Identifiers with an at sign
that are no address, social handles and web addresses still pass."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from isic_graph.privacy import personal_data, personal_data_in_iri, redact
from tests.conftest import bearer
from tests.support.unicode_categories import in_category
from tests.unit.test_privacy_disguises import THREE_WAYS, Ways, token
from tests.unit.test_privacy_spellings import sheet
from tests.unit.test_privacy_text import assert_refused_unlogged

__all__ = ["token"]  # the module's fixture, shared

ADDRESSES = ["jean.dupont@exemple.fr", "marie.martin@caf.fr", "marie.martin@gmail.com", "a.b@c-d.fr", "x@y.fr",
             "contact@centre-social.org", "JEAN.DUPONT@EXEMPLE.FR", "jean@exämple.fr", "jean@пример.рф",
             "jean@exemple.xn--p1ai"]
# what may follow a domain, glued to it: every dash, an underscore, other punctuation
ENDINGS = ["-merci", "_merci", "\u2013merci", "\u2014merci", "\u2011merci", "\u2010merci", "\u2212merci", "-x", "_z",
           "-perso", "--merci", "-", "_", "-2024", "_01", "·merci", "/merci", "+merci", "=merci", ":merci", "~merci",
           "'merci", "|merci", "\\merci", "*merci", ")", "]", "»", "…"]
GLUED = [address + ending for address in ADDRESSES for ending in ENDINGS]
# a digit glued to a common top-level domain ends it (a note's number, a year); letters glued to any top-level
# domain make it longer, an address all the same
DIGITS_AND_LETTERS = ["jean.dupont@exemple.fr1", "jean.dupont@exemple.com2024", "marie@asso.org2",
                      "jean.dupont@exemple.frmerci", "marie.martin@gmail.comperso", "jean@exemple.xn--p1ai-0µ"]
OTHER_SPELLINGS = ["jean(at)exemple.fr-merci", "jean[at]exemple[dot]fr_merci", "jean at exemple dot fr-merci",
                   "jean.dupont chez exemple.fr-merci", "jean.dupont@exemple,fr-merci", "jean.dupont@exemple·fr-merci",
                   "jean.dupont＠exemple．fr－merci", "Écrire à jean.dupont@exemple.fr—merci d'avance !",
                   "jean.dupont@exemple.fr-organisations.csv", "jean.dupont@exemple.fr_projets_2024.xlsx"]
FOUND = GLUED + DIGITS_AND_LETTERS + OTHER_SPELLINGS
# no address: handles, an at sign alone, files, identifiers whose last label holds digits, web addresses
LEGITIMATE = ["@anas_fr", "@centre_social-35", "suivez @fcsf_fr-officiel", "nom@", "contact@ le site", "logo@2x.png",
              "logo@2x.png-ancien", "icone@3x.webp_v2", "19:abc@thread.tacv2", "19:abc@thread.tacv2-General",
              "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General", "https://www.fcsf.fr-x",
              "www.caf.fr-merci", "https://exemple.fr/@jean_dupont-35", "package@1.2.3-beta", "v1.2@build.42-rc",
              "rendez-vous à 14h à la maison.fr-merci", "meet at noon.fr2"]


def test_the_corpus_is_distinct_and_every_address_alone_is_found() -> None:
    assert len(set(FOUND)) == len(FOUND) > 300 and not set(FOUND) & set(LEGITIMATE)
    assert all(personal_data(address) for address in ADDRESSES)


@pytest.mark.parametrize("value", FOUND)
def test_an_address_is_found_whatever_is_glued_after_its_domain(value: str) -> None:
    assert [kind.code for kind in personal_data(value)] == ["email"], value
    assert [kind.code for kind in personal_data(f"Contact : {value} pour l'atelier")] == ["email"], value


def test_every_dash_of_this_unicode_version_after_a_domain_hides_no_address() -> None:
    dashes = in_category("Pd")
    missed = [f"U+{ord(d):04X}" for d in dashes if not personal_data(f"jean.dupont@exemple.fr{d}merci")]
    assert len(dashes) > 20 and missed == []


@given(address=st.sampled_from(ADDRESSES), glue=st.sampled_from(["-", "_", "\u2013", "\u2014", "\u2011", "--", "_-"]),
       word=st.text(st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=12),
       before=st.sampled_from(["", "Contact : ", "mail:", "(", "« "]))
def test_an_address_and_any_word_glued_after_a_dash_or_an_underscore_is_found(address: str, glue: str, word: str,
                                                                             before: str) -> None:
    assert "email" in [kind.code for kind in personal_data(f"{before}{address}{glue}{word}")]


@pytest.mark.parametrize("value", [v for v in FOUND if " " not in v])
def test_such_an_address_is_found_in_an_iri_and_masked_in_a_message(value: str) -> None:
    assert "email" in [kind.code for kind in personal_data_in_iri(f"http://example.org/id/{value}")]
    shown = redact(f"refused value {value} in the file")
    assert "*** (email)" in shown and "dupont" not in shown and "martin" not in shown and "@" not in shown


@pytest.mark.parametrize("value", LEGITIMATE)
def test_handles_identifiers_and_web_addresses_with_a_glued_ending_are_no_address(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("value", ["jean.dupont@exemple.fr-merci", "marie.martin@caf.fr—merci", "x.dupont@y.fr_z",
                                   "jean.dupont@exemple.fr1"])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_the_api_and_the_graph_store_refuse_it_store_nothing_and_log_nothing_of_it(
        value: str, client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture, ways: Ways) -> None:
    assert_refused_unlogged(client, token, caplog, "email", value, "dupont" if "dupont" in value else "martin",
                            ways)


@pytest.mark.live  # a dry run's process
def test_a_sheet_describing_a_group_with_handles_and_web_addresses_is_accepted(client: FlaskClient,
                                                                              token: str) -> None:
    response = client.post("/api/validate", data=sheet("Suivez @fcsf_fr-officiel et www.caf.fr-merci"),
                           content_type="text/turtle", headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("value", [
    "écrire à marie.dupont à gmail point com", "marie.dupont chez gmail point com", "jean-dupont à exemple.fr",
    "j.dupont35 à orange point fr", "marie_dupont à laposte point net", "MARIE.DUPONT À GMAIL POINT COM",
    "marie.dupont à exemple (point) fr", "mariedupont@gmail", "contact : mariedupont@gmail, merci",
    "jean.dupont@hotmail.", "jdupont@ orange", "Marie.Dupont@Yahoo ou par téléphone"])
def test_an_address_with_its_at_and_dots_in_words_or_its_domain_left_out_is_found(value: str) -> None:
    assert [k.code for k in personal_data(value)] == ["email"], value


@pytest.mark.parametrize("value", [
    "rendez-vous à la mairie", "on se retrouve à paris point final", "les parents à 18h point de rencontre",
    "le 12 à la salle des fêtes", "voir www.gmail.com pour créer une adresse", "logo@gmail.png", "@gmail",
    "suivez-nous sur @orange", "deux-trois à quatre point cinq", "atelier-cuisine à l'espace jeunes point info"])
def test_prose_with_a_bare_a_or_point_and_handles_of_a_mail_provider_are_no_address(value: str) -> None:
    assert personal_data(value) == [], value
