"""Write a graph as Turtle, N-Triples or JSON-LD: deterministic text, written atomically.

Every writer gives the same bytes for the same graph, whatever the order in which its triples
were added, and its output parses back into an isomorphic graph:

- Turtle through :func:`kg.turtle.to_turtle` (the house layout);
- N-Triples as sorted lines, blank nodes named after the graph's canonical form;
- JSON-LD compacted with ``ontology/context.jsonld`` (embedded in the output, so that the file
  stands alone): nodes sorted by ``id``, keys sorted, values of a property sorted. Literals keep
  their datatype (``{"@value": "2023", "type": "xsd:gYear"}``); only well-formed ``xsd:integer``
  and ``xsd:boolean`` values become JSON numbers and booleans. Built on rdflib's JSON-LD
  converter, with four places where it loses triples fixed (see ``to_jsonld``).

Whether the inferred triples are included is the caller's choice: ``export(closure(g), fmt)``
or ``export(g, fmt)``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.errors import InputError
from kg.formats import JSONLD, NTRIPLES, TURTLE, RdfFormat
from kg.turtle import iri_ref, quote_string, rdf_lists, stable_bnodes, stable_triples, to_turtle


def export(graph: Graph, fmt: RdfFormat, *, context: Path | None = None) -> str:
    """``graph`` serialised in ``fmt``; ``context`` is the JSON-LD context file (default: the
    repository's ``ontology/context.jsonld``), used only for JSON-LD."""
    if fmt == TURTLE:
        return to_turtle(graph)
    if fmt == NTRIPLES:
        return to_ntriples(graph)
    if fmt == JSONLD:
        return to_jsonld(graph, load_context(context))
    known = ", ".join(f.name for f in (TURTLE, NTRIPLES, JSONLD))
    raise InputError(f"cannot export as {fmt.name}", hint=f"use one of: {known}")


def to_ntriples(graph: Graph) -> str:
    """``graph`` as N-Triples: one line per triple, lines sorted, blank nodes canonically named."""
    lines = sorted(
        f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} ." for s, p, o in stable_triples(graph)
    )
    return "".join(line + "\n" for line in lines)


def _nt_term(node: object) -> str:
    if isinstance(node, Literal):
        text = quote_string(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{iri_ref(str(node.datatype))}"
        return text
    if isinstance(node, URIRef):
        return iri_ref(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"cannot write {node!r} as N-Triples")


def load_context(path: Path | None = None) -> dict[str, Any]:
    """The JSON-LD context (the object under ``@context``) of ``path``, by default the
    repository's ``ontology/context.jsonld``."""
    if path is None:
        from kg.load import find_repository

        path = find_repository().context
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such JSON-LD context", hint="check the path") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(
            f"{path}: cannot read the JSON-LD context ({err})",
            hint='the file must be JSON: {"@context": {...}}',
        ) from err
    context = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise InputError(
            f"{path}: no @context object",
            hint='the file must be JSON: {"@context": {...}}',
        )
    return context


