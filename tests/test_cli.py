"""The kg command, run in-process through main(argv): exit codes and what the user reads."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_kg(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_fast_and_lists_every_command() -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--help"], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - started
    for command in ("validate", "queries", "query", "check", "export", "reason"):
        assert command in done.stdout
    assert "exit codes" in done.stdout
    # --help must not import rdflib/pyshacl/owlrl: check the modules, not the clock
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kg.cli import build_parser; build_parser();"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "[]"
    assert elapsed < 10  # generous: only catches pathological start-up


@pytest.mark.parametrize("command", ["validate", "queries", "query", "check", "export", "reason"])
def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: kg {command}")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["frobnicate"])
    assert done.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_unknown_query_suggests_close_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_kg(capsys, "query", "where-are-they")
    assert code == 2
    assert out == ""
    assert err == (
        "kg: error: no query named 'where-are-they'\nkg: hint: did you mean where-are-they-now?\n"
    )


def test_ill_typed_parameter_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_kg(capsys, "query", "paper-author-attrition", "-p", "as_of=last week")
    assert code == 2
    assert err.splitlines() == [
        "kg: error: parameter 'as_of': 'last week' is not a date",
        "kg: hint: give a day as YYYY-MM-DD, e.g. 2025-05-26",
    ]


def test_parameter_without_equals_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_kg(capsys, "query", "paper-author-attrition", "-p", "as_of")
    assert code == 2
    assert err.startswith("kg: error: parameter 'as_of' is not KEY=VALUE")


def test_broken_turtle_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        "@prefix tkd: <https://w3id.org/talent-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        'tkd:x rdfs:label "unterminated .\n'
        'tkd:y rdfs:label "fine" .\n',
        encoding="utf-8",
    )
    for argv in (
        ["validate", str(bad)],
        ["query", "destinations", "--data", str(bad)],
        ["export", "--data", str(bad)],
    ):
        code, out, err = run_kg(capsys, *argv)
        assert code == 2, argv
        assert out == ""
        assert err.splitlines()[0] == (
            f"kg: error: {bad}:4: syntax error: newline found in string literal"
        )
        assert "Traceback" not in err


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_kg(capsys, "validate", str(tmp_path / "nope.ttl"))
    assert code == 2
    assert err.splitlines()[0] == f"kg: error: {tmp_path / 'nope.ttl'}: no such file or folder"


def test_queries_lists_names_and_summaries(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_kg(capsys, "queries")
    assert code == 0
    lines = out.splitlines()
    names = [line.split()[0] for line in lines if not line.startswith(" ")]
    for name in (
        "paper-author-attrition",
        "where-are-they-now",
        "destinations",
        "founders-among-authors",
        "leadership-succession",
        "person-timeline",
        "tenure-before-departure",
        "conflicting-claims",
        "sources-for",
        "entities-without-wikidata",
    ):
        assert name in names
    assert not any(n.endswith("-violation") for n in names)
    assert "paper-author-attrition  [paper=tkd:paper-llama as_of=2025-05-26]" in lines


def test_query_json_is_w3c_sparql_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_kg(capsys, "query", "paper-author-attrition", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"][:3] == ["paper", "title", "organisation"]
    (row,) = doc["results"]["bindings"]
    assert row["paper"] == {"type": "uri", "value": "https://w3id.org/talent-kg/id/paper-llama"}
    assert row["left"]["value"] == "11"
    assert row["left"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_query_table_answers_the_headline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_kg(capsys, "query", "paper-author-attrition")
    assert code == 0
    header, _rule, row, count = out.splitlines()
    assert header.split() == [
        "paper",
        "title",
        "organisation",
        "authors",
        "left",
        "stayed",
        "undetermined",
        "percentLeft",
    ]
    cells = row.split("  ")
    assert cells[0] == "tkd:paper-llama"
    assert row.split()[-5:] == ["14", "11", "3", "0", "79"]
    assert count == "(1 row)"


def test_query_csv_and_tsv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_kg(capsys, "query", "founders-among-authors", "--format", "csv")
    assert code == 0
    lines = out.split("\r\n")
    assert lines[0] == "position,orderIsRandom,person,name,organisation,organisationName,founded"
    assert lines[1].startswith("6,false,https://w3id.org/talent-kg/id/timothee-lacroix,")
    code, out, _ = run_kg(capsys, "query", "founders-among-authors", "--format", "tsv")
    assert (
        out.splitlines()[0]
        == "?position\t?orderIsRandom\t?person\t?name\t?organisation\t?organisationName\t?founded"
    )
    assert out.splitlines()[1].startswith(
        '"6"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>\t'
        '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>\t'
        "<https://w3id.org/talent-kg/id/timothee-lacroix>\t"
    )


def test_output_file_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out" / "attrition.csv"
    code, out, err = run_kg(
        capsys, "query", "paper-author-attrition", "-f", "csv", "-o", str(target)
    )
    assert code == 0
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("paper,title,organisation")
    assert f"kg: wrote {target}" in err


def test_validate_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_kg(capsys, "validate", "--no-warnings")
    assert code == 0, out
    assert out == ""
    assert err.startswith("conforms: 0 violations")


def test_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_kg(capsys, "check")
    assert code == 0, out
    assert out == ""
    assert err.endswith("checks passed\n")
    passed, _, total = err.split()[:3]
    assert passed == total


def test_check_fails_with_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "derived.ttl"
    bad.write_text(
        "@prefix tkd: <https://w3id.org/talent-kg/id/> .\n"
        "@prefix tkg: <https://w3id.org/talent-kg/ontology#> .\n"
        "tkd:someone tkg:employedBy tkd:somewhere .\n",
        encoding="utf-8",
    )
    code, out, _ = run_kg(capsys, "check", "--data", str(bad))
    assert code == 1
    assert (
        "derived-property-asserted-violation: tkd:someone tkg:employedBy tkd:somewhere"
        in out.splitlines()
    )
