"""SHACL validation that scales: the shapes compiled to set-based SPARQL, run inside Oxigraph.

pySHACL validates one focus node at a time: for every employment it walks every property shape
and runs every SPARQL constraint once, through rdflib. That is minutes at a hundred thousand
people. Here each constraint becomes one query over the whole graph that returns only the
violations (``FILTER NOT EXISTS`` for ``sh:minCount``, ``GROUP BY … HAVING`` for ``sh:maxCount``,
a class check through ``rdf:type/rdfs:subClassOf*`` for ``sh:class``, the constraint's own
SELECT joined with the targets for SHACL-SPARQL), evaluated by Oxigraph. Checks on values alone
(``sh:datatype``, ``sh:pattern``, ``sh:or`` of such shapes, ``sh:in``, ``sh:nodeKind``, lengths)
run in Python, once per distinct value, with pySHACL's exact semantics (rdflib's notion of an
ill-typed literal, Python regular expressions).

The report is the one :func:`kg.validate.validate` gives, problem for problem: the same focus,
path, value, severity, shape and message (the results go through :func:`kg.validate._problem`,
the one place that renders them). ``tests/test_fastvalidate.py`` proves it on the fixtures and on
generated graphs with defects. What is validated is the asserted graph (ontology and data, the
store's default graph), as ``kg validate`` does: validating the graph *with* the OWL RL
inferences would change the verdict (a range axiom makes any ``tkg:employee`` a ``tkg:Person``,
so the check that catches a mistyped employee IRI could never fire).

Oxigraph does not keep every literal as written: it stores "1"^^xsd:positiveInteger as
"1"^^xsd:integer (all integer-derived types, and canonical forms of numbers and times). pySHACL
sees the literal as written, so :func:`validate_store` reads the source files once (pyoxigraph's
parser keeps literals as they are) and checks values as written; SHACL-SPARQL constraints get a
DATATYPE() that answers with the written datatype, and when a literal was written with several
datatypes that the store merged, the constraint is run the way pySHACL runs it (rdflib, one focus
node at a time) over the triples of the predicates it names.

A shapes graph that uses a SHACL feature not compiled here (``sh:node``, sequence paths,
qualified shapes, property-shape SPARQL constraints, …) is refused with
:class:`UnsupportedShapesError` naming the feature; ``kg validate`` (pySHACL) handles it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.errors import KgError
from kg.load import LoadedGraph, parse_file
from kg.namespaces import XSD_INTEGER_TYPES
from kg.validate import ValidationReport, _problem

if TYPE_CHECKING:
    import pyoxigraph

Progress = Callable[[str], None]

#: Constraint parameters compiled to SPARQL or checked in Python; anything else is refused.
_SUPPORTED = frozenset(
    {
        SH.minCount,
        SH.maxCount,
        SH["class"],
        SH.datatype,
        SH.pattern,
        SH.flags,
        SH["or"],
        SH["in"],
        SH.nodeKind,
        SH.minLength,
        SH.maxLength,
        SH.uniqueLang,
        SH.sparql,
    }
)
#: Shape-level terms that are not constraints.
_DESCRIPTIVE = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.isDefinedBy,
        SH.message,
        SH.severity,
        SH.path,
        SH.property,
        SH.targetClass,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.targetNode,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.deactivated,
        SH.declare,
    }
)
#: Constraints on a value alone: checked in Python on each distinct value.
_VALUE_LEVEL = frozenset(
    {SH.datatype, SH.pattern, SH["in"], SH.nodeKind, SH.minLength, SH.maxLength, SH["or"]}
)


class UnsupportedShapesError(KgError):
    """The shapes use a SHACL feature that the compiled validator does not implement."""


# --- the compiled shapes --------------------------------------------------------------------


@dataclass
class _Result:
    """One validation result, as pySHACL would write it."""

    focus: Node
    shape: Node
    severity: Node
    path: Node | None = None
    value: Node | None = None
    messages: tuple[Literal, ...] = ()
    component: Node = SH.ConstraintComponent


@dataclass
class _Check:
    """One compiled constraint: a query, and how to turn its rows into results."""

    shape: Node
    label: str
    run: Callable[[_Context], Iterator[_Result]]


@dataclass
class _Context:
    store: Any
    written: _Written

    def select(self, query: str, *, raw_datatypes: bool = False) -> Iterator[dict[str, Node]]:
        """Run a SELECT in Oxigraph; rows as {variable: rdflib term} (unbound left out).
        ``raw_datatypes``: DATATYPE() gives the datatype a literal was written with."""
        import pyoxigraph as ox

        from kg.store import to_rdflib

        functions = {}
        if raw_datatypes:
            query = _DATATYPE_CALL.sub(f"<{_DATATYPE_FUNCTION}>(", query)
            functions[ox.NamedNode(_DATATYPE_FUNCTION)] = self.written.datatype_function(query)
        solutions = self.store.query(query, custom_functions=functions)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row: dict[str, Node] = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = to_rdflib(term)
            yield row


def _sparql_term(node: Node) -> str:
    from kg.fastreason import nt

    return nt(node)


def _path_text(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path (the same value nodes: both are sets)."""
    if isinstance(path, URIRef):
        return _sparql_term(path)
    if shapes.value(path, RDF.first) is not None:  # a list: a sequence path
        return "(" + "/".join(_path_text(shapes, step) for step in shapes.items(path)) + ")"
    operators = {
        SH.inversePath: "^{}",
        SH.zeroOrMorePath: "{}*",
        SH.oneOrMorePath: "{}+",
        SH.zeroOrOnePath: "{}?",
    }
    for predicate, template in operators.items():
        inner = shapes.value(path, predicate)
        if inner is not None:
            return "(" + template.format(_path_text(shapes, inner)) + ")"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(shapes, a) for a in shapes.items(alternatives)) + ")"
    raise UnsupportedShapesError(
        f"sh:path {path} is not a SHACL property path",
        hint="see https://www.w3.org/TR/shacl/#property-paths",
    )