def to_jsonld(graph: Graph, context: dict[str, Any]) -> str:
    """``graph`` as compacted JSON-LD with ``context`` embedded; deterministic (see the module
    notes)."""
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    class _LosslessConverter(Converter):
        """rdflib's converter, with the places where it loses triples fixed:

        - with a context, it writes every xsd:integer/double/boolean/string as a native JSON
          value, losing ill-typed lexical forms, INF/NaN and an explicit xsd:string;
        - a second value of a property overwrites a first that is falsy ("", 0, false);
        - blank nodes in a cycle are never written (only IRIs and unreferenced blank nodes
          start a node);
        - a list with a shared tail, or with ``rdf:type rdf:List`` on its cells, becomes a
          ``@list`` and the sharing or the types are lost.
        """

        def from_graph(self, graph: Graph) -> list[Any]:
            nodemap: dict[Any, Any] = {}
            for s in set(graph.subjects()):
                if isinstance(s, URIRef) or (isinstance(s, BNode) and s not in list_cells):
                    self.process_subject(graph, s, nodemap)
            return list(nodemap.values())

        def add_to_node(
            self, graph: Graph, s: Any, p: Any, o: Any, s_node: dict[str, Any], nodemap: Any
        ) -> None:
            fresh: dict[str, Any] = {}
            super().add_to_node(graph, s, p, o, fresh, nodemap)
            for key, value in fresh.items():
                if key not in s_node:
                    s_node[key] = value
                    continue
                values = s_node[key] if isinstance(s_node[key], list) else [s_node[key]]
                values.extend(value if isinstance(value, list) else [value])
                s_node[key] = values

        def to_collection(self, graph: Graph, l_: Any) -> Any:
            if l_ != RDF.nil and l_ not in lists:
                return None
            return super().to_collection(graph, l_)

        def to_raw_value(self, graph: Graph, s: Any, o: Any, nodemap: Any) -> Any:
            if isinstance(o, Literal) and o.datatype is not None and not _native_ok(o):
                ctx = self.context
                return {ctx.type_key: ctx.to_symbol(o.datatype), ctx.value_key: str(o)}
            return super().to_raw_value(graph, s, o, nodemap)

    stable = stable_bnodes(graph)
    lists, list_cells = rdf_lists(stable)
    active = Context(context)
    nodes = _LosslessConverter(active, False, False).from_graph(stable)
    document = {"@context": context, active.graph_key: nodes}
    text = json.dumps(
        _sorted_json(document, id_key=active.id_key), indent=2, sort_keys=True, ensure_ascii=False
    )
    return text + "\n"


def _native_ok(lit: Literal) -> bool:
    lexical = str(lit)
    if lit.datatype == XSD.boolean:
        return lexical in ("true", "false")
    if lit.datatype == XSD.integer:
        digits = lexical[1:] if lexical.startswith("-") else lexical
        return digits.isascii() and digits.isdigit() and (digits == "0" or digits[0] != "0")
    return False


def _sorted_json(value: Any, *, id_key: str, in_list: bool = False) -> Any:
    """Sort every JSON array except the members of ``@list`` (whose order is the data), nodes
    by their id, so that the output does not depend on the graph's iteration order."""
    if isinstance(value, dict):
        return {
            key: _sorted_json(item, id_key=id_key, in_list=key == "@list")
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = [_sorted_json(item, id_key=id_key) for item in value]
        if in_list:
            return items

        def order(item: Any) -> tuple[str, str]:
            node_id = item.get(id_key, "") if isinstance(item, dict) else ""
            return (str(node_id), json.dumps(item, sort_keys=True, ensure_ascii=False))

        return sorted(items, key=order)
    return value


def write_export(text: str | bytes, out: Path | None) -> None:
    """Write ``text`` to ``out``, or to standard output when ``out`` is None.

    The file is written to a temporary file next to ``out`` and moved into place with
    :func:`os.replace`, so that ``out`` is either the old file or the complete new one, never a
    partial write.
    """
    if out is None:
        if isinstance(text, str):
            sys.stdout.write(text)
        else:
            sys.stdout.buffer.write(text)
        sys.stdout.flush()
        return
    data = text.encode("utf-8") if isinstance(text, str) else text
    if out.is_dir():
        raise InputError(f"{out}: is a directory", hint="give a file name, e.g. -o graph.ttl")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as err:
        raise InputError(
            f"{out}: cannot write there ({err.strerror})",
            hint="check that the directory exists and is writable",
        ) from err
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(out))
        os.replace(tmp, out)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(err, OSError):
            raise InputError(
                f"{out}: writing failed ({err.strerror or err}); any old file is unchanged",
                hint="check the free space and the permissions of the directory",
            ) from err
        raise


def _file_mode(out: Path) -> int:
    """The mode of the file being replaced, else what a newly created file would get."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
