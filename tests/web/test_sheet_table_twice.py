"""A table sent twice in one submission (`fundings.csv` and `fundings (1).csv`, an old file and its second download
picked together; a workbook's sheet and a CSV of the same table; two files of one name, from two folders) was read
as one table of both files' rows: a row deleted from the new file was kept from the old one, and the dry run said
"no change". It is refused, naming both files and the table, in French and English, through every way in; nothing
is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.config import Settings
from tests.conftest import bearer
from tests.support import paths
from tests.support.oxigraph_server import Watched
from tests.support.sheet_mistakes import NETWORK, SAMPLE, sample, written
from tests.unit import test_cli

cli = test_cli.cli  # the fixture: the commands, on a store made afresh for each test


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def without_last_row(table: str) -> bytes:
    rows = sample()[table]
    return written(rows[:-1])


Files = list[tuple[str, bytes]]  # (file name, bytes): two files may have one name
Pair = tuple[str, Files, str, str]  # what it is, the files, the table, the name of its 2nd copy


def pairs() -> list[Pair]:
    """Submissions holding one table twice, with the sample's other tables."""
    whole = [(name, (SAMPLE / name).read_bytes()) for name in sample()]
    workbook = (paths.ROOT / "tests" / "data" / "sheets" / f"{NETWORK}.xlsx").read_bytes()
    return [
        ("second download", [*whole, ("fundings (1).csv", without_last_row("fundings.csv"))], "fundings.csv",
         "fundings (1).csv"),
        ("french name", [*whole, ("Financements.csv", without_last_row("fundings.csv"))], "fundings.csv",
         "Financements.csv"),
        ("same content", [*whole, ("projects - copie.csv", dict(whole)["projects.csv"])], "projects.csv",
         "projects - copie.csv"),
        ("workbook and csv", [("fiche.xlsx", workbook), ("lessons.csv", dict(whole)["lessons.csv"])],
         "lessons.csv", "lessons.csv"),
        ("same name, new then old", [*[f for f in whole if f[0] != "fundings.csv"], ("fundings.csv", without_last_row(
            "fundings.csv")), ("fundings.csv", dict(whole)["fundings.csv"])], "fundings.csv", "fundings.csv"),
        ("two workbooks of one name", [("fiche.xlsx", workbook), ("fiche.xlsx", workbook)], "projects", "fiche.xlsx"),
    ]


PAIRS = pairs()
IDS = [case for case, *_ in PAIRS]


def parts(files: Files) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for name, data in files]


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "write"])
@pytest.mark.parametrize(("case", "files", "table", "second"), PAIRS, ids=IDS)
def test_the_api_refuses_a_table_sent_twice_naming_both_files(client: FlaskClient, token: str, seen: Watched,
                                                             case: str, files: Files, table: str,
                                                             second: str, dry_run: bool) -> None:
    before = seen.now()
    for lang, words in (("fr", "chaque tableau est envoyé une seule fois"), ("en", "each table is sent once")):
        answer = client.post(f"/api/networks/{NETWORK}/sheets", query_string={"dry-run": "1"} if dry_run else {},
                             data={"files": parts(files)}, content_type="multipart/form-data",
                             headers={**bearer(token), "Accept-Language": lang})
        assert answer.status_code == 422, (case, answer.get_data(as_text=True)[:600])
        text = answer.get_data(as_text=True)
        assert words in text and second in text and table in text, (case, text[:1500])
    assert before.unchanged()


def test_a_table_sent_once_under_a_copys_name_is_read(client: FlaskClient, token: str) -> None:
    """The copy's name alone is the table (a second download sent without the first): read as before."""
    files = [("fundings (1).csv" if name == "fundings.csv" else name, (SAMPLE / name).read_bytes())
             for name in sample()]
    answer = client.post(f"/api/networks/{NETWORK}/sheets", query_string={"dry-run": "1"},
                         data={"files": parts(files)}, content_type="multipart/form-data", headers=bearer(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:600]


@pytest.mark.parametrize(("case", "files", "table", "second"), [PAIRS[0], PAIRS[1], PAIRS[4]],
                         ids=[IDS[0], IDS[1], IDS[4]])
def test_the_upload_page_refuses_a_table_sent_twice_in_french(client: FlaskClient, token: str, seen: Watched,
                                                             case: str, files: Files, table: str,
                                                             second: str) -> None:
    before = seen.now()
    page = client.post("/sheets/csv", data={"files": parts(files), "credential": token},
                       content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 422, (case, text[text.find("<main"):][:1500])
    assert "chaque tableau est envoyé une seule fois" in text and second in text and table in text
    assert 'name="confirm"' not in text  # nothing to confirm
    assert before.unchanged()


def test_the_cli_refuses_a_table_sent_twice(cli, settings: Settings,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    _, files, _, _ = PAIRS[0]
    folder = tmp_path / "sheet"
    folder.mkdir()
    for name, data in files:
        (folder / name).write_bytes(data)
    before = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").output
    sent = [str(p) for p in sorted(folder.iterdir())]
    for extra in (["--dry-run"], []):
        done = cli("ingest", *sent, "--network", NETWORK, "--lang", "fr", *extra)
        assert done.exit_code == 1, done.output
        assert "chaque tableau est envoyé une seule fois" in done.output and "fundings (1).csv" in done.output
    assert cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").output == before


def test_the_cli_refuses_two_files_of_one_name_from_two_folders(cli, settings: Settings,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    """`ingest new/fundings.csv old/fundings.csv`: the old file's rows would come back."""
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    (tmp_path / "new" / "fundings.csv").write_bytes(without_last_row("fundings.csv"))
    (tmp_path / "old" / "fundings.csv").write_bytes((SAMPLE / "fundings.csv").read_bytes())
    before = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").output
    for lang, words in (("fr", "chaque tableau est envoyé une seule fois"), ("en", "each table is sent once")):
        done = cli("ingest", str(tmp_path / "new" / "fundings.csv"), str(tmp_path / "old" / "fundings.csv"),
                   "--network", NETWORK, "--lang", lang)
        assert done.exit_code == 1, done.output
        assert words in done.output and "fundings.csv" in done.output, done.output
    assert cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").output == before
