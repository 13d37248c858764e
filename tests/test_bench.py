"""The benchmark's generator writes graphs that conform to the shapes and pass the checks, the
same bytes for the same seed; the benchmark itself runs end to end (``--quick``)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from bench.generate import Summary, generate, iter_sizes, write
from kg.load import Repository, load_files
from kg.namespaces import TKG, expand
from kg.queries import SelectResult, discover, run
from kg.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def text_of(people: int, seed: int = 1, fmt: str = "turtle") -> str:
    out = io.StringIO()
    generate(people, out, seed=seed, fmt=fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    path = tmp_path_factory.mktemp("bench") / "people-120.ttl"
    return path, write(path, 120, seed=4)


def test_the_generated_graph_conforms_to_the_shapes(
    repo: Repository, small: tuple[Path, Summary]
) -> None:
    path, _summary = small
    report = validate(load_files([repo.ontology, path]), repo.shapes, root=repo.root)
    assert report.conforms, "\n".join(p.line() for p in report.violations[:10])
    # what is left are the infos and warnings real data has too: roles and starts not reported
    assert {p.shape for p in report.problems} <= {
        "tkg:EmploymentShape-role-min",
        "tkg:EmploymentStartShape",
    }


def test_the_generated_graph_passes_the_checks(
    repo: Repository, small: tuple[Path, Summary]
) -> None:
    path, _summary = small
    graph = load_files([repo.ontology, path]).graph
    for query in discover(repo.queries).values():
        if query.is_check:
            result = run(graph, query)
            assert isinstance(result, SelectResult)
            assert result.rows == (), f"{query.name}: {result.rows[:3]}"


def test_the_generated_graph_has_every_kind_of_fact(small: tuple[Path, Summary]) -> None:
    path, summary = small
    graph = Graph().parse(path)
    for kind in (
        "Person",
        "Company",
        "ResearchLab",
        "Employment",
        "Paper",
        "Authorship",
        "NewsArticle",
        "WebPage",
        "Publisher",
        "Founding",
        "PostHolding",
        "Claim",
    ):
        assert (None, RDF.type, TKG[kind]) in graph, kind
    assert any(graph.triples((None, TKG.parentOrganisation, None)))
    assert any(graph.triples((None, TKG.contradicts, None)))
    datatypes = {o.datatype for o in graph.objects(None, TKG.startDate)}
    assert len(datatypes) == 3  # year, month and day precision
    assert any(graph.triples((None, TKG.startLatest, None)))  # and bounds
    assert summary.triples == len(graph)


def test_the_parameters_name_entities_of_the_graph(small: tuple[Path, Summary]) -> None:
    path, summary = small
    graph = Graph().parse(path)
    assert summary.parameters
    for values in summary.parameters.values():
        for value in values.values():
            if value.startswith("tkd:"):
                assert (expand(value), None, None) in graph


def test_same_seed_same_bytes_other_seed_other_graph() -> None:
    assert text_of(50, seed=3) == text_of(50, seed=3)
    assert text_of(50, seed=3) != text_of(50, seed=4)


def test_turtle_and_ntriples_hold_the_same_graph() -> None:
    turtle = Graph().parse(data=text_of(30, seed=2), format="turtle")
    ntriples = Graph().parse(data=text_of(30, seed=2, fmt="ntriples"), format="nt")
    assert isomorphic(turtle, ntriples)


def test_sizes_are_read_with_suffixes() -> None:
    assert list(iter_sizes("1000, 10k,0.1M")) == [1000, 10_000, 100_000]


def test_the_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--cache", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "== 25 people" in out
    for row in ("load", "reason", "validate", "query paper-author-attrition", "peak memory"):
        assert f"\n{row}" in out, row
    assert "== targets at 25 people" in out
    assert "failed" not in out
