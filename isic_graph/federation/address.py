"""A peer's address read once, as a browser reads it, then resolved once and checked: what is connected to.

A URL's host can be spelt many ways for one address: `%31%32%37.0.0.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`,
`127.1`, `[::ffff:127.0.0.1]`, `localhost.`, `１２７.０.０.１`. Each is read here the way the WHATWG URL
standard reads it (percent-decoding, IDNA mapping, the numeric IPv4 forms), a numeric host that is no
address is refused (never handed to the resolver, which reads some of them its own way), a name is
resolved once, and every address it resolves to is checked. The caller then connects to one of those
addresses and to no other.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from dataclasses import dataclass

import idna

from isic_graph.errors import UsageError
from isic_graph.rdf.iris import ipv4_address

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = {"http": 80, "https": 443}
FORBIDDEN_IN_URL = re.compile(r"[\x00-\x20\x7f\\]")  # spaces, controls, backslashes: each parser reads them its way
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv6 ranges whose last 32 bits are an IPv4 address a translator or an old stack may reach: IPv4-compatible
# (deprecated) and IPv4-translated (SIIT) addresses
EMBEDDING = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("::ffff:0:0:0/96"))
# never global, whatever is_global says: NAT64's local-use prefix (a translator of the site's own) and site-local
LOCAL_V6 = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("fec0::/10"))


@dataclass(frozen=True)
class Location:
    """A URL read once: scheme, host (ASCII, as sent in Host and for TLS), port and request target."""

    scheme: str
    host: str  # a lowercase ASCII name, or the address's own text for an IP literal
    port: int
    target: str  # path and query, as sent on the request line
    literal: IPAddress | None  # the address, when the host is one

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if isinstance(self.literal, ipaddress.IPv6Address) else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"


@dataclass(frozen=True)
class Address:
    """A location and the addresses its host resolved to, every one of them checked."""

    location: Location
    addresses: tuple[IPAddress, ...]


MAX_URL = 2048  # characters of a peer's URL, as browsers and servers commonly take them


def locate(url: str) -> Location:
    """The URL read once and normalised; UsageError for anything but a plain http(s) URL."""
    if isinstance(url, str) and len(url) > MAX_URL:  # kept in the registry, listed in the catalogue and refusals
        raise UsageError(f"a peer's URL is at most {MAX_URL} characters; this one has {len(url)}",
                         fr=f"l'URL d'un pair a au plus {MAX_URL} caractères ; celle-ci en a {len(url)}")
    if not isinstance(url, str) or FORBIDDEN_IN_URL.search(url):
        raise UsageError(f"{url!r} is not an http(s) URL (spaces, control characters or backslashes)",
                         fr=f"{url!r} n'est pas une URL http(s) (espaces, caractères de contrôle ou barres obliques "
                            "inverses)")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise UsageError(f"{url!r} is not an http(s) URL", fr=f"{url!r} n'est pas une URL http(s)") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.netloc:
        raise UsageError(f"{url!r} is not an http(s) URL", fr=f"{url!r} n'est pas une URL http(s)")
    if "@" in parts.netloc or parts.fragment or url.endswith("#"):  # the URL is not repeated: it may hold a password
        plain = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2], fragment=""))
        raise UsageError(f"a peer's URL holds no credentials (user:password@) nor fragment (#…): give {plain!r}",
                         fr=f"l'URL d'un pair ne contient ni identifiants (utilisateur:mot-de-passe@) ni fragment "
                            f"(#…) : donnez {plain!r}")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise UsageError(f"{url!r} has an invalid port", fr=f"{url!r} a un port invalide") from None
    host, literal = _host(parts.netloc, url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query or url.endswith("?") else "")
    if not target.startswith("/"):
        raise UsageError(f"{url!r} is not an http(s) URL", fr=f"{url!r} n'est pas une URL http(s)")
    return Location(scheme, host, port, NON_ASCII.sub(lambda m: urllib.parse.quote(m.group()), target), literal)


def resolve(url: str, allow_private: bool) -> Address:
    """The URL's location and its host's addresses, resolved once; UsageError when one is not allowed or
    none is found."""
    location = locate(url)
    addresses = _addresses(location)
    if not addresses:
        raise UsageError(f"{location.host} cannot be resolved", fr=f"le nom {location.host} ne se résout pas")
    if not allow_private:
        check(url, addresses)
    return Address(location, addresses)


def check(url: str, addresses: tuple[IPAddress, ...]) -> None:
    """Refuse addresses that are loopback, link-local, private or reserved (or that embed one)."""
    for address in addresses:
        if not public(address):
            raise UsageError(f"{url!r} points to {address}, a loopback, link-local, private or reserved address; "
                             "register it with --allow-private if this peer is really there",
                             fr=f"{url!r} mène à {address}, une adresse locale, de lien local, privée ou réservée ; "
                                "enregistrez-le avec --allow-private si ce pair est vraiment là")


def public(address: IPAddress) -> bool:
    """A global unicast address, which no IPv4 address it embeds (mapped, compatible, translated, 6to4, Teredo,
    NAT64) makes otherwise, outside NAT64's local-use prefix and the site-local range."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in LOCAL_V6):
            return False
        last = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        embedded = [address.ipv4_mapped, address.sixtofour, address.teredo[1] if address.teredo else None,
                    last if address in NAT64 or any(address in network for network in EMBEDDING) else None]
        if any(inner is not None and not public(inner) for inner in embedded):
            return False
    return address.is_global and not address.is_multicast


