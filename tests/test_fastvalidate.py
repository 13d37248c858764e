"""kg.fastvalidate gives the report kg.validate (pySHACL) gives, problem for problem: on every
fixture, on the repository's data, and on generated graphs with defects of every kind the
shapes check; through an in-memory store and through a store loaded from files, where Oxigraph
keeps "1"^^xsd:positiveInteger as "1"^^xsd:integer and the check must still see what was
written."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from bench.generate import generate
from kg import fastvalidate
from kg.load import LoadedGraph, Repository, load_files
from kg.namespaces import TKD, TKG
from kg.validate import ValidationReport, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(
    p for p in FIXTURES.glob("*/*.ttl") if p.parent.name in ("valid", "invalid", "reason")
)


def assert_same(expected: ValidationReport, actual: ValidationReport) -> None:
    missing = sorted(set(expected.problems) - set(actual.problems))
    extra = sorted(set(actual.problems) - set(expected.problems))
    assert not missing and not extra, (
        f"pySHACL only: {[p.line() for p in missing[:3]]}; "
        f"fastvalidate only: {[p.line() for p in extra[:3]]}"
    )
    assert actual == expected


@pytest.mark.parametrize("fixture", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_report_as_pyshacl_on_each_fixture(repo: Repository, fixture: Path) -> None:
    loaded = load_files([repo.ontology, fixture])
    assert_same(
        validate(loaded, repo.shapes, root=repo.root),
        fastvalidate.validate(loaded, repo.shapes, root=repo.root),
    )


def test_same_report_as_pyshacl_on_the_repository(repo: Repository, loaded: LoadedGraph) -> None:
    assert_same(
        validate(loaded, repo.shapes, root=repo.root),
        fastvalidate.validate(loaded, repo.shapes, root=repo.root),
    )


def with_defects(text: str) -> str:
    """Generated Turtle plus one defect of each kind the shapes check."""
    graph = Graph().parse(data=text, format="turtle")
    employments = sorted(graph.subjects(RDF.type, TKG.Employment))
    authorships = sorted(graph.subjects(RDF.type, TKG.Authorship))
    people = sorted(graph.subjects(RDF.type, TKG.Person))
    sources = sorted(graph.subjects(TKG.url, None))
    first, second, third, fourth = employments[:4]
    graph.remove((first, TKG.source, None))  # no source
    graph.add((second, TKG.employee, people[-1]))  # two employees
    graph.add((third, TKG.employee, TKD["nobody-declared"]))  # not a Person
    graph.set((fourth, TKG.startDate, Literal("2023-13", datatype=XSD.gYearMonth)))
    graph.set((authorships[0], TKG.authorPosition, Literal("1", datatype=XSD.integer)))
    graph.set((authorships[1], TKG.authorPosition, Literal("40", datatype=XSD.positiveInteger)))
    graph.remove((people[0], RDFS.label, None))  # no label
    graph.add((people[1], RDFS.label, Literal("A", lang="en")))
    graph.add((people[1], RDFS.label, Literal("B", lang="en")))  # two English labels
    graph.add((people[2], TKG.wikidataId, Literal("Q1")))
    graph.add((people[3], TKG.wikidataId, Literal("Q1")))  # the same Wikidata ID twice
    graph.set((sources[0], TKG.url, Literal("ftp://x", datatype=XSD.anyURI)))
    graph.set((employments[5], TKG.endDate, Literal("1990", datatype=XSD.gYear)))  # before start
    return graph.serialize(format="turtle")


def generated(people: int, seed: int) -> str:
    out = io.StringIO()
    generate(people, out, seed=seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fastvalidate") / "defective.ttl"
    path.write_text(with_defects(generated(80, 5)), encoding="utf-8")
    return path


def test_same_report_as_pyshacl_on_a_generated_graph_with_defects(
    repo: Repository, defective: Path
) -> None:
    loaded = load_files([repo.ontology, defective])
    expected = validate(loaded, repo.shapes, root=repo.root)
    assert len(expected.violations) >= 10  # the defects are there: not a vacuous comparison
    assert_same(expected, fastvalidate.validate(loaded, repo.shapes, root=repo.root))


def test_same_report_from_a_store_loaded_from_the_files(repo: Repository, defective: Path) -> None:
    files = [repo.ontology, defective]
    store = ox.Store()
    for file in files:
        store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE)
    lines: list[str] = []
    report, timing = fastvalidate.validate_store(
        store, repo.shapes, files=files, root=repo.root, progress=lines.append
    )
    assert_same(validate(load_files(files), repo.shapes, root=repo.root), report)
    assert timing.checks and timing.total > 0
    assert lines[-1].endswith(f"{len(report.problems)} problems, in {timing.total:.1f}s")


def test_a_generated_graph_is_valid(repo: Repository) -> None:
    loaded = load_files([repo.ontology])
    loaded.graph.parse(data=generated(60, 9), format="turtle")
    assert fastvalidate.validate(loaded, repo.shapes).conforms


def test_an_unsupported_shape_is_refused(repo: Repository, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        repo.shapes.read_text(encoding="utf-8")
        + "\ntkg:ExtraShape a sh:NodeShape ; sh:targetClass tkg:Person ; sh:node tkg:YearShape .\n",
        encoding="utf-8",
    )
    loaded = load_files([repo.ontology, FIXTURES / "valid" / "minimal.ttl"])
    with pytest.raises(fastvalidate.UnsupportedShapesError, match="node"):
        fastvalidate.validate(loaded, shapes)


def test_the_report_names_the_file(repo: Repository, defective: Path) -> None:
    loaded = load_files([repo.ontology, defective])
    report = fastvalidate.validate(loaded, repo.shapes, root=repo.root)
    files = {p.file for p in report.violations}
    assert files == {str(defective)} or files == {defective.as_posix()}
    assert all(URIRef(p.focus) for p in report.problems)
