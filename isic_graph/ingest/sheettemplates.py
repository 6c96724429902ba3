"""The sheet's templates, written from the sheet model: the CSV files, their CSVW mapping, and the workbook.

`python -m isic_graph.ingest.sheettemplates templates/csv` writes the CSV templates and the mapping
again (they are committed; a test checks they are what the model gives).
"""

from __future__ import annotations

import io
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from isic_graph.ingest.sheetmodel import Column, Table, tables
from isic_graph.ingest.spreadsheets import QUOTED_FORMULA
from isic_graph.ingest.vocabulary import schemes
from isic_graph.rdf.namespaces import RDF_TYPE

MAPPING = "isic-sheet.csv-metadata.json"
NUMERIC = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")  # a stored amount or count, written back as a number
SUBJECT_NOTE = ("Relative URL templates resolve against the instance base IRI. Territories are referenced as "
                "level/INSEE code (commune/35238, departement/35, region/53), since département and région codes "
                "overlap. Thesaurus cells may hold the code, the French or English label or an alternative label; "
                "the mapping names the codes.")


def csv_header(table: Table) -> str:
    return ",".join(table.headers) + "\n"


def _template(target: str, header: str) -> str:
    return target.replace("{+}", "{+" + header + "}").replace("{}", "{" + header + "}")


def _help(column: Column) -> str:
    text = column.help.get("fr") or column.name("fr")
    if column.kind == "concept" and column.scheme in schemes():
        text += " — valeurs : " + ", ".join(c.code for c in schemes()[column.scheme or ""].concepts)
    if column.kind == "date":
        text += " (AAAA-MM-JJ ou JJ/MM/AAAA)"
    if column.kind == "boolean":
        text += " (oui / non)"
    if column.multiple:
        text += " ; plusieurs valeurs séparées par |"
    return text


def csvw_mapping() -> dict[str, Any]:
    """The CSVW metadata (W3C tabular data on the web) of the CSV sheet, generated from the model."""
    out = []
    for table in tables():
        by_header = {c.header: c for c in table.columns}
        columns: list[dict[str, Any]] = []
        for key in table.keys:
            if key not in by_header:
                columns.append({"name": key, "titles": key, "required": True,
                                "dc:description": table.key_help.get(key, key), "suppressOutput": True})
        for c in table.columns:
            entry: dict[str, Any] = {"name": c.header, "titles": c.header, "propertyUrl": c.path}
            if c.inverse:
                entry["aboutUrl"] = _template(c.target or "{}", c.header)
                entry["valueUrl"] = table.subjects[c.inverse]
            else:
                if c.subject != "row":
                    entry["aboutUrl"] = table.subjects[c.subject]
                if c.kind == "concept":
                    entry["valueUrl"] = f"{c.scheme}/{{{c.header}}}"
                elif c.kind == "resource":
                    entry["valueUrl"] = _template(c.target or "{}", c.header)
                elif c.kind == "iri":
                    entry["valueUrl"] = "{+" + c.header + "}"
                elif c.kind == "boolean":
                    entry["datatype"] = {"base": "boolean", "format": "oui|non"}
                elif c.kind == "decimal":
                    entry["datatype"] = {"base": "decimal", "minimum": 0}
                elif c.kind in ("date", "integer"):
                    entry["datatype"] = c.kind
            if c.lang:
                entry["lang"] = c.lang
            if c.multiple:
                entry["separator"] = "|"
            if c.required or c.header in table.keys:
                entry["required"] = True
            entry["dc:description"] = _help(c)
            columns.append(entry)
        for name, cls in table.types.items():
            virtual = {"name": f"type_{name}", "virtual": True, "propertyUrl": RDF_TYPE, "valueUrl": cls}
            if name != "row":
                virtual["aboutUrl"] = table.subjects[name]
            columns.append(virtual)
        for subject, path, obj in table.links:
            columns.append({"name": f"{subject}_{path.rsplit('#', 1)[-1]}", "virtual": True, "propertyUrl": path,
                            "valueUrl": table.subjects[obj], "aboutUrl": table.subjects[subject]})
        out.append({"url": table.file, "tableSchema": {"aboutUrl": table.subjects["row"], "columns": columns}})
    return {"@context": ["http://www.w3.org/ns/csvw", {"@language": "fr"}],
            "dc:title": "Fiche de collecte ISIC — modèle tableur / ISIC collection sheet — spreadsheet template",
            "dc:description": "CSVW metadata mapping the collection-sheet CSV files to the ISIC ontology, generated "
                              "from the SHACL shapes. " + SUBJECT_NOTE,
            "dialect": {"header": True, "delimiter": ",", "encoding": "utf-8", "trim": True},
            "tables": out}


def mapping_text() -> str:
    return json.dumps(csvw_mapping(), ensure_ascii=False, indent=1) + "\n"


