"""Tests for kg.validate and the shapes in ontology/talent-kg-shapes.ttl.

Each fixture in fixtures/invalid/ is fixtures/valid/minimal.ttl with one defect (its first comment
line says which), and must yield exactly one problem; fixtures/valid/ holds the graphs on which
no check may fire, the near misses included (a same-year end, a return after leaving, a leap day).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import InputError, RdfParseError
from kg.load import Repository, load_files, parse_file
from kg.namespaces import curie
from kg.validate import Problem, ValidationReport, validate, validate_repository

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"


def run(repo: Repository, fixture: Path) -> ValidationReport:
    return validate(load_files([repo.ontology, fixture]), repo.shapes, root=repo.root)


@pytest.mark.parametrize(
    "name", ["minimal", "same-year-precision", "return-after-leaving", "leap-day"]
)
def test_valid_fixtures_have_no_problem(repo: Repository, name: str) -> None:
    report = run(repo, VALID / f"{name}.ttl")
    assert report.conforms
    assert report.problems == ()


# fixture, focus, severity, path, value, shape, the whole line
CASES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "missing-label",
        "tkd:bruno-costa",
        "Violation",
        "rdfs:label",
        "",
        "tkg:LabelShape-min",
        "tests/fixtures/invalid/missing-label.ttl: tkd:bruno-costa: violation: no rdfs:label;"
        " expected: an rdfs:label with its name (check the IRI for a typo)",
    ),
    (
        "two-english-labels",
        "tkd:bruno-costa",
        "Violation",
        "rdfs:label",
        "",
        "tkg:LabelShape-unique-lang",
        "tests/fixtures/invalid/two-english-labels.ttl: tkd:bruno-costa: violation:"
        " two rdfs:label values in one language;"
        " expected: at most one rdfs:label per language tag",
    ),
    (
        "employment-without-employee",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:employee",
        "",
        "tkg:EmploymentShape-employee-min",
        "tests/fixtures/invalid/employment-without-employee.ttl:"
        " tkd:employment-alice-martin-example-lab: violation: employment has no employee;"
        " expected: exactly one tkg:employee that is a tkg:Person",
    ),
    (
        "employment-without-employer",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:employer",
        "",
        "tkg:EmploymentShape-employer-min",
        "tests/fixtures/invalid/employment-without-employer.ttl:"
        " tkd:employment-alice-martin-example-lab: violation: employment has no employer;"
        " expected: exactly one tkg:employer that is a tkg:Organisation",
    ),
    (
        "employment-without-source",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:source",
        "",
        "tkg:EmploymentShape-source-min",
        "tests/fixtures/invalid/employment-without-source.ttl:"
        " tkd:employment-alice-martin-example-lab: violation: employment has no source;"
        " expected: at least one tkg:source",
    ),
    (
        "internship-without-host",
        "tkd:internship-bruno-costa-example-lab",
        "Violation",
        "tkg:host",
        "",
        "tkg:InternshipShape-host-min",
        "tests/fixtures/invalid/internship-without-host.ttl:"
        " tkd:internship-bruno-costa-example-lab: violation: internship has no host;"
        " expected: exactly one tkg:host that is a tkg:Organisation",
    ),
    (
        "event-without-source",
        "tkd:acquihire-example-corp-example-lab",
        "Violation",
        "tkg:source",
        "",
        "tkg:OrganisationEventShape-source-min",
        "tests/fixtures/invalid/event-without-source.ttl:"
        " tkd:acquihire-example-corp-example-lab: violation: organisation event has no source;"
        " expected: at least one tkg:source",
    ),
    (
        "employee-not-a-person",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:employee",
        "tkd:alice-martn",
        "tkg:EmploymentShape-employee-class",
        "tests/fixtures/invalid/employee-not-a-person.ttl:"
        " tkd:employment-alice-martin-example-lab: violation:"
        " employee tkd:alice-martn is not a tkg:Person;"
        " expected: a tkg:employee declared as a tkg:Person (check the IRI for a typo)",
    ),
    (
        "malformed-date",
        "tkd:holding-alice-martin-head-of-example-lab",
        "Violation",
        "tkg:startEarliest",
        "2018-13",
        "tkg:DateShape-startEarliest-form",
        "tests/fixtures/invalid/malformed-date.ttl: tkd:holding-alice-martin-head-of-example-lab:"
        ' violation: tkg:startEarliest "2018-13"^^xsd:gYearMonth is not a well-formed date of'
        " year, month or day precision; expected: the precision must be year, month or day:"
        ' "2023"^^xsd:gYear, "2023-06"^^xsd:gYearMonth or "2023-06-15"^^xsd:date'
        " (a day that exists)",
    ),
    (
        "malformed-precision-string",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:startDate",
        "2013-12",
        "tkg:DateShape-startDate-form",
        "tests/fixtures/invalid/malformed-precision-string.ttl:"
        ' tkd:employment-alice-martin-example-lab: violation: tkg:startDate "2013-12" is not a'
        " well-formed date of year, month or day precision; expected: the precision must be"
        ' year, month or day: "2023"^^xsd:gYear, "2023-06"^^xsd:gYearMonth or'
        ' "2023-06-15"^^xsd:date (a day that exists)',
    ),
    (
        "malformed-precision-datetime",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:startDate",
        "2013-12-01T00:00:00",
        "tkg:DateShape-startDate-form",
        "tests/fixtures/invalid/malformed-precision-datetime.ttl:"
        " tkd:employment-alice-martin-example-lab: violation:"
        ' tkg:startDate "2013-12-01T00:00:00"^^xsd:dateTime is not a well-formed date of year,'
        " month or day precision; expected: the precision must be year, month or day:"
        ' "2023"^^xsd:gYear, "2023-06"^^xsd:gYearMonth or "2023-06-15"^^xsd:date'
        " (a day that exists)",
    ),
    (
        "ill-typed-date",
        "tkd:source-example-times-2024-03-05",
        "Violation",
        "tkg:publicationDate",
        "2024-02-30",
        "tkg:DateShape-publicationDate-form",
        "tests/fixtures/invalid/ill-typed-date.ttl: tkd:source-example-times-2024-03-05:"
        ' violation: tkg:publicationDate "2024-02-30"^^xsd:date is not a well-formed date of'
        " year, month or day precision; expected: the precision must be year, month or day:"
        ' "2023"^^xsd:gYear, "2023-06"^^xsd:gYearMonth or "2023-06-15"^^xsd:date'
        " (a day that exists)",
    ),
    (
        "end-before-start",
        "tkd:employment-alice-martin-example-lab",
        "Violation",
        "tkg:endDate",
        "2012",
        "tkg:DateOrderShape",
        "tests/fixtures/invalid/end-before-start.ttl: tkd:employment-alice-martin-example-lab:"
        ' violation: tkg:endDate "2012" is before tkg:startDate "2013-12";'
        " expected: tkg:endDate no earlier than tkg:startDate,"
        " compared at the coarser precision of the two",
    ),
    (
        "end-bound-before-start-bound",
        "tkd:holding-alice-martin-head-of-example-lab",
        "Violation",
        "tkg:endLatest",
        "2017-06",
        "tkg:DateOrderShape",
        "tests/fixtures/invalid/end-bound-before-start-bound.ttl:"
        " tkd:holding-alice-martin-head-of-example-lab: violation:"
        ' tkg:endLatest "2017-06" is before tkg:startEarliest "2018";'
        " expected: tkg:endLatest no earlier than tkg:startEarliest,"
        " compared at the coarser precision of the two",
    ),
    (
        "overlapping-stints",
        "tkd:employment-alice-martin-example-lab-2",
        "Violation",
        "",
        "tkd:employment-alice-martin-example-lab",
        "tkg:EmploymentOverlapShape",
        "tests/fixtures/invalid/overlapping-stints.ttl: tkd:employment-alice-martin-example-lab-2:"
        " violation: employment overlaps tkd:employment-alice-martin-example-lab"
        " of the same person at the same employer; expected: one employment per continuous"
        " stint, the earlier one ending before the later one starts",
    ),
    (
        "duplicate-stints",
        "tkd:employment-alice-martin-example-lab-2",
        "Violation",
        "",
        "tkd:employment-alice-martin-example-lab",
        "tkg:EmploymentDuplicateShape",
        "tests/fixtures/invalid/duplicate-stints.ttl: tkd:employment-alice-martin-example-lab-2:"
        " violation: employment duplicates tkd:employment-alice-martin-example-lab"
        " (same person, employer and start);"
        " expected: one employment per stint, with the sources of both",
    ),
    (
        "bad-wikidata-id",
        "tkd:alice-martin",
        "Violation",
        "tkg:wikidataId",
        "http://www.wikidata.org/entity/Q4115189",
        "tkg:WikidataIdShape-pattern",
        "tests/fixtures/invalid/bad-wikidata-id.ttl: tkd:alice-martin: violation:"
        ' Wikidata ID "http://www.wikidata.org/entity/Q4115189" is malformed;'
        ' expected: "Q" followed by digits, such as "Q380" (the ID alone, not the URL)',
    ),
    (
        "duplicate-wikidata-id",
        "tkd:bruno-costa",
        "Violation",
        "tkg:wikidataId",
        "Q4115189",
        "tkg:WikidataIdUniqueShape",
        "tests/fixtures/invalid/duplicate-wikidata-id.ttl: tkd:bruno-costa: violation:"
        ' Wikidata ID "Q4115189" is also the ID of tkd:alice-martin;'
        " expected: each Wikidata ID on one entity only (merge the two, or correct the ID)",
    ),
    (
        "author-order-gap",
        "tkd:paper-example",
        "Violation",
        "",
        "3",
        "tkg:AuthorPositionGapShape",
        "tests/fixtures/invalid/author-order-gap.ttl: tkd:paper-example: violation:"
        " author list has a gap: 2 distinct positions but the highest is 3;"
        " expected: author positions 1 to n with none missing",
    ),
    (
        "author-order-duplicate",
        "tkd:paper-example",
        "Violation",
        "",
        "1",
        "tkg:AuthorPositionDuplicateShape",
        "tests/fixtures/invalid/author-order-duplicate.ttl: tkd:paper-example: violation:"
        " author position 1 is used by more than one authorship of this paper;"
        " expected: author positions 1 to n, each used once",
    ),
    (
        "source-without-url",
        "tkd:source-example-times-2024-03-05",
        "Violation",
        "tkg:url",
        "",
        "tkg:SourceShape-url-min",
        "tests/fixtures/invalid/source-without-url.ttl: tkd:source-example-times-2024-03-05:"
        " violation: source has no URL; expected: a tkg:url typed xsd:anyURI",
    ),
    (
        "source-without-date",
        "tkd:source-example-times-2024-03-05",
        "Violation",
        "tkg:publicationDate",
        "",
        "tkg:SourceShape-publicationDate-min",
        "tests/fixtures/invalid/source-without-date.ttl: tkd:source-example-times-2024-03-05:"
        " violation: source has no publication date;"
        " expected: a tkg:publicationDate as xsd:gYear, xsd:gYearMonth or xsd:date",
    ),
    (
        "unknown-start",
        "tkd:employment-bruno-costa-example-corp",
        "Warning",
        "",
        "",
        "tkg:EmploymentStartShape",
        "tests/fixtures/invalid/unknown-start.ttl: tkd:employment-bruno-costa-example-corp:"
        " warning: employment start date unknown;"
        " expected: a tkg:startDate, or a bound on it (tkg:startEarliest or tkg:startLatest)",
    ),
    (
        "employment-without-role",
        "tkd:employment-bruno-costa-example-corp",
        "Info",
        "tkg:role",
        "",
        "tkg:EmploymentShape-role-min",
        "tests/fixtures/invalid/employment-without-role.ttl:"
        " tkd:employment-bruno-costa-example-corp: info: employment role unknown;"
        " expected: a tkg:role where a source gives the job title",
    ),
]

LINES = {case[0]: case[6] for case in CASES}


@pytest.mark.parametrize(
    ("name", "focus", "severity", "path", "value", "shape", "line"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_each_defect_gives_exactly_its_problem(
    repo: Repository,
    name: str,
    focus: str,
    severity: str,
    path: str,
    value: str,
    shape: str,
    line: str,
) -> None:
    report = run(repo, INVALID / f"{name}.ttl")
    assert len(report.problems) == 1, report.lines()
    (problem,) = report.problems
    assert problem.file == f"tests/fixtures/invalid/{name}.ttl"
    assert (problem.focus, problem.severity, problem.path) == (focus, severity, path)
    assert (problem.value, problem.shape) == (value, shape)
    assert problem.line() == line
    assert report.conforms is (severity != "Violation")


def test_every_invalid_fixture_has_a_case() -> None:
    assert sorted(p.stem for p in INVALID.glob("*.ttl")) == sorted(case[0] for case in CASES)


def test_warnings_and_infos_do_not_break_conformance(repo: Repository) -> None:
    report = run(repo, INVALID / "unknown-start.ttl")
    assert report.conforms
    assert report.violations == ()
    assert [p.shape for p in report.warnings] == ["tkg:EmploymentStartShape"]
    assert report.infos == ()
    assert report.lines() == [LINES["unknown-start"]]


def test_problems_are_sorted_and_unique(repo: Repository) -> None:
    # all the defects at once: the same IRIs, so one graph with many problems
    loaded = load_files([repo.ontology, *sorted(INVALID.glob("*.ttl"))])
    report = validate(loaded, repo.shapes, root=repo.root)
    assert not report.conforms
    assert list(report.problems) == sorted(set(report.problems))
    assert len(report.violations) + len(report.warnings) + len(report.infos) == len(report.problems)
    assert all(p.severity in {"Violation", "Warning", "Info"} for p in report.problems)
    assert all(p.focus.startswith("tkd:") and p.shape.startswith("tkg:") for p in report.problems)


def test_results_match_plain_pyshacl(repo: Repository) -> None:
    """The prepared-query view of the graph changes speed only, not results."""
    from pyshacl import validate as shacl_validate

    fixtures = [
        "overlapping-stints",
        "duplicate-wikidata-id",
        "author-order-gap",
        "end-before-start",
    ]
    loaded = load_files([repo.ontology, *(INVALID / f"{name}.ttl" for name in fixtures)])
    ours = {(p.focus, p.shape, p.value) for p in validate(loaded, repo.shapes).problems}
    _conforms, results, _text = shacl_validate(
        loaded.graph,
        shacl_graph=parse_file(repo.shapes),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert isinstance(results, Graph)
    theirs = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        if value is None or (value == focus and results.value(result, SH.resultPath) is None):
            shown = ""
        else:
            shown = curie(value) if isinstance(value, URIRef) else str(value)
        theirs.add((curie(focus), curie(results.value(result, SH.sourceShape)), shown))
    assert ours == theirs
    assert {"tkg:EmploymentOverlapShape", "tkg:WikidataIdUniqueShape"} <= {s for _, s, _ in ours}


def test_graph_is_not_modified(repo: Repository) -> None:
    loaded = load_files([repo.ontology, INVALID / "overlapping-stints.ttl"])
    before = set(loaded.graph)
    validate(loaded, repo.shapes)
    assert set(loaded.graph) == before


def test_file_is_relative_to_root_or_as_given(repo: Repository) -> None:
    fixture = INVALID / "missing-label.ttl"
    loaded = load_files([repo.ontology, fixture])
    (inside,) = validate(loaded, repo.shapes, root=repo.root).problems
    assert inside.file == "tests/fixtures/invalid/missing-label.ttl"
    (outside,) = validate(loaded, repo.shapes, root=FIXTURES / "valid").problems
    assert outside.file == fixture.as_posix()
    (no_root,) = validate(loaded, repo.shapes).problems
    assert no_root.file == fixture.as_posix()


def test_validate_repository_reads_data_dir(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(repo.ontology, tmp_path / "ontology")
    shutil.copy(repo.shapes, tmp_path / "ontology")
    shutil.copy(INVALID / "employment-without-source.ttl", tmp_path / "data" / "facts.ttl")
    report = validate_repository(Repository(tmp_path))
    assert [p.line() for p in report.problems] == [
        "data/facts.ttl: tkd:employment-alice-martin-example-lab: violation:"
        " employment has no source; expected: at least one tkg:source"
    ]
    clean = validate_repository(Repository(tmp_path), data_files=[VALID / "minimal.ttl"])
    assert clean.conforms
    assert clean.problems == ()


def test_unparsable_shapes_raise_rdf_parse_error(repo: Repository, tmp_path: Path) -> None:
    broken = tmp_path / "shapes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\nthis is not turtle\n")
    loaded = load_files([repo.ontology, VALID / "minimal.ttl"])
    with pytest.raises(RdfParseError) as caught:
        validate(loaded, broken)
    assert caught.value.path == broken


def test_unusable_shapes_raise_input_error(repo: Repository, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix tkg: <https://w3id.org/talent-kg/ontology#> .\n\n"
        "tkg:BadShape\n"
        "    a sh:NodeShape ;\n"
        '    sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] ;\n'
        "    sh:targetClass tkg:Person .\n"
    )
    loaded = load_files([repo.ontology, VALID / "minimal.ttl"])
    with pytest.raises(InputError, match="the shapes cannot be used"):
        validate(loaded, shapes)


def test_line_leaves_out_what_is_unknown() -> None:
    problem = Problem("", "tkd:x", "Warning", "", "", "something is odd", "", "tkg:S")
    assert problem.line() == "tkd:x: warning: something is odd"


def employment(suffix: str, *dates: str) -> str:
    """Carla Diaz's employment at Example Corp, with the given date triples."""
    lines = [
        f"tkd:employment-carla-diaz-example-corp{suffix}",
        "    a tkg:Employment ;",
        "    tkg:employee tkd:carla-diaz ;",
        "    tkg:employer tkd:example-corp ;",
        "    tkg:role tkd:role-research-scientist ;",
        *(f"    {date} ;" for date in dates),
        "    tkg:source tkd:source-example-times-2024-03-05 .",
    ]
    return "\n".join(lines) + "\n"


