"""Every refusal a sheet's author can meet is said in French to a French user, and names where to fix it:
a large set of mistaken sheets through the upload page (French), the API (Accept-Language: fr) and the CLI
(--lang fr). Nothing refused changes the store."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer
from tests.support.sheet_mistakes import MISTAKES, NETWORK, english_words
from tests.unit import test_cli
from tests.web.test_sheet_paths import dataset, with_anas

cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test
WHERE = re.compile(r"ligne|colonne|\.csv|\.xlsx|\.txt|fichier|tableau", re.IGNORECASE)


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def parts(files: dict[str, bytes]) -> dict[str, list[tuple[io.BytesIO, str]]]:
    return {"files": [(io.BytesIO(data), name) for name, data in files.items()]}


def shown(page: str) -> str:
    """The page's alert as a reader sees it, without the technical details folded behind their toggle."""
    alert = re.search(r'<div class="banner" role="alert">(.*?)</div>', page, re.S)
    assert alert is not None, page[-2000:]
    text = re.sub(r"<details>.*?</details>", " ", alert.group(1), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_upload_page_says_every_refusal_in_french_where_it_is(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    for mistake, files in MISTAKES.items():
        response = client.post("/sheets/csv", data={**parts(files()), "credential": token},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert 400 <= response.status_code < 500, (mistake, response.status_code)
        said = shown(page)
        assert not english_words(said), (mistake, english_words(said), said)
        assert WHERE.search(said), (mistake, said)
        for row in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", page):
            assert row[0] and (row[1] or row[2]), (mistake, row)  # the table, and the row or the column
    assert dataset(client) == before


def test_the_api_says_every_sheet_refusal_in_french_when_asked(client: FlaskClient, token: str) -> None:
    before = dataset(client)
    for mistake, files in MISTAKES.items():
        response = client.post(f"/api/networks/{NETWORK}/sheets", data=parts(files()),
                               headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
        body = response.json
        assert 400 <= response.status_code < 500 and response.mimetype == "application/problem+json", mistake
        said = " ".join(str(body.get(k, "")) for k in ("title", "detail", "report"))
        assert not english_words(said), (mistake, english_words(said), said)
        assert WHERE.search(said), (mistake, said)
        for violation in body.get("violations", []):
            where = violation.get("location") or {}
            assert where.get("row") or where.get("column") or violation.get("path"), (mistake, violation)
    assert dataset(client) == before


def test_a_body_too_large_is_said_in_french_on_the_page_and_by_the_api(client: FlaskClient, token: str,
                                                                        app) -> None:  # type: ignore[no-untyped-def]
    huge = {"projects.csv": b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
    page = client.post("/sheets/csv", data={**parts(huge), "credential": token}, content_type="multipart/form-data")
    assert page.status_code == 413
    said = shown(page.get_data(as_text=True))
    assert "Mo" in said and not english_words(said), said
    api = client.post(f"/api/networks/{NETWORK}/sheets", data=parts(huge),
                      headers={**bearer(token), "Accept-Language": "fr"}, content_type="multipart/form-data")
    assert api.status_code == 413 and not english_words(api.json["title"] + " " + api.json["detail"]), api.json


def test_the_cli_says_every_sheet_refusal_in_french(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = with_anas(cli)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = cli("query", count, "--format", "csv").output
    for number, (mistake, files) in enumerate(MISTAKES.items()):
        folder = tmp_path / str(number)
        folder.mkdir()
        for name, data in files().items():
            (folder / name).write_bytes(data)
        result = cli("ingest", *map(str, sorted(folder.iterdir())), "--network", NETWORK, "--lang", "fr")
        assert result.exit_code in (1, 2), (mistake, result.output)
        said = result.output.split("…", 1)[-1]  # after the line that says what is checked
        assert "Traceback" not in said and not english_words(said), (mistake, english_words(said), said)
        assert WHERE.search(said), (mistake, said)
        checked = cli("validate", *map(str, sorted(folder.iterdir())), "--network", NETWORK, "--lang", "fr")
        assert checked.exit_code in (1, 2) and not english_words(checked.output), (mistake, checked.output)
        assert WHERE.search(checked.output), (mistake, checked.output)
    assert cli("query", count, "--format", "csv").output == before
    sheet = next(tmp_path.glob("*/*.csv"))
    reference = "https://example.org/graph/ref"
    for refused in (cli("load", str(sheet), "--graph", reference, "--lang", "fr"),
                    cli("load", str(tmp_path / "absent.ttl"), "--graph", reference, "--lang", "fr"),
                    cli("load", str(sheet), "--graph", "pas une IRI", "--lang", "fr"),
                    cli("check", "--network", "Action Sociale", "--lang", "fr")):
        assert refused.exit_code != 0 and refused.output.startswith("erreur : "), refused.output
        assert not english_words(refused.output.removeprefix("erreur : ")), refused.output
