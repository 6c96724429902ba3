"""Which addresses may become links: http(s) only, read as a browser reads an href."""

from __future__ import annotations

import pytest

from isic_graph.publish.links import page_link, safe_href, web_address

BASE = "http://localhost:5000/"
HOSTILE = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
           "java\nscript:alert(1)", "\x00javascript:alert(1)", "\x01 javascript:alert(1)", "jav&#x09;ascript:x",
           "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
           "VBScript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/", "mailto:a@example.org", "urn:isbn:1",
           "http:", "https://", "http:/\\", "//evil.example/x", "/\\evil.example", "ｊavascript:x", "httpѕ://x.example/",
           "", "   "]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_other_scheme_than_http_and_https_ever_becomes_a_link(value: str) -> None:
    assert web_address(value) is None
    assert safe_href(value) is None
    assert page_link(value, BASE) is None


@pytest.mark.parametrize("value, link", [("https://www.anas.fr/", "https://www.anas.fr/"),
                                         ("HTTP://Example.org/a?b#c", "HTTP://Example.org/a?b#c"),
                                         (" https://example.org/\n", "https://example.org/"),
                                         ("ht\ttps://example.org/", "https://example.org/")])
def test_http_and_https_addresses_are_links_as_a_browser_reads_them(value: str, link: str) -> None:
    assert web_address(value) == link and safe_href(value) == link


def test_this_instances_iris_are_paths_of_the_site_and_never_leave_it() -> None:
    assert page_link(BASE + "id/project/les-incompris", BASE) == "/id/project/les-incompris"
    assert page_link(BASE + "/evil.example/x", BASE) == BASE + "/evil.example/x"  # never //evil.example/x
    assert page_link(BASE + "\\evil.example/x", BASE) == BASE + "\\evil.example/x"
    for local in ("/ontology#Lesson", "#genid-a1", "?lang=en", "./les-incompris.ttl"):
        assert safe_href(local) == local
