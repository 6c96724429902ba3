"""The security headers of every answer: what a page may load and run, and no guessing of media types; and the
reads anyone may make, open to other sites' scripts (CORS).

Applied as WSGI middleware around the whole application, so that no answer escapes them: pages, error
documents, the drawings, and any answer given before the framework's own handlers run.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# The one style sheet that the workbench's vendored Yasgui (pinned by its package-lock.json) writes into the page
# itself: its column resizer's rules. A new Yasgui that writes another is caught by the browser tests.
YASGUI_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
# Scripts and styles come from this site's own files only (no inline script, style or event handler, no
# javascript: URL); pages are never framed, never change their base, and post forms only to this site.
CONTENT_SECURITY_POLICY = (f"default-src 'self'; script-src 'self'; style-src 'self' {YASGUI_STYLE}; "
                           "img-src 'self' data:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
                           "base-uri 'none'; form-action 'self'")
HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
           ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"))


WRITES_KEPT_BY_NOBODY = ("Cache-Control", "no-store")  # an answer to a form's post may carry back its credential
READS = ("GET", "HEAD", "OPTIONS")
# What anyone may read, a script of another site may read too (a dump, the catalogue, VoID, a graph, a page): the
# server keeps no cookie, so a request of another site's page carries no credential it did not write itself
OPEN_READ = (("Access-Control-Allow-Origin", "*"),
             ("Access-Control-Expose-Headers", "ETag, Link, Content-Location, Content-Disposition, Retry-After"))


class SecurityHeaders:
    """WSGI middleware adding the security headers to every response that does not set them itself; an answer to
    a request that is no read (the upload page's preview, which carries the credential to its confirmation, a
    form's answer, a write's) is not to be stored, by a browser's history or any cache, unless it says otherwise."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers = [*headers, *((name, value) for name, value in HEADERS if name.lower() not in present)]
            if environ.get("REQUEST_METHOD") not in READS and "cache-control" not in present:
                headers.append(WRITES_KEPT_BY_NOBODY)
            elif environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "HTTP_AUTHORIZATION" not in environ:
                headers += [(name, value) for name, value in OPEN_READ if name.lower() not in present]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, start)
