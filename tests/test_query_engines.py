"""Every named query and check gives the same answers from rdflib (the reference engine) and
from Oxigraph on a generated graph, not only on the story's data: hundreds of people with
returns, internships, bounded and coarse dates, conflicting claims, and one defect of each kind
the checks look for, so that no check passes by returning nothing on both engines. The
queries are written for Oxigraph's planner (subqueries it hash-joins, OPTIONALs it follows
row by row); this is what proves the rewrites changed nothing but the speed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from answers import normalised
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Identifier

from bench.generate import Summary, generate
from kg.export import to_ntriples
from kg.load import Repository, load_repository
from kg.namespaces import TKD, TKG
from kg.ordering import split_order_by
from kg.queries import NamedQuery, SelectResult, discover
from kg.store import MemoryStore, OxigraphStore, prepare

PEOPLE, SEED = 400, 3


def with_check_defects(graph: Graph) -> None:
    """One defect for each check in queries/checks/."""
    employments = sorted(graph.subjects(RDF.type, TKG.Employment))
    authorships = sorted(graph.subjects(RDF.type, TKG.Authorship))
    people = sorted(graph.subjects(RDF.type, TKG.Person))
    undescribed = TKD["org-never-described"]
    graph.add((employments[0], TKG.employer, undescribed))  # dangling-reference
    graph.add((people[5], TKG.employedBy, TKD["org-00001"]))  # derived-property-asserted
    graph.remove((employments[1], TKG.source, None))  # fact-without-source
    holder, successor = sorted(graph.subject_objects(TKG.replacedBy))[0]
    graph.remove((holder, TKG.replacedBy, successor))  # succession-not-reciprocal
    graph.set((authorships[3], TKG.affiliation, undescribed))  # author-without-employment


@pytest.fixture(scope="module")
def generated(repo: Repository) -> tuple[Graph, Summary]:
    out = io.StringIO()
    summary = generate(PEOPLE, out, seed=SEED)
    graph = load_repository(repo, data_files=[]).graph  # the ontology alone
    graph.parse(data=out.getvalue(), format="turtle")
    with_check_defects(graph)
    return graph, summary


@pytest.fixture(scope="module")
def engines(generated: tuple[Graph, Summary]) -> Iterator[tuple[MemoryStore, OxigraphStore]]:
    graph, _summary = generated
    with OxigraphStore() as store:
        store.load_ntriples(to_ntriples(graph).encode("utf-8"), key="generated")
        yield MemoryStore(graph), store


QUERIES = discover(Path(__file__).resolve().parent.parent / "queries")


def _bindings(query: NamedQuery, summary: Summary) -> dict[str, Identifier]:
    return query.bindings(summary.parameters.get(query.name, {}))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rdflib_and_oxigraph_give_the_same_answers_on_a_generated_graph(
    engines: tuple[MemoryStore, OxigraphStore], generated: tuple[Graph, Summary], name: str
) -> None:
    memory, oxigraph = engines
    query = QUERIES[name]
    bindings = _bindings(query, generated[1])
    expected = memory.query(query.text, bindings)
    actual = oxigraph.query(query.text, bindings)
    assert normalised(query, actual) == normalised(query, expected)
    if query.is_check:  # the defects are there: a check that finds nothing proves nothing
        assert isinstance(expected, SelectResult) and expected.rows, name
    split = split_order_by(prepare(query.text, bindings))
    if split is not None and isinstance(expected, SelectResult):
        assert isinstance(actual, SelectResult)
        # a final ORDER BY of variables: the same sequence of sort keys (ties may differ)
        columns = [expected.variables.index(key) for key, _descending in split[1]]

        def keys(result: SelectResult) -> list[tuple[str, ...]]:
            return [tuple(str(row[c]) for c in columns) for row in result.rows]

        assert keys(actual) == keys(expected), f"{name}: rows in another order"


def test_the_generated_graph_exercises_the_queries(
    engines: tuple[MemoryStore, OxigraphStore], generated: tuple[Graph, Summary]
) -> None:
    """Not a vacuous comparison: the big queries return rows on the generated graph."""
    memory, _oxigraph = engines
    for name in ("returns", "cohort-comparison", "entities-without-wikidata", "conflicting-claims"):
        query = QUERIES[name]
        result = memory.query(query.text, _bindings(query, generated[1]))
        assert isinstance(result, SelectResult) and len(result.rows) > 1, name


def test_each_check_names_the_defect_planted_for_it(
    engines: tuple[MemoryStore, OxigraphStore],
) -> None:
    _memory, oxigraph = engines
    found = {}
    for name, query in QUERIES.items():
        if query.is_check:
            result = oxigraph.query(query.text, {})
            assert isinstance(result, SelectResult)
            found[name] = {(str(r[1]), str(r[2])) for r in result.rows}
    undescribed = str(TKD["org-never-described"])
    assert (str(TKG.employer), undescribed) in found["dangling-reference-violation"]
    assert (str(TKG.affiliation), undescribed) in found["dangling-reference-violation"]
    assert (str(TKG.employedBy), str(TKD["org-00001"])) in found[
        "derived-property-asserted-violation"
    ]
    assert (str(TKG.affiliation), undescribed) in found["author-without-employment-violation"]
    assert {p for p, _v in found["fact-without-source-violation"]} == {str(TKG.source)}
    assert {p for p, _v in found["succession-not-reciprocal-violation"]} <= {
        str(TKG.replaces),
        str(TKG.replacedBy),
        str(TKG.post),
    }


PLAIN = sorted((Path(__file__).resolve().parent / "fixtures" / "plain-queries").glob("*.rq"))


@pytest.mark.parametrize("plain", PLAIN, ids=lambda p: p.stem)
def test_each_query_shaped_for_speed_answers_as_its_plain_form(
    engines: tuple[MemoryStore, OxigraphStore],
    generated: tuple[Graph, Summary],
    graph: Graph,
    plain: Path,
) -> None:
    """tests/fixtures/plain-queries/ keeps the first, straightforward text of each query that
    was later rewritten for Oxigraph's planner; the two give the same rows, on the story's data
    and on the generated graph (rdflib answering both)."""
    from kg.queries import read_query

    reference = read_query(plain, root=plain.parent)
    shaped = QUERIES[plain.stem]
    for data in (graph, generated[0]):
        bindings = _bindings(shaped, generated[1]) if data is generated[0] else shaped.bindings()
        store = MemoryStore(data)
        expected = store.query(reference.text, bindings)
        actual = store.query(shaped.text, bindings)
        assert normalised(shaped, actual) == normalised(shaped, expected), plain.stem
