"""IRIs as people read them: look-alike spellings share a key; distinct resources do not."""

from __future__ import annotations

import pytest

from isic_graph.rdf.iris import lookalike_key, normal

PROJECT = "http://localhost:5000/id/project/les-incompris"


@pytest.mark.parametrize("spelling", [
    "HTTP://localhost:5000/id/project/les-incompris", "http://LocalHost:5000/id/project/les-incompris",
    "http://localhost:5000//id/project/les-incompris", "http://localhost:5000/id/./project/les-incompris",
    "http://localhost:5000/id/x/../project/les-incompris", "http://localhost:5000/id/project/%6Ces-incompris",
    "http://localhost:5000/id%2Fproject%2Fles-incompris", "http://localhost:5000/id/project/les-incompris/",
    "http://localhost:5000/id/project/LES-INCOMPRIS", "http://localhost:5000/id/project/les-incompris#genid-ab",
    "http://localhost.:5000/id/project/les-incompris", "http://anas@localhost:5000/id/project/les-incompris",
    "http://localhost:05000/id/project/les-incompris",
    "http://\uff4cocalhost:5000/id/project/les-incompris", "http://loc\u00adalhost:5000/id/project/les-incompris",
    "http://localhost\u3002:5000/id/project/les-incompris", "http://\u24dbocalhost:5000/id/project/les-incompris",
])
def test_look_alikes_share_the_key_of_the_iri_they_imitate(spelling: str) -> None:
    assert lookalike_key(spelling) == lookalike_key(PROJECT) == PROJECT


def test_the_normal_form_keeps_what_names_another_resource() -> None:
    assert normal("HTTP://Example.org:80/a/./b/../c?q=%7e#f") == "http://example.org/a/c?q=~#f"
    assert normal("https://example.org:443/a%2fb") == "https://example.org/a%2Fb"  # an escaped slash is not a slash
    assert normal(PROJECT) == PROJECT and normal("urn:isbn:0451450523") == "urn:isbn:0451450523"
    assert lookalike_key(PROJECT + "-bis") != lookalike_key(PROJECT)
    assert lookalike_key("http://example.org/g#genid-1", keep_fragment=True) == "http://example.org/g#genid-1"


@pytest.mark.parametrize("iri, form", [
    ("http://localhost:99999/x", "http://localhost:99999/x"), ("HTTP://LocalHost:099999/x", "http://localhost:99999/x"),
    ("http://[::1]:8080/a/../b", "http://[::1]:8080/b"), ("http://[::1]:99999/x", "http://[::1]:99999/x"),
    ("http://[zz]/x", "http://[zz]/x"),
])
def test_an_authority_no_url_library_reads_keeps_its_port_and_brackets(iri: str, form: str) -> None:
    assert normal(iri) == form and lookalike_key(iri) == form.lower()
    assert lookalike_key("http://localhost:99999/x") != lookalike_key("http://localhost:9999/x")


def test_an_international_host_and_its_ascii_form_share_a_key() -> None:
    assert lookalike_key("http://ex\u00e4mple.fr/a") == lookalike_key("http://xn--exmple-cua.fr/a")
    assert lookalike_key("http://ex\u00e4mple.fr/a") != lookalike_key("http://example.fr/a")
