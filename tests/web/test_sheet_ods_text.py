"""An .ods cell's text is read whole: the workbook reader (calamine) reads a line break (`<text:line-break/>`,
which a text pasted into a cell or another program's export holds) and a tab (`<text:tab/>`) inside a paragraph
as nothing, which glued the words on either side with no word said; they are read as a new line and a tab, as
a cell's paragraphs are read one to a line."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient

from isic_graph.admin.credentials import CredentialStore
from isic_graph.errors import DocumentTooLarge, Unreadable
from isic_graph.ingest.documents import Document, format_for_path
from isic_graph.ingest.spreadsheets import raw_tables
from tests.conftest import BASE, bearer
from tests.support.sheet_mistakes import NETWORK, sample
from tests.support.sheet_variants import _ods, with_content

MARK = "CELL-TEXT"
# a cell's content as an .ods holds it, and the text it reads to
CELLS = [
    ("<text:p>Ligne un<text:line-break/>Ligne deux</text:p>", "Ligne un\nLigne deux"),
    ("<text:p>Colonne un<text:tab/>Colonne deux</text:p>", "Colonne un\tColonne deux"),
    ('<text:p><text:span text:style-name="T1">un<text:line-break/>deux</text:span> trois</text:p>',
     "un\ndeux trois"),
    ('<text:p>un<text:s text:c="3"/>deux<text:line-break/>trois</text:p>', "un   deux\ntrois"),
    ('<text:p>voir <text:a xlink:href="https://exemple.fr">le site<text:line-break/>ici</text:a></text:p>',
     "voir le site\nici"),
    ("<text:p>un<text:line-break/></text:p><text:p>deux</text:p>", "un\n\ndeux"),
    ("<office:annotation><text:p>une note</text:p></office:annotation><text:p>un<text:tab/>deux</text:p>",
     "un\tdeux"),
    ("<text:p>un<text:soft-page-break/>deux<text:line-break/>trois</text:p>", "undeux\ntrois"),
]
NAMESPACES = ('xmlns:xlink="http://www.w3.org/1999/xlink" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def with_cells(data: bytes, cells: dict[str, str]) -> bytes:
    """The .ods with each text of its content.xml (a string cell's paragraph `<text:p>CELL-TEXT-0</text:p>`, a
    row) replaced by what it maps to, links' namespace declared."""
    return with_content(data, {'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"': NAMESPACES, **cells})


def read(data: bytes) -> list[tuple[str, ...]]:
    [table] = raw_tables(Document("t.ods", data, format_for_path("t.ods")))
    return [row for _, row in table.rows]


def test_line_breaks_and_tabs_in_a_cell_are_read_as_a_new_line_and_a_tab() -> None:
    rows = [["un", *(f"{MARK}-{i}" for i in range(len(CELLS)))], ["deux", "fin"]]
    marks = {f"<text:p>{MARK}-{i}</text:p>": content for i, (content, _) in enumerate(CELLS)}
    data = with_cells(_ods({"t.csv": rows}), marks)
    assert read(data) == [("un", *(text for _, text in CELLS)), ("deux", "fin")]


def test_a_repeated_cell_or_row_holding_one_is_read_whole_at_each_place() -> None:
    content = ('<table:table-row table:number-rows-repeated="2"><table:table-cell/>'
               '<table:table-cell table:number-columns-repeated="2" office:value-type="string">'
               "<text:p>a<text:line-break/>b</text:p></table:table-cell><table:table-cell "
               'office:value-type="string"><text:p>c</text:p></table:table-cell></table:table-row>')
    data = _ods({"t.csv": [["x", "y", "z", "w"], [MARK]]})
    data = with_cells(data, {f'<table:table-row><table:table-cell office:value-type="string"><text:p>{MARK}'
                             "</text:p></table:table-cell></table:table-row>": content})
    assert read(data) == [("x", "y", "z", "w"), ("", "a\nb", "a\nb", "c"), ("", "a\nb", "a\nb", "c")]


def test_a_cell_without_one_reads_as_before() -> None:
    rows = [["titre", "description"], ["Un projet", "Un  texte, deux paragraphes"]]
    assert read(_ods({"t.csv": rows})) == [("titre", "description"), ("Un projet", "Un  texte, deux paragraphes")]


@pytest.fixture
def token(credentials: CredentialStore) -> str:
    return credentials.add(NETWORK, "Action sociale 35")


