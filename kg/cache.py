"""The warm cache: what a second ``kg query`` needs, kept so that it neither reparses nor
reasons again.

Everything lives in ``<repo>/.kg-cache/`` (git-ignored) and is keyed by content, so it is never
stale: an edit to a file changes the key and the next run rebuilds.

- ``<key>/``: the graph. ``key`` is a SHA-256 over the relative path and bytes of every file that
  makes the graph (``ontology/*.ttl``, ``ontology/*.jsonld`` and ``data/**/*.ttl``, or the
  ``--data`` files instead of ``data/``) and over the package's version and source (so a change
  to the loader or the reasoner also rebuilds). It holds ``asserted.nt`` (the parsed ontology and
  data, as N-Triples), ``inferred.nt`` (the OWL RL inferences, written the first time they are
  asked for), ``manifest.json`` (triple counts and the SHA-256 of each file) and ``results/``
  (answers already given, see :class:`CachedStore`).
- ``queries-<key>.json``: the named queries, discovered and syntax-checked (checking every
  query's syntax costs more than answering one), keyed by the bytes of ``queries/**/*.rq``.
- ``validation-<key>.json``: the last validation report of a graph (``kg validate``), keyed like
  the graph (the key covers ``ontology/talent-kg-shapes.ttl`` too): validating unchanged files
  again prints it without validating.

What answers from the cache is rdflib, the engine of the default ``memory`` store, so a cached
run gives exactly the answers of an uncached one. pyoxigraph would be faster (it loads
``asserted.nt`` in tens of milliseconds and answers in milliseconds) but is not identical: it
stores ``xsd:positiveInteger`` values as ``xsd:integer`` and orders ``GROUP_CONCAT`` its own way;
it is ``--store oxigraph``. rdflib's evaluation alone of the headline query takes longer than the
0.5 s target for a warm ``kg query``, so answers are remembered too: a query asked again on
unchanged files is answered without loading the graph. ``asserted.nt`` and ``inferred.nt`` are
also what ``kg push`` sends and what ``--store oxigraph`` bulk-loads.

A directory appears under its key only when complete (built in a temporary directory, then
renamed); a single file is replaced atomically. A cache entry that fails its manifest check
(truncated, edited, half-written by a crash) is removed and rebuilt, never served. A checkout
where ``.kg-cache/`` cannot be written runs without the cache. ``KG_NO_CACHE=1`` (or
``--no-cache``) turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__

if TYPE_CHECKING:
    from rdflib.term import Identifier, Node

    from kg.load import Repository
    from kg.queries import NamedQuery, QueryResult
    from kg.store import MemoryStore
    from kg.validate import ValidationReport

CACHE_DIR = ".kg-cache"
#: bumped whenever the layout of a cache entry changes
CACHE_FORMAT = 1
#: how many graph entries (and query catalogues) to keep; older ones are removed
KEEP = 3

ASSERTED_FILE = "asserted.nt"
INFERRED_FILE = "inferred.nt"
MANIFEST_FILE = "manifest.json"
RESULTS_DIR = "results"

_PACKAGE_DIR = Path(__file__).resolve().parent


def cache_enabled(no_cache: bool = False) -> bool:
    """Whether to use the cache: not when ``no_cache`` is set, nor when $KG_NO_CACHE is set to
    anything but an empty string or 0."""
    return not no_cache and os.environ.get("KG_NO_CACHE", "").strip() in ("", "0")


def cache_root(repo: Repository) -> Path:
    return repo.root / CACHE_DIR


@dataclass(frozen=True)
class CachedGraph:
    """A complete, checked cache entry: the asserted graph and, if asked for, the inferred one."""

    key: str
    directory: Path
    asserted_triples: int
    inferred_triples: int | None

    @property
    def asserted(self) -> Path:
        return self.directory / ASSERTED_FILE

    @property
    def inferred(self) -> Path | None:
        return self.directory / INFERRED_FILE if self.inferred_triples is not None else None


# --- keys -----------------------------------------------------------------------------------


def graph_files(repo: Repository, data_files: Sequence[Path] | None = None) -> list[Path]:
    """The files that make the graph: ontology/*.ttl and *.jsonld, then the data files."""
    ontology = repo.ontology.parent
    ontology_files = sorted(
        p for pattern in ("*.ttl", "*.jsonld") for p in ontology.glob(pattern) if p.is_file()
    )
    data = list(data_files) if data_files is not None else repo.data_files()
    return [*ontology_files, *data]


def content_key(repo: Repository, data_files: Sequence[Path] | None = None) -> str:
    """The key of the graph made from ``repo``'s ontology and ``data_files`` (default data/)."""
    return _digest(repo.root, graph_files(repo, data_files), "graph")


def queries_key(repo: Repository) -> str:
    """The key of the query catalogue: every ``queries/**/*.rq`` file."""
    files = sorted(p for p in repo.queries.rglob("*.rq") if p.is_file())
    return _digest(repo.root, files, "queries")


def _digest(root: Path, files: Iterable[Path], kind: str) -> str:
    digest = hashlib.sha256(f"talent-kg {__version__} cache {CACHE_FORMAT} {kind}\n".encode())
    sources = sorted(_PACKAGE_DIR.glob("*.py"))
    for path in [*sources, *files]:
        try:
            name = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            name = str(path.resolve())
        try:
            content = path.read_bytes()
        except OSError:  # a file that vanished: let the loader report it
            content = b"\0missing"
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


# --- the graph ------------------------------------------------------------------------------


def warm_graph(
    repo: Repository, *, data_files: Sequence[Path] | None = None, inferred: bool = False
) -> CachedGraph | None:
    """The cache entry for ``repo`` (and ``data_files``), built if missing or broken, with the
    inferred graph too when ``inferred``. None when the cache cannot be written (the caller then
    loads without it)."""
    key = content_key(repo, data_files)
    directory = cache_root(repo) / key
    entry = _read_entry(directory, key)
    if entry is None:
        if directory.exists():  # a broken entry: never served, rebuilt
            shutil.rmtree(directory, ignore_errors=True)
        entry = _build_entry(repo, directory, key, data_files=data_files, inferred=inferred)
        if entry is None:
            return None
        _prune(cache_root(repo), keep=directory.name)
    if inferred and entry.inferred_triples is None:
        entry = _add_inferred(repo, entry, data_files=data_files)
    return entry


def _read_entry(directory: Path, key: str) -> CachedGraph | None:
    """The entry in ``directory`` if its manifest is readable and every file matches it."""
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        if manifest.get("format") != CACHE_FORMAT or manifest.get("key") != key:
            return None
        files: dict[str, Any] = manifest["files"]
        for name, sha in files.items():
            if name not in (ASSERTED_FILE, INFERRED_FILE) or _sha256(directory / name) != sha:
                return None
        if ASSERTED_FILE not in files:
            return None
        inferred = manifest["triples"].get(INFERRED_FILE) if INFERRED_FILE in files else None
        return CachedGraph(
            key=key,
            directory=directory,
            asserted_triples=int(manifest["triples"][ASSERTED_FILE]),
            inferred_triples=None if inferred is None else int(inferred),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _build_entry(
    repo: Repository,
    directory: Path,
    key: str,
    *,
    data_files: Sequence[Path] | None,
    inferred: bool,
) -> CachedGraph | None:
    from kg.export import to_ntriples
    from kg.load import load_repository

    graph = load_repository(repo, data_files=data_files).graph  # parse errors raise here
    contents = {ASSERTED_FILE: to_ntriples(graph).encode("utf-8")}
    if inferred:
        from kg.reason import infer

        contents[INFERRED_FILE] = to_ntriples(infer(graph)).encode("utf-8")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
        temporary.chmod(0o755)  # mkdtemp makes it private; the cache is as readable as the files
    except OSError:
        return None  # a read-only checkout: run without the cache
    try:
        for name, content in contents.items():
            (temporary / name).write_bytes(content)
        _write_manifest(temporary, key, contents)
        try:
            temporary.rename(directory)
        except OSError:  # another process finished the same entry first: use theirs
            shutil.rmtree(temporary, ignore_errors=True)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return None
    return _read_entry(directory, key)


def _add_inferred(
    repo: Repository, entry: CachedGraph, *, data_files: Sequence[Path] | None
) -> CachedGraph | None:
    from kg.export import to_ntriples
    from kg.load import load_repository
    from kg.reason import infer

    graph = load_repository(repo, data_files=data_files).graph
    content = to_ntriples(infer(graph)).encode("utf-8")
    contents = {ASSERTED_FILE: entry.asserted.read_bytes(), INFERRED_FILE: content}
    try:
        _atomic_write(entry.directory / INFERRED_FILE, content)
        _write_manifest(entry.directory, entry.key, contents)
    except OSError:
        return None
    return _read_entry(entry.directory, entry.key)


def _write_manifest(directory: Path, key: str, contents: dict[str, bytes]) -> None:
    manifest = {
        "format": CACHE_FORMAT,
        "key": key,
        "version": __version__,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()},
        "triples": {name: data.count(b"\n") for name, data in contents.items()},
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    _atomic_write(directory / MANIFEST_FILE, text.encode("utf-8"))


# --- answers -------------------------------------------------------------------------------


class CachedStore:
    """The ``memory`` store behind the warm cache: rdflib over the cached graph, with answers
    remembered.

    An answer is kept in ``<key>/results/`` under a hash of the query text, its bindings, the
    choice of inferred triples and rdflib's version, so a query asked again on unchanged files is
    answered without loading the graph; a new one loads ``asserted.nt`` (and ``inferred.nt``)
    into rdflib, which is much faster than parsing the Turtle files and reasoning, and answers
    it exactly as :class:`~kg.store.MemoryStore` does on a freshly parsed graph.
    """

    def __init__(self, entry: CachedGraph, *, inferred: bool = False) -> None:
        if inferred and entry.inferred is None:
            raise ValueError("this cache entry holds no inferred graph")
        self.entry = entry
        self.inferred = inferred
        self._memory: MemoryStore | None = None

    def query(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        path = self.entry.directory / RESULTS_DIR / f"{self._result_key(text, bindings)}.json"
        remembered = _read_result(path)
        if remembered is not None:
            return remembered
        result = self.memory().query(text, bindings)
        content = _result_to_json(result)
        if content is not None:
            try:
                path.parent.mkdir(exist_ok=True)
                _atomic_write(path, content)
            except OSError:
                pass  # read-only: answer without remembering
        return result

    def memory(self) -> MemoryStore:
        """The rdflib store over the cached graph, loaded on first use."""
        if self._memory is None:
            from kg.load import parse_file
            from kg.store import MemoryStore

            graph = parse_file(self.entry.asserted)
            if self.inferred and self.entry.inferred is not None:
                parse_file(self.entry.inferred, graph)
            self._memory = MemoryStore(graph)
        return self._memory

    def close(self) -> None:
        self._memory = None

    def _result_key(self, text: str, bindings: Mapping[str, Identifier] | None) -> str:
        import rdflib

        digest = hashlib.sha256(f"rdflib {rdflib.__version__}\n".encode())
        digest.update(f"inferred={self.inferred}\n".encode())
        for name, term in sorted((bindings or {}).items()):
            digest.update(f"{name}={term.n3()}\n".encode())
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()


def _result_to_json(result: QueryResult) -> bytes | None:
    """A SELECT or ASK answer as exact JSON (every term as written, datatype and language
    included); None for a graph, which is not remembered."""
    from kg.queries import AskResult, SelectResult

    if isinstance(result, AskResult):
        doc: dict[str, Any] = {"form": "ASK", "value": result.value}
    elif isinstance(result, SelectResult):
        doc = {
            "form": "SELECT",
            "variables": list(result.variables),
            "rows": [[_cell(term) for term in row] for row in result.rows],
        }
    else:
        return None
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _cell(term: Node | None) -> list[str | None] | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ["uri", str(term)]
    if isinstance(term, BNode):
        return ["bnode", str(term)]
    if isinstance(term, Literal):
        datatype = None if term.datatype is None else str(term.datatype)
        return ["literal", str(term), datatype, term.language]
    raise TypeError(f"cannot remember {term!r}")


def _read_result(path: Path) -> QueryResult | None:
    """A remembered answer, or None when there is none or it cannot be read (then the query is
    answered afresh and the file rewritten)."""
    from rdflib import BNode, Literal, URIRef

    from kg.queries import AskResult, SelectResult

    def term(cell: Any) -> Node | None:
        if cell is None:
            return None
        if cell[0] == "uri":
            return URIRef(cell[1])
        if cell[0] == "bnode":
            return BNode(cell[1])
        if cell[0] == "literal":
            datatype = None if cell[2] is None else URIRef(cell[2])
            return Literal(cell[1], lang=cell[3], datatype=datatype, normalize=False)
        raise ValueError(f"unknown term kind {cell[0]!r}")

    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        if doc["form"] == "ASK":
            return AskResult(bool(doc["value"]))
        if doc["form"] != "SELECT":
            return None
        variables = tuple(str(v) for v in doc["variables"])
        rows = tuple(tuple(term(cell) for cell in row) for row in doc["rows"])
        if any(len(row) != len(variables) for row in rows):
            return None
        return SelectResult(variables, rows)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


# --- the query catalogue --------------------------------------------------------------------


def query_catalogue(repo: Repository, *, use_cache: bool = True) -> dict[str, NamedQuery]:
    """The named queries of ``repo`` (as :func:`kg.queries.discover` finds them), from the cache
    when their files have not changed since they were last checked."""
    from kg.queries import discover

    if not use_cache:
        return discover(repo.queries)
    path = cache_root(repo) / f"queries-{queries_key(repo)}.json"
    cached = _read_catalogue(path, repo)
    if cached is not None:
        return cached
    found = discover(repo.queries)  # malformed queries raise here, and nothing is cached
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps([_query_to_json(q, repo) for q in found.values()], indent=1)
        _atomic_write(path, text.encode("utf-8"))
        _prune(path.parent, keep=path.name)
    except OSError:
        pass  # a read-only checkout: run without the cache
    return found


def _query_to_json(query: NamedQuery, repo: Repository) -> dict[str, Any]:
    return {
        "name": query.name,
        "path": query.path.resolve().relative_to(repo.queries.resolve()).as_posix(),
        "text": query.text,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": [
            {"name": p.name, "variable": p.variable, "type": p.type, "default": p.default}
            for p in query.parameters
        ],
        "form": query.form,
        "is_check": query.is_check,
    }


def _read_catalogue(path: Path, repo: Repository) -> dict[str, NamedQuery] | None:
    from kg.queries import NamedQuery, Parameter

    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        found: dict[str, NamedQuery] = {}
        for item in items:
            query = NamedQuery(
                name=str(item["name"]),
                path=repo.queries / str(item["path"]),
                text=str(item["text"]),
                summary=str(item["summary"]),
                description=str(item["description"]),
                tags=tuple(str(t) for t in item["tags"]),
                parameters=tuple(
                    Parameter(
                        str(p["name"]),
                        str(p["variable"]),
                        str(p["type"]),
                        None if p["default"] is None else str(p["default"]),
                    )
                    for p in item["parameters"]
                ),
                form=str(item["form"]),
                is_check=bool(item["is_check"]),
            )
            found[query.name] = query
        return found
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- validation reports ---------------------------------------------------------------------


def cached_report(
    repo: Repository, data_files: Sequence[Path] | None = None
) -> ValidationReport | None:
    """The validation report of ``repo``'s graph (ontology, shapes and ``data_files``) if one
    was written for exactly these files, else None. Either engine's report serves: pySHACL's
    and :mod:`kg.fastvalidate`'s are the same, problem for problem (tests/test_fastvalidate.py)."""
    from kg.validate import Problem, ValidationReport

    path = _report_path(repo, data_files)
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        fields = list(Problem.__dataclass_fields__)
        problems = tuple(Problem(**{f: str(item[f]) for f in fields}) for item in items)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return ValidationReport(problems)


