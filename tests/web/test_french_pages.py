"""Every page of the French interface says its own words in French: each route, asked with `?lang=fr` or
Accept-Language: fr, shows none of the English words of the interface (bilingual pages pair each English word
with its French one, « Réseau / Network »)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.web.test_linked_data import engine  # noqa: F401  (the samples on a real engine)

PAGES = ["/", "/query", "/search", "/search?q=logement", "/maps", "/dumps/", "/thesaurus", "/thesaurus/theme/housing",
         "/thesaurus/role-type", "/id/project/les-incompris", "/id/lesson/cl-obstacle-peur-des-represailles",
         "/id/organisation/ville-de-rennes", "/id/funding/les-incompris-departement", "/sheets/new"]
ENGLISH = ["Query", "Queries", "Search", "Download", "Results", "None.", "Referenced by", "Other formats", "Links",
           "last modified", "Dumps", "network", "project", "lesson", "What uses it", "Run", "Scope", "graph",
           "modified", "since", "owner", "Yes", "No", "Withdraw", "partners", "Projects", "Lessons", "Theme",
           "Filter", "file", "media type", "Save", "Add", "Remove", "Title"]


def visible_words(html: str) -> str:
    """The page's text as a reader sees it, but for what is said in English on purpose (lang="en", and the
    second half of « français / English » pairs) and the values of the data (code, links to data pages)."""
    html = re.sub(r"<(script|style|code|pre|svg|textarea)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<([a-z0-9]+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r'<a href="/(id|thesaurus)/[^"]*">.*?</a>', " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"/\s[^/<>\n]*", " ", text)  # « Réseau / Network »: the English half of a pair
    return text


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("asked", ["query", "header"])
def test_the_french_interface_shows_no_english_word(client: FlaskClient, path: str, asked: str) -> None:
    url = path + ("&" if "?" in path else "?") + "lang=fr" if asked == "query" else path
    response = client.get(url, headers={"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200, url
    text = visible_words(response.get_data(as_text=True))
    found = sorted({w for w in ENGLISH if re.search(rf"(?<![\w'’/-]){re.escape(w)}(?![\w'’/-])", text)})
    assert not found, f"{url}: {found}"
