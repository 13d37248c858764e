"""SHACL validation: run the shapes over ontology + data and return a typed report.

Non-conformance is data, not an exception: :func:`validate` returns a :class:`ValidationReport`
whose problems each say which file, which entity, what is wrong and what is expected. Only a file
that does not parse (:class:`~kg.errors.RdfParseError`) or a shapes graph that pySHACL cannot use
(:class:`~kg.errors.InputError`) raises.

>>> from kg.load import find_repository
>>> report = validate_repository(find_repository(), data_files=[])
>>> report.conforms, report.problems
(True, ())
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.query import Processor, Result
from rdflib.term import Identifier, Node

from kg.errors import InputError
from kg.load import LoadedGraph, Repository, find_repository, load_repository, parse_file
from kg.namespaces import PREFIXES, curie

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

VIOLATION = "Violation"
WARNING = "Warning"
INFO = "Info"

#: What every sh:message of the shapes puts between what is wrong and what is expected.
EXPECTED_SEPARATOR = "; expected: "


@dataclass(frozen=True, order=True)
class Problem:
    """One validation result, rendered for people: CURIEs and lexical forms, no rdflib terms."""

    file: str  # repository-relative path of the file describing the focus node, or ""
    focus: str  # the entity with the problem, as a CURIE
    severity: str  # "Violation" | "Warning" | "Info"
    path: str  # the property, as a CURIE, or ""
    value: str  # the offending value (CURIE or literal lexical form), or ""
    message: str  # what is wrong
    expected: str  # what is expected, or ""
    shape: str  # the shape that found it, as a CURIE

    def line(self) -> str:
        """The problem as one line a person can act on.

        >>> Problem("data/employment.ttl", "tkd:employment-x", "Violation", "tkg:source", "",
        ...         "employment has no source", "at least one tkg:source",
        ...         "tkg:EmploymentShape-source-min").line()
        'data/employment.ttl: tkd:employment-x: violation: employment has no source; expected: at least one tkg:source'
        """  # noqa: E501
        where = f"{self.file}: {self.focus}" if self.file else self.focus
        text = f"{where}: {self.severity.lower()}: {self.message}"
        return f"{text}{EXPECTED_SEPARATOR}{self.expected}" if self.expected else text


@dataclass(frozen=True)
class ValidationReport:
    """Every problem found, sorted; conforming means no violation (warnings and infos allowed)."""

    problems: tuple[Problem, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> tuple[Problem, ...]:
        return self._with_severity(VIOLATION)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return self._with_severity(WARNING)

    @property
    def infos(self) -> tuple[Problem, ...]:
        return self._with_severity(INFO)

    def lines(self) -> list[str]:
        """One line per problem, in report order."""
        return [problem.line() for problem in self.problems]

    def _with_severity(self, severity: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == severity)


def validate(
    loaded: LoadedGraph, shapes_path: Path, *, root: Path | None = None
) -> ValidationReport:
    """Validate ``loaded.graph`` (ontology + data) against the shapes in ``shapes_path``.

    Files in the problems are given relative to ``root`` (as given, when ``root`` is None or
    the file lies outside it). ``loaded.graph`` is not modified.
    """
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ReportableRuntimeError

    shapes = parse_file(shapes_path)
    # Without SHACL rules (and no inference) pySHACL writes nothing, so it may work in place: no
    # copy of the data graph, and the prepared-query view below is the graph it queries. Shapes
    # with rules get a copy, so that the caller's graph is never modified.
    has_rules = next(shapes.triples((None, SH.rule, None)), None) is not None
    try:
        _conforms, results, _text = shacl_validate(
            loaded.graph if has_rules else _PreparedQueryGraph(loaded.graph),
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=not has_rules,
        )
    except ReportableRuntimeError as err:
        raise InputError(
            f"{shapes_path}: the shapes cannot be used: {_first_line(err.message)}",
            hint="fix the shape named above; see https://www.w3.org/TR/shacl/",
        ) from err
    if not isinstance(results, Graph):  # pySHACL returns a ValidationFailure instead of raising
        raise InputError(
            f"{shapes_path}: the shapes cannot be used: {_first_line(str(results))}",
            hint="fix that SPARQL constraint; see https://www.w3.org/TR/shacl/#sparql-constraints",
        )
    problems = {
        _problem(results, result, loaded, root)
        for result in results.subjects(RDF.type, SH.ValidationResult)
    }
    return ValidationReport(tuple(sorted(problems)))


def validate_repository(
    repo: Repository | None = None, data_files: Sequence[Path] | None = None
) -> ValidationReport:
    """Validate a checkout's ontology and data (default: every ``data/**/*.ttl``) against its
    shapes."""
    repo = repo or find_repository()
    loaded = load_repository(repo, data_files=data_files)
    return validate(loaded, repo.shapes, root=repo.root)


class _PreparedQueryGraph(Graph):
    """A view of another graph's store that parses each SPARQL query text only once.

    pySHACL runs a SPARQL constraint once per focus node, passing the query as text, and rdflib
    parses and translates the text on every call (about 14 ms, most of the cost). Preparing each
    distinct text once makes SPARQL checks some 40 times faster. A view, not a copy: the triples
    stay in the original store.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )
        self._namespaces = dict(self.namespaces())
        self._namespaces_key = tuple(sorted(self._namespaces.items()))

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and not initNs:
            from rdflib.plugins.sparql import prepareQuery

            key = (query_object, self._namespaces_key)
            prepared = _PREPARED.get(key)
            if prepared is None:
                prepared = _PREPARED[key] = prepareQuery(query_object, initNs=self._namespaces)
            query_object = prepared
        # A prepared query ignores initNs; passing ours saves rdflib building it on every call.
        return super().query(
            query_object,
            processor,
            result,
            initNs or self._namespaces,
            initBindings,
            use_store_provided,
            **kwargs,
        )