def remember_report(
    repo: Repository, report: ValidationReport, data_files: Sequence[Path] | None = None
) -> None:
    """Keep ``report`` for :func:`cached_report` (atomically; silently not on a read-only
    checkout)."""
    path = _report_path(repo, data_files)
    text = json.dumps([problem.__dict__ for problem in report.problems], indent=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, text.encode("utf-8"))
        _prune(path.parent, keep=path.name)
    except OSError:
        pass


def _report_path(repo: Repository, data_files: Sequence[Path] | None) -> Path:
    return cache_root(repo) / f"validation-{content_key(repo, data_files)}.json"


# --- files ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(root: Path, *, keep: str) -> None:
    """Remove all but the :data:`KEEP` newest graph entries (or query catalogues) of the kind
    of ``keep``; never ``keep`` itself, nor anything that is not a cache entry."""
    prefix = keep.partition("-")[0]
    if prefix in ("queries", "validation"):
        entries = list(root.glob(f"{prefix}-*.json"))
    else:
        entries = [p for p in root.iterdir() if p.is_dir() and _is_key(p.name)]
    try:
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[KEEP:]:
        if old.name == keep:
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _is_key(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


__all__ = [
    "CACHE_DIR",
    "CachedGraph",
    "CachedStore",
    "cache_enabled",
    "cached_report",
    "content_key",
    "graph_files",
    "queries_key",
    "query_catalogue",
    "remember_report",
    "warm_graph",
]
