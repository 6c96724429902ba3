"""Disguised personal data is still personal data: zero-width and format characters, full-width forms, (at) and
(dot), HTML entities, percent-escapes, other separators, numbers typed as numbers, IRIs in every position and
scheme. Each disguise is refused through every way in, and never repeated; legitimate values still pass."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse
from rdflib import Graph
from stdnum import iban as iban_number
from stdnum.fr import nir as nir_number
from werkzeug.test import TestResponse

from isic_graph.admin.backup import backup, verify
from isic_graph.admin.credentials import CredentialStore
from isic_graph.admin.reference import load_reference
from isic_graph.admin.restoration import restore
from isic_graph.errors import RestoreRefused, SheetRefused, UsageError, ValidationFailed
from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from isic_graph.privacy import INVISIBLE, personal_data, personal_data_in_iri, redact
from isic_graph.rdf import resources
from isic_graph.rdf.formats import format_for_path
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from isic_graph.store.embedded import EmbeddedStore
from isic_graph.validation.personal import personal_data_in
from isic_graph.validation.validator import ValidationReport, Validator
from tests.conftest import ADMIN, bearer
from tests.support import paths, ways_in
from tests.support.fuzz import examples
from tests.support.unicode_categories import in_category
from tests.unit.test_privacy import (
    BASE,
    DESCRIPTION,
    MINIMAL,
    PROJECT,
    SAMPLES,
    assert_not_echoed,
    findings,
    report_on,
    sample_sheets,
)
from tests.web.test_api import dataset

ROOT = paths.ROOT
SHEET = MINIMAL.read_text(encoding="utf-8")
DESCRIPTION_TEXT = "Un groupe de parents prépare des départs en vacances en famille."
EMAIL = "jean.dupont@exemple.fr"


def nir(body: str) -> str:
    """A NIR with its right key, from its 13 first characters (2A/2B read as 19/18 for the key)."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    full = f"{body}{97 - number % 97:02d}"
    assert nir_number.is_valid(full)
    return full


def iban(text: str) -> str:
    assert iban_number.is_valid(text), text
    return text


NIR = nir("1841276451089")  # 184127645108946
NIR_CORSICA = nir("269052A004157")

