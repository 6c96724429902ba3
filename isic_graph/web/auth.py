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
        raise Unauthorized("this operation needs the administrator's bearer token",
                           fr="cette opération demande le jeton de l'administrateur (Authorization: Bearer …)")
    if is_admin(token):
        return
    if services().credentials.network_for(token) is None:  # a token mistyped is said so, not taken for a network's
        raise Unauthorized("unknown or revoked token: this operation needs the administrator's bearer token",
                           fr="jeton inconnu ou révoqué : cette opération demande le jeton de l'administrateur")
    raise Forbidden("this operation is reserved to the administrator",
                    fr="cette opération est réservée à l'administrateur")


def require_network(slug: str) -> None:
    """The request carries the token of network slug (or the administrator's)."""
    token = bearer_token()
    if token is None:
        raise Unauthorized(f"writing network {slug!r} needs its bearer token (Authorization: Bearer …)",
                           fr=f"écrire le réseau {slug!r} demande son jeton (Authorization: Bearer …)")
    if is_admin(token):
        return
    owner = services().credentials.network_for(token)
    if owner is None:
        raise Unauthorized("unknown or revoked token", fr="jeton inconnu ou révoqué")
    if owner != slug:
        raise Forbidden(f"this token belongs to network {owner!r}; it cannot write network {slug!r}",
                        fr=f"ce jeton est celui du réseau {owner!r} ; il ne peut pas écrire le réseau {slug!r}")


def require_credential(why: str) -> str | None:
    """The request carries a valid token: a network's (its slug is returned) or the administrator's (None)."""
    token = bearer_token()
    if token is None:
        raise Unauthorized(f"{why}: that needs a network's bearer token (Authorization: Bearer …)",
                           fr="il y faut le jeton d'un réseau (Authorization: Bearer …)")
    if is_admin(token):
        return None
    network = services().credentials.network_for(token)
    if network is None:
        raise Unauthorized("unknown or revoked token", fr="jeton inconnu ou révoqué")
    return network
