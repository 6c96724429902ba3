"""Spreadsheet exports and workbooks through every way in: the API's multipart upload (and curl against a running
server), the upload page, the CLI's ingest and validate. A refused sheet leaves the store as it was."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.live import LiveServer
from tests.web.test_sheet_paths import (
    FIXTURES,
    NETWORK,
    broken_workbook,
)

# ---------------------------------------------------------------- the API







# ---------------------------------------------------------------- the CLI





# ---------------------------------------------------------------- curl against a running server

@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_uploads_a_libreoffice_workbook_to_a_running_server(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "serve", {})
    live.init().start()
    try:
        added = live.cli("network", "add", NETWORK, "--name", "Action sociale 35")
        assert added.returncode == 0, added.stderr
        token = added.stdout.strip().splitlines()[-1]
        broken = tmp_path / "fiche.xlsx"
        broken.write_bytes(broken_workbook())
        for path, status in ((broken, {"422"}), (FIXTURES / "action-sociale-35.xlsx", {"200", "201"})):
            done = subprocess.run(["curl", "-s", "-o", str(tmp_path / "answer.json"), "-w", "%{http_code}",
                                   "-H", f"Authorization: Bearer {token}", "-H", "Accept-Language: fr",
                                   "-F", f"files=@{path}", f"{live.url}/api/networks/{NETWORK}/sheets"],
                                  capture_output=True, text=True, timeout=60, check=False)
            assert done.stdout in status, (tmp_path / "answer.json").read_text()
        answer = (tmp_path / "answer.json").read_text()
        expected = len([line for line in (FIXTURES / "action-sociale-35.nt").read_text(encoding="utf-8").splitlines()
                        if line.strip()])  # the graph the workbook's sheets publish
        assert f'"triples":{expected}' in answer
        assert "Traceback" not in live.log.read_text()
    finally:
        live.stop()