DISGUISED = [
    # e-mail addresses
    ("email", "jean.dupont -at- example -dot- org"),  # hyphens around the words
    ("email", "jean.dupont \u24d0 example.org"),  # a circled a for the at sign
    ("phone", "06\t12\t34\t56\t78"),  # tabs between the digit groups
    ("email", "jean\u200b.dupont@exemple.fr"),  # zero-width space
    ("email", "jean.du\u00adpont@exemple.fr"),  # soft hyphen
    ("email", "jean.dupont\u2060@\u2060exemple.fr"),  # word joiners
    ("email", "\u202ejean.dupont@exemple.fr\u202c"),  # bidirectional override
    ("email", "jean.dupont\u200d@exemple.fr\u200e"),  # zero-width joiner, left-to-right mark
    ("email", "jean.dupont\ufe0f@exemple\u034f.fr"),  # variation selector, combining grapheme joiner
    ("email", "jean.dupont＠exemple.fr"),  # full-width commercial at
    ("email", "jean.dupont﹫exemple.fr"),  # small commercial at
    ("email", "ｊｅａｎ．ｄｕｐｏｎｔ＠ｅｘｅｍｐｌｅ．ｆｒ"),  # full-width throughout
    ("email", "jean.dupont@exemple\u3002fr"),  # ideographic full stop
    ("email", "jean.dupont (at) exemple (dot) fr"),
    ("email", "jean.dupont[at]exemple[dot]fr"),
    ("email", "jean.dupont {at} exemple {point} fr"),
    ("email", "jean.dupont <at> exemple <dot> org"),
    ("email", "jean.dupont (arobase) exemple (point) fr"),
    ("email", "jean.dupont arobase exemple point fr"),
    ("email", "jean dot dupont at exemple dot com"),
    ("email", "Jean.Dupont AT Exemple DOT Fr"),
    ("email", "jean.dupont @ exemple . fr"),
    ("email", "jean.dupont&#64;exemple.fr"),
    ("email", "jean.dupont&#x40;exemple.fr"),
    ("email", "jean.dupont&commat;exemple.fr"),
    ("email", "jean.dupont&amp;#64;exemple.fr"),  # an entity in an entity
    ("email", "jean.dupont%40exemple.fr"),
    ("email", "jean.dupont%2540exemple.fr"),  # double percent-encoding
    ("email", "jean.dupont%EF%BC%A0exemple.fr"),  # a percent-encoded full-width at
    ("email", "jean.dupont\\u0040exemple.fr"),
    ("email", "jean.dupont@exämple.fr"),  # an international domain
    ("email", "jean.dupont@xn--exmple-cua.fr"),
    ("email", "JEAN.DUPONT@EXEMPLE.FR"),
    ("email", "mailto:jean.dupont@exemple.fr"),
    ("email", "jean.dupont<b>@</b>exemple.fr"),  # markup
    ("email", "\u202erf.elpmexe@tnopud.naej\u202c"),  # shown right to left: jean.dupont@exemple.fr
    ("email", '"jean dupont"@exemple.fr'),  # a quoted local part
    ("email", "jean.dupont « at » exemple.fr"),  # the at sign between quotes
    ("email", 'jean.dupont "at" exemple.fr'),
    ("email", "jean.dupont 'arobase' exemple.fr"),
    ("email", "jean.dupont%u0040exemple.fr"),  # a %u escape
    ("email", "jean.dupont@exemple·fr"),  # a middle dot for the domain's dot
    ("email", "jean.dupont@exemple•fr"),
    # phone numbers
    ("phone", "06/12/34/56/78"),
    ("phone", "06_12_34_56_78"),
    ("phone", "06|12|34|56|78"),
    ("phone", "06·12·34·56·78"),
    ("phone", "06\\12\\34\\56\\78"),
    ("phone", "06–12–34–56–78"),  # en dash
    ("phone", "06\u200b12\u200b34\u200b56\u200b78"),
    ("phone", "０６ １２ ３４ ５６ ７８"),
    ("phone", "٠٦١٢٣٤٥٦٧٨"),  # Arabic-Indic digits
    ("phone", "+33 (0)6 12 34 56 78"),
    ("phone", "＋33 6 12 34 56 78"),
    ("phone", "00 33 6 12 34 56 78"),
    ("phone", "0033 (0) 6 12 34 56 78"),
    ("phone", "+33 6/12/34/56/78"),
    ("phone", "33612345678"),
    ("phone", "tel0612345678"),
    ("phone", "06%2012%2034%2056%2078"),
    ("phone", "06&#32;12&#32;34&#32;56&#32;78"),
    ("phone", "0 6 1 2 3 4 5 6 7 8"),
    ("phone", "+44 (0)20 7946 0958"),
    ("phone", "+32 2 555 12 12"),
    ("phone", "tel:+33612345678"),
    ("phone", "06 12 34\n56 78"),  # a line break
    ("phone", "06  -  12  -  34  -  56  -  78"),  # spaced separators
    ("phone", "06 : 12 : 34 : 56 : 78"),
    ("phone", "06 ; 12 ; 34 ; 56 ; 78"),
    # social security numbers
    ("nir", "1\u200b84\u200b12\u200b76\u200b451\u200b089\u200b46"),
    ("nir", "1/84/12/76/451/089/46"),
    ("nir", "1-84-12-76-451-089-46"),
    ("nir", "1_84_12_76_451_089_46"),
    ("nir", "1 - 84 - 12 - 76 - 451 - 089 - 46"),
    ("nir", "1 84 12 76 451 089 46".replace(" ", "\u202f")),
    ("nir", "１８４１２７６４５１０８９４６"),
    ("nir", "NIR:" + NIR),
    ("nir", NIR + ".0"),
    ("nir", " ".join([NIR_CORSICA[:1], NIR_CORSICA[1:3], NIR_CORSICA[3:5], NIR_CORSICA[5:7], NIR_CORSICA[7:10],
                      NIR_CORSICA[10:13], NIR_CORSICA[13:]])),
    ("nir", "%31%38%34%31%32%37%36%34%35%31%30%38%39%34%36"),
    # bank accounts
    ("iban", "FR76-3000-6000-0112-3456-7890-189"),
    ("iban", "FR76.3000.6000.0112.3456.7890.189"),
    ("iban", "FR76/3000/6000/0112/3456/7890/189"),
    ("iban", "FR76  -  3000  -  6000  -  0112  -  3456  -  7890  -  189"),
    ("iban", "ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９"),
    ("iban", "fr76\u200b3000\u200b6000\u200b0112\u200b3456\u200b7890\u200b189"),
    ("iban", "IBAN:FR7630006000011234567890189"),
    ("iban", "ibanFR7630006000011234567890189"),
    ("iban", iban("GB82-WEST-1234-5698-7654-32")),
    ("iban", iban("DE89 3704 0044 0532 0130 00")),
    ("iban", iban("BE71 0961 2345 6769")),
    ("iban", iban("ES91 2100 0418 4502 0005 1332")),
    ("iban", iban("IT60 X054 2811 1010 0000 0123 456")),
    ("iban", iban("CH93 0076 2011 6238 5295 7")),
    ("iban", iban("NL91 ABNA 0417 1643 00")),
    # instant-messaging addresses
    ("messaging", "skype:jean.dupont"),
    ("messaging", "https://t.me/jeandupont"),
    ("phone", "https://wa.me/33612345678"),
]
LEGITIMATE = [
    "SIRET 552 100 554 00013", "55210055400013", "SIREN 552100554", "552 100 554", "RNA W751234567", "W331234567",
    "commune 35238", "Ajaccio 2A004", "75011 Paris", "971", "976", "INSEE 33063",
    "de 2015 à 2018", "2019-2021", "le 12/03/2019 à 14h30", "2019-05-02", "2019-05-02T10:00:00",
    "du 01/02/2019 au 03/04/2020", "01/02/2019-03/04/2020", "12.03.2019", "mars 2019",
    "12 500 €", "1 234 567,50 euros", "15000.00 EUR", "125000000", "3500.00", "0.5", "1 500 000", "750000000",
    "groupe de 12 personnes", "8 à 15 participants", "120 familles", "12", "0", "2 500",
    "numéro vert 0 800 123 456", "le 3919", "le 115", "le 17",
    "https://centre-social.example.org/", "https://www.insee.fr/fr/statistiques/2011101?geo=COM-35238",
    "https://annuaire-entreprises.data.gouv.fr/entreprise/552100554", "https://www.youtube.com/@centresocial",
    "https://centre-social.example.org/images/logo@2x.png", "suivez @centre_social", "version 1.2.3.4.5.6",
    "ISBN 978-2-07-036822-8", "DOI 10.1000/182", "réunion at the point", "meet at noon.Then at two.",
    "rendez-vous @ la salle.Ensuite", "Gaston (at) Lagaffe est un point de vue", "le centre at Rennes dot gouv",
    'il a dit "bonjour"@ tous', "<b>12 500 €</b> le <i>12/03/2019</i>", "Groupe A : 12\nGroupe B : 15",
    "1 84 12 76 451 089 47", "FR76 3000 6000 0112 3456 7890 188", "0,5,10,15,20,25", "2019/2020/2021",
    "sha256:3f2a8c0612345678b9d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5",
    "de 2015 - 2018", "12 - 15 personnes", "2015 – 2016 : 12 familles ; 2017 : 15", "travailleur·euse·s",
    "Rennes · 22350001800211 · Service public", "l'équipe 'a' choisi", "SIRET 552 100 554 00013 - RNA W751234567",
    # what letters for digits, base64, a comma for a dot or a number without its trunk 0 must not be read in
    "RNA W351234567", "12/03/2021", "1 500 €", "12 000", "Olivier", "Lille", "Ille-et-Vilaine 35", "produit O2",
    "ligne L1", "Salle O1 et O2, 12 places", "3f2a9c0e1b7d4a6f8c2e0b9d7a5f3c1e", "123e4567-e89b-12d3-a456-426614174000",
    "QWxsbyBsZSBtb25kZQ==", "Rendez-vous at the centre, fr", "Atelier chez Marie, fr", "merci @Marie, me voilà",
    "612345678", "le 6 12 34", "x=40 personnes",
]
LEGITIMATE_IRIS = [
    BASE + "id/project/cafe-des-parents-rennes", "http://127.0.0.1:5000/id/organisation/caf-35",
    BASE + "id/territory/33063", BASE + "id/ingestion/20240101T101010123456Z-3f2a8c061234",
    "ni:///sha-256;3f2a8c0612345678b9d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5",
    "https://w3id.org/isic/ontology#groupSize", "http://www.w3.org/2001/XMLSchema#integer",
    "https://www.whatsapp.com/", "https://t.me/", "https://centre-social.example.org/contact",
    "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000000000",
]


