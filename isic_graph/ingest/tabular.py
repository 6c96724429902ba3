"""Collection sheets to RDF: each table read by its header, through the sheet model (ingest/sheetmodel.py).

Columns may come in any order; a column the model does not know is refused with the closest known
name, a missing required column by its name, and optional columns may be left out. Cells are read
as spreadsheets write them: values trimmed (around `|` too), dates as AAAA-MM-JJ or JJ/MM/AAAA,
amounts as French Excel writes them (`2 500,50 €`), yes/no in French or English, thesaurus values
by code or label (vocabulary.py). Every problem of the submission is gathered, each once, and the
sheet is refused as a whole (SheetRefused), before anything is validated or stored.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote, unquote, urljoin

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import DocumentTooLarge, SheetRefused
from isic_graph.ingest.documents import LIMITS, Document, DocumentLimits
from isic_graph.ingest.lexical import EXPECTED, refusal, typed_number
from isic_graph.ingest.lexical import lexical as _lexical
from isic_graph.ingest.listing import split
from isic_graph.ingest.sheetmodel import Column, Table, table_named, tables
from isic_graph.ingest.sheetproblems import Problems
from isic_graph.ingest.spreadsheets import (
    ERROR_VALUE,
    TEMPLATE_SHEETS,
    RawTable,
    Unreadable,
    formula_unquoted,
    raw_tables,
)
from isic_graph.ingest.vocabulary import plain, schemes
from isic_graph.privacy import address_in_identifier, personal_data
from isic_graph.rdf import resources
from isic_graph.rdf.iris import host_problem, lookalike_key
from isic_graph.rdf.namespaces import ISIC, RDF_TYPE, XSD
from isic_graph.validation.validator import Location

TEMPLATE = re.compile(r"\{(\+?)([^}]*)\}")
TEMPLATE_NAMES = re.compile(r"\{\+?([^}]*)\}")
SEPARATORS = re.compile(r"[-_]+")
# An identifier a cell gives (a row's, or what a cell names): what this instance's IRIs are made of, so that a
# cell never becomes an IRI no other cell, page or peer writes the same way (`Asso Pirate.`, `café-rennes`).
NAME = r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
IDENTIFIER = re.compile(NAME)
RESOURCE_PATH = re.compile(rf"[a-z][a-z-]*(?:/{NAME})+(?:#[A-Za-z0-9_-]+)?")  # `project/x`, `territory/commune/35238`
NAME_RULE = ("un identifiant ne contient que des lettres sans accent, des chiffres, des tirets (-) et des tirets bas "
             "(_), sans espace ni ponctuation ; il commence par une lettre ou un chiffre et ne finit pas par un tiret",
             "an identifier holds only unaccented letters, digits, hyphens (-) and underscores (_), with no space or "
             "punctuation; it starts with a letter or a digit and does not end with a hyphen")
SEPARATOR_NAMES = {",": ("virgules", "commas"), ";": ("points-virgules", "semicolons"), "\t": ("tabulations", "tabs")}


def identifier_problem(cell: str) -> tuple[str, str]:
    """What is wrong with an identifier a cell gives, with the one it could be (none when the cell holds personal
    data, which the one it could be would spell again: `jean-dupont-exemple-fr`)."""
    if personal_data(cell) or address_in_identifier(cell):  # `jean.dupont.gmail.com`: no `jean-dupont-gmail-com`
        return NAME_RULE
    plain_form = "".join(c for c in unicodedata.normalize("NFKD", cell) if not unicodedata.combining(c))
    close = re.sub(r"\s+", "", cell) if re.fullmatch(r"[0-9\s]+", cell) else \
        re.sub(r"[^A-Za-z0-9_]+", "-", plain_form).strip("-_")  # a code with spaces (`35 238`): without them
    if close and IDENTIFIER.fullmatch(close):
        return f"{NAME_RULE[0]}, par exemple « {close} »", f"{NAME_RULE[1]}, e.g. '{close}'"
    return NAME_RULE


def path_problem(cell: str, target: str) -> tuple[str, str]:
    """What is wrong with a cell naming a resource as `type/identifiant`."""
    example = "commune/35238" if "territory" in target else "project/mon-projet"
    return (f"attendu une ressource écrite type/identifiant (ex. {example}) ; {NAME_RULE[0]}",
            f"expected a resource written as kind/identifier (e.g. {example}); {NAME_RULE[1]}")


@dataclass(frozen=True)
class TabularBatch:
    """The triples of a set of sheet tables, with where each subject and property came from."""

    triples: tuple[Triple, ...]
    locations: Mapping[str, Location]
    # (file name, resource's role, property IRI, language or "") -> column name: `titre` and `titre_en` make one
    # property, in French and in English
    columns: Mapping[tuple[str, str, str, str], str]
    tables: frozenset[str] = frozenset()  # the tables the submission holds (file names), even empty ones


def metadata_file() -> Path:
    return resources.templates_dir() / "csv" / "isic-sheet.csv-metadata.json"


def table_names() -> list[str]:
    return [t.file for t in tables()]


def read_tables(files: Sequence[Document], base_iri: str, limits: DocumentLimits = LIMITS) -> TabularBatch:
    """Map sheet files (CSV files named like the template's tables, or workbooks of such sheets) to triples.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2. A table sent
    twice (`projects.csv` and `projects (1).csv`, a second download) is refused: its two versions would be mixed.
    """
    problems = Problems()
    reader = _Reader(base_iri, limits, problems)
    sent: dict[str, str] = {}  # each table read: the file (or workbook sheet) it came from
    for doc in files:
        try:
            found = raw_tables(doc, limits)
        except Unreadable as exc:
            problems.add(exc.file, exc.row, None, None, exc.french, exc.english)
            continue
        for raw in found:
            table = table_for(raw.name)
            if table is None:
                problems.add(raw.shown, 1, None, None, *_not_a_table(raw))
                continue
            if (first := sent.get(table.file)) is not None:
                problems.add(raw.shown, 1, None, None, *_sent_twice(table.file, first, raw.shown))
                continue
            sent[table.file] = raw.shown
            reader.read(table, raw)
    if problems:
        report = problems.report()
        shown = "; ".join(v.describe("en") for v in report.violations[:20])
        more = f"; and {len(report.violations) - 20} more" if len(report.violations) > 20 else ""
        shown_fr = " ; ".join(v.describe("fr") for v in report.violations[:20])
        more_fr = f" ; et {len(report.violations) - 20} de plus" if len(report.violations) > 20 else ""
        raise SheetRefused(f"the sheet cannot be read, {len(report.violations)} problem(s) to fix: {shown}{more}",
                           report, fr=f"la fiche ne peut pas être lue, {len(report.violations)} problème(s) à "
                                      f"corriger : {shown_fr}{more_fr}")
    return TabularBatch(tuple(reader.triples), {**reader.fallback, **reader.locations}, reader.columns,
                        frozenset(reader.present))


def _by_columns(raw: RawTable) -> list[str]:
    """The table whose column titles a file's first row holds most of (at least half of its own): what a file named
    otherwise (`Sans nom 1.csv`, a spreadsheet's default) most likely is."""
    titles = {plain(cell) for cell in (raw.rows[0][1] if raw.rows else ()) if cell.strip()}
    scored = [(len(titles & {plain(h) for h in t.headers}) / len(t.headers), t.file) for t in tables() if t.headers]
    best = max(scored, default=(0.0, ""))
    return [best[1]] if best[0] >= 0.5 else []


def _column_letter(index: int) -> str:
    """A column's name as a spreadsheet shows it: A for the first, Z, AA, AB…"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _sent_twice(table: str, first: str, second: str) -> tuple[str, str]:
    """What to say of a table sent a second time (under another name, or the same: files of two folders)."""
    said_fr = (f"un autre fichier nommé {first} est envoyé avec lui" if first == second
               else f"ce fichier est le tableau {table}, comme {first}")
    said_en = (f"another file named {first} is sent with it" if first == second
               else f"this file is the table {table}, as {first} is")
    return (f"{said_fr} : chaque tableau est envoyé une seule fois (deux versions seraient mêlées) ; gardez celui qui "
            "est à jour et retirez l'autre de l'envoi",
            f"{said_en}: each table is sent once (two versions would be mixed); keep the up-to-date one and leave the "
            "other out")


COPY_MARK = re.compile(r"\s*(\(\d{1,3}\)|- copie|- copy|copie)$")


def _stem(name: str) -> str:
    """A file's or sheet's name as compared with the tables': plain, without `.csv` and a copy's mark."""
    return COPY_MARK.sub("", plain(re.sub(r"\.csv$", "", name, flags=re.IGNORECASE)))


def _not_a_table(raw: RawTable) -> tuple[str, str]:
    """Why a file (or a workbook's sheet) is no table, and what to do: the template's own sheet of drop-down lists or
    of help, exported with the others, is left out of the upload; any other file is left out, or named as the table
    it is."""
    stem = _stem(raw.name)
    if any(stem == own or stem.endswith(" " + own) for own in TEMPLATE_SHEETS):
        return ("c'est la feuille des listes de choix (ou d'aide) du modèle, exportée avec les tableaux : elle ne "
                "contient pas de données ; retirez ce fichier de l'envoi",
                "this is the template's sheet of drop-down lists (or of help), exported with the tables: it holds no "
                "data; leave this file out of the upload")
    known = [t.file for t in tables()]
    close = difflib.get_close_matches(raw.name, known, n=1) or _by_columns(raw)
    hint_fr = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    hint_en = f"; did you mean '{close[0]}'?" if close else ""
    return (f"ce n'est pas un tableau de la fiche{hint_fr or '.'} Tableaux attendus : {', '.join(known)}. Retirez ce "
            "fichier (ou cet onglet) de l'envoi, ou donnez-lui le nom du tableau qu'il est",
            f"not a table of the collection sheet{hint_en or '.'} Expected tables: {', '.join(known)}. Leave this "
            "file (or sheet) out of the upload, or name it as the table it is")


def table_for(name: str) -> Table | None:
    """The table a file or a workbook's sheet is, by its name as people and programs leave it: `projects.csv`,
    `Projets.csv`, `projects (1).csv` (a second download), `fiche-isic-projects.csv` (a workbook's sheets
    exported one file each), `PROJECTS.CSV`."""
    found = table_named(name)
    if found is not None:
        return found
    stem = _stem(name)
    names = {plain(name): t.name for t in tables() for name in (t.name, *t.french)}  # `family-aid`: `family aid`
    for key in sorted(names, key=len, reverse=True):  # the longest name the file's name ends with
        if stem == key or stem.endswith(" " + key):
            return table_named(names[key])
    return None


class _Reader:
    """The triples of the tables read so far, and the problems found."""

    def __init__(self, base: str, limits: DocumentLimits, problems: Problems) -> None:
        self.base, self.limits, self.problems = base, limits, problems
        self.triples: dict[Triple, None] = {}
        self.locations: dict[str, Location] = {}
        self.fallback: dict[str, Location] = {}
        self.columns: dict[tuple[str, str, str, str], str] = {}
        self.present: set[str] = set()
        self.spelt: dict[str, tuple[str, Location]] = {}  # each resource by lookalike key: its first spelling, where

    def read(self, table: Table, raw: RawTable) -> None:
        self.present.add(table.file)
        raw = _titled(table, raw)
        self._uncomputed(raw)
        if not any(cell.strip() for _, cells in raw.rows for cell in cells):
            # no row of column titles (an empty file, a failed save or export): read as an empty table, it would
            # remove every resource of the table
            self.problems.add(raw.shown, 1, None, None,
                              "le tableau est vide : il n'a pas de ligne de titres de colonnes (un fichier vide, "
                              "un enregistrement ou un export qui a échoué) ; rien n'a été modifié. Pour retirer "
                              "toutes les lignes du tableau, envoyez-le avec sa seule ligne de titres",
                              "the table is empty: it has no row of column titles (an empty file, a failed save or "
                              "export); nothing was changed. To remove all the rows of the table, send it with its "
                              "row of titles only")
            return
        header = self._header(table, raw)
        if header is None:
            return
        for c in table.columns:
            if c.header in header and not c.inverse:
                self.columns[(raw.shown, c.subject, c.path, c.lang or "")] = c.header
        width = len(raw.rows[0][1])
        untitled = [i for i, title in enumerate(raw.rows[0][1]) if not title.strip()]
        for number, cells in raw.rows[1:]:
            if not any(cell.strip() for cell in cells):
                continue  # an empty row, as spreadsheets leave them
            if any(cell.strip() for cell in cells[width:]) or any(i < len(cells) and cells[i].strip()
                                                                  for i in untitled):
                at = next(i for i, cell in enumerate(cells) if cell.strip() and (i >= width or i in untitled))
                letter, value = _column_letter(at), cells[at].strip()[:40]
                self.problems.add(raw.shown, number, None, None,
                                  f"la colonne {letter} (n° {at + 1}) n'a pas de titre dans la ligne des titres, mais "
                                  f"cette ligne y a une valeur (« {value} ») : donnez un titre à la colonne, ou "
                                  "remettez la valeur dans sa colonne",
                                  f"column {letter} (no. {at + 1}) has no title in the row of titles, but this row "
                                  f"has a value there ('{value}'): give the column a title, or put the value back in "
                                  "its column")
                continue
            if len(cells) == 1 and width > 1 and (other := _other_separator(raw, cells[0])):
                first = next((t for t, i in header.items() if i == 0), None)
                said = SEPARATOR_NAMES[other]
                used = SEPARATOR_NAMES.get(raw.separator or ",", said)
                self.problems.add(raw.shown, number, first, cells[0],
                                  f"la ligne est séparée par des {said[0]}, la ligne des titres par des {used[0]} : "
                                  "elle serait lue comme une seule cellule ; enregistrez le fichier avec le même "
                                  "séparateur partout (depuis le tableur, « Enregistrer sous » CSV)",
                                  f"the row is separated by {said[1]}, the title row by {used[1]}: it would be read "
                                  "as a single cell; save the file with one separator throughout (from the "
                                  "spreadsheet, « Save as » CSV)")
                continue
            row = {name: formula_unquoted(cells[i].strip()) for name, i in header.items() if i < len(cells)}
            for name, value in [(n, v) for n, v in row.items() if ERROR_VALUE.fullmatch(v)]:  # each cell read once
                del row[name]
                self.problems.add(raw.shown, number, name, value,
                                  "la cellule montre une erreur du tableur, pas une valeur : corrigez sa formule dans "
                                  "le tableur, ou écrivez la valeur à sa place",
                                  "the cell shows a spreadsheet error, not a value: correct its formula in the "
                                  "spreadsheet, or write the value instead")
            texts = {c.header for c in table.columns if c.kind == "text"}
            for name in [n for n, i in header.items() if (number, i) in raw.dates and n in texts and row.get(n)]:
                self.problems.add(raw.shown, number, name, row.pop(name),  # what it showed, its format alone knows
                                  "le tableur a fait de ce texte une date (« mars 2024 », « 5/3 » tapés dans la "
                                  "cellule) : mettez la cellule au format Texte, ou tapez une apostrophe (') avant "
                                  "le texte, puis écrivez-le à nouveau",
                                  "the spreadsheet turned this text into a date ('March 2024', '5/3' typed in the "
                                  "cell): format the cell as Text, or type an apostrophe (') before the text, then "
                                  "write it again")
            numbers = {name for name, i in header.items() if (number, i) in raw.numbers}
            self._row(table, raw.shown, number, row, numbers)
            if len(self.triples) > self.limits.max_triples:
                raise DocumentTooLarge(f"{raw.shown}, row {number}: the submission holds more than "
                                       f"{self.limits.max_triples} triples; split it into several submissions",
                                       f"{raw.shown}, ligne {number} : l'envoi contient plus de "
                                       f"{self.limits.max_triples} triplets ; répartissez-le en plusieurs envois")

    def _uncomputed(self, raw: RawTable) -> None:
        """A formula cell saved without its value is refused at its cell: read as empty, it would erase what the
        cell held before (a file written by a program, openpyxl, that does not compute formulas)."""
        first, titles = raw.rows[0] if raw.rows else (0, ())
        for number, index in sorted(raw.uncomputed):
            title = titles[index].strip() if index < len(titles) and number != first else ""
            self.problems.add(raw.shown, number, title or None, None,
                              "la cellule contient une formule enregistrée sans sa valeur (le fichier a été écrit "
                              "par un programme qui ne calcule pas les formules) : elle serait lue vide ; ouvrez le "
                              "fichier dans un tableur (LibreOffice Calc, Excel) et enregistrez-le pour que ses "
                              "valeurs soient calculées, ou écrivez la valeur à la place de la formule",
                              "the cell holds a formula saved without its value (the file was written by a program "
                              "that does not compute formulas): it would be read as empty; open the file in a "
                              "spreadsheet (LibreOffice Calc, Excel) and save it so that its values are computed, "
                              "or write the value instead of the formula")

    def _header(self, table: Table, raw: RawTable) -> dict[str, int] | None:
        """The column each header names (by position), once unknown, repeated and missing columns are refused."""
        known, ambiguous = title_aliases(table), ambiguous_titles(table)
        found: dict[str, int] = {}
        suggested: set[str] = set()  # a missing column an unknown one is probably meant for: said once, there
        ok = True
        for i, title in enumerate(raw.rows[0][1]):
            title = title.strip()
            if not title:
                continue
            header = known.get(plain(title)) or known.get(plain(title).replace(" ", "_"))
            meant = ambiguous.get(plain(title)) or ambiguous.get(plain(title).replace(" ", "_"))
            if header is None and meant:
                self.problems.add(raw.shown, raw.rows[0][0], title, None,
                                  "colonne ambiguë : elle peut être " + " ou ".join(f"« {h} »" for h in meant)
                                  + " ; donnez-lui le nom de la colonne voulue",
                                  "ambiguous column: it may be " + " or ".join(f"'{h}'" for h in meant)
                                  + "; give it the name of the column meant")
                suggested.update(meant)
                ok = False
            elif header is None:
                close = difflib.get_close_matches(plain(title).replace(" ", "_"), table.headers, n=1, cutoff=0.5)
                hint_fr = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
                hint_en = f"; did you mean '{close[0]}'?" if close else ""
                suggested.update(close)
                self.problems.add(raw.shown, raw.rows[0][0], title, None,
                                  f"colonne inconnue{hint_fr or '.'} Colonnes possibles : {', '.join(table.headers)}",
                                  f"unknown column{hint_en or '.'} Possible columns: {', '.join(table.headers)}")
                ok = False
            elif header in found:
                self.problems.add(raw.shown, raw.rows[0][0], title, None, "cette colonne apparaît deux fois",
                                  "this column appears twice")
                ok = False
            else:
                found[header] = i
        for header in table.required():
            if header not in found and header not in suggested:
                self.problems.add(raw.shown, raw.rows[0][0], None, None, f"colonne manquante : « {header} »",
                                  f"missing column: '{header}'")
                ok = False
        return found if ok else None

    def _row(self, table: Table, file: str, number: int, row: Mapping[str, str],
             numbers: set[str] | frozenset[str] = frozenset()) -> None:
        """A row's triples; `numbers`: its cells a workbook holds as numbers, not text."""
        by_header = {c.header: c for c in table.columns}
        keys: dict[str, str] = {}
        for key in table.keys:
            cell = row.get(key, "")
            if not cell and key in table.defaults:
                continue  # filled in from the other keys below
            if not cell:
                self.problems.add(file, number, key, None, "valeur obligatoire : elle nomme la ligne",
                                  "a value is required: it names the row")
                continue
            column = by_header.get(key)
            if column is not None and column.kind == "concept":
                concept = self._concept(column, cell, file, number)
                if concept is None:
                    continue
                cell = concept.rsplit("/", 1)[-1]
            elif not IDENTIFIER.fullmatch(cell):
                self.problems.add(file, number, key, cell, *identifier_problem(cell))
                continue
            keys[key] = cell
        known = {**{k: v for k, v in row.items() if v}, **keys}  # a default may name another key or a cell
        for key, default in table.defaults.items():
            names = TEMPLATE_NAMES.findall(default)  # a key refused above makes no other
            if key not in keys and all(k in known and (k in keys or k not in table.keys) for k in names):
                value = TEMPLATE.sub(lambda m: known[m.group(2)], default)
                if not IDENTIFIER.fullmatch(value):  # a cell the key is made of (`code_insee`), not checked yet
                    source = next((n for n in names if not IDENTIFIER.fullmatch(known[n])),
                                  key)
                    fr, en = identifier_problem(known.get(source, value))
                    self.problems.add(file, number, source, known.get(source, value),
                                      f"la valeur fait l'identifiant de la ligne (« {key} » vide) : {fr}",
                                      f"the value makes the row's identifier ('{key}' empty): {en}")
                    continue
                keys[key] = value
        if len(keys) < len(table.keys):
            return
        subjects = {name: NamedNode(urljoin(self.base, _expand(template, keys)))
                    for name, template in table.subjects.items()}
        row_subject = subjects.get("row")
        first = self.locations.get(row_subject.value) if row_subject is not None else None
        if first is not None and first.file == file and first.row != number and first.role == "row":
            named = ", ".join(keys[k] for k in table.keys)
            self.problems.add(file, number, table.keys[0], named,
                              f"la ligne {first.row} a déjà cet identifiant : chaque ligne décrit sa propre "
                              "ressource ; donnez-lui un autre identifiant, ou réunissez les deux lignes en une",
                              f"row {first.row} has this identifier already: each row describes a resource of its "
                              "own; give it another identifier, or make the two rows one")
            return
        for name, subject in subjects.items():
            (self.locations if name == "row" else self.fallback).setdefault(subject.value,
                                                                            Location(file, number, role=name))
            if name == "row" and not self._spelt_once(subject.value, file, number,
                                                      table.keys[0] if len(table.keys) == 1 else None):
                return
            self._add(subject, RDF_TYPE, NamedNode(table.types[name]))
        for about, path, obj in table.links:
            self._add(subjects[about], path, subjects[obj])
        self._currency_agrees(table, file, number, row)
        for column in table.columns:
            cell = row.get(column.header, "")
            if not cell:
                continue
            items = split(cell) if column.multiple else [cell]
            for item in dict.fromkeys(v for v in items if v):
                term = self._term(column, item, file, number, column.header in numbers)
                if term is None:
                    continue
                if column.inverse:
                    if isinstance(term, NamedNode):
                        self.fallback.setdefault(term.value, Location(file, number))
                        self._add(term, column.path, subjects[column.inverse])
                else:
                    self._add(subjects[column.subject], column.path, term)

    def _currency_agrees(self, table: Table, file: str, number: int, row: Mapping[str, str]) -> None:
        """An amount written in euros (`3 500 €`, `3500 EUR`) in a row whose currency is another is refused: which of
        the two is right, the row cannot say (the amount is read without its sign)."""
        amount = next((c.header for c in table.columns if c.path == ISIC + "amount"), None)
        currency = next((c.header for c in table.columns if c.path == ISIC + "currency"), None)
        if amount is None or currency is None:
            return
        written, given = row.get(amount, ""), row.get(currency, "").strip()
        in_euros = re.search(r"(€|\beur(o|os)?)\s*$", written.casefold()) is not None
        if in_euros and given and given.casefold() not in ("eur", "€", "euro", "euros"):
            self.problems.add(file, number, amount, written,
                              f"le montant est écrit en euros, mais la devise de la ligne est « {given} » : écrivez le "
                              "montant sans symbole, ou corrigez la devise",
                              f"the amount is written in euros, but the row's currency is '{given}': write the amount "
                              "without a sign, or correct the currency")

    def _add(self, subject: NamedNode, path: str, obj: NamedNode | Literal) -> None:
        self.triples[Triple(subject, NamedNode(path), obj)] = None

    def _term(self, column: Column, cell: str, file: str, number: int,
              typed: bool = False) -> NamedNode | Literal | None:
        """The term a cell's value stands for, or None once its problem is noted (`typed`: a workbook's number)."""
        def refuse(fr: str, en: str) -> None:
            self.problems.add(file, number, column.header, cell, fr, en)

        if column.kind == "text":
            if column.multiple and "\n" in cell:  # a cell's lines (Alt+Enter): several values, or one? The form,
                refuse("une valeur de cette liste va à la ligne : plusieurs valeurs ? séparez-les par « | » "  # which
                       f"(« {' | '.join(_lines(cell))} ») ; une seule ? écrivez-la sur une ligne",  # lists one a line,
                       "a value of this list runs over several lines: several values? separate them with '|' "
                       f"('{' | '.join(_lines(cell))}'); one value? write it on one line")  # read it as several
                return None
            return Literal(cell, language=column.lang) if column.lang else Literal(cell)
        if column.kind == "concept":
            concept = self._concept(column, cell, file, number)
            return NamedNode(concept) if concept else None
        if column.kind == "resource":
            target = column.target or "{}"
            if target.endswith("{+}") and not RESOURCE_PATH.fullmatch(cell):
                refuse(*path_problem(cell, target))
                return None
            if target.endswith("{}") and not IDENTIFIER.fullmatch(cell):
                refuse(*identifier_problem(cell))
                return None
            found = self._iri(_expand(target, {"": cell}, cell), refuse)
            return found if found is None or self._spelt_once(found.value, file, number, column.header) else None
        if column.kind == "iri":
            if not re.match(r"https?://[^\s/]+", cell):
                refuse("attendu une adresse web complète, qui commence par http:// ou https://",
                       "expected a full web address, starting with http:// or https://")
                return None
            wrong_host = host_problem(cell)
            if wrong_host is not None:
                refuse(f"ce n'est pas une adresse web possible : {wrong_host[1]}",
                       f"not a possible web address: {wrong_host[0]}")
                return None
            return self._iri(cell, refuse)
        lexical = typed_number(column.kind, cell) if typed and column.kind in ("decimal", "integer") \
            else _lexical(column.kind, cell)
        if typed and column.kind == "decimal" and lexical is not None and len(lexical.partition(".")[2]) > 2:
            shown = lexical.replace(".", ",")  # a workbook's number computed to more than cents: as the CSV, refused
            refuse(f"un montant a au plus deux décimales (les centimes) ; la cellule vaut {shown} : arrondissez-la "
                   "au centime (fonction ARRONDI du tableur)",
                   f"an amount has at most two decimals (cents); the cell holds {lexical}: round it to the cent (the "
                   "spreadsheet's ROUND function)")
            return None
        if lexical is None:
            if personal_data(cell):  # kept as written: validation reports it as personal data, masked
                return Literal(cell, datatype=NamedNode(column.datatype or XSD + "string"))
            refuse(*(EXPECTED[column.kind] if typed else refusal(column.kind, cell)))
            return None
        return Literal(lexical, datatype=NamedNode(column.datatype or XSD + "string"))

    def _spelt_once(self, iri: str, file: str, number: int, column: str | None) -> bool:
        """Whether a resource the sheet names is spelt as it was first (`org-a` and `ORG-A` would be two resources
        that one owner, one page and a reader take for one); else the problem is noted, suggesting one spelling."""
        head, _, name = lookalike_key(iri).rpartition("/")  # `les_incompris`, `les--incompris`: `les-incompris`
        first = self.spelt.setdefault(f"{head}/{SEPARATORS.sub('-', name).strip('-')}",
                                      (iri, Location(file, number, column)))
        if first[0] == iri:
            return True
        name, before = unquote(iri.rsplit("/", 1)[-1]), unquote(first[0].rsplit("/", 1)[-1])
        spelling = name.lower() if name.lower() in (name, before) and name.lower() == before.lower() else before
        where = {lang: first[1].describe(lang) for lang in ("fr", "en")}
        self.problems.add(file, number, column, name,
                          f"« {name} » ne diffère de « {before} » ({where['fr']}) que par les majuscules ou son "
                          f"écriture : un identifiant nomme une seule ressource ; écrivez « {spelling} » partout",
                          f"'{name}' differs from '{before}' ({where['en']}) only by its case or spelling: an "
                          f"identifier names one resource; write '{spelling}' everywhere")
        return False

    def _iri(self, text: str, refuse: object) -> NamedNode | None:
        try:
            return NamedNode(urljoin(self.base, text))
        except ValueError:
            assert callable(refuse)
            refuse("ce n'est pas un identifiant possible (lettres, chiffres, tirets)",
                   "not a possible identifier (letters, digits, hyphens)")
            return None

    def _concept(self, column: Column, cell: str, file: str, number: int) -> str | None:
        scheme = schemes().get(column.scheme or "")
        if scheme is None:  # a thesaurus the ontology does not ship: the code as given
            return f"{column.scheme}/{quote(cell, safe='')}"
        concept = scheme.find(cell)
        if concept is not None:
            return concept.iri
        parts = [p.strip() for p in OTHER_LIST_MARKS.split(cell) if p.strip()]
        if column.multiple and len(parts) > 1 and all(scheme.find(p) is not None for p in parts):
            joined = " | ".join(parts)
            self.problems.add(file, number, column.header, cell,
                              f"plusieurs valeurs ? séparez-les par « | » : « {joined} »",
                              f"several values? separate them with '|': '{joined}'")
            return None
        messages = {}
        for lang in ("fr", "en"):
            close = [f"« {name} »" if lang == "fr" else f"'{name}'" for name in scheme.closest(cell, lang)]
            valid = ", ".join(c.label(lang) for c in scheme.concepts)
            if lang == "fr":
                hint = f" ; vouliez-vous dire {' ou '.join(close)} ?" if close else ""
                messages[lang] = (f"ce n'est pas une valeur de la liste « {scheme.label('fr')} »{hint} "
                                  f"Valeurs possibles : {valid}")
            else:
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                messages[lang] = f"not a value of the list '{scheme.label('en')}'{hint} Possible values: {valid}"
        self.problems.add(file, number, column.header, cell, messages["fr"], messages["en"])
        return None


def _lines(cell: str) -> list[str]:
    return [line.strip() for line in cell.splitlines() if line.strip()]


OTHER_LIST_MARKS = re.compile(r"[,;/\n]|\s+(?:et|and)\s+")  # how else a list of values is written in a cell
TITLE_ROWS = 5  # rows a sheet may hold above its column titles (a title, a merged group of columns)


def _other_separator(raw: RawTable, cell: str) -> str | None:
    """The separator a CSV row read as one cell holds, another than its file's (the title row's)."""
    if raw.separator is None:
        return None
    found = [s for s in SEPARATOR_NAMES if s != raw.separator and s in cell]
    return max(found, key=cell.count) if found else None


def _titled(table: Table, raw: RawTable) -> RawTable:
    """The table from its row of column titles on: the first row, unless it names no column and one of the next
    rows does, mostly, below rows that are headings only (a sheet's title, or merged cells grouping its columns:
    one text, or texts each followed by an empty cell). A row above that could hold values is never passed
    over: the first row is then the titles, and its unknown columns are said."""
    known = title_aliases(table)

    def named(cells: tuple[str, ...]) -> bool:
        titles = [plain(c) for c in cells if c.strip()]
        found = sum(1 for t in titles if t in known or t.replace(" ", "_") in known)
        return found > 0 and 2 * found >= len(titles)

    def heading(cells: tuple[str, ...]) -> bool:  # one text, or texts each over merged (empty) cells: no values
        filled = [i for i, c in enumerate(cells) if c.strip()]
        return len(filled) <= 1 or all(i + 1 == len(cells) or not cells[i + 1].strip() for i in filled)

    for start, (_, cells) in enumerate(raw.rows[:TITLE_ROWS]):
        if named(cells):
            return raw if start == 0 else replace(raw, rows=raw.rows[start:])
        if not heading(cells):
            break
    return raw


def title_aliases(table: Table) -> dict[str, str]:
    """The column each title names, in plain form: its header, or its label (`Date de début`) when no other
    column of the table has that label or that header (`Enseignement` titles no column of lessons.csv: it is
    the label of the statement and the header of the identifier), and when it is not the first words of
    another column's label (see `ambiguous_titles`)."""
    known = {plain(h): h for h in table.headers}
    ambiguous = ambiguous_titles(table)
    for form, headers in _labels(table).items():
        if len(headers) == 1 and (form not in known or known[form] in headers) and form not in ambiguous:
            known.setdefault(form, next(iter(headers)))
    return known


def ambiguous_titles(table: Table) -> dict[str, tuple[str, ...]]:
    """The labels, in plain form, that are also the first words of another column's label, with the columns they
    could mean: `Fonction` (the role's type) begins `Fonction dans le projet`, which a reader may have shortened.
    A column's English twin (`Intitulé (en anglais)`) does not count."""
    labels = _labels(table)
    out: dict[str, tuple[str, ...]] = {}
    for form, headers in labels.items():
        if len(headers) != 1 or form in {plain(h) for h in table.headers}:
            continue
        header = next(iter(headers))
        longer = {h for other, hs in labels.items() if other.startswith((form + " ", form + "_"))
                  for h in hs if h not in (header, header + "_en")}
        longer -= {h + "_en" for h in longer}
        if longer:
            out[form] = (header, *sorted(longer))
    return out


def _labels(table: Table) -> dict[str, set[str]]:
    """Each column label in plain form (with spaces, and with underscores), with the columns it labels."""
    labels: dict[str, set[str]] = {}
    for c in table.columns:
        for name in c.names.values():
            for form in (plain(name), plain(name).replace(" ", "_")):
                labels.setdefault(form, set()).add(c.header)
    return labels


def _expand(template: str, values: Mapping[str, str], cell: str | None = None) -> str:
    """A URI template (`id/territory/{niveau}/{code_insee}`, `{+}` for a cell) expanded: `{x}` percent-encodes
    every reserved character, `{+x}` keeps slashes and the other reserved ones."""
    def one(match: re.Match[str]) -> str:
        value = cell if cell is not None and match.group(2) == "" else values.get(match.group(2), "")
        return quote(value, safe="/:;,!$&'()*+=@?#[]~" if match.group(1) else "~")
    return TEMPLATE.sub(one, template)
