"""A dry run's process under a server started by a script, as pip writes `isic-graph`: multiprocessing runs the
parent's main script again in each process it starts from a fork server (its preloading of `__main__` never worked
before CPython 3.13, gh-126631), so the script's imports must be the fork server's already, or each check of a
submission would import the whole command line again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.queries import BASE

# what pip's `isic-graph` script runs, after a line that notes each run of it: its process, that process's parent,
# its module's name and whether the command line's modules were loaded before it
SCRIPT = """\
import json, os, sys
with open({record!r}, "a") as out:
    out.write(json.dumps([os.getpid(), os.getppid(), __name__, "isic_graph.cli" in sys.modules]) + "\\n")
from isic_graph.cli import main
if __name__ == "__main__":
    from isic_graph.errors import ParseError
    from isic_graph.ingest.dry_run import Submission, dry_run
    for _ in range(2):
        try:
            dry_run(Submission("http://127.0.0.1:9/query", {base!r}, (("s.ttl", b"<http://e/s> <http://e/p> .",
                                                                          "turtle"),)), 60)
        except ParseError as refused:
            print(refused.status)
"""


def test_a_dry_runs_process_does_not_import_the_command_line_again(tmp_path: Path) -> None:
    record = tmp_path / "runs.jsonl"
    script = tmp_path / "isic-graph"
    script.write_text(SCRIPT.format(record=str(record), base=BASE))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["400", "400"], done.stderr  # each dry run refused the document, as itself
    runs = [json.loads(line) for line in record.read_text().splitlines()]
    parent = [pid for pid, _, name, _ in runs if name == "__main__"]
    assert len(parent) == 1
    # the fork server is the parent's child; a dry run's process is the fork server's
    in_dry_runs = [loaded for pid, ppid, name, loaded in runs if pid != parent[0] and ppid != parent[0]]
    assert all(in_dry_runs), f"{in_dry_runs.count(False)} dry run(s) imported the command line again"
