"""What every command shares: the settings and store, exit codes and messages, the common options."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, NoReturn, TypeVar

import click

from isic_graph.config import Settings
from isic_graph.errors import IsicError, Report
from isic_graph.rdf.labels import LANGUAGES
from isic_graph.rdf.namespaces import Graphs
from isic_graph.store import open_store
from isic_graph.store.base import Store

T = TypeVar("T")
LANG = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                    help="Language of the report and of the error messages (without it: the report in French, "
                         "the messages in English).")
REPORT = click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                      help="Also write the W3C SHACL report (.ttl or .jsonld).")


class Context:
    """What every command needs: settings, read once."""

    def __init__(self) -> None:
        self.settings = Settings.from_env()
        self.graphs = Graphs(self.settings.base_iri, self.settings.peers_path)

    def store(self, read_only: bool = False, create: bool = False) -> Store:
        """The store; read_only for commands that only read, which then also work beside a running server; create
        for the commands that make one (init, restore): the others refuse a store that is not there."""
        return open_store(self.settings, read_only=read_only, create=create)


def chosen_language(lang: str | None) -> str | None:
    """A command's --lang, else the one given before every command (`isic-graph --lang fr …`), else none."""
    if lang is not None:
        return lang
    current = click.get_current_context(silent=True)
    return current.meta.get("isic_graph.lang") if current is not None else None


def said(en: str, fr: str, lang: str | None = None) -> str:
    """The words in the command's language (--lang, or the one given before every command): French or English."""
    return fr if chosen_language(lang) == "fr" else en


def fail(message: str, code: int = 1, lang: str | None = None) -> NoReturn:
    click.echo(f"erreur : {message}" if chosen_language(lang) == "fr" else f"error: {message}", err=True)
    sys.exit(code)


def run(action: Callable[[], T], lang: str | None = None) -> T:
    """Run a core call; user errors become a message (in lang, English by default) and exit code 1, never a
    traceback."""
    lang = chosen_language(lang)
    try:
        return action()
    except IsicError as exc:
        fail(exc.text(lang or "en"), lang=lang)
    except BrokenPipeError:  # the reader of the output stopped (`| head`): what it read was the point, no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more reaches the closed pipe
        sys.exit(0)
    except OSError as exc:  # a file named on the command line that cannot be read or written: a usage error
        fail(file_error(exc, lang), 2, lang)


def interruptible(work: Callable[[], T], seconds: float, late: IsicError) -> T:
    """work, on a thread of its own while this one waits for it: Ctrl-C stops the command at once (Python sees it
    between its own steps only, never inside a call to the engine, which can run for ever), and `late` is raised
    after `seconds`. The work is not stopped: it ends with the process, so it must write nothing."""
    outcome: Future[T] = Future()

    def target() -> None:
        try:
            outcome.set_result(work())
        except BaseException as exc:  # given to the waiting thread, which raises it
            outcome.set_exception(exc)
    threading.Thread(target=target, name="isic-graph-work", daemon=True).start()
    try:
        return outcome.result(seconds)
    except TimeoutError:
        raise late from None


def file_error(exc: OSError, lang: str | None) -> str:
    """What went wrong with a file the command was told to read or write, in lang."""
    name, why = exc.filename or "", exc.strerror or str(exc)
    return (f"le fichier {name} n'a pu être lu ni écrit ({why})" if lang == "fr" else
            f"the file {name} could not be read or written ({why})")


def progress(message: str) -> None:
    click.echo(message, err=True)


def store_if_available(obj: Context, without: str | None = "validating without the store",
                       lang: str | None = None) -> Store | None:
    """The store when there is one to open, else None (with a note saying what goes on without it, if given)."""
    path = obj.settings.store_path
    if not obj.settings.store_url and (path is None or not path.is_dir()):
        return None
    try:
        return obj.store()
    except IsicError as exc:
        if without is not None:
            progress(f"note : {without} ({exc.text('fr')})" if lang == "fr" else f"note: {without} ({exc.message})")
        return None


def print_report(report: Report, lang: str, path: Path | None, said: str | None = None) -> None:
    """The validation report on the terminal (stderr when it does not conform), and in a file when asked; `said`:
    the language of the messages (--lang: English without it)."""
    click.echo(report.describe(lang), err=not report.conforms)
    if path is not None:
        try:
            path.write_text(report.serialize("jsonld" if path.suffix == ".jsonld" else "turtle"), encoding="utf-8")
        except OSError as exc:  # exit 2: the report asked for is not written (1 would say "does not conform")
            fail(file_error(exc, said), 2, said)
        progress(f"rapport SHACL du W3C écrit dans {path}" if lang == "fr" else f"W3C SHACL report written to {path}")
