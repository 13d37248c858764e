r"""Where the triples live: one :class:`Store` interface over three kinds of store, so that every
named query gives the same answer on each.

- :class:`MemoryStore`: an rdflib graph in this process, queried by rdflib's SPARQL engine (the
  reference engine: parameters bound as initial bindings);
- :class:`OxigraphStore`: a pyoxigraph store, persistent on disk (``OxigraphStore(path)``: load
  once, query many times, survives restarts) or in memory (``OxigraphStore()``);
- :class:`~kg.remote.RemoteStore`: any SPARQL 1.1 endpoint, over HTTP.

The layout of the triples is the same on every store: the asserted graph (ontology and data) and
the triples the OWL RL reasoner infers (:func:`kg.reason.infer`) are kept apart. In an Oxigraph
store the asserted triples are the default graph and the inferred ones the named graph
:data:`INFERRED_GRAPH`; a query sees the default graph alone, or with ``inferred=True`` the merge
of both (given as the query's default graph, so ``GRAPH`` clauses still see named graphs alone).
On a remote endpoint both are named graphs (:data:`ASSERTED_GRAPH`, :data:`INFERRED_GRAPH`),
chosen per query with the protocol's ``default-graph-uri``, so that a server whose default graph
is the union of all graphs (Virtuoso, GraphDB) still answers asserted-only queries right.

Parameters: rdflib binds them as initial bindings. pyoxigraph's ``substitutions`` only reach
projected variables, and a remote endpoint only takes text, so for those :func:`prepare`
replaces each parameter *variable token* by the N-Triples form of its already typed and checked
RDF term (:func:`nt_term`): a structural substitution of a variable by a term, never user text
pasted into the query. A string parameter holding SPARQL stays one literal.

>>> from rdflib import Literal
>>> prepare('SELECT ?x WHERE { BIND(?_name AS ?x) }', {"_name": Literal('x" }')}).splitlines()[-1]
'SELECT ?x WHERE { BIND("x\\" }" AS ?x) }'
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kg.errors import InputError, QueryError
from kg.namespaces import PREFIXES
from kg.ordering import sort_rows, split_order_by
from kg.sparqltext import TOKEN, code_only

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph
    from rdflib.term import Identifier, Node

    from kg.load import Repository
    from kg.queries import QueryResult

#: The named graph of the inferred triples (Oxigraph stores and remote endpoints).
INFERRED_GRAPH = "https://w3id.org/talent-kg/graph/inferred"
#: The named graph of the asserted triples on a remote endpoint (``kg push`` writes it there).
ASSERTED_GRAPH = "https://w3id.org/talent-kg/graph/asserted"
#: Where an Oxigraph store records what it was loaded from (not part of any query's dataset).
META_GRAPH = "https://w3id.org/talent-kg/graph/meta"
_META_SOURCE = "https://w3id.org/talent-kg/graph/meta#sourceKey"
_META_INFERRED = "https://w3id.org/talent-kg/graph/meta#inferredKey"

STORE_KINDS = ("memory", "oxigraph", "remote")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Store(Protocol):
    """Something that answers SPARQL: text plus typed parameter bindings in, a typed result out."""

    def query(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run SPARQL ``text`` with ``bindings`` (variable name without '?' -> RDF term)."""
        ...

    def close(self) -> None:
        """Release what the store holds open (files, locks)."""
        ...


# --- rdflib ---------------------------------------------------------------------------------


