"""The pages' forms that write or check (the upload page and its confirmation, the sheet form's save and check,
a withdrawal) are only accepted from this site's own pages: a page of another site must not drive them, even
though the token they carry is typed by the user (no cookie stands for anyone) and the preview page echoes it.

A request is the site's own when its `Origin` is the origin of the base IRI (Settings.base_iri) or of one of the
addresses the pages are also served at (Settings.served_origins: a proxy's public address, a second name; and the
address `serve --host --port` listens at, listening_origins); never the request's own Host, which a rebound DNS name
sets as it likes. `Origin: null` (a sandboxed frame, a `data:` page) is another site. Without `Origin`, a browser's
`Sec-Fetch-Site` must say `same-origin` or `none` (the user typed or bookmarked the address); with neither header
(curl, a script) the request is let through: the token is what authorises it, and no browser sends a cross-site form
without them.

The API's routes (Authorization: Bearer) are not forms and are not checked: a page of another site cannot send that
header without a CORS preflight, which no write route answers (only /sparql and the read-only linked data send CORS
headers)."""

from __future__ import annotations

import functools
from typing import Callable, Iterable, TypeVar
from urllib.parse import urlsplit

from flask import request

from isic_graph.errors import Forbidden
from isic_graph.web.services import services

F = TypeVar("F", bound=Callable[..., object])
DEFAULT_PORTS = {"http": 80, "https": 443}
SITE_OWN = ("same-origin", "none")


def origin_of(address: str) -> tuple[str, str, int] | None:
    """The (scheme, host, port) of an http(s) address or origin, the default port made explicit and the host in
    lower case; None for anything else (`null`, another scheme, no host)."""
    try:
        parts = urlsplit(address.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listening_origins(host: str, port: int) -> tuple[str, ...]:
    """The origins of the address the server listens at, as a browser on that address names them: none for a
    wildcard (0.0.0.0, ::), which names no host; the loopback's three names for a loopback address."""
    host = host.strip().strip("[]").lower()
    if host in ("", "0.0.0.0", "::", "*") or port <= 0:
        return ()
    names = LOOPBACK if host in LOOPBACK else (host,)
    return tuple(f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}" for name in names)


def same_site(origin: str | None, fetch_site: str | None, own: Iterable[str]) -> bool:
    """Whether a request with these Origin and Sec-Fetch-Site headers comes from one of the own addresses."""
    if origin is not None:
        found = origin_of(origin)
        return found is not None and found in {origin_of(address) for address in own}
    if fetch_site is not None:
        return fetch_site.strip().lower() in SITE_OWN
    return True  # no browser: the token decides


def check_form_origin() -> None:
    """Refuse (403) a form's post that a page of another site sent, before anything is read or written."""
    settings = services().settings
    if not same_site(request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site"),
                     (settings.base_iri, *settings.served_origins)):
        raise Forbidden("this form can only be sent from its own page on this site",
                        fr="ce formulaire ne peut être envoyé que depuis sa propre page, sur ce site")


def from_own_page(view: F) -> F:
    """A form's view: checked by check_form_origin first."""
    @functools.wraps(view)
    def checked(*args: object, **kwargs: object) -> object:
        check_form_origin()
        return view(*args, **kwargs)

    checked.__dict__["from_own_page"] = True  # the routes that hold it are listed by a test
    return checked  # type: ignore[return-value]
