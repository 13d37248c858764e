"""Every namespace the project uses, and the one place that binds prefixes to a graph."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

TKG = Namespace("https://w3id.org/talent-kg/ontology#")
TKD = Namespace("https://w3id.org/talent-kg/id/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = URIRef("https://w3id.org/talent-kg/ontology")

#: xsd:integer and the types derived from it (an engine may hand any of them back as xsd:integer).
XSD_INTEGER_TYPES = frozenset(
    XSD[name]
    for name in [
        "integer",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)

#: prefix -> namespace, sorted by prefix. The only prefixes the project writes or accepts in CURIEs.
PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "tkd": str(TKD),
    "tkg": str(TKG),
    "vann": str(VANN),
    "wd": str(WD),
    "wdt": str(WDT),
    "xsd": str(XSD),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def curie(term: object) -> str:
    """Render an IRI as a CURIE with the project's prefixes, or ``<iri>`` when none fits.

    >>> curie(TKD["hugo-touvron"])
    'tkd:hugo-touvron'
    """
    text = str(term)
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if best:
        local = text[len(best) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best_prefix}:{local}"
    return f"<{text}>"


_NOT_IN_IRI = '<>"{}|\\^`'


def expand(value: str) -> URIRef:
    """Expand a CURIE (``tkd:meta``), ``<iri>`` or absolute IRI to a URIRef.

    Raises ValueError when the prefix is unknown or the text is not an IRI.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif ":" in text and not text.split(":", 1)[1].startswith("//"):
        prefix, local = text.split(":", 1)
        if prefix not in PREFIXES:
            known = ", ".join(sorted(PREFIXES))
            raise ValueError(f"unknown prefix {prefix!r} in {value!r} (known prefixes: {known})")
        if not local or any(c in local for c in _NOT_IN_IRI) or any(c.isspace() for c in local):
            raise ValueError(f"{value!r} is not a CURIE such as tkd:meta")
        return URIRef(PREFIXES[prefix] + local)
    if ":" not in text or any(c in text for c in _NOT_IN_IRI) or any(c.isspace() for c in text):
        raise ValueError(f"{value!r} is not an IRI or a CURIE such as tkd:meta")
    return URIRef(text)