# ---------------------------------------------------------------- the detector


def test_the_corpus_is_large_and_distinct() -> None:
    values = [value for _, value in DISGUISED]
    assert len(set(values)) == len(values) >= 60
    assert {kind for kind, _ in DISGUISED} == {"email", "phone", "nir", "iban", "messaging"}


@pytest.mark.parametrize("kind,value", DISGUISED)
def test_a_disguised_datum_is_found_in_a_text(kind: str, value: str) -> None:
    assert kind in [k.code for k in personal_data(f"Pour le joindre : {value}, merci.")]


@pytest.mark.parametrize("value", LEGITIMATE)
def test_a_legitimate_value_is_not_personal_data(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("iri", LEGITIMATE_IRIS)
def test_a_legitimate_iri_is_not_personal_data(iri: str) -> None:
    assert personal_data_in_iri(iri) == []


@pytest.mark.parametrize("iri,kind", [
    ("mailto:" + EMAIL, "email"), ("MAILTO:" + EMAIL, "email"), ("MailTo:jean%40exemple.fr", "email"),
    ("tel:+33612345678", "phone"), ("TEL:0612345678", "phone"), ("sms:0612345678", "phone"),
    ("sip:0612345678@voip.example.org", "phone"), ("callto:jean.dupont", "phone"), ("fax:0556123456", "phone"),
    ("xmpp:jean@jabber.example.org", "messaging"), ("skype:jean.dupont?call", "messaging"),
    ("https://wa.me/33612345678", "phone"), ("https://api.whatsapp.com/send?phone=33612345678", "phone"),
    ("https://t.me/jeandupont", "messaging"), ("https://signal.me/#p/+33612345678", "messaging"),
    ("http://example.org/id/person/" + EMAIL, "email"), ("http://example.org/id/jean.dupont%40exemple.fr", "email"),
    ("http://jean.dupont@exemple.fr/", "email"), ("urn:mail:" + EMAIL, "email"),
    ("http://example.org/person/" + NIR, "nir"), ("urn:iban:FR7630006000011234567890189", "iban"),
    ("http://example.org/tel/06-12-34-56-78", "phone"), ("ma\u200bilto:" + EMAIL, "email"),
    ("HTTPS://WA.ME/33612345678", "phone"), ("HTTPS://T.ME/jean", "messaging"),
    ("https://wa.link/abc123", "phone"), ("https://www.messenger.com/t/jean.dupont", "messaging"),
    ("https://m.me/jean.dupont", "messaging"),
])
def test_an_iri_of_any_scheme_that_is_or_holds_a_datum_is_found(iri: str, kind: str) -> None:
    assert kind in [k.code for k in personal_data_in_iri(iri)]


def test_every_invisible_character_of_this_unicode_version_is_removed() -> None:
    formats = in_category("Cf")
    missing = [f"U+{ord(c):04X}" for c in formats if not INVISIBLE.fullmatch(c)]
    assert len(formats) > 100 and missing == []


INVISIBLES = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u034f",
                              "\u2062", "\u180e", "\U000e0020"])


