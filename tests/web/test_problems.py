"""The one error shape: every class of the error tree answers the same RFC 9457 problem document."""

from __future__ import annotations

import inspect
import re
from typing import Any, Iterator

import pytest
from flask import Flask

from isic_graph import errors
from isic_graph.errors import IsicError
from isic_graph.web import problems

DETAIL = "what went wrong, said to the client"


class EmptyReport:
    """A report without violations: what ValidationFailed carries, reduced to its shape."""

    conforms = False
    violations: tuple[Any, ...] = ()

    def describe(self, lang: str = "fr") -> str:
        return ""

    def serialize(self, fmt: str = "turtle") -> str:
        return ""


ARGUMENTS: dict[str, Any] = {"message": DETAIL, "report": EmptyReport(), "retry_after": 7, "subject": "urn:x:s",
                             "owner": "network anas", "row": None, "row_fr": None, "problems": (), "fr": None,
                             "record": {"network": "anas"}, "file": "projects.csv", "english": DETAIL,
                             "french": "ce qui n'allait pas", "term": "urn:x:t", "canonical": "urn:x:T",
                             "suggestion": "urn:x:T", "key": "titel", "limit": 16_777_216}


def tree(root: type[IsicError] = IsicError) -> Iterator[type[IsicError]]:
    yield root
    for sub in root.__subclasses__():
        yield from tree(sub)


ERRORS = sorted({kind for kind in tree() if kind.__module__ == errors.__name__}, key=lambda kind: kind.__name__)


OWN_ARGUMENTS: dict[str, dict[str, Any]] = {"Unreadable": {"row": 2}}  # a sheet's row is a number


def instance(kind: type[IsicError]) -> IsicError:
    names = [name for name in inspect.signature(kind.__init__).parameters if name != "self"]
    given = {**ARGUMENTS, **OWN_ARGUMENTS.get(kind.__name__, {})}
    return kind(**{name: given[name] for name in names})


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    app = Flask("problems")
    problems.register(app)

    @app.get("/raise/<name>")
    def raising(name: str) -> None:
        raise instance(getattr(errors, name))

    return app.test_client()


def test_every_class_of_the_tree_lives_in_the_errors_module() -> None:
    outside = [f"{kind.__module__}.{kind.__name__}" for kind in tree() if kind.__module__ != errors.__name__]
    assert outside == []
    assert {"Unauthorized", "Forbidden", "DryRunFailed", "Unreadable"} <= {kind.__name__ for kind in ERRORS}


def test_every_class_is_drawn_in_the_tree_of_the_module_docstring() -> None:
    drawn = {match[0]: (int(match[1]), match[2])
             for match in re.findall(r"(\w+) +(\d{3}) ([\w-]+)", errors.__doc__ or "")}
    assert drawn == {kind.__name__: (kind.status, kind.code) for kind in ERRORS if kind is not IsicError}


@pytest.mark.parametrize("kind", ERRORS, ids=lambda kind: kind.__name__)
def test_every_error_answers_one_problem_shape(client, kind: type[IsicError]) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/raise/{kind.__name__}")
    body = response.get_json(force=True)
    title = (kind.__doc__ or "").splitlines()[0]
    assert response.status_code == kind.status and response.mimetype == "application/problem+json"
    assert body["type"] == f"https://w3id.org/isic/problems/{kind.code}"
    assert body["title"] == title and body["status"] == kind.status and body["code"] == kind.code
    # a server-side failure that may name internal hosts or paths says only its title
    assert body["detail"] == (title if kind.status >= 500 and not kind.public else instance(kind).message)
    assert ("WWW-Authenticate" in response.headers) == (kind.status == 401)
    if kind.status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ("Retry-After" in response.headers) == (kind.status in (429, 503))


@pytest.mark.parametrize("kind", ERRORS, ids=lambda kind: kind.__name__)
def test_in_french_only_the_words_change(client, kind: type[IsicError]) -> None:  # type: ignore[no-untyped-def]
    english = client.get(f"/raise/{kind.__name__}").get_json(force=True)
    response = client.get(f"/raise/{kind.__name__}", headers={"Accept-Language": "fr"})
    french = response.get_json(force=True)
    assert response.status_code == kind.status and response.mimetype == "application/problem+json"
    assert {key: french[key] for key in ("type", "status", "code")} == \
        {key: english[key] for key in ("type", "status", "code")}
    assert french["title"] and french["detail"] and "Accept-Language" in response.headers.get("Vary", "")
    assert ("WWW-Authenticate" in response.headers) == (kind.status == 401)


@pytest.mark.parametrize("kind, status, code, title", [
    (errors.Unauthorized, 401, "unauthorized", "No valid credential was given."),
    (errors.Forbidden, 403, "forbidden", "The credential does not allow this write."),
    (errors.DryRunFailed, 500, "dry-run-failed", "The validation stopped before it could answer."),
])
def test_the_credential_errors_keep_the_codes_and_titles_clients_know(
        client, kind: type[IsicError], status: int, code: str, title: str) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"/raise/{kind.__name__}").get_json(force=True)
    assert (body["status"], body["code"], body["title"]) == (status, code, title)
