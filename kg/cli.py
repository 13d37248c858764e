"""The ``kg`` command: arguments, rendering and exit codes. Domain logic lives in the modules.

Exit codes: 0 ok / conforms / no rows from checks; 1 data does not conform or a check found rows;
2 usage or input error; 3 a remote service failed.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kg import __version__
from kg.errors import InputError, KgError
from kg.formats import RDF_FORMATS, RESULT_FORMATS

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.load import LoadedGraph, Repository
    from kg.queries import NamedQuery
    from kg.store import Store
    from kg.validate import ValidationReport

#: Hears about each step of long work (see --progress).
Progress = Callable[[str], None]

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
  kg push --endpoint http://127.0.0.1:7878/query      load the graph into a SPARQL store
  kg query paper-author-attrition --endpoint http://127.0.0.1:7878/query
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
        help="list warnings too, such as an unknown start date (default: yes)",
    )
    p.add_argument(
        "--infos",
        action="store_true",
        help="list infos too, such as an employment with no role on record (default: no)",
    )
    p.add_argument(
        "--store",
        choices=["memory", "oxigraph"],
        default="memory",
        help="memory (default): pySHACL over an rdflib graph; oxigraph: the shapes compiled to "
        "SPARQL and run inside the Oxigraph store (the same report, minutes faster on large "
        "graphs)",
    )
    p.add_argument(
        "--store-path",
        type=Path,
        metavar="DIR",
        help="with --store oxigraph: the store's folder (default: .kg-cache/oxigraph)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="validate again even if these exact files were validated before (also: KG_NO_CACHE=1)",
    )
    _add_progress_argument(p)

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
    _add_store_arguments(p)
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
    _add_store_arguments(p)

    p = sub.add_parser(
        "export",
        help="write the graph as Turtle, N-Triples or JSON-LD",
        description="Export the asserted graph (ontology and data). Turtle is deterministic "
        "(same input, same bytes); JSON-LD is compacted with ontology/context.jsonld.",
    )
    _add_rdf_output_arguments(p, data_help)
    p.add_argument(
        "--inferred",
        action="store_true",
        help="include the triples inferred by the OWL RL reasoner",
    )

    p = sub.add_parser(
        "reason",
        help="write only the triples the OWL RL reasoner infers",
        description="Run the OWL RL reasoner (owlrl) over the ontology and data and write the "
        "inferred triples alone, as a separate graph. The source files are never changed.",
    )
    _add_rdf_output_arguments(p, data_help)

    p = sub.add_parser(
        "import",
        help="turn a CSV of moves (one row per stint) into Turtle under data/imported/",
        description="""\
Turn a CSV of moves into Turtle: data/imported/<CSV name>.ttl (or -o FILE), holding only the
triples that the other data files do not already have, so that importing the same CSV again
gives the same bytes and a stint already in the data is not duplicated. Nothing is written
unless every row is good and the data with the new triples still meets the shapes.

The CSV: UTF-8, comma-separated, a header row naming these 14 columns (any order), then one
row per stint or move:

  person,alt_names,from,to,role,kind,start,end,source_url,source_title,source_publisher,\
