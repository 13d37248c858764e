"""What must be equal when two engines answer the same query (shared by the tests that compare
stores): the variables, and the rows as a multiset, with the differences SPARQL allows
normalised and nothing else."""

from __future__ import annotations

import re
from collections import Counter

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.namespaces import XSD_INTEGER_TYPES
from kg.queries import AskResult, NamedQuery, QueryResult, SelectResult

_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(?:;\s*SEPARATOR\s*=\s*\"([^\"]*)\")?\s*\)"
    r"\s*AS\s*[?$](\w+)",
    re.IGNORECASE,
)


def normalised(query: NamedQuery | str, result: QueryResult) -> object:
    """What must be equal on every store: the variables, and the rows as a multiset, with
    (1) derived integer datatypes as xsd:integer (Oxigraph and Fuseki hand "6" typed
    xsd:positiveInteger back as xsd:integer), (2) GROUP_CONCAT values as the sorted list of
    their parts (SPARQL leaves their order to the engine), (3) blank nodes anonymous."""
    if isinstance(result, AskResult):
        return result.value
    assert isinstance(result, SelectResult)
    text = query.text if isinstance(query, NamedQuery) else query
    separators = {
        m.group(2): m.group(1) if m.group(1) is not None else " "
        for m in _GROUP_CONCAT.finditer(text)
    }

    def term(variable: str, node: Node | None) -> object:
        if isinstance(node, BNode):
            return "_:b"
        if isinstance(node, Literal) and node.datatype in XSD_INTEGER_TYPES:
            return Literal(str(node), datatype=XSD.integer)
        if variable in separators and isinstance(node, Literal):
            return ("GROUP_CONCAT", tuple(sorted(str(node).split(separators[variable]))))
        return node

    rows = Counter(
        tuple(term(v, n) for v, n in zip(result.variables, row, strict=True)) for row in result.rows
    )
    return result.variables, rows
