"""One table of formats: media type, file extensions, pyoxigraph and rdflib formats, display name, and what
each carries (submitted documents, graphs, datasets, query results and answers, validation reports). Every
other list of media types in the package is a filter over this table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from isic_graph.errors import UnsupportedFormat

# what no text may hold: the control characters but tab and line ends, and the two noncharacters U+FFFE and U+FFFF,
# none of which XML (RDF/XML, SPARQL XML, the pages) can carry
NOT_TEXT_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff"
CONTROL = re.compile(f"[{NOT_TEXT_CHARACTERS}]")

# What a format carries, each a use of the table
DOCUMENT = "document"  # a file submitted for ingestion, or written by export (CSV: through the CSVW mapping)
GRAPH = "graph"  # triples: a resource's description, a graph, the ontology, a service description
DATASET = "dataset"  # named graphs (quads)
RESULTS = "results"  # the solutions of a SELECT or ASK query
REPORT = "report"  # a SHACL validation report
ANSWER = "answer"  # a query's answer from /sparql (results, or the triples of a CONSTRUCT or DESCRIBE)


@dataclass(frozen=True)
class Format:
    """A serialization known to isic-graph."""

    name: str  # our name: the format= of /sparql, the --format of the CLI, dumps and dry runs
    media_type: str
    extensions: tuple[str, ...]
    rdf_format: RdfFormat | None  # None: not RDF (a sheet, CSV or workbook, read through the sheet model; results)
    label: str  # shown to people
    rdflib: str  # rdflib's name of it
    uses: frozenset[str]
    results_format: QueryResultsFormat | None = None  # pyoxigraph reads results in it
    rows_as_lines: bool = False  # results as one line a row (CSV, TSV)
    aliases: tuple[str, ...] = ()  # other names format= accepts
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/
    also: tuple[str, ...] = ()  # other media types (and format= names) asked for it, in Accept or format=
    binary: bool = False  # not text: no charset

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def content_type(self) -> str:
        """The Content-Type it is served with: text says it is UTF-8 (clients reading it as text need it)."""
        return self.media_type if self.binary else f"{self.media_type}; charset=utf-8"

    @property
    def dataset(self) -> bool:
        """Holds named graphs."""
        return DATASET in self.uses


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", (".ttl",), RdfFormat.TURTLE, "Turtle", "turtle",
           frozenset({DOCUMENT, GRAPH, REPORT, ANSWER}), aliases=("ttl",), w3c="Turtle",
           also=("n3", "text/n3", "application/n3", "text/rdf+n3", "application/turtle", "application/x-turtle")),
    Format("jsonld", "application/ld+json", (".jsonld", ".json"), RdfFormat.JSON_LD, "JSON-LD", "json-ld",
           frozenset({DOCUMENT, GRAPH, REPORT, ANSWER}), w3c="JSON-LD",
           also=("json-ld", "application/json", "application/x-json+ld", "json")),
    Format("ntriples", "application/n-triples", (".nt",), RdfFormat.N_TRIPLES, "N-Triples", "nt",
           frozenset({DOCUMENT, GRAPH, ANSWER}), aliases=("nt",), w3c="N-Triples", also=("n-triples",)),
    Format("rdfxml", "application/rdf+xml", (".rdf",), RdfFormat.RDF_XML, "RDF/XML", "xml",
           frozenset({GRAPH, ANSWER}), w3c="RDF_XML", also=("rdf+xml", "xml", "application/xml", "text/xml")),
    Format("nquads", "application/n-quads", (".nq",), RdfFormat.N_QUADS, "N-Quads", "nquads",
           frozenset({DOCUMENT, DATASET, ANSWER}), w3c="N-Quads", also=("n-quads",)),
    Format("trig", "application/trig", (".trig",), RdfFormat.TRIG, "TriG", "trig", frozenset({DOCUMENT, DATASET}),
           w3c="TriG"),
    Format("csv", "text/csv", (".csv",), None, "CSV", "csv", frozenset({DOCUMENT, RESULTS, ANSWER}),
           rows_as_lines=True, w3c="SPARQL_Results_CSV"),
    Format("json", "application/sparql-results+json", (".srj",), None, "SPARQL results in JSON", "json",
           frozenset({RESULTS, ANSWER}), QueryResultsFormat.JSON, w3c="SPARQL_Results_JSON",
           also=("application/json", "text/javascript", "application/javascript")),
    Format("xml", "application/sparql-results+xml", (".srx",), None, "SPARQL results in XML", "xml",
           frozenset({RESULTS, ANSWER}), QueryResultsFormat.XML, w3c="SPARQL_Results_XML",
           also=("application/xml", "text/xml")),
    Format("tsv", "text/tab-separated-values", (".tsv",), None, "TSV", "tsv", frozenset({RESULTS, ANSWER}),
           QueryResultsFormat.TSV, rows_as_lines=True, w3c="SPARQL_Results_TSV"),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), None,
           "Excel workbook", "xlsx", frozenset({DOCUMENT}), binary=True),
    Format("ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",), None, "OpenDocument spreadsheet",
           "ods", frozenset({DOCUMENT}), binary=True),
)


FORMAT = {f.name: f for f in FORMATS}  # by our name, whatever its use


def formats_for(*uses: str) -> tuple[Format, ...]:
    """The formats that serve every one of these uses, in the table's order (the first is the default offer)."""
    return tuple(f for f in FORMATS if f.uses.issuperset(uses))


