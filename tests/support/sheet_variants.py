"""The sample network's sheet written again as spreadsheets and people write it, in many ways that all mean the
same: separators, encodings, line ends, column orders, column titles (labels, case, accents, spaces), dates
(12/03/2015, 12/03/15, 12 mars 2015…), amounts (3 500,00 €), yes/no words, thesaurus labels, spaces around `|`,
blank rows, and .xlsx / .ods workbooks with typed cells. Each variant must publish exactly the sample's graph."""

from __future__ import annotations

import datetime
import io
import random
import zipfile
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook

from isic_graph.ingest.sheetmodel import Column, table_named
from isic_graph.ingest.tabular import title_aliases
from isic_graph.ingest.vocabulary import plain, schemes
from tests.support import paths
from tests.support.sheet_mistakes import sample, written

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
DATES: dict[str, Callable[[datetime.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "slashes": lambda d: d.strftime("%d/%m/%Y"),
    "short year": lambda d: d.strftime("%d/%m/%y"),
    "no zeros": lambda d: f"{d.day}/{d.month}/{d.year}",
    "words": lambda d: f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}",
    "short words": lambda d: f"{d.day} {SHORT_MONTHS[d.month - 1]} {d.year}",
    "dots": lambda d: d.strftime("%d.%m.%Y"),
    "capital words": lambda d: f"{d.day} {MONTHS[d.month - 1].capitalize()} {d.year}",
}
AMOUNTS: dict[str, Callable[[float], str]] = {
    "plain": lambda a: f"{a:.2f}",
    "comma": lambda a: f"{a:.2f}".replace(".", ","),
    "thousands": lambda a: f"{a:,.2f}".replace(",", " ").replace(".", ","),
    "no-break euro": lambda a: f"{a:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0€",
    "whole euro": lambda a: f"{a:,.0f}".replace(",", " ") + " €",
    "EUR": lambda a: f"{a:.0f} EUR",
}
FRENCH = {"network": "Réseau", "territories": "Territoires", "organisations": "Organisations", "projects": "Projets",
          "lessons": "Enseignements", "partners": "Partenaires", "fundings": "Financements",
          "groups": "Groupes d'usagers", "roles": "Rôles", "committees": "Comités de pilotage",
          "participations": "Participations", "milestones": "Jalons", "activities": "Activités",
          "evaluations": "Évaluations", "contributions": "Contributions en nature",
          "family-aid": "Aides aux familles", "resources": "Ressources"}
NAMES: dict[str, Callable[[str], str]] = {
    "plain": lambda table: table,
    "french": lambda table: FRENCH[table],
    "copies": lambda table: f"{table} (1)",
    "prefixed": lambda table: f"fiche-isic-{table}",
    "upper": lambda table: table.upper(),
}
FIXTURES = paths.ROOT / "tests" / "data" / "sheets"
BOOLEANS = {"oui": ("oui", "non"), "Oui": ("Oui", "Non"), "VRAI": ("VRAI", "FAUX"), "true": ("true", "false"),
            "1": ("1", "0"), "vrai": ("vrai", "faux")}


@dataclass(frozen=True)
class Variant:
    """One way of writing the sample's sheet."""

    fmt: str = "csv"  # csv, xlsx, ods
    separator: str = ","
    encoding: str = "utf-8"  # utf-8, utf-8-sig, cp1252
    line_end: str = "\r\n"
    order: str = "same"  # same, reversed, shuffled
    titles: str = "codes"  # codes, upper, labels, spaced, accents
    dates: str = "iso"
    amounts: str = "plain"
    booleans: str = "oui"
    concepts: str = "code"  # code, fr, en, shouted
    bars: str = "|"
    blanks: str = "none"  # none, trailing, between
    tables: tuple[str, ...] = ()  # () for all
    names: str = "plain"  # how the files (or a workbook's sheets) are named: plain, french, copies, prefixed, upper
    above: str = "none"  # rows above the column titles: none, title (a title row), groups (merged group cells)

    @property
    def name(self) -> str:
        return "-".join(str(v) if not isinstance(v, tuple) else "+".join(v) or "all" for v in vars(self).values()) \
            .replace("\t", "tab").replace("\r\n", "crlf").replace("\n", "lf")


def variants() -> list[Variant]:
    """Over forty variants: each option of each dimension appears, in combination with the others."""
    dims = {"separator": [",", ";", "\t"], "encoding": ["utf-8", "utf-8-sig", "cp1252"], "line_end": ["\r\n", "\n"],
            "order": ["same", "reversed", "shuffled"], "titles": ["codes", "upper", "labels", "spaced", "accents"],
            "dates": list(DATES), "amounts": list(AMOUNTS), "booleans": list(BOOLEANS),
            "concepts": ["code", "fr", "en", "shouted"], "bars": ["|", " | ", "| "],
            "blanks": ["none", "trailing", "between"], "names": list(NAMES), "above": ["none", "title", "groups"]}
    found = []
    for k in range(36):
        picked = {dim: options[(k * (i + 1) + k // len(options)) % len(options)] for i, (dim, options)
                  in enumerate(dims.items())}
        found.append(Variant(**picked))
    for k, fmt in enumerate(["xlsx", "ods"] * 4):
        found.append(Variant(fmt=fmt, order=["same", "reversed", "shuffled"][k % 3],
                             titles=["codes", "labels", "upper", "spaced"][k % 4],
                             dates=["typed", "slashes", "words", "typed"][k % 4],
                             amounts=["typed", "thousands", "typed", "no-break euro"][k % 4],
                             booleans=["typed", "Oui", "VRAI", "typed"][k % 4], concepts=["code", "fr", "en"][k % 3],
                             blanks=["none", "trailing"][k % 2], names=list(NAMES)[k % len(NAMES)],
                             above=["none", "title", "groups"][k % 3]))
    found += [Variant(tables=("lessons.csv",), concepts="fr"), Variant(tables=("fundings.csv", "projects.csv"),
                                                                       separator=";", encoding="cp1252",
                                                                       amounts="no-break euro", dates="words"),
              Variant(tables=("partners.csv", "organisations.csv"), booleans="VRAI", titles="labels")]
    return found


def _title(column: Column | None, header: str, how: str, aliases: dict[str, str]) -> str:
    label = (column.names.get("fr") if column is not None else None) or header
    label = label if aliases.get(plain(label)) == header else header  # an ambiguous label titles no column
    return {"codes": header, "upper": header.upper(), "labels": label, "spaced": f"  {label.lower()} ",
            "accents": header.replace("genese", "genèse").replace("enonce", "énoncé").replace("categorie", "catégorie")
            .replace("modalites", "modalités").replace("reseau", "réseau").capitalize()}[how]


def _value(column: Column | None, cell: str, v: Variant) -> object:
    """A cell as the variant writes it (a typed value for typed workbook cells)."""
    if column is None or not cell:
        return cell
    if column.kind == "date":
        day = datetime.date.fromisoformat(cell)
        return day if v.dates == "typed" else DATES[v.dates](day)
    if column.kind == "decimal":
        return float(cell) if v.amounts == "typed" else AMOUNTS[v.amounts](float(cell))
    if column.kind == "boolean":
        value = cell.casefold() in ("oui", "true", "vrai", "1")
        return value if v.booleans == "typed" else BOOLEANS[v.booleans][0 if value else 1]
    if column.kind == "concept" and v.concepts != "code":
        scheme = schemes().get(column.scheme or "")
        parts = [p.strip() for p in cell.split("|")] if column.multiple else [cell]
        shown = []
        for part in parts:
            concept = scheme.find(part) if scheme else None
            word = part
            if concept is not None and v.concepts in ("fr", "en") and scheme is not None:
                label = concept.label(v.concepts)
                word = label if scheme.find(label) == concept else part
            elif v.concepts == "shouted":
                word = part.upper()
            shown.append(word)
        return v.bars.join(shown)
    if column.multiple and "|" in cell:
        return v.bars.join(p.strip() for p in cell.split("|"))
    return cell


def tables(v: Variant) -> dict[str, list[list[object]]]:
    """The variant's tables: rows of values, the title row first."""
    found: dict[str, list[list[object]]] = {}
    for name, rows in sample().items():
        if v.tables and name not in v.tables:
            continue
        table = table_named(name)
        assert table is not None
        by_header = {c.header: c for c in table.columns}
        header = rows[0]
        order = list(range(len(header)))
        if v.order == "reversed":
            order.reverse()
        elif v.order == "shuffled":
            random.Random(name).shuffle(order)
        aliases = title_aliases(table)
        out: list[list[object]] = [[_title(by_header.get(header[i]), header[i], v.titles, aliases) for i in order]]
        for row in rows[1:]:
            out.append([_value(by_header.get(header[i]), row[i] if i < len(row) else "", v) for i in order])
            if v.blanks == "between":
                out.append([""] * len(order))
        if v.blanks in ("trailing", "between"):
            out += [[""] * len(order)] * 3
        width = len(order)
        if v.above == "title" or v.above == "groups" and width < 4:  # a group merges two cells at least
            out = [[f"Fiche de collecte : {name.removesuffix('.csv')}"] + [""] * (width - 1), [""] * width, *out]
        elif v.above == "groups":  # cells merged over the columns they group: the first one holds the text
            out = [["Identification"] + [""] * (width // 2 - 1) + ["Contenu"] + [""] * (width - width // 2 - 1), *out]
        found[name] = out
    return found


def files(v: Variant) -> dict[str, bytes]:
    """The files a person would upload for the variant."""
    found = {NAMES[v.names](name.removesuffix(".csv")) + ".csv": rows for name, rows in tables(v).items()}
    if v.fmt == "xlsx":
        return {"fiche.xlsx": _xlsx(found)}
    if v.fmt == "ods":
        return {"fiche.ods": _ods(found)}
    out = {}
    for name, rows in found.items():
        data = written([[str(c) for c in r] for r in rows], v.separator, v.encoding)
        out[name] = data.replace(b"\r\n", v.line_end.encode())
    return out


def _xlsx(found: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in found.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=value if value != "" else None)
                if isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods_cell(value: object) -> str:
    if value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                f"<text:p>{'VRAI' if value else 'FAUX'}</text:p></table:table-cell>")
    if isinstance(value, datetime.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.strftime('%d/%m/%Y')}</text:p></table:table-cell>")
    if isinstance(value, float):
        return (f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value:.2f}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def _ods(found: dict[str, list[list[object]]]) -> bytes:
    """An OpenDocument spreadsheet with typed cells, written as LibreOffice lays one out (the parts it needs)."""
    sheets = "".join(f"<table:table table:name={quoteattr(name.removesuffix('.csv'))}>"
                     + "".join("<table:table-row>" + "".join(_ods_cell(c) for c in row) + "</table:table-row>"
                               for row in rows) + "</table:table>" for name, rows in found.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
               f"<office:body><office:spreadsheet>{sheets}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_content(data: bytes, replaced: dict[str, str]) -> bytes:
    """The .ods with each text of its content.xml that `replaced` names (a cell, a row, a namespace declaration)
    replaced by what it maps to, its other parts as they were."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "content.xml":
                text = part.decode()
                for mark, content in replaced.items():
                    text = text.replace(mark, content)
                part = text.encode()
            target.writestr(info, part)
    return out.getvalue()


def libreoffice_exports() -> dict[str, dict[str, bytes]]:
    """The sample's sheet as LibreOffice Calc wrote it in a French locale (tests/data/sheets/make.py): CSV
    folders (semicolons; Windows-1252 or UTF-8; dates as 15/09/2014, 15 septembre 2014 or 15/09/14; amounts as
    3 500,00 or 3 500,00 €) and the .ods and .xlsx workbooks."""
    found = {folder.name: {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
             for folder in sorted(FIXTURES.glob("libreoffice-*")) if folder.is_dir()}
    found.update({p.name: {p.name: p.read_bytes()} for p in sorted(FIXTURES.glob("*.ods")) + sorted(FIXTURES.glob(
        "*.xlsx"))})
    return found


def cases() -> list[tuple[str, dict[str, bytes]]]:
    """Every way of writing the sample's sheet: the generated variants and LibreOffice's own exports."""
    return [(v.name, files(v)) for v in variants()] + sorted(libreoffice_exports().items())


__all__ = ["Variant", "cases", "files", "libreoffice_exports", "tables", "variants"]
