"""Hostile documents, each read by a fresh process: refused with a 4xx within bounded time and memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.unit.ingest.test_hostile_documents import LAUGHS, LESSONS_HEADER, PREFIX, ROOT

MEASURE = """
import resource, sys, time
from pathlib import Path
import isic_graph.ingest.ingestion.tabular
from isic_graph.ingest.ingestion.documents import Document, read_batch
from isic_graph.errors import IsicError
from isic_graph.rdf.formats import format_for_path

def peak_kib():  # this process's own high-water mark: ru_maxrss also counts the parent's, inherited at exec
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

path = Path(sys.argv[1])
data = path.read_bytes()
before = peak_kib()
started = time.process_time()  # CPU seconds: what the reading cost, however loaded the machine
try:
    read_batch([Document(path.name, data, format_for_path(path))], "http://localhost:5000/")
except IsicError as exc:
    seconds = time.process_time() - started
    print(exc.status, round(seconds, 3), (peak_kib() - before) // 1024, before // 1024)
else:
    sys.exit("accepted")
"""
HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {  # each at most the largest body the server reads (32 MiB)
    "turtle-nested-1M": ("x.ttl", lambda: PREFIX + b"e:s e:p " + b"[ e:p " * 1_000_000 + b"1 ]"),
    "turtle-hidden-triple-terms-1M": ("x.ttl", lambda: PREFIX + b"e:s e:p\\' " + b"<<( e:a e:b " * 1_000_000),
    "turtle-list-3M": ("x.ttl", lambda: PREFIX + b"e:s e:p ( " + b"1 " * 3_000_000 + b") ."),
    "turtle-literal-30MiB": ("x.ttl", lambda: b'<http://e/s> <http://e/p> "' + b"x" * 30_000_000 + b'" .'),
    "turtle-iri-30MiB": ("x.ttl", lambda: b"<http://e/s> <http://e/p> <http://e/" + b"x" * 30_000_000 + b"> ."),
    "turtle-brackets-30MiB": ("x.ttl", lambda: b"[]" * 15_000_000),
    "ntriples-850k-lines": ("x.nt", lambda: b"".join(b'<http://e/s%d> <http://e/p> "x" .\n' % i
                                                     for i in range(850_000))),
    "jsonld-ints-26MiB": ("x.jsonld", lambda: b'{"@id": "http://e/s", "http://e/p": [' + b"1," * 14_000_000 + b"1]}"),
    "jsonld-objects-30MiB": ("x.jsonld", lambda: b"[" + b",".join(b'{"@id":"http://e/s%d","http://e/p":1}' % i
                                                                  for i in range(800_000)) + b"]"),
    "jsonld-nested-10M": ("x.jsonld", lambda: b"[" * 10_000_000 + b"]" * 10_000_000),
    "csv-rows-3M": ("lessons.csv", lambda: LESSONS_HEADER + b"x,y\n" * 3_000_000),
    "csv-wide-row-30MiB": ("lessons.csv", lambda: LESSONS_HEADER + b"," * 30_000_000),
    "csv-long-cells-30MiB": ("lessons.csv", lambda: LESSONS_HEADER + (b"x" * 70_000 + b"\n") * 400),
    "rdfxml-billion-laughs": ("laughs.rdf", lambda: LAUGHS),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_refusals_take_bounded_time_and_memory(tmp_path: Path, case: str) -> None:
    """Each hostile document, read by a fresh process: refused with a 4xx in under 3 s of CPU time, and with a peak
    memory under 150 MiB above the process's own once it holds the document."""
    name, build = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(build())
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    status, seconds, extra_mib, _ = result.stdout.split()
    assert 400 <= int(status) < 500
    assert float(seconds) < 3 and int(extra_mib) < 150, result.stdout