def _targets(shapes: Graph, shape: Node) -> str | None:
    """The SPARQL pattern binding ?this to the shape's focus nodes (None: no target)."""
    parts = []
    for cls in sorted(shapes.objects(shape, SH.targetClass), key=str):
        parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_sparql_term(cls)} .")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        parts.append(f"?this {_sparql_term(prop)} ?targetValue .")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        parts.append(f"?targetSubject {_sparql_term(prop)} ?this .")
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=str)
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_sparql_term(n) for n in nodes) + " }")
    if not parts:
        return None
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _severity(shapes: Graph, shape: Node) -> Node:
    return shapes.value(shape, SH.severity) or SH.Violation


def _messages(shapes: Graph, shape: Node) -> tuple[Literal, ...]:
    return tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))


def _check_parameters(shapes: Graph, shape: Node) -> None:
    for predicate in set(shapes.predicates(shape)):
        if predicate in _SUPPORTED or predicate in _DESCRIPTIVE:
            continue
        if str(predicate).startswith(str(SH)):
            raise UnsupportedShapesError(
                f"shape {shape} uses {predicate}, which the compiled validator does not implement",
                hint="use 'kg validate' (pySHACL), or add the constraint to kg/fastvalidate.py",
            )


# value-level checks, with pySHACL's semantics ----------------------------------------------------


