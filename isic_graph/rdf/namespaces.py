"""Vocabulary constants: namespaces, the fixed ontology IRIs and this instance's graph names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from isic_graph.errors import UsageError
from isic_graph.rdf.iris import in_space, lookalike_key, scheme_blind, space_key

PROJECT_IRI = "https://w3id.org/isic"  # the project's home, as user agents name it
VOCABULARY = PROJECT_IRI + "/"  # every IRI of the shared vocabulary starts with it
ISIC = VOCABULARY + "ontology#"
ONTOLOGY_IRI = VOCABULARY + "ontology"
SHAPES_IRI = VOCABULARY + "shapes"
SHAPES = SHAPES_IRI + "#"  # the shapes' own names
THESAURUS = VOCABULARY + "thesaurus/"
CONTEXT_IRI = VOCABULARY + "context.jsonld"
PROBLEMS = VOCABULARY + "problems/"  # the types of problem documents (RFC 9457)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"  # the XML namespace of SPARQL results
SVG = "http://www.w3.org/2000/svg"  # the XML namespace of SVG drawings

PREFIXES: dict[str, str] = {
    "isic": ISIC,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "dcat": DCAT,
    "void": VOID,
    "sh": SH,
    "schema": SCHEMA,
    "org": ORG,
}

RDF_TYPE = RDF + "type"
NAME_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", FOAF + "name")  # what names a resource
RDF_LANG_STRING = RDF + "langString"


def sparql_prefixes() -> str:
    """PREFIX lines for every known namespace."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def curie(iri: str) -> str:
    """The shortest prefixed name of an IRI, or the IRI in angle brackets."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns):].replace("-", "").replace("_", "").isalnum():
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


@dataclass(frozen=True)
class Graphs:
    """The named graphs of one instance, derived from its base IRI; and where its peer registry is, since a
    registered peer owns the IRIs under its URI space from the moment it is added (ownership.py)."""

    base: str
    peer_registry: Path | None = None

    @property
    def service(self) -> str:
        """The SPARQL service's own IRI: what a query or update that declares no BASE of its own resolves its
        relative IRIs against (never the engine's internal address)."""
        return f"{self.base}sparql"

    @property
    def ontology(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def thesauri(self) -> str:
        return f"{self.base}graph/thesauri"

    @property
    def metadata(self) -> str:
        return f"{self.base}graph/metadata"

    @property
    def default_own(self) -> str:
        """Where what is written to "the default graph" is kept: the store's default graph is the set union of
        its named graphs, kept by every write (sparql/default_graph.py), so it holds nothing of its own."""
        return f"{self.base}graph/default"

    @property
    def identity(self) -> str:
        """The derived graph of owl:sameAs links between IRIs naming one organisation or territory."""
        return f"{self.base}graph/derived/identity"

    @property
    def ownership(self) -> str:
        """Who owns each subject IRI, with the activity that made it so (see ownership.py)."""
        return f"{self.base}graph/ownership"

    @property
    def network_prefix(self) -> str:
        return f"{self.base}graph/network/"

    def network(self, slug: str) -> str:
        return f"{self.network_prefix}{slug}"

    @property
    def peer_prefix(self) -> str:
        return f"{self.base}graph/peer/"

    def peer(self, peer: str, network: str) -> str:
        """The copy of a peer's network graph, harvested."""
        return f"{self.peer_prefix}{peer}/{network}"

    def network_resource(self, slug: str) -> str:
        return f"{self.base}id/network/{slug}"

    def is_reserved(self, graph: str) -> bool:
        """Graphs written only by init or ingestion, never by a raw load."""
        return graph in (self.ontology, self.thesauri, self.metadata, self.identity, self.ownership) \
            or graph.startswith((self.network_prefix, self.peer_prefix))

    @property
    def derived_prefix(self) -> str:
        """Where the graphs the instance works out live (the identity graph)."""
        return f"{self.base}graph/derived/"

    def is_managed(self, graph: str) -> bool:
        """A graph init or ingestion writes, in any spelling (`HTTP://…/graph/network/x`, `…/graph//ownership`,
        `https:` for `http:`, `%6E` for `n`, `…/graph/ownership.`), or one under a space they write (networks',
        peers' copies, derived graphs): a look-alike of one is no graph for a raw write either (the Graph Store's, a
        load's, an update's)."""
        k = _managed_key(graph)
        return self.is_reserved(graph) or k in {_managed_key(g) for g in (
            self.ontology, self.thesauri, self.metadata, self.identity, self.ownership)} or any(
            in_space(space_key(prefix, _managed_key), k)  # by whole path segments
            for prefix in (self.network_prefix, self.peer_prefix, self.derived_prefix))


def _managed_key(iri: str) -> str:
    """What a graph is compared on to managed graphs: its look-alike key, in the other web scheme too (the same
    host's graph to a reader), each path segment without the dots it ends with (`ownership.` reads as
    `ownership`)."""
    return TRAILING_DOTS.sub("", scheme_blind(lookalike_key(iri)))


TRAILING_DOTS = re.compile(r"\.+(?=/|$)")

SLUG = re.compile(r"\A[a-z0-9][a-z0-9-]{0,62}\Z")  # \Z: "$" would let a final newline through


PEER_NAME = ("peer", "de pair")


def check_slug(network: str, what: tuple[str, str] = ("network", "de réseau")) -> str:
    """A network's name as given (or a peer's: `what`, ("peer", "de pair")), if it is a slug (lowercase letters,
    digits, hyphens), else UsageError."""
    if not isinstance(network, str) or not SLUG.fullmatch(network):
        raise UsageError(f"invalid {what[0]} name {network!r}: use lowercase letters, digits and hyphens",
                         f"nom {what[1]} invalide {network!r} : lettres minuscules, chiffres et tirets seulement")
    return network
