"""A refused value never reaches the log of `isic-graph serve`, whichever way in it came."""

from __future__ import annotations

import time

from tests.support.live import LiveServer, request
from tests.unit.test_privacy_disguises import EMAIL, sheet_with


def test_the_server_log_never_holds_a_refused_value(server: LiveServer) -> None:
    token = server.cli("network", "add", "privacy", "--name", "Privacy").stdout.strip()
    mark = server.log.stat().st_size
    body = sheet_with(f'isic:emergedFromIndividualSituations "{EMAIL}"^^xsd:boolean ; '
                      'isic:amount "06 12 34 56 78"^^xsd:integer ; '
                      'isic:endDate "1 84 12 76 451 089 46"^^xsd:date').data.replace(b"network/demo",
                                                                                     b"network/privacy")
    answer = request(f"{server.url}/api/networks/privacy/sheets", "POST", body,
                     {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"})
    assert answer.status == 422 and EMAIL.encode() not in answer.body
    for path in (f"/id/person/{EMAIL}", "/id/person/jean.dupont%40exemple.fr", f"/api/networks/{EMAIL}/sheets"):
        request(f"{server.url}{path}", "POST" if path.startswith("/api") else "GET", b"",
                {"Authorization": f"Bearer {token}"})
    last = request(f"{server.url}/healthz").headers["x-request-id"]
    deadline = time.monotonic() + 10  # the log is written by a thread
    while last not in (log := server.log.read_bytes()[mark:].decode("utf-8", "replace")) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answer.headers["x-request-id"] in log and last in log
    for datum in (EMAIL, "jean.dupont%40", "06 12 34 56 78", "451 089 46"):
        assert datum not in log, log[-3000:]