CARLA = 'tkd:carla-diaz\n    a tkg:Person ;\n    rdfs:label "Carla Diaz"@en .\n'
FIRST = "tkd:employment-carla-diaz-example-corp"
SECOND = "tkd:employment-carla-diaz-example-corp-2"
Y = "^^xsd:gYear"
M = "^^xsd:gYearMonth"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # the earlier stint is open: certainly still running when the later one starts
        ([f'tkg:startDate "2015"{Y}'], [f'tkg:startDate "2018-03"{M}'], "overlaps"),
        # it ended after the later start, at the precision the two share
        (
            [f'tkg:startDate "2015"{Y}', f'tkg:endDate "2018-04"{M}'],
            [f'tkg:startDate "2018-03"{M}'],
            "overlaps",
        ),
        # its earliest end is after the later start
        (
            [f'tkg:startDate "2015"{Y}', f'tkg:endEarliest "2019"{Y}'],
            [f'tkg:startDate "2018"{Y}'],
            "overlaps",
        ),
        # ended in 2018, the other started in 2018-03: which came first is unknown
        (
            [f'tkg:startDate "2015"{Y}', f'tkg:endDate "2018"{Y}'],
            [f'tkg:startDate "2018-03"{M}'],
            None,
        ),
        # ended in February, the other started in March
        (
            [f'tkg:startDate "2015"{Y}', f'tkg:endDate "2018-02"{M}'],
            [f'tkg:startDate "2018-03"{M}'],
            None,
        ),
        # ended no later than 2019: it may have ended before 2018
        (
            [f'tkg:startDate "2015"{Y}', f'tkg:endLatest "2019"{Y}'],
            [f'tkg:startDate "2018"{Y}'],
            None,
        ),
        # both started in 2023, one in June: which came first is unknown
        ([f'tkg:startDate "2023"{Y}'], [f'tkg:startDate "2023-06"{M}'], None),
        # the second start unknown: nothing certain
        ([f'tkg:startDate "2015"{Y}'], [], None),
        # no start and no end on either: the same stint twice
        ([], [], "duplicates"),
        # no start, the same end
        ([f'tkg:endDate "2019"{Y}'], [f'tkg:endDate "2019"{Y}'], "duplicates"),
        # no start, one of them ended
        ([f'tkg:endDate "2019"{Y}'], [], None),
        # no start date but a bound on one of them
        ([f'tkg:startEarliest "2016"{Y}'], [], None),
    ],
)
def test_overlap_and_duplicate_rules(
    repo: Repository, tmp_path: Path, first: list[str], second: list[str], expected: str | None
) -> None:
    data = tmp_path / "stints.ttl"
    minimal = (VALID / "minimal.ttl").read_text()
    data.write_text(f"{minimal}\n{CARLA}\n{employment('', *first)}\n{employment('-2', *second)}")
    report = validate(load_files([repo.ontology, data]), repo.shapes)
    found = [
        p
        for p in report.problems
        if p.shape in {"tkg:EmploymentOverlapShape", "tkg:EmploymentDuplicateShape"}
    ]
    if expected is None:
        assert found == []
    else:
        (problem,) = found
        assert (problem.focus, problem.value) == (SECOND, FIRST)
        assert problem.message.startswith(f"employment {expected} {FIRST} ")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ([f'tkg:startDate "2019"{Y}', f'tkg:startLatest "2018-06"{M}'], "tkg:startLatest"),
        ([f'tkg:startDate "2019"{Y}', f'tkg:startEarliest "2019-02"{M}'], None),
        ([f'tkg:startEarliest "2019-02"{M}', f'tkg:startLatest "2019"{Y}'], None),
        ([f'tkg:endDate "2020-05"{M}', f'tkg:endLatest "2020-04"{M}'], "tkg:endLatest"),
        ([f'tkg:endDate "2020-05"{M}', f'tkg:endEarliest "2021"{Y}'], "tkg:endDate"),
        ([f'tkg:startEarliest "2021"{Y}', f'tkg:endDate "2020-12"{M}'], "tkg:endDate"),
        (['tkg:startDate "2021-01-31"^^xsd:date', f'tkg:endDate "2021-01"{M}'], None),
    ],
)
def test_date_order_rules(
    repo: Repository, tmp_path: Path, dates: list[str], expected: str | None
) -> None:
    data = tmp_path / "dates.ttl"
    minimal = (VALID / "minimal.ttl").read_text()
    data.write_text(f"{minimal}\n{CARLA}\n{employment('', *dates)}")
    report = validate(load_files([repo.ontology, data]), repo.shapes)
    found = [
        p.path for p in report.problems if p.shape in {"tkg:DateOrderShape", "tkg:DateBoundsShape"}
    ]
    assert found == ([expected] if expected else [])
    assert report.conforms is (expected is None)


def test_every_shape_is_documented_and_every_message_splits(repo: Repository) -> None:
    shapes = parse_file(repo.shapes)
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape))
    nodes |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(nodes) > 50
    structural = {RDF.type, RDFS.label, RDFS.comment, SH.path, SH.property, SH.sparql, SH.message}
    structural |= {SH.severity, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf}
    with_message = set(shapes.objects(None, SH.sparql))
    for node in nodes:
        assert isinstance(node, URIRef), f"anonymous shape: {node}"
        assert shapes.value(node, RDFS.label) is not None, curie(node)
        assert shapes.value(node, RDFS.comment) is not None, curie(node)
        if set(shapes.predicates(node)) - structural:  # the shape has a constraint of its own
            with_message.add(node)
    for node in with_message:
        messages = list(shapes.objects(node, SH.message))
        assert len(messages) == 1, node
        assert str(messages[0]).count("; expected: ") == 1, node
