"""A parameter that takes one value, given twice with different values, is refused (400 naming it): reading
the first value silently (`scope=local&scope=live` ran as `local`) lets a client and the server mean
different requests. The same value again means nothing else and is let through: SPARQLWrapper, for one,
asks for TSV as `format=tsv&format=text/tab-separated-values` (a format's name and its media type are the
same value here).

Checked: the parameters of the query string, on every route, and the form fields of /sparql and /update (with the
query string: `?scope=live` and a form's `scope=local` are two values too). The other forms (the
collection sheet's fields, uploads) have fields that take several values, and read them all; but a form's token
(`credential`) is one (`form_value`), and so is the hidden id of the resource a block of the form shows.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence
from urllib.parse import unquote_to_bytes

from flask import Flask, request

from isic_graph.errors import UnsupportedFormat, UsageError
from isic_graph.rdf.formats import answer_offers

# the single-valued parameters the server reads (a route reading a new one adds it here); the others, such as
# SPARQLWrapper's `output` and `results`, mean nothing here however often they come. Multi-valued by their
# protocols, and so not here: the dataset of a query or an update and the Graph Store Protocol's `graph`.
SINGLE_VALUED = frozenset({"query", "update", "scope", "format", "lang", "q", "offset", "limit", "network", "theme",
                           "category", "phase", "territory", "start", "end", "project", "resource", "mode", "table",
                           "peer", "store", "dry-run"})
# routes whose form fields are parameters of the same kind
FORMS_CHECKED = frozenset({"sparql.sparql", "update.update"})
FORMAT_MEANINGS: dict[str, set[str]] = {}  # a format's name, alias or media type -> the media types it may mean
for _form in ("SELECT", "CONSTRUCT"):
    for _name, _format in answer_offers(_form).items():
        FORMAT_MEANINGS.setdefault(_name.lower(), set()).add(_format.media_type)


def given_twice() -> str | None:
    """The first single-valued parameter of the request given more than once with different values, if any."""
    pairs = list(request.args.items(multi=True))
    if request.endpoint in FORMS_CHECKED and request.mimetype == "application/x-www-form-urlencoded":
        pairs += request.form.items(multi=True)
    names = Counter(name for name, _ in pairs)
    for name in [name for name, count in names.items() if count > 1 and name in SINGLE_VALUED]:
        # an empty format is none asked (SPARQLWrapper adds `format=` beside `format=tsv` for what it takes for a
        # CONSTRUCT: a SELECT whose text says "construction")
        values = [value for given, value in pairs if given == name and (value.strip() or name != "format")]
        if values and not frozenset.intersection(*(_meanings(name, value) for value in values)):
            return name
    return None


def form_value(name: str) -> str:
    """A form field that takes one value (a form's `credential`): the same value again is let through, two values
    are refused (400 naming it), not one of them taken (the first network's token saved under one network, the
    second's under the other)."""
    values = request.form.getlist(name)
    if len(set(values)) > 1:
        raise UsageError(f"the field {name!r} is given {len(values)} times with different values: send it once",
                         fr=f"le champ « {name} » est donné {len(values)} fois avec des valeurs différentes : "
                            "envoyez-le une seule fois")
    return values[0] if values else ""


def _meanings(name: str, value: str) -> frozenset[str]:
    """What a value may say: a format's name, media type or list of media types (SPARQLWrapper sends
    `format=json-ld&format=application/ld+json,application/x-json+ld`) stands for the media types of the
    answer formats it names, whatever the query's form; two values agree when they share one."""
    value = value.strip()
    if name != "format":
        return frozenset({value})
    items = [item.split(";")[0].strip().lower() for item in value.split(",") if item.strip()] or [""]
    return frozenset(found for item in items for found in FORMAT_MEANINGS.get(item, {item}))


def formats_agree(values: Sequence[str]) -> bool:
    """Whether format names and media types given together (`format=`, `output=`, `results=`) share a format."""
    return not values or bool(frozenset.intersection(*(_meanings("format", value) for value in values)))


FORM = "application/x-www-form-urlencoded"
UTF8 = frozenset({"utf-8", "utf8"})


def declared_charset() -> str:
    """The charset the request's Content-Type declares, as compared (`"UTF-8"` is utf-8); utf-8 when none is."""
    return request.mimetype_params.get("charset", "utf-8").strip().strip('"').lower()


def check_utf8() -> None:
    """Refuse a query string or a form that is not UTF-8 (400), and a form sent in another charset (415): read as
    UTF-8 with its odd bytes replaced, `q=caf%E9` asked for `caf\ufffd`, another request than the one sent."""
    _utf8(request.query_string, "query string", "la partie requête de l'adresse")
    if request.mimetype == FORM:
        charset = declared_charset()
        if charset not in UTF8:
            raise UnsupportedFormat(f"forms are read as UTF-8, not {charset}",
                                    fr=f"les formulaires sont lus en UTF-8, pas en {charset}")
        _utf8(request.get_data(cache=True), "form", "le formulaire")


def check_coding() -> None:
    """Refuse a body sent with a content coding (`Content-Encoding: gzip`, deflate…): bodies are read as they come,
    never decompressed, so a compressed one was read as text and refused as invalid UTF-8, blaming a file that is
    fine (415, as RFC 9110 section 15.5.16 has it for a coding the server does not take)."""
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if coding not in ("", "identity"):
        raise UnsupportedFormat(f"bodies are read as sent, not decompressed: send the file without Content-Encoding "
                                f"(here {_shown(coding)})",
                                fr=f"le corps d'une requête est lu tel quel, sans décompression : envoyez le fichier "
                                   f"sans Content-Encoding (ici {_shown(coding)})")


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _utf8(encoded: bytes, what: str, quoi: str) -> None:
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"the {what} is not UTF-8 once its %XX escapes are decoded: send its text in UTF-8",
                         fr=f"{quoi} n'est pas en UTF-8 une fois ses échappements %XX décodés : envoyez son texte "
                            "en UTF-8") from None


def register(app: Flask) -> None:
    @app.before_request
    def one_value_each() -> None:
        check_coding()
        check_utf8()
        name = given_twice()
        if name is not None:
            raise UsageError(f"the parameter {name!r} was given more than once, with different values; it takes one "
                             "value",
                             fr=f"le paramètre « {name} » est donné plusieurs fois, avec des valeurs différentes ; il "
                                "ne prend qu'une valeur")
