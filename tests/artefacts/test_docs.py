"""Everything a user can name is documented: commands, settings, error codes, routes, and the ontology's terms.

Each check lists what is missing, by name, so that a new command, setting, error, route or term fails here
until the documentation (README.md and docs/) or the ontology says what it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import click
import pytest
from rdflib import RDF, Graph

from isic_graph.cli import main
from isic_graph.config import CONFIG_FILE, SETTINGS, Settings
from isic_graph.errors import IsicError
from isic_graph.web import create_app
from tests.support import paths

ROOT = paths.ROOT
DOCS = ROOT / "docs"
ISIC = "https://w3id.org/isic/ontology#"


def pages() -> list[Path]:
    """The README and every page of docs/."""
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub writes them."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", text, re.M)}


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row of a text (header and separator rows included)."""
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.lstrip().startswith("|")]


def commands(command: click.Command, path: tuple[str, ...] = ("isic-graph",)) -> Iterator[str]:
    """Every command of the CLI, subcommands of groups included, as typed: `isic-graph peer add`."""
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))
    else:
        yield " ".join(path)


def error_classes(base: type[IsicError] = IsicError) -> Iterator[type[IsicError]]:
    for sub in base.__subclasses__():
        yield sub
        yield from error_classes(sub)


def routes() -> dict[str, set[str]]:
    """Every route of the application (converters written `{name}`), with its methods but HEAD and OPTIONS."""
    app = create_app(Settings(store_path=None, store_url="http://127.0.0.1:9/query"))  # routes only: never called
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found.setdefault(path, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return found


def isic_terms_used() -> dict[str, set[str]]:
    """The ontology's terms named in the package's code and in queries/, each with the files naming it."""
    patterns = [r"\{ISIC\}([A-Za-z_]\w*)", r"\bISIC\s*\+\s*[\"']([A-Za-z_]\w*)", r"(?<![\w:/.-])isic:([A-Za-z_]\w*)",
                re.escape(ISIC) + r"([A-Za-z_]\w*)"]
    files = [*sorted((ROOT / "isic_graph").rglob("*.py")), *sorted((ROOT / "queries").glob("*.rq"))]
    used: dict[str, set[str]] = {}
    for file in files:
        text = file.read_text(encoding="utf-8")
        for pattern in patterns:
            for match in re.finditer(pattern, text):
                used.setdefault(match.group(1), set()).add(str(file.relative_to(ROOT)))
    return used


def test_every_command_has_a_row_in_the_table_of_commands() -> None:
    rows = {row[0] for row in table_rows((DOCS / "operations.md").read_text(encoding="utf-8")) if row}
    every = list(commands(main))
    assert "isic-graph peer add" in every and "isic-graph serve" in every  # the walk reaches groups' commands
    missing = [name for name in every if f"`{name}`" not in rows]
    assert not missing, f"commands missing from the table of docs/operations.md: {', '.join(missing)}"


def test_every_setting_has_a_row_in_the_table_of_settings() -> None:
    rows = {row[0] for row in table_rows((DOCS / "operations.md").read_text(encoding="utf-8")) if row}
    missing = [s.env for s in (CONFIG_FILE, *SETTINGS) if f"`{s.env}`" not in rows]
    assert not missing, f"settings missing from the table of docs/operations.md: {', '.join(missing)}"


def test_every_error_code_has_a_row_in_the_table_of_errors() -> None:
    rows = [row for row in table_rows((DOCS / "integrators.md").read_text(encoding="utf-8")) if len(row) >= 3]
    documented = {(row[0], row[1]) for row in rows}
    classes = list(error_classes())
    assert len(classes) >= 22
    missing = sorted({f"{kind.code} ({kind.status}, {kind.__name__})" for kind in classes
                      if (str(kind.status), f"`{kind.code}`") not in documented})
    assert not missing, f"error codes missing from the table of docs/integrators.md: {', '.join(missing)}"


def test_every_code_the_http_layers_answer_has_a_row_in_the_table_of_errors() -> None:
    """The codes of the errors Flask raises (by their French words, problems.py) and of those the HTTP server
    answers before the application runs (connections.py), besides the error tree's."""
    from waitress.adjustments import Adjustments

    from isic_graph.web.connections import _said
    from isic_graph.web.problems import FRENCH

    text = (DOCS / "integrators.md").read_text(encoding="utf-8")
    documented = {row[1] for row in table_rows(text) if len(row) >= 3}
    answered = {*FRENCH, *(_said(status, "", Adjustments(), False)[0] for status in (400, 413, 431, 501, 500))}
    missing = sorted(code for code in answered if f"`{code}`" not in documented)
    assert not missing, f"error codes missing from the table of docs/integrators.md: {', '.join(missing)}"


def test_every_route_has_a_row_with_its_methods() -> None:
    rows = [row for row in table_rows((DOCS / "integrators.md").read_text(encoding="utf-8")) if len(row) >= 3]
    documented = {row[0]: {m.strip() for m in row[1].split(",")} for row in rows}
    every = routes()
    assert "/sparql" in every and "/id/{kind}/{slug}" in every
    missing = sorted(path for path in every if f"`{path}`" not in documented)
    assert not missing, f"routes missing from the table of docs/integrators.md: {', '.join(missing)}"
    unsaid = sorted(f"{path} {', '.join(sorted(methods - documented[f'`{path}`']))}"
                    for path, methods in every.items() if methods - documented[f"`{path}`"])
    assert not unsaid, f"methods missing from the routes' rows of docs/integrators.md: {'; '.join(unsaid)}"


@pytest.fixture(scope="module")
def ontology_terms() -> set[str]:
    graph = Graph().parse(ROOT / "ontology" / "isic.ttl")
    return {str(s)[len(ISIC):] for s in graph.subjects(RDF.type, None) if str(s).startswith(ISIC)}


def test_every_ontology_term_the_code_and_queries_use_is_in_the_ontology(ontology_terms: set[str]) -> None:
    used = isic_terms_used()
    assert {"Lesson", "learnedFrom", "describes"} <= set(used)  # the patterns find what the code names
    missing = sorted(f"isic:{term} ({', '.join(sorted(files))})" for term, files in used.items()
                     if term not in ontology_terms)
    assert not missing, f"terms used but not declared in ontology/isic.ttl: {'; '.join(missing)}"


def test_links_between_the_documents_lead_to_files_and_headings_that_exist() -> None:
    broken = []
    for page in pages():
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            linked = (page.parent / target).resolve() if target else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.relative_to(ROOT)} -> {target}#{anchor}")
    assert not broken, f"links to nothing: {'; '.join(broken)}"


def test_every_code_block_of_the_documents_is_closed() -> None:
    unclosed = [str(page.relative_to(ROOT)) for page in pages()
                if len(re.findall(r"^\s*```", page.read_text(encoding="utf-8"), re.M)) % 2]
    assert not unclosed, f"a code block is left open in: {', '.join(unclosed)}"
