"""/update: SPARQL 1.1 Update, for the administrator only."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import UnsupportedFormat, UsageError
from ..guard import check_update
from ..ingest import after_raw_update
from ..sparql.update_dataset import for_engine
from .auth import require_admin
from .sparql import utf8_body

blueprint = Blueprint("update", __name__)


@blueprint.post("/update")
def update() -> Response:
    from . import services

    require_admin()
    params = request.args
    if request.mimetype == "application/x-www-form-urlencoded":
        operations = request.form.getlist("update")
        params = request.form
    elif request.mimetype == "application/sparql-update":
        operations = [utf8_body()]
    else:
        raise UnsupportedFormat("an update is sent as application/x-www-form-urlencoded or "
                                "application/sparql-update")
    if len(operations) != 1:
        raise UsageError("exactly one update parameter is expected")
    using = request.args.getlist("using-graph-uri") + (params.getlist("using-graph-uri") if params is not request.args else [])
    named = request.args.getlist("using-named-graph-uri") + (
        params.getlist("using-named-graph-uri") if params is not request.args else [])
    s = services()
    checked = for_engine(check_update(operations[0], s.limits), using, named)
    s.store.update(checked.checked.text, checked.using, checked.using_named)
    after_raw_update(s.store, s.graphs, checked.checked)
    return Response(status=204)
