"""The conditional headers' syntax (RFC 9110, 13.1.1 and 13.1.2): `If-Match` and `If-None-Match` are `*` or a list
of entity tags (`"…"`, `W/"…"`). Another value is refused with 400 naming the header, before anything is read or
written: read as a tag list it matched nothing, and an unclosed quote (`If-Match: "`) was told 412, "changed since
the ETag given was read", about a tag that was never one."""

from __future__ import annotations

import re

from flask import Flask, request

from isic_graph.errors import UsageError

TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
CONDITION = re.compile(rf"\s*(?:\*|{TAG}(?:\s*,\s*{TAG})*)\s*")
HEADERS = ("If-Match", "If-None-Match")


def check_conditions() -> None:
    """Refuse (UsageError, 400) a conditional header that is no `*` nor list of entity tags; an empty one is none."""
    for name in HEADERS:
        value = request.headers.get(name)
        if value is not None and value.strip() and not CONDITION.fullmatch(value):
            raise UsageError(f"{name} is neither * nor a list of ETags as a GET gave them (\"…\" or W/\"…\", "
                             "separated by commas): nothing was read or written",
                             fr=f"{name} n'est ni * ni une liste d'ETag comme un GET les a donnés (\"…\" ou W/\"…\", "
                                "séparés par des virgules) : rien n'a été lu ni écrit")


def register(app: Flask) -> None:
    app.before_request(check_conditions)


__all__ = ["check_conditions", "register"]
