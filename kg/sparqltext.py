"""SPARQL text at the level of tokens: which parts of a query are code, and which are comments,
strings or IRIs that a text search must not look into."""

from __future__ import annotations

import re

#: A comment, a long or short string, an IRI, or a variable; everything else is left alone.
TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
    """,
    re.VERBOSE | re.DOTALL,
)
#: The token kinds that are not code.
NOT_CODE = frozenset({"comment", "string", "long"})


def code_only(text: str) -> str:
    """``text`` with every comment, string and IRI replaced by spaces of the same length, so
    that positions in the result are positions in ``text``.

    >>> code_only('SELECT ?x { ?x ?p "}" } # }')
    'SELECT ?x { ?x ?p     }    '
    """

    def blank(match: re.Match[str]) -> str:
        if match.lastgroup in NOT_CODE or match.lastgroup == "iri":
            return " " * len(match.group())
        return match.group()

    return TOKEN.sub(blank, text)


__all__ = ["NOT_CODE", "TOKEN", "code_only"]
