"""Write the sheet fixtures as a spreadsheet program writes them: LibreOffice Calc, headless, in a French locale.

Run from the repository root (needs Debian's libreoffice-calc; the tests only read what it wrote):

    python tests/data/sheets/make.py

From the sample network's CSV files, a workbook is first made with openpyxl, its columns in the reverse
order of the template in every sheet (so `confirme` and `contredit`, `description` and `genese`… change
places), its dates typed and shown as JJ/MM/AAAA, its amounts typed and shown with thousands separators.
LibreOffice then writes, in the fr-FR locale:
- libreoffice-cp1252/*.csv: « CSV (séparateur : point-virgule) » as French Excel writes it: semicolons,
  Windows-1252, amounts `3 500,00` with a no-break space, dates `15/09/2014`;
- libreoffice-utf8-bom/*.csv: the same in UTF-8, with the byte-order mark « CSV UTF-8 » has (LibreOffice
  writes none: it is added here);
- action-sociale-35.ods, and action-sociale-35.xlsx saved again by LibreOffice from it;
- libreoffice-long-dates/*.csv: dates shown as `15 septembre 2014`, amounts as `3 500,00 €` (Windows-1252,
  semicolons); libreoffice-short-years/*.csv: dates shown as `15/09/14`, amounts as `3500,00` (UTF-8).
"""

from __future__ import annotations

import csv
import datetime
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLE = ROOT / "samples" / "action-sociale-35"
DATES = {"date_fiche", "date_debut", "date_fin"}
AMOUNTS = {"montant"}
CSV_FILTER = "Text - txt - csv (StarCalc)"
# separator ;, quote ", character set, header line 1, …, language fr-FR, …, cells as shown, every sheet
CSV_OPTIONS = "59,34,{charset},1,,1036,false,true,true,false,false,-1"


def workbook(path: Path, date_format: str = "DD/MM/YYYY", amount_format: str = "#,##0.00") -> None:
    book = Workbook()
    book.remove(book.active)
    for table in sorted(SAMPLE.glob("*.csv")):
        rows = list(csv.reader(table.open(encoding="utf-8")))
        order = list(reversed(range(len(rows[0]))))
        sheet = book.create_sheet(table.stem)
        for r, row in enumerate(rows, start=1):
            for c, i in enumerate(order, start=1):
                value: object = row[i] if i < len(row) else ""
                header = rows[0][i]
                if r > 1 and value and header in DATES:
                    value = datetime.date.fromisoformat(str(value))
                elif r > 1 and value and header in AMOUNTS:
                    value = float(str(value))
                cell = sheet.cell(row=r, column=c, value=value if value != "" else None)
                if isinstance(value, datetime.date):
                    cell.number_format = date_format
                elif isinstance(value, float):
                    cell.number_format = amount_format
    book.save(path)


def soffice(profile: Path, target: str, source: Path, out: Path) -> None:
    env = {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"}
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(out), str(source)], check=True, env=env, capture_output=True, timeout=120)


VARIANTS = {  # folder: (date format, amount format, character set)
    "libreoffice-long-dates": ("D MMMM YYYY", '#,##0.00 [$€-40C]', "1"),
    "libreoffice-short-years": ("DD/MM/YY", "0.00", "76"),
}


def variants() -> None:
    """The exports whose dates and amounts LibreOffice shows in other French ways."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, (dates, amounts, charset) in VARIANTS.items():
            source = work / name / "action-sociale-35.xlsx"
            source.parent.mkdir()
            workbook(source, dates, amounts)
            out = work / name / "out"
            soffice(work / "profile", f"csv:{CSV_FILTER}:{CSV_OPTIONS.format(charset=charset)}", source, out)
            target = HERE / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            for written in out.glob("*.csv"):
                (target / written.name.removeprefix("action-sociale-35-")).write_bytes(written.read_bytes())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        profile = work / "profile"
        source = work / "action-sociale-35.xlsx"
        workbook(source)
        for name, charset in (("libreoffice-cp1252", "1"), ("libreoffice-utf8-bom", "76")):
            out = work / name
            soffice(profile, f"csv:{CSV_FILTER}:{CSV_OPTIONS.format(charset=charset)}", source, out)
            target = HERE / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            for written in out.glob("*.csv"):
                table = written.name.removeprefix("action-sociale-35-")
                data = written.read_bytes()
                (target / table).write_bytes(b"\xef\xbb\xbf" + data if charset == "76" else data)
        soffice(profile, "ods", source, work / "ods")
        shutil.copy(work / "ods" / "action-sociale-35.ods", HERE / "action-sociale-35.ods")
        soffice(profile, "xlsx:Calc MS Excel 2007 XML", HERE / "action-sociale-35.ods", work / "xlsx")
        shutil.copy(work / "xlsx" / "action-sociale-35.xlsx", HERE / "action-sociale-35.xlsx")


if __name__ == "__main__":
    main()
    variants()