def _actual_datatype(value: Literal, datatype: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent._assert_actual_datatype."""
    python = value.value
    if datatype in (XSD.string, RDF.langString):
        return isinstance(python, str | bytes)
    if datatype == XSD.integer:
        return isinstance(python, int)
    if datatype == XSD.float:
        return isinstance(python, float)
    if datatype == XSD.decimal:
        return isinstance(python, Decimal)
    if datatype == XSD.boolean:
        return isinstance(python, bool)
    if datatype == XSD.date:
        return isinstance(python, date)
    if datatype == XSD.time:
        return isinstance(python, clock_time)
    if datatype == XSD.dateTime:
        return isinstance(python, datetime)
    return True


def _datatype_ok(value: Node, *, datatype: Node) -> bool:
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return _actual_datatype(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return _actual_datatype(value, datatype)
    if datatype == RDF.langString and value.language:
        return _actual_datatype(value, datatype)
    return False


def _as_string(value: Node) -> str:
    """pySHACL's StringBasedConstraintBase.value_node_to_string."""
    if isinstance(value, Literal):
        if value.value is not None and value.datatype in (None, RDF.langString, XSD.string):
            return str(value.value)
        return str(value)
    return str(value)


def _value_test(shapes: Graph, shape: Node) -> Callable[[Node], bool] | None:
    """A predicate for the value-level constraints of ``shape`` (None if it has none)."""
    tests: list[Callable[[Node], bool]] = []
    for datatype in shapes.objects(shape, SH.datatype):
        tests.append(partial(_datatype_ok, datatype=datatype))
    flags = "".join(str(f) for f in shapes.objects(shape, SH.flags))
    re_flags = 0
    for letter, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL)):
        if letter in flags:
            re_flags |= flag
    if "x" in flags:
        re_flags |= re.VERBOSE
    for pattern in shapes.objects(shape, SH.pattern):
        matcher = re.compile(str(pattern), re_flags)

        def matches(v: Node, m: re.Pattern[str] = matcher) -> bool:
            if isinstance(v, BNode):
                return False
            text = _as_string(v)
            return bool(m.match(text) or m.search(text))

        tests.append(matches)
    for members in shapes.objects(shape, SH["in"]):
        tests.append(partial(_member_of, frozenset(shapes.items(members))))
    for kind in shapes.objects(shape, SH.nodeKind):
        tests.append(partial(_node_kind, kind=kind))
    for limit in shapes.objects(shape, SH.minLength):
        tests.append(partial(_length_ok, low=int(limit), high=None))  # type: ignore[call-overload]
    for limit in shapes.objects(shape, SH.maxLength):
        tests.append(partial(_length_ok, low=0, high=int(limit)))  # type: ignore[call-overload]
    for head in shapes.objects(shape, SH["or"]):
        alternatives = []
        for member in shapes.items(head):
            _check_parameters(shapes, member)
            if shapes.value(member, SH.path) is not None:
                return None  # an sh:or of property shapes: compiled to SPARQL instead
            test = _value_test(shapes, member)
            if test is None or set(shapes.predicates(member)) & {SH["class"], SH.sparql}:
                raise UnsupportedShapesError(
                    f"sh:or member {member} of {shape} is not a shape of value constraints",
                    hint="use 'kg validate' (pySHACL)",
                )
            alternatives.append(test)
        tests.append(partial(_any_of, tuple(alternatives)))
    if not tests:
        return None
    return partial(_all_of, tuple(tests))


def _all_of(tests: tuple[Callable[[Node], bool], ...], value: Node) -> bool:
    return all(test(value) for test in tests)


def _any_of(tests: tuple[Callable[[Node], bool], ...], value: Node) -> bool:
    return any(test(value) for test in tests)


def _member_of(allowed: frozenset[Node], value: Node) -> bool:
    return value in allowed


def _length_ok(value: Node, *, low: int, high: int | None) -> bool:
    if isinstance(value, BNode):
        return False
    length = len(_as_string(value))
    return length >= low and (high is None or length <= high)


def _node_kind(value: Node, *, kind: Node) -> bool:
    kinds: dict[Node, tuple[type, ...]] = {
        SH.IRI: (URIRef,),
        SH.BlankNode: (BNode,),
        SH.Literal: (Literal,),
        SH.BlankNodeOrIRI: (BNode, URIRef),
        SH.BlankNodeOrLiteral: (BNode, Literal),
        SH.IRIOrLiteral: (URIRef, Literal),
    }
    return isinstance(value, kinds.get(kind, ()))


# compiling ------------------------------------------------------------------------------------


def _property_or_condition(shapes: Graph, shape: Node) -> str | None:
    """``sh:or`` of property shapes (``EmploymentStartShape``): a SPARQL condition on ?this that
    holds when the focus conforms to at least one member. None if not of that form."""
    conditions = []
    for head in shapes.objects(shape, SH["or"]):
        options = []
        for number, member in enumerate(shapes.items(head)):
            path = shapes.value(member, SH.path)
            if path is None:
                return None
            extra = set(shapes.predicates(member)) - {SH.path, SH.minCount, RDF.type, SH.message}
            minimum = shapes.value(member, SH.minCount)
            if extra or minimum is None or int(minimum) != 1:  # type: ignore[call-overload]
                raise UnsupportedShapesError(
                    f"sh:or member {member} of {shape}: only sh:path with sh:minCount 1 is "
                    "compiled",
                    hint="use 'kg validate' (pySHACL)",
                )
            options.append(f"EXISTS {{ ?this {_path_text(shapes, path)} ?or{number} }}")
        conditions.append("(" + " || ".join(options) + ")")
    return " && ".join(conditions) if conditions else None


