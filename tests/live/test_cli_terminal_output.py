"""A sheet exported as a workbook or a zip is a file: on a terminal, with no -o, the command says to give one
rather than drawing the file's bytes as characters; sent to a file or a pipe, the bytes are written."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import zipfile
from pathlib import Path

import pytest

from isic_graph.admin.bootstrap import init_store
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store.embedded import EmbeddedStore
from tests.support.terminal import drawn
from tests.unit.test_cli_progress import BASE, COMMAND


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("samples") / "store"
    with EmbeddedStore(folder) as store:
        init_store(store, Graphs(BASE), samples=True)
    return {**os.environ, "ISIC_BASE_IRI": BASE, "ISIC_STORE": str(folder)}


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """The command run with its standard output a terminal: its exit code, and what reached the terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([*COMMAND, *args], env=env, stdout=terminal, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    os.close(terminal)
    shown = drawn(controller, process, 120)
    return process.wait(timeout=60), shown


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_sheet_file_is_not_written_to_a_terminal(environment: dict[str, str], fmt: str) -> None:
    code, shown = on_a_terminal(["export", "--network", "anas", "--format", fmt], environment)
    assert code != 0 and b"PK" not in shown
    piped = subprocess.run([*COMMAND, "export", "--network", "anas", "--format", fmt],
                           env=environment, capture_output=True, timeout=120)  # not a terminal: written
    assert piped.returncode == 0 and zipfile.is_zipfile(io.BytesIO(piped.stdout))


def test_on_a_terminal_the_refusal_names_the_option_to_give(environment: dict[str, str], tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.run([*COMMAND, "--lang", "fr", "export", "--network", "anas", "--format", "xlsx"],
                             env=environment, stdout=terminal, stderr=subprocess.PIPE, timeout=120)
    os.close(terminal)
    os.close(controller)
    assert process.returncode == 2  # a usage error
    assert "est un fichier, pas du texte pour le terminal : donnez -o FICHIER.xlsx" in process.stderr.decode()
    written = subprocess.run([*COMMAND, "export", "--network", "anas", "-o", str(tmp_path / "fiche.xlsx")],
                             env=environment, capture_output=True, timeout=120)
    assert written.returncode == 0 and zipfile.is_zipfile(tmp_path / "fiche.xlsx")
