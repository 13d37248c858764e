"""The exception hierarchy. Every error a user can cause is a KgError with a message and a hint.

This module imports nothing from rdflib, so that it is cheap to import anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class KgError(Exception):
    """Base class: an error the command line reports in one line, with exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} (hint: {self.hint})"


class InputError(KgError):
    """Bad input from the user: a missing file, a wrong flag value, an unknown name."""


class RdfParseError(InputError):
    """A data or ontology file that does not parse. Carries the file and, where known, the line."""

    def __init__(self, path: Path | str, line: int | None, detail: str) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(
            f"{where}: syntax error: {detail}",
            hint="fix the Turtle syntax at that line; see https://www.w3.org/TR/turtle/",
        )
        self.path = Path(path)
        self.line = line
        self.detail = detail


class QueryError(InputError):
    """A named query that is missing, malformed, or given bad parameters."""


class ParameterError(QueryError):
    """A query parameter that is missing, unknown, or not of the expected type."""


class ImportRowError(InputError):
    """Rows of an import file (``kg import``) that cannot be imported: one line per problem,
    each ``FILE:LINE: what is wrong; expected: ...``. Nothing was written."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"{path}: {count} problem{'s' if count != 1 else ''} in the rows; nothing was written",
            hint="each problem names its line and what is expected; the columns are described "
            "in templates/README.md and by 'kg import --help'",
        )
        self.path = Path(path)
        self.problems = tuple(problems)


class ImportConformanceError(KgError):
    """An import whose triples would break the SHACL shapes (exit code 1, like a data file that
    does not conform). Carries one line per violation. Nothing was written."""

    exit_code = 1

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"{path}: the import would add {count} shape violation{'s' if count != 1 else ''}; "
            "nothing was written",
            hint="fix the rows that state these facts, or the data they contradict",
        )
        self.path = Path(path)
        self.problems = tuple(problems)


class RemoteError(KgError):
    """A remote service (SPARQL endpoint, Wikidata) failed."""

    exit_code = 3
