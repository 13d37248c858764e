"""The named-query machinery: headers, parameters, typed binding, discovery, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import ParameterError, QueryError
from kg.queries import AskResult, SelectResult, discover, find, read_query, run

GOOD = """\
#+ summary: Who works where?
#+ tags: [people]
#+ defaults:
#+   - org: tkd:meta
#+   - as_of: 2025-05-26

PREFIX tkg: <https://w3id.org/talent-kg/ontology#>
# a comment that mentions ?_not_a_parameter
SELECT ?person ?day ?n ?text WHERE {
  ?e tkg:employer ?_org_iri ; tkg:employee ?person .
  BIND(?_as_of_xsd_date AS ?day)
  BIND(?_limit_xsd_integer AS ?n)
  BIND(?_label AS ?text)
}
ORDER BY ?person
"""

DATA = """\
@prefix tkd: <https://w3id.org/talent-kg/id/> .
@prefix tkg: <https://w3id.org/talent-kg/ontology#> .
tkd:e1 tkg:employer tkd:meta ; tkg:employee tkd:alice .
tkd:e2 tkg:employer tkd:mistral-ai ; tkg:employee tkd:bob .
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_header_and_parameters_are_read(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "who-works-where.rq", GOOD))
    assert query.name == "who-works-where"
    assert query.summary == "Who works where?"
    assert query.tags == ("people",)
    assert query.form == "SELECT"
    assert [(p.name, p.type, p.default) for p in query.parameters] == [
        ("org", "iri", "tkd:meta"),
        ("as_of", "date", "2025-05-26"),
        ("limit", "integer", None),
        ("label", "string", None),
    ]


def test_parameters_are_bound_as_typed_terms(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "q.rq", GOOD))
    bound = query.bindings({"limit": "3", "label": "x", "as-of": "2024-01-31"})
    assert bound["_org_iri"] == URIRef("https://w3id.org/talent-kg/id/meta")
    assert bound["_as_of_xsd_date"] == Literal("2024-01-31", datatype=XSD.date)
    assert bound["_limit_xsd_integer"] == Literal(3, datatype=XSD.integer)
    assert bound["_label"] == Literal("x")


def test_run_binds_values_without_touching_the_text(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "q.rq", GOOD))
    graph = Graph().parse(data=DATA, format="turtle")
    result = run(graph, query, {"limit": "1", "label": "hi", "org": "tkd:mistral-ai"})
    assert isinstance(result, SelectResult)
    assert result.variables == ("person", "day", "n", "text")
    assert result.column("person") == [URIRef("https://w3id.org/talent-kg/id/bob")]
    assert result.rows[0][1] == Literal("2025-05-26", datatype=XSD.date)
    assert "mistral-ai" not in query.text


def test_an_injected_string_stays_a_string(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "q.rq", GOOD))
    graph = Graph().parse(data=DATA, format="turtle")
    evil = '" } ; DROP ALL ; SELECT * { "'
    result = run(graph, query, {"limit": "1", "label": evil})
    assert isinstance(result, SelectResult)
    assert result.column("text") == [Literal(evil)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"label": "x"}, "query 'q' needs parameter 'limit' (integer)"),
        ({"limit": "ten", "label": "x"}, "parameter 'limit': 'ten' is not an integer"),
        (
            {"limit": "1", "label": "x", "as_of": "2025-13-01"},
            "parameter 'as_of': '2025-13-01' is not a date",
        ),
        (
            {"limit": "1", "label": "x", "as_of": "May 2025"},
            "parameter 'as_of': 'May 2025' is not a date",
        ),
        (
            {"limit": "1", "label": "x", "org": "nope:meta"},
            "parameter 'org': unknown prefix 'nope' in 'nope:meta'",
        ),
        (
            {"limit": "1", "label": "x", "org": "meta"},
            "parameter 'org': 'meta' is not an IRI or a CURIE such as tkd:meta",
        ),
        ({"limit": "1", "label": "x", "colour": "red"}, "query 'q' has no parameter 'colour'"),
        (
            {"limit": "1", "label": "x", "org": "tkd:x> } ; DROP ALL"},
            "parameter 'org': 'tkd:x> } ; DROP ALL' is not a CURIE such as tkd:meta",
        ),
    ],
)
def test_bad_parameters_are_clear_errors(
    tmp_path: Path, values: dict[str, str], message: str
) -> None:
    query = read_query(write(tmp_path, "q.rq", GOOD))
    with pytest.raises(ParameterError) as caught:
        query.bindings(values)
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", "q.rq:1: no '#+ ' header"),
        ("#+ tags: [x]\nSELECT * WHERE { ?s ?p ?o }\n", "q.rq:1: header has no summary"),
        ("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", "q.rq:1: malformed '#+ ' header"),
        (
            "#+ summary: x\n#+ colour: red\nSELECT * WHERE { ?s ?p ?o }\n",
            "q.rq: unknown header key(s): colour",
        ),
        (
            "#+ summary: x\n#+ defaults:\n#+   - paper: tkd:p\nSELECT * WHERE { ?s ?p ?o }\n",
            "q.rq: default given for 'paper', which the query does not use",
        ),
        (
            "#+ summary: x\n#+ defaults:\n#+   - day: soon\n"
            "SELECT * WHERE { ?s ?p ?_day_xsd_date }\n",
            "q.rq: bad default for 'day'",
        ),
        ("#+ summary: x\nSELECT * WHERE { ?s ?p }\n", "q.rq:2: SPARQL syntax error"),
    ],
)
def test_malformed_query_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "q.rq", text)
    with pytest.raises(QueryError) as caught:
        read_query(path)
    assert caught.value.message.startswith(f"{tmp_path}/{message}")


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a/same.rq", "#+ summary: one\nASK { ?s ?p ?o }\n")
    write(tmp_path, "b/same.rq", "#+ summary: two\nASK { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="query name 'same' is already used"):
        discover(tmp_path)


def test_unknown_name_suggests_close_ones(tmp_path: Path) -> None:
    write(tmp_path, "where-are-they-now.rq", "#+ summary: x\nASK { ?s ?p ?o }\n")
    write(tmp_path, "destinations.rq", "#+ summary: y\nASK { ?s ?p ?o }\n")
    queries = discover(tmp_path)
    with pytest.raises(QueryError) as caught:
        find(queries, "where-are-they")
    assert caught.value.hint == "did you mean where-are-they-now?"
    assert find(queries, "destinations").summary == "y"


def test_ask_queries_give_a_boolean(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "any.rq", "#+ summary: any?\nASK { ?s ?p ?o }\n"))
    assert run(Graph(), query) == AskResult(False)
    assert query.is_check is False
    check = read_query(write(tmp_path, "x-violation.rq", "#+ summary: c\nASK { ?s ?p ?o }\n"))
    assert check.is_check is True
