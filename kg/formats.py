"""One table of the RDF and result formats: name, rdflib plugin, file extension, media type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialisation the project reads or writes."""

    name: str
    rdflib_name: str
    extension: str
    media_type: str


TURTLE = RdfFormat("turtle", "turtle", ".ttl", "text/turtle")
NTRIPLES = RdfFormat("ntriples", "nt", ".nt", "application/n-triples")
JSONLD = RdfFormat("json-ld", "json-ld", ".jsonld", "application/ld+json")

RDF_FORMATS: dict[str, RdfFormat] = {f.name: f for f in (TURTLE, NTRIPLES, JSONLD)}
_BY_EXTENSION: dict[str, RdfFormat] = {f.extension: f for f in RDF_FORMATS.values()}
_BY_EXTENSION[".json"] = JSONLD


def rdf_format(name: str) -> RdfFormat:
    """The format called ``name`` (turtle, ntriples, json-ld)."""
    try:
        return RDF_FORMATS[name]
    except KeyError:
        known = ", ".join(RDF_FORMATS)
        raise InputError(f"unknown RDF format {name!r}", hint=f"use one of: {known}") from None


def format_for_path(path: Path) -> RdfFormat:
    """The format a file's extension says it is in."""
    try:
        return _BY_EXTENSION[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_BY_EXTENSION))
        raise InputError(
            f"{path}: cannot tell the RDF format from the extension {path.suffix!r}",
            hint=f"use one of: {known}",
        ) from None


@dataclass(frozen=True)
class ResultFormat:
    """A way to print SPARQL SELECT results."""

    name: str
    extension: str
    media_type: str


RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("table", ".txt", "text/plain"),
        ResultFormat("csv", ".csv", "text/csv"),
        ResultFormat("tsv", ".tsv", "text/tab-separated-values"),
        ResultFormat("json", ".srj", "application/sparql-results+json"),
    )
}
