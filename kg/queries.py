"""Named SPARQL queries: discover ``.rq`` files, read their ``#+ `` YAML headers, bind typed
parameters and run them.

A query file is plain SPARQL that runs unchanged in any SPARQL tool. Its header is a block of
``#+ `` comment lines at the top, in YAML (the grlc convention)::

    #+ summary: How many of a paper's authors had left the organisation they wrote it at?
    #+ description: ...
    #+ tags: [attrition, papers]
    #+ defaults:
    #+   - paper: tkd:paper-llama
    #+   - as_of: 2025-05-26

Parameters are the query's variables that start with ``_`` (``?_paper_iri``), and their type is
the suffix: ``_iri`` (an IRI or CURIE), ``_xsd_date`` (YYYY-MM-DD), ``_xsd_integer``, and
anything else a plain string. Values are bound as typed RDF terms through the engine's initial
bindings, never pasted into the query text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, Variable
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from kg.errors import ParameterError, QueryError
from kg.namespaces import PREFIXES, expand

#: header keys a query may use (grlc's, minus the ones that make no sense for local files)
HEADER_KEYS = frozenset(
    {"summary", "description", "tags", "defaults", "endpoint", "method", "pagination", "enumerate"}
)

PARAMETER_TYPES = ("iri", "date", "integer", "string")
_SUFFIXES = (
    ("_xsd_date", "date"),
    ("_xsd_integer", "integer"),
    ("_xsd_string", "string"),
    ("_iri", "iri"),
)
_PARAM_RE = re.compile(r"[?$](_[A-Za-z0-9_]+)")
_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """A query parameter: its name on the command line, its SPARQL variable and its type."""

    name: str
    variable: str
    type: str
    default: str | None = None

    def bind(self, raw: str) -> Identifier:
        """Turn the text ``raw`` into the typed RDF term this parameter expects."""
        return _convert(self, raw)


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its name (the file stem), header and parameters."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    form: str = "SELECT"
    is_check: bool = False

    def parameter(self, name: str) -> Parameter:
        wanted = _normalise_name(name)
        for param in self.parameters:
            if param.name == wanted:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(
            f"query {self.name!r} has no parameter {name!r}",
            hint=f"its parameters are: {known}",
        )

    def bindings(self, values: Mapping[str, str] | None = None) -> dict[str, Identifier]:
        """Typed bindings (variable name without '?' -> RDF term) for ``values`` and defaults.

        Raises ParameterError for an unknown parameter, a missing one with no default, or a
        value of the wrong type.
        """
        given = {_normalise_name(k): v for k, v in (values or {}).items()}
        for key in given:
            self.parameter(key)
        out: dict[str, Identifier] = {}
        for param in self.parameters:
            raw = given.get(param.name, param.default)
            if raw is None:
                raise ParameterError(
                    f"query {self.name!r} needs parameter {param.name!r} ({param.type})",
                    hint=f"pass -p {param.name}=VALUE",
                )
            out[param.variable] = param.bind(raw)
        return out


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query, in order; a missing binding is None."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]

    def column(self, name: str) -> list[Node | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class AskResult:
    """The answer of an ASK query."""

    value: bool


@dataclass(frozen=True)
class GraphResult:
    """The graph a CONSTRUCT or DESCRIBE query built."""

    graph: Graph = field(repr=False)


QueryResult = SelectResult | AskResult | GraphResult


def discover(directory: Path) -> dict[str, NamedQuery]:
    """Every named query under ``directory`` (recursively), by name.

    Checks (``checks/*-violation.rq``) are included and flagged. Raises QueryError if a header
    is malformed or two files share a name.
    """
    found: dict[str, NamedQuery] = {}
    for path in sorted(directory.rglob("*.rq")):
        query = read_query(path, root=directory)
        if query.name in found:
            raise QueryError(
                f"{path}: query name {query.name!r} is already used by {found[query.name].path}",
                hint="rename one of the files; a query's name is its file name without .rq",
            )
        found[query.name] = query
    return found


def find(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """The query called ``name``, or a QueryError suggesting close names."""
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    if not close:
        close = [q for q in queries if name in q or q in name][:3]
    hint = f"did you mean {', '.join(close)}?" if close else "run 'kg queries' to list them"
    raise QueryError(f"no query named {name!r}", hint=hint)


def read_query(path: Path, *, root: Path | None = None) -> NamedQuery:
    """Read one ``.rq`` file: header, parameters and form. Raises QueryError naming the file and
    line of anything malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read query file ({err})") from err
    header = _read_header(path, text)
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryError(
            f"{path}:1: header has no summary",
            hint="start the file with '#+ summary: <the question this query answers>'",
        )
    unknown = sorted(set(header) - HEADER_KEYS)
    if unknown:
        raise QueryError(
            f"{path}: unknown header key(s): {', '.join(unknown)}",
            hint=f"allowed keys: {', '.join(sorted(HEADER_KEYS))}",
        )
    tags = header.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryError(f"{path}: header 'tags' must be a list of strings")
    description = header.get("description", "")
    if not isinstance(description, str):
        raise QueryError(f"{path}: header 'description' must be text")
    defaults = _read_defaults(path, header.get("defaults"))
    body = _strip_comments(text)
    parameters = _find_parameters(body, defaults)
    names = {p.name for p in parameters}
    for key in defaults:
        if key not in names:
            raise QueryError(
                f"{path}: default given for {key!r}, which the query does not use",
                hint=f"parameters in the query: {', '.join(sorted(names)) or 'none'}",
            )
    form_match = _FORM_RE.search(_strip_prologue(body))
    if not form_match:
        raise QueryError(f"{path}: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    query = NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=summary.strip(),
        description=description.strip(),
        tags=tuple(tags),
        parameters=parameters,
        form=form_match.group(1).upper(),
        is_check=path.stem.endswith("-violation"),
    )
    for param in parameters:  # a default must itself be a valid value
        if param.default is not None:
            try:
                param.bind(param.default)
            except ParameterError as err:
                raise QueryError(f"{path}: bad default for {param.name!r}: {err.message}") from err
    check_syntax(query)
    return query


def check_syntax(query: NamedQuery) -> None:
    """Parse the query with rdflib's SPARQL parser; raise QueryError with the line on failure."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(query.text, initNs=dict(PREFIXES))
    except ParseException as err:
        raise QueryError(
            f"{query.path}:{err.lineno}: SPARQL syntax error at column {err.col}: {err.msg}"
        ) from err
    except Exception as err:  # rdflib raises assorted errors for undefined prefixes etc.
        raise QueryError(f"{query.path}: SPARQL error: {err}") from err


def run(
    graph: Graph,
    query: NamedQuery,
    values: Mapping[str, str] | None = None,
) -> QueryResult:
    """Run ``query`` on ``graph`` with ``values`` bound (defaults fill the rest)."""
    bindings = query.bindings(values)
    return sort_group_concat(query.text, run_text(graph, query.text, bindings))


_GROUP_CONCAT_RE = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*\"((?:[^\"\\]|\\.)*)\"\s*\)"
    r"\s*AS\s*[?$](\w+)",
    re.IGNORECASE,
)


def sort_group_concat(text: str, result: QueryResult) -> QueryResult:
    """Sort the parts of every ``GROUP_CONCAT(...; separator="s") AS ?v`` column of a SELECT.

    SPARQL leaves the order of the parts open, and engines (rdflib included, from one run to the
    next) differ; sorting makes every store's output deterministic and comparable.
    """
    if not isinstance(result, SelectResult):
        return result
    columns = {
        result.variables.index(name): separator
        for separator, name in _GROUP_CONCAT_RE.findall(_strip_comments(text))
        if name in result.variables and separator
    }
    if not columns:
        return result
    rows = []
    for row in result.rows:
        cells = list(row)
        for index, separator in columns.items():
            cell = cells[index]
            if isinstance(cell, Literal) and cell.language is None:
                parts = sorted(str(cell).split(separator))
                cells[index] = Literal(separator.join(parts), datatype=cell.datatype)
        rows.append(tuple(cells))
    return SelectResult(result.variables, tuple(rows))


def run_text(
    graph: Graph, text: str, bindings: Mapping[str, Identifier] | None = None
) -> QueryResult:
    """Run SPARQL ``text`` on an rdflib graph with typed initial bindings."""
    init: dict[str, Any] = {Variable(k): v for k, v in (bindings or {}).items()}
    try:
        result = graph.query(text, initBindings=init, initNs=dict(PREFIXES))
        if result.type == "SELECT":
            materialised = list(result)  # rdflib evaluates lazily: surface its errors here
    except Exception as err:  # rdflib's engine raises assorted types (TypeError, NotBoundError)
        raise QueryError(
            f"the SPARQL engine failed on this query: {type(err).__name__}: {err}",
            hint="rdflib cannot order or aggregate over unbound values; wrap them in COALESCE",
        ) from err
    if result.type == "ASK":
        return AskResult(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        if result.graph is not None:
            out += result.graph
        return GraphResult(out)
    variables = tuple(str(v) for v in (result.vars or []))
    rows = tuple(tuple(row[i] for i in range(len(variables))) for row in materialised)  # type: ignore[index]
    return SelectResult(variables, rows)


# --- header and parameters ------------------------------------------------------------------


def _read_header(path: Path, text: str) -> dict[str, Any]:
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() == "" and not lines:
            continue
        else:
            break
    if not lines:
        raise QueryError(
            f"{path}:1: no '#+ ' header",
            hint="start the file with '#+ summary: <the question this query answers>'",
        )
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line_no = mark.line + 1 if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err)
        raise QueryError(f"{path}:{line_no}: malformed '#+ ' header: {problem}") from err
    if not isinstance(data, dict):
        raise QueryError(f"{path}:1: the '#+ ' header must be a YAML mapping (key: value lines)")
    return data


def _read_defaults(path: Path, raw: object) -> dict[str, str]:
    if raw is None:
        return {}
    items: list[tuple[object, object]] = []
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(d, dict) and len(d) == 1 for d in raw):
        items = [next(iter(d.items())) for d in raw]
    else:
        raise QueryError(
            f"{path}: header 'defaults' must be a list of 'name: value' entries",
            hint="for example '#+ defaults:' then '#+   - paper: tkd:paper-llama'",
        )
    return {_normalise_name(str(k)): _yaml_scalar(v) for k, v in items}


def _yaml_scalar(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _find_parameters(body: str, defaults: Mapping[str, str]) -> tuple[Parameter, ...]:
    seen: dict[str, Parameter] = {}
    for match in _PARAM_RE.finditer(body):
        variable = match.group(1)
        if variable.startswith("__"):
            raise QueryError(f"optional parameters (?{variable}) are not supported")
        name, kind = variable[1:], "string"
        for suffix, suffix_kind in _SUFFIXES:
            if variable.endswith(suffix):
                name, kind = variable[1 : -len(suffix)], suffix_kind
                break
        if variable not in seen:
            seen[variable] = Parameter(name, variable, kind, defaults.get(name))
    return tuple(sorted(seen.values(), key=lambda p: body.index(p.variable)))


def _normalise_name(name: str) -> str:
    return name.strip().replace("-", "_")


def _strip_comments(text: str) -> str:
    """The query without comments, keeping strings and IRIs (which may contain '#') intact."""
    out: list[str] = []
    for line in text.splitlines():
        quote: str | None = None
        in_iri = False
        cut = len(line)
        for i, char in enumerate(line):
            if quote:
                if char == quote and line[i - 1] != "\\":
                    quote = None
            elif in_iri:
                if char == ">":
                    in_iri = False
            elif char in "\"'":
                quote = char
            elif (
                char == "<"
                and i + 1 < len(line)
                and not line[i + 1].isspace()
                and "=" not in line[i + 1 : i + 2]
            ):
                in_iri = True
            elif char == "#":
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def _strip_prologue(body: str) -> str:
    return re.sub(r"(?im)^\s*(PREFIX|BASE)\s+[^\n]*$", "", body)


def _convert(param: Parameter, raw: str) -> Identifier:
    text = raw.strip()
    if param.type == "iri":
        try:
            return expand(text)
        except ValueError as err:
            raise ParameterError(
                f"parameter {param.name!r}: {err}",
                hint="give an IRI (https://...) or a CURIE such as tkd:paper-llama",
            ) from err
    if param.type == "date":
        try:
            parsed = date.fromisoformat(text)
        except ValueError as err:
            raise ParameterError(
                f"parameter {param.name!r}: {text!r} is not a date",
                hint="give a day as YYYY-MM-DD, e.g. 2025-05-26",
            ) from err
        if len(text) != 10:
            raise ParameterError(
                f"parameter {param.name!r}: {text!r} is not a date in YYYY-MM-DD form",
                hint="give a day as YYYY-MM-DD, e.g. 2025-05-26",
            )
        return Literal(parsed.isoformat(), datatype=XSD.date)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise ParameterError(
                f"parameter {param.name!r}: {text!r} is not an integer", hint="give digits, e.g. 10"
            )
        return Literal(int(text), datatype=XSD.integer)
    return Literal(raw)


__all__ = [
    "PARAMETER_TYPES",
    "AskResult",
    "GraphResult",
    "NamedQuery",
    "Parameter",
    "QueryResult",
    "SelectResult",
    "discover",
    "find",
    "read_query",
    "run",
    "run_text",
    "sort_group_concat",
]