def registrable(url: str, allow_private: bool) -> Location:
    """The URL read once, and checked with what its host resolves to now (a name that does not resolve yet
    is checked again at each call)."""
    location = locate(url)
    if not allow_private:
        check(url, _addresses(location))
    return location


def _addresses(location: Location) -> tuple[IPAddress, ...]:
    if location.literal is not None:
        return (location.literal,)
    try:
        infos = socket.getaddrinfo(location.host, location.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return ()
    found: dict[IPAddress, None] = {}
    for info in infos:
        text = str(info[4][0])
        if "%" in text:  # a zone: link-local, refused below anyway
            text = text.split("%")[0]
        found[ipaddress.ip_address(text)] = None
    return tuple(found)


def _host(netloc: str, url: str) -> tuple[str, IPAddress | None]:
    """The host of an authority, decoded and normalised, and its address when it is one."""
    raw = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if raw.startswith("["):
        inner = raw[1:-1] if raw.endswith("]") else ""
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            raise UsageError(f"{url!r} has an invalid IPv6 address", fr=f"{url!r} a une adresse IPv6 invalide"
                             ) from None
        if address.scope_id:
            raise UsageError(f"{url!r}: no zone in a peer's address", fr=f"{url!r} : pas de zone dans l'adresse d'un "
                                                                          "pair")
        mapped = address.ipv4_mapped
        return (str(mapped), mapped) if mapped else (str(address), address)
    try:
        decoded = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise UsageError(f"{url!r} has a host that is not UTF-8", fr=f"{url!r} a un hôte qui n'est pas en UTF-8"
                         ) from None
    if "%" in decoded or FORBIDDEN_IN_URL.search(decoded) or any(c in decoded for c in "/?#@[]:"):
        raise UsageError(f"{url!r} has an invalid host", fr=f"{url!r} a un hôte invalide")
    host = decoded.lower() if decoded.isascii() else _idna(decoded, url)
    host = host[:-1] if host.endswith(".") else host
    labels = host.split(".")
    if _numeric(labels[-1]):
        four = _ipv4(host, url)
        return str(four), four
    if not host or len(host) > 253 or not all(LABEL.fullmatch(label) for label in labels):
        raise UsageError(f"{url!r} has an invalid host name", fr=f"{url!r} a un nom d'hôte invalide")
    return host, None


def _idna(host: str, url: str) -> str:
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        raise UsageError(f"{url!r} has an invalid international host name",
                         fr=f"{url!r} a un nom d'hôte international invalide") from None


def _numeric(label: str) -> bool:
    """The last label of a host that the URL standard reads as an IPv4 address."""
    return bool(re.fullmatch(r"[0-9]+|0[xX][0-9A-Fa-f]*", label))


def _ipv4(host: str, url: str) -> ipaddress.IPv4Address:
    """The URL standard's reading of a host whose last label is a number: an IPv4 address, or refused."""
    four = ipv4_address(host)
    if four is None:
        raise UsageError(f"{url!r} has a host that is neither a name nor an IPv4 address in range",
                         fr=f"{url!r} a un hôte qui n'est ni un nom ni une adresse IPv4 valable")
    return four