#: Parsed SPARQL queries by text and namespace bindings, shared by every validation in a process
#: (parsing one of the shapes' queries takes rdflib about a quarter of a second).
_PREPARED: dict[tuple[str, tuple[tuple[str, URIRef], ...]], Query] = {}


def _problem(results: Graph, result: Node, loaded: LoadedGraph, root: Path | None) -> Problem:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    shape = results.value(result, SH.sourceShape)
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    if path is None and value == focus:
        value = None  # a node-level result: the value is the focus node itself, nothing to add
    rendered_path = _render_path(results, path)
    # pySHACL fills {?var} in SPARQL messages with full IRIs and bare lexical forms; CURIEs first,
    # then the templates it leaves as written in core constraints, literals in Turtle form.
    text = _curies_in(_message_text(messages))
    text = _fill_template(text, "this", _render_in_message(focus))
    text = _fill_template(text, "path", rendered_path)
    text = _fill_template(text, "value", _render_in_message(value))
    message, _, expected = text.partition(EXPECTED_SEPARATOR)
    return Problem(
        file=_file_of(loaded, focus, root),
        focus=_render(focus),
        severity=str(severity).removeprefix(str(SH)) if severity is not None else VIOLATION,
        path=rendered_path,
        value=_render(value),
        message=message,
        expected=expected,
        shape=curie(shape) if isinstance(shape, URIRef) else "",
    )


def _message_text(messages: list[Literal]) -> str:
    """One message, deterministically: untagged first, then English, then by text."""
    if not messages:
        return ""

    def rank(message: Literal) -> tuple[int, str]:
        lang = (message.language or "").lower()
        return (0 if not lang else 1 if lang.startswith("en") else 2, str(message))

    return str(min(messages, key=rank))


def _fill_template(text: str, name: str, rendered: str) -> str:
    """Fill ``{?name}`` / ``{$name}``, which pySHACL leaves as written in core constraints."""
    return text.replace(f"{{?{name}}}", rendered).replace(f"{{${name}}}", rendered)


# The project's namespaces, longest first, followed by a local name that a CURIE can carry.
_IRI = re.compile(
    "("
    + "|".join(re.escape(ns) for ns in sorted(PREFIXES.values(), key=len, reverse=True))
    + r")([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)"
)


def _curies_in(text: str) -> str:
    """Write the project's IRIs in a message (pySHACL fills SPARQL templates with full IRIs)
    as CURIEs."""
    return _IRI.sub(lambda m: curie(m.group(0)), text)


def _render(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _render_in_message(node: Node | None) -> str:
    """A value as a person would write it in Turtle: a CURIE, or a quoted literal with its
    datatype, so that "2023-06" and "2023-06"^^xsd:gYearMonth can be told apart."""
    if not isinstance(node, Literal):
        return _render(node)
    quoted = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if node.language:
        return f"{quoted}@{node.language}"
    if node.datatype is not None and node.datatype != XSD.string:
        return f"{quoted}^^{curie(node.datatype)}"
    return quoted


def _render_path(results: Graph, path: Node | None) -> str:
    if path is None or isinstance(path, URIRef):
        return _render(path)
    inverse = results.value(path, SH.inversePath)
    return f"^{curie(inverse)}" if isinstance(inverse, URIRef) else ""


def _file_of(loaded: LoadedGraph, focus: Node | None, root: Path | None) -> str:
    origin = loaded.origin(focus) if focus is not None else None
    if origin is None:
        return ""
    if root is not None:
        try:
            return origin.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return origin.as_posix()


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else "unknown error"