def _compile(shapes: Graph) -> list[_Check]:
    checks: list[_Check] = []
    node_shapes = sorted(
        {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
        | {
            s
            for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
            for s in shapes.subjects(p, None)
        },
        key=str,
    )
    for shape in node_shapes:
        if _deactivated(shapes, shape):
            continue
        targets = _targets(shapes, shape)
        if targets is None:
            continue  # used only inside sh:or (YearShape …): validates nothing by itself
        if shapes.value(shape, SH.path) is not None:
            raise UnsupportedShapesError(
                f"{shape}: a property shape with its own targets is not compiled",
                hint="attach it to a node shape with sh:property",
            )
        _check_parameters(shapes, shape)
        checks.extend(_node_checks(shapes, shape, targets))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            if _deactivated(shapes, prop):
                continue
            _check_parameters(shapes, prop)
            if shapes.value(prop, SH.sparql) is not None:
                raise UnsupportedShapesError(
                    f"{prop}: SPARQL constraints on property shapes are not compiled",
                    hint="put the SPARQL constraint on a node shape",
                )
            subjects_of = frozenset(shapes.objects(shape, SH.targetSubjectsOf))
            checks.extend(_property_checks(shapes, prop, targets, subjects_of))
    return checks


def _deactivated(shapes: Graph, shape: Node) -> bool:
    flag = shapes.value(shape, SH.deactivated)
    return isinstance(flag, Literal) and flag.value is True


def _node_checks(shapes: Graph, shape: Node, targets: str) -> list[_Check]:
    checks: list[_Check] = []
    severity, messages = _severity(shapes, shape), _messages(shapes, shape)
    label = _label(shape)
    condition = _property_or_condition(shapes, shape)
    if condition is not None:
        query = f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER (!({condition})) }}"

        def run_or(ctx: _Context, q: str = query) -> Iterator[_Result]:
            for row in ctx.select(q):
                yield _Result(row["this"], shape, severity, None, row["this"], messages)

        checks.append(_Check(shape, f"{label} (sh:or)", run_or))
    elif (test := _value_test(shapes, shape)) is not None:
        query = f"SELECT DISTINCT ?this WHERE {{ {targets} }}"

        def run_values(
            ctx: _Context, q: str = query, t: Callable[[Node], bool] = test
        ) -> Iterator[_Result]:
            for row in ctx.select(q):
                if not t(row["this"]):
                    yield _Result(row["this"], shape, severity, None, row["this"], messages)

        checks.append(_Check(shape, f"{label} (values)", run_values))
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        checks.append(_sparql_check(shapes, shape, constraint, targets, severity, messages))
    return checks