class MemoryStore:
    """An rdflib graph in this process, queried with rdflib's engine (the reference answers)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def query(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        from kg.queries import run_text

        return run_text(self.graph, text, bindings)

    def close(self) -> None:
        """Nothing to release."""


# --- Oxigraph -------------------------------------------------------------------------------


class OxigraphStore:
    """A pyoxigraph store: on disk at ``path`` (persistent, created if missing) or in memory.

    ``inferred`` chooses what queries see: the asserted triples only (the default graph), or
    those merged with the inferred ones (:data:`INFERRED_GRAPH`). The store remembers the key of
    what it was loaded from (:attr:`source_key`), so a caller can tell whether it is current.
    """

    def __init__(self, path: Path | None = None, *, inferred: bool = False) -> None:
        import pyoxigraph as ox

        self.path = path
        self.inferred = inferred
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as err:
            raise InputError(
                f"{path}: cannot open the Oxigraph store ({_first_line(err)})",
                hint="another kg process may be using it, or the folder is not an Oxigraph "
                "store; wait, or pass another --store-path",
            ) from err

    # context manager, so that a CLI command always releases the RocksDB lock
    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def native(self) -> pyoxigraph.Store:
        """The pyoxigraph store itself, for the work done inside it (:mod:`kg.fastvalidate`)."""
        return self._store

    @property
    def source_key(self) -> str | None:
        """The key of the files the asserted graph was loaded from, or None if never loaded."""
        return self._meta(_META_SOURCE)

    @property
    def inferred_key(self) -> str | None:
        """The key of the files the inferred graph was computed from, or None."""
        return self._meta(_META_INFERRED)

    def load_ntriples(
        self, asserted: Path | bytes, inferred: Path | bytes | None = None, *, key: str
    ) -> None:
        """Replace the store's content: ``asserted`` N-Triples into the default graph and, if
        given, ``inferred`` into :data:`INFERRED_GRAPH`; record ``key`` as :attr:`source_key`.

        The key is written last, so an interrupted load leaves a store that reads as not loaded.
        """
        import pyoxigraph as ox

        self._store.clear()
        self._bulk_load(asserted, ox.DefaultGraph())
        if inferred is not None:
            self._bulk_load(inferred, ox.NamedNode(INFERRED_GRAPH))
            self._set_meta(_META_INFERRED, key)
        self._set_meta(_META_SOURCE, key)
        self._store.flush()

    def load_inferred(self, inferred: Path | bytes, *, key: str) -> None:
        """Replace only the inferred graph (the asserted one must already be from ``key``)."""
        import pyoxigraph as ox

        graph = ox.NamedNode(INFERRED_GRAPH)
        if self._store.contains_named_graph(graph):
            self._store.clear_graph(graph)
        self._bulk_load(inferred, graph)
        self._set_meta(_META_INFERRED, key)
        self._store.flush()

    def load(
        self,
        repo: Repository,
        *,
        data_files: Sequence[Path] | None = None,
        with_inferred: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Replace the content with the repository's ontology and data files, bulk-loaded by
        Oxigraph (:func:`kg.load.load_into_oxigraph`), and, if ``with_inferred``, the OWL RL
        inferences computed inside the store (:func:`reason`). The key is written last, so an
        interrupted or failed load leaves a store that reads as not loaded."""
        from kg.cache import content_key
        from kg.load import load_into_oxigraph

        key = content_key(repo, data_files)
        files = _graph_sources(repo, data_files)
        started = time.perf_counter()
        self._store.clear()
        load_into_oxigraph(self._store, files)
        if progress:
            count = len(self._store)
            progress(
                f"loaded {count:,} triples from {len(files)} files "
                f"in {time.perf_counter() - started:.1f}s"
            )
        if with_inferred:
            self.reason(repo, data_files=data_files, progress=progress, key=key)
        self._set_meta(_META_SOURCE, key)
        self._store.flush()

    def reason(
        self,
        repo: Repository,
        *,
        data_files: Sequence[Path] | None = None,
        progress: Callable[[str], None] | None = None,
        key: str | None = None,
    ) -> None:
        """Compute the OWL RL inferences of the asserted graph into :data:`INFERRED_GRAPH`,
        replacing what it held, with :func:`kg.fastreason.reason_store` (the same triples as
        :func:`kg.reason.infer`, which ``tests/test_fastreason.py`` proves; minutes faster at a
        million triples)."""
        from kg.cache import content_key
        from kg.fastreason import reason_store

        files = _graph_sources(repo, data_files)
        readable = all(f.suffix.lower() in (".ttl", ".nt") for f in files)
        reason_store(
            self._store,
            sources=files if readable else None,
            graph_name=INFERRED_GRAPH,
            progress=progress,
        )
        self._set_meta(_META_INFERRED, key or content_key(repo, data_files))
        self._store.flush()

    def query(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run ``text``; a final ``ORDER BY`` of plain variables is done by
        :func:`kg.ordering.sort_rows` rather than by Oxigraph, whose sort decodes both terms at
        every comparison (seconds for tens of thousands of rows), unless the values are ones
        whose order SPARQL leaves to the engine."""
        from kg.queries import SelectResult

        prepared = prepare(text, bindings)
        ordered = split_order_by(prepared)
        if ordered is None:
            return self._run(prepared)
        unordered, keys = ordered
        result = self._run(unordered)
        if not isinstance(result, SelectResult):  # a graph or a boolean has no order
            return result
        with _no_gc():
            rows = sort_rows(result.variables, result.rows, keys)
        if rows is None:  # values SPARQL leaves the order of to the engine: it sorts them
            return self._run(prepared)
        return SelectResult(result.variables, rows)

    def _run(self, text: str) -> QueryResult:
        import pyoxigraph as ox

        from kg.queries import AskResult, GraphResult, SelectResult

        dataset: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
        if self.inferred:
            dataset.append(ox.NamedNode(INFERRED_GRAPH))
        try:
            result = self._store.query(text, default_graph=dataset)
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if isinstance(result, ox.QueryTriples):
                from rdflib import Graph

                graph = Graph()
                for triple in result:
                    graph.add(
                        (
                            to_rdflib(triple.subject),
                            to_rdflib(triple.predicate),
                            to_rdflib(triple.object),
                        )
                    )
                return GraphResult(graph)
            variables = [v.value for v in result.variables]
            # Oxigraph writes the rows as SPARQL TSV in Rust, faster than it hands them over one
            # Python object at a time; a result of tens of thousands of rows repeats most of
            # its terms, so each distinct cell is converted once (from_tsv)
            written = result.serialize(format=ox.QueryResultsFormat.TSV)
            assert written is not None  # no output file given: the bytes are returned
            table = written.decode("utf-8")
            with _no_gc():  # tens of thousands of new objects that all live: nothing to collect
                rows = _tsv_rows(table, len(variables))
        except SyntaxError as err:
            raise QueryError(f"Oxigraph cannot parse the query: {_first_line(err)}") from err
        except (OSError, RuntimeError) as err:
            raise QueryError(f"Oxigraph failed on the query: {_first_line(err)}") from err
        return SelectResult(tuple(variables), rows)

    def close(self) -> None:
        """Flush and release the store (and its lock on the folder)."""
        store = getattr(self, "_store", None)
        if store is not None:
            del self._store

    def __len__(self) -> int:
        """The number of quads, the meta graph included."""
        return len(self._store)

    def _bulk_load(
        self, data: Path | bytes, graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph
    ) -> None:
        import pyoxigraph as ox

        try:
            if isinstance(data, Path):
                self._store.bulk_load(
                    path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True
                )
            else:
                self._store.bulk_load(
                    input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True
                )
        except SyntaxError as err:
            where = data if isinstance(data, Path) else "N-Triples"
            raise InputError(f"{where}: Oxigraph cannot read it: {_first_line(err)}") from err

    def _meta(self, predicate: str) -> str | None:
        import pyoxigraph as ox

        for quad in self._store.quads_for_pattern(
            ox.NamedNode(META_GRAPH), ox.NamedNode(predicate), None, ox.NamedNode(META_GRAPH)
        ):
            value = quad.object
            return value.value if isinstance(value, ox.Literal) else None
        return None

    def _set_meta(self, predicate: str, value: str) -> None:
        import pyoxigraph as ox

        graph = ox.NamedNode(META_GRAPH)
        subject, pred = graph, ox.NamedNode(predicate)
        for quad in list(self._store.quads_for_pattern(subject, pred, None, graph)):
            self._store.remove(quad)
        self._store.add(ox.Quad(subject, pred, ox.Literal(value), graph))


# --- the factory ----------------------------------------------------------------------------


@contextmanager
def open_store(
    kind: str,
    *,
    repo: Repository,
    path: Path | None = None,
    endpoint: str | None = None,
    inferred: bool = False,
    data_files: Sequence[Path] | None = None,
    use_cache: bool = True,
    graph: str | None = ASSERTED_GRAPH,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Store]:
    """The store of ``kind`` (``memory``, ``oxigraph`` or ``remote``), ready to query, closed on
    exit. ``kg.load`` remains the one place that parses files: every kind gets its triples from
    :func:`kg.load.load_repository` (directly or through the warm cache, :mod:`kg.cache`) or
    :func:`kg.load.load_into_oxigraph`.

    - ``memory``: rdflib in this process. With the cache (:class:`kg.cache.CachedStore`), over
      the cached graph (no parsing, no reasoning) and with answers remembered; without it, over
      a freshly parsed (and, if ``inferred``, reasoned) graph. The answers are the same.
    - ``oxigraph``: the persistent store at ``path`` (default ``<repo>/.kg-cache/oxigraph``),
      (re)loaded only when the files changed since it was loaded: bulk-loaded by Oxigraph's own
      parser and reasoned inside the store (:meth:`OxigraphStore.load`), the path for large
      graphs. ``progress`` hears about each step of a (re)load.
    - ``remote``: the SPARQL endpoint ``endpoint``; ``graph`` is the named graph holding the
      asserted triples (None: the endpoint's default graph).
    """
    store: Store
    if kind == "remote" or endpoint is not None:
        if endpoint is None:
            raise InputError("the remote store needs an endpoint", hint="pass --endpoint URL")
        from kg.remote import RemoteStore

        store = RemoteStore(endpoint, inferred=inferred, graph=graph)
    elif kind == "memory":
        store = _memory_store(repo, inferred=inferred, data_files=data_files, use_cache=use_cache)
    elif kind == "oxigraph":
        store = _oxigraph_store(
            repo,
            path or default_store_path(repo),
            inferred=inferred,
            data_files=data_files,
            use_cache=use_cache,
            progress=progress,
        )
    else:
        raise InputError(f"unknown store {kind!r}", hint=f"use one of: {', '.join(STORE_KINDS)}")
    try:
        yield store
    finally:
        store.close()


def graph_iri(value: str | None, *, default: str | None) -> str | None:
    """A ``--graph`` value: None gives ``default``, ``default`` the store's default graph (None),
    anything else must be an absolute IRI."""
    if value is None:
        return default
    if value == "default":
        return None
    bad = sorted({c for c in value if c in _FORBIDDEN_IN_IRI})
    if bad or ":" not in value:
        raise InputError(
            f"--graph {value!r} is not an IRI",
            hint="give an absolute IRI such as https://w3id.org/talent-kg/graph/asserted, "
            "or 'default' for the store's default graph",
        )
    return value


def default_store_path(repo: Repository) -> Path:
    """Where ``--store oxigraph`` keeps its store unless told otherwise."""
    from kg.cache import CACHE_DIR

    return repo.root / CACHE_DIR / "oxigraph"


def _memory_store(
    repo: Repository, *, inferred: bool, data_files: Sequence[Path] | None, use_cache: bool
) -> Store:
    if use_cache:
        from kg.cache import warm_graph

        cached = warm_graph(repo, data_files=data_files, inferred=inferred)
        if cached is not None:
            from kg.cache import CachedStore

            return CachedStore(cached, inferred=inferred)
    from kg.load import load_repository

    graph = load_repository(repo, data_files=data_files).graph
    if inferred:
        from kg.reason import closure

        graph = closure(graph)
    return MemoryStore(graph)


def _oxigraph_store(
    repo: Repository,
    path: Path,
    *,
    inferred: bool,
    data_files: Sequence[Path] | None,
    use_cache: bool,
    progress: Callable[[str], None] | None = None,
) -> OxigraphStore:
    """The store at ``path``, loaded from the files (and reasoned, if ``inferred``) unless it
    already holds them: the store is its own cache, keyed like :mod:`kg.cache`. Without
    ``use_cache`` it is reloaded every time."""
    from kg.cache import content_key

    key = content_key(repo, data_files)
    store = OxigraphStore(path, inferred=inferred)
    try:
        fresh = use_cache and store.source_key == key
        if not fresh:
            store.load(repo, data_files=data_files, with_inferred=inferred, progress=progress)
        elif inferred and store.inferred_key != key:
            store.reason(repo, data_files=data_files, progress=progress, key=key)
    except BaseException:
        store.close()
        raise
    return store


def _graph_sources(repo: Repository, data_files: Sequence[Path] | None) -> list[Path]:
    """The files of the asserted graph, as :func:`kg.load.load_repository` reads them."""
    return [repo.ontology, *(data_files if data_files is not None else repo.data_files())]


# --- query text -----------------------------------------------------------------------------

_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_FORBIDDEN_IN_IRI = frozenset('<>"{}|^`\\ ') | frozenset(chr(c) for c in range(0x20))
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def prepare(text: str, bindings: Mapping[str, Identifier] | None = None) -> str:
    """``text`` ready for an engine that takes no initial bindings: each parameter variable
    (``?_paper_iri`` or ``$_paper_iri``, outside comments, strings and IRIs) replaced by the
    N-Triples form of its bound term, and a ``PREFIX`` line for each project prefix the query
    does not declare itself (rdflib gets them as ``initNs``; other engines need them spelled out).
    """
    terms = {name.lstrip("?$"): nt_term(term) for name, term in (bindings or {}).items()}
    parts: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        if match.lastgroup == "var" and match.group()[1:] in terms:
            parts.append(text[position : match.start()])
            parts.append(terms[match.group()[1:]])
            position = match.end()
    parts.append(text[position:])
    body = "".join(parts)
    code = code_only(text)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(code)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return "\n".join([*missing, body])


def nt_term(term: Node) -> str:
    """An RDF term in N-Triples syntax, checked: an IRI with a character IRIs may not hold
    (``<>"{}|^`\\``, space, control) is refused rather than escaped into the query."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        iri = str(term)
        bad = sorted({c for c in iri if c in _FORBIDDEN_IN_IRI})
        if bad or ":" not in iri:
            shown = " ".join(repr(c) for c in bad) or "no scheme"
            raise QueryError(
                f"{iri!r} is not an IRI that can be bound ({shown})",
                hint='IRIs may not contain spaces or any of <>"{}|^`\\',
            )
        return f"<{iri}>"
    if isinstance(term, Literal):
        quoted = '"' + "".join(_ESCAPES.get(c, c) for c in str(term)) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{quoted}^^{nt_term(term.datatype)}"
        return quoted
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a parameter", hint="give an IRI")
    raise QueryError(f"cannot bind {term!r} as a parameter")


# --- pyoxigraph -> rdflib -------------------------------------------------------------------


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as the rdflib term it denotes (``xsd:string`` literals as plain ones,
    as rdflib's engine returns them), so results render and compare the same on every store."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise QueryError(f"cannot use the result term {term!r} (RDF-star triples are not supported)")


def from_tsv(cell: str) -> Node | None:
    """One cell of a SPARQL TSV result as Oxigraph writes it, as the rdflib term
    :func:`to_rdflib` gives for the same value (None for an empty cell: unbound).

    >>> [(str(n), n.language) for n in map(from_tsv, ['"a b"@en', '"x"', "12"])]
    [('a b', 'en'), ('x', None), ('12', None)]
    """
    from rdflib import BNode, Literal, URIRef

    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell.startswith("<<"):
            raise QueryError("cannot use an RDF-star triple in a result (not supported)")
        return URIRef(cell[1:-1])
    if first == '"':
        end = cell.rindex('"')  # language tags and datatype IRIs hold no '"'
        lexical = cell[1:end]
        if "\\" in lexical:
            lexical = _TSV_ESCAPE.sub(_unescape, lexical)
        rest = cell[end + 1 :]
        if not rest:
            return Literal(lexical)
        if rest[0] == "@":
            return Literal(lexical, lang=rest[1:])
        datatype = rest[3:-1]  # ^^<...>
        if datatype == _XSD_STRING:
            return Literal(lexical)
        return Literal(lexical, datatype=URIRef(datatype))
    if cell.startswith("_:"):
        return BNode(cell[2:])
    # Turtle's short forms, which Oxigraph writes for booleans, integers and decimals
    if cell in ("true", "false"):
        return Literal(cell, datatype=URIRef(_XSD + "boolean"))
    if _TSV_INTEGER.fullmatch(cell):
        return Literal(cell, datatype=URIRef(_XSD + "integer"))
    if _TSV_DECIMAL.fullmatch(cell):
        return Literal(cell, datatype=URIRef(_XSD + "decimal"))
    if _TSV_DOUBLE.fullmatch(cell):
        return Literal(cell, datatype=URIRef(_XSD + "double"))
    raise QueryError(f"cannot read the result cell {cell[:80]!r}")


def _tsv_rows(table: str, width: int) -> tuple[tuple[Node | None, ...], ...]:
    """The rows of a SPARQL TSV result (header line first, a newline after each row)."""
    lines = table.split("\n")
    cache: dict[str, Node | None] = {}

    def convert(cell: str) -> Node | None:
        try:
            return cache[cell]
        except KeyError:
            node = cache[cell] = from_tsv(cell)
            return node

    rows = tuple(tuple(map(convert, line.split("\t"))) for line in lines[1:-1])
    if any(len(row) != width for row in rows):
        raise QueryError("Oxigraph returned a result with a row of the wrong width")
    return rows


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU":
        return chr(int(code[1:], 16))
    return _TSV_ESCAPES[code]


_XSD = "http://www.w3.org/2001/XMLSchema#"
_TSV_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf\"'\\])")
_TSV_ESCAPES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
_TSV_INTEGER = re.compile(r"[+-]?[0-9]+")
_TSV_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_TSV_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: building a large result allocates many objects and
    frees none, and each collection would walk them all again (a third of the time at 90,000
    rows). Reference counting still frees what is dropped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


__all__ = [
    "ASSERTED_GRAPH",
    "INFERRED_GRAPH",
    "STORE_KINDS",
    "MemoryStore",
    "OxigraphStore",
    "Store",
    "default_store_path",
    "graph_iri",
    "nt_term",
    "open_store",
    "prepare",
    "to_rdflib",
]
