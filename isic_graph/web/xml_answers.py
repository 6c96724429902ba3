"""Answers in XML (SPARQL XML results, RDF/XML) that an XML reader reads: the engine and the RDF writers write what
they are given, and some of it XML cannot carry. A query may build a text holding a control character
("a\\u0001b"), or use a property RDF/XML cannot name (an IRI ending with `/`, `#` or a digit: `<http://e/1>`, which
the writer names `oxprefix:`, with nothing after the colon); data an administrator wrote may hold either. Such an
answer was sent with 200, and no XML reader (SPARQLWrapper's default) could read it: it is refused (406), naming what
XML cannot carry and the formats that can."""

from __future__ import annotations

import re
from xml.parsers import expat

from isic_graph.errors import NotAcceptable

RDF_XML = "application/rdf+xml"
XML_ANSWERS = frozenset({"application/sparql-results+xml", RDF_XML})
# what XML 1.0 cannot carry, as UTF-8: the control characters but tab and line ends, and U+FFFE and U+FFFF
NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
NONCHARACTER_LEAD = b"\xef\xbf"  # U+FFF0 to U+FFFF begin so: U+FFFE and U+FFFF among them


def check_xml(body: bytes, media_type: str, form: str | None) -> None:
    """Refuse (NotAcceptable) an answer of an XML media type that an XML reader (with namespaces) cannot read; form:
    the query's (SELECT, ASK, CONSTRUCT, DESCRIBE), None for a graph."""
    if media_type not in XML_ANSWERS:
        return
    others = "SPARQL JSON, CSV or TSV" if form in ("SELECT", "ASK") else "Turtle, N-Triples or JSON-LD"
    autres = "SPARQL JSON, CSV ou TSV" if form in ("SELECT", "ASK") else "Turtle, N-Triples ou JSON-LD"
    if (len(body.translate(None, CONTROL_BYTES)) != len(body) or NONCHARACTER_LEAD in body) \
            and (found := NOT_XML.search(body)):  # bytes deleted in C first: the search is ten times slower
        code = f"U+{ord(found.group().decode('utf-8')):04X}"
        raise NotAcceptable(f"the answer holds the character {code}, which XML cannot carry: ask for {others}",
                            fr=f"la réponse contient le caractère {code}, que XML ne peut pas porter : demandez-la "
                               f"en {autres}")
    if media_type != RDF_XML:  # SPARQL XML names nothing but its variables: its characters were all it could fault
        return
    try:
        expat.ParserCreate(namespace_separator=" ").Parse(body, True)
    except expat.ExpatError:
        raise NotAcceptable(f"the answer cannot be written as XML (a property RDF/XML cannot name: an IRI ending with "
                            f"/, # or a digit): ask for {others}",
                            fr=f"la réponse ne peut pas s'écrire en XML (une propriété que RDF/XML ne peut pas "
                               f"nommer : une IRI qui finit par /, # ou un chiffre) : demandez-la en "
                               f"{autres}") from None
