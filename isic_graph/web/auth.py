"""Who may write: the administrator token, or a network's own token for its own graph."""

from __future__ import annotations

import hmac

from flask import request

from isic_graph.errors import Forbidden, Unauthorized
from isic_graph.web.services import services


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def is_admin(token: str | None) -> bool:
    admin = services().settings.admin_token
    return bool(token and admin and hmac.compare_digest(token.encode(), admin.encode()))


def require_admin() -> None:
    token = bearer_token()
    if token is None:
        raise Unauthorized("this operation needs the administrator's bearer token")
    if not is_admin(token):
        raise Forbidden("this operation is reserved to the administrator")


def require_network(slug: str) -> None:
    """The request carries the token of network slug (or the administrator's)."""
    token = bearer_token()
    if token is None:
        raise Unauthorized(f"writing network {slug!r} needs its bearer token (Authorization: Bearer …)")
    if is_admin(token):
        return
    owner = services().credentials.network_for(token)
    if owner is None:
        raise Unauthorized("unknown or revoked token")
    if owner != slug:
        raise Forbidden(f"this token belongs to network {owner!r}; it cannot write network {slug!r}")


def require_credential(why: str) -> None:
    """The request carries a valid token: a network's or the administrator's."""
    token = bearer_token()
    if token is None:
        raise Unauthorized(f"{why}: that needs a network's bearer token (Authorization: Bearer …)")
    if not is_admin(token) and services().credentials.network_for(token) is None:
        raise Unauthorized("unknown or revoked token")