def _sprinkled(text: str, data: st.DataObject) -> str:
    return "".join(c + (data.draw(INVISIBLES) if data.draw(st.booleans()) else "") for c in text)


def _encoded(text: str, data: st.DataObject) -> str:
    def one(c: str) -> str:
        how = data.draw(st.sampled_from(["plain", "plain", "entity", "hex-entity", "percent", "full-width"]))
        if how == "entity":
            return f"&#{ord(c)};"
        if how == "hex-entity":
            return f"&#x{ord(c):x};"
        if how == "percent":
            return "".join(f"%{b:02X}" for b in c.encode())
        if how == "full-width" and "!" <= c <= "~":
            return chr(ord(c) + 0xFEE0)
        return c
    return "".join(one(c) for c in text)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind_value=st.sampled_from([
    ("email", EMAIL), ("phone", "06 12 34 56 78"), ("phone", "+33 6 12 34 56 78"), ("nir", "1 84 12 76 451 089 46"),
    ("iban", "FR76 3000 6000 0112 3456 7890 189"), ("iban", "GB82 WEST 1234 5698 7654 32")]))
def test_generated_disguises_are_seen_through(data: st.DataObject, kind_value: tuple[str, str]) -> None:
    kind, value = kind_value
    if kind != "email":
        separator = data.draw(st.sampled_from([" ", ".", "-", "/", "_", "\u00a0", "\u202f", "–", "·", "|"]))
        value = value.replace(" ", separator)
    disguised = data.draw(st.sampled_from([_sprinkled, _encoded]))(value, data)
    assert kind in [k.code for k in personal_data(f"Contact : {disguised}.")], disguised


@settings(max_examples=examples(150), deadline=None)
@given(st.one_of(
    st.decimals(min_value=0, max_value=10 ** 9, places=2).map(str),
    st.integers(min_value=0, max_value=10 ** 6).map(str),
    st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.integers(min_value=1000, max_value=99999).map(lambda n: f"commune {n:05d}"),
    st.from_regex(r"W[0-9]{9}", fullmatch=True)))
