"""IRIs compared as people read them: the RFC 3986 normal form, and a key that look-alikes share."""

from __future__ import annotations

import functools
import ipaddress
import posixpath
import re
import urllib.parse
from typing import Callable

import idna

PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEMES = ("http", "https")
KEPT = 1 << 16  # IRIs whose forms are kept: a file names its subjects again and again


@functools.lru_cache(maxsize=KEPT)
def normal(iri: str) -> str:
    """The IRI in RFC 3986 normal form (6.2.2): scheme and host in lower case, no default port, unreserved
    characters decoded and other escapes in upper case, no dot segments; and no repeated slashes."""
    parts = _split(iri)
    if parts is None or not parts.scheme or not parts.netloc:
        return iri
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    port = _port(parts)
    port = port if port not in (DEFAULT_PORTS.get(parts.scheme.lower()), None) else None
    user = parts.netloc.rpartition("@")[0]
    netloc = (user + "@" if user else "") + host.rstrip(".") + (f":{port}" if port else "")
    path = re.sub("/{2,}", "/", _unescape(parts.path))
    if path:
        trailing = path.endswith(("/", "/.", "/.."))
        path = posixpath.normpath(path).replace("//", "/") + ("/" if trailing and path != "/" else "")
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, path, _unescape(parts.query),
                                    _unescape(parts.fragment)))


@functools.lru_cache(maxsize=KEPT)
def lookalike_key(iri: str, keep_fragment: bool = False) -> str:
    """What look-alikes share: the normal form fully decoded (`%2F` too, and in the host), without user information,
    trailing slash or fragment (unless kept), in lower case."""
    return lookalike_form(iri, keep_fragment).lower()


@functools.lru_cache(maxsize=KEPT)
def lookalike_form(iri: str, keep_fragment: bool = False) -> str:
    """lookalike_key with the case of the path, query and fragment kept (the host is in lower case)."""
    head, _, fragment = normal(iri).partition("#")
    parts = _split(head)
    if parts is None:  # no URL a library reads (`http://[zz]/`): compared as written, in lower case
        return (head + ("#" + fragment if keep_fragment and fragment else "")).lower()
    path = posixpath.normpath(re.sub("/{2,}", "/", urllib.parse.unquote(parts.path))) if parts.path else ""
    path = path.rstrip("/") if path != "/" else path
    netloc = _host_key(urllib.parse.unquote(parts.netloc.rpartition("@")[2]))  # user information names no other
    found = urllib.parse.urlunsplit((parts.scheme, netloc, path, parts.query, ""))
    return found + ("#" + fragment if keep_fragment and fragment else "")


HOST_LABEL = re.compile(r"[A-Za-z0-9_-]+")
IPV4_PART = re.compile(r"0[xX][0-9A-Fa-f]*|0[0-7]*|[1-9][0-9]*")  # the URL standard's: hexadecimal, octal, decimal


