"""A problem document never echoes personal data, whichever of its fields would name it: the `detail` masks it, and so
do the structured fields the error carries (a JSON-LD key, a subject, an owner, a term, a suggestion, a row, the record
of a retraction), in English and in French."""

from __future__ import annotations

import inspect
import io
import json
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from isic_graph import errors
from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import IsicError
from isic_graph.privacy import personal_data, personal_data_in_iri
from isic_graph.web import problems
from tests.conftest import bearer
from tests.web.test_problems import ARGUMENTS, ERRORS, OWN_ARGUMENTS

NETWORK = "action-sociale-35"
# each datum as an attacker would send it, and the spellings of it that must not come back
DATA = {
    "email": "jean.dupont@exemple.fr",
    "phone": "06 12 34 56 78",
    "phone-compact": "+33612345678",
    "nir": "1 85 05 78 006 084 91",
    "nir-compact": "185057800608491",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "iban-compact": "FR7630006000011234567890189",
}
IRIS = {"mailto": "mailto:jean.dupont@exemple.fr", "tel": "tel:+33612345678",
        "path": "http://example.org/id/person/jean.dupont@exemple.fr"}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def leaked(body: dict[str, Any], datum: str) -> list[str]:
    """The strings of a problem document that hold the datum (in its spelling, or with its spaces taken out), or any
    personal data at all."""
    compact = datum.replace(" ", "")
    return [text for text in strings(body)
            if datum in text or compact in text.replace(" ", "") or personal_data(text)
            or (":" in text and " " not in text and personal_data_in_iri(text))]


def structured(kind: type[IsicError]) -> list[str]:
    """The string arguments of an error class other than its messages: what may end in a structured field."""
    return [name for name in inspect.signature(kind.__init__).parameters
            if name not in ("self", "message", "fr", "english", "french") and isinstance(ARGUMENTS.get(name), str)]


CARRYING = [kind for kind in ERRORS if structured(kind)]


def raised(kind: type[IsicError], datum: str) -> IsicError:
    names = [name for name in inspect.signature(kind.__init__).parameters if name != "self"]
    given = {**ARGUMENTS, **OWN_ARGUMENTS.get(kind.__name__, {}), "record": {"reason": datum, "network": datum}}
    given.update({name: datum for name in structured(kind)})
    given.update(row=f"projects.csv, row 2, column '{datum}'" if kind.__name__ != "Unreadable" else 2,
                 row_fr=f"projects.csv, ligne 2, colonne « {datum} »")
    return kind(**{name: given[name] for name in names})


@pytest.fixture(scope="module")
def raising() -> FlaskClient:
    app = Flask("problem-fields")
    problems.register(app)

    @app.get("/raise/<name>/<which>")
    def fail(name: str, which: str) -> None:
        raise raised(getattr(errors, name), {**DATA, **IRIS}[which])

    return app.test_client()


def test_the_errors_that_carry_fields_are_those_the_problems_show() -> None:
    assert {kind.__name__ for kind in CARRYING} >= {"NotOwner", "LookalikeTerm", "UndeclaredTerm", "InstanceAsClass",
                                                     "UndefinedKey"}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("which", sorted({**DATA, **IRIS}))
@pytest.mark.parametrize("kind", [*CARRYING, errors.Gone], ids=lambda kind: kind.__name__)
def test_no_field_of_any_problem_echoes_a_datum(raising: FlaskClient, kind: type[IsicError], which: str,
                                                lang: str) -> None:
    response = raising.get(f"/raise/{kind.__name__}/{which}", headers={"Accept-Language": lang})
    body = response.get_json(force=True)
    assert response.status_code == kind.status and body["code"] == kind.code
    assert leaked(body, {**DATA, **IRIS}[which]) == []


def test_a_field_without_personal_data_is_kept_as_it_is(raising: FlaskClient) -> None:
    error = errors.UndefinedKey("the key 'titel' is no term", "titel", "title")
    app = Flask("kept")
    with app.test_request_context("/"):
        body = json.loads(problems.from_error(error).get_data())
    assert (body["key"], body["suggestion"]) == ("titel", "title")


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("which", sorted(DATA))
@pytest.mark.parametrize("how", ["body", "file", "graph-store"])
def test_a_json_ld_key_that_is_a_datum_is_masked_in_the_key_field(client: FlaskClient, token: str, which: str,
                                                                   how: str, lang: str) -> None:
    datum = DATA[which]
    document = json.dumps({"@context": "https://w3id.org/isic/context.jsonld",
                           "@id": f"http://localhost:5000/id/network/{NETWORK}", datum: "x"}).encode()
    headers = {**bearer(token), "Accept-Language": lang}
    if how == "body":
        response = client.post(f"/api/networks/{NETWORK}/sheets?mode=upsert", data=document, headers=headers,
                               content_type="application/ld+json")
    elif how == "file":
        response = client.post(f"/api/networks/{NETWORK}/sheets?dry-run=1", headers=headers,
                               data={"files": [(io.BytesIO(document), "fiche.jsonld")]},
                               content_type="multipart/form-data")
    else:
        response = client.post("/graph-store", query_string={"graph": f"http://localhost:5000/graph/network/{NETWORK}"},
                               data=document, headers=headers, content_type="application/ld+json")
    body = response.get_json(force=True)
    assert response.status_code == 422 and body["code"] == "undefined-key", body
    assert body["key"].startswith("*** (")
    assert leaked(body, datum) == []


@pytest.mark.parametrize("which", sorted(IRIS))
def test_the_upload_page_masks_the_subject_it_names_too(client: FlaskClient, token: str, which: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The upload page shows a not-owner refusal's subject and owner: masked as the problem document's are (a
    peer's IRI with user information that reads as an e-mail address)."""
    datum = IRIS[which]

    def refusing(*args: Any, **kwargs: Any) -> None:
        raise errors.NotOwner(f"<{datum}> belongs to another", datum, "http://localhost:5000/id/peer/canary")

    monkeypatch.setattr("isic_graph.web.sheet_upload.ingest", refusing)
    page = client.post("/sheets/csv", data={"files": [(io.BytesIO(b"@prefix ex: <http://ex.org/> ."), "x.ttl")],
                                            "credential": token}, content_type="multipart/form-data")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "http://localhost:5000/id/peer/canary" in text and "***" in text
    assert "jean.dupont" not in text and "33612345678" not in text
