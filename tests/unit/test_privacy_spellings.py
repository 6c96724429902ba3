"""Spellings of personal data that read as such to a person though no plain search sees them: Corsican NIRs and
NIRs without their key, IBANs of every country, phone numbers with any separator (a comma, a letter, a look-alike
slash or dash, keycap digits), e-mail addresses with the at-sign spelled out in French or English or hidden under a
combining mark. Each is refused on every way in, never repeated; and ordinary prose, the samples' texts included,
still passes."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, RdfFormat, parse
from stdnum import iban as iban_number
from stdnum import numdb

from isic_graph.admin.credentials import CredentialStore
from isic_graph.admin.reference import load_reference
from isic_graph.errors import ValidationFailed
from isic_graph.privacy import LOOKALIKES, personal_data
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store
from tests.conftest import ADMIN, bearer
from tests.support import paths, ways_in
from tests.support.unicode_categories import in_category
from tests.unit.test_privacy import BASE, MINIMAL
from tests.web.test_api import dataset

DESCRIPTION_TEXT = "Un groupe de parents prépare des départs en vacances en famille."


def corsican(body: str, right_key: bool) -> str:
    """A Corsican NIR (2A or 2B), with its right key or the key its author got wrong (2A read as 76)."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    key = 97 - number % 97
    return f"{body}{key if right_key else (key + 13) % 97 or 1:02d}"


def grouped(nir: str) -> str:
    return " ".join([nir[:1], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]).strip()


def every_country_iban() -> list[str]:
    """An IBAN of each country of python-stdnum's registry, with a right key and a structure of its country's."""
    made = []
    rng = random.Random(15)
    registry = Path(numdb.__file__).with_name("iban.dat").read_text(encoding="utf-8")
    for country, structure in re.findall(r'^([A-Z]{2}) .*?bban="([^"]+)"', registry, re.M):
        bban = "".join(rng.choice({"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                   "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}[kind]) for size, kind in
                       re.findall(r"(\d+)!([nac])", structure) for _ in range(int(size)))
        number = country + iban_number.calc_check_digits(country + "00" + bban) + bban
        assert iban_number.is_valid(number, check_country=False), number
        made.append(number)
    return made


IBANS = every_country_iban()
NIRS = [
    "1 84 12 2A 451 089 46", "184122A45108946", "1 84 12 76 451 089", "1841276451089",  # as the attack wrote them
    grouped(corsican("184122A451089", True)), corsican("269052B004157", True), corsican("269052A004157", False),
    grouped(corsican("269052B004157", False)),
    "2 69 05 2B 004 157", "269052A004157", "1-84-12-76-451-089", "1.84.12.2A.451.089", "1_84_12_13_055_123",
    "2 99 01 99 123 456", "NIR : 1 84 12 76 451 089 (clé inconnue)",
]
PHONES = (["06,12,34,56,78", "06 , 12 , 34 , 56 , 78", "06⁄12⁄34⁄56⁄78", "0️⃣6️⃣ 12 34 56 78",
           "0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", "06x12x34x56x78", "06X12X34X56X78", "06o12o34o56o78", "06 et 12 et 34 et 56 et 78",
           "06;12;34;56;78", "06:12:34:56:78", "06⧸12⧸34⧸56⧸78", "06╱12╱34╱56╱78", "06∖12∖34∖56∖78",
           "06‚12‚34‚56‚78", "+33x6x12x34x56x78", "+33,6,12,34,56,78", "0033-6-12-34-56-78", "01#23#45#67#89",
           "tel06x12x34x56x78", "06\u033812\u033834\u033856\u033878"]
          + [f"06{c}12{c}34{c}56{c}78" for c in in_category("Pd")])  # every dash
EMAILS = ["jean.dupont (à) example.org", "jean.dupont (À) example.org", "jean.dupont [à] example.org",
          "jean.dupont (a) example.org", "jean.dupont{a}example.org",
          "jean.dupont chez example.org", "jean.dupont CHEZ example.org", "j_dupont chez exemple.fr",
          "jdupont35 chez exemple (point) fr", "jean.dupont at-sign example.org", "jean.dupont at sign example.org",
          "jean.dupont (at-sign) example.org", "jean.dupont [at] example.org", "jean.dupont (arobase) example.org",
          "jean.dupont arobase example.org", "jean.dupont at example.org", "jean.dupont (chez) exemple.fr",
          "jean.dupont@\u0301example.org", "jean.dupont\u0301@example.org", "jean.dupont@\u20ddexample.org",
          "jean.dupont@e\u0308xample.org", "jean.dupont@\u0327\u0301example.org"]
DISGUISED = ([("nir", v) for v in NIRS] + [("iban", v) for v in IBANS]
             + [("iban", " ".join(v[i:i + 4] for i in range(0, len(v), 4))) for v in IBANS[::3]]
             + [("iban", "BE68 5390 0754 7034"), ("iban", "BE68539007547034")]
             + [("phone", v) for v in PHONES] + [("email", v) for v in EMAILS])

