"""The upload page's confirmation publishes exactly the files its preview showed: the files travel in the page,
sealed with a key only the server holds; a confirmation whose files were edited after the preview is refused
(409, in the page's language) and nothing is published, while an untouched one publishes."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import zipfile

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore

NETWORK = "action-sociale-35"
FUNDING = "http://localhost:5000/id/funding/sceau-fin"


@pytest.fixture(scope="module")
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def fundings_with_a_new_row(client: FlaskClient) -> bytes:
    """The network's current fundings table, plus a funding of 3500 EUR (`sceau-fin`, in the table once)."""
    current = client.get("/sheets/current.zip", query_string={"network": NETWORK})
    assert current.status_code == 200
    with zipfile.ZipFile(io.BytesIO(current.data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("fundings.csv"))
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    header = rows[0]
    row = dict.fromkeys(header, "")
    row.update({header[0]: "sceau-fin", header[1]: rows[1][1], header[2]: rows[1][2], header[3]: "3500",
                header[4]: "EUR"})
    out = io.StringIO()
    kept = [r for r in rows if not r or r[0] != "sceau-fin"]  # a test before may have published it: one row each
    csv.writer(out).writerows([*kept, [row[h] for h in header]])
    return out.getvalue().encode("utf-8")


def preview(client: FlaskClient, token: str, data: bytes, row: str = "sceau-fin") -> dict[str, str]:
    """The hidden fields of the preview's confirmation form (of files adding the row)."""
    page = client.post("/sheets/csv?lang=en", data={"files": [(io.BytesIO(data), "fundings.csv")],
                                                    "credential": token}, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and row in text, text
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text)}


def amounts(client: FlaskClient, funding: str = FUNDING) -> list[str]:
    query = f"SELECT ?a WHERE {{ GRAPH ?g {{ <{funding}> ?p ?a FILTER(isLiteral(?a) && isNumeric(?a)) }} }}"
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"})
    return [b["a"]["value"] for b in answer.get_json()["results"]["bindings"]]


def tampered(fields: dict[str, str], old: bytes, new: bytes) -> dict[str, str]:
    files = json.loads(fields["pending"])
    edited = [[name, base64.b64encode(base64.b64decode(data).replace(old, new)).decode("ascii")]
              for name, data in files]
    assert edited != files
    return {**fields, "pending": json.dumps(edited)}


@pytest.mark.parametrize("lang, words", [("en", "The files changed since the preview: upload them again"),
                                         ("fr", "Les fichiers ont changé depuis l&#39;aperçu : déposez-les à "
                                                "nouveau")])
def test_a_confirmation_whose_files_were_edited_after_the_preview_is_refused_and_publishes_nothing(
        client: FlaskClient, token: str, lang: str, words: str) -> None:
    fields = preview(client, token, fundings_with_a_new_row(client))
    assert fields["confirm"] == "1" and fields["seal"]
    edited = tampered(fields, b",3500,", b",99999,")
    answer = client.post(f"/sheets/csv?lang={lang}", data=edited)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and words in text, text
    assert amounts(client) == []
    # a seal forged by the client (a plain hash of what it sends) is no better
    forged = {**edited, "seal": "0" * 64}
    assert client.post(f"/sheets/csv?lang={lang}", data=forged).status_code == 409
    assert client.post(f"/sheets/csv?lang={lang}", data={**edited, "seal": "sceau é"}).status_code == 409
    assert client.post(f"/sheets/csv?lang={lang}", data={**fields, "seal": "sceau é"}).status_code == 409
    without = {k: v for k, v in edited.items() if k != "seal"}
    assert client.post(f"/sheets/csv?lang={lang}", data=without).status_code == 409
    assert amounts(client) == []


def test_an_untouched_confirmation_publishes_what_was_previewed(client: FlaskClient, token: str) -> None:
    fields = preview(client, token, fundings_with_a_new_row(client))
    answer = client.post("/sheets/csv?lang=en", data=fields)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert [float(a) for a in amounts(client)] == [3500.0]


def test_a_confirmed_upload_that_changes_nothing_publishes_nothing(client: FlaskClient, token: str) -> None:
    """The network's current fundings table sent back as it is: no ingestion recorded, the dump's ETag kept."""
    with zipfile.ZipFile(io.BytesIO(client.get("/sheets/current.zip", query_string={"network": NETWORK}).data)) as z:
        same = z.read(next(n for n in z.namelist() if n.endswith("fundings.csv")))
    metadata = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://localhost:5000/graph/metadata> { ?s ?p ?o } }"

    def recorded() -> list[bytes]:
        return sorted(client.get("/sparql", query_string={"query": metadata},
                                 headers={"Accept": "application/n-triples"}).data.splitlines())

    before, dump = recorded(), client.get(f"/dumps/network/{NETWORK}.ttl").headers["ETag"]
    page = client.post("/sheets/csv?lang=en", data={"files": [(io.BytesIO(same), "fundings.csv")],
                                                    "credential": token}, content_type="multipart/form-data")
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.get_data(as_text=True))}
    answer = client.post("/sheets/csv?lang=en", data=fields)
    assert answer.status_code == 200 and "No change: the published data already" in answer.get_data(as_text=True)
    assert recorded() == before and client.get(f"/dumps/network/{NETWORK}.ttl").headers["ETag"] == dump


@pytest.mark.parametrize("lang, words", [("en", "The preview was made with another network&#39;s token"),
                                         ("fr", "L&#39;aperçu a été fait avec le jeton d&#39;un autre réseau")])
def test_a_confirmation_with_another_networks_token_says_so_and_publishes_nothing(
        client: FlaskClient, credentials: CredentialStore, token: str, lang: str, words: str) -> None:
    """The files are those previewed, but the token is another network's: the page says which is wrong (it said
    the files had changed), and nothing is published for either network."""
    other = credentials.add("fcsf", "FCSF")
    row = f"sceau-jeton-{lang}"
    fields = preview(client, token, fundings_with_a_new_row(client).replace(b"sceau-fin", row.encode()), row)
    answer = client.post(f"/sheets/csv?lang={lang}", data={**fields, "credential": other})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and words in text and "changed since" not in text, text
    edited = tampered(fields, b",3500,", b",99999,")  # files edited too: they are what is wrong
    assert "The files changed" in client.post("/sheets/csv?lang=en", data={**edited, "credential": other}).get_data(
        as_text=True)
    assert amounts(client, FUNDING.replace("sceau-fin", row)) == []
