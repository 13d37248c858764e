"""Tests over the repository's own files: everything parses, headers are valid, names unique,
the data conforms, the checks return no rows, exports round-trip, labels and sources present."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from kg.export import export
from kg.formats import RDF_FORMATS
from kg.load import LoadedGraph, Repository, parse_file
from kg.namespaces import TKD, TKG
from kg.queries import SelectResult, discover, run

ROOT = Path(__file__).resolve().parent.parent
TTL_FILES = sorted(
    p for p in [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("data/**/*.ttl")] if ".venv" not in p.parts
)
RQ_FILES = sorted(ROOT.glob("queries/**/*.rq"))


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_turtle_file_parses(path: Path) -> None:
    assert len(parse_file(path)) > 0


def test_queries_have_valid_headers_and_unique_names(repo: Repository) -> None:
    queries = discover(repo.queries)  # raises on a malformed header or a duplicate name
    assert len(queries) == len(RQ_FILES)
    for query in queries.values():
        assert "?" in query.summary, f"{query.name}: the summary must ask the question"
        assert "ORDER BY" in query.text, f"{query.name}: reports need ORDER BY"
        for param in query.parameters:
            assert param.default is not None, f"{query.name}: {param.name} has no default"
    checks = [q for q in queries.values() if q.is_check]
    assert checks and all(q.path.parent.name == "checks" for q in checks)


def test_checks_return_no_rows(repo: Repository, graph: Graph) -> None:
    for check in (q for q in discover(repo.queries).values() if q.is_check):
        result = run(graph, check)
        assert isinstance(result, SelectResult)
        assert result.variables == ("focus", "property", "value"), check.name
        assert result.rows == (), f"{check.name}: {result.rows[:5]}"


def test_data_conforms_to_the_shapes(repo: Repository, loaded: LoadedGraph) -> None:
    from kg.validate import validate

    report = validate(loaded, repo.shapes, root=repo.root)
    violations = [p.line() for p in report.problems if p.severity == "Violation"]
    assert violations == []
    assert report.conforms


def test_every_entity_has_a_label_and_every_fact_a_source(graph: Graph) -> None:
    unlabelled = [
        s
        for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef)
        and str(s).startswith(str(TKD))
        and (s, RDFS.label, None) not in graph
    ]
    assert unlabelled == []
    fact_classes = (TKG.Employment, TKG.PostHolding, TKG.Founding, TKG.Claim, TKG.SeedClaim)
    unsourced = [
        s
        for cls in fact_classes
        for s in graph.subjects(RDF.type, cls)
        if (s, TKG.source, None) not in graph
    ]
    assert unsourced == []


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_exports_round_trip(repo: Repository, graph: Graph, name: str) -> None:
    fmt = RDF_FORMATS[name]
    text = export(graph, fmt, context=repo.context)
    back = Graph().parse(data=text, format=fmt.rdflib_name)
    assert isomorphic(back, graph)
    assert export(graph, fmt, context=repo.context) == text  # deterministic


def test_seed_claims_are_all_present(graph: Graph) -> None:
    ids = {str(o) for o in graph.objects(None, TKG.claimId)}
    assert {f"C{i}" for i in range(1, 19)} <= ids
