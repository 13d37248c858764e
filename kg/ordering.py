r"""A query's final ``ORDER BY``, done in Python for an engine whose own sort is slow.

Oxigraph sorts by decoding both terms at every comparison (about 1 µs each, more for an IRI,
whose text is a lookup in the store): 52,000 rows ordered by a paper's IRI take 2.8 s, the same
rows unordered 0 s more than the query. :class:`kg.store.OxigraphStore` therefore runs a query
whose last clause orders by plain variables without that clause (:func:`split_order_by`) and
orders the converted rows itself (:func:`sort_rows`), with SPARQL's order: unbound first, then
blank nodes, IRIs (by their text), literals; strings by code point, numbers by value. Where a
column holds values whose order SPARQL leaves to the engine (dates, language-tagged strings,
numbers mixed with strings), :func:`sort_rows` declines and the engine sorts as before.

Rows that tie on every key are put in one fixed order (by every column's value), so the same
data gives the same rows in the same order on every run: an engine's own order for ties
follows its hash tables and may change from run to run.

>>> split_order_by("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) ?a")
('SELECT ?a ?b WHERE { ?a ?p ?b } ', (('b', True), ('a', False)))
>>> split_order_by("SELECT ?a WHERE { ?a ?p ?b } ORDER BY STR(?a)") is None  # an expression
True
>>> split_order_by("SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 3") is None  # sliced
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.namespaces import XSD_INTEGER_TYPES
from kg.sparqltext import code_only

if TYPE_CHECKING:
    from rdflib.term import Node

#: (variable name without "?", descending)
OrderKey = tuple[str, bool]

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_CONDITION = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.IGNORECASE)

_STRING = str(XSD.string)
_DECIMALS = frozenset(str(t) for t in XSD_INTEGER_TYPES | {XSD.decimal})
_FLOATS = frozenset({str(XSD.double), str(XSD.float)})


def split_order_by(text: str) -> tuple[str, tuple[OrderKey, ...]] | None:
    """``text`` without its final ``ORDER BY`` and that clause's keys, if the clause is the last
    thing in the query and orders by variables only (``?x``, ``ASC(?x)``, ``DESC(?x)``);
    otherwise None (an expression, ``LIMIT``/``OFFSET`` after it, no such clause)."""
    code = code_only(text)  # comments, strings and IRIs blanked, positions kept
    close = code.rfind("}")
    matches = [m for m in _ORDER_BY.finditer(code) if m.start() > close]
    if not matches:
        return None
    clause = matches[-1]
    keys: list[OrderKey] = []
    position = clause.end()
    while True:
        condition = _CONDITION.match(code, position)
        if condition is None:
            break
        direction, inner, plain = condition.groups()
        keys.append((inner or plain, (direction or "").upper() == "DESC"))
        position = condition.end()
    if not keys or code[position:].strip():
        return None
    return text[: clause.start()], tuple(keys)


def sort_rows(
    variables: Sequence[str],
    rows: Sequence[tuple[Node | None, ...]],
    keys: Sequence[OrderKey],
) -> tuple[tuple[Node | None, ...], ...] | None:
    """``rows`` in the order of ``keys`` (ties in a fixed order), or None where a key is not a
    projected variable or a column holds values SPARQL does not order (see the module)."""
    try:
        columns = [variables.index(name) for name, _descending in keys]
    except ValueError:
        return None
    # The rows are put in order by the first key, then each run of rows equal so far by the
    # next key, and so on: later keys (often a unique IRI, to make the order total) are only
    # compared inside short runs. Values are ranked once per distinct term (keyed by identity:
    # a converted result shares one object per distinct term, and rdflib's Literal.__hash__ is
    # slow Python).
    ranks: dict[int, tuple[object, ...]] = {}
    per_column: dict[int, list[tuple[object, ...]]] = {}
    for column in set(columns):
        for row in rows:
            node = row[column]
            if id(node) not in ranks:
                value = _rank(node)
                if value is None:
                    return None
                ranks[id(node)] = value
        per_column[column] = [ranks[id(row[column])] for row in rows]
        if len({value[0] for value in per_column[column]} - {0, 1, 2}) > 1:
            return None  # strings and numbers in one column
    order = list(range(len(rows)))
    runs = [(0, len(rows))]
    for column, (_name, descending) in zip(columns, keys, strict=True):
        value_of = per_column[column].__getitem__
        next_runs = []
        for start, end in runs:
            if end - start == 1:
                next_runs.append((start, end))
                continue
            order[start:end] = sorted(order[start:end], key=value_of, reverse=descending)
            position = start
            for _value, group in groupby(order[start:end], key=value_of):
                size = sum(1 for _ in group)
                next_runs.append((position, position + size))
                position += size
        runs = next_runs
    # rows equal on every key: in the order of all their values
    ties: dict[int, str] = {}

    def tie_key(index: int) -> tuple[str, ...]:
        row = rows[index]
        for node in row:
            if id(node) not in ties:
                ties[id(node)] = _tie_key(node)
        return tuple([ties[id(node)] for node in row])

    for start, end in runs:
        if end - start > 1:
            order[start:end] = sorted(order[start:end], key=tie_key)
    return tuple(rows[i] for i in order)


def _rank(node: Node | None) -> tuple[object, ...] | None:
    """A sort key in SPARQL's order, or None for a value this module does not order. The first
    element is the family: 0 unbound, 1 blank node, 2 IRI, 3 string, 4 number."""
    if node is None:
        return (0,)
    if isinstance(node, BNode):
        return (1, str(node))
    if isinstance(node, URIRef):
        return (2, str(node))
    if isinstance(node, Literal):
        if node.language:
            return None
        datatype = str(node.datatype) if node.datatype is not None else _STRING
        if datatype == _STRING:
            return (3, str(node))
        try:
            if datatype in _DECIMALS:
                number: Decimal | float = Decimal(str(node).strip())
            elif datatype in _FLOATS:
                number = float(str(node).strip())
            else:
                return None
        except (InvalidOperation, ValueError):
            return None
        if (isinstance(number, float) and not math.isfinite(number)) or number != number:
            return None
        return (4, number)
    return None


def _tie_key(node: Node | None) -> str:
    """A total order on terms for rows that tie: kind, then text, then datatype or language."""
    if node is None:
        return "0"
    if isinstance(node, BNode):
        return "1" + node
    if isinstance(node, URIRef):
        return "2" + node
    if isinstance(node, Literal):
        return f"3{node}\x00{node.language or node.datatype or ''}"
    return "4" + str(node)


__all__ = ["OrderKey", "sort_rows", "split_order_by"]
