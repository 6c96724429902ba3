"""A dry run (a submission parsed and validated, nothing stored) in a process of its own, stopped at its
deadline, its report cut to the first problems and their count.

Validating can cost far more than its submission: one 1.5 MB invalid Turtle file took over a minute
of CPU and 600 MB, and its full report weighed 50 MB. Run in the web process, that held a thread, the
interpreter lock and the memory of every other request. Here each dry run is a process forked from a
small server process that has the validator's modules loaded (multiprocessing's forkserver), killed at
the deadline; what comes back is the count of the problems and the first REPORT_LIMIT of them.
"""

from __future__ import annotations

import ast
import math
import multiprocessing
import os
import resource
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from isic_graph.config import tune_collector
from isic_graph.errors import DryRunFailed, IsicError, ValidationTimeout
from isic_graph.ingest.documents import Document
from isic_graph.ingest.ingestion import Mode, check, refuse_mixed
from isic_graph.ingest.reading import read_batch
from isic_graph.rdf.formats import format_named
from isic_graph.rdf.labels import choose
from isic_graph.rdf.namespaces import RDFS, Graphs
from isic_graph.rdf.namespaces import SH as SHACL
from isic_graph.store.remote import RemoteStore
from isic_graph.validation.validator import ValidationReport, Validator, Violation

REPORT_LIMIT = 100  # problems a report shows; the count says how many there were
# the modules the fork server loads before it forks (dry_run_preload makes the validator there), beside the main
# script's (script_modules)
FORK_SERVER_MODULES = ["isic_graph.ingest.dry_run", "isic_graph.ingest.ingestion", "isic_graph.ingest.documents",
                       "isic_graph.ingest.dry_run_preload"]
SH = Namespace(SHACL)
RDFS_COMMENT = URIRef(RDFS + "comment")


@dataclass(frozen=True)
class Submission:
    """What a dry run needs: where the store answers, the instance's base IRI, the documents
    (name, bytes, format name), the network it is meant for, and the W3C report's format if one is wanted."""

    store_url: str
    base_iri: str
    documents: tuple[tuple[str, bytes, str], ...]
    network: str | None = None
    report_format: str | None = None  # rdflib's name of a report format (rdf.formats, REPORT)
    limit: int = REPORT_LIMIT
    peer_registry: Path | None = None  # the registered peers, who own their URI spaces
    mode: str = "replace"  # the ingestion's mode it is checked for (ingestion.Mode's value): a form's save upserts


@dataclass(frozen=True)
class DryRun:
    """The outcome: the batch's size, whether it conforms, how many problems, and the first `limit` of them."""

    conforms: bool
    triples: int
    subjects: int
    problems: int
    violations: tuple[Violation, ...]
    report: str | None = None  # the W3C report of the violations shown, when asked for

    def describe(self, lang: str = "fr") -> str:
        """The problems for people: a count, then one line each for those shown."""
        if self.conforms:
            return choose(lang, "Conforme.", "Conforms.")
        lines = [choose(lang, f"{self.problems} problème(s) à corriger :", f"{self.problems} problem(s) to fix:")]
        lines += [f"  - {v.describe(lang)}" for v in self.violations]
        hidden = self.problems - len(self.violations)
        if hidden > 0:
            lines.append(choose(lang, f"  … et {hidden} autre(s)", f"  … and {hidden} more"))
        return "\n".join(lines)

    def as_report(self) -> ValidationReport:
        """The violations shown, as a report (for code that reads ValidationReport)."""
        return ValidationReport(self.conforms, self.violations, Graph())


class DryRuns:
    """At most `limit` dry runs at once on this server, whoever sends them (each client also has its own share
    of the costly requests); one that waits for its turn waits within its own deadline."""

    def __init__(self, limit: int = max(2, os.cpu_count() or 2)) -> None:
        self.limit = limit
        self._turns = threading.BoundedSemaphore(limit)

    def run(self, submission: Submission, timeout: float) -> DryRun:
        begun = time.monotonic()
        if not self._turns.acquire(timeout=timeout):
            raise ValidationTimeout(f"the server was validating {self.limit} submissions at once for {timeout:g} s; "
                                    "nothing was stored. Send it again in a moment",
                                    f"le serveur vérifiait déjà {self.limit} envois depuis {timeout:g} s ; rien n'a "
                                    "été enregistré. Envoyez-le de nouveau dans un instant")
        try:
            return dry_run(submission, max(0.1, timeout - (time.monotonic() - begun)))
        finally:
            self._turns.release()


