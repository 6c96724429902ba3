"""Which IRIs and web addresses may become links on a page: http(s) ones only, read as a browser reads an href.

A browser drops tabs and line breaks anywhere in an address, strips C0 controls and spaces at both ends, and
reads the scheme without regard to case: ` java\\tscript:`, `JaVaScRiPt:`, `data:` or `vbscript:` would all run or
show something else than a web page. Whatever is not plainly http(s) is shown as text, never as a link.
"""

from __future__ import annotations

import re

DROPPED = re.compile(r"[\t\n\r]")
EDGES = "".join(chr(c) for c in range(0x21))
WEB_SCHEMES = ("http", "https")


def web_address(value: str) -> str | None:
    """The address as a browser would follow it, when that is an http(s) address with a host; else None."""
    cleaned = DROPPED.sub("", value.strip(EDGES))
    scheme, colon, rest = cleaned.partition(":")
    if not colon or not scheme.isascii() or scheme.lower() not in WEB_SCHEMES:
        return None
    if not rest.replace("\\", "/").startswith("//") or len(rest.strip("/\\")) == 0:
        return None
    return cleaned


def site_path(value: str) -> str | None:
    """A link within this site (`/path`, `./name`, `?query`, `#fragment`), else None: never `//host`, which
    leaves it."""
    if DROPPED.search(value) or value != value.strip(EDGES):
        return None
    if value.startswith(("#", "?", "./")) or (value.startswith("/") and not value.startswith(("//", "/\\"))):
        return value
    return None


def safe_href(value: str | None) -> str | None:
    """What a page may put in an href: a link within the site or an http(s) address; None for anything else."""
    if not value:
        return None
    return site_path(value) or web_address(value)


def page_link(iri: str, base: str) -> str | None:
    """Where a page links an IRI: this instance's own as a path of this site, others only when http(s)."""
    if iri.startswith(base):
        local = site_path("/" + iri[len(base):])
        if local is not None:
            return local
    return web_address(iri)
