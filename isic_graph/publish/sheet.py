"""A network's current collection sheet, exported: CSV files (a zip or a folder) or a workbook, to upload again."""

from __future__ import annotations

import sys
from pathlib import Path

from isic_graph.errors import UsageError
from isic_graph.ingest.sheettemplates import workbook
from isic_graph.ingest.sheetwriter import csv_files, csv_zip, network_rows
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.base import Store

SHEET_FORMATS = ("csv", "xlsx")


def export_sheet(store: Store, graphs: Graphs, network: str, fmt: str, output: Path | None) -> str:
    """Write a network's sheet: csv to a zip (a file, or standard output) or into a folder (one file per table,
    when the output is a folder or names none that ends in .zip), xlsx to a workbook. Says what was written."""
    if fmt not in SHEET_FORMATS:
        raise UsageError(f"a sheet is written as {' or '.join(SHEET_FORMATS)}, not {fmt!r}",
                         fr=f"une fiche s'écrit en {' ou '.join(SHEET_FORMATS)}, pas en {fmt!r}")
    rows = network_rows(store, graphs, network)
    if fmt == "csv" and output is not None and (output.is_dir() or output.suffix.lower() != ".zip"):
        output.mkdir(parents=True, exist_ok=True)
        for name, data in csv_files(rows).items():
            (output / name).write_bytes(data)
        return f"wrote {len(rows)} tables of network {network} to {output}/"
    data = csv_zip(rows) if fmt == "csv" else workbook(rows)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return f"wrote {len(data)} bytes"
    output.write_bytes(data)
    return f"wrote {len(data)} bytes to {output}"


__all__ = ["SHEET_FORMATS", "export_sheet"]
