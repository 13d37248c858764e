"""A deterministic Turtle writer: the same graph gives the same bytes, whatever the order in which
its triples were added, so that generated files diff cleanly.

The layout is the house style of ``data/`` and ``ontology/``:

- a sorted ``@prefix`` block with only the prefixes that the output uses;
- subjects sorted by their written form (CURIE or ``<iri>``), ontology headers first, blank-node
  subjects last; a blank line between subjects;
- per subject: ``a`` first, then ``rdfs:label``, then the other predicates sorted by CURIE; one
  predicate per line; several objects on that line, comma-separated and sorted;
- typed literals carry the CURIE of their datatype (``"2023"^^xsd:gYear``); integers, decimals
  and booleans are written bare (``9``); strings are escaped on one line (``\\n``, ``\\"``);
- an IRI whose local part is not a safe ``PN_LOCAL`` (after the longest matching prefix) is
  written as ``<iri>``.

Blank nodes round-trip: an ``rdf:List`` is written as a collection ``( a b )``, a blank node used
once as an object is nested as ``[ p o ]``, and any other (shared, cyclic) gets a label derived
from the graph's canonical form (:func:`stable_bnodes`), so it too is the same on every run.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
...     @prefix tkd: <https://w3id.org/talent-kg/id/> .
...     @prefix tkg: <https://w3id.org/talent-kg/ontology#> .
...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
...     tkd:e tkg:startDate "2023"^^xsd:gYear ; a tkg:Employment .
... ''', format="turtle")
>>> print(to_turtle(g), end="")
@prefix tkd: <https://w3id.org/talent-kg/id/> .
@prefix tkg: <https://w3id.org/talent-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<BLANKLINE>
tkd:e
    a tkg:Employment ;
    tkg:startDate "2023"^^xsd:gYear .
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kg.namespaces import PREFIXES

INDENT = "    "

# A conservative, ASCII-only subset of Turtle's PN_LOCAL: rdflib and every other parser read it.
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_BARE = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}
_STRING_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
# Characters that IRIREF forbids; written as \\uXXXX escapes (rdflib reads them back).
_INVALID_IRI_CHARS = frozenset('<>" {}|\\^`')
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))


def to_turtle(graph: Graph, *, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``graph`` as Turtle text, deterministic byte for byte (see the module notes)."""
    return _Writer(stable_bnodes(graph), prefixes).render()


def stable_bnodes(graph: Graph) -> Graph:
    """``graph`` itself when it has no blank nodes; otherwise a copy whose blank nodes are named
    after the graph's canonical form (see :func:`stable_triples`)."""
    if not any(isinstance(n, BNode) for triple in graph for n in triple):
        return graph
    result = Graph()
    for triple in stable_triples(graph):
        result.add(triple)
    return result


