"""Find the repository's files and parse them into one graph. The only place that parses RDF files.

Every later store (Oxigraph, a remote endpoint) comes in behind :func:`load_repository`, so the
rest of the package never knows where the triples came from.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.term import Node

from kg.errors import InputError, RdfParseError
from kg.formats import format_for_path
from kg.namespaces import bind_prefixes

if TYPE_CHECKING:
    import pyoxigraph

ONTOLOGY_FILE = "ontology/talent-kg.ttl"
SHAPES_FILE = "ontology/talent-kg-shapes.ttl"
CONTEXT_FILE = "ontology/context.jsonld"
DATA_DIR = "data"
QUERIES_DIR = "queries"

# rdflib logs a traceback for every ill-typed literal it meets (e.g. "2023-02-30"^^xsd:date);
# the shapes report those as violations, so the log noise is not wanted on a user's terminal.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Repository:
    """The files of one talent-kg checkout."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / ONTOLOGY_FILE

    @property
    def shapes(self) -> Path:
        return self.root / SHAPES_FILE

    @property
    def context(self) -> Path:
        return self.root / CONTEXT_FILE

    @property
    def queries(self) -> Path:
        return self.root / QUERIES_DIR

    def data_files(self) -> list[Path]:
        """Every Turtle file under data/, sorted, so that loading is deterministic."""
        data = self.root / DATA_DIR
        return sorted(p for p in data.rglob("*.ttl") if p.is_file())


@dataclass
class LoadedGraph:
    """A parsed graph, and for each subject the first file that describes it."""

    graph: Graph
    files: list[Path] = field(default_factory=list)
    origins: dict[Node, Path] = field(default_factory=dict)

    def origin(self, node: Node) -> Path | None:
        """The file where ``node`` is described as a subject, if any."""
        return self.origins.get(node)


def find_repository(start: Path | None = None) -> Repository:
    """The checkout to work on: $KG_ROOT, else the nearest parent of ``start`` (default: the
    current directory) holding ontology/talent-kg.ttl, else the source tree of this package."""
    env = os.environ.get("KG_ROOT")
    if env:
        root = Path(env)
        if not (root / ONTOLOGY_FILE).is_file():
            raise InputError(
                f"KG_ROOT={env}: no {ONTOLOGY_FILE} there",
                hint="point KG_ROOT at a talent-kg checkout, or unset it",
            )
        return Repository(root)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ONTOLOGY_FILE).is_file():
            return Repository(candidate)
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / ONTOLOGY_FILE).is_file():
        return Repository(package_root)
    raise InputError(
        f"no talent-kg repository found from {here}",
        hint=f"run kg inside a checkout (a folder with {ONTOLOGY_FILE}) or set KG_ROOT",
    )


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one RDF file into ``graph`` (a new graph by default).

    Syntax errors become :class:`RdfParseError` naming the file and line.
    """
    target = graph if graph is not None else bind_prefixes(Graph())
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="check the path")
    fmt = format_for_path(path)
    try:
        target.parse(path, format=fmt.rdflib_name)
    except SyntaxError as err:  # rdflib's BadSyntax is a SyntaxError
        line = getattr(err, "lines", None)
        why = getattr(err, "_why", None) or str(err).splitlines()[0]
        raise RdfParseError(path, line + 1 if isinstance(line, int) else None, why) from err
    except UnicodeDecodeError as err:
        raise RdfParseError(path, None, f"not UTF-8 text ({err.reason})") from err
    except Exception as err:  # other parsers (JSON-LD, N-Triples) raise their own types
        raise RdfParseError(path, _line_of(err), _first_line(err)) from err
    return target


def load_files(paths: Sequence[Path]) -> LoadedGraph:
    """Parse ``paths`` in order into one graph, remembering where each subject came from."""
    graph = bind_prefixes(Graph())
    origins: dict[Node, Path] = {}
    for path in paths:
        part = parse_file(path)
        for subject in set(part.subjects()):
            origins.setdefault(subject, path)
        graph += part
    return LoadedGraph(graph=graph, files=list(paths), origins=origins)


def load_repository(
    repo: Repository | None = None,
    *,
    data_files: Iterable[Path] | None = None,
    include_ontology: bool = True,
) -> LoadedGraph:
    """The asserted graph: the ontology (unless ``include_ontology`` is false) and the data files
    (default: every ``data/**/*.ttl`` of ``repo``)."""
    repo = repo or find_repository()
    files = list(data_files) if data_files is not None else repo.data_files()
    if include_ontology:
        files = [repo.ontology, *files]
    return load_files(files)


def load_into_oxigraph(store: pyoxigraph.Store, paths: Sequence[Path]) -> None:
    """Bulk-load ``paths``, in order, into the default graph of a pyoxigraph store.

    Turtle and N-Triples are parsed by Oxigraph itself, in Rust: 1.6 million triples in about
    10 s, where rdflib takes minutes. JSON-LD goes through :func:`parse_file` (rdflib), as for
    the in-memory graph. A syntax error becomes :class:`RdfParseError` naming the file and line;
    the caller owns the store and decides what a half-loaded one means (``kg.store`` clears it).
    """
    import pyoxigraph as ox

    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file", hint="check the path")
        fmt = format_for_path(path)
        try:
            if fmt.name == "json-ld":
                from kg.export import to_ntriples

                text = to_ntriples(parse_file(path)).encode("utf-8")
                store.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES)
            else:
                media = ox.RdfFormat.from_media_type(fmt.media_type)
                store.bulk_load(path=str(path), format=media)
        except SyntaxError as err:
            why = str(err.msg or err).splitlines()[0]
            line = err.lineno if isinstance(err.lineno, int) else None
            raise RdfParseError(path, line, why) from err
        except UnicodeDecodeError as err:
            raise RdfParseError(path, None, f"not UTF-8 text ({err.reason})") from err


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _line_of(err: BaseException) -> int | None:
    for attr in ("lineno", "line", "lines"):
        value = getattr(err, attr, None)
        if isinstance(value, int):
            return value
    return None