def dry_run(submission: Submission, timeout: float) -> DryRun:
    """Validate the submission in a process of its own; ValidationTimeout if it is not done in `timeout` s."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*FORK_SERVER_MODULES, *script_modules()])
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(sending, submission, timeout), daemon=True)
    process.start()
    sending.close()
    try:
        if not receiving.poll(timeout):
            raise ValidationTimeout(f"the validation ran past {timeout:g} s and was stopped; nothing was stored. "
                                    "Send the submission in smaller parts",
                                    f"la vérification a dépassé {timeout:g} s et a été arrêtée ; rien n'a été "
                                    "enregistré. Envoyez la fiche en plusieurs parties (quelques tableaux, ou "
                                    "moins de lignes, à la fois)")
        try:
            outcome: tuple[Any, ...] = receiving.recv()
        except EOFError:
            raise DryRunFailed("the validation process ended without an answer (out of memory?)",
                               "la vérification s'est arrêtée sans répondre (mémoire épuisée ?) ; rien n'a été "
                               "enregistré") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiving.close()
    if outcome[0] == "done":
        result: DryRun = outcome[1]
        return result
    if outcome[0] == "refused":
        error: IsicError = outcome[1]
        raise error
    raise DryRunFailed(f"the validation failed: {outcome[1]}")


@cache  # the main script is read once: it does not change while the server runs
def script_modules() -> tuple[str, ...]:
    """The modules the server's main script imports, when it was run by its path (`isic-graph serve`,
    `waitress-serve`): the fork server loads them too. Each process started from a fork server runs that script
    again, and its preloading of `__main__` never worked before CPython 3.13 (gh-126631): without them, every dry
    run under `isic-graph serve` imported the whole command line again (about 0.5 s of each check)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or not isinstance(path, str):
        return ("__main__",)  # run as a module (`python -m`), which is not run again, or with no script
    try:
        statements = ast.parse(Path(path).read_bytes()).body
    except (OSError, SyntaxError, ValueError):
        return ("__main__",)
    names = {alias.name for s in statements if isinstance(s, ast.Import) for alias in s.names}
    names |= {s.module for s in statements if isinstance(s, ast.ImportFrom) and s.module and not s.level}
    return ("__main__", *sorted(names))


def _work(sending: Connection, submission: Submission, timeout: float) -> None:
    """In the dry run's process: validate and send back the outcome (or the error)."""
    tune_collector()
    seconds = math.ceil(timeout) + 2  # the parent kills it first; this is for a parent gone
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        outcome: tuple[Any, ...] = ("done", _validate(submission, timeout))
    except IsicError as exc:
        outcome = ("refused", exc)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it as a 500
        outcome = ("failed", f"{type(exc).__name__}: {exc}"[:1000])
    sending.send(outcome)
    sending.close()


def _validate(submission: Submission, timeout: float) -> DryRun:
    store = RemoteStore(submission.store_url, submission.store_url, None, timeout=timeout)
    documents = [Document(name, data, format_named(fmt)) for name, data, fmt in submission.documents]
    refuse_mixed(documents)  # as ingestion refuses them: a dry run does not call fine what will be refused
    graphs = Graphs(submission.base_iri, submission.peer_registry)
    batch = read_batch(documents, submission.base_iri, top=None if submission.network is None else
                       graphs.network_resource(submission.network))
    report = check(batch, store, Validator.default(), graphs, submission.network, Mode(submission.mode))
    shown = report.violations[:submission.limit]
    serialized = None
    if submission.report_format is not None and not report.conforms:
        capped = capped_graph(report.graph, submission.limit)
        serialized = capped.serialize(format=submission.report_format)
    return DryRun(report.conforms, len(batch.triples), len(batch.subjects), len(report.violations), shown,
                  serialized)


def capped_graph(graph: Graph, limit: int) -> Graph:
    """The W3C validation report with its first `limit` results (by focus node, path and value), saying how many
    there were."""
    roots = list(graph.subjects(RDF.type, SH.ValidationReport))
    results = [(root, result) for root in roots for result in graph.objects(root, SH.result)]
    if len(results) <= limit:
        return graph

    def order(item: tuple[Node, Node]) -> tuple[str, str, str]:
        result = item[1]
        return tuple(str(graph.value(result, p) or "") for p in (SH.focusNode, SH.resultPath, SH.value))  # type: ignore[return-value]

    kept = sorted(results, key=order)[:limit]
    capped = Graph()
    for prefix, namespace in graph.namespaces():
        capped.bind(prefix, namespace)
    for root in roots:
        for p, o in graph.predicate_objects(root):
            if p != SH.result:
                capped.add((root, p, o))
        capped.add((root, RDFS_COMMENT, Literal(f"the first {limit} of {len(results)} results")))
    for root, result in kept:
        capped.add((root, SH.result, result))
        for triple in graph.cbd(result):
            capped.add(triple)
    return capped