PROSE = [  # what social workers write: none of it is personal data
    "Les ateliers ont lieu chez les familles, à la maison ou au centre social.",
    "Nous nous retrouvons chez Emmaüs, puis chez l'habitant.", "Inscriptions chez helloasso.com à partir de mars.",
    "Depuis 2019 chez emmaus.org, le groupe compte 12 personnes.", "Rendez-vous à 14h30 à la salle des fêtes.",
    "Le budget est de 3 500,00 € (dont 1 200,50 € de la CAF).", "Montant : 15 000 €, soit 3 500,00 € par an.",
    "Le séjour a eu lieu du 12/03/2019 au 19/03/2019.", "Réunions les 3, 5 et 8 mars 2021.",
    "SIRET 552 100 554 00013, SIREN 552 100 554, RNA W751234567.", "Code INSEE 35238, code postal 35000.",
    "Ajaccio (2A004) et Bastia (2B033).", "De 2015 à 2018 puis de 2019 à 2021.",
    "Horaires : 09h00-12h00 et 14h00-17h00.",
    "Groupes de 8 à 15 participants ; 120 familles accompagnées.", "Numéro vert 0 800 123 456 ; le 3919 ; le 115.",
    "Elle dormait chez Paul. Me voici donc seule.", "à la place des personnes", "chez soi, chez eux, chez nous",
    "Les enfants de 6, 12, 34 et 56 ans.", "Ratio 0,5,10,15,20,25", "0,12,34,56,78 %", "Séances 1x2x3x4.",
    "Le 01.02.2019, 02.03.2020 et 03.04.2021.", "année 2024, exercice 2023-2024", "Dossier n° 2019-0042-A.",
    "Lot 1 84 12 76 (réf.)", "1 84 12 76 451 089 47", "Meet me at the point at noon.", "Réunion at home. Me first.",
    "Effectifs : 3 5 8 10 12 15 20 25", "Groupes : 3, 5, 8, 10, 12, 15, 20, 25", "Étapes (a) à (d) ci-dessous.",
    "Il a dit qu'il a fini.", "Code EAN 3 017620 422003", "Réf. 1841276451089000",
]


def sample_texts() -> list[str]:
    """Every text value of the samples and of the test sheets (Turtle literals, CSV cells), each sentence apart."""
    texts: list[str] = []
    data = paths.ROOT / "tests" / "data"
    folders = [paths.ROOT / "samples", data / "valid", data / "sheets"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in (".ttl", ".csv", ".nt")):
        if path.suffix == ".csv":
            raw = path.read_bytes()
            try:  # the LibreOffice fixtures come in UTF-8 and in Windows-1252, as French users' files do
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
            rows = csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ",")
            texts += [cell for row in rows for cell in row if cell]
        else:
            texts += [t.object.value for t in parse(path.read_bytes(), RdfFormat.N_TRIPLES if path.suffix == ".nt"
                                                    else RdfFormat.TURTLE, base_iri=BASE)
                      if isinstance(t.object, Literal)]
    return sorted({part for text in texts for part in [text, *re.split(r"(?<=[.!?;])\s+", text)] if part})


def test_the_corpus_covers_every_kind_and_every_country() -> None:
    assert len(IBANS) >= 80 and {v[:2] for v in IBANS} >= {"BE", "DE", "FR", "GB", "MC", "NO", "LC", "SA"}
    assert {kind for kind, _ in DISGUISED} == {"nir", "iban", "phone", "email"}
    assert len(PHONES) > 40


@pytest.mark.parametrize("kind,value", DISGUISED)
def test_a_spelling_of_a_datum_is_found(kind: str, value: str) -> None:
    assert kind in [k.code for k in personal_data(f"Pour le joindre : {value}. Merci.")], value
    assert kind in [k.code for k in personal_data(value)], value


def test_every_dash_and_look_alike_slash_reads_as_a_separator() -> None:
    folded = {chr(c) for c in LOOKALIKES}
    dashes = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Pd"} - {"-"}
    assert dashes <= folded, sorted(f"U+{ord(c):04X}" for c in dashes - folded)


@pytest.mark.parametrize("text", PROSE)
def test_ordinary_prose_is_not_personal_data(text: str) -> None:
    assert personal_data(text) == []


def test_no_sentence_of_the_samples_and_test_sheets_is_personal_data() -> None:
    texts = sample_texts()
    assert len(texts) > 300
    assert [text for text in texts if personal_data(text)] == []


# ---------------------------------------------------------------- every way in


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add("demo", "Réseau de démonstration")


