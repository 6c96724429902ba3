"""IRIs as people read them: look-alike spellings share a key; distinct resources do not."""

from __future__ import annotations

import pytest

from isic_graph.rdf.iris import in_space, ipv4_address, lookalike_key, normal, space_key, spaces_overlap

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


IP_GRAPH = "http://127.0.0.1:5077/graph/network/anas"


@pytest.mark.parametrize("spelling", [
    "http://127.1:5077/graph/network/anas", "http://2130706433:5077/graph/network/anas",
    "http://0x7f.0.0.1:5077/graph/network/anas", "http://0177.0.0.1:5077/graph/network/anas",
    "http://0x7f000001:5077/graph/network/anas", "http://127.0.1:5077/graph/network/anas",
    "http://127.0.0.1.:5077/graph/network/anas", "http://[::ffff:127.0.0.1]:5077/graph/network/anas",
    "http://[::ffff:7f00:1]:5077/graph/network/anas", "http://%31%32%37.0.0.1:5077/graph/network/anas",
    "http://\uff11\uff12\uff17.0.0.1:5077/graph/network/anas", "HTTP://127.1:05077/graph//network/anas/",
])
def test_an_ip_address_spelt_another_way_shares_the_key_of_its_usual_form(spelling: str) -> None:
    """A browser or an HTTP client reaches 127.0.0.1 under each of these: a reader takes them for one host."""
    assert lookalike_key(spelling) == lookalike_key(IP_GRAPH) == IP_GRAPH


@pytest.mark.parametrize("host", ["127.0.0.2", "128.1", "09.0.0.1", "256.0.0.1", "1.2.3.4.5", "0x1g.0.0.1",
                                  "1_0.0.0.1", "\u0661\u0662\u0667.0.0.1", "example.fr", "[::2]"])
def test_a_host_that_names_no_other_address_keeps_its_own_key(host: str) -> None:
    assert lookalike_key(f"http://{host}:5077/graph/network/anas") != IP_GRAPH


@pytest.mark.parametrize("host, address", [("127.1", "127.0.0.1"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"),
                                           ("10.0x10.1", "10.16.0.1"), ("4294967295", "255.255.255.255")])
def test_the_url_standard_reads_an_ipv4_address_in_one_to_four_parts(host: str, address: str) -> None:
    assert str(ipv4_address(host)) == address


@pytest.mark.parametrize("host", ["4294967296", "1.256.1", "09", "1..1", "", "0x1.2.3.4.5", "1.2.3..", "\u0661"])
def test_what_the_url_standard_reads_as_no_ipv4_address(host: str) -> None:
    assert ipv4_address(host) is None


SPACES = [  # (URI space, IRI, whether the space covers it): whole path segments, never a string prefix
    ("http://h/id/", "http://h/id/x", True),
    ("http://h/id/", "http://h/id/x/y?z#f", True),
    ("http://h/id/", "HTTP://H/id/x", True),  # look-alikes are compared on their keys
    ("http://h/id/", "http://h/id", True),  # a look-alike of the space's own IRI
    ("http://h/id/", "http://h/identifiers/x", False),
    ("http://h/id/", "http://h/idx", False),
    ("http://h/id/", "http://h/i", False),
    ("http://h/id", "http://h/id", True),
    ("http://h/id", "http://h/id/x", True),
    ("http://h/id", "http://h/id#x", True),
    ("http://h/id", "http://h/id?x=1", True),
    ("http://h/id", "http://h/idx", False),
    ("http://h/id", "http://h/id-x/y", False),
    ("http://h/id", "http://h/identifiers/x", False),
    ("http://h/vocab#", "http://h/vocab#term", True),
    ("http://h/vocab#", "http://h/vocabulary#term", False),
    ("http://h/vocab#", "http://h/vocab/x", False),
    ("http://h/", "http://h/anything/x", True),
    ("http://h", "http://h/x", True),
    ("http://h", "http://h.evil/x", False),
    ("http://h", "http://h:8080/x", False),
    ("urn:x:", "urn:x:y", True),
    ("urn:x:", "urn:xy:z", False),
]


@pytest.mark.parametrize("space, iri, covered", SPACES)
def test_a_uri_space_covers_whole_path_segments(space: str, iri: str, covered: bool) -> None:
    assert in_space(space_key(space), lookalike_key(iri)) is covered


@pytest.mark.parametrize("one, other, shared", [
    ("http://h/id/", "http://h/identifiers/", False),
    ("http://h/id", "http://h/idx/", False),
    ("http://h/id", "http://h/id/inner/", True),
    ("http://h/", "http://h/id/", True),
    ("http://h/id/", "http://h/id", True),
    ("https://w3id.org/isicx/", "https://w3id.org/isic/", False),
])
def test_two_uri_spaces_overlap_only_where_they_share_an_iri(one: str, other: str, shared: bool) -> None:
    assert spaces_overlap(space_key(one), space_key(other)) is shared
    assert spaces_overlap(space_key(other), space_key(one)) is shared
