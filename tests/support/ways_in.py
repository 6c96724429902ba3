"""The ways in of a test that sends the same thing every way in, split in two: the writes (the API, the Graph Store…)
and the check (`/api/validate`, the sheet form's check), whose dry run runs in a process of its own, so that its half
is `live` (tests/support/processes.py) and the quick run still sends the rest."""

from __future__ import annotations

from typing import Any, Sequence

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

BASE = "http://localhost:5000/"


def split(writes: Sequence[Any], checks: Sequence[Any]) -> list[Any]:
    """Parameters for a test taking its ways in as one argument: the writes, then the checks (live)."""
    return [pytest.param(tuple(writes), id="writes"), pytest.param(tuple(checks), id="check", marks=pytest.mark.live)]


def sent(client: FlaskClient, token: str, network: str, body: str | bytes, way: str) -> TestResponse:
    """A Turtle body sent as `network` one way in: its sheets in a mode ("replace", "upsert"), the check
    ("validate"), or its graph in the Graph Store ("put", "post")."""
    headers = {"Authorization": f"Bearer {token}"}
    if way in ("replace", "upsert"):
        return client.post(f"/api/networks/{network}/sheets", query_string={"mode": way}, data=body,
                           content_type="text/turtle", headers=headers)
    if way == "validate":
        return client.post("/api/validate", query_string={"network": network}, data=body,
                           content_type="text/turtle", headers=headers)
    return client.open("/graph-store", method=way.upper(), query_string={"graph": f"{BASE}graph/network/{network}"},
                       data=body, content_type="text/turtle", headers=headers)
