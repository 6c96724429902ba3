"""A resource page lists its fields in the order its shapes give them (group, then field), not by name."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

ROW = re.compile(r"<tr><th>(.*?)</th>", re.S)
TAG = re.compile(r"<[^>]+>")
# Fields of ProjectShape in the shapes' order (description group, then the course of the project, then its
# dates); by name they would come in another order in either language.
IN_ORDER = {"fr": ["Description", "genèse", "modalités", "thématique", "effet", "porté par", "date de début",
                   "territoire"],
            "en": ["Description", "genesis", "modalities", "theme", "effect", "carried by", "start date",
                   "territory"]}


def field_names(page: str) -> list[str]:
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    return [html.unescape(TAG.sub("", found)).strip() for found in ROW.findall(table)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_project_page_lists_its_fields_in_the_shapes_order(client: FlaskClient, lang: str) -> None:
    page = client.get(f"/id/project/les-incompris?lang={lang}", headers={"Accept": "text/html"})
    names = field_names(page.get_data(as_text=True))
    assert names[:2] == (["Titre", "type"] if lang == "fr" else ["Title", "type"])  # the label, then the type
    shown = [name for name in names if name in IN_ORDER[lang]]
    assert shown == IN_ORDER[lang] and shown != sorted(shown, key=str.lower)
