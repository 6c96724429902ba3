"""A parameter that takes one value, given twice, is refused (400 naming it): reading the first value
silently (`scope=local&scope=live` ran as `local`) lets a client and the server mean different requests.

Checked: every parameter of the query string, on every route, and the form fields of /sparql (with the
query string: `?scope=live` and a form's `scope=local` are two values too). Multi-valued by their
protocols, and so never refused: the dataset of a query or an update (SPARQL 1.1 Protocol) and the
graphs of the Graph Store Protocol. The other forms (the collection sheet's fields, uploads) have fields
that take several values, and read them all.
"""

from __future__ import annotations

from collections import Counter

from flask import Flask, request

from isic_graph.errors import UsageError

MULTI_VALUED = frozenset({"default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri", "graph"})
FORMS_CHECKED = frozenset({"sparql.sparql"})  # routes whose form fields are parameters of the same kind


def given_twice() -> str | None:
    """The first single-valued parameter of the request given more than once, if any."""
    names = Counter(name for name, _ in request.args.items(multi=True))
    if request.endpoint in FORMS_CHECKED and request.mimetype == "application/x-www-form-urlencoded":
        names.update(name for name, _ in request.form.items(multi=True))
    return next((name for name, count in names.items() if count > 1 and name not in MULTI_VALUED), None)


def register(app: Flask) -> None:
    @app.before_request
    def one_value_each() -> None:
        name = given_twice()
        if name is not None:
            raise UsageError(f"the parameter {name!r} was given more than once; it takes one value",
                             fr=f"le paramètre « {name} » est donné plusieurs fois ; il ne prend qu'une valeur")