def ipv4_address(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host names as the URL standard (and so a browser or an HTTP client) reads it: one to four
    parts, each decimal, octal (`0177`) or hexadecimal (`0x7f`), the last filling what the others leave
    (`127.1`, `2130706433`); None when the host names none, or is out of range."""
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not 1 <= len(labels) <= 4 or not all(IPV4_PART.fullmatch(label) for label in labels):
        return None
    numbers = [int(label[2:] or "0", 16) if label[:2].lower() == "0x" else
               int(label[1:], 8) if len(label) > 1 and label.startswith("0") else int(label) for label in labels]
    *first, last = numbers
    if any(n > 255 for n in first) or last >= 256 ** (5 - len(numbers)):
        return None
    return ipaddress.IPv4Address(sum(n * 256 ** (3 - index) for index, n in enumerate(first)) + last)


@functools.lru_cache(maxsize=KEPT)
def host_problem(iri: str) -> tuple[str, str] | None:
    """Why a web IRI's host names no host, in English and French: none (`http:///x`), an empty label (`a..b`, `.a`),
    an A-label that is no punycode (`xn--localhost-`), a label of characters no host name holds or that IDNA refuses;
    None when it is a host name, an IP address, or the IRI is not a web one."""
    parts = _split(iri)
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES:
        return None
    authority = parts.netloc.rpartition("@")[2]
    if authority.startswith("["):  # an IPv6 address (a malformed one makes _split fail)
        return None
    host = urllib.parse.unquote(authority.partition(":")[0])
    host = host[:-1] if host.endswith(".") else host  # one final dot: a fully qualified name
    if not host:
        return "it names no host", "elle ne nomme aucun hôte"
    for label in re.split(r"[.\u3002\uff0e\uff61]", host):
        if not label:
            return f"its host {host!r} has an empty label", f"son hôte {host!r} a un nom vide entre deux points"
        try:
            if label[:4].lower() == "xn--":
                idna.decode(label)
            elif not HOST_LABEL.fullmatch(label):
                idna.encode(label, uts46=True, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError, ValueError):
            return (f"its host {host!r} holds {label!r}, which is no valid host name (IDNA)",
                    f"son hôte {host!r} contient {label!r}, qui n'est pas un nom d'hôte valide (IDNA)")
    return None


def scheme_blind(key: str) -> str:
    """A look-alike key (lookalike_key) with the web schemes made one: `https://x/` and `http://x/` name the same
    host's page, which a reader takes for one another."""
    scheme, separator, rest = key.partition("://")
    return "http://" + rest if separator and scheme in WEB_SCHEMES else key


def scheme_twin(key: str) -> str | None:
    """A look-alike key in the other web scheme (`http` for `https`, and back); None for another scheme."""
    scheme, separator, rest = key.partition("://")
    return ("https" if scheme == "http" else "http") + separator + rest if separator and scheme in WEB_SCHEMES \
        else None


def _host_key(authority: str) -> str:
    """The host as a browser reaches it (IDNA's UTS 46 mapping: `ｌocalhost`, `loc\u00adalhost` and `LOCALHOST` are
    `localhost`, `exämple.fr` is `xn--exmple-cua.fr`; `127.1`, `0x7f.0.0.1` and `[::ffff:127.0.0.1]` are
    `127.0.0.1`), with its port; a host IDNA refuses is kept as written."""
    if authority.startswith("["):  # an IPv6 address in its shortest form, an IPv4 one when it embeds it
        inner, bracket, port = authority[1:].partition("]")
        try:
            six = ipaddress.IPv6Address(inner)
        except ValueError:
            return authority
        four = six.ipv4_mapped
        return (str(four) if four else f"[{six.compressed}]") + (port if bracket else "")
    host, colon, port = authority.partition(":")
    try:
        host = idna.encode(host, uts46=True, std3_rules=False, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    four = ipv4_address(host)
    return (str(four) if four else host.rstrip(".")) + colon + port


def _split(iri: str) -> urllib.parse.SplitResult | None:
    try:
        return urllib.parse.urlsplit(iri)
    except ValueError:  # brackets that hold no IPv6 address
        return None


def _port(parts: urllib.parse.SplitResult) -> int | str | None:
    """The port as a number, or as written (without leading zeros) when it is none a URL library takes: an IRI's
    port is any run of digits (RFC 3987), `99999` included, and is still compared, never refused here."""
    try:
        return parts.port
    except ValueError:
        written = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
        return (written.lstrip("0") or "0") if written.isdigit() else written


def _unescape(text: str) -> str:
    """Escapes of unreserved characters decoded, the others in upper case."""
    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group()[1:], 16))
        return char if char in UNRESERVED else match.group().upper()
    return PERCENT.sub(one, text)


def space_key(space: str, key: Callable[[str], str] = lookalike_key) -> str:
    """A URI space's key (`key`: what IRIs are compared on, which drops a trailing slash and the fragment), marked
    with how the space ends: `…#` and `…/` kept (it covers what starts with it), otherwise as it is."""
    found = key(space)
    if space.endswith("#") and not found.endswith("#"):
        return found + "#"
    if space.endswith("/") and not found.endswith("/"):
        return found + "/"
    return found


def in_space(space: str, iri_key: str) -> bool:
    """Whether an IRI (its key, by the same `key` as the space's space_key) lies in a URI space, by whole path
    segments: a space ending in `/` or `#` (or a URN's `:`) covers what starts with it, one ending otherwise covers
    itself and what continues it with `/`, `#` or `?` (`http://h/id/` and `http://h/id` both cover `http://h/id/x`,
    neither covers `http://h/identifiers/x` nor `http://h/idx`). The space's own IRI without its last `/` or `#`
    (`http://h/id`, a look-alike of `http://h/id/`: the same key) is in it too."""
    if space.endswith(("/", "#")):
        return iri_key == space[:-1] or iri_key.startswith(space)
    if space.endswith(":"):
        return iri_key.startswith(space)
    return iri_key == space or (iri_key.startswith(space) and iri_key[len(space)] in "/#?")


def spaces_overlap(one: str, other: str) -> bool:
    """Whether two URI spaces (their space_key) share an IRI: one holds the other's own IRI."""
    return in_space(one, other.rstrip("/#") or other) or in_space(other, one.rstrip("/#") or one)
