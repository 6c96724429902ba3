"""Pages are written in template files, each extending the one base layout; no Python module holds markup.

Markup that code builds (the SVG class diagram, the note in truncated SPARQL XML results, the XML boolean
answer) is made with xml.etree.ElementTree, the maps with matplotlib: no string literal in the package
opens an HTML or SVG element, whatever its case. The one kind of literal let through is the pattern of a
regular expression (the first argument of re.compile, re.sub…), which finds markup and writes none: the maps
module edits the SVG that matplotlib writes with such patterns.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jinja2 import Environment, nodes

import isic_graph

from .conftest import BASE

PACKAGE = Path(isic_graph.__file__).parent
TEMPLATES = PACKAGE / "web" / "templates"
LAYOUT = "base.html"
PARTIALS = {"macros.html"}  # imported by pages for their macros, never rendered on their own
HTML_ELEMENTS = ("html head body div p a table thead tbody tr td th form section article nav main header footer "
                 "aside ul ol li dl dt dd span h1 h2 h3 h4 h5 h6 script style link meta title base br hr img "
                 "input select option textarea button label fieldset legend details summary noscript iframe "
                 "object embed figure figcaption small code pre em strong b i u")
SVG_ELEMENTS = "svg g rect circle ellipse line polyline polygon path text tspan defs marker use image"
# an opening tag (its name then a space, a slash or its end) or a doctype; a closing tag alone, such as the
# `</head>` that the cut results are searched for, opens nothing and is not markup being written
TAG = re.compile(r"<(?:!doctype|(?:%s)(?=[\s/>]|\Z))" % "|".join(f"{HTML_ELEMENTS} {SVG_ELEMENTS}".split()),
                 re.IGNORECASE)
PATTERN_TAKERS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
FROM_STRING = {"render_template_string", "from_string", "Template"}
PAGES = ["/", "/dumps/", "/search", "/search?q=parole", "/maps", "/query", "/sheets/new", "/sheets/csv",
         "/ontology", "/id/project/les-incompris", "/id/network/anas", "/thesaurus/theme/housing",
         "/sheets/edit?project=" + BASE + "id/project/les-incompris"]


def _modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 50  # the whole package is read, not an empty or wrong folder
    return found


def _patterns(tree: ast.AST) -> set[int]:
    """The constants that are the pattern of a call of the re module (re.sub(pattern, …), re.compile(pattern))."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in PATTERN_TAKERS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
            given = node.args[:1] + [k.value for k in node.keywords if k.arg == "pattern"]
            found |= {id(part) for pattern in given for part in ast.walk(pattern)}
    return found


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string and bytes constant (docstrings, literals, the fixed parts of f-strings) but the patterns of
    regular expressions."""
    patterns = _patterns(tree)
    return [(node.lineno, node.value if isinstance(node.value, str) else node.value.decode("latin-1"))
            for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
            and id(node) not in patterns]


def test_the_markup_scan_catches_tags_in_any_spelling_and_lets_other_text_pass() -> None:
    caught = ['<!DOCTYPE html>', '<DIV class="x">', "<p>", "<a\nhref='/'>", "<br/>", "<svg xmlns='x'>", "<rect",
              b'<link href="x"/>', "<Script src=x>", f"<td>{1}"]
    for text in caught:
        assert any(TAG.search(value) for _, value in _literals(ast.parse(f"x = {text!r}"))), text
    tree = ast.parse('x = f"<td>{y}</td>"\ny = "SELECT ?s WHERE { ?s ?p <http://x> } # a<b, </head>, <?xml"\n'
                     'z = re.sub(r"<defs>\\s*</defs>", "", re.sub(pattern="<g>", repl="<G>", string=y))')
    assert [value for _, value in _literals(tree) if TAG.search(value)] == ["<td>", "<G>"]


def test_no_python_module_of_the_package_holds_html_or_svg_markup() -> None:
    found = [f"{path.relative_to(PACKAGE)}:{line}: {value[match.start():match.start() + 40]!r}"
             for path in _modules() for line, value in _literals(ast.parse(path.read_text(encoding="utf-8")))
             if (match := TAG.search(value))]
    assert found == [], "markup belongs in isic_graph/web/templates/ (or is built with ElementTree):\n" + \
        "\n".join(found)


def test_no_python_module_renders_a_template_written_in_python() -> None:
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("jinja2", "flask"):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute):  # flask.render_template_string, env.from_string, jinja2.Template
                is_jinja = isinstance(node.value, ast.Name) and node.value.id == "jinja2"
                names = [node.attr] if node.attr != "Template" or is_jinja else []
            elif isinstance(node, ast.Name) and node.id != "Template":
                names = [node.id]
            else:
                continue
            found += [f"{path.relative_to(PACKAGE)}:{node.lineno}: {n}" for n in names if n in FROM_STRING]
    assert found == [], found


def _extends(name: str) -> list[str]:
    tree = Environment().parse((TEMPLATES / name).read_text(encoding="utf-8"))
    return [n.template.value for n in tree.find_all(nodes.Extends) if isinstance(n.template, nodes.Const)]


def test_every_page_template_extends_the_one_base_layout_which_alone_writes_the_document() -> None:
    names = sorted(p.name for p in TEMPLATES.glob("*.html"))
    pages = [n for n in names if n != LAYOUT and n not in PARTIALS]
    assert LAYOUT in names and len(pages) >= 10, names
    for name in pages:
        assert _extends(name) == [LAYOUT], name
    for name in names:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for part in ("<!doctype", "<html", "<head", "<body", "</body>", 'charset="utf-8"', "site.css", "viewport"):
            assert (part in text.lower()) == (name == LAYOUT), (name, part)
    for name in PARTIALS:
        tree = Environment().parse((TEMPLATES / name).read_text(encoding="utf-8"))
        assert not _extends(name) and all(isinstance(n, nodes.Macro) for n in tree.body if not (
            isinstance(n, nodes.Output) and all(isinstance(d, nodes.TemplateData) and not d.data.strip()
                                                 for d in n.nodes))), name


class Outline(HTMLParser):
    """The tags of a page, and the elements of its head with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.head: list[tuple[str, dict[str, str | None]]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif self.in_head:
            self.head.append((tag, dict(attrs)))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_written_in_the_base_layout(client: FlaskClient, path: str) -> None:
    for lang in ("fr", "en"):
        response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
        assert response.status_code == 200 and response.content_type == "text/html; charset=utf-8", path
        page = response.get_data(as_text=True)
        assert page.startswith("<!doctype html>\n<html lang=") and page.endswith("</body></html>"), path
        outline = Outline()
        outline.feed(page)
        for tag in ("html", "head", "body"):
            assert outline.tags.count(tag) == 1, (path, tag)
        head = outline.head
        assert [tag for tag, _ in head].count("title") == 1, path  # (an inline SVG has a title of its own)
        assert head[0] == ("meta", {"charset": "utf-8"}), path
        assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in head, path
        assert ("link", {"rel": "stylesheet", "href": "/static/site.css"}) in head, path
        assert {tag for tag, _ in head} <= {"meta", "title", "link"}, (path, head)  # no inline style or script


def test_the_site_style_sheet_is_a_static_file(client: FlaskClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200 and response.content_type.startswith("text/css")
    assert b"body{" in response.data and b"<" not in response.data


def test_the_wheel_ships_every_template_and_static_file() -> None:
    """Read with the build backend's own file selection (the vendored workbench assets are the build hook's)."""
    from hatchling.builders.wheel import WheelBuilder

    root = PACKAGE.parent
    assert (root / "pyproject.toml").is_file()
    shipped = {f.distribution_path for f in WheelBuilder(str(root)).recurse_included_files()}
    static = PACKAGE / "web" / "static"
    needed = [p.relative_to(root).as_posix() for folder in (TEMPLATES, static) for p in folder.rglob("*")
              if p.is_file() and (static / "vendor") not in p.parents]
    assert len(needed) >= 15 and [p for p in needed if p not in shipped] == []