def media_types(*uses: str) -> list[str]:
    """The media types of the formats that serve every one of these uses: what a route offers."""
    return [f.media_type for f in formats_for(*uses)]


def by_media_type(media_type: str) -> Format | None:
    """The format of a media type (parameters and case ignored), whatever its use; None when unknown."""
    wanted = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == wanted), None)


def content_type(media_type: str) -> str:
    """The Content-Type of a media type of the table (with its charset when text); others unchanged."""
    found = by_media_type(media_type)
    return found.content_type if found is not None else media_type


def answer_formats(form: str | None) -> tuple[Format, ...]:
    """The formats a query's answer may take: results for SELECT and ASK, triples for CONSTRUCT and DESCRIBE
    (the default first: JSON results, Turtle triples)."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return tuple(f for f in formats_for(ANSWER) if f.rdf_format is not None)
    return tuple(sorted((f for f in formats_for(ANSWER) if f.rdf_format is None),
                        key=lambda f: f.results_format != QueryResultsFormat.JSON))


def answer_offers(form: str | None) -> dict[str, Format]:
    """Every name and media type that asks for one of the answer formats of a query form, with that format:
    our names and aliases, the media types, and the other names clients send (SPARQLWrapper's `format=xml`
    is RDF/XML for a CONSTRUCT, `n3` Turtle, `json-ld` JSON-LD)."""
    offers: dict[str, Format] = {}
    for f in answer_formats(form):
        for name in (f.media_type, f.name, *f.aliases, *f.also):
            offers.setdefault(name, f)
    return offers


DOCUMENTS = formats_for(DOCUMENT)
BY_NAME = {f.name: f for f in DOCUMENTS}
BY_MEDIA_TYPE = {f.media_type: f for f in DOCUMENTS}


def format_named(name: str) -> Format:
    """A document format by our name of it."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnsupportedFormat(f"unknown format {name!r}; known: {', '.join(BY_NAME)}",
                                fr=f"format inconnu {name!r} ; formats connus : {', '.join(BY_NAME)}") from None


def format_for_media_type(media_type: str) -> Format:
    """The document format of a submission's media type."""
    try:
        return BY_MEDIA_TYPE[media_type.split(";")[0].strip().lower()]
    except KeyError:
        raise UnsupportedFormat(f"unsupported media type {media_type!r}; "
                                f"accepted: {', '.join(BY_MEDIA_TYPE)}",
                                fr=f"le format {media_type!r} n'est pas accepté ici ; envoyez l'un de ceux-ci : "
                                   f"{', '.join(BY_MEDIA_TYPE)}") from None


def format_for_path(path: Path | str) -> Format:
    """The document format a file's extension names."""
    suffix = Path(path).suffix.lower()
    for fmt in DOCUMENTS:
        if suffix in fmt.extensions:
            return fmt
    extensions = ", ".join(e for f in DOCUMENTS for e in f.extensions)
    if suffix == ".zip":  # the sheet as downloaded (/sheets/current.zip): its CSV files, not the archive
        raise UnsupportedFormat(f"{Path(path).name!r} is an archive: unzip it, then send the CSV files it holds (all "
                                "of them, or those of the tables you changed)",
                                f"« {Path(path).name} » est une archive : décompressez-la, puis déposez les fichiers "
                                "CSV qu'elle contient (tous, ou ceux des tableaux que vous avez modifiés)")
    raise UnsupportedFormat(f"cannot tell the format of {Path(path).name!r} from its extension; use one of "
                            + extensions, f"l'extension de {Path(path).name!r} ne dit pas son format ; utilisez "
                            + extensions)
