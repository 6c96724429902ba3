"""pySHACL's report on data with the whole vocabulary in the data graph (as the validator ran it before it
added only the part the shapes read): the reference several test modules check against, computed once per
input and validator, and once per run for all the processes of a run (`-n 2`): the first process to need a
report writes it to the run's temporary folder, under a lock, and the others read it there."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from pyoxigraph import Triple
from rdflib import BNode, Graph

from isic_graph.validation.validator import Validator, to_rdflib


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the processes of this run share (each worker's temporary folder is one of its subfolders)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "pyshacl-reports"
    folder.mkdir(exist_ok=True)
    return folder


@cache
def _shapes_digest(validator: Validator) -> str:
    """The shapes' triples, every blank node (named anew in each process) as one."""
    lines = sorted(" ".join("_:b" if isinstance(term, BNode) else term.n3() for term in triple)
                   for triple in validator.shapes)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@cache
def whole_vocabulary_report(validator: Validator, triples: frozenset[Triple],
                            folder: Path | None = None) -> tuple[bool, Graph]:
    """Whether the data conforms, and pySHACL's report graph (shared between tests: read it, never change it);
    folder: where the processes of the run share the reports (see run_folder), None for this process alone."""
    if folder is None:
        return _pyshacl(validator, triples)
    digest = hashlib.sha256("\n".join([_shapes_digest(validator), *sorted(map(str, triples))]).encode())
    path = folder / f"{digest.hexdigest()}.pickle"
    with (folder / f"{path.stem}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process computing the same report: wait for it
        if path.exists():
            conforms, report = pickle.loads(path.read_bytes())
            return bool(conforms), report
        result = _pyshacl(validator, triples)
        path.with_suffix(".partial").write_bytes(pickle.dumps(result))
        path.with_suffix(".partial").replace(path)
        return result


def _pyshacl(validator: Validator, triples: frozenset[Triple]) -> tuple[bool, Graph]:
    data = to_rdflib(triples)
    for t in validator.vocabulary:
        data.add(t)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=validator.shapes, inference="none", allow_warnings=True)
    return bool(conforms), report