def test_a_description_with_a_line_break_is_published_with_it(client: FlaskClient, token: str) -> None:
    tables = {name: [list(row) for row in rows] for name, rows in sample().items()}
    projects = tables["projects.csv"]
    at = projects[0].index("description")
    projects[1][at] = MARK
    data = with_cells(_ods(tables), {f"<text:p>{MARK}</text:p>": "<text:p>Un temps d'échange mensuel."
                                     "<text:line-break/>Deux animatrices.<text:tab/>Gratuit.</text:p>"})
    response = client.post(f"/api/networks/{NETWORK}/sheets", data={"files": [(io.BytesIO(data), "fiche.ods")]},
                           headers=bearer(token), content_type="multipart/form-data")
    assert response.status_code in (200, 201), response.json
    query = (f"SELECT ?d WHERE {{ GRAPH <{BASE}graph/network/{NETWORK}> {{ <{BASE}id/project/{projects[1][0]}> "
             "<http://purl.org/dc/terms/description> ?d } }")
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"})
    values = [b["d"]["value"] for b in json.loads(answer.data)["results"]["bindings"]]
    assert values == ["Un temps d'échange mensuel.\nDeux animatrices.\tGratuit."]


def one_row(row: str) -> bytes:
    """An .ods of a header row and the given row (its XML)."""
    marker = (f'<table:table-row><table:table-cell office:value-type="string"><text:p>{MARK}</text:p>'
              "</table:table-cell></table:table-row>")
    return with_cells(_ods({"t.csv": [["x", "y"], [MARK]]}), {marker: row})


@pytest.mark.parametrize("repeats", ['table:number-rows-repeated="300000000"',
                                     'table:number-columns-repeated="300000000"'])
def test_a_cell_repeated_past_the_limits_is_refused_before_its_text_is_kept(repeats: str) -> None:
    """Its text was kept at each of its places before the limits were checked: a file of 850 bytes took gigabytes."""
    row_attribute, cell_attribute = (repeats, "") if "rows" in repeats else ("", repeats)
    data = one_row(f'<table:table-row {row_attribute}><table:table-cell {cell_attribute} office:value-type="string">'
                   "<text:p>a<text:line-break/>b</text:p></table:table-cell></table:table-row>")
    assert len(data) < 2_000
    with pytest.raises(DocumentTooLarge):
        read(data)


def test_a_number_or_a_date_with_a_note_of_several_lines_keeps_its_value() -> None:
    """The line breaks of a cell's note (<office:annotation>) made its shown text replace its value."""
    note = "<office:annotation><text:p>note<text:line-break/>deux</text:p></office:annotation>"
    data = one_row(f'<table:table-row><table:table-cell office:value-type="float" office:value="1234.5">{note}'
                   '<text:p>1 234,50 €</text:p></table:table-cell><table:table-cell office:value-type="date" '
                   f'office:date-value="2024-03-12">{note}<text:p>12/03/24</text:p></table:table-cell>'
                   "</table:table-row>")
    assert read(data) == [("x", "y"), ("1234.5", "2024-03-12")]


@pytest.mark.parametrize("spaces", [' text:c="99999999"', ' text:c="40000"'])
def test_spaces_past_what_a_sheet_holds_are_refused_before_the_reader_makes_them(spaces: str) -> None:
    """calamine writes `<text:s text:c="n"/>` as n spaces: thousands of them aborted the whole process."""
    cell = f"<text:p>a{f'<text:s{spaces}/>' * 2_000}b</text:p>"
    data = one_row(f'<table:table-row><table:table-cell office:value-type="string">{cell}</table:table-cell>'
                   "</table:table-row>")
    with pytest.raises(DocumentTooLarge):
        read(data)


@pytest.mark.parametrize("size", [1_000, 3_000])
def test_a_short_text_repeated_over_rows_and_columns_is_refused_before_the_reader_copies_it(size: int) -> None:
    """9,000 rows of 60 cells repeating one text: 850 bytes that the reader made into gigabytes of cells (the
    server's process died; with a text of 1,000 characters, it was taken after 5 s and 1.7 GB)."""
    data = one_row('<table:table-row table:number-rows-repeated="9000"><table:table-cell office:value-type="string" '
                   f'table:number-columns-repeated="60"><text:p>{"x" * size}</text:p></table:table-cell>'
                   "</table:table-row>")
    assert len(data) < 2_000
    with pytest.raises(DocumentTooLarge, match="write each row once"):
        read(data)


@pytest.mark.parametrize("count", ["-5", " 3", "x", "0", "²"])
def test_a_space_counted_otherwise_than_by_a_whole_number_is_refused_naming_it(count: str) -> None:
    data = one_row(f'<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="{count}"/>'
                   "b</text:p></table:table-cell></table:table-row>")
    with pytest.raises(Unreadable, match=f'text:c="{count}"'):
        read(data)
