"""/update: SPARQL 1.1 Update, for the administrator only."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import UnsupportedFormat, UsageError
from .auth import require_admin

blueprint = Blueprint("update", __name__)


@blueprint.post("/update")
def update() -> Response:
    from . import services

    require_admin()
    if request.mimetype == "application/x-www-form-urlencoded":
        operations = request.form.getlist("update")
    elif request.mimetype == "application/sparql-update":
        operations = [request.get_data(as_text=True)]
    else:
        raise UnsupportedFormat("an update is sent as application/x-www-form-urlencoded or "
                                "application/sparql-update")
    if len(operations) != 1:
        raise UsageError("exactly one update parameter is expected")
    services().store.update(operations[0])
    return Response(status=204)
