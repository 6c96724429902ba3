"""Every error answer is RFC 9457 application/problem+json, built here and only here."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from ..errors import IsicError, ValidationFailed

PROBLEM_BASE = "https://w3id.org/isic/problems/"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail, "code": code, **extra}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    if status in (503, 429):
        response.headers["Retry-After"] = "1"
    return response


def from_error(exc: IsicError, **extra: Any) -> Response:
    if isinstance(exc, ValidationFailed):
        extra["violations"] = [v.to_dict() for v in exc.report.violations]
    title = (type(exc).__doc__ or exc.code).splitlines()[0]
    return problem(exc.status, exc.code, title, exc.message, **extra)


def register(app: Flask) -> None:
    app.register_error_handler(IsicError, lambda exc: from_error(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "-")
        response = problem(exc.code or 500, code, exc.name or "Error", exc.description or "")
        if exc.code == 405 and exc.response is None:
            valid = getattr(exc, "valid_methods", None)
            if valid:
                response.headers["Allow"] = ", ".join(valid)
        return response
