"""The query workbench: YASGUI from the package itself, the competency questions, the scopes, no outside address."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from tests.support import paths

QUERIES = paths.ROOT / "queries"


def test_the_workbench_offers_every_competency_question_with_its_title(client: FlaskClient) -> None:
    page = client.get("/query", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    data = json.loads(re.search(r'<script id="workbench-data" type="application/json">(.*?)</script>', page, re.S)
                      .group(1))  # type: ignore[union-attr]
    assert [e["name"] for e in data["examples"]] == sorted(p.stem for p in QUERIES.glob("*.rq"))
    cq09 = next(e for e in data["examples"] if e["name"].startswith("cq09"))
    assert cq09["title"]["fr"].startswith("Quels enseignements d'un réseau") and "SELECT" in cq09["query"]
    assert "Quels enseignements d&#39;un réseau" in page or "Quels enseignements d'un réseau" in page
    assert "https://w3id.org/isic/ontology#Lesson" in data["terms"]["classes"]
    assert "https://w3id.org/isic/ontology#learnedFrom" in data["terms"]["properties"]
    assert data["start"].startswith("PREFIX isic: <https://w3id.org/isic/ontology#>")
    assert [s for s in ("local", "all", "live") if f'<option value="{s}"' in page] == ["local", "all", "live"]


def test_the_workbench_loads_nothing_from_elsewhere(client: FlaskClient) -> None:
    page = client.get("/query").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/vendor/yasgui.min.js" in sources and "/static/vendor/yasgui.min.css" in sources
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []
    script = client.get("/static/vendor/yasgui.min.js")
    assert script.status_code == 200 and len(script.data) > 500_000
    assert client.get("/static/workbench.js").status_code == 200


def test_the_workbench_speaks_english_on_request(client: FlaskClient) -> None:
    page = client.get("/query?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Analysts&#39; questions" in page


@pytest.mark.parametrize("opened", ["<!--<script>", "</script><script>alert(1)</script>", "<![CDATA[ & ]]> '\""])
def test_a_linked_query_stays_data_inside_the_page_whatever_it_holds(client: FlaskClient, opened: str) -> None:
    """The query a link opens is JSON inside a script element: no `<`, `>` or `&` of it reaches the page as such
    (`<!--<script>` would otherwise swallow the rest of the page into that element), and it reads back whole."""
    page = client.get("/query", query_string={"query": opened}).get_data(as_text=True)
    block = page.split('<script id="workbench-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(block)
    assert json.loads(block)["open"] == opened
