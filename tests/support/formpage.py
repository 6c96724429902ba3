"""A page's form as a browser submits it: each named input, text area and selected option, in order."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# What the form's values never come from, left out before parsing: the start tags of the options not selected (a
# select lists a thesaurus's hundreds; a tag holding the word "selected" anywhere is parsed), and every tag but
# those of forms, fields, scripts and style sheets (text outside a text area sends nothing). A tag is matched up to
# its first ">" ("<" and ">" in a value are written &lt; and &gt;): a cut-off rest would be text, sending nothing.
IRRELEVANT = re.compile(r"<option\b(?![^<>]*selected)[^<>]*>|"
                        r"</?(?!(?:form|input|textarea|select|option|script|style)\b)[A-Za-z][^<>]*>|</option\s*>",
                        re.IGNORECASE)


class FormValues(HTMLParser):
    """The values `<form id=…>` sends: hidden and text inputs, text areas, the selected options of each select."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self.textarea: str | None = None
        self.text = ""
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        if not self.inside or "name" not in found and tag != "option":
            return
        if tag == "input" and found.get("type") not in ("checkbox", "radio", "submit", "password"):
            self.values.append((found["name"], found.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = found["name"], ""
        elif tag == "select":
            self.select = found["name"]
        elif tag == "option" and self.select is not None and "selected" in found:
            self.values.append((self.select, found.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            text = self.text[1:] if self.text.startswith("\n") else self.text  # as HTML reads a text area
            self.values.append((self.textarea, text))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_values(html: str, form_id: str = "sheet") -> dict[str, list[str]]:
    """The values a browser would send for the form, by field name."""
    parser = FormValues(form_id)
    parser.feed(IRRELEVANT.sub("", html))
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        values.setdefault(name, []).append(value)
    return values
