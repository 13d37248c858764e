"""Render query results: an aligned text table, CSV, TSV, or W3C SPARQL 1.1 Query Results JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.formats import RESULT_FORMATS
from kg.namespaces import curie
from kg.queries import AskResult, GraphResult, QueryResult, SelectResult


def render(result: QueryResult, fmt: str) -> str:
    """``result`` as text in the result format called ``fmt`` (table, csv, tsv, json)."""
    if fmt not in RESULT_FORMATS:
        raise InputError(
            f"unknown result format {fmt!r}", hint=f"use one of: {', '.join(RESULT_FORMATS)}"
        )
    if isinstance(result, GraphResult):
        from kg.turtle import to_turtle

        return to_turtle(result.graph)
    if isinstance(result, AskResult):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.value}, indent=2) + "\n"
        return ("true" if result.value else "false") + "\n"
    renderers = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json}
    return renderers[fmt](result)


def display(node: Node | None) -> str:
    """A term as a person reads it: CURIE for IRIs, the lexical form for literals."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _table(result: SelectResult) -> str:
    header = list(result.variables)
    body = [[display(v) for v in row] for row in result.rows]
    widths = [len(h) for h in header]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(row) for row in body)
    count = len(body)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as plain strings, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return buffer.getvalue()


def _tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, header of ?variables."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if v is None else _tsv_term(v) for v in row))
    return "\n".join(lines) + "\n"


def _tsv_term(node: Node) -> str:
    if isinstance(node, Literal) and node.datatype == XSD.integer and node.language is None:
        return str(node)
    text: str = node.n3()
    return text.replace("\t", "\\t")


def _json(result: SelectResult) -> str:
    bindings = []
    for row in result.rows:
        entry: dict[str, Any] = {}
        for name, value in zip(result.variables, row, strict=True):
            if value is not None:
                entry[name] = _json_term(value)
        bindings.append(entry)
    doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _json_term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype is not None and node.datatype != XSD.string:
            term["datatype"] = str(node.datatype)
        return term
    raise TypeError(f"cannot render {node!r}")  # pragma: no cover - variables never reach here