WAYS_IN = [("nir", "1 84 12 2A 451 089 46"), ("nir", "1841276451089"), ("iban", "BE68 5390 0754 7034"),
           ("phone", "06,12,34,56,78"), ("phone", "06⁄12⁄34⁄56⁄78"), ("phone", "0️⃣6️⃣ 12 34 56 78"),
           ("phone", "06x12x34x56x78"), ("email", "jean.dupont (à) example.org"),
           ("email", "jean.dupont chez example.org"), ("email", "jean.dupont at-sign example.org"),
           ("email", "jean.dupont@\u0301example.org")]


# the other ways in read a text through the same check: one spelling of each kind, in turn through each
ONE_OF_EACH_KIND = [("nir", "1841276451089"), ("iban", "BE68 5390 0754 7034"), ("phone", "06⁄12⁄34⁄56⁄78"),
                    ("email", "jean.dupont chez example.org")]
ANOTHER_OF_EACH_KIND = [("nir", "1 84 12 2A 451 089 46"), ("iban", "BE68 5390 0754 7034"),
                        ("phone", "0️⃣6️⃣ 12 34 56 78"), ("email", "jean.dupont@\u0301example.org")]
KINDS = {"nir": "a social security number", "iban": "a bank account number", "phone": "a phone number",
         "email": "an e-mail address"}


def sheet(value: str) -> bytes:
    text = MINIMAL.read_text(encoding="utf-8")
    return text.replace(f'"{DESCRIPTION_TEXT}"@fr ;',
                        f'"{DESCRIPTION_TEXT}"@fr ; isic:trackingTool {json.dumps(value, ensure_ascii=False)}@fr ;'
                        ).encode()


def hidden(value: str, answer: str) -> bool:
    """Whether an answer repeats the datum in none of its spellings (an address's name, its digits unspaced)."""
    return all(form not in answer for form in (value, value.replace(" ", ""), "dupont"))


@pytest.mark.parametrize("ways", ways_in.split(["replace", "upsert", "put", "post"], ["validate"]))
@pytest.mark.parametrize("kind,value", WAYS_IN)
def test_the_api_the_graph_store_and_the_dry_run_refuse_it_and_store_nothing(kind: str, value: str,
                                                                            client: FlaskClient, token: str,
                                                                            ways: tuple[str, ...]) -> None:
    body = sheet(value)
    before = dataset(client)
    answers = [ways_in.sent(client, token, "demo", body, way) for way in ways]
    for answer in answers:
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert answer.json is not None and any(v["value"] == f"*** ({kind})" for v in answer.json["violations"])
        assert hidden(value, answer.get_data(as_text=True))
    assert dataset(client) == before


@pytest.mark.parametrize("kind,value", ONE_OF_EACH_KIND)
def test_reference_data_holding_it_is_refused_by_the_graph_store_and_by_load(kind: str, value: str,
                                                                            client: FlaskClient, store: Store,
                                                                            graphs: Graphs, tmp_path: Path) -> None:
    line = f'<http://example.org/ref/x> <http://www.w3.org/2000/01/rdf-schema#comment> {json.dumps(value)} .\n'
    before = dataset(client)
    for method in (client.put, client.post):
        answer = method("/graph-store", query_string={"graph": "http://example.org/reference"},
                        data=line.encode(), content_type="application/n-triples", headers=bearer(ADMIN))
        assert answer.status_code == 422 and hidden(value, answer.get_data(as_text=True))
    assert dataset(client) == before
    path = tmp_path / "reference.nt"
    path.write_text(line, encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        load_reference(store, graphs, path, "http://example.org/reference")
    assert f"*** ({kind})" in refused.value.message and hidden(value, refused.value.message)
    assert "http://example.org/reference" not in store.graph_names()


@pytest.mark.parametrize("kind,value", ANOTHER_OF_EACH_KIND)
def test_the_form_and_the_csv_upload_refuse_it(kind: str, value: str, client: FlaskClient, token: str) -> None:
    from tests.web.test_sheets import errors_beside, filled

    before = dataset(client)
    form = client.post("/sheets?lang=en", data={**filled(**{"project.description": f"Contact : {value}"}),
                                                "credential": token})
    errors = " ".join(errors_beside(form.get_data(as_text=True), "project.description"))
    assert form.status_code == 422 and KINDS[kind] in errors and hidden(value, errors)  # the field keeps what was typed
    lessons = ("enseignement,projet,categorie,phase,dimensions,enonce,recommandation,transferable_themes,"
               "transferable_territoires,acteurs_concernes,confirme,contredit\n"
               f"x-1,demo,good-practice,,,{json.dumps(value, ensure_ascii=False)},,,,,,\n").encode()
    upload = client.post("/sheets/csv?lang=en", data={"credential": token, "files": (io.BytesIO(lessons),
                                                                                     "lessons.csv")},
                         content_type="multipart/form-data")
    page = upload.get_data(as_text=True)
    assert upload.status_code == 422 and f"*** ({kind})" in page and hidden(value, page)
    assert dataset(client) == before
