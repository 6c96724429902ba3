"""One table of RDF formats: media type, file extensions, pyoxigraph format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat

from isic_graph.errors import UnsupportedFormat


@dataclass(frozen=True)
class Format:
    """An RDF serialization known to isic-graph."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    rdf_format: RdfFormat | None  # None: a sheet (CSV table or workbook), read through the sheet model
    dataset: bool = False  # holds named graphs

    @property
    def extension(self) -> str:
        return self.extensions[0]


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", (".ttl",), RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", (".nt",), RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", (".jsonld", ".json"), RdfFormat.JSON_LD),
    Format("nquads", "application/n-quads", (".nq",), RdfFormat.N_QUADS, dataset=True),
    Format("trig", "application/trig", (".trig",), RdfFormat.TRIG, dataset=True),
    Format("csv", "text/csv", (".csv",), None),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), None),
    Format("ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",), None),
)

BY_NAME = {f.name: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}


def format_named(name: str) -> Format:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnsupportedFormat(f"unknown format {name!r}; known: {', '.join(BY_NAME)}") from None


def format_for_media_type(media_type: str) -> Format:
    try:
        return BY_MEDIA_TYPE[media_type.split(";")[0].strip().lower()]
    except KeyError:
        raise UnsupportedFormat(f"unsupported media type {media_type!r}; accepted: {', '.join(BY_MEDIA_TYPE)}") from None


def format_for_path(path: Path | str) -> Format:
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    extensions = ", ".join(e for f in FORMATS for e in f.extensions)
    raise UnsupportedFormat(f"cannot tell the format of {Path(path).name!r} from its extension; use one of "
                            + extensions, f"l'extension de {Path(path).name!r} ne dit pas son format ; utilisez "
                            + extensions)
