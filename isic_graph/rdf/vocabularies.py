"""The vocabularies' terms in any spelling: the instance's own (`https://w3id.org/isic/…`) and the well-known ones the
project uses (RDF, RDFS, OWL, XSD, SKOS, Dublin Core, FOAF, PROV, ORG, VoID, DCAT, SHACL, schema.org…, and any
IRI of W3C's site), which only the instance describes: no network states anything about them.

A term is recognised as people read it: scheme and host in any case, `http` or `https` (`http://w3id.org/isic/…`,
`https://www.w3.org/…`), with or without `www.`, percent-escapes decoded, a default port, dot segments, a repeated
or trailing slash, a trailing dot in the host. Each has one spelling, the namespace's as the ontology writes it
(canonical): a property or class written otherwise is a look-alike, refused, never read as the term it mimics."""

from __future__ import annotations

import functools

from isic_graph.rdf.iris import KEPT, lookalike_form, lookalike_key, scheme_blind
from isic_graph.rdf.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SD,
    SH,
    SKOS,
    SPARQL_RESULTS,
    VOCABULARY,
    VOID,
    W3C_FORMATS,
    XSD,
)

# the namespaces' canonical spellings; the longest that holds a term gives its spelling
SPACES = (VOCABULARY, RDF, RDFS, XSD, OWL, SKOS, DCTERMS, PROV, FOAF, DCAT, VOID, SH, SCHEMA, ORG, SD, W3C_FORMATS,
          SPARQL_RESULTS, "http://www.w3.org/", "http://purl.org/dc/", "http://purl.org/vocab/vann/",
          "http://xmlns.com/foaf/", "http://rdfs.org/ns/", "http://virtual-assembly.org/ontologies/pair#")


def loose(iri: str) -> str:
    """An IRI as its look-alikes all read (lookalike_form, the fragment kept), case kept after the host: the web schemes
    made one, without `www.` or a default port."""
    scheme, separator, rest = scheme_blind(lookalike_form(iri, keep_fragment=True)).partition("://")
    if not separator:
        return scheme
    host, slash, path = rest.partition("/")
    host = host.removeprefix("www.")
    host = host.removesuffix(":80").removesuffix(":443")
    return f"{scheme}://{host}{slash}{path}"


@functools.cache
def _spaces() -> tuple[tuple[str, str], ...]:
    """Each namespace's stem (its canonical spelling as lookalike_form ends it) and loose form in lower case, longest
    first."""
    found = [(lookalike_form(ns, keep_fragment=True), loose(ns).lower()) for ns in SPACES]
    return tuple(sorted(found, key=lambda pair: -len(pair[1])))


@functools.lru_cache(maxsize=KEPT)
def vocabulary_term(iri: str) -> tuple[str, str | None] | None:
    """The vocabulary namespace (its canonical spelling) an IRI is a term of, in any spelling, and the term's
    canonical spelling (None when its name has no one spelling in lower case); None for any other IRI."""
    form = loose(iri)
    low = form.lower()
    for stem, space in _spaces():
        if low == space or low + "/" == space or (low.startswith(space) and (
                space.endswith("/") or low[len(space)] in "#/?")):
            canonical = stem + form[len(space):] if len(low) == len(form) and low != space + "/" else None
            return stem, canonical
    return None


def is_vocabulary_term(iri: str) -> bool:
    """Whether an IRI, in any spelling, is a term of a vocabulary only the instance describes."""
    return vocabulary_term(iri) is not None


def canonical(iri: str) -> str | None:
    """The one spelling of a vocabulary term written otherwise (a look-alike), else None (the term as written, or an
    IRI of no vocabulary)."""
    found = vocabulary_term(iri)
    if found is None:
        return None
    stem, spelling = found
    if spelling is not None and "#" in spelling:  # `owl#sameAs/` reads as `owl#sameAs`
        spelling = spelling.rstrip("/")
    if spelling is None:
        return stem if iri != stem else None
    if spelling == iri:
        return None
    return spelling


def same_key(iri: str) -> str:
    """What look-alike terms share, whatever their spelling (case included): for a term's case-only look-alikes."""
    return scheme_blind(lookalike_key(iri, keep_fragment=True))


__all__ = ["SPACES", "canonical", "is_vocabulary_term", "loose", "same_key", "vocabulary_term"]