source_date,confidence,note

  person            the person's name (required), matched (ignoring case and accents) to
                    the rdfs:label and skos:altLabel of people in the data and earlier rows
  alt_names         other spellings, separated by |; new spellings become skos:altLabel
  from              the organisation the person left for this stint (optional): their
                    employment there gets the bound tkg:endLatest = start (created, with
                    this row's source, when there is none); an existing end is kept
  to                the organisation of the stint (required); matched like a person,
                    else created as a tkg:Organisation
  role              the job title (optional), matched to a tkg:Role's label, else created
  kind              employment (default) or internship
  start, end        YYYY, YYYY-MM or YYYY-MM-DD: the form is the precision (xsd:gYear,
                    xsd:gYearMonth, xsd:date); <=DATE "by then" (tkg:startLatest,
                    tkg:endLatest), >=DATE "not before" (tkg:startEarliest,
                    tkg:endEarliest); empty when unknown
  source_url        the http(s) URL of the source (required); a URL already in the data
                    reuses that source
  source_title      the source's title (optional)
  source_publisher  who published it (optional), matched like an organisation, else
                    created as a tkg:Publisher
  source_date       the source's publication date (required): YYYY, YYYY-MM or YYYY-MM-DD
  confidence        verified, likely or empty
  note              becomes the stint's rdfs:comment

Example: templates/moves.csv; the format in full: templates/README.md.""",
        epilog="exit codes: 0 written (printed with --dry-run); 1 the new triples break a "
        "shape (each violation printed); 2 bad rows (each printed as FILE:LINE: what is wrong; "
        "expected: ...) or another input error. Nothing is written on error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("csv", type=Path, metavar="FILE.csv", help="the CSV file to import")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of data/imported/<CSV name>.ttl",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and print the Turtle instead of writing it",
    )

    p = sub.add_parser(
        "push",
        help="load the graph (asserted and inferred) into a SPARQL store",
        description="Replace two graphs of a SPARQL 1.1 store over the Graph Store Protocol "
        "(HTTP PUT, N-Triples): the asserted triples (ontology and data) and the triples the OWL "
        "RL reasoner infers. Then 'kg query NAME --endpoint URL' answers from that store. "
        "Prints what it sent; exit 3 when the server cannot be reached or refuses.",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="the store's SPARQL query URL, e.g. http://127.0.0.1:7878/query (Oxigraph)",
    )
    p.add_argument(
        "--gsp",
        metavar="URL",
        help="its Graph Store Protocol URL (default: --endpoint with a trailing /query replaced "
        "by /store, as on Oxigraph)",
    )
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="the graph for the asserted triples (default: "
        "https://w3id.org/talent-kg/graph/asserted; 'default' for the store's default graph); "
        "the inferred ones go to https://w3id.org/talent-kg/graph/inferred",
    )
    p.add_argument(
        "--no-inferred",
        action="store_true",
        help="send only the asserted triples (the store's inferred graph is left as it is)",
    )
    p.add_argument("--data", action="append", type=Path, metavar="PATH", help=data_help)
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the warm cache .kg-cache/ (also: KG_NO_CACHE=1)",
    )
    return parser


def _add_rdf_output_arguments(p: argparse.ArgumentParser, data_help: str) -> None:
    """--format, --data and -o of the commands that write a graph (export, reason)."""
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


def _add_progress_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="report each step of long work (loading, reasoning, each check) on standard "
        "error (default: when standard error is a terminal)",
    )


def _add_store_arguments(p: argparse.ArgumentParser) -> None:
    """Where a command's triples are: --store, --store-path, --endpoint, --graph, --no-cache,
    --progress."""
    _add_progress_argument(p)
    group = p.add_argument_group("store (see the README's 'Stores')")
    group.add_argument(
        "--store",
        choices=["memory", "oxigraph"],
        default="memory",
        help="memory (default): rdflib in this process, from the files or the warm cache; "
        "oxigraph: a persistent Oxigraph store on disk, loaded once and reused",
    )
    group.add_argument(
        "--store-path",
        type=Path,
        metavar="DIR",
        help="the folder of the Oxigraph store (default: .kg-cache/oxigraph in the checkout)",
    )
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="ask this SPARQL 1.1 endpoint instead, e.g. http://127.0.0.1:7878/query after "
        "'kg push' (exit 3 when it fails)",
    )
    group.add_argument(
        "--graph",
        metavar="IRI",
        help="with --endpoint: the named graph of the asserted triples (default: the one 'kg "
        "push' writes); 'default' for the endpoint's default graph",
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the warm cache .kg-cache/ (also: KG_NO_CACHE=1)",
    )


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
    from kg.cache import cache_enabled, cached_report, remember_report

    repo = _repo(args)
    files = _expand_paths(args.files) if args.files else None
    if args.store_path is not None and args.store != "oxigraph":
        raise InputError("--store-path needs --store oxigraph")
    started = time.perf_counter()
    progress = _progress(args)
    use_cache = cache_enabled(args.no_cache)
    report = cached_report(repo, files) if use_cache else None
    if report is not None:
        if progress:
            progress("these files were validated before: the report is from .kg-cache/")
    elif args.store == "oxigraph":
        report = _validate_in_oxigraph(repo, files, args, progress)
    else:
        from kg.validate import validate_repository

        if progress:
            progress("validating with pySHACL (on large graphs, --store oxigraph is faster)")
        with _heartbeat(progress, "validating with pySHACL"):
            report = validate_repository(repo, data_files=files)
    if use_cache:
        remember_report(repo, report, files)
    listed = {"Violation"} | ({"Warning"} if args.show_warnings else set())
    listed |= {"Info"} if args.infos else set()
    for problem in report.problems:
        if problem.severity in listed:
            print(problem.line())
    counts = [
        _plural(len(report.violations), "violation"),
        _plural(len(report.warnings), "warning"),
        _plural(len(report.infos), "info"),
    ]
    verdict = "conforms" if report.conforms else "does not conform"
    checked = len(files) if files is not None else len(repo.data_files())
    print(
        f"{verdict}: {', '.join(counts)} in {_plural(checked, 'file')} "
        f"({time.perf_counter() - started:.1f}s)",
        file=sys.stderr,
    )
    return EXIT_OK if report.conforms else EXIT_FAILED


def _validate_in_oxigraph(
    repo: Repository,
    files: list[Path] | None,
    args: argparse.Namespace,
    progress: Progress | None,
) -> ValidationReport:
    """The report :mod:`kg.fastvalidate` gives on the Oxigraph store of these files."""
    from kg.cache import cache_enabled
    from kg.fastvalidate import validate_store
    from kg.store import OxigraphStore, open_store

    sources = [repo.ontology, *(files if files is not None else repo.data_files())]
    with open_store(
        "oxigraph",
        repo=repo,
        path=args.store_path,
        data_files=files,
        use_cache=cache_enabled(args.no_cache),
        progress=progress,
    ) as store:
        assert isinstance(store, OxigraphStore)
        report, _timing = validate_store(
            store.native, repo.shapes, files=sources, root=repo.root, progress=progress
        )
    return report


def _progress(args: argparse.Namespace) -> Progress | None:
    """A reporter of steps on standard error, each with the time since the command started,
    if --progress (default: standard error is a terminal)."""
    wanted = args.progress if args.progress is not None else sys.stderr.isatty()
    if not wanted:
        return None
    started = time.perf_counter()

    def report(message: str) -> None:
        print(f"kg: {time.perf_counter() - started:6.1f}s  {message}", file=sys.stderr, flush=True)

    return report


#: How often a step that cannot report its own progress (pySHACL) says it is still working.
HEARTBEAT_SECONDS = 10.0


@contextmanager
def _heartbeat(progress: Progress | None, doing: str) -> Iterator[None]:
    """While the block runs, tell ``progress`` every :data:`HEARTBEAT_SECONDS` that it is still
    ``doing`` its work, so that a long run is not mistaken for a hung one."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            progress(f"still {doing}")

    thread = threading.Thread(target=beat, name="kg-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
    from kg.queries import find, sort_group_concat
    from kg.results import render

    repo = _repo(args)
    query = find(_catalogue(repo, args), args.name)
    bindings = query.bindings(_parse_params(args.param))  # errors before the (slower) load
    with _open_store(repo, args, inferred=args.inferred) as store:
        result = sort_group_concat(query.text, store.query(query.text, bindings))
    _emit(render(result, args.format), args.output)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from kg.queries import SelectResult
    from kg.results import display

    repo = _repo(args)
    checks = [q for q in _catalogue(repo, args).values() if q.is_check]
    with _open_store(repo, args, inferred=False) as store:
        results = [(check, store.query(check.text, check.bindings())) for check in checks]
    failed = 0
    for check, result in results:
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


def _cmd_push(args: argparse.Namespace) -> int:
    from kg.cache import cache_enabled, warm_graph
    from kg.remote import gsp_url_for, put_graph
    from kg.store import ASSERTED_GRAPH, INFERRED_GRAPH, graph_iri

    if args.endpoint is None and args.gsp is None:
        raise InputError("kg push needs --endpoint URL (or --gsp URL)", hint="see 'kg push --help'")
    gsp = args.gsp or gsp_url_for(args.endpoint)
    asserted_graph = graph_iri(args.graph, default=ASSERTED_GRAPH)
    repo = _repo(args)
    files = _expand_paths(args.data) if args.data else None
    inferred = not args.no_inferred
    cached = (
        warm_graph(repo, data_files=files, inferred=inferred)
        if cache_enabled(args.no_cache)
        else None
    )
    if cached is not None:
        graphs = [(asserted_graph, cached.asserted.read_bytes(), "asserted")]
        if cached.inferred is not None:
            graphs.append((INFERRED_GRAPH, cached.inferred.read_bytes(), "inferred"))
    else:
        from kg.export import to_ntriples

        graph = _load(repo, args.data).graph
        graphs = [(asserted_graph, to_ntriples(graph).encode("utf-8"), "asserted")]
        if inferred:
            from kg.reason import infer

            graphs.append((INFERRED_GRAPH, to_ntriples(infer(graph)).encode("utf-8"), "inferred"))
    for iri, data, label in graphs:
        sent = put_graph(gsp, data, graph=iri)
        where = f"<{iri}>" if iri is not None else "the default graph"
        print(f"pushed {sent.triples} {label} triples to {where} at {gsp} (HTTP {sent.status})")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from kg.errors import ImportConformanceError, ImportRowError
    from kg.importer import import_csv

    try:
        result = import_csv(args.csv, _repo(args), output=args.output, dry_run=args.dry_run)
    except (ImportRowError, ImportConformanceError) as err:
        for line in err.problems:
            print(line, file=sys.stderr)
        raise
    for line in result.warnings:
        print(line, file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(result.text)
    print(
        f"kg: {'would write' if args.dry_run else 'wrote'} {result.output}: "
        f"{result.triples} triples from {result.rows} rows ({result.people_created} new people, "
        f"{result.organisations_created} new organisations, {result.stints_created} new stints, "
        f"{result.sources_created} new sources, {result.alt_labels_added} new alternative "
        f"names, {result.end_bounds_added} end bounds; {result.stints_present} stints already "
        "present)",
        file=sys.stderr,
    )
    return EXIT_OK


_COMMANDS = {
    "validate": _cmd_validate,
    "queries": _cmd_queries,
    "query": _cmd_query,
    "check": _cmd_check,
    "export": _cmd_export,
    "reason": _cmd_reason,
    "import": _cmd_import,
    "push": _cmd_push,
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


def _catalogue(repo: Repository, args: argparse.Namespace) -> dict[str, NamedQuery]:
    from kg.cache import cache_enabled, query_catalogue

    return query_catalogue(repo, use_cache=cache_enabled(args.no_cache))


def _open_store(
    repo: Repository, args: argparse.Namespace, *, inferred: bool
) -> AbstractContextManager[Store]:
    """The store that --store, --store-path, --endpoint and --graph choose."""
    from kg.cache import cache_enabled
    from kg.store import ASSERTED_GRAPH, graph_iri, open_store

    if args.endpoint is not None:
        if args.store != "memory" or args.store_path is not None:
            raise InputError(
                "--endpoint asks a remote store; --store and --store-path choose a local one",
                hint="leave out --store/--store-path, or --endpoint",
            )
        if args.data:
            raise InputError(
                "--data cannot be used with --endpoint: the endpoint holds its own triples",
                hint="load them there with 'kg push --data PATH --endpoint URL'",
            )
    elif args.graph is not None:
        raise InputError("--graph needs --endpoint", hint="it names a graph on the endpoint")
    if args.store_path is not None and args.store != "oxigraph":
        raise InputError("--store-path needs --store oxigraph")
    progress = _progress(args)
    opened = open_store(
        "remote" if args.endpoint is not None else args.store,
        repo=repo,
        path=args.store_path,
        endpoint=args.endpoint,
        inferred=inferred,
        data_files=_expand_paths(args.data) if args.data else None,
        use_cache=cache_enabled(args.no_cache),
        graph=graph_iri(args.graph, default=ASSERTED_GRAPH),
        progress=progress,
    )
    if args.store == "memory" and args.endpoint is None:  # rdflib and owlrl say nothing
        return _entered_with_heartbeat(opened, progress, "loading the graph")
    return opened


@contextmanager
def _entered_with_heartbeat(
    manager: AbstractContextManager[Store], progress: Progress | None, doing: str
) -> Iterator[Store]:
    """``manager``'s store, entered (loaded) under a :func:`_heartbeat`."""
    with ExitStack() as stack:
        with _heartbeat(progress, doing):
            store = stack.enter_context(manager)
        yield store


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