def write_csv_templates(folder: Path) -> list[Path]:
    """Write the CSV templates (a header line each) and the CSVW mapping into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables():
        path = folder / table.file
        path.write_text(csv_header(table), encoding="utf-8")
        written.append(path)
    (folder / MAPPING).write_text(mapping_text(), encoding="utf-8")
    return [*written, folder / MAPPING]


def workbook(rows: Mapping[str, list[list[str]]] | None = None) -> bytes:
    """The .xlsx workbook template: one sheet per table with its header, an example row and help on each
    column; drop-down lists of the thesaurus labels, kept on a sheet of lists. Given rows (table file ->
    cells in the order of its headers), the workbook holds them instead of the example rows."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    lists = book.create_sheet("listes")
    lists_column = 0
    ranges: dict[str, str] = {}
    for iri, scheme in schemes().items():
        lists_column += 1
        letter = lists.cell(row=1, column=lists_column).column_letter
        lists.cell(row=1, column=lists_column, value=scheme.label("fr")).font = Font(bold=True)
        for i, concept in enumerate(scheme.concepts, start=2):
            lists.cell(row=i, column=lists_column, value=concept.label("fr"))
        ranges[iri] = f"listes!${letter}$2:${letter}${len(scheme.concepts) + 1}"
    for table in tables():
        sheet = book.create_sheet(table.name, index=len(book.sheetnames) - 1)
        for i, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row=1, column=i, value=header)
            cell.font = Font(bold=True)
            column = next((c for c in table.columns if c.header == header), None)
            note = _help(column) if column else table.key_help.get(header, header)
            cell.comment = Comment(note + (" (obligatoire)" if header in table.required() else ""), "isic-graph")
            sheet.column_dimensions[cell.column_letter].width = max(14, len(header) + 4)
            if rows is None:
                sheet.cell(row=2, column=i, value=EXAMPLES.get((table.name, header), ""))
            if column is not None and column.kind == "concept" and column.scheme in ranges:
                check = DataValidation(type="list", formula1=ranges[column.scheme], allow_blank=True,
                                       showErrorMessage=False)  # several values (a | b) are typed, not picked
                check.promptTitle = column.name("fr")[:32]
                check.prompt = ("Une valeur de la liste, ou plusieurs séparées par |" if column.multiple
                                else "Choisissez dans la liste")
                sheet.add_data_validation(check)
                check.add(f"{cell.column_letter}2:{cell.column_letter}1000")
        numeric = {i for i, h in enumerate(table.headers, start=1)
                   if any(c.header == h and c.kind in ("decimal", "integer") for c in table.columns)}
        for number, cells in enumerate((rows or {}).get(table.file, []), start=2):
            for i, value in enumerate(cells, start=1):
                if value and i in numeric and NUMERIC.fullmatch(value):
                    sheet.cell(row=number, column=i, value=Decimal(value))  # a number: no separator to misread
                elif value:  # text, never a formula; quotes before a formula mark read back as in a CSV file
                    text = f"'{value}" if QUOTED_FORMULA.match(value) else value
                    sheet.cell(row=number, column=i, value=text).data_type = "s"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXAMPLES = {
    ("network", "reseau"): "mon-reseau", ("network", "nom"): "Mon réseau",
    ("territories", "code_insee"): "35238", ("territories", "nom"): "Rennes", ("territories", "niveau"): "Commune",
    ("territories", "dans"): "departement/35",
    ("organisations", "organisation"): "centre-social-exemple", ("organisations", "nom"): "Centre social (exemple)",
    ("organisations", "types"): "Association", ("organisations", "territoire"): "commune/35238",
    ("projects", "projet"): "projet-exemple", ("projects", "reseau"): "mon-reseau",
    ("projects", "date_fiche"): "01/03/2022", ("projects", "titre"): "Titre du projet",
    ("projects", "issu_situations_individuelles"): "oui", ("projects", "date_debut"): "01/09/2021",
    ("projects", "statut"): "En cours", ("projects", "themes"): "Parentalité | Isolement et lien social",
    ("projects", "territoires"): "commune/35238", ("projects", "porte_par"): "centre-social-exemple",
    ("projects", "jalons"): "Premier atelier | Bilan",
    ("lessons", "enseignement"): "exemple-enseignement", ("lessons", "projet"): "projet-exemple",
    ("lessons", "categorie"): "Bonne pratique", ("lessons", "phase"): "Démarrage",
    ("lessons", "enonce"): "Ce que l'équipe a appris.",
    ("partners", "partenariat"): "exemple-partenariat", ("partners", "projet"): "projet-exemple",
    ("partners", "en_amont"): "non", ("partners", "organisation"): "centre-social-exemple",
    ("partners", "roles"): "Pilote",
    ("fundings", "financement"): "exemple-financement", ("fundings", "projet"): "projet-exemple",
    ("fundings", "financeur"): "centre-social-exemple", ("fundings", "montant"): "2 500,50",
    ("fundings", "devise"): "EUR",
    ("groups", "groupe"): "exemple-groupe", ("groups", "projet"): "projet-exemple",
    ("groups", "nom"): "Familles du quartier, réunies en collectif", ("groups", "taille"): "12",
    ("groups", "publics"): "Familles",
    ("roles", "role"): "exemple-role", ("roles", "projet"): "projet-exemple",
    ("roles", "intitule"): "Assistante de service social de secteur", ("roles", "type"): "Assistant de service social",
    ("roles", "employeur"): "centre-social-exemple",
    ("committees", "comite"): "exemple-copil", ("committees", "partenariat"): "exemple-partenariat",
    ("committees", "nom"): "Comité de pilotage du projet", ("committees", "frequence"): "Trimestrielle",
    ("committees", "membres"): "partner-role/exemple-partenariat-centre-social-exemple | role/exemple-role",
    ("resources", "ressource"): "exemple-fiche-methode", ("resources", "titre"): "Fiche-méthode (exemple)",
    ("resources", "type"): "Fiche-méthode", ("resources", "sujets_methode"): "Comité de pilotage",
    ("resources", "a_propos"): "project/projet-exemple",
}


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("templates/csv")
    for path in write_csv_templates(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["csv_header", "csvw_mapping", "mapping_text", "workbook", "write_csv_templates"]