def _property_checks(
    shapes: Graph, prop: Node, targets: str, subjects_of: frozenset[Node] = frozenset()
) -> list[_Check]:
    path = shapes.value(prop, SH.path)
    if path is None:
        raise UnsupportedShapesError(f"{prop}: a property shape without sh:path")
    walk = _path_text(shapes, path)
    # For the checks on existing values: when the shape targets the subjects of the path's own
    # predicate (DateShape and tkg:startDate), every subject with a value is a focus node, and
    # the target pattern (a union over eight predicates) need not be evaluated again.
    valued = targets
    if isinstance(path, URIRef) and path in subjects_of:
        valued = ""
    severity, messages = _severity(shapes, prop), _messages(shapes, prop)
    label = _label(prop)
    checks: list[_Check] = []

    def result(focus: Node, value: Node | None) -> _Result:
        return _Result(focus, prop, severity, path, value, messages)

    minimum = shapes.value(prop, SH.minCount)
    if minimum is not None:
        n = int(minimum)  # type: ignore[call-overload]
        if n == 1:
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {targets} "
                f"FILTER NOT EXISTS {{ ?this {walk} ?v }} }}"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {walk} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
            )
        if n > 0:
            checks.append(
                _Check(
                    prop, f"{label} (sh:minCount)", _rows(query, lambda r: result(r["this"], None))
                )
            )
    maximum = shapes.value(prop, SH.maxCount)
    if maximum is not None:
        n = int(maximum)  # type: ignore[call-overload]
        if n == 1:  # a self-join: cheaper than grouping every focus node
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {valued} ?this {walk} ?a . ?this {walk} ?b "
                "FILTER (!SAMETERM(?a, ?b)) }"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {valued} ?this {walk} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
            )
        checks.append(
            _Check(prop, f"{label} (sh:maxCount)", _rows(query, lambda r: result(r["this"], None)))
        )
    for cls in sorted(shapes.objects(prop, SH["class"]), key=str):
        checks.append(
            _Check(prop, f"{label} (sh:class)", _class_check(cls, valued, walk, result, path))
        )
    unique = shapes.value(prop, SH.uniqueLang)
    if isinstance(unique, Literal) and unique.value is True:
        query = (
            f"SELECT DISTINCT ?this (LCASE(LANG(?a)) AS ?lang) WHERE {{ {valued} "
            f'?this {walk} ?a, ?b FILTER (!SAMETERM(?a, ?b) && LANG(?a) != "" '
            f"&& LCASE(LANG(?a)) = LCASE(LANG(?b))) }}"
        )
        checks.append(
            _Check(
                prop, f"{label} (sh:uniqueLang)", _rows(query, lambda r: result(r["this"], None))
            )
        )
    test = _value_test(shapes, prop)
    if test is None and shapes.value(prop, SH["or"]) is not None:
        raise UnsupportedShapesError(
            f"{prop}: sh:or of property shapes on a property shape is not compiled",
            hint="use 'kg validate' (pySHACL)",
        )
    if test is not None:
        values = f"SELECT DISTINCT ?value WHERE {{ {valued} ?this {walk} ?value }}"

        def run_values(ctx: _Context, t: Callable[[Node], bool] = test) -> Iterator[_Result]:
            rewritten = ctx.written.rewritten
            bad = [
                row["value"]
                for row in ctx.select(values)
                if row["value"] in rewritten or not t(row["value"])  # per triple, below
            ]
            if not bad:
                return
            listed = " ".join(_sparql_term(v) for v in bad if not isinstance(v, BNode))
            pairs = (
                f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {listed} }} {valued} "
                f"?this {walk} ?value }}"
            )
            for row in ctx.select(pairs):
                value = ctx.written.value(row["this"], path, row["value"])
                if not t(value):
                    yield result(row["this"], value)

        checks.append(_Check(prop, f"{label} (values)", run_values))
    return checks


def _class_check(
    cls: Node,
    targets: str,
    walk: str,
    result: Callable[[Node, Node | None], _Result],
    path: Node,
) -> Callable[[_Context], Iterator[_Result]]:
    """sh:class: the values that are no SHACL instance of ``cls`` (``rdf:type/rdfs:subClassOf*``
    in the data graph). The subclasses are looked up once, and each distinct value checked once
    (a source is cited by many employments)."""

    def run(ctx: _Context) -> Iterator[_Result]:
        subclasses = " ".join(
            _sparql_term(row["c"])
            for row in ctx.select(
                f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_sparql_term(cls)} }}"
            )
        )
        bad = [
            row["value"]
            for row in ctx.select(
                f"SELECT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ {targets} "
                f"?this {walk} ?value }} }} FILTER NOT EXISTS {{ ?value <{RDF.type}> ?class "
                f"VALUES ?class {{ {subclasses} }} }} }}"
            )
        ]
        listed = " ".join(_sparql_term(v) for v in bad if not isinstance(v, BNode))
        if not listed:
            return
        pairs = (
            f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {listed} }} {targets} "
            f"?this {walk} ?value }}"
        )
        for row in ctx.select(pairs):
            yield result(row["this"], ctx.written.value(row["this"], path, row["value"]))

    return run


def _rows(
    query: str, make: Callable[[dict[str, Node]], _Result]
) -> Callable[[_Context], Iterator[_Result]]:
    def run(ctx: _Context) -> Iterator[_Result]:
        for row in ctx.select(query):
            yield make(row)

    return run


