"""The ``kg`` command: arguments, rendering and exit codes. Domain logic lives in the modules.

Exit codes: 0 ok / conforms / no rows from checks; 1 data does not conform or a check found rows;
2 usage or input error; 3 a remote service failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kg import __version__
from kg.errors import InputError, KgError
from kg.formats import RDF_FORMATS, RESULT_FORMATS

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.load import LoadedGraph, Repository

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

EPILOG = """\
exit codes: 0 ok (data conforms, checks return no rows); 1 data does not conform or a check
found rows; 2 usage or input error (bad file, bad parameter, unknown name); 3 a remote service
failed.

examples:
  kg validate                              SHACL report on data/
  kg queries                               list the named queries
  kg query paper-author-attrition          the story's headline: 11 of 14 had left
  kg query where-are-they-now -p as_of=2023-03-01 --format csv
  kg export --format json-ld -o out/graph.jsonld
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a one-line hint, like every other input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"kg: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="talent-kg: validate, reason over, query and export the knowledge graph of "
        "AI researchers' moves between labs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="the talent-kg checkout to use (default: $KG_ROOT, else the nearest parent of the "
        "current directory that holds ontology/talent-kg.ttl)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    data_help = (
        "data file or folder to load instead of data/ (repeatable; the ontology is always loaded)"
    )

    p = sub.add_parser(
        "validate",
        help="check the data against the SHACL shapes",
        description="Validate data against ontology/talent-kg-shapes.ttl. Prints one line per "
        "problem: file, entity, severity, what is wrong, what is expected. Exit 0 when there is "
        "no violation (warnings allowed), 1 when there is one, 2 on unreadable input.",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="Turtle files or folders to validate (default: every file under data/)",
    )
    p.add_argument(
        "--warnings",
        dest="show_warnings",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="list warnings and infos too (default: yes)",
    )

    p = sub.add_parser(
        "queries",
        help="list the named queries and what they answer",
        description="List every named query in queries/: name, parameters with "
        "their defaults, and the question it answers.",
    )
    p.add_argument(
        "--checks",
        action="store_true",
        help="list only the consistency checks (queries/checks/*-violation.rq)",
    )

    p = sub.add_parser(
        "query",
        help="run a named query",
        description="Run the named query NAME (see 'kg queries') on the graph.",
    )
    p.add_argument("name", metavar="NAME", help="the query's name: its file name without .rq")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="bind a parameter, e.g. -p paper=tkd:paper-llama -p as_of=2025-05-26 "
        "(IRIs as CURIEs or full IRIs, dates as YYYY-MM-DD)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=list(RESULT_FORMATS),
        default="table",
        help="table (default), csv, tsv, or json (W3C SPARQL 1.1 Query Results JSON)",
    )
    p.add_argument(
        "--inferred",
        action="store_true",
        help="query the asserted graph plus the OWL RL inferences (slower)",
    )
    p.add_argument("--data", action="append", type=Path, metavar="PATH", help=data_help)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the result to FILE instead of standard output",
    )

    p = sub.add_parser(
        "check",
        help="run the consistency checks (queries that must return no rows)",
        description="Run every queries/checks/*-violation.rq. Exit 0 when all return no rows, 1 "
        "when any does (each row printed as check, focus, property, value).",
    )
    p.add_argument("--data", action="append", type=Path, metavar="PATH", help=data_help)

    p = sub.add_parser(
        "export",
        help="write the graph as Turtle, N-Triples or JSON-LD",
        description="Export the asserted graph (ontology and data). Turtle is deterministic "
        "(same input, same bytes); JSON-LD is compacted with ontology/context.jsonld.",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=list(RDF_FORMATS),
        default="turtle",
        help="turtle (default), ntriples or json-ld",
    )
    p.add_argument(
        "--inferred",
        action="store_true",
        help="include the triples inferred by the OWL RL reasoner",
    )
    p.add_argument("--data", action="append", type=Path, metavar="PATH", help=data_help)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )

    p = sub.add_parser(
        "reason",
        help="write only the triples the OWL RL reasoner infers",
        description="Run the OWL RL reasoner (owlrl) over the ontology and data and write the "
        "inferred triples alone, as a separate graph. The source files are never changed.",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=list(RDF_FORMATS),
        default="turtle",
        help="turtle (default), ntriples or json-ld",
    )
    p.add_argument("--data", action="append", type=Path, metavar="PATH", help=data_help)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (tests call this in-process)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except KgError as err:
        print(f"kg: error: {err.message}", file=sys.stderr)
        if err.hint:
            print(f"kg: hint: {err.hint}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # `kg export | head`
        return EXIT_OK
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


# --- commands -------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate_repository

    repo = _repo(args)
    files = _expand_paths(args.files) if args.files else None
    started = time.perf_counter()
    report = validate_repository(repo, data_files=files)
    shown = [p for p in report.problems if args.show_warnings or p.severity == "Violation"]
    for problem in shown:
        print(problem.line())
    violations = sum(1 for p in report.problems if p.severity == "Violation")
    warnings = len(report.problems) - violations
    verdict = "conforms" if report.conforms else "does not conform"
    checked = len(files) if files is not None else len(repo.data_files())
    print(
        f"{verdict}: {violations} violation{'s' if violations != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} in {checked} file"
        f"{'s' if checked != 1 else ''} ({time.perf_counter() - started:.1f}s)",
        file=sys.stderr,
    )
    return EXIT_OK if report.conforms else EXIT_FAILED


def _cmd_queries(args: argparse.Namespace) -> int:
    from kg.queries import discover

    queries = discover(_repo(args).queries)
    rows = [q for q in queries.values() if q.is_check == args.checks]
    for query in rows:
        params = " ".join(
            f"{p.name}={p.default}" if p.default is not None else f"{p.name}=<{p.type}>"
            for p in query.parameters
        )
        print(f"{query.name}{'  [' + params + ']' if params else ''}")
        print(f"    {query.summary}")
    return EXIT_OK


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.queries import discover, find, run
    from kg.results import render

    repo = _repo(args)
    query = find(discover(repo.queries), args.name)
    values = _parse_params(args.param)
    query.bindings(values)  # report parameter errors before the (slower) load
    graph = _graph(repo, args.data, inferred=args.inferred)
    result = run(graph, query, values)
    _emit(render(result, args.format), args.output)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from kg.queries import SelectResult, discover, run
    from kg.results import display

    repo = _repo(args)
    checks = [q for q in discover(repo.queries).values() if q.is_check]
    graph = _graph(repo, args.data, inferred=False)
    failed = 0
    for check in checks:
        result = run(graph, check)
        if not isinstance(result, SelectResult):
            raise InputError(f"{check.path}: a check must be a SELECT query")
        for row in result.dicts():
            cells = [display(row.get(k)) for k in ("focus", "property", "value")]
            print(f"{check.name}: {' '.join(c for c in cells if c)}")
        failed += bool(result.rows)
    print(f"{len(checks) - failed} of {len(checks)} checks passed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export
    from kg.formats import rdf_format

    repo = _repo(args)
    graph = _graph(repo, args.data, inferred=args.inferred)
    text = export(graph, rdf_format(args.format), context=repo.context)
    _emit(text, args.output)
    return EXIT_OK


def _cmd_reason(args: argparse.Namespace) -> int:
    from kg.export import export
    from kg.formats import rdf_format
    from kg.reason import infer

    repo = _repo(args)
    inferred = infer(_load(repo, args.data).graph)
    _emit(export(inferred, rdf_format(args.format), context=repo.context), args.output)
    return EXIT_OK


_COMMANDS = {
    "validate": _cmd_validate,
    "queries": _cmd_queries,
    "query": _cmd_query,
    "check": _cmd_check,
    "export": _cmd_export,
    "reason": _cmd_reason,
}


# --- helpers --------------------------------------------------------------------------------


def _repo(args: argparse.Namespace) -> Repository:
    from kg.load import Repository, find_repository

    if args.root is not None:
        if not (args.root / "ontology" / "talent-kg.ttl").is_file():
            raise InputError(
                f"--root {args.root}: no ontology/talent-kg.ttl there",
                hint="point --root at a talent-kg checkout",
            )
        return Repository(args.root)
    return find_repository()


def _expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders replaced by the Turtle files inside them, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.ttl") if p.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder", hint="check the path")
    return out


def _load(repo: Repository, data: Sequence[Path] | None) -> LoadedGraph:
    from kg.load import load_repository

    files = _expand_paths(data) if data else None
    return load_repository(repo, data_files=files)


def _graph(repo: Repository, data: Sequence[Path] | None, *, inferred: bool) -> Graph:
    graph = _load(repo, data).graph
    if inferred:
        from kg.reason import closure

        graph = closure(graph)
    return graph


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"parameter {pair!r} is not KEY=VALUE", hint="for example -p as_of=2025-05-26"
            )
        values[key.strip()] = value
    return values


def _emit(text: str, output: Path | None, stream: TextIO | None = None) -> None:
    if output is None:
        (stream or sys.stdout).write(text)
        return
    from kg.export import write_export

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{output}: cannot create its folder ({err.strerror})") from err
    write_export(text, output)
    print(f"kg: wrote {output}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
