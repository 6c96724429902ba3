"""Workbooks larger than a sheet may be (a cell far away, a row repeated a million times, a zip bomb) are refused
before they are unpacked: each read in a Python process of its own, as a workbook read whole would take the process
down with it."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from tests.support import paths

ROOT = paths.ROOT
FIXTURES = ROOT / "tests" / "data" / "sheets"


def far_cell_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "lessons"
    sheet["A1"] = "enseignement"
    sheet.cell(row=1_048_576, column=16_384, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def repeated_ods() -> bytes:
    source = (FIXTURES / "action-sociale-35.ods").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content.xml":  # one filled row, repeated a million times
                data = data.replace(b"<table:table-row ", b'<table:table-row table:number-rows-repeated="1000000" ', 1)
            copy.writestr(info, data)
    return out.getvalue()


def zip_bomb_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * 200_000_000 + b"</worksheet>")
    return out.getvalue()


READ_ONE = """
import sys
from pathlib import Path
from isic_graph.errors import IsicError
from isic_graph.ingest.documents import Document
from isic_graph.ingest.reading import read_batch
from isic_graph.rdf.formats import format_for_path
path = Path(sys.argv[1])
try:
    read_batch([Document(path.name, path.read_bytes(), format_for_path(path))], "http://localhost:5000/")
except IsicError as exc:
    print(exc.status, exc.message)
"""


@pytest.mark.parametrize("name, build, message", [
    ("far.xlsx", far_cell_xlsx, "a cell at XFD1048576 lies past 10000 rows of 64 columns"),
    ("repeated.ods", repeated_ods, "a sheet has more than 10000 rows"),
    ("bomb.xlsx", zip_bomb_xlsx, "unpacks to more than"),
])
def test_a_workbook_larger_than_a_sheet_may_be_is_refused_before_it_is_unpacked(tmp_path: Path, name: str,
                                                                                  build: Callable[[], bytes],
                                                                                  message: str) -> None:
    """Read in a process of its own: a workbook read whole would take the process down with it."""
    path = tmp_path / name
    path.write_bytes(build())
    assert len(path.read_bytes()) < 1_000_000
    done = subprocess.run([sys.executable, "-c", READ_ONE, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("413 ") and message in done.stdout, done.stdout