def _sparql_check(
    shapes: Graph,
    shape: Node,
    constraint: Node,
    targets: str,
    severity: Node,
    messages: tuple[Literal, ...],
) -> _Check:
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal):
        raise UnsupportedShapesError(f"{shape}: only SELECT-based SPARQL constraints are compiled")
    text = str(select)
    for variable in ("$shapesGraph", "$currentShape", "$PATH", "$value"):
        if variable in text:
            raise UnsupportedShapesError(f"{shape}: the SPARQL constraint uses {variable}")
    own = tuple(m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal))
    prefixes = _declared_prefixes(shapes, constraint)
    query = f"SELECT * WHERE {{ {targets} {{ {text} }} }}"

    def run(ctx: _Context) -> Iterator[_Result]:
        ctx.written.ambiguous.clear()
        rows = list(ctx.select(prefixes + query, raw_datatypes=True))
        if ctx.written.ambiguous:  # DATATYPE() met a literal the store cannot tell apart
            ctx.written.ambiguous.clear()
            rows = _per_focus(ctx, prefixes + text, targets)
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            focus = row.pop("this")
            path = row.pop("path", None)
            value = row.pop("value", None)
            row.pop("failure", None)
            key = (focus, path, value, tuple(sorted(row.items())))
            if key in seen:
                continue
            seen.add(key)
            bound: dict[str, Node] = dict(row)
            bound["this"] = focus
            if path is not None:
                bound["path"] = path
            if value is not None:
                bound["value"] = value
            texts = tuple(Literal(_format(str(m.value), bound)) for m in (*messages, *own))
            yield _Result(
                focus, shape, severity, path, value if value is not None else focus, texts
            )

    return _Check(shape, f"{_label(shape)} (sh:sparql)", run)


def _per_focus(ctx: _Context, text: str, targets: str) -> list[dict[str, Node]]:
    """The SPARQL constraint ``text`` run the way pySHACL runs it (rdflib, ``$this`` bound to
    each focus node in turn) over the triples of the predicates it names, their literals as
    written. The fallback for a query whose DATATYPE() the store cannot answer: "1" written as
    xsd:positiveInteger in one triple and as xsd:integer in another is one literal in Oxigraph.
    """
    import pyoxigraph as ox
    from rdflib import Variable
    from rdflib.plugins.sparql import prepareQuery

    from kg.store import to_rdflib

    graph = Graph()
    for iri in sorted(_iris_in(text)):
        predicate = URIRef(iri)
        for quad in ctx.store.quads_for_pattern(None, ox.NamedNode(iri), None, ox.DefaultGraph()):
            s, o = to_rdflib(quad.subject), to_rdflib(quad.object)
            graph.add((s, predicate, ctx.written.value(s, predicate, o)))
    prepared = prepareQuery(text)
    rows: list[dict[str, Node]] = []
    for target in ctx.select(f"SELECT ?this WHERE {{ {targets} }}"):
        focus = target["this"]
        bindings: dict[str, Any] = {Variable("this"): focus}
        for solution in graph.query(prepared, initBindings=bindings):
            row = {str(k): v for k, v in solution.asdict().items()}  # type: ignore[union-attr]
            row.setdefault("this", focus)
            rows.append(row)
    return rows


def _format(message: str, bound: dict[str, Node]) -> str:
    """pySHACL's _format_sparql_based_result_message: {?var} and {$var} replaced by str(term)."""
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message


def _declared_prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def _label(shape: Node) -> str:
    from kg.namespaces import curie

    return curie(shape) if isinstance(shape, URIRef) else str(shape)


# --- literals as written -------------------------------------------------------------------

#: Datatypes whose literals Oxigraph may store differently from how they were written: it keeps
#: every integer-derived type as xsd:integer ("1"^^xsd:positiveInteger reads back as
#: "1"^^xsd:integer) and numbers, booleans and times in canonical form.
_REWRITTEN = XSD_INTEGER_TYPES | frozenset(
    XSD[name]
    for name in [
        "decimal",
        "double",
        "float",
        "boolean",
        "dateTime",
        "dateTimeStamp",
        "time",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    ]
)
_REWRITTEN_IRIS = frozenset(str(d) for d in _REWRITTEN)
_DATATYPE_FUNCTION = "urn:talent-kg:fastvalidate:datatype"
_DATATYPE_CALL = re.compile(r"(?i)\bdatatype\s*\(")


