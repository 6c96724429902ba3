"""A user's mistake is one log line (its request id and the kind of refusal), never a traceback; its
message comes in the asked language on every way in: API (Accept-Language, ?lang=), pages, CLI --lang."""

from __future__ import annotations

import urllib.parse
import uuid

from tests.support.live import LiveServer, request
from tests.web.test_refusal_messages import (
    MISTAKES,
    PREFIXES,
    tracebacks,
)

# Mistakes of every kind a sheet holds: dates, amounts, booleans, and links to nothing.










def test_a_live_servers_log_holds_one_line_per_refusal_and_no_traceback(server: LiveServer) -> None:
    added = server.cli("network", "add", "journal-live", "--name", "Journal")
    token = added.stdout.strip()
    mark = server.log.stat().st_size
    ids = []
    for name, turtle in MISTAKES.items():
        rid = uuid.uuid4().hex
        answer = request(f"{server.url}/api/networks/journal-live/sheets", "POST", (PREFIXES + turtle).encode(),
                         {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle", "X-Request-Id": rid})
        assert answer.status == 422, name
        ids.append(rid)
    form = urllib.parse.urlencode({"credential": token, "project.title": "P", "project.startDate": "01/03/2022"})
    rid = uuid.uuid4().hex
    answer = request(f"{server.url}/sheets", "POST", form.encode(),
                     {"Content-Type": "application/x-www-form-urlencoded", "X-Request-Id": rid})
    assert answer.status == 422
    ids.append(rid)
    log = server.log.read_text(encoding="utf-8", errors="replace")[mark:]
    assert not tracebacks(log) and "UserWarning" not in log, log[-3000:]
    for rid in ids:
        lines = [line for line in log.splitlines() if rid in line]
        assert len(lines) == 1 and '"refusal": "validation-failed"' in lines[0], lines