@example("331000000.00")  # its digits read as +33 1 00 00 00 00, a valid number: an amount all the same
def test_generated_amounts_dates_and_codes_pass(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("value", ["331000000.00", "331000000,00", "331 000 000,00", "331\u202f000\u202f000,00 €",
                                   "331.000.000,00", "336123456.78", "Budget : 331000000.00 euros"])
def test_an_amount_with_its_cents_is_no_phone_number(value: str) -> None:
    assert personal_data(value) == []


@pytest.mark.parametrize("value", ["06.12.34.56.78", "01.23.45.67.89", "0612345678.00", "+331000000.00",
                                   "33 1 00 00 00 00", "+33 6 12 34 56 78"])
def test_a_phone_number_written_with_dots_or_followed_by_cents_is_still_one(value: str) -> None:
    assert [k.code for k in personal_data(value)] == ["phone"], value


def test_a_message_quoting_a_datum_is_redacted() -> None:
    assert redact(f"invalid network name '{EMAIL}': use lowercase") == \
        "invalid network name '*** (email)': use lowercase"
    assert redact(f"invalid network name '{EMAIL}': use lowercase", "fr") == \
        "invalid network name '*** (adresse e-mail)': use lowercase"
    # a place keeps its file, sheet, row and column: only the words holding the datum are masked
    assert redact("[x.xlsx › fundings 0612345678, ligne 1] ce n'est pas un tableau", "fr") == \
        "[x.xlsx › fundings *** (numéro de téléphone), ligne 1] ce n'est pas un tableau"
    assert redact(f"[x.xlsx › projects, row 1, column '{EMAIL}'] unknown column") == \
        "[x.xlsx › projects, row 1, column '*** (email)'] unknown column"
    assert redact("[f.csv, ligne 2, colonne « 06 12 34 56 78 »] x", "fr") == \
        "[f.csv, ligne 2, colonne « *** (numéro de téléphone) »] x"
    # a datum only the whole part spells is masked whole
    assert "dupont" not in redact("[f.csv, colonne « jean point dupont arobase gmail point com »] x")
    assert EMAIL not in redact(f"<mailto:{EMAIL}> uses a shape")
    assert "56 78" not in redact("a value 06 12 34 56 78 is not a date")
    assert "dupont" not in redact("ecrire a jean.dupont (at) exemple (dot) fr svp")
    assert redact("nothing personal here: 12 500 €") == "nothing personal here: 12 500 €"


# ---------------------------------------------------------------- in a submission: every datatype, every position


def sheet_with(extra: str) -> Document:
    """The minimal sheet, its project described further by `extra` (Turtle predicate-object pairs)."""
    text = SHEET.replace(f'"{DESCRIPTION_TEXT}"@fr ;', f'"{DESCRIPTION_TEXT}"@fr ; {extra} ;')
    return Document("sheet.ttl", text.encode(), format_for_path("sheet.ttl"))


def assert_refused(report: ValidationReport, kind: str, *data: str) -> None:
    assert not report.conforms
    assert any(v.value == f"*** ({kind})" for v in findings(report)), report.describe("en")
    for datum in data:
        assert_not_echoed(report, datum)


@pytest.mark.parametrize("kind,value", DISGUISED[::3])
def test_a_disguised_datum_in_a_text_field_is_refused_and_not_repeated(kind: str, value: str, validator: Validator,
                                                                       graphs: Graphs) -> None:
    literal = json.dumps(value, ensure_ascii=False)
    report = report_on([sheet_with(f"isic:trackingTool {literal}@fr")], validator, graphs)
    assert_refused(report, kind, value)


@pytest.mark.parametrize("literal,kind", [
    ('"0612345678"^^xsd:integer', "phone"), ("0612345678", "phone"), ('"+33612345678"^^xsd:integer', "phone"),
    ('"33612345678"^^xsd:integer', "phone"), ('"0612345678.00"^^xsd:decimal', "phone"),
    (f'"{NIR}"^^xsd:decimal', "nir"), (f"{NIR}", "nir"), ('"1.84127645108946E14"^^xsd:double', "nir"),
    (f'"{NIR}"^^xsd:integer', "nir"), (f'"{EMAIL}"^^xsd:boolean', "email"), (f'"{EMAIL}"^^xsd:date', "email"),
    ('"06/12/34/56/78"^^xsd:date', "phone"), ('"FR7630006000011234567890189"^^xsd:integer', "iban"),
    (f'"{EMAIL}"^^xsd:anyURI', "email"), (f'"{EMAIL}"^^<http://example.org/datatype>', "email"),
])
def test_a_datum_is_found_whatever_the_datatype_of_its_literal(literal: str, kind: str, validator: Validator,
                                                              graphs: Graphs) -> None:
    extra = f"isic:amount {literal}" if "xsd" in literal or literal[0].isdigit() else f"isic:trackingTool {literal}"
    report = report_on([sheet_with(extra)], validator, graphs)
    lexical = literal.split('"')[1] if '"' in literal else literal
    assert_refused(report, kind, lexical)


@pytest.mark.parametrize("triple,kind,place", [
    (f"<http://localhost:5000/id/person/{EMAIL}> a <http://xmlns.com/foaf/0.1/Person>", "email", "resource"),
    ("<mailto:jean.dupont@exemple.fr> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"", "email", "resource"),
    (f"<id/project/demo> <http://example.org/{EMAIL.replace('@', '%40')}> \"x\"", "email", "property"),
    ("<id/project/demo> <tel:+33612345678;ext=a> \"x\"", "phone", "property"),  # (ending in digits: unwritable)
    ("<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <xmpp:jean@jabber.example.org>", "messaging", "value"),
    ("<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <https://wa.me/33612345678>", "phone", "value"),
    ("<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <CALLTO:jean.dupont>", "phone", "value"),
    ("<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <sms:0612345678>", "phone", "value"),
    ("<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <https://t.me/jeandupont>", "messaging", "value"),
    (f"<id/project/demo> <http://xmlns.com/foaf/0.1/homepage> <urn:nir:{NIR}>", "nir", "value"),
    ("<id/project/demo> <http://purl.org/dc/terms/description> \"x\"^^<tel:0612345678>", "phone", "datatype"),
    (f"<id/project/demo> <http://purl.org/dc/terms/description> \"x\"^^<http://e.org/{EMAIL}>", "email", "datatype"),
], ids=["subject-http", "subject-mailto", "predicate-http", "predicate-tel", "object-xmpp", "object-wa.me",
        "object-callto", "object-sms", "object-t.me", "object-urn", "datatype-tel", "datatype-http"])
def test_an_iri_in_any_position_is_searched_and_never_repeated(triple: str, kind: str, place: str,
                                                               validator: Validator, graphs: Graphs) -> None:
    document = Document("sheet.ttl", (SHEET + f"\n{triple} .\n").encode(), format_for_path("sheet.ttl"))
    report = report_on([document], validator, graphs)
    found = [v for v in findings(report) if v.value == f"*** ({kind})"]
    assert found, report.describe("en")
    where = {"resource": "The IRI of this resource", "property": "The IRI of a property", "value": "This field",
             "datatype": "The datatype of a value"}[place]
    assert any(where in v.messages["en"] for v in found)
    iri = triple.split("<")[1 if place == "resource" else (2 if place == "property" else 3)].split(">")[0]
    shown = "\n".join([report.describe("fr"), report.describe("en"), report.serialize("turtle"),
                       report.serialize("jsonld"), json.dumps([v.to_dict() for v in report.violations])])
    assert iri not in shown and iri.split(":", 1)[1].lstrip("/") not in shown


def test_each_term_position_is_searched_on_parsed_triples() -> None:
    contact, s, p = NamedNode("mailto:" + EMAIL), NamedNode(PROJECT), NamedNode(DESCRIPTION)
    triples = [Triple(contact, p, Literal("x")), Triple(s, contact, Literal("x")), Triple(s, p, contact),
               Triple(s, p, Literal("x", datatype=contact)), Triple(s, p, Literal("0612345678", datatype=NamedNode(
                   "http://www.w3.org/2001/XMLSchema#integer")))]
    assert sorted((f.place, f.kind.code) for f in personal_data_in(triples)) == [
        ("datatype", "email"), ("property", "email"), ("resource", "email"), ("value", "email"), ("value", "phone")]


@pytest.mark.parametrize("kind,value", DISGUISED[1::6])
def test_a_disguised_datum_in_json_ld_is_refused(kind: str, value: str, validator: Validator, graphs: Graphs) -> None:
    graph = Graph().parse(data=sheet_with(f"isic:trackingTool {json.dumps(value, ensure_ascii=False)}@fr").data,
                          format="turtle", publicID=BASE)
    document = Document("sheet.jsonld", graph.serialize(format="json-ld").encode(), format_for_path("sheet.jsonld"))
    assert_refused(report_on([document], validator, graphs), kind, value)


def test_numbers_and_iris_in_a_json_ld_document_are_searched(validator: Validator, graphs: Graphs) -> None:
    isic, xsd = "https://w3id.org/isic/ontology#", "http://www.w3.org/2001/XMLSchema#"
    document = {"@id": PROJECT, isic + "amount": 33612345678,
                "http://xmlns.com/foaf/0.1/homepage": {"@id": "XMPP:jean@jabber.example.org"},
                isic + "trackingTool": [{"@value": "0612345678", "@type": xsd + "integer"},
                                        {"@value": "x", "@type": "mailto:" + EMAIL}],
                "@reverse": {isic + "concerns": {"@id": "https://t.me/jeandupont"}}}
    documents = [Document("sheet.ttl", SHEET.encode(), format_for_path("sheet.ttl")),
                 Document("more.jsonld", json.dumps(document).encode(), format_for_path("more.jsonld"))]
    report = report_on(documents, validator, graphs)
    assert {v.value for v in findings(report)} == {"*** (phone)", "*** (messaging)", "*** (email)"}
    for datum in ("33612345678", "0612345678", "jabber", EMAIL, "jeandupont"):
        assert_not_echoed(report, datum)


@pytest.mark.parametrize("file,before,after,kind,column", [
    ("lessons.csv", "La garde a été confiée", "La garde (jean.dupont (at) exemple (dot) fr) a été confiée",
     "email", "enonce"),
    ("lessons.csv", "La garde a été confiée", "La garde (06/12/34/56/78) a été confiée", "phone", "enonce"),
    ("lessons.csv", "La garde a été confiée",
     "La garde (1\u200b84\u200b12\u200b76\u200b451\u200b089\u200b46) a été confiée", "nir", "enonce"),
    ("lessons.csv", "La garde a été confiée", "La garde (FR76-3000-6000-0112-3456-7890-189) a été confiée",
     "iban", "enonce"),
    ("fundings.csv", ",3500.00,", ",0612345678,", "phone", "montant"),
    ("fundings.csv", ",3500.00,", ",+33612345678,", "phone", "montant"),
    ("fundings.csv", ",3500.00,", f",{NIR},", "nir", "montant"),
    ("projects.csv", "assurée.,oui,", f"assurée.,{EMAIL},", "email", "issu_situations_individuelles"),
], ids=["text-email", "text-phone", "text-nir", "text-iban", "decimal-phone", "decimal-plus-phone", "decimal-nir",
        "boolean-email"])
def test_a_disguised_datum_in_a_csv_sheet_is_refused_at_its_row(file: str, before: str, after: str, kind: str,
                                                                column: str | None, validator: Validator,
                                                                graphs: Graphs) -> None:
    documents = []
    for doc in sample_sheets():
        text = doc.data.decode()
        if doc.name == file:
            assert before in text
            text = text.replace(before, after, 1)
        documents.append(Document(doc.name, text.encode(), doc.format))
    report = report_on(documents, validator, graphs, "action-sociale-35")
    found = [v for v in findings(report) if v.value == f"*** ({kind})"]
    assert found, report.describe("en")
    if column is not None:
        assert any(v.location is not None and (v.location.file, v.location.column) == (file, column) for v in found)
    datum = after.strip(",").split(",")[-1] if file != "lessons.csv" else after.split("(", 1)[1].rsplit(")", 1)[0]
    assert_not_echoed(report, datum)


def test_a_datum_in_an_identifier_cell_is_refused_at_its_cell_masked(validator: Validator, graphs: Graphs) -> None:
    """An e-mail address where a sheet names a resource is no identifier: refused at its cell, as personal data
    masked, before it could become an IRI."""
    documents = []
    for doc in sample_sheets():
        text = doc.data.decode()
        if doc.name == "fundings.csv":
            assert ",caf-35," in text
            text = text.replace(",caf-35,", ",jean.dupont@exemple.fr,", 1)
        documents.append(Document(doc.name, text.encode(), doc.format))
    with pytest.raises(SheetRefused) as refused:
        report_on(documents, validator, graphs, "action-sociale-35")
    said = refused.value.message + (refused.value.fr or "")
    assert "[fundings.csv, row 2, column 'financeur']" in refused.value.message and "personal data" in said
    assert "jean" not in said and "dupont" not in said and "exemple" not in said  # nor the identifier it could be


# ---------------------------------------------------------------- legitimate values pass


@pytest.mark.parametrize("extra", [
    "isic:amount 1234567.50", "isic:amount 750000000", 'isic:amount "0.5"^^xsd:decimal',
    'isic:startDate "2015-03-01"^^xsd:date', 'isic:trackingTool "SIRET 552 100 554 00013, RNA W751234567"@fr',
    'isic:trackingTool "Commune 35238 (Rennes), 2A004 (Ajaccio), le 12/03/2019, 12 500 €"@fr',
    'isic:trackingTool "Numéro vert 0 800 123 456 ; le 3919"@fr',
    "<http://xmlns.com/foaf/0.1/homepage> <https://www.insee.fr/fr/statistiques/2011101?geo=COM-35238>",
])
def test_legitimate_values_of_every_kind_still_conform(extra: str, validator: Validator, graphs: Graphs) -> None:
    report = report_on([sheet_with(extra)], validator, graphs)
    assert findings(report) == [], report.describe("en")


def test_the_samples_the_ontology_thesauri_and_shapes_hold_no_personal_data_in_any_position() -> None:
    files = [p for folder in sorted(SAMPLES.iterdir()) if folder.is_dir() for p in sorted(folder.iterdir())]
    for path in files:
        batch = read_batch([Document.from_path(path)], BASE)
        assert personal_data_in(batch.triples) == [], path
    for path in [resources.ontology_file(), *resources.thesaurus_files(), *resources.shapes_files()]:
        triples = [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE)]
        assert personal_data_in(triples) == [], path


# ---------------------------------------------------------------- every way in


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("demo", "Réseau de démonstration")


THREE_WAYS = ways_in.split(("api", "graph-store"), ("check",))
Ways = tuple[str, ...]


def sent_three_ways(client: FlaskClient, token: str, body: bytes, ways: Ways) -> list[TestResponse]:
    """The answers to a sheet sent the given ways: to the API ("api"), put into the graph store ("graph-store"),
    checked by the dry run ("check")."""
    graph = {"graph": BASE + "graph/network/demo"}
    sent = {"api": lambda: client.post("/api/networks/demo/sheets", data=body, content_type="text/turtle",
                                       headers=bearer(token)),
            "graph-store": lambda: client.put("/graph-store", query_string=graph, data=body,
                                              content_type="text/turtle", headers=bearer(token)),
            "check": lambda: client.post("/api/validate", data=body, content_type="text/turtle",
                                         headers=bearer(token))}
    return [sent[way]() for way in ways]


def assert_refused_three_ways(client: FlaskClient, token: str, extra: str, kind: str, datum: str, ways: Ways) -> None:
    """The minimal sheet described further by `extra` is refused the given ways (422, the datum masked as its kind and
    not repeated, control characters aside), and nothing is stored."""
    body = sheet_with(extra).data
    before = dataset(client)
    for answer in sent_three_ways(client, token, body, ways):
        assert answer.status_code == 422 and answer.json is not None
        assert any(v["value"] == f"*** ({kind})" for v in answer.json["violations"])
        assert datum not in "".join(c for c in answer.get_data(as_text=True) if c.isprintable() or c in "\n\t")
    assert dataset(client) == before


@pytest.mark.parametrize("kind,value", [("email", "jean.dupont&#64;exemple.fr"), ("phone", "06/12/34/56/78"),
                                        ("nir", "1\u200b84\u200b12\u200b76\u200b451\u200b089\u200b46"),
                                        ("iban", "FR76-3000-6000-0112-3456-7890-189"),
                                        ("email", "jean.dupont « at » exemple·fr"),
                                        ("phone", "06  -  12  -  34  -  56  -  78")])
@pytest.mark.parametrize("ways", THREE_WAYS)
def test_the_api_and_the_graph_store_refuse_a_disguise_and_store_nothing(kind: str, value: str, client: FlaskClient,
                                                                         token: str, ways: Ways) -> None:
    assert_refused_three_ways(client, token, f"isic:trackingTool {json.dumps(value, ensure_ascii=False)}@fr", kind,
                              value, ways)


def test_typed_numbers_are_refused_over_http_too(client: FlaskClient, token: str) -> None:
    body = sheet_with('isic:amount "+33612345678"^^xsd:integer').data
    answer = client.post("/api/networks/demo/sheets", data=body, content_type="text/turtle", headers=bearer(token))
    assert answer.status_code == 422 and "33612345678" not in answer.get_data(as_text=True)


def test_reference_data_with_personal_data_is_refused_by_the_graph_store(client: FlaskClient) -> None:
    comment = EMAIL.replace("@", " [at] ")
    body = f"<http://example.org/ref/x> <http://www.w3.org/2000/01/rdf-schema#comment> \"{comment}\" ."
    before = dataset(client)
    answer = client.put("/graph-store", query_string={"graph": "http://example.org/reference"}, data=body.encode(),
                        content_type="application/n-triples", headers=bearer(ADMIN))
    assert answer.status_code == 422 and "dupont" not in answer.get_data(as_text=True)
    assert dataset(client) == before


def test_reference_data_with_personal_data_is_refused_by_load(store: Store, graphs: Graphs, tmp_path: Path) -> None:
    path = tmp_path / "reference.ttl"
    path.write_text(f"<http://example.org/ref/x> <http://www.w3.org/2000/01/rdf-schema#comment> \"{NIR}\" .\n")
    with pytest.raises(ValidationFailed) as refused:
        load_reference(store, graphs, path, "http://example.org/reference")
    assert NIR not in refused.value.message and "*** (nir)" in refused.value.message
    assert "http://example.org/reference" not in store.graph_names()


def test_the_form_refuses_a_disguise_beside_its_field(client: FlaskClient, credentials: CredentialStore) -> None:
    from tests.web.test_sheets import errors_beside, filled

    token = credentials.add("fcsf", "Fédération des centres sociaux")
    before = dataset(client)
    answer = client.post("/sheets?lang=en", data={**filled(**{"project.description": "Écrire à jean.dupont (at) "
                                                              "exemple (dot) fr"}), "credential": token})
    assert answer.status_code == 422
    errors = " ".join(errors_beside(answer.get_data(as_text=True), "project.description"))
    assert "an e-mail address" in errors and "dupont" not in errors
    assert dataset(client) == before


def upload_lesson(client: FlaskClient, token: str, statement: str) -> TestResponse:
    """The answer to a lessons sheet of one lesson, its statement the CSV cell given (quoted or not), uploaded."""
    lessons = ("enseignement,projet,categorie,phase,dimensions,enonce,recommandation,transferable_themes,"
               "transferable_territoires,acteurs_concernes,confirme,contredit\r\n"
               f"x-1,demo,good-practice,,,{statement},,,,,,\r\n").encode()
    return client.post("/sheets/csv?lang=en", data={"credential": token, "files": (io.BytesIO(lessons),
                                                                                   "lessons.csv")},
                       content_type="multipart/form-data")


def test_a_csv_upload_refuses_a_disguise_without_repeating_it(client: FlaskClient, token: str) -> None:
    answer = upload_lesson(client, token, "Appeler le 06/12/34/56/78.")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "*** (phone)" in html and "34/56" not in html


def test_an_error_message_never_repeats_a_datum(client: FlaskClient) -> None:
    answer = client.post("/api/networks/jean.dupont@exemple.fr/sheets", data=b"", content_type="text/turtle",
                         headers=bearer("x"))
    assert EMAIL not in answer.get_data(as_text=True)
    assert EMAIL not in UsageError(f"invalid network name {EMAIL!r}").message


REFERENCE = "http://example.org/reference"


def backup_of(folder: Path, *triples: str) -> Path:
    """A backup of a store holding only a reference graph of these triples."""
    source = EmbeddedStore(None)
    source.update(f"INSERT DATA {{ GRAPH <{REFERENCE}> {{ {' . '.join(triples)} }} }}")
    backup(source, folder, BASE)
    return folder


def test_restore_refuses_personal_data_in_any_term_of_any_graph(store: Store, tmp_path: Path,
                                                                validator: Validator) -> None:
    folder = backup_of(tmp_path / "backup",
                       '<http://example.org/r> <http://example.org/date> '
                       '"06/12/34/56/78"^^<http://www.w3.org/2001/XMLSchema#date>',
                       f'<http://example.org/r> <http://example.org/note> "x"^^<mailto:{EMAIL}>',
                       f'<http://example.org/r> <http://example.org/{NIR}> "x"')
    before = sorted(store.dump(RdfFormat.N_QUADS).splitlines())
    with pytest.raises(RestoreRefused) as refused:
        restore(store, verify(folder), Graphs(BASE), validator, replace=True)
    text = "\n".join([refused.value.message, *(p.describe() for p in refused.value.problems)])
    for kind in ("a phone number", "an e-mail address", "a social security number"):
        assert kind in text, text
    for datum in ("06/12/34/56/78", "jean.dupont", NIR):
        assert datum not in text
    assert sorted(store.dump(RdfFormat.N_QUADS).splitlines()) == before


def test_a_backup_without_personal_data_is_restored(store: Store, tmp_path: Path, validator: Validator) -> None:
    folder = backup_of(tmp_path / "backup", '<http://example.org/r> <http://example.org/note> '
                       '"12 500 € le 12/03/2019, SIRET 552 100 554 00013, 750000000"')
    restored = restore(store, verify(folder), Graphs(BASE), validator, replace=True)
    assert restored.counts == {REFERENCE: 1}

