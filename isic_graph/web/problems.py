"""Every error answer is RFC 9457 application/problem+json, built here and only here.

Server-side failures (5xx) say what happened in the words of their class and carry the request id;
their details, which may name internal hosts or paths, go to the log only. Client errors (4xx) say
exactly what was wrong with the request.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, has_request_context, json
from werkzeug.exceptions import HTTPException

from isic_graph.errors import IsicError, NotOwner, ValidationFailed
from isic_graph.rdf.namespaces import PROBLEMS
from isic_graph.web.lifecycle import request_id

PROBLEM_BASE = PROBLEMS
LOG = logging.getLogger("isic_graph.errors")


def problem(status: int, code: str, title: str, detail: str, retry_after: int | None = None,
            **extra: Any) -> Response:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail, "code": code, **extra}
    if has_request_context() and request_id():
        body["request_id"] = request_id()
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    if retry_after is not None or status in (503, 429):
        response.headers["Retry-After"] = str(retry_after or 1)
    if status == 401:  # RFC 9110: a 401 names the scheme that would do; here a bearer token
        response.headers["WWW-Authenticate"] = 'Bearer realm="isic-graph"'
    return response


def from_error(exc: IsicError, **extra: Any) -> Response:
    if isinstance(exc, ValidationFailed):
        extra["violations"] = [v.to_dict() for v in exc.report.violations]
    if isinstance(exc, NotOwner):
        extra.update(subject=exc.subject, owner=exc.owner, **({"row": exc.row} if exc.row else {}))
    title = (type(exc).__doc__ or exc.code).splitlines()[0]
    detail = exc.message
    if exc.status >= 500 and not exc.public:
        LOG.error("%s (request %s): %s", exc.code, request_id() if has_request_context() else "-", exc.message)
        detail = title
    return problem(exc.status, exc.code, title, detail, getattr(exc, "retry_after", None), **extra)


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

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        LOG.exception("unexpected error (request %s)", request_id())
        return problem(500, "internal", "Internal error",
                       "the server failed to answer this request; the operator can find it in the log by its request id")