def stable_triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of ``graph``, blank nodes renamed after the canonical form (RGDA1,
    :func:`rdflib.compare.to_canonical_graph`) of the triples that touch them, so that
    isomorphic graphs get the same names: ``b`` followed by 16 hex digits."""
    with_bnodes = Graph()
    # rdflib's canonicaliser cannot hash IRIs it considers invalid (a space, braces): stand in
    # an injective placeholder for those while hashing, and put the original back afterwards.
    originals: dict[Node, Node] = {}

    def hashable(node: Node) -> Node:
        if isinstance(node, URIRef) and _INVALID_IRI_CHARS.intersection(node):
            stand_in: Node = URIRef("urn:x-kg-iri:" + node.encode("utf-8").hex())
        elif isinstance(node, Literal) and _INVALID_IRI_CHARS.intersection(node.datatype or ""):
            stand_in = Literal(str(node), datatype=hashable(node.datatype))  # type: ignore[arg-type]
        else:
            return node
        originals[stand_in] = node
        return stand_in

    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            with_bnodes.add((hashable(s), hashable(p), hashable(o)))
        else:
            yield s, p, o
    if not with_bnodes:
        return
    canonical = list(to_canonical_graph(with_bnodes))
    ids = sorted({str(n) for triple in canonical for n in triple if isinstance(n, BNode)})
    names: dict[str, str] = {}
    for width in (16, 64):
        names = {i: "b" + hashlib.sha256(i.encode("utf-8")).hexdigest()[:width] for i in ids}
        if len(set(names.values())) == len(ids):
            break

    def restore(node: Node) -> Node:
        if isinstance(node, BNode):
            return BNode(names[str(node)])
        return originals.get(node, node)

    for s, p, o in canonical:
        yield restore(s), restore(p), restore(o)


def rdf_lists(
    graph: Graph, *, exclude: Set[BNode] = frozenset()
) -> tuple[dict[BNode, list[Node]], set[BNode]]:
    """The well-formed ``rdf:List`` structures of ``graph`` that a collection ``( … )`` can
    stand for without losing a triple: each cell a blank node (not in ``exclude``) with exactly
    one ``rdf:first``, one ``rdf:rest`` and nothing else, used exactly once (the head by its
    owner, every other cell by the ``rdf:rest`` before it), ending in ``rdf:nil``.

    Returns the items of each list by its head, and the set of all cells.
    """
    refs: dict[Node, int] = defaultdict(int)
    for o in graph.objects():
        if isinstance(o, BNode):
            refs[o] += 1
    cells: dict[BNode, tuple[Node, Node]] = {}
    for b in {s for s in graph.subjects() if isinstance(s, BNode)}:
        if refs[b] != 1 or b in exclude:
            continue
        pairs = list(graph.predicate_objects(b))
        firsts = [o for p, o in pairs if p == RDF.first]
        rests = [o for p, o in pairs if p == RDF.rest]
        if len(pairs) == 2 and len(firsts) == 1 and len(rests) == 1:
            cells[b] = (firsts[0], rests[0])
    interior = {rest for _, rest in cells.values() if isinstance(rest, BNode) and rest in cells}
    lists: dict[BNode, list[Node]] = {}
    in_list: set[BNode] = set()
    for head in cells:
        if head in interior:
            continue
        items: list[Node] = []
        chain: list[BNode] = []
        node: Node = head
        while isinstance(node, BNode) and node in cells and node not in chain:
            chain.append(node)
            items.append(cells[node][0])
            node = cells[node][1]
        if node == RDF.nil:
            lists[head] = items
            in_list.update(chain)
    return lists, in_list


def quote_string(text: str) -> str:
    """``text`` as a one-line Turtle / N-Triples string, quotes included."""
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def iri_ref(iri: str) -> str:
    """``iri`` as ``<iri>``, with the characters IRIREF forbids written as ``\\uXXXX``."""
    return "<" + "".join(f"\\u{ord(c):04X}" if c in _IRI_FORBIDDEN else c for c in iri) + ">"


class _Writer:
    def __init__(self, graph: Graph, prefixes: Mapping[str, str]) -> None:
        self.graph = graph
        # Longest namespace first, so that the most specific prefix wins; ties by prefix name.
        self.namespaces = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()
        self.refs: dict[BNode, int] = defaultdict(int)
        for o in graph.objects():
            if isinstance(o, BNode):
                self.refs[o] += 1
        self.lists: dict[BNode, list[Node]] = {}
        self.in_list: set[BNode] = set()
        self.inline: set[BNode] = set()
        self._classify()

    # -- blank nodes ------------------------------------------------------------------------

    def _classify(self) -> None:
        """Decide, for every blank node, whether it is written as a collection, nested as
        ``[ … ]`` or labelled ``_:b…``. A blank node that nesting would never reach (a cycle of
        nodes each used once) is labelled; repeat until every node is reachable."""
        forced: set[BNode] = set()
        bnodes = {n for triple in self.graph for n in triple if isinstance(n, BNode)}
        while True:
            self._find_lists(forced)
            self.inline = {
                b for b in bnodes if self.refs[b] == 1 and b not in forced and b not in self.in_list
            }
            reached = self._reachable()
            unreached = {b for b in bnodes if b not in reached}
            if not unreached:
                return
            forced |= unreached

    def _find_lists(self, forced: set[BNode]) -> None:
        self.lists, self.in_list = rdf_lists(self.graph, exclude=forced)

    def _reachable(self) -> set[BNode]:
        """Blank nodes that the output writes: roots (subjects that are not nested) and all that
        is nested under them."""
        reached: set[BNode] = set()
        stack: list[Node] = []
        for s in set(self.graph.subjects()):
            if not isinstance(s, BNode) or (s not in self.inline and s not in self.in_list):
                stack.append(s)
                if isinstance(s, BNode):
                    reached.add(s)
        for o in set(self.graph.objects()):
            if isinstance(o, BNode) and o not in self.inline and o not in self.in_list:
                reached.add(o)  # labelled, possibly without a description of its own
        while stack:
            node = stack.pop()
            children: Iterable[Node]
            if isinstance(node, BNode) and node in self.lists:
                children = self.lists[node]
            else:
                children = self.graph.objects(node)
            for child in children:
                nested = child in self.inline or child in self.lists
                if isinstance(child, BNode) and nested and child not in reached:
                    reached.add(child)
                    if child in self.lists:
                        reached.update(self._chain(child))
                    stack.append(child)
        return reached

    def _chain(self, head: BNode) -> list[BNode]:
        cells = [head]
        node = self.graph.value(head, RDF.rest)
        while isinstance(node, BNode):
            cells.append(node)
            node = self.graph.value(node, RDF.rest)
        return cells

    # -- terms ------------------------------------------------------------------------------

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        for prefix, namespace in self.namespaces:
            if text.startswith(namespace) and _PN_LOCAL.fullmatch(text[len(namespace) :]):
                self.used.add(prefix)
                return f"{prefix}:{text[len(namespace) :]}"
        return iri_ref(text)

    def literal(self, lit: Literal) -> str:
        lexical = str(lit)
        if lit.language:
            return f"{quote_string(lexical)}@{lit.language}"
        if lit.datatype is None:
            return quote_string(lexical)
        bare = _BARE.get(lit.datatype)
        if bare is not None and bare.fullmatch(lexical):
            return lexical
        return f"{quote_string(lexical)}^^{self.iri(lit.datatype)}"

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            if node in self.lists:
                return "( " + " ".join(self.term(item) for item in self.lists[node]) + " )"
            if node in self.inline:
                inner = self.predicate_objects(node, separator=" ; ")
                return f"[ {inner} ]" if inner else "[]"
            return f"_:{node}"
        raise TypeError(f"cannot write {node!r} as Turtle")

    # -- statements -------------------------------------------------------------------------

    def predicate_lines(self, subject: Node) -> list[str]:
        by_predicate: dict[str, list[str]] = defaultdict(list)
        for p, o in self.graph.predicate_objects(subject):
            key = "a" if p == RDF.type else self.iri(p)  # type: ignore[arg-type]
            by_predicate[key].append(self.term(o))
        label = self.iri(RDFS.label) if (subject, RDFS.label, None) in self.graph else None

        def order(key: str) -> tuple[int, str]:
            return (0 if key == "a" else 1 if key == label else 2, key)

        return [
            f"{key} {' , '.join(sorted(by_predicate[key]))}"
            for key in sorted(by_predicate, key=order)
        ]

    def predicate_objects(self, subject: Node, *, separator: str) -> str:
        return separator.join(self.predicate_lines(subject))

    def render(self) -> str:
        blocks: list[tuple[tuple[int, str], str]] = []
        for s in set(self.graph.subjects()):
            if isinstance(s, BNode) and (s in self.inline or s in self.in_list):
                continue
            lines = self.predicate_lines(s)
            if isinstance(s, BNode):
                head, rank = ("[]" if self.refs[s] == 0 else f"_:{s}"), 2
            else:
                head = self.term(s)
                rank = 0 if (s, RDF.type, OWL.Ontology) in self.graph else 1
            text = head + "\n" + INDENT + (" ;\n" + INDENT).join(lines) + " ."
            blocks.append(((rank, text if head == "[]" else head), text))
        body = "\n\n".join(text for _, text in sorted(blocks))
        header = "".join(
            f"@prefix {prefix}: {iri_ref(ns)} .\n"
            for prefix, ns in sorted(self.namespaces)
            if prefix in self.used
        )
        if not body:
            return header
        return (header + "\n" if header else "") + body + "\n"
