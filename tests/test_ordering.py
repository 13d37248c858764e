"""kg.ordering: the final ORDER BY done in Python for Oxigraph gives the order rdflib's engine
(the reference) and Oxigraph's own sort give, declines where SPARQL leaves the order open, and
puts ties in one fixed order; and the rows Oxigraph writes as TSV read back as the same terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.ordering import sort_rows, split_order_by
from kg.queries import SelectResult, run_text
from kg.store import OxigraphStore, from_tsv, to_rdflib

EX = "http://example.org/"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a", (("a", False),)),
        (
            "SELECT ?a WHERE { ?a ?p ?b }\nORDER BY desc( ?b )  asc(?a) # last\n",
            (("b", True), ("a", False)),
        ),
        ("SELECT ?a WHERE { ?a ?p '}' } ORDER BY $a", (("a", False),)),
    ],
)
def test_a_final_order_by_of_variables_is_split_off(
    text: str, keys: tuple[tuple[str, bool], ...]
) -> None:
    split = split_order_by(text)
    assert split is not None
    assert split[1] == keys
    assert "ORDER" not in split[0].upper().split("#")[0].split("}")[-1]
    assert split[0] == text[: text.upper().rindex("ORDER")]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?a WHERE { ?a ?p ?b }",  # no ORDER BY
        "SELECT ?a WHERE { ?a ?p ?b } ORDER BY STR(?a)",  # an expression
        "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 10",  # a slice after it
        "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a OFFSET 1",
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a } }",  # in a subquery
        "SELECT ?a WHERE { ?a ?p ?b } # ORDER BY ?a",  # in a comment
    ],
)
def test_other_queries_are_left_to_the_engine(text: str) -> None:
    assert split_order_by(text) is None


def graph_of_values() -> Graph:
    """Subjects with a name, a number and a kind: ties, unbound values, blank nodes, IRIs,
    strings with non-ASCII code points, integers and decimals of several signs."""
    graph = Graph()
    names = ["b", "a", "é", "B", "a", "", "z", "a"]
    numbers = ["10", "-2", "3.5", "0", "10", "2", "-0.5", "3"]
    for i, (name, number) in enumerate(zip(names, numbers, strict=True)):
        subject = URIRef(f"{EX}s{i % 5}-{i}")
        datatype = XSD.decimal if "." in number else XSD.integer
        graph.add((subject, URIRef(EX + "number"), Literal(number, datatype=datatype)))
        if i != 3:  # one without a name: unbound sorts first
            graph.add((subject, URIRef(EX + "name"), Literal(name)))
        graph.add((subject, URIRef(EX + "kind"), Literal("k" if i % 2 else "j")))
    graph.add((BNode("x"), URIRef(EX + "number"), Literal("1", datatype=XSD.integer)))
    return graph


QUERY = """SELECT ?s ?name ?number ?kind WHERE {{
  ?s <{ex}number> ?number OPTIONAL {{ ?s <{ex}name> ?name }} OPTIONAL {{ ?s <{ex}kind> ?kind }}
}} ORDER BY {keys}"""


@pytest.mark.parametrize(
    "keys",
    ["?name", "DESC(?number)", "?kind ?name", "?kind DESC(?number) ?name", "?s", "DESC(?s)"],
)
def test_the_order_is_the_order_rdflib_and_oxigraph_give(keys: str) -> None:
    graph = graph_of_values()
    text = QUERY.format(ex=EX, keys=keys)
    reference = run_text(graph, text)
    assert isinstance(reference, SelectResult)
    split = split_order_by(text)
    assert split is not None
    shuffled = tuple(reversed(reference.rows))
    ordered = sort_rows(reference.variables, shuffled, split[1])
    assert ordered is not None
    columns = [reference.variables.index(name) for name, _ in split[1]]

    def keyed(rows: tuple[tuple[object, ...], ...]) -> list[tuple[object, ...]]:
        return [tuple(row[c] for c in columns) for row in rows]

    assert keyed(ordered) == keyed(reference.rows)
    store = ox.Store()
    for s, p, o in graph:
        store.add(ox.Quad(*(_ox(t) for t in (s, p, o))))  # type: ignore[arg-type]
    native = [
        tuple(to_rdflib(v) if v is not None else None for v in row) for row in store.query(text)
    ]
    assert keyed(ordered) == keyed(tuple(native))  # type: ignore[arg-type]


def _ox(term: object) -> object:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def test_ties_come_in_one_fixed_order_whatever_the_input_order() -> None:
    graph = graph_of_values()
    text = QUERY.format(ex=EX, keys="?kind")
    result = run_text(graph, text)
    assert isinstance(result, SelectResult)
    keys = (("kind", False),)
    forward = sort_rows(result.variables, result.rows, keys)
    backward = sort_rows(result.variables, tuple(reversed(result.rows)), keys)
    assert forward is not None and forward == backward
    assert len({row[3] for row in forward}) < len(forward)  # there were ties to break


@pytest.mark.parametrize(
    "values",
    [
        [Literal("2023", datatype=XSD.gYear), Literal("2024", datatype=XSD.gYear)],  # dates
        [Literal("a", lang="en"), Literal("b", lang="en")],  # language-tagged
        [Literal("a"), Literal("1", datatype=XSD.integer)],  # strings and numbers
        [Literal("x", datatype=XSD.integer)],  # ill-typed
    ],
)
def test_values_sparql_does_not_order_are_left_to_the_engine(values: list[Literal]) -> None:
    rows = tuple((value,) for value in values)
    assert sort_rows(("v",), rows, (("v", False),)) is None


def test_a_key_that_is_not_projected_is_left_to_the_engine() -> None:
    assert sort_rows(("a",), ((Literal("x"),),), (("b", False),)) is None


def test_the_store_falls_back_to_the_engine_and_still_orders() -> None:
    store = OxigraphStore()
    data = "".join(
        f'<{EX}s{i}> <{EX}d> "{2020 - i}"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
        for i in range(5)
    )
    store.load_ntriples(data.encode(), key="t")
    result = store.query(f"SELECT ?s ?d WHERE {{ ?s <{EX}d> ?d }} ORDER BY ?d")
    assert isinstance(result, SelectResult)
    assert [str(row[1]) for row in result.rows] == ["2016", "2017", "2018", "2019", "2020"]
    hidden = store.query(f"SELECT ?s WHERE {{ ?s <{EX}d> ?d }} ORDER BY DESC(?d)")
    assert isinstance(hidden, SelectResult)  # ?d is not projected: Oxigraph sorts
    assert [str(row[0]) for row in hidden.rows] == [f"{EX}s{i}" for i in range(5)]


# --- TSV ------------------------------------------------------------------------------------

LITERALS = [
    Literal("plain"),
    Literal(""),
    Literal('quote " backslash \\ tab \t newline \n return \r end'),
    Literal("unicode é ü 中文 \U0001f600 \x01 control"),
    Literal("en", lang="en"),
    Literal("gb", lang="en-GB"),
    Literal("12", datatype=XSD.integer),
    Literal("-7", datatype=XSD.integer),
    Literal("3", datatype=XSD.positiveInteger),
    Literal("1.50", datatype=XSD.decimal),
    Literal("-.5", datatype=XSD.decimal),
    Literal("1.0E3", datatype=XSD.double),
    Literal("INF", datatype=XSD.double),
    Literal("NaN", datatype=XSD.double),
    Literal("2.5", datatype=XSD.float),
    Literal("true", datatype=XSD.boolean),
    Literal("0", datatype=XSD.boolean),
    Literal("2023-06", datatype=XSD.gYearMonth),
    Literal("2023-06-15", datatype=XSD.date),
    Literal("2023-06-15T10:00:00Z", datatype=XSD.dateTime),
    Literal("not a date", datatype=XSD.date),
    Literal("x", datatype=URIRef("http://example.org/custom")),
]


def test_tsv_rows_read_back_as_the_terms_oxigraph_holds() -> None:
    """Every kind of term through Oxigraph's TSV and from_tsv: the same rdflib terms as
    converting Oxigraph's own term objects (to_rdflib), unbound values included."""
    store = ox.Store()
    subject = ox.NamedNode(EX + "s")
    for i, literal in enumerate(LITERALS):
        store.add(ox.Quad(subject, ox.NamedNode(f"{EX}p{i}"), _ox(literal)))  # type: ignore[arg-type]
    store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "o-é")))
    text = "SELECT ?s ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?x ?none } }"
    expected = sorted(
        (tuple(None if v is None else to_rdflib(v) for v in row) for row in store.query(text)),
        key=repr,
    )
    cells = store.query(text).serialize(format=ox.QueryResultsFormat.TSV).decode()
    lines = cells.split("\n")[1:-1]
    actual = sorted((tuple(from_tsv(c) for c in line.split("\t")) for line in lines), key=repr)
    assert len(actual) == len(LITERALS) + 1
    assert actual == expected
    for row_a, row_e in zip(actual, expected, strict=True):  # same datatypes and languages too
        for a, e in zip(row_a, row_e, strict=True):
            assert type(a) is type(e)
            if isinstance(a, Literal) and isinstance(e, Literal):
                assert (a.datatype, a.language, str(a)) == (e.datatype, e.language, str(e))