@dataclass
class _Written:
    """The literals of the source whose stored form differs from how they were written, so that
    checks see what pySHACL sees: ``(subject, predicate, stored literal) -> written literal``, and
    for each stored literal the datatypes it was written with."""

    by_triple: dict[tuple[Node, Node, Node], Literal] = field(default_factory=dict)
    datatypes: dict[tuple[Node, Node], set[Node]] = field(default_factory=dict)  # (p, stored)
    ambiguous: set[Node] = field(default_factory=set)
    rewritten: set[Node] = field(default_factory=set)  # stored literals written otherwise

    @classmethod
    def scan(cls, triples: Iterable[tuple[Node, Node, Node]]) -> _Written:
        import pyoxigraph as ox

        from kg.fastreason import nt
        from kg.store import to_rdflib

        candidates: list[tuple[Node, Node, Literal]] = []
        for s, p, o in triples:
            if isinstance(o, Literal) and o.datatype in _REWRITTEN:
                candidates.append((s, p, o))
        written = cls()
        if not candidates:
            return written
        distinct = sorted({o for _s, _p, o in candidates}, key=nt)
        scratch = ox.Store()  # how Oxigraph stores each of them
        text = "".join(f"<urn:x:{i}> <urn:x:v> {nt(o)} .\n" for i, o in enumerate(distinct))
        scratch.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        stored: dict[Literal, Node] = {}
        for quad in scratch:
            stored[distinct[int(quad.subject.value[6:])]] = to_rdflib(quad.object)
        changed = {o for o in distinct if nt(stored[o]) != nt(o)}
        canonical_changed = {stored[o] for o in changed}
        for s, p, o in candidates:
            canonical = stored[o]
            if canonical in canonical_changed and o.datatype is not None:
                written.datatypes.setdefault((p, canonical), set()).add(o.datatype)
                written.rewritten.add(canonical)
            if o in changed:
                written.by_triple[(s, p, canonical)] = o
        return written

    def value(self, focus: Node, path: Node, stored: Node) -> Node:
        """The value as written, for a value read from the store."""
        return self.by_triple.get((focus, path, stored), stored)

    def datatype_function(self, query: str) -> Callable[[Any], Any]:
        """DATATYPE() as pySHACL would see it (the datatype a literal was written with), for
        Oxigraph. A literal is looked up among the triples of the predicates ``query`` names:
        "10" may be an xsd:positiveInteger author position and an xsd:integer elsewhere."""
        import pyoxigraph as ox

        from kg.store import to_rdflib

        named = _iris_in(query)
        by_literal: dict[Node, set[Node]] = {}
        for (predicate, literal), datatypes in self.datatypes.items():
            if str(predicate) in named:
                by_literal.setdefault(literal, set()).update(datatypes)

        def datatype(term: Any) -> Any:
            if not isinstance(term, ox.Literal):
                return None
            found = by_literal.get(to_rdflib(term))
            if found is None:
                if to_rdflib(term) in self.rewritten:
                    self.ambiguous.add(to_rdflib(term))  # written otherwise, by other predicates
                return term.datatype
            if len(found) > 1:
                self.ambiguous.add(to_rdflib(term))
            return ox.NamedNode(str(sorted(found, key=str)[0]))

        return datatype


def _iris_in(query: str) -> set[str]:
    """The IRIs a SPARQL query names, written in full or as prefixed names it declares."""
    prefixes = dict(re.findall(r"(?i)PREFIX\s+([\w.-]*):\s*<([^>]*)>", query))
    iris = set(re.findall(r"<([^<>\s]*)>", query))
    for prefix, local in re.findall(r"(?<![\w<?$])([A-Za-z][\w.-]*)?:([A-Za-z_][\w.-]*)", query):
        if prefix in prefixes:
            iris.add(prefixes[prefix] + local)
    return iris


@dataclass
class _Sources:
    """What one pass over the source files tells: the triples whose literal Oxigraph may store
    otherwise (as written: pyoxigraph's parser keeps literals as they are, its store does not),
    and for each IRI the first file that has it as a subject (the file a problem names)."""

    files: list[Path]
    rewritable: list[tuple[Node, Node, Node]]
    first_file: dict[str, int]

    @classmethod
    def read(cls, files: Sequence[Path]) -> _Sources:
        import pyoxigraph as ox

        from kg.store import to_rdflib

        rewritable: list[tuple[Node, Node, Node]] = []
        first_file: dict[str, int] = {}
        named, literal, rewritten = ox.NamedNode, ox.Literal, _REWRITTEN_IRIS
        for index, path in enumerate(files):
            fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
            for triple in ox.parse(path=str(path), format=fmt):
                subject, o = triple.subject, triple.object
                if type(subject) is named:
                    first_file.setdefault(subject.value, index)
                if type(o) is literal and o.datatype.value in rewritten:
                    rewritable.append(
                        (to_rdflib(subject), to_rdflib(triple.predicate), to_rdflib(o))
                    )
        return cls(list(files), rewritable, first_file)

    def origins(self, subjects: Iterable[Node]) -> dict[Node, Path]:
        found: dict[Node, Path] = {}
        for subject in subjects:
            index = self.first_file.get(str(subject)) if isinstance(subject, URIRef) else None
            if index is not None:
                found[subject] = self.files[index]
        return found


# --- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """How long each compiled check took, in seconds, slowest first."""

    checks: tuple[tuple[str, float, int], ...]  # label, seconds, results
    total: float


def validate_store(
    store: pyoxigraph.Store,
    shapes_path: Path,
    *,
    files: Sequence[Path] = (),
    root: Path | None = None,
    progress: Progress | None = None,
) -> tuple[ValidationReport, Timing]:
    """Validate the default graph of ``store`` (ontology and data) against ``shapes_path``.

    ``files`` are the files the default graph was loaded from, in load order (ontology first):
    a problem names the first of them that describes its focus node, as ``kg validate`` does.
    Returns the report and the time each check took.
    """
    started = time.perf_counter()
    shapes = parse_file(shapes_path)
    checks = _compile(shapes)
    sources = _Sources.read(files)
    written = _Written.scan(sources.rewritable)
    if progress:
        progress(
            f"{len(checks)} checks compiled; {len(written.by_triple):,} literals stored otherwise "
            f"than written, in {time.perf_counter() - started:.1f}s"
        )
    ctx = _Context(store, written)
    results: list[_Result] = []
    timings: list[tuple[str, float, int]] = []
    for number, check in enumerate(checks, start=1):
        check_started = time.perf_counter()
        found = list(check.run(ctx))
        seconds = time.perf_counter() - check_started
        timings.append((check.label, seconds, len(found)))
        results.extend(found)
        if progress and (seconds > 1 or number == len(checks)):
            progress(f"check {number}/{len(checks)} {check.label}: {len(found)} in {seconds:.1f}s")
    loaded = LoadedGraph(
        graph=Graph(), files=list(files), origins=sources.origins({r.focus for r in results})
    )
    report = _report_with_origins(results, loaded, root, shapes)
    total = time.perf_counter() - started
    timing = Timing(tuple(sorted(timings, key=lambda t: -t[1])), total)
    if progress:
        progress(f"{len(checks)} checks, {len(report.problems)} problems, in {total:.1f}s")
    return report, timing


def validate(
    loaded: LoadedGraph, shapes_path: Path, *, root: Path | None = None
) -> ValidationReport:
    """Like :func:`kg.validate.validate` (same arguments, same report), through an in-memory
    Oxigraph store."""
    import pyoxigraph as ox

    from kg.fastreason import nt

    store = ox.Store()
    text = "".join(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in loaded.graph)
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    shapes = parse_file(shapes_path)
    checks = _compile(shapes)
    ctx = _Context(store, _Written.scan(loaded.graph))
    results = [r for check in checks for r in check.run(ctx)]
    return _report_with_origins(results, loaded, root, shapes)


class _ResultsView:
    """The two lookups :func:`kg.validate._problem` makes on pySHACL's results graph, answered
    from the results directly (an rdflib graph of 25,000 results costs seconds to build)."""

    def __init__(self, results: list[_Result], shapes: Graph) -> None:
        self.nodes = [BNode() for _ in results]
        self.by_node = dict(zip(self.nodes, results, strict=True))
        self.shapes = shapes

    def value(self, subject: Node, predicate: Node) -> Node | None:
        result = self.by_node.get(subject) if isinstance(subject, BNode) else None
        if result is not None:
            fields: dict[Node, Node | None] = {
                SH.focusNode: result.focus,
                SH.resultPath: result.path,
                SH.value: result.value,
                SH.resultSeverity: result.severity,
                SH.sourceShape: result.shape,
            }
            return fields.get(predicate)
        found: Node | None = self.shapes.value(subject, predicate)  # an inverse path's node
        return found

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        result = self.by_node.get(subject) if isinstance(subject, BNode) else None
        if predicate == SH.resultMessage and result is not None:
            yield from result.messages


def _report_with_origins(
    results: list[_Result], loaded: LoadedGraph, root: Path | None, shapes: Graph | None = None
) -> ValidationReport:
    view = _ResultsView(results, shapes if shapes is not None else Graph())
    problems = {_problem(view, node, loaded, root) for node in view.nodes}  # type: ignore[arg-type]
    return ValidationReport(tuple(sorted(problems)))


__all__ = ["Timing", "UnsupportedShapesError", "validate", "validate_store"]
